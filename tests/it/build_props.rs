//! The mutation fuzzer, past the loader: whole pipelines whose amounts,
//! rates, dates, periods, targets, notes and names are drawn mostly at and
//! around the documented limits (docs/format.md, "Limits"), and then
//! checked, computed, reported in every format and rendered as a site, as
//! `dealbook check`, `report` and `build` do. Properties:
//!
//! - nothing panics (overflow, the calendar's end, a chart's axis);
//! - every diagnostic points into its file on character boundaries, and a
//!   pipeline with a value beyond a limit is rejected by `check` (so that
//!   everything after it only ever sees values within the limits);
//! - a pipeline that passes `check` reports in every format and renders a
//!   site of bounded size (no runaway chart axis).
//!
//! Cases: 48 per run by default (each renders a site); set
//! `PROPTEST_CASES` for a longer run, e.g.
//! `PROPTEST_CASES=2000 cargo test --release --test it build_props::`. The
//! run prints how many cases passed `check` and were built.

use crate::common;

use common::diags::{assert_spans, render_all};
use dealbook::analytics::{self, Focus, Options};
use dealbook::load::LoadOptions;
use dealbook::period::Period;
use dealbook::report::{self, CsvTable};
use dealbook::site::{self, SiteInput, templates::Overrides};
use jiff::civil::Date;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use std::sync::atomic::{AtomicUsize, Ordering};

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    proptest::sample::select(items).prop_map(str::to_string)
}

/// Money: at the bounds, and (`bad`) now and then just past them.
fn amount(bad: bool) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        14 => pick(&[
            "0",
            "0.01",
            "1",
            "1_000_000",
            "999_999_999_999_999.99",
            "1_000_000_000_000_000",
            "1e15",
            "123456789012345.67",
        ]),
        u32::from(bad) => pick(&[
            "1_000_000_000_000_000.01",
            "1e16",
            "7e28",
            "79228162514264337593543950335",
            "1e400",
            "-0.01",
            "0.001",
            "nan",
        ]),
        1 => (0u64..=1_000_000_000_000_000).prop_map(|n| n.to_string()),
    ]
}

fn rate(bad: bool) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        12 => pick(&["100_000", "99_999.999999", "7.1", "1", "0.0000001", "0.0000000000000000000000000001"]),
        u32::from(bad) => pick(&["100_000.01", "1e6", "0", "-1", "inf"]),
    ]
}

/// Dates: the first and last days allowed, (`bad`) the days just outside
/// them, leap days and the days around as_of.
fn date(bad: bool) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        14 => pick(&[
            "1900-01-01",
            "1900-03-01",
            "2999-12-31",
            "2999-01-01",
            "2998-12-31",
            "2026-06-30",
            "2026-07-01",
            "2026-06-29",
            "2024-02-29",
            "2000-02-29",
            "2026-01-10",
        ]),
        u32::from(bad) => pick(&["1899-12-31", "3000-01-01", "9999-12-31", "0001-01-01", "0000-01-01"]),
        2 => (1900i32..=2999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
    ]
}

fn period(bad: bool) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        14 => pick(&[
            "1900", "1900-Q1", "1900-01", "2999", "2999-Q4", "2999-12", "2026", "2026-Q2",
            "2026-06", "2026-Q3",
        ]),
        u32::from(bad) => pick(&["1899", "3000", "9999-Q4", "9999", "3000-01"]),
    ]
}

/// Markdown notes: ordinary, nested to the limit, or (`bad`) one level
/// past it.
fn note(bad: bool) -> impl Strategy<Value = String> + Clone {
    let depth = dealbook::limits::MAX_NOTE_DEPTH;
    prop_oneof![
        8 => Just(String::new()),
        4 => pick(&["Pricing **agreed**.\n\n- a\n- b", "<b>bold</b> [x](https://example.com)", "| a | b |\n|---|---|\n| 1 | 2 |"]),
        2 => Just(format!("{}x", "> ".repeat(depth - 1))),
        2 => Just("<span>".repeat(depth - 2)),
        u32::from(bad) => Just(format!("{}x", "> ".repeat(depth + 1))),
        u32::from(bad) => Just("<div>".repeat(depth + 1)),
    ]
}

