//! Every figure of `analytics::compute` on `tests/fixtures/analytics-small`,
//! worked out by hand from the definitions in docs/metrics.md.
//!
//! The pipeline (fiscal year starts in April, as_of 2026-11-15):
//!
//! * FY2026 = 2026-04-01 ..= 2027-03-31; the current quarter 2026-Q3 is
//!   Oct–Dec 2026, the next one 2026-Q4 is Jan–Mar 2027; FY2025 =
//!   2025-04-01 ..= 2026-03-31.
//! * Stages: qualify 0.10 pipeline (max 30 d, requires pains), develop 0.35
//!   pipeline (40 d, decision_process), propose 0.60 best_case (45 d,
//!   value_proof), negotiate 0.85 commit (30 d); won; lost.
//! * USD = 7.1234. Teams: east = ann (manager), bob (sales), fay
//!   (presales, owns nothing); west = cat (sales), dan (manager); eve
//!   (sales) has no team.
//!
//! Deals (amounts in CNY after conversion, each rounded to the cent once):
//!
//! | id                 | owner | stage     | amount     | created    | close      | FY quarter |
//! |--------------------|-------|-----------|------------|------------|------------|------------|
//! | acme-erp-2025      | bob   | won       | 200000.00  | 2025-03-10 | 2025-06-20 | 2025-Q1    |
//! | birch-crm-2025     | cat   | won       | 71234.00   | 2025-07-01 | 2025-12-15 | 2025-Q3    |
//! | cedar-lost-2025    | eve   | lost      | 50000.00   | 2025-05-01 | 2025-09-30 | 2025-Q2    |
//! | cedar-suite-2025   | eve   | won       | 30000.51   | 2025-10-01 | 2026-01-20 | 2025-Q4    |
//! | acme-erp-2026      | bob   | won       | 300000.00  | 2026-02-01 | 2026-05-10 | 2026-Q1    |
//! | acme-iot-2026      | ann   | won       | 87943.15   | 2026-04-15 | 2026-08-20 | 2026-Q2    |
//! | birch-support-2026 | cat   | won       | 120000.00  | 2026-08-10 | 2026-10-05 | 2026-Q3    |
//! | elm-erp-2026       | bob   | won       | 80000.00   | 2026-09-01 | 2026-11-02 | 2026-Q3    |
//! | delta-lost-2026    | dan   | lost      | 90000.00   | 2026-06-01 | 2026-10-20 | 2026-Q3    |
//! | birch-lost-2026    | cat   | lost      | 40000.00   | 2026-05-01 | 2026-07-15 | 2026-Q2    |
//! | delta-erp-2026     | dan   | won       | 210000.00  | 2026-03-01 | 2026-09-05 | 2026-Q2    |
//! | birch-crm-2026a    | cat   | won       | 100000.00  | 2026-01-10 | 2026-06-10 | 2026-Q1    |
//! | birch-crm-2026b    | cat   | won       | 75040.00   | 2026-05-15 | 2026-08-01 | 2026-Q2    |
//! | acme-expansion     | bob   | negotiate | 400000.00  | 2026-06-01 | 2026-12-20 | 2026-Q3    |
//! | acme-usd           | ann   | propose   | 142471.56  | 2026-09-01 | 2027-02-15 | 2026-Q4    |
//! | birch-renewal      | cat   | develop   | 150000.00  | 2026-07-01 | 2026-12-10 | 2026-Q3    |
//! | birch-skip         | cat   | propose   | 80000.00   | 2026-08-20 | 2026-10-31 | 2026-Q3    |
//! | cedar-new          | eve   | qualify   | 600000.00  | 2026-11-01 | 2026-12-31 | 2026-Q3    |
//! | delta-addon        | dan   | negotiate | 35620.92   | 2026-09-15 | 2026-11-30 | 2026-Q3    |
//! | delta-platform     | dan   | propose   | 250000.00  | 2026-05-01 | 2026-12-15 | 2026-Q3    |
//! | elm-upsell         | bob   | qualify   | 50000.00   | 2026-10-20 | 2027-01-31 | 2026-Q4    |
//!
//! Open deals' probability, category and weighted amount:
//!
//! | id             | p    | category  | weighted                                |
//! |----------------|------|-----------|-----------------------------------------|
//! | acme-expansion | 0.85 | commit    | 400000 × 0.85 = 340000.00               |
//! | acme-usd       | 0.45 | best_case | 142471.56 × 0.45 = 64112.202 → 64112.20 |
//! | birch-renewal  | 0.35 | best_case (override) | 150000 × 0.35 = 52500.00     |
//! | birch-skip     | 0.60 | best_case | 80000 × 0.6 = 48000.00                  |
//! | cedar-new      | 0.10 | pipeline  | 600000 × 0.1 = 60000.00                 |
//! | delta-addon    | 0.90 | commit    | 35620.92 × 0.9 = 32058.828 → 32058.83   |
//! | delta-platform | 0.60 | best_case | 250000 × 0.6 = 150000.00                |
//! | elm-upsell     | 0.10 | pipeline  | 50000 × 0.1 = 5000.00                   |

use dealbook::Checked;
use dealbook::analytics::ScopeKind;
use dealbook::analytics::targets::Source;
use dealbook::analytics::{self, Analytics, Focus, Options};
use dealbook::load::LoadOptions;
use dealbook::model::{Metric, Pipeline};
use dealbook::period::Period;
use jiff::civil::date;
use std::fmt::Display;
use std::path::Path;
use std::sync::OnceLock;

/// The fixture, loaded and checked once.
fn checked() -> &'static Checked {
    static C: OnceLock<Checked> = OnceLock::new();
    C.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analytics-small");
        // `today` is irrelevant: the settings fix as_of.
        let checked =
            dealbook::load_and_check(&root, &LoadOptions::default(), None, date(2000, 1, 1));
        assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
        // The only diagnostic: delta-platform is in propose without the
        // decision_process that develop requires (W001).
        let codes: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["W001"]);
        assert_eq!(checked.as_of, date(2026, 11, 15));
        checked
    })
}

/// The fixture's pipeline (the deals and risks of the analytics point
/// into it).
fn pipeline() -> &'static Pipeline {
    &checked().pipeline
}

fn load(opts: &Options) -> Analytics {
    analytics::compute(pipeline(), checked().as_of, opts)
}

fn a() -> &'static Analytics {
    static A: OnceLock<Analytics> = OnceLock::new();
    A.get_or_init(|| load(&Options::default()))
}

/// A value as printed, "none" for `None`.
fn o<T: Display>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn forecast<'a>(
    a: &'a Analytics,
    period: &str,
    id: Option<&str>,
) -> &'a analytics::forecast::Forecast {
    a.forecast
        .iter()
        .find(|r| r.period == p(period) && r.scope.id.as_deref() == id)
        .unwrap_or_else(|| panic!("no forecast row {period} {id:?}"))
}

fn perf<'a>(a: &'a Analytics, period: &str, id: &str) -> &'a analytics::performance::Performance {
    a.performance
        .iter()
        .find(|r| r.period == p(period) && r.scope.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no performance row {period} {id}"))
}

fn account<'a>(a: &'a Analytics, id: &str) -> &'a analytics::accounts::AccountHealth {
    a.accounts.iter().find(|x| x.id == id).unwrap()
}

fn target<'a>(
    a: &'a Analytics,
    period: &str,
    id: Option<&str>,
    metric: Metric,
) -> &'a analytics::targets::TargetRow {
    a.targets
        .iter()
        .find(|r| r.period == p(period) && r.scope.id.as_deref() == id && r.metric == metric)
        .unwrap_or_else(|| panic!("no target row {period} {id:?} {metric}"))
}

/// Forecast figures in one line, " | " between them: won, commit, best
/// case, pipeline, weighted, open amount, open deals.
fn figures(f: &analytics::forecast::Forecast) -> String {
    [
        f.won.to_string(),
        f.commit.to_string(),
        f.best_case.to_string(),
        f.pipeline.to_string(),
        f.weighted.to_string(),
        f.open_amount.to_string(),
        f.open_deals.to_string(),
    ]
    .join(" | ")
}

/// Target figures in one line, " | " between them: target, stretch,
/// source, gap, coverage, attainment, stretch attainment.
fn target_figures(f: &analytics::forecast::Forecast) -> String {
    [
        o(f.target),
        o(f.stretch),
        o(f.target_source.map(|s| format!("{s:?}"))),
        o(f.gap),
        o(f.coverage),
        o(f.attainment),
        o(f.stretch_attainment),
    ]
    .join(" | ")
}

#[test]
fn header_and_current_periods() {
    let a = a();
    assert_eq!(a.version, 2);
    assert_eq!(a.org, "Small Co");
    assert_eq!(a.currency, "CNY");
    assert_eq!(a.fiscal_year_start, 4);
    assert_eq!(a.as_of, date(2026, 11, 15));
    // November is the 8th month of a year starting in April: offset 7 →
    // quarter 7 / 3 + 1 = 3.
    assert_eq!(a.current.year, Period::Year(2026));
    assert_eq!(a.current.quarter, Period::Quarter(2026, 3));
    assert_eq!(a.current.month, Period::Month(2026, 11));
    assert_eq!(a.current.previous_year, Period::Year(2025));
}

