//! Win/loss and competition (`analytics::winloss`) on
//! `tests/fixtures/winloss-small`, every figure worked out by hand from the
//! definitions in docs/metrics.md.
//!
//! Calendar fiscal year, as_of 2026-11-15 (2026-Q4). East = Ann (manager)
//! and Bob; Cat is in no team. Stages qualify, develop, propose; won, lost.
//!
//! | deal | owner | status | amount  | competitors             | reason    | close      | Q  |
//! |------|-------|--------|---------|-------------------------|-----------|------------|----|
//! | w1   | ann   | won    | 100000  | Rival                   |           | 2026-03-16 | Q1 |
//! | l1   | ann   | lost   | 80000   | Rival, Acme Soft        | "Price"   | 2026-03-13 | Q1 |
//! | l2   | bob   | lost   | 50000   | "rival "                | " price"  | 2026-05-31 | Q2 |
//! | l3   | bob   | lost   | 30000   |                         | "PRICE  " | 2026-06-20 | Q2 |
//! | w2   | cat   | won    | 120000  | Acme Soft               |           | 2026-05-10 | Q2 |
//! | l4   | cat   | lost   | 60000   | Acme Soft               | "Timing"  | 2026-08-20 | Q3 |
//! | w3   | bob   | won    | 90000   |                         |           | 2026-10-20 | Q4 |
//! | o1   | ann   | open   | 200000  | Rival                   |           | 2026-12-10 | Q4 |
//! | o2   | bob   | open   | 40000   | "ACME  soft"            |           | 2027-01-15 | 2027-Q1 |
//!
//! Histories (days in each stage; the last open stage's first entry →
//! close is the decision time; l3 has none):
//!
//! | deal | qualify | develop | propose | created → develop, propose | decision |
//! |------|---------|---------|---------|----------------------------|----------|
//! | w1   | 01-05→01-25 = 20 | 01-25→02-14 = 20 | 02-14→03-16 = 30 | 20, 40 | propose 02-14→03-16 = 30 |
//! | l1   | 02-01→02-11 = 10 | 02-11→03-13 = 30 | — | 10, — | develop 02-11→03-13 = 30 |
//! | l2   | 04-01→04-21 = 20 | 05-11→05-31 = 20 | 04-21→05-11 = 20 | 40, 20 | develop (moved back to it) 05-11→05-31 = 20 |
//! | w2   | 03-01→04-10 = 40 | — | 04-10→05-10 = 30 | —, 40 | propose 04-10→05-10 = 30 |
//! | l4   | 06-01→06-21 = 20 | 06-21→07-21 = 30 | 07-21→08-20 = 30 | 20, 50 | propose 07-21→08-20 = 30 |
//! | w3   | 08-01→08-11 = 10 | 08-11→09-10 = 30 | 09-10→10-20 = 40 | 10, 40 | propose 09-10→10-20 = 40 |
//!
//! Every deal enters qualify on the day it is created (0 days).

use dealbook::Checked;
use dealbook::analytics::ScopeKind;
use dealbook::analytics::winloss::{Competitor, WinLoss};
use dealbook::analytics::{self, Analytics, Options};
use dealbook::load::LoadOptions;
use dealbook::period::Period;
use jiff::civil::date;
use std::fmt::Display;
use std::path::Path;
use std::sync::OnceLock;

fn checked() -> &'static Checked {
    static C: OnceLock<Checked> = OnceLock::new();
    C.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/winloss-small");
        let c = dealbook::load_and_check(&root, &LoadOptions::default(), None, date(2000, 1, 1));
        assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
        c
    })
}

fn a() -> &'static Analytics {
    static A: OnceLock<Analytics> = OnceLock::new();
    A.get_or_init(|| analytics::compute(&checked().pipeline, checked().as_of, &Options::default()))
}

fn o<T: Display>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
}

fn wl(period: &str, id: Option<&str>) -> &'static WinLoss {
    let p = Period::parse(period).unwrap();
    a().winloss
        .iter()
        .find(|w| w.period == p && w.scope.id.as_deref() == id)
        .unwrap_or_else(|| panic!("no win/loss row {period} {id:?}"))
}

/// A competitor in one line: name, open, won, lost, win rate.
fn line(c: &Competitor) -> String {
    format!(
        "{} | open {} {} | won {} {} | lost {} {} | {}",
        c.competitor,
        c.open_deals,
        c.open_amount,
        c.won,
        c.won_amount,
        c.lost,
        c.lost_amount,
        o(c.win_rate)
    )
}