fn name() -> impl Strategy<Value = String> + Clone {
    pick(&[
        "Pilot",
        "Pilot \u{202E}gnp.exe",
        "שלום \u{2067}x",
        "张敏的项目",
        "<script>alert(1)</script> {{ 7 * 191 }}",
        "a\u{202A}\u{202B}\u{2066}",
    ])
}

#[derive(Debug, Clone)]
struct Deal {
    amount: String,
    usd: bool,
    stage: String,
    created: String,
    close: Option<String>,
    next: Option<String>,
    probability: Option<String>,
    name: String,
    notes: String,
}

/// A deal of a pipeline as of `as_of`: created on the first day allowed
/// or on as_of itself (or, now and then, any day); closed (won or lost) on
/// one of those, expected to close on any day.
fn deal(as_of: String, bad: bool) -> impl Strategy<Value = Deal> {
    let past = prop_oneof![
        4 => Just("1900-01-01".to_string()),
        4 => Just(as_of),
        u32::from(bad) => date(bad),
    ];
    (
        (
            amount(bad),
            any::<bool>(),
            pick(&["qualify", "proposal", "won", "lost"]),
            past.clone(),
            (
                past,
                date(bad),
                proptest::bool::weighted(if bad { 0.9 } else { 1.0 }),
            ),
        ),
        (
            proptest::option::of(date(bad)),
            proptest::option::of(pick(&["0", "1", "0.0000001", "0.5", "0.99"])),
            name(),
            note(bad),
        ),
    )
        .prop_map(
            |((amount, usd, stage, created, close), (next, probability, name, notes))| Deal {
                close: match close {
                    (_, _, false) => None,
                    (past, _, true) if stage == "won" || stage == "lost" => Some(past),
                    (_, any, true) => Some(any),
                },
                amount,
                usd,
                stage,
                created,
                next,
                probability,
                name,
                notes,
            },
        )
}

#[derive(Debug, Clone)]
struct Target {
    period: String,
    metric: String,
    value: String,
    stretch: Option<String>,
    person: bool,
}

fn target(bad: bool) -> impl Strategy<Value = Target> {
    (
        period(bad),
        pick(&[
            "revenue",
            "new_accounts",
            "win_rate",
            "satisfaction",
            "market_share",
            "pipeline_created",
        ]),
        amount(bad),
        proptest::option::of(amount(bad)),
        pick(&["0", "0.0001", "0.5", "1"]),
        any::<bool>(),
    )
        .prop_map(|(period, metric, money, stretch, rate, person)| {
            // Rates and scores have their own ranges (checked elsewhere).
            let (value, stretch) = match metric.as_str() {
                "win_rate" | "market_share" => (rate, None),
                "satisfaction" => (if rate == "0.5" { "10".into() } else { rate }, None),
                _ => (money, stretch),
            };
            Target {
                period,
                metric,
                value,
                stretch,
                person,
            }
        })
}

#[derive(Debug, Clone)]
struct Case {
    as_of: String,
    cli_as_of: Option<String>,
    fiscal_start: u8,
    rate: String,
    large_deal: String,
    markets: Vec<(String, String)>,
    touches: Vec<String>,
    deals: Vec<Deal>,
    /// Copies of the first deal (sums over many deals at the maxima).
    copies: usize,
    targets: Vec<Target>,
    /// The period the report is asked for (`--period`).
    report_period: Option<String>,
}

/// A pipeline: as of the first or last years allowed or today; one in
/// four (`bad`) also draws values beyond the limits, which `check` must
/// reject.
fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            Just("2026-06-30".to_string()),
            Just("1900-12-31".to_string()),
            Just("2999-12-31".to_string()),
            Just("2999-01-01".to_string()),
            date(false),
        ],
        proptest::bool::weighted(0.25),
    )
        .prop_flat_map(|(as_of, bad)| case_as_of(as_of, bad))
}