#[test]
fn deal_rows() {
    let a = a();
    assert_eq!(a.deals.len(), 21);
    let rows: Vec<_> = a.deal_rows(pipeline()).collect();
    let d = |id: &str| rows.iter().find(|d| d.id == id).unwrap();
    let codes = |d: &analytics::export::DealRow<'_>| d.risks.iter().collect::<Vec<_>>();

    // 12345.67 × 7.1234 = 86419.69 + 1523.455678 = 87943.145678 → 87943.15
    let iot = d("acme-iot-2026");
    assert_eq!(iot.amount.to_string(), "12345.67");
    assert_eq!(iot.currency, "USD");
    assert_eq!(iot.amount_reporting.to_string(), "87943.15");
    // Won: closed-won, with no probability and no weighted amount.
    assert_eq!(iot.category.to_string(), "closed_won");
    assert_eq!(o(iot.probability), "none");
    assert_eq!(o(iot.weighted), "none");
    assert_eq!(o(iot.days_in_stage), "none"); // closed deals have none
    assert_eq!(o(iot.close_quarter), "2026-Q2"); // August = month 5 of the FY

    // 20000.50 × 7.1234 = 142468 + 3.5617 = 142471.5617 → 142471.56;
    // × 0.45 (override) = 64112.2020 → 64112.20
    let usd = d("acme-usd");
    assert_eq!(usd.amount_reporting.to_string(), "142471.56");
    assert_eq!(o(usd.probability), "0.45");
    assert_eq!(o(usd.weighted), "64112.20");
    assert_eq!(o(usd.close_quarter), "2026-Q4"); // February 2027 is in FY2026
    assert_eq!(usd.days_in_stage, Some(45)); // 2026-10-01 → 11-15: 30 + 15
    assert_eq!(codes(usd), ["no_champion"]);

    // 5000.55 × 7.1234 = 35617 + 3.91787 = 35620.91787 → 35620.92;
    // × 0.9 = 32058.828 → 32058.83
    let addon = d("delta-addon");
    assert_eq!(addon.amount_reporting.to_string(), "35620.92");
    assert_eq!(o(addon.weighted), "32058.83");
    assert_eq!(addon.days_in_stage, Some(21)); // 10-25 → 11-15: 6 + 15

    // Forecast override: develop defaults to pipeline.
    let renewal = d("birch-renewal");
    assert_eq!(renewal.category.to_string(), "best_case");
    assert_eq!(o(renewal.weighted), "52500.00"); // 150000 × 0.35
    assert_eq!(renewal.days_in_stage, Some(61)); // 09-15 → 11-15: 15 + 31 + 15
    assert_eq!(codes(renewal), ["stale", "opponent", "backward"]);

    // No history: days in stage count from `created` (11-01 → 11-15).
    assert_eq!(d("cedar-new").days_in_stage, Some(14));
    assert_eq!(d("elm-upsell").days_in_stage, Some(26)); // 10-20 → 11-15
    assert_eq!(d("acme-expansion").days_in_stage, Some(26)); // 10-20 → 11-15
    assert_eq!(d("birch-skip").days_in_stage, Some(41)); // 10-05 → 11-15: 26 + 15
    assert_eq!(d("delta-platform").days_in_stage, Some(36)); // 10-10 → 11-15: 21 + 15

    // Lost: closed-lost, no probability or weighted amount either.
    let lost = d("cedar-lost-2025");
    assert_eq!(lost.category.to_string(), "closed_lost");
    assert_eq!(
        (o(lost.probability), o(lost.weighted)),
        ("none".into(), "none".into())
    );
    assert_eq!(o(lost.lost_reason), "price");
    assert_eq!(o(lost.close_quarter), "2025-Q2"); // September 2025
    assert_eq!(o(d("cedar-suite-2025").close_quarter), "2025-Q4"); // January 2026
    assert_eq!(o(d("acme-erp-2025").close_quarter), "2025-Q1"); // June 2025
    assert_eq!(o(d("birch-crm-2025").team), "west");
    assert_eq!(o(d("cedar-new").team), "none"); // eve has no team
    // 10000 × 7.1234 = 71234.00
    assert_eq!(d("birch-crm-2025").amount_reporting.to_string(), "71234.00");
    // Deals come in id order.
    let ids: Vec<&str> = rows.iter().map(|d| d.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[test]
fn funnel() {
    let f = &a().funnel;
    let rows: Vec<(&str, usize, String, String)> = f
        .stages
        .iter()
        .map(|s| {
            (
                s.stage.as_str(),
                s.count,
                s.amount.to_string(),
                s.weighted.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // cedar-new 600000 + elm-upsell 50000; 60000 + 5000
            ("qualify", 2, "650000.00".into(), "65000.00".into()),
            // birch-renewal 150000; × 0.35
            ("develop", 1, "150000.00".into(), "52500.00".into()),
            // acme-usd 142471.56 + birch-skip 80000 + delta-platform 250000
            // = 472471.56; 64112.20 + 48000 + 150000 = 262112.20
            ("propose", 3, "472471.56".into(), "262112.20".into()),
            // acme-expansion 400000 + delta-addon 35620.92 = 435620.92;
            // 340000 + 32058.83 = 372058.83
            ("negotiate", 2, "435620.92".into(), "372058.83".into()),
        ]
    );
    assert_eq!(f.count, 8);
    // 650000 + 150000 + 472471.56 + 435620.92 = 1708092.48
    assert_eq!(f.amount.to_string(), "1708092.48");
    // 65000 + 52500 + 262112.20 + 372058.83 = 751671.03
    assert_eq!(f.weighted.to_string(), "751671.03");
    assert_eq!(f.stages[1].probability.to_string(), "0.35");
}

#[test]
fn conversion() {
    // Furthest open stage reached (0 qualify .. 3 negotiate, 4 = won):
    //   won (10 deals)                                   → 4
    //   acme-expansion, delta-addon (negotiate)          → 3
    //   delta-addon skipped propose: still reached it (a later stage)
    //   birch-lost-2026 (lost, history up to propose)    → 2
    //   acme-usd, birch-skip, delta-platform (propose)   → 2
    //   birch-renewal (develop now, propose in history)  → 2
    //   delta-lost-2026 (lost, history up to develop)    → 1
    //   cedar-lost-2025 (lost, no history: first stage)  → 0
    //   cedar-new, elm-upsell (qualify)                  → 0
    // reached(k) = deals at ≥ k: won 10, negotiate 12, propose 17,
    // develop 18, qualify 21.
    let rows: Vec<(&str, &str, usize, usize, String)> = a()
        .conversion
        .iter()
        .map(|c| {
            (
                c.from.as_str(),
                c.to.as_str(),
                c.reached_from,
                c.reached_to,
                o(c.rate),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("qualify", "develop", 21, 18, "0.8571".into()), // 18/21 = 0.857142…
            ("develop", "propose", 18, 17, "0.9444".into()), // 17/18 = 0.94444…
            ("propose", "negotiate", 17, 12, "0.7059".into()), // 12/17 = 0.705882…
            ("negotiate", "won", 12, 10, "0.8333".into()),   // 10/12 = 0.83333…
        ]
    );
    assert_eq!(a().conversion[3].to_name, "Won");
}

#[test]
fn forecast_current_quarter() {
    let a = a();
    // 2026-Q3 = Oct–Dec 2026. Closing in it:
    //   won:  birch-support-2026 (cat) 120000, elm-erp-2026 (bob) 80000
    //   lost: delta-lost-2026 (dan) 90000
    //   open: acme-expansion (bob, commit 400000, w 340000),
    //         birch-renewal (cat, best 150000, w 52500),
    //         birch-skip (cat, best 80000, w 48000),
    //         cedar-new (eve, pipeline 600000, w 60000),
    //         delta-addon (dan, commit 35620.92, w 32058.83),
    //         delta-platform (dan, best 250000, w 150000)

    // Org: won 80000 + 120000 = 200000; commit = 200000 + 400000 +
    // 35620.92 = 635620.92; best = + 150000 + 80000 + 250000 =
    // 1115620.92; pipeline = + 600000 = 1715620.92; weighted = 200000 +
    // 340000 + 52500 + 48000 + 60000 + 32058.83 + 150000 = 882558.83;
    // open = 1715620.92 − 200000 = 1515620.92 in 6 deals.
    let org = forecast(a, "2026-Q3", None);
    assert_eq!(org.scope.kind, ScopeKind::Org);
    assert_eq!(
        figures(org),
        "200000.00 | 635620.92 | 1115620.92 | 1715620.92 | 882558.83 | 1515620.92 | 6"
    );
    // Target from the months: 100000 + 120000 + 130000 = 350000; stretch
    // 100000 + 150000 (Nov's stretch) + 130000 = 380000 (a month without
    // a stretch adds its target). gap = 350000 − 200000 = 150000;
    // coverage = 1515620.92 / 150000 = 10.104139… → 10.1041;
    // attainment = 200000 / 350000 = 0.571428… → 0.5714;
    // stretch attainment = 200000 / 380000 = 0.526315… → 0.5263.
    assert_eq!(
        target_figures(org),
        "350000.00 | 380000.00 | Periods | 150000.00 | 10.1041 | 0.5714 | 0.5263"
    );

    // East = ann + bob + fay: only bob has deals in the quarter.
    // won 80000; commit 80000 + 400000 = 480000; no best case or pipeline
    // deals; weighted 80000 + 340000 = 420000.
    let east = forecast(a, "2026-Q3", Some("east"));
    assert_eq!(
        figures(east),
        "80000.00 | 480000.00 | 480000.00 | 480000.00 | 420000.00 | 400000.00 | 1"
    );
    // Set: 500000, stretch 600000; gap 420000; coverage 400000 / 420000 =
    // 0.952380… → 0.9524; attainment 80000 / 500000 = 0.16;
    // stretch 80000 / 600000 = 0.13333… → 0.1333.
    assert_eq!(
        target_figures(east),
        "500000.00 | 600000.00 | Set | 420000.00 | 0.9524 | 0.1600 | 0.1333"
    );
    let bob = forecast(a, "2026-Q3", Some("bob"));
    assert_eq!(figures(bob), figures(east));
    // 300000 set; gap 220000; coverage 400000 / 220000 = 1.818181… →
    // 1.8182; attainment 80000 / 300000 = 0.266666… → 0.2667.
    assert_eq!(
        target_figures(bob),
        "300000.00 | none | Set | 220000.00 | 1.8182 | 0.2667 | none"
    );
    // Ann: nothing closes in the quarter (acme-usd is in 2026-Q4) and no
    // target anywhere: target, gap, coverage and attainment undefined.
    let ann = forecast(a, "2026-Q3", Some("ann"));
    assert_eq!(figures(ann), "0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0.00 | 0");
    assert_eq!(
        target_figures(ann),
        "none | none | none | none | none | none | none"
    );

    // West = cat + dan. won 120000; commit 120000 + 35620.92 = 155620.92;
    // best = + 150000 + 80000 + 250000 = 635620.92; no pipeline deals;
    // weighted = 120000 + 52500 + 48000 + 32058.83 + 150000 = 402558.83;
    // open 515620.92 in 4 deals.
    let west = forecast(a, "2026-Q3", Some("west"));
    assert_eq!(
        figures(west),
        "120000.00 | 155620.92 | 635620.92 | 635620.92 | 402558.83 | 515620.92 | 4"
    );
    // No team target, and no complete set of its members' targets: cat
    // has 100000 set, but dan has none for the quarter (below). A sum of
    // cat's alone is not west's target: none.
    assert_eq!(
        target_figures(west),
        "none | none | none | none | none | none | none"
    );
    // Cat: won 120000; best 120000 + 150000 + 80000 = 350000; weighted
    // 120000 + 52500 + 48000 = 220500.
    let cat = forecast(a, "2026-Q3", Some("cat"));
    assert_eq!(
        figures(cat),
        "120000.00 | 120000.00 | 350000.00 | 350000.00 | 220500.00 | 230000.00 | 2"
    );
    // Above target: gap 100000 − 120000 = −20000, no coverage;
    // attainment 1.2.
    assert_eq!(
        target_figures(cat),
        "100000.00 | none | Set | -20000.00 | none | 1.2000 | none"
    );
    // Dan: nothing won (delta-lost-2026 lost); commit 35620.92; best
    // 35620.92 + 250000 = 285620.92; weighted 32058.83 + 150000 = 182058.83.
    let dan = forecast(a, "2026-Q3", Some("dan"));
    assert_eq!(
        figures(dan),
        "0.00 | 35620.92 | 285620.92 | 285620.92 | 182058.83 | 285620.92 | 2"
    );
    // October 60000 and November 40000, but no December target: two of
    // the three months are not the quarter's target, so none.
    assert_eq!(
        target_figures(dan),
        "none | none | none | none | none | none | none"
    );
    // Eve (no team): cedar-new only, in pipeline; her target is for the
    // year only, which does not flow down to quarters.
    let eve = forecast(a, "2026-Q3", Some("eve"));
    assert_eq!(
        figures(eve),
        "0.00 | 0.00 | 0.00 | 600000.00 | 60000.00 | 600000.00 | 1"
    );
    assert_eq!(o(eve.target), "none");
    // Fay (presales, owns nothing, no target) gets no row.
    assert!(
        a.forecast
            .iter()
            .all(|r| r.scope.id.as_deref() != Some("fay"))
    );
}

#[test]
fn forecast_rows_and_scopes() {
    let a = a();
    // Horizon: FY2025 and FY2026, their 8 quarters, the 12 months of
    // FY2026 (2026-04 .. 2027-03); the next quarter (2026-Q4), the target
    // and market periods are among them already: 22 periods.
    let mut periods: Vec<String> = a.forecast.iter().map(|r| r.period.to_string()).collect();
    periods.dedup();
    assert_eq!(
        periods,
        [
            "2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026", "2026-Q1", "2026-04",
            "2026-05", "2026-06", "2026-Q2", "2026-07", "2026-08", "2026-09", "2026-Q3", "2026-10",
            "2026-11", "2026-12", "2026-Q4", "2027-01", "2027-02", "2027-03"
        ]
    );
    // Scopes: org, each team followed by its reported people, then the
    // people without a team. Fay is neither seller nor owner.
    let scopes: Vec<String> = a
        .forecast
        .iter()
        .filter(|r| r.period == p("2026"))
        .map(|r| format!("{}:{}", r.scope.kind, o(r.scope.id.as_deref())))
        .collect();
    assert_eq!(
        scopes,
        [
            "org:none",
            "team:east",
            "person:ann",
            "person:bob",
            "team:west",
            "person:cat",
            "person:dan",
            "person:eve"
        ]
    );
    assert_eq!(a.forecast.len(), 22 * 8);
}

#[test]
fn forecast_year_month_and_other_periods() {
    let a = a();
    // FY2026 org. Won: 300000 + 87943.15 + 120000 + 80000 + 210000 +
    // 100000 + 75040 = 972983.15. Every open deal closes in FY2026:
    // commit 400000 + 35620.92 = 435620.92; best case 142471.56 + 150000 +
    // 80000 + 250000 = 622471.56; pipeline 600000 + 50000 = 650000.
    // commit = 972983.15 + 435620.92 = 1408604.07; best = + 622471.56 =
    // 2031075.63; pipeline = + 650000 = 2681075.63; weighted = 972983.15 +
    // 751671.03 (the funnel's) = 1724654.18.
    let fy = forecast(a, "2026", None);
    assert_eq!(
        figures(fy),
        "972983.15 | 1408604.07 | 2031075.63 | 2681075.63 | 1724654.18 | 1708092.48 | 8"
    );
    // Target from the quarters: Q1 400000 + Q2 450000 + Q3 350000 (from its
    // months) + Q4 300000 = 1500000; stretch 400000 + 450000 + 380000 +
    // 300000 = 1530000. gap 1500000 − 972983.15 = 527016.85; coverage
    // 1708092.48 / 527016.85 = 3.241058… → 3.2411; attainment 972983.15 /
    // 1500000 = 0.648655… → 0.6487; stretch 972983.15 / 1530000 =
    // 0.635936… → 0.6359.
    assert_eq!(
        target_figures(fy),
        "1500000.00 | 1530000.00 | Periods | 527016.85 | 3.2411 | 0.6487 | 0.6359"
    );

    // FY2026 east = ann + bob: won 87943.15 + 300000 + 80000 = 467943.15;
    // open acme-expansion commit 400000, acme-usd best 142471.56,
    // elm-upsell pipeline 50000. commit 867943.15; best 1010414.71;
    // pipeline 1060414.71; weighted 467943.15 + 340000 + 64112.20 + 5000 =
    // 877055.35.
    let east = forecast(a, "2026", Some("east"));
    assert_eq!(
        figures(east),
        "467943.15 | 867943.15 | 1010414.71 | 1060414.71 | 877055.35 | 592471.56 | 3"
    );
    // East's year has only its Q3 target, one of four quarters, and ann
    // has no target at all: no year target.
    assert_eq!(
        target_figures(east),
        "none | none | none | none | none | none | none"
    );
    // FY2026 west = cat + dan: won 120000 + 100000 + 75040 + 210000 =
    // 505040; commit + 35620.92 = 540660.92; best + 150000 + 80000 +
    // 250000 = 1020660.92; weighted 505040 + 282558.83 = 787598.83.
    let west = forecast(a, "2026", Some("west"));
    assert_eq!(
        figures(west),
        "505040.00 | 540660.92 | 1020660.92 | 1020660.92 | 787598.83 | 515620.92 | 4"
    );
    // West has no target of its own in any period, and neither cat (her
    // Q3 only) nor dan (two months only) has one for the year: none.
    assert_eq!(
        target_figures(west),
        "none | none | none | none | none | none | none"
    );
    // Eve: year target set at 200000; cedar-new pipeline 600000, weighted
    // 60000; coverage 600000 / 200000 = 3; attainment 0.
    let eve = forecast(a, "2026", Some("eve"));
    assert_eq!(
        figures(eve),
        "0.00 | 0.00 | 0.00 | 600000.00 | 60000.00 | 600000.00 | 1"
    );
    assert_eq!(
        target_figures(eve),
        "200000.00 | none | Set | 200000.00 | 3.0000 | 0.0000 | none"
    );

    // 2026-11 org: won elm-erp-2026 80000; open delta-addon commit
    // 35620.92 (w 32058.83). target 120000, stretch 150000; gap 40000;
    // coverage 35620.92 / 40000 = 0.890523 → 0.8905; attainment 80000 /
    // 120000 = 0.6667; stretch 80000 / 150000 = 0.5333.
    let nov = forecast(a, "2026-11", None);
    assert_eq!(
        figures(nov),
        "80000.00 | 115620.92 | 115620.92 | 115620.92 | 112058.83 | 35620.92 | 1"
    );
    assert_eq!(
        target_figures(nov),
        "120000.00 | 150000.00 | Set | 40000.00 | 0.8905 | 0.6667 | 0.5333"
    );

    // FY2025 org: won 200000 + 71234 + 30000.51 = 301234.51; nothing open
    // closes in it. Target 350000 set; gap 48765.49; coverage 0 / 48765.49
    // = 0; attainment 301234.51 / 350000 = 0.860670… → 0.8607.
    let fy25 = forecast(a, "2025", None);
    assert_eq!(
        figures(fy25),
        "301234.51 | 301234.51 | 301234.51 | 301234.51 | 301234.51 | 0.00 | 0"
    );
    assert_eq!(
        target_figures(fy25),
        "350000.00 | none | Set | 48765.49 | 0.0000 | 0.8607 | none"
    );

    // 2026-Q4 (Jan–Mar 2027): acme-usd best 142471.56 (w 64112.20),
    // elm-upsell pipeline 50000 (w 5000). Target 300000; coverage
    // 192471.56 / 300000 = 0.641571… → 0.6416.
    let q4 = forecast(a, "2026-Q4", None);
    assert_eq!(
        figures(q4),
        "0.00 | 0.00 | 142471.56 | 192471.56 | 69112.20 | 192471.56 | 2"
    );
    assert_eq!(
        target_figures(q4),
        "300000.00 | none | Set | 300000.00 | 0.6416 | 0.0000 | none"
    );
    // 2026-12 org: open acme-expansion 400000 (commit), birch-renewal
    // 150000 (best), cedar-new 600000, delta-platform 250000; month target
    // 130000 set.
    let dec = forecast(a, "2026-12", None);
    assert_eq!(dec.pipeline.to_string(), "1400000.00");
    assert_eq!(o(dec.target), "130000.00");
    // 2026-Q1 (Apr–Jun 2026): acme-erp-2026 300000 + birch-crm-2026a
    // 100000 = 400000 against 400000: attainment exactly 1.
    let q1 = forecast(a, "2026-Q1", None);
    assert_eq!(q1.won.to_string(), "400000.00");
    assert_eq!(o(q1.attainment), "1.0000");
    assert_eq!(o(q1.gap), "0.00");
    assert_eq!(o(q1.coverage), "none"); // gap not positive
    // 2027-03 has no target at all (no month, and months have no children).
    assert_eq!(o(forecast(a, "2027-03", None).target), "none");
}

#[test]
fn performance_current_quarter() {
    let a = a();
    let row = |id: &str| {
        let r = perf(a, "2026-Q3", id);
        format!(
            "#{} target {} won {} att {} wr {}/{} won {} lost {} avg {} cycle {}/{} created {} touches {} overdue {} risks {}",
            r.rank,
            o(r.target),
            r.won,
            o(r.attainment),
            o(r.win_rate),
            o(r.win_rate_amount),
            r.deals_won,
            r.deals_lost,
            o(r.average_deal),
            o(r.cycle_mean_days),
            o(r.cycle_median_days),
            r.pipeline_created,
            r.touches,
            r.overdue_follow_ups,
            r.open_risks,
        )
    };
    // Bob: won elm-erp-2026 80000 (cycle 09-01 → 11-02 = 29 + 31 + 2 = 62);
    // created in the quarter: elm-upsell 50000 (10-20); touches: elm
    // 11-10; overdue: acme (36 days since 10-10 > 30); risks: elm-upsell
    // no_next_step + single_threaded.
    assert_eq!(
        row("bob"),
        "#2 target 300000.00 won 80000.00 att 0.2667 wr 1.0000/1.0000 won 1 lost 0 avg 80000.00 cycle 62.0/62.0 created 50000.00 touches 1 overdue 1 risks 2"
    );
    // Ann: nothing closed (win rate 0/0 undefined), no target; touch on
    // acme 10-10; acme-usd no_champion.
    assert_eq!(
        row("ann"),
        "#3 target none won 0.00 att none wr none/none won 0 lost 0 avg none cycle none/none created 0.00 touches 1 overdue 0 risks 1"
    );
    // Cat: won birch-support-2026 120000 (08-10 → 10-05 = 21 + 30 + 5 =
    // 56 days); nothing created in the quarter; touch birch 10-01; birch is
    // not overdue (45 days = its own cadence of 45); risks: birch-renewal
    // 3 + birch-skip 1.
    assert_eq!(
        row("cat"),
        "#1 target 100000.00 won 120000.00 att 1.2000 wr 1.0000/1.0000 won 1 lost 0 avg 120000.00 cycle 56.0/56.0 created 0.00 touches 1 overdue 0 risks 4"
    );
    // Dan: lost delta-lost-2026 only: win rate 0/1 by count, 0 / 90000 by
    // amount; touch delta 11-01; delta-platform's 5 risks. No quarter
    // target (two of three months).
    assert_eq!(
        row("dan"),
        "#4 target none won 0.00 att none wr 0.0000/0.0000 won 0 lost 1 avg none cycle none/none created 0.00 touches 1 overdue 0 risks 5"
    );
    // Eve: created cedar-new 600000 (11-01); cedar never touched (overdue);
    // cedar-new large_early + single_threaded.
    assert_eq!(
        row("eve"),
        "#5 target none won 0.00 att none wr none/none won 0 lost 0 avg none cycle none/none created 600000.00 touches 0 overdue 1 risks 2"
    );
    // East = ann + bob (+ fay, who did nothing this quarter).
    assert_eq!(
        row("east"),
        "#1 target 500000.00 won 80000.00 att 0.1600 wr 1.0000/1.0000 won 1 lost 0 avg 80000.00 cycle 62.0/62.0 created 50000.00 touches 2 overdue 1 risks 3"
    );
    // West = cat + dan: 1 won of 2 closed; by amount 120000 / (120000 +
    // 90000) = 0.571428… → 0.5714. No target (dan has none).
    assert_eq!(
        row("west"),
        "#2 target none won 120000.00 att none wr 0.5000/0.5714 won 1 lost 1 avg 120000.00 cycle 56.0/56.0 created 0.00 touches 2 overdue 0 risks 9"
    );
    // Ranking: teams first, then people, each by attainment (none last),
    // then won, then id: east 0.16 before west (none); cat 1.2 > bob
    // 0.2667; ann, dan and eve have no attainment and won 0: by id.
    let order: Vec<String> = a
        .performance
        .iter()
        .filter(|r| r.period == p("2026-Q3"))
        .map(|r| format!("{}{}", r.rank, o(r.scope.id.as_deref())))
        .collect();
    assert_eq!(
        order,
        ["1east", "2west", "1cat", "2bob", "3ann", "4dan", "5eve"]
    );
}

#[test]
fn performance_year() {
    let a = a();
    // Cat FY2026: won birch-support-2026 120000, birch-crm-2026a 100000,
    // birch-crm-2026b 75040 = 295040; lost birch-lost-2026 40000.
    // win rate 3/4 = 0.75; by amount 295040 / 335040 = 0.880611… → 0.8806;
    // average 295040 / 3 = 98346.666… → 98346.67; cycles 56, 151
    // (01-10 → 06-10: 21 + 28 + 31 + 30 + 31 + 10), 78 (05-15 → 08-01:
    // 16 + 30 + 31 + 1): mean 285 / 3 = 95.0, median 78.0.
    // Target: her only one is 2026-Q3 (100000), one quarter of four: no
    // year target, no attainment. Created in FY2026: support 120000 + crm-2026b
    // 75040 + lost 40000 + renewal 150000 + skip 80000 = 465040
    // (crm-2026a was created in January 2026: FY2025). Touches: birch
    // 08-01 and 10-01.
    let cat = perf(a, "2026", "cat");
    assert_eq!(cat.won.to_string(), "295040.00");
    assert_eq!(o(cat.target), "none");
    assert_eq!(o(cat.attainment), "none");
    assert_eq!(o(cat.win_rate), "0.7500");
    assert_eq!(o(cat.win_rate_amount), "0.8806");
    assert_eq!((cat.deals_won, cat.deals_lost), (3, 1));
    assert_eq!(o(cat.average_deal), "98346.67");
    assert_eq!(o(cat.cycle_mean_days), "95.0");
    assert_eq!(o(cat.cycle_median_days), "78.0");
    assert_eq!(cat.pipeline_created.to_string(), "465040.00");
    assert_eq!(cat.touches, 2);
    assert_eq!(cat.rank, 3);

    // Bob FY2026: acme-erp-2026 300000 (02-01 → 05-10: 27 + 31 + 30 + 10 =
    // 98 days) + elm-erp-2026 80000 (62 days) = 380000; mean (98 + 62) / 2
    // = 80.0, median of two = 80.0; average 190000. Target: Q3's 300000
    // only: none for the year. Created: acme-expansion 400000 (06-01) + elm-erp
    // 80000 (09-01) + elm-upsell 50000 (10-20) = 530000. Touches: acme
    // 09-20, elm 11-10.
    let bob = perf(a, "2026", "bob");
    assert_eq!(bob.won.to_string(), "380000.00");
    assert_eq!(o(bob.attainment), "none");
    assert_eq!(o(bob.average_deal), "190000.00");
    assert_eq!(o(bob.cycle_mean_days), "80.0");
    assert_eq!(o(bob.cycle_median_days), "80.0");
    assert_eq!(bob.pipeline_created.to_string(), "530000.00");
    assert_eq!(bob.touches, 2);
    assert_eq!(bob.rank, 2);

    // Dan FY2026: won delta-erp-2026 210000 (03-01 → 09-05: 30 + 30 + 31 +
    // 30 + 31 + 31 + 5 = 188 days), lost 90000: 0.5 by count, 210000 /
    // 300000 = 0.7 by amount. No year target (two months only).
    // Created: delta-lost 90000 + delta-platform 250000 + delta-addon
    // 35620.92 = 375620.92.
    let dan = perf(a, "2026", "dan");
    assert_eq!(o(dan.win_rate), "0.5000");
    assert_eq!(o(dan.win_rate_amount), "0.7000");
    assert_eq!(o(dan.attainment), "none");
    assert_eq!(o(dan.cycle_mean_days), "188.0");
    assert_eq!(dan.pipeline_created.to_string(), "375620.92");
    assert_eq!(dan.rank, 4);

    // Ann FY2026: acme-iot-2026 87943.15 (04-15 → 08-20: 15 + 31 + 30 + 31
    // + 20 = 127 days); created acme-iot 87943.15 + acme-usd 142471.56 =
    // 230414.71; no target, and the least won of those without one:
    // ranked last.
    let ann = perf(a, "2026", "ann");
    assert_eq!(ann.won.to_string(), "87943.15");
    assert_eq!(o(ann.cycle_mean_days), "127.0");
    assert_eq!(ann.pipeline_created.to_string(), "230414.71");
    assert_eq!(o(ann.attainment), "none");
    assert_eq!(ann.rank, 5);
    // Eve: 0 of 200000, the only person with a year target: ranked
    // first (attainment before none); then by won: bob 380000, cat
    // 295040, dan 210000, ann 87943.15.
    assert_eq!(o(perf(a, "2026", "eve").attainment), "0.0000");
    assert_eq!(perf(a, "2026", "eve").rank, 1);

    // East's touches in FY2026: bob 2 + ann 1 + fay 1 (delta, 06-15; fay
    // is in east though she has no row of her own) = 4; west: cat 2 + dan
    // 1 = 3.
    assert_eq!(perf(a, "2026", "east").touches, 4);
    assert_eq!(perf(a, "2026", "west").touches, 3);
    // Neither team has a year target: by won, west 505040 above east
    // 467943.15.
    assert_eq!(perf(a, "2026", "west").rank, 1);

    // Eve FY2025: won cedar-suite-2025 30000.51 (10-01 → 01-20: 30 + 30 +
    // 31 + 20 = 111 days), lost cedar-lost-2025 50000: 1/2 by count,
    // 30000.51 / 80000.51 = 0.375003… → 0.3750 by amount.
    let eve25 = perf(a, "2025", "eve");
    assert_eq!(o(eve25.win_rate), "0.5000");
    assert_eq!(o(eve25.win_rate_amount), "0.3750");
    assert_eq!(o(eve25.cycle_mean_days), "111.0");
    // Bob FY2025: one touch (acme 2025-12-01), acme-erp-2025 won. Its
    // creation (2025-03-10) falls in FY2024; acme-erp-2026 was created on
    // 2026-02-01, which is in FY2025 (Apr 2025 – Mar 2026): 300000.
    let bob25 = perf(a, "2025", "bob");
    assert_eq!(bob25.touches, 1);
    assert_eq!(bob25.won.to_string(), "200000.00");
    assert_eq!(bob25.pipeline_created.to_string(), "300000.00");
    // 2025-03-10 → 2025-06-20: 21 + 30 + 31 + 20 = 102 days.
    assert_eq!(o(bob25.cycle_mean_days), "102.0");
}

#[test]
fn kpis() {
    let k = &a().kpis;
    assert_eq!(k.period, p("2026-Q3"));
    assert_eq!(k.scope.kind, ScopeKind::Org);
    assert_eq!(k.scope.name, "Small Co");
    // The quarter's forecast row (see forecast_current_quarter).
    assert_eq!(k.won.to_string(), "200000.00");
    assert_eq!(o(k.target), "350000.00");
    assert_eq!(o(k.attainment), "0.5714");
    assert_eq!(k.commit.to_string(), "635620.92");
    assert_eq!(k.best_case.to_string(), "1115620.92");
    assert_eq!(k.weighted.to_string(), "882558.83");
    assert_eq!(o(k.coverage), "10.1041");
    // Win rate of FY2026: 7 won / (7 + 2 lost) = 0.777… → 0.7778.
    assert_eq!(o(k.win_rate), "0.7778");
    assert_eq!(k.open_deals, 8);
    assert_eq!(k.open_amount.to_string(), "1708092.48");
    // Risks: acme-usd 1, birch-renewal 3, birch-skip 1, cedar-new 2,
    // delta-platform 5, elm-upsell 2 = 14 on 6 deals.
    assert_eq!(k.open_risks, 14);
    assert_eq!(k.deals_at_risk, 6);
    // acme (36 days > 30) and cedar (never touched).
    assert_eq!(k.overdue_follow_ups, 2);
    // Trailing 365 days: 2025-11-16 ..= 2026-11-15. Won in it:
    // birch-crm-2025 71234 (167 days: 07-01 → 12-15 = 30 + 31 + 30 + 31 +
    // 30 + 15), cedar-suite-2025 30000.51 (111), and the 7 FY2026 wins
    // 972983.15 (98, 127, 56, 62, 188, 151, 78): 9 deals, 1074217.66.
    // Lost in it: delta-lost-2026, birch-lost-2026 (cedar-lost-2025 closed
    // 2025-09-30, before the window).
    // win rate 9 / 11 = 0.8181… → 0.8182; average 1074217.66 / 9 =
    // 119357.5177… → 119357.52; cycles 167 + 111 + 98 + 127 + 56 + 62 +
    // 188 + 151 + 78 = 1038, mean 1038 / 9 = 115.33… → 115.3.
    assert_eq!(o(k.win_rate_trailing), "0.8182");
    assert_eq!(o(k.average_deal), "119357.52");
    assert_eq!(o(k.sales_cycle_days), "115.3");
    // velocity = open × win rate × average ÷ mean cycle, in exact
    // fractions: 8 × (9/11) × (1074217.66/9) ÷ (1038/9) = 8 × 1074217.66 ×
    // 9 / (11 × 1038) = 77343671.52 / 11418 = 6773.837… → 6773.84 per day.
    assert_eq!(o(k.velocity), "6773.84");
}

#[test]
fn focus_on_a_team_for_a_year() {
    let a = load(&Options {
        periods: Vec::new(),
        period: Some(Period::Year(2026)),
        focus: Some(Focus::Team("west".into())),
    });
    let k = &a.kpis;
    assert_eq!(k.period, Period::Year(2026));
    assert_eq!(
        (k.scope.kind, k.scope.name.as_str()),
        (ScopeKind::Team, "West")
    );
    // The FY2026 west row of forecast_year_month_and_other_periods.
    assert_eq!(k.won.to_string(), "505040.00");
    assert_eq!(o(k.target), "none");
    assert_eq!(o(k.attainment), "none");
    assert_eq!(k.commit.to_string(), "540660.92");
    assert_eq!(k.best_case.to_string(), "1020660.92");
    assert_eq!(k.weighted.to_string(), "787598.83");
    assert_eq!(o(k.coverage), "none");
    // FY2026 west: won 4 (support, crm-2026a, crm-2026b, delta-erp), lost
    // 2: 4/6 = 0.6667.
    assert_eq!(o(k.win_rate), "0.6667");
    assert_eq!(k.open_deals, 4);
    assert_eq!(k.open_amount.to_string(), "515620.92");
    assert_eq!((k.open_risks, k.deals_at_risk), (9, 3));
    assert_eq!(k.overdue_follow_ups, 0);
    // Trailing: won birch-crm-2025 71234 (167), support 120000 (56),
    // crm-2026a 100000 (151), crm-2026b 75040 (78), delta-erp 210000
    // (188) = 576274 in 5 deals; lost 2. win rate 5/7 = 0.714285… →
    // 0.7143; average 115254.80; cycles 640 / 5 = 128.0; velocity 4 ×
    // 576274 × 5 / (7 × 640) = 11525480 / 4480 = 2572.6517… → 2572.65.
    assert_eq!(o(k.win_rate_trailing), "0.7143");
    assert_eq!(o(k.average_deal), "115254.80");
    assert_eq!(o(k.sales_cycle_days), "128.0");
    assert_eq!(o(k.velocity), "2572.65");

    // The funnel is west's: develop renewal 150000 (52500); propose skip
    // 80000 + platform 250000 = 330000 (48000 + 150000); negotiate addon.
    let f: Vec<(usize, String, String)> = a
        .funnel
        .stages
        .iter()
        .map(|s| (s.count, s.amount.to_string(), s.weighted.to_string()))
        .collect();
    assert_eq!(
        f,
        [
            (0, "0.00".into(), "0.00".into()),
            (1, "150000.00".into(), "52500.00".into()),
            (2, "330000.00".into(), "198000.00".into()),
            (1, "35620.92".into(), "32058.83".into()),
        ]
    );
    assert_eq!(a.funnel.weighted.to_string(), "282558.83");
    // Conversion over west's 11 deals: at 1: delta-lost; at 2:
    // birch-lost, renewal, skip, platform; at 3: addon; won: 5. reached:
    // 11, 11, 10, 6, 5.
    let c: Vec<(usize, usize, String)> = a
        .conversion
        .iter()
        .map(|c| (c.reached_from, c.reached_to, o(c.rate)))
        .collect();
    assert_eq!(
        c,
        [
            (11, 11, "1.0000".into()),
            (11, 10, "0.9091".into()),
            (10, 6, "0.6000".into()),
            (6, 5, "0.8333".into()),
        ]
    );
    // Monthly trend: only west's wins.
    let months: Vec<(String, String)> = a
        .trends
        .monthly
        .iter()
        .filter(|m| m.deals > 0)
        .map(|m| (m.month.to_string(), m.won.to_string()))
        .collect();
    assert_eq!(
        months,
        [
            ("2025-12".into(), "71234.00".into()),
            ("2026-06".into(), "100000.00".into()),
            ("2026-08".into(), "75040.00".into()),
            ("2026-09".into(), "210000.00".into()),
            ("2026-10".into(), "120000.00".into()),
        ]
    );
    // Focus does not cut the lists (the report does that): all 21 deals,
    // every scope's forecast.
    assert_eq!(a.deals.len(), 21);
    assert_eq!(a.forecast.len(), 22 * 8);
}

#[test]
fn targets_rows() {
    let a = a();
    // Every written target, no rolled-up ones.
    assert_eq!(a.targets.len(), 18);
    assert!(a.targets.iter().all(|t| t.source == Source::Set));
    let row = |period, id, metric| {
        let t = target(a, period, id, metric);
        (
            t.value.to_string(),
            o(t.stretch),
            o(t.actual),
            o(t.attainment),
            o(t.stretch_attainment),
            t.closed,
        )
    };
    // FY2025 ended on 2026-03-31: closed.
    assert_eq!(
        row("2025", None, Metric::Revenue),
        (
            "350000".into(),
            "none".into(),
            "301234.51".into(),
            "0.8607".into(),
            "none".into(),
            true
        )
    );
    // 7 / 9 = 0.7778 (the ratio, to 4 places); 0.7778 / 0.7 = 1.111142…
    // → 1.1111.
    assert_eq!(
        row("2026", None, Metric::WinRate),
        (
            "0.7".into(),
            "none".into(),
            "0.7778".into(),
            "1.1111".into(),
            "none".into(),
            false
        )
    );
    // New accounts in FY2026: delta (first win 2026-09-05) and elm
    // (2026-11-02): 2 / 3.
    assert_eq!(
        row("2026", None, Metric::NewAccounts),
        (
            "3".into(),
            "none".into(),
            "2".into(),
            "0.6667".into(),
            "none".into(),
            false
        )
    );
    // Surveys dated in FY2026: acme 6, birch 7 and 9, cedar 4, delta 5
    // and 5 (acme's 8 is from 2025-12): 36 / 6 = 6.00; 6 / 8 = 0.75.
    assert_eq!(
        row("2026", None, Metric::Satisfaction),
        (
            "8".into(),
            "none".into(),
            "6.00".into(),
            "0.7500".into(),
            "none".into(),
            false
        )
    );
    // 972983.15 / 40000000 = 0.024324… → 0.0243; 0.0243 / 0.03 = 0.81.
    assert_eq!(
        row("2026", None, Metric::MarketShare),
        (
            "0.03".into(),
            "none".into(),
            "0.0243".into(),
            "0.8100".into(),
            "none".into(),
            false
        )
    );
    // Bob created elm-upsell (50000) in 2026-Q3: 50000 / 100000.
    assert_eq!(
        row("2026-Q3", Some("bob"), Metric::PipelineCreated),
        (
            "100000".into(),
            "none".into(),
            "50000.00".into(),
            "0.5000".into(),
            "none".into(),
            false
        )
    );
    // Dan won nothing in October; the month is over.
    assert_eq!(
        row("2026-10", Some("dan"), Metric::Revenue),
        (
            "60000".into(),
            "none".into(),
            "0.00".into(),
            "0.0000".into(),
            "none".into(),
            true
        )
    );
    assert_eq!(
        row("2026-11", None, Metric::Revenue),
        (
            "120000".into(),
            "150000".into(),
            "80000.00".into(),
            "0.6667".into(),
            "0.5333".into(),
            false
        )
    );
    // Sorted by period start, years before quarters before months, then
    // scope (org, teams, people), then metric.
    let first: Vec<String> = a
        .targets
        .iter()
        .take(7)
        .map(|t| format!("{} {} {}", t.period, o(t.scope.id.as_deref()), t.metric))
        .collect();
    assert_eq!(
        first,
        [
            "2025 none revenue",
            "2026 none new_accounts",
            "2026 none win_rate",
            "2026 none satisfaction",
            "2026 none market_share",
            "2026 eve revenue",
            "2026-Q1 none revenue",
        ]
    );
}

#[test]
fn risks() {
    let rows: Vec<_> = a().risk_rows(pipeline()).collect();
    let got: Vec<(String, &str, String)> = rows
        .iter()
        .map(|r| (r.deal.clone(), r.code, r.reason.clone()))
        .collect();
    let want: Vec<(String, &str, String)> = [
        (
            "acme-usd",
            "no_champion",
            "in Propose with no coach or champion among the stakeholders",
        ),
        ("birch-renewal", "stale", "61 days in Develop, limit 40"),
        (
            "birch-renewal",
            "opponent",
            "Ben Buyer opposed, with high influence",
        ),
        (
            "birch-renewal",
            "backward",
            "moved back from Propose to Develop on 2026-09-15",
        ),
        (
            "birch-skip",
            "overdue_close",
            "expected close 2026-10-31 passed 15 days ago",
        ),
        (
            "cedar-new",
            "single_threaded",
            "1 stakeholder mapped, at least 2 expected",
        ),
        (
            "cedar-new",
            "large_early",
            "¥600,000 in Qualify, closing this quarter (2026-Q3)",
        ),
        (
            "delta-platform",
            "no_next_step",
            "next step was due 2026-11-10 (5 days ago)",
        ),
        // closes 2026-09-30 → 10-31 → 12-15: two moves later, and out of
        // 2026-Q2 (Jul–Sep) into 2026-Q3.
        (
            "delta-platform",
            "slipped",
            "close moved later 2 times, 2026-09-30 → 2026-12-15, out of 2026-Q2",
        ),
        (
            "delta-platform",
            "opponent",
            "Ivo It (Head of IT) opposed, with high influence",
        ),
        (
            "delta-platform",
            "exit_criteria",
            "exit criteria not met: decision_process (Develop)",
        ),
        (
            "delta-platform",
            "competitive_no_proof",
            "competing with Rival in Propose without value proof",
        ),
        ("elm-upsell", "no_next_step", "no next step"),
        (
            "elm-upsell",
            "single_threaded",
            "1 stakeholder mapped, at least 2 expected",
        ),
    ]
    .into_iter()
    .map(|(d, c, r)| (d.to_string(), c, r.to_string()))
    .collect();
    assert_eq!(got, want);
    // acme-expansion: close moved once within 2026-Q3 (12-01 → 12-20): not
    // slipped; no other signal either. delta-addon: none.
    assert!(
        rows.iter()
            .all(|r| r.deal != "acme-expansion" && r.deal != "delta-addon")
    );
    let r = &rows[0];
    assert_eq!(o(r.owner.as_deref()), "ann");
    assert_eq!(r.account, "acme");
    assert_eq!(r.stage, "propose");
    assert_eq!(r.amount.to_string(), "142471.56");
}

/// The same risks, worded for a site with `[org] locale = "zh-CN"`: the
/// figures are the same, only the sentence changes; names stay as written.
#[test]
fn risk_reasons_in_chinese() {
    use dealbook::model::Locale;
    let p = pipeline();
    let got: Vec<String> = a()
        .risks
        .iter()
        .map(|r| {
            format!(
                "{} {}: {}",
                p.deals[r.deal].id.as_str(),
                r.code(),
                r.reason(p, Locale::ZhCn)
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "acme-usd no_champion: 已到“Propose”阶段，决策相关人中没有内线教练或拥护者",
            "birch-renewal stale: 在“Develop”阶段已停留 61 天，上限 40 天",
            "birch-renewal opponent: Ben Buyer 持反对态度，且影响力高",
            "birch-renewal backward: 阶段倒退：2026-09-15 从“Propose”退回“Develop”",
            "birch-skip overdue_close: 预计成交日 2026-10-31 已过去 15 天",
            "cedar-new single_threaded: 仅有 1 位决策相关人，至少应有 2 位",
            "cedar-new large_early: ¥600,000 的大额商机仍在“Qualify”阶段，却计划本季度（2026-Q3）成交",
            "delta-platform no_next_step: 下一步计划应于 2026-11-10 完成（已过去 5 天）",
            "delta-platform slipped: 预计成交日推迟了 2 次：2026-09-30 → 2026-12-15，移出 2026-Q2",
            "delta-platform opponent: Ivo It（Head of IT） 持反对态度，且影响力高",
            "delta-platform exit_criteria: 未满足阶段出口标准：decision_process（Develop）",
            "delta-platform competitive_no_proof: 已到“Propose”阶段，与 Rival 竞争，但没有价值证明",
            "elm-upsell no_next_step: 没有下一步计划",
            "elm-upsell single_threaded: 仅有 1 位决策相关人，至少应有 2 位",
        ]
    );
    // English is what the report and the exports use.
    assert_eq!(
        a().risks[1].reason(p, Locale::En),
        "61 days in Develop, limit 40"
    );
}

#[test]
fn account_health() {
    let a = a();
    let row = |id: &str| {
        let x = account(a, id);
        format!(
            "last {} {} {} days cadence {} due {} overdue {} score {} prev {} {} lifetime {} in {} open {} in {}",
            o(x.last_touch),
            o(x.last_touch_kind),
            o(x.days_since_touch),
            x.follow_up_days,
            x.follow_up_due,
            x.follow_up_overdue,
            o(x.satisfaction),
            o(x.previous_satisfaction),
            o(x.satisfaction_trend.map(|t| format!("{t:?}"))),
            x.lifetime_won,
            x.won_deals,
            x.open_pipeline,
            x.open_deals,
        )
    };
    // Acme (key: default cadence 30): last touch 10-10 by call, 21 + 15 =
    // 36 days > 30: overdue since 11-09. Scores 8 then 6: down. Won 200000
    // + 300000 + 87943.15 = 587943.15; open 400000 + 142471.56.
    assert_eq!(
        row("acme"),
        "last 2026-10-10 call 36 days cadence 30 due 2026-11-09 overdue true score 6 prev 8 Down lifetime 587943.15 in 3 open 542471.56 in 2"
    );
    // Birch (own cadence 45): 10-01 → 11-15 = 45 days, not more than 45:
    // due today, not overdue. 7 then 9: up. Won 71234 + 120000 + 100000 +
    // 75040 = 366274; open 150000 + 80000.
    assert_eq!(
        row("birch"),
        "last 2026-10-01 meeting 45 days cadence 45 due 2026-11-15 overdue false score 9 prev 7 Up lifetime 366274.00 in 4 open 230000.00 in 2"
    );
    // Cedar (standard: 90): never touched: overdue, due as_of. One score:
    // no trend.
    assert_eq!(
        row("cedar"),
        "last none none none days cadence 90 due 2026-11-15 overdue true score 4 prev none none lifetime 30000.51 in 1 open 600000.00 in 1"
    );
    // Delta (key: 30): 11-01, 14 days. 5 and 5: flat. Open 250000 +
    // 35620.92.
    assert_eq!(
        row("delta"),
        "last 2026-11-01 meeting 14 days cadence 30 due 2026-12-01 overdue false score 5 prev 5 Flat lifetime 210000.00 in 1 open 285620.92 in 2"
    );
    // Elm (growth: 60): 11-10, 5 days, due 2027-01-09. No survey.
    assert_eq!(
        row("elm"),
        "last 2026-11-10 call 5 days cadence 60 due 2027-01-09 overdue false score none prev none none lifetime 80000.00 in 1 open 50000.00 in 1"
    );
    assert_eq!(account(a, "acme").contacts, 3);
    assert_eq!(o(account(a, "acme").owner_name.as_deref()), "Bob");
    assert_eq!(o(account(a, "acme").satisfaction_date), "2026-10-30");
}

#[test]
fn customers() {
    let c = &a().customers;
    assert_eq!(c.year, Period::Year(2026));
    assert_eq!(c.previous_year, Period::Year(2025));
    // FY2026 to as_of: 972983.15. FY2025: 200000 + 71234 + 30000.51 =
    // 301234.51; FY2025 up to 2025-11-15 (the same day a year ago):
    // acme-erp-2025 200000 only.
    assert_eq!(c.won_this_year_to_date.to_string(), "972983.15");
    assert_eq!(c.won_last_year_full.to_string(), "301234.51");
    assert_eq!(c.won_last_year_to_date.to_string(), "200000.00");
    // Growth is like for like: this year to date against the same days
    // of last year, (972983.15 − 200000) / 200000 × 100 = 386.4915… →
    // 386.5.
    assert_eq!(o(c.growth_pct), "386.5");
    // Against the whole of last year, under its own name: (972983.15 −
    // 301234.51) / 301234.51 × 100 = 222.998… → 223.0.
    assert_eq!(o(c.change_vs_last_full_year_pct), "223.0");
    // Won in FY2025: acme, birch, cedar. Won in FY2026: acme, birch,
    // delta, elm. Retained 2 of 3 = 0.6667.
    assert_eq!((c.retention_base, c.retained), (3, 2));
    assert_eq!(o(c.retention), "0.6667");
    // First wins: acme 2025-06-20, birch 2025-12-15, cedar 2026-01-20 (all
    // FY2025), delta 2026-09-05 (2026-Q2, 2026-09), elm 2026-11-02
    // (2026-Q3, 2026-11).
    let new = |per: &str| {
        c.new_accounts
            .iter()
            .find(|n| n.period == p(per))
            .unwrap()
            .accounts
            .join(",")
    };
    assert_eq!(new("2025"), "acme,birch,cedar");
    assert_eq!(new("2025-Q4"), "cedar");
    assert_eq!(new("2026"), "delta,elm");
    assert_eq!(new("2026-Q2"), "delta");
    assert_eq!(new("2026-09"), "delta");
    assert_eq!(new("2026-Q3"), "elm");
    assert_eq!(new("2026-11"), "elm");
    assert_eq!(new("2026-10"), "");
    assert_eq!(c.new_accounts.len(), 22); // one per horizon period
    // 301234.51 / 30000000 = 0.010041… → 0.0100; 972983.15 / 40000000 =
    // 0.024324… → 0.0243.
    let ms: Vec<(String, String, String, String, String)> = c
        .market_share
        .iter()
        .map(|m| {
            (
                m.period.to_string(),
                o(m.name.as_deref()),
                m.size.to_string(),
                m.won.to_string(),
                o(m.share),
            )
        })
        .collect();
    assert_eq!(
        ms,
        [
            (
                "2025".into(),
                "none".into(),
                "30000000.00".into(),
                "301234.51".into(),
                "0.0100".into()
            ),
            (
                "2026".into(),
                "Widgets".into(),
                "40000000.00".into(),
                "972983.15".into(),
                "0.0243".into()
            ),
        ]
    );
}

#[test]
fn monthly_trend() {
    let t = &a().trends;
    let got: Vec<(String, String, usize)> = t
        .monthly
        .iter()
        .map(|m| (m.month.to_string(), m.won.to_string(), m.deals))
        .collect();
    let want: Vec<(String, String, usize)> = [
        ("2025-12", "71234.00", 1), // birch-crm-2025
        ("2026-01", "30000.51", 1), // cedar-suite-2025
        ("2026-02", "0.00", 0),
        ("2026-03", "0.00", 0),
        ("2026-04", "0.00", 0),
        ("2026-05", "300000.00", 1), // acme-erp-2026
        ("2026-06", "100000.00", 1), // birch-crm-2026a
        ("2026-07", "0.00", 0),      // only a loss
        ("2026-08", "162983.15", 2), // acme-iot 87943.15 + crm-2026b 75040
        ("2026-09", "210000.00", 1), // delta-erp-2026
        ("2026-10", "120000.00", 1), // birch-support-2026
        ("2026-11", "80000.00", 1),  // elm-erp-2026
    ]
    .into_iter()
    .map(|(m, w, n)| (m.to_string(), w.to_string(), n))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn product_trend() {
    let t = &a().trends;
    assert_eq!(t.decline_pct, 25);
    // The last completed quarter before 2026-Q3.
    assert_eq!(t.decline_quarter, p("2026-Q2"));
    let names: Vec<&str> = t.products.iter().map(|x| x.product.as_str()).collect();
    assert_eq!(names, ["(none)", "crm", "erp", "iot"]);
    let quarters: Vec<String> = t.products[0]
        .quarters
        .iter()
        .map(|q| q.quarter.to_string())
        .collect();
    assert_eq!(
        quarters,
        [
            "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"
        ]
    );
    let product = |name: &str| {
        let x = t.products.iter().find(|x| x.product == name).unwrap();
        let qs: Vec<(String, String, bool)> = x
            .quarters
            .iter()
            .map(|q| (q.won.to_string(), o(q.change_pct), q.decline))
            .collect();
        (qs, x.declining)
    };
    let q = |w: &str, c: &str, d: bool| (w.to_string(), c.to_string(), d);
    // cedar-suite-2025 (30000.51 = 3000051 cents) splits into erp 15000.26
    // (the first product takes the odd cent) and crm 15000.25.
    // erp: 2025-Q1 acme-erp-2025 200000; 2025-Q4 15000.26; 2026-Q1
    // acme-erp-2026 300000; 2026-Q2 delta-erp-2026 210000; 2026-Q3
    // elm-erp-2026 80000.
    // 2025-Q2: (0 − 200000) / 200000 = −100.0 %; 2025-Q4 from 0: none;
    // 2026-Q1: (300000 − 15000.26) / 15000.26 = 1899.98… %; 2026-Q2:
    // (210000 − 300000) / 300000 = −30.0 % ≤ −25: declining.
    assert_eq!(
        product("erp"),
        (
            vec![
                q("0.00", "none", false),
                q("200000.00", "none", false),
                q("0.00", "-100.0", true),
                q("0.00", "none", false),
                q("15000.26", "none", false),
                q("300000.00", "1900.0", false),
                q("210000.00", "-30.0", true),
                q("80000.00", "-61.9", true),
            ],
            true
        )
    );
    // crm: 2025-Q3 birch-crm-2025 71234; 2025-Q4 15000.25 ((15000.25 −
    // 71234) / 71234 = −78.94… %); 2026-Q1 100000 (+566.66… %); 2026-Q2
    // 75040: (75040 − 100000) / 100000 = −24.96 %, shown as −25.0 but a
    // fall of less than 25 %: not declining.
    assert_eq!(
        product("crm"),
        (
            vec![
                q("0.00", "none", false),
                q("0.00", "none", false),
                q("0.00", "none", false),
                q("71234.00", "none", false),
                q("15000.25", "-78.9", true),
                q("100000.00", "566.7", false),
                q("75040.00", "-25.0", false),
                q("0.00", "-100.0", true),
            ],
            false
        )
    );
    // iot: only 2026-Q2 (from nothing: no change, not declining).
    let (iot, declining) = product("iot");
    assert_eq!(iot[6], q("87943.15", "none", false));
    assert!(!declining);
    // Deals without products: birch-support-2026 in 2026-Q3.
    let (none, declining) = product("(none)");
    assert_eq!(none[7], q("120000.00", "none", false));
    assert!(!declining);
}

/// Copies the fixture into a temporary folder, without the listed files.
fn fixture_without(skip: &[&str]) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analytics-small");
    let dir = tempfile::tempdir().unwrap();
    for e in walk(&src) {
        let rel = e.strip_prefix(&src).unwrap();
        if skip.iter().any(|s| Path::new(s) == rel) {
            continue;
        }
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&e, &to).unwrap();
    }
    dir
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn organisation_target_rolls_up_from_teams_and_people_without_a_team() {
    let dir = fixture_without(&["targets/org.toml"]);
    let load = |dir: &Path| {
        let checked =
            dealbook::load_and_check(dir, &LoadOptions::default(), None, date(2000, 1, 1));
        assert!(!checked.has_errors());
        let a = analytics::compute(&checked.pipeline, checked.as_of, &Options::default());
        (checked, a)
    };
    let (_c, a) = load(dir.path());
    // Without organisation targets, every part must have one. FY2026: east
    // and west have no year target (see forecast_year_month_and_other_
    // periods): none. 2026-Q3: east 500000 set, but west has none (dan
    // lacks December): none. FY2025: nobody has a target.
    for period in ["2026", "2026-Q3", "2025"] {
        let f = forecast(&a, period, None);
        assert_eq!((o(f.target), f.target_source), ("none".into(), None));
    }
    // Give dan December (20000) and eve the quarter (50000): dan's Q3 is
    // now his three months, 60000 + 40000 + 20000 = 120000; west's is cat
    // 100000 + dan 120000 = 220000; the organisation's east 500000 + west
    // 220000 + eve 50000 = 770000. Stretch: east's 600000, and the others'
    // targets for want of one: 600000 + 220000 + 50000 = 870000. Fay
    // (presales, no target) is in east, which has its own target.
    std::fs::write(
        dir.path().join("targets/fill.toml"),
        "[[target]]\nperiod = \"2026-12\"\nperson = \"dan\"\nvalue = 20_000\n\n\
         [[target]]\nperiod = \"2026-Q3\"\nperson = \"eve\"\nvalue = 50_000\n",
    )
    .unwrap();
    let (_c, a) = load(dir.path());
    let dan = forecast(&a, "2026-Q3", Some("dan"));
    assert_eq!(
        (o(dan.target), dan.target_source),
        ("120000.00".into(), Some(Source::Periods))
    );
    let west = forecast(&a, "2026-Q3", Some("west"));
    assert_eq!(
        (o(west.target), west.target_source),
        ("220000.00".into(), Some(Source::Members))
    );
    let q3 = forecast(&a, "2026-Q3", None);
    assert_eq!(o(q3.target), "770000.00");
    assert_eq!(o(q3.stretch), "870000.00");
    assert_eq!(q3.target_source, Some(Source::Members));
    // 200000 / 770000 = 0.259740… → 0.2597
    assert_eq!(o(q3.attainment), "0.2597");
    // Non-additive targets never roll up over members.
    assert!(a.targets.iter().all(|t| t.scope.kind != ScopeKind::Org));
}

/// Writes a small pipeline of `files` (path, text) into a temporary folder
/// and checks it; it must have no errors.
fn mini(files: &[(&str, &str)]) -> (tempfile::TempDir, Checked) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let to = dir.path().join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, text).unwrap();
    }
    let checked =
        dealbook::load_and_check(dir.path(), &LoadOptions::default(), None, date(2000, 1, 1));
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    (dir, checked)
}

/// Settings of the small pipelines written by the tests below: calendar
/// fiscal year, as_of 2026-11-15 (2026-Q4), one open stage, won, lost.
const MINI_SETTINGS: &str = r#"
[org]
name = "Mini"
currency = "CNY"
as_of = 2026-11-15

[[stage]]
id = "qualify"
name = "Qualify"
probability = 0.2

[[stage]]
id = "won"
name = "Won"
outcome = "won"

[[stage]]
id = "lost"
name = "Lost"
outcome = "lost"
"#;

#[test]
fn target_roll_up_needs_every_part() {
    // North: Nora (manager) and Ned (sales) have quarter targets; Pia is
    // presales, owns nothing and has no target, so she is not a part of
    // north's roll-up. South: Sam has a quarter target, Sue only October
    // and November. Ivy (no team) has one monthly target, a ramp. Every
    // seller has a 2026-Q3 target.
    let team = r#"
[[team]]
id = "north"
name = "North"
[[team]]
id = "south"
name = "South"
[[person]]
id = "nora"
name = "Nora"
team = "north"
role = "manager"
[[person]]
id = "ned"
name = "Ned"
team = "north"
[[person]]
id = "pia"
name = "Pia"
team = "north"
role = "presales"
[[person]]
id = "sam"
name = "Sam"
team = "south"
[[person]]
id = "sue"
name = "Sue"
team = "south"
[[person]]
id = "ivy"
name = "Ivy"
"#;
    let mut targets = String::new();
    for (period, who, value) in [
        ("2026-Q4", "nora", 200_000),
        ("2026-Q4", "ned", 100_000),
        ("2026-Q4", "sam", 150_000),
        ("2026-10", "sue", 40_000),
        ("2026-11", "sue", 50_000),
        ("2026-11", "ivy", 50_000),
        ("2026-Q3", "nora", 10_000),
        ("2026-Q3", "ned", 20_000),
        ("2026-Q3", "sam", 30_000),
        ("2026-Q3", "sue", 40_000),
        ("2026-Q3", "ivy", 50_000),
    ] {
        targets.push_str(&format!(
            "[[target]]\nperiod = \"{period}\"\nperson = \"{who}\"\nvalue = {value}\n\n"
        ));
    }
    let (_dir, checked) = mini(&[
        ("dealbook.toml", MINI_SETTINGS),
        ("team.toml", team),
        ("targets/people.toml", &targets),
    ]);
    let a = analytics::compute(&checked.pipeline, checked.as_of, &Options::default());
    let t = |period: &str, id: Option<&str>| {
        let f = forecast(&a, period, id);
        format!(
            "{} {}",
            o(f.target),
            o(f.target_source.map(|s| format!("{s:?}")))
        )
    };
    // Ivy's November ramp is the only November target: it is hers, not the
    // organisation's (north and south have none in November).
    assert_eq!(t("2026-11", Some("ivy")), "50000.00 Set");
    assert_eq!(t("2026-11", None), "none none");
    // North = Nora 200000 + Ned 100000 = 300000 (Pia does not sell).
    assert_eq!(t("2026-Q4", Some("north")), "300000.00 Members");
    // Sue has two of the quarter's three months: no quarter target. So
    // south (Sam's 150000 is not the team's) and the organisation have
    // none either; neither has Ivy (one month of three).
    assert_eq!(t("2026-Q4", Some("sue")), "none none");
    assert_eq!(t("2026-Q4", Some("ivy")), "none none");
    assert_eq!(t("2026-Q4", Some("south")), "none none");
    assert_eq!(t("2026-Q4", None), "none none");
    // 2026-Q3: every seller has one. North 10000 + 20000 = 30000, south
    // 30000 + 40000 = 70000, and the organisation north + south + Ivy's
    // 50000 = 150000.
    assert_eq!(t("2026-Q3", Some("north")), "30000.00 Members");
    assert_eq!(t("2026-Q3", Some("south")), "70000.00 Members");
    assert_eq!(t("2026-Q3", None), "150000.00 Members");
    // The year: only Q3 and Q4 of four quarters: none, for everyone.
    assert_eq!(t("2026", Some("nora")), "none none");
    assert_eq!(t("2026", None), "none none");
}