fn competitors(w: &WinLoss) -> Vec<String> {
    w.competitors.iter().map(line).collect()
}

fn reasons(w: &WinLoss) -> Vec<String> {
    w.lost_reasons
        .iter()
        .map(|r| format!("{} | {} | {}", r.reason, r.deals, r.amount))
        .collect()
}

#[test]
fn periods_and_scopes() {
    let a = a();
    // Years and quarters of the horizon (FY2025, its quarters, FY2026, its
    // quarters, 2027-Q1), no months; for each, the organisation, east, ann,
    // bob, then cat (no team).
    let periods: Vec<String> = a
        .winloss
        .iter()
        .filter(|w| w.scope.kind == ScopeKind::Org)
        .map(|w| w.period.to_string())
        .collect();
    assert_eq!(
        periods,
        [
            "2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026", "2026-Q1", "2026-Q2",
            "2026-Q3", "2026-Q4", "2027-Q1"
        ]
    );
    let scopes: Vec<String> = a
        .winloss
        .iter()
        .filter(|w| w.period == Period::Year(2026))
        .map(|w| o(w.scope.id.as_deref()))
        .collect();
    assert_eq!(scopes, ["none", "east", "ann", "bob", "cat"]);
}

#[test]
fn the_year_for_the_organisation() {
    let w = wl("2026", None);
    // Closed in FY2026: won w1 100000 + w2 120000 + w3 90000 = 310000;
    // lost l1 80000 + l2 50000 + l3 30000 + l4 60000 = 220000. Win rate
    // 3 / 7 = 0.428571… → 0.4286. Open closing in FY2026: o1 only.
    assert_eq!((w.won, w.lost), (3, 4));
    assert_eq!(w.won_amount.to_string(), "310000.00");
    assert_eq!(w.lost_amount.to_string(), "220000.00");
    assert_eq!(o(w.win_rate), "0.4286");
    assert_eq!(
        (w.open_deals, w.open_amount.to_string()),
        (1, "200000.00".into())
    );
    // Rival (as first written on l1, which closes first: 03-13): w1 won,
    // l1 and l2 ("rival ") lost, o1 open. 1 / 3 = 0.3333; lost 80000 +
    // 50000 = 130000. Acme Soft: l1 lost (it faced both), w2 won, l4
    // lost: 1 / 3; lost 80000 + 60000 = 140000; o2 closes in 2027. Rival
    // faced 4 deals, Acme Soft 3: Rival first.
    assert_eq!(
        competitors(w),
        [
            "Rival | open 1 200000.00 | won 1 100000.00 | lost 2 130000.00 | 0.3333",
            "Acme Soft | open 0 0.00 | won 1 120000.00 | lost 2 140000.00 | 0.3333",
        ]
    );
    // "Price", " price" and "PRICE  " are one reason, shown as written on
    // l1 (the first to close): 3 deals, 80000 + 50000 + 30000 = 160000.
    assert_eq!(
        reasons(w),
        ["Price | 3 | 160000.00", "Timing | 1 | 60000.00"]
    );
    // l3 has no history: left out of the timing, and said so.
    assert_eq!(w.without_history, 1);
    let stages: Vec<String> = w
        .stages
        .iter()
        .map(|s| {
            format!(
                "{} {} {}/{} {}/{}",
                s.stage,
                s.deals,
                o(s.mean_days),
                o(s.median_days),
                o(s.from_created_mean_days),
                o(s.from_created_median_days)
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            // qualify: 20, 10, 20, 40, 20, 10 → 120 / 6 = 20.0; sorted 10,
            // 10, 20, 20, 20, 40 → (20 + 20) / 2 = 20.0; entered on the day
            // of creation: 0.
            "qualify 6 20.0/20.0 0.0/0.0",
            // develop: w1 20, l1 30, l2 20, l4 30, w3 30 → 130 / 5 = 26.0,
            // median 30.0; from created 20, 10, 40, 20, 10 → 100 / 5 =
            // 20.0, median 20.0.
            "develop 5 26.0/30.0 20.0/20.0",
            // propose: w1 30, l2 20, w2 30, l4 30, w3 40 → 150 / 5 = 30.0,
            // median 30.0; from created 40, 20, 40, 50, 40 → 190 / 5 =
            // 38.0, median 40.0.
            "propose 5 30.0/30.0 38.0/40.0",
        ]
    );
    // Decision time. Won: w1 30, w2 30, w3 40 → 100 / 3 = 33.33… → 33.3,
    // median 30.0. Lost: l1 30, l2 20, l4 30 → 80 / 3 = 26.66… → 26.7,
    // median 30.0 (l3 has no history).
    let d = |x: &dealbook::analytics::winloss::Days| {
        format!("{} {}/{}", x.deals, o(x.mean_days), o(x.median_days))
    };
    assert_eq!(d(&w.decision_won), "3 33.3/30.0");
    assert_eq!(d(&w.decision_lost), "3 26.7/30.0");
}

#[test]
fn the_trend_by_quarter() {
    // Rival: Q1 w1 won, l1 lost → 1 / 2; Q2 l2 lost → 0; Q3 nothing; Q4
    // only o1, open: no win rate. Acme Soft: Q1 l1 lost → 0; Q2 w2 won →
    // 1; Q3 l4 lost → 0.
    let rate = |q: &str, name: &str| {
        wl(q, None)
            .competitors
            .iter()
            .find(|c| c.competitor == name)
            .map(|c| o(c.win_rate))
            .unwrap_or_else(|| "absent".into())
    };
    let rival: Vec<String> = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        .iter()
        .map(|q| rate(q, "Rival"))
        .collect();
    assert_eq!(rival, ["0.5000", "0.0000", "absent", "none"]);
    let acme: Vec<String> = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        .iter()
        .map(|q| rate(q, "Acme Soft"))
        .collect();
    assert_eq!(acme, ["0.0000", "1.0000", "0.0000", "absent"]);
    // Lost reasons by quarter: Q1 Price 1 (l1 80000); Q2 price 2 (l2 50000
    // + l3 30000), still shown as first written; Q3 Timing; Q4 none.
    assert_eq!(reasons(wl("2026-Q1", None)), ["Price | 1 | 80000.00"]);
    assert_eq!(reasons(wl("2026-Q2", None)), ["Price | 2 | 80000.00"]);
    assert_eq!(reasons(wl("2026-Q3", None)), ["Timing | 1 | 60000.00"]);
    assert!(reasons(wl("2026-Q4", None)).is_empty());
    // Decision time by quarter: Q2 won w2 30, lost l2 20 (l3 without
    // history); Q4 won w3 40, nothing lost.
    let q2 = wl("2026-Q2", None);
    assert_eq!(
        (q2.decision_won.deals, o(q2.decision_won.median_days)),
        (1, "30.0".into())
    );
    assert_eq!(
        (q2.decision_lost.deals, o(q2.decision_lost.mean_days)),
        (1, "20.0".into())
    );
    assert_eq!(q2.without_history, 1);
    let q4 = wl("2026-Q4", None);
    assert_eq!(o(q4.decision_won.mean_days), "40.0");
    assert_eq!(
        (q4.decision_lost.deals, o(q4.decision_lost.mean_days)),
        (0, "none".into())
    );
    // 2027-Q1: o2 is open against Acme Soft, as first written (l1).
    assert_eq!(
        competitors(wl("2027-Q1", None)),
        ["Acme Soft | open 1 40000.00 | won 0 0.00 | lost 0 0.00 | none"]
    );
}

#[test]
fn per_team_and_person() {
    // East (ann, bob) in FY2026: won w1 100000, w3 90000; lost l1 80000,
    // l2 50000, l3 30000. 2 / 5 = 0.4. Rival as for the organisation (all
    // its deals are east's); Acme Soft only l1.
    let east = wl("2026", Some("east"));
    assert_eq!(
        (east.won, east.lost, o(east.win_rate)),
        (2, 3, "0.4000".into())
    );
    assert_eq!(
        competitors(east),
        [
            "Rival | open 1 200000.00 | won 1 100000.00 | lost 2 130000.00 | 0.3333",
            "Acme Soft | open 0 0.00 | won 0 0.00 | lost 1 80000.00 | 0.0000",
        ]
    );
    assert_eq!(reasons(east), ["Price | 3 | 160000.00"]);
    // Bob: w3 won; l2, l3 lost: 1 / 3. Rival: l2 only. Price 2: 50000 +
    // 30000. Decision: won w3 40; lost l2 20 (l3 without history).
    let bob = wl("2026", Some("bob"));
    assert_eq!(
        (bob.won, bob.lost, o(bob.win_rate)),
        (1, 2, "0.3333".into())
    );
    assert_eq!(
        competitors(bob),
        ["Rival | open 0 0.00 | won 0 0.00 | lost 1 50000.00 | 0.0000"]
    );
    assert_eq!(reasons(bob), ["Price | 2 | 80000.00"]);
    assert_eq!(bob.without_history, 1);
    assert_eq!(o(bob.decision_won.mean_days), "40.0");
    assert_eq!(o(bob.decision_lost.mean_days), "20.0");
    // Cat (no team): w2 won, l4 lost against Acme Soft: 1 / 2; Timing.
    let cat = wl("2026", Some("cat"));
    assert_eq!(
        competitors(cat),
        ["Acme Soft | open 0 0.00 | won 1 120000.00 | lost 1 60000.00 | 0.5000"]
    );
    assert_eq!(reasons(cat), ["Timing | 1 | 60000.00"]);
    // Nothing closed in FY2025: every figure empty, nothing undefined
    // shown as zero.
    let y25 = wl("2025", None);
    assert_eq!((y25.won, y25.lost, o(y25.win_rate)), (0, 0, "none".into()));
    assert!(y25.competitors.is_empty() && y25.lost_reasons.is_empty());
    assert!(
        y25.stages
            .iter()
            .all(|s| s.deals == 0 && s.mean_days.is_none())
    );
}

#[test]
fn normalised_names() {
    use dealbook::analytics::winloss::normalise;
    assert_eq!(normalise("  PRICE  "), "price");
    assert_eq!(normalise("ACME  soft"), "acme soft");
    assert_eq!(normalise("Acme\tSoft "), "acme soft");
    assert_eq!(normalise("价格 太高"), "价格 太高");
}

/// `dealbook report` on the fixture, expecting success.
fn report(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"))
        .arg("report")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/winloss-small"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn csv_json_and_the_report_carry_the_same_figures() {
    // The CSV of FY2026: the organisation's rows, as in
    // the_year_for_the_organisation.
    let csv = report(&["--format", "csv", "--table", "winloss", "--period", "2026"]);
    let org: Vec<&str> = csv.lines().skip(1).take(11).collect();
    assert_eq!(
        org,
        [
            "2026,org,,Win Loss Co,total,,7,1,200000.00,3,310000.00,4,220000.00,0.4286,,,,",
            "2026,org,,Win Loss Co,no_history,,1,,,,,,,,,,,",
            "2026,org,,Win Loss Co,competitor,Rival,4,1,200000.00,1,100000.00,2,130000.00,0.3333,,,,",
            "2026,org,,Win Loss Co,competitor,Acme Soft,3,0,0.00,1,120000.00,2,140000.00,0.3333,,,,",
            "2026,org,,Win Loss Co,lost_reason,Price,3,,,,,3,160000.00,,,,,",
            "2026,org,,Win Loss Co,lost_reason,Timing,1,,,,,1,60000.00,,,,,",
            "2026,org,,Win Loss Co,stage,qualify,6,,,,,,,,20.0,20.0,0.0,0.0",
            "2026,org,,Win Loss Co,stage,develop,5,,,,,,,,26.0,30.0,20.0,20.0",
            "2026,org,,Win Loss Co,stage,propose,5,,,,,,,,30.0,30.0,38.0,40.0",
            "2026,org,,Win Loss Co,decision_won,,3,,,,,,,,33.3,30.0,,",
            "2026,org,,Win Loss Co,decision_lost,,3,,,,,,,,26.7,30.0,,",
        ]
    );
    // --period keeps the year and its quarters.
    let periods: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2026", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    );
    // The JSON holds exactly the analytics' rows.
    let doc: serde_json::Value = serde_json::from_str(&report(&["--format", "json"])).unwrap();
    assert_eq!(doc["winloss"], serde_json::to_value(&a().winloss).unwrap());
    // The report's section: Bob's year.
    let text = report(&["--person", "bob", "--period", "2026"]);
    let section = text
        .split("Win/loss 2026")
        .nth(1)
        .expect("a win/loss section");
    assert!(
        section.starts_with(": 1 won, 2 lost, win rate 33.3%"),
        "{section}"
    );
    assert!(section.contains("  Rival"), "{section}");
    assert!(section.contains("Days in stage, won and lost 2026 (1 without history left out)"));
}