fn case_as_of(as_of: String, bad: bool) -> impl Strategy<Value = Case> {
    (
        (
            Just(as_of.clone()),
            proptest::option::weighted(
                0.2,
                prop_oneof![
                    3 => Just("2999-12-31".to_string()),
                    u32::from(bad) => pick(&["3000-01-01", "1899-12-31"])
                ],
            ),
            1u8..=12,
            rate(bad),
            amount(bad),
            proptest::collection::vec((period(bad), amount(bad)), 0..3),
            proptest::collection::vec(date(bad), 0..3),
        ),
        (
            proptest::collection::vec(deal(as_of, bad), 1..6),
            prop_oneof![3 => Just(0usize), 1 => 1usize..60],
            proptest::collection::vec(target(bad), 0..5),
            proptest::option::of(period(bad)),
        ),
    )
        .prop_map(
            |(
                (as_of, cli_as_of, fiscal_start, rate, large_deal, markets, touches),
                (deals, copies, targets, report_period),
            )| Case {
                as_of,
                cli_as_of,
                fiscal_start,
                rate,
                large_deal,
                markets,
                touches,
                deals,
                copies,
                targets,
                report_period,
            },
        )
}

/// A TOML string literal (basic, escaped).
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn deal_file(d: &Deal) -> String {
    let mut s = format!(
        "name = {}\naccount = \"acme\"\nowner = \"bob\"\namount = {}\nstage = \"{}\"\ncreated = {}\n",
        q(&d.name),
        d.amount,
        d.stage,
        d.created
    );
    if d.usd {
        s.push_str("currency = \"USD\"\n");
    }
    if let Some(c) = &d.close {
        s.push_str(&format!("close = {c}\n"));
    }
    if let Some(n) = &d.next {
        s.push_str(&format!("next_step = \"Call\"\nnext_step_date = {n}\n"));
    }
    if let Some(p) = &d.probability {
        s.push_str(&format!("probability = {p}\n"));
    }
    if d.stage == "lost" {
        s.push_str("lost_reason = \"price\"\n");
    }
    if !d.notes.is_empty() {
        s.push_str(&format!("notes = {}\n", q(&d.notes)));
    }
    s.push_str(&format!(
        "\n[[history]]\ndate = {}\nstage = \"{}\"\n",
        d.created, d.stage
    ));
    s
}

fn write_case(root: &std::path::Path, c: &Case) {
    let base = common::repo().join("tests/invalid/valid-base");
    common::copy_dir(&base, root);
    std::fs::remove_file(root.join("expected")).unwrap();
    std::fs::remove_file(root.join("deals/pilot.toml")).unwrap();
    let settings = std::fs::read_to_string(root.join("dealbook.toml")).unwrap();
    let mut settings = settings
        .replace(
            "as_of = 2026-06-30",
            &format!(
                "as_of = {}\nfiscal_year_start = {}",
                c.as_of, c.fiscal_start
            ),
        )
        .replace("USD = 7.10", &format!("USD = {}", c.rate))
        .replace(
            "[rules]",
            &format!("[rules]\nlarge_deal = {}", c.large_deal),
        );
    for (p, size) in markets_written(c) {
        settings.push_str(&format!("\n[[market]]\nperiod = {}\nsize = {size}\n", q(p)));
    }
    std::fs::write(root.join("dealbook.toml"), settings).unwrap();
    let mut account = std::fs::read_to_string(root.join("accounts/acme.toml")).unwrap();
    account = account.replacen("owner = \"bob\"\n", "owner = \"bob\"\ntier = \"key\"\n", 1);
    for t in &c.touches {
        account.push_str(&format!(
            "\n[[touch]]\ndate = {t}\nby = \"bob\"\nkind = \"visit\"\n\n[[survey]]\ndate = {t}\nscore = 10\n"
        ));
    }
    std::fs::write(root.join("accounts/acme.toml"), account).unwrap();
    for (i, d) in c.deals.iter().enumerate() {
        std::fs::write(root.join(format!("deals/d{i}.toml")), deal_file(d)).unwrap();
    }
    for k in 0..c.copies {
        std::fs::write(
            root.join(format!("deals/copy-{k}.toml")),
            deal_file(&c.deals[0]),
        )
        .unwrap();
    }
    let mut targets = String::new();
    let mut seen = std::collections::HashSet::new();
    for t in c
        .targets
        .iter()
        .filter(|t| seen.insert((t.period.clone(), t.metric.clone(), t.person)))
    {
        targets.push_str(&format!(
            "[[target]]\nperiod = {}\nmetric = \"{}\"\nvalue = {}\n",
            q(&t.period),
            t.metric,
            t.value
        ));
        if let Some(s) = &t.stretch {
            targets.push_str(&format!("stretch = {s}\n"));
        }
        if t.person {
            targets.push_str("person = \"bob\"\n");
        }
        targets.push('\n');
    }
    targets.push_str("# targets of the generated pipeline\n");
    std::fs::write(root.join("targets/2026.toml"), targets).unwrap();
}

/// The markets `write_case` writes: the first of each period (a second
/// market of a period would be E053, an error of its own).
fn markets_written(c: &Case) -> impl Iterator<Item = &(String, String)> {
    let mut seen = std::collections::HashSet::new();
    c.markets.iter().filter(move |(p, _)| seen.insert(p))
}

static RAN: AtomicUsize = AtomicUsize::new(0);
static BUILT: AtomicUsize = AtomicUsize::new(0);

/// Whether `text` (a TOML number as generated) is beyond the limits the
/// docs give for amounts.
fn beyond(text: &str, max: &str) -> bool {
    use std::str::FromStr;
    let t = text.replace('_', "");
    let d = rust_decimal::Decimal::from_str(&t)
        .or_else(|_| rust_decimal::Decimal::from_scientific(&t))
        .ok();
    let max = rust_decimal::Decimal::from_str(max).unwrap();
    match d {
        Some(d) => d > max,
        None => t != "nan" && !t.contains("inf") && t != "1e400",
    }
}

fn run(c: &Case) {
    RAN.fetch_add(1, Ordering::Relaxed);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    write_case(&root, c);
    let today = jiff::civil::date(2026, 6, 30);
    let cli_as_of: Option<Date> = c.cli_as_of.as_ref().and_then(|d| d.parse().ok());
    let cli_ok = cli_as_of.is_none_or(|d| dealbook::limits::year_ok(d.year()));
    if !cli_ok {
        // The command line refuses it (a usage error); so does the test.
        return;
    }
    let checked = dealbook::load_and_check(&root, &LoadOptions::default(), cli_as_of, today);
    assert_spans(&checked.diagnostics, &checked.pipeline.sources);
    render_all(&checked.diagnostics, &checked.pipeline.sources);
    let year_out = |d: &str| {
        d.get(..4)
            .and_then(|y| y.parse::<i16>().ok())
            .is_some_and(|y| !dealbook::limits::year_ok(y))
    };
    let over_limit = c.deals.iter().any(|d| {
        beyond(&d.amount, "1000000000000000")
            || year_out(&d.created)
            || d.close.as_deref().is_some_and(year_out)
            || d.next.as_deref().is_some_and(year_out)
            || dealbook::site::markdown::depth(&d.notes) > dealbook::limits::MAX_NOTE_DEPTH
    }) || beyond(&c.rate, "100000")
        || beyond(&c.large_deal, "1000000000000000")
        || year_out(&c.as_of)
        || c.touches.iter().any(|t| year_out(t))
        || markets_written(c).any(|(p, size)| year_out(p) || beyond(size, "1000000000000000"))
        || c.targets.iter().any(|t| {
            beyond(&t.value, "1000000000000000")
                || t.stretch
                    .as_deref()
                    .is_some_and(|s| beyond(s, "1000000000000000"))
                || year_out(&t.period)
        });
    if over_limit {
        assert!(
            checked.has_errors(),
            "a value beyond a limit passed check: {c:?}"
        );
    }
    if checked.has_errors() {
        // BUILD_PROPS_DEBUG=1: which errors keep cases from being built.
        if std::env::var_os("BUILD_PROPS_DEBUG").is_some() {
            let codes: Vec<&str> = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity() == dealbook::diag::Severity::Error)
                .map(|d| d.code.as_str())
                .collect();
            eprintln!("errors {codes:?}");
        }
        return;
    }
    BUILT.fetch_add(1, Ordering::Relaxed);
    let p = &checked.pipeline;
    let report_period = c.report_period.as_deref().and_then(Period::parse);
    for opts in [
        Options::default(),
        Options {
            periods: report_period.into_iter().collect(),
            period: report_period,
            focus: Some(Focus::Person("bob".into())),
        },
    ] {
        let a = analytics::compute(p, checked.as_of, &opts);
        let period = a.kpis.period;
        let _ = report::text(&a, p, period, true);
        let _ = report::markdown(&a, p, period);
        let _ = report::json(&a, p);
        for t in [
            CsvTable::Deals,
            CsvTable::Forecast,
            CsvTable::Performance,
            CsvTable::Risks,
            CsvTable::Accounts,
        ] {
            report::csv(&a, p, t).expect("CSV");
        }
    }
    let a = analytics::compute(p, checked.as_of, &Options::default());
    let pages = site::render(&SiteInput {
        pipeline: p,
        analytics: &a,
        diagnostics: &checked.diagnostics,
        overrides: &Overrides::default(),
        base_url: None,
        history: None,
    })
    .expect("a pipeline that passes check renders");
    let total: usize = pages.iter().map(|p| p.bytes.len()).sum();
    // About 60 pages of tens of KB: a runaway axis makes megabytes.
    assert!(total < 40_000_000, "{total} bytes in {} pages", pages.len());
}

/// Check, compute, report and render pipelines at the limits; prints how
/// many there were and how many passed `check` (and so were reported and
/// built).
#[test]
fn pipelines_at_the_limits_build_and_report() {
    let mut runner = TestRunner::new(Config {
        cases: common::proptest_cases(48),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    });
    let result = runner.run(&case(), |c| {
        run(&c);
        Ok(())
    });
    let (ran, built) = (RAN.load(Ordering::Relaxed), BUILT.load(Ordering::Relaxed));
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "build_props: {ran} pipelines (shrinking included), {built} passed check and were reported in every format and built"
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(built > 0, "no generated pipeline passed check");
}

/// A case the property test once drew and shrank: two markets for the same
/// period, the second beyond the limit. Only the first market of a period
/// is written (a second would be E053, an error of its own), so the
/// pipeline is within the limits and must pass check; the oracle once
/// counted the market it never wrote, and failed a valid pipeline.
#[test]
fn a_market_left_out_as_a_duplicate_period_does_not_count_as_beyond_a_limit() {
    run(&Case {
        as_of: "1900-12-31".into(),
        cli_as_of: None,
        fiscal_start: 1,
        rate: "100_000".into(),
        large_deal: "0".into(),
        markets: vec![
            ("1900-01".into(), "0".into()),
            ("1900-01".into(), "1_000_000_000_000_000.01".into()),
        ],
        touches: vec![],
        deals: vec![Deal {
            amount: "0".into(),
            usd: false,
            stage: "qualify".into(),
            created: "1900-01-01".into(),
            close: None,
            next: None,
            probability: None,
            name: "Pilot".into(),
            notes: String::new(),
        }],
        copies: 0,
        targets: vec![],
        report_period: None,
    });
}
