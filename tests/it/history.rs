//! `dealbook history` on real git repositories built by the test with
//! fixed commit dates: weekly commits across the Q3/Q4 2026 boundary with
//! every kind of change, a merge commit from a branch (first parent only),
//! a commit that breaks the pipeline and the next that fixes it, a renamed
//! deal file, a moved one and a deleted one. Every trend point and
//! accuracy figure below is worked out by hand in the comments; the latest
//! snapshot is compared with `report` on the same tree, each
//! week-over-week waterfall with `diff` between the same two commits, and
//! each invalid snapshot's error count with `check` on a checkout of its
//! commit. Then the edges: the working tree as the latest point, a shallow
//! clone, a pipeline folder that appears late or was moved, `--since`,
//! the other cadences, `--rev`, and no repository at all.

use crate::common;

use common::git::Repo;
use common::scenario::*;
use serde_json::Value;
use std::path::Path;

fn json_of(out: &std::process::Output) -> Value {
    assert!(
        matches!(out.status.code(), Some(0)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// `dealbook history --format json` with `args`, every snapshot's
/// incremental check verified against a full one.
fn history(r: &Repo, args: &[&str]) -> Value {
    let mut a = vec!["history", ".", "--format", "json", "--verify-checks"];
    a.extend_from_slice(args);
    json_of(&r.dealbook(&a))
}

/// A money figure of the JSON ("1400000.00") as whole units.
fn money(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("money: {v}"));
    let d: rust_decimal::Decimal = s.parse().unwrap();
    assert_eq!(d.fract(), rust_decimal::Decimal::ZERO, "{s}");
    d.trunc().to_string().parse().unwrap()
}

fn ratio(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The trend of a scope (kind, id) in the document.
fn trend<'a>(doc: &'a Value, kind: &str, id: Option<&str>) -> &'a Vec<Value> {
    doc["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scope"]["kind"] == kind && t["scope"]["id"].as_str() == id)
        .unwrap_or_else(|| panic!("no trend for {kind} {id:?}"))["points"]
        .as_array()
        .unwrap()
}

/// (date, won, commit, best case, pipeline, weighted, open deals) of each
/// point; errors as `(date, -errors, …)`.
fn figures(points: &[Value]) -> Vec<(String, i64, i64, i64, i64, i64, i64)> {
    points
        .iter()
        .map(|p| {
            let date = p["date"].as_str().unwrap().to_string();
            if p["errors"].as_u64().unwrap() > 0 {
                return (date, -(p["errors"].as_i64().unwrap()), 0, 0, 0, 0, 0);
            }
            (
                date,
                money(&p["won"]),
                money(&p["commit"]),
                money(&p["best_case"]),
                money(&p["pipeline"]),
                money(&p["weighted"]),
                p["open_deals"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn row(
    d: &str,
    w: i64,
    c: i64,
    b: i64,
    p: i64,
    wt: i64,
    o: i64,
) -> (String, i64, i64, i64, i64, i64, i64) {
    (d.to_string(), w, c, b, p, wt, o)
}

#[test]
fn trend_points_are_the_forecast_of_each_snapshot() {
    let r = scenario();
    let doc = history(&r, &[]);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["period"], "2026-Q4");
    assert_eq!(doc["as_of"], "2026-10-28");
    assert_eq!(doc["latest"], "HEAD");
    // Q4, the organisation, at the snapshots dated in Q4 and the latest:
    // - Oct 4 (C5): open in Q4 gamma 2,000,000 proof best case (0.6),
    //   delta 300,000 qualify pipeline with override 0.3, zeta 400,000
    //   solution best case (0.4), omega 100,000 qualify pipeline (0.1):
    //   won 0; commit 0; best case 2,400,000; pipeline 2,800,000;
    //   weighted 1,200,000 + 90,000 + 160,000 + 10,000 = 1,460,000; 4 open.
    // - Oct 11 (C6): gamma's stage is unknown: invalid, no figures.
    // - Oct 18 (C7): zeta won 400,000; gamma negotiation commit (0.8);
    //   delta 350,000: won 400,000; commit 400,000 + 2,000,000 =
    //   2,400,000; best case the same; pipeline + 350,000 + 100,000 =
    //   2,850,000; weighted 400,000 + 1,600,000 + 105,000 + 10,000 =
    //   2,115,000; 3 open.
    // - Oct 25 (C8): omega deleted: pipeline 2,750,000, weighted
    //   2,105,000, 2 open.
    // - Oct 28 (C9, HEAD): gamma 2,200,000, delta pushed into 2027: won
    //   400,000; commit 2,600,000; best case 2,600,000; pipeline
    //   2,600,000; weighted 400,000 + 1,760,000 = 2,160,000; 1 open.
    let org = trend(&doc, "org", None);
    let got = figures(org);
    assert_eq!(
        got[0],
        row("2026-10-04", 0, 0, 2_400_000, 2_800_000, 1_460_000, 4)
    );
    assert_eq!(got[1].0, "2026-10-11");
    assert!(got[1].1 < 0, "C6 is invalid: {:?}", got[1]);
    assert_eq!(
        got[2],
        row(
            "2026-10-18",
            400_000,
            2_400_000,
            2_400_000,
            2_850_000,
            2_115_000,
            3
        )
    );
    assert_eq!(
        got[3],
        row(
            "2026-10-25",
            400_000,
            2_400_000,
            2_400_000,
            2_750_000,
            2_105_000,
            2
        )
    );
    assert_eq!(
        got[4],
        row(
            "2026-10-28",
            400_000,
            2_600_000,
            2_600_000,
            2_600_000,
            2_160_000,
            1
        )
    );
    assert_eq!(got.len(), 5);
    assert_eq!(money(&org[0]["target"]), 3_000_000);
    assert_eq!(org[2]["label"], &r.commits[C7][..7]);
    // 张敏, target 1,000,000 in Q4: delta is hers from C5: Oct 4
    // pipeline 300,000 (weighted 90,000); Oct 18 and 25 350,000 (105,000);
    // Oct 28 delta closes in 2027: nothing.
    let zm = figures(trend(&doc, "person", Some("zhang-min")));
    assert_eq!(zm[0], row("2026-10-04", 0, 0, 0, 300_000, 90_000, 1));
    assert_eq!(zm[2], row("2026-10-18", 0, 0, 0, 350_000, 105_000, 1));
    assert_eq!(zm[4], row("2026-10-28", 0, 0, 0, 0, 0, 0));
    assert_eq!(
        money(&trend(&doc, "person", Some("zhang-min"))[0]["target"]),
        1_000_000
    );
    // Team west (王芳): zeta, 400,000 solution on Oct 4 (weighted 160,000),
    // won on Oct 18.
    let west = figures(trend(&doc, "team", Some("west")));
    assert_eq!(
        west[0],
        row("2026-10-04", 0, 0, 400_000, 400_000, 160_000, 1)
    );
    assert_eq!(
        west[2],
        row("2026-10-18", 400_000, 400_000, 400_000, 400_000, 400_000, 0)
    );
    // Every snapshot of the range, the branch's own commit in none: the
    // merge counts when it landed (Sep 18).
    let dates: Vec<&str> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-08-30",
            "2026-09-06",
            "2026-09-13",
            "2026-09-20",
            "2026-09-27",
            "2026-10-04",
            "2026-10-11",
            "2026-10-18",
            "2026-10-25",
            "2026-10-28"
        ]
    );
    let commits: Vec<&str> = doc["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        commits,
        [
            "C0 base",
            "C1",
            "C2",
            "C2b",
            "M merge feature",
            "C4",
            "C5",
            "C6 broken",
            "C7 fixed",
            "C8",
            "C9"
        ]
    );
}

#[test]
fn forecast_accuracy_of_the_closed_quarter() {
    let r = scenario();
    let doc = history(&r, &[]);
    let periods = doc["accuracy"]["periods"].as_array().unwrap();
    // Q3 is the only closed quarter with a snapshot: the history starts
    // on Aug 28, in its 9th week (weeks end Jul 5, 12, …, Sep 27).
    assert_eq!(periods.len(), 1);
    let q3 = &periods[0];
    assert_eq!(q3["period"], "2026-Q3");
    assert_eq!(q3["weeks"].as_array().unwrap().len(), 13);
    let scope = |kind: &str, id: Option<&str>| -> &Value {
        q3["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scope"]["kind"] == kind && s["scope"]["id"].as_str() == id)
            .unwrap_or_else(|| panic!("no accuracy for {kind} {id:?}"))
    };
    let calls = |s: &Value, field: &str| -> Vec<Option<String>> {
        s["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| ratio(&c[field]))
            .collect()
    };
    let some = |v: &[&str]| -> Vec<Option<String>> {
        let mut out = vec![None; 8];
        out.extend(v.iter().map(|s| Some(s.to_string())));
        out
    };
    // The organisation. Actual: won in Q3 at the latest point = eps
    // 800,000 + beta 600,000 = 1,400,000 (alpha was lost).
    // Commit calls: Aug 30 (C0) 800,000 + beta 500,000 = 1,300,000;
    // Sep 6 (C1) 800,000 + 600,000 = 1,400,000; Sep 13 (C2) + alpha
    // 1,000,000 (override commit) = 2,400,000; Sep 20 (M) 2,400,000;
    // Sep 27 (C4) won 1,400,000 + alpha 1,000,000 = 2,400,000.
    // Accuracy = call ÷ 1,400,000: 0.9286, 1.0000, 1.7143 ×3.
    // Weighted calls: Aug 30 800,000 + 1,000,000×0.4 + 500,000×0.8 =
    // 1,600,000; Sep 6 800,000 + 600,000 (alpha 0.6) + 480,000 + zeta
    // 80,000 = 1,960,000; Sep 13 the same 1,960,000 — the branch's B1,
    // dated Sep 12, lands with the merge only: with it zeta would count
    // 160,000; Sep 20 800,000 + 600,000 + 480,000 + 160,000 = 2,040,000;
    // Sep 27 1,400,000 + alpha back in solution 400,000 = 1,800,000.
    // Accuracy: 1.1429, 1.4000, 1.4000, 1.4571, 1.2857.
    let org = scope("org", None);
    assert_eq!(money(&org["actual"]), 1_400_000);
    assert_eq!(
        calls(org, "commit_accuracy"),
        some(&["0.9286", "1.0000", "1.7143", "1.7143", "1.7143"])
    );
    assert_eq!(
        calls(org, "weighted_accuracy"),
        some(&["1.1429", "1.4000", "1.4000", "1.4571", "1.2857"])
    );
    assert_eq!(
        calls(org, "commit_error"),
        some(&["0.0714", "0.0000", "0.7143", "0.7143", "0.7143"])
    );
    // Weeks 1 to 8 are before the history starts: no call, no commit.
    assert!(org["calls"][0]["label"].is_null() && org["calls"][0]["commit"].is_null());
    assert_eq!(org["calls"][8]["label"], &r.commits[C0][..7]);
    // Mean absolute error of the commit calls: (1/14 + 0 + 3 × 10/14) ÷ 5
    // = (31/14) ÷ 5 = 0.442857… → 0.4429; bias (−1/14 + 30/14) ÷ 5 =
    // 0.414285… → 0.4143. Weighted: signed errors 0.2/1.4, 0.56/1.4,
    // 0.56/1.4, 0.64/1.4, 0.4/1.4, all positive: (2.36/1.4) ÷ 5 =
    // 0.337142… → 0.3371 for both.
    assert_eq!(ratio(&org["commit_mae"]).as_deref(), Some("0.4429"));
    assert_eq!(ratio(&org["commit_bias"]).as_deref(), Some("0.4143"));
    assert_eq!(ratio(&org["weighted_mae"]).as_deref(), Some("0.3371"));
    assert_eq!(ratio(&org["weighted_bias"]).as_deref(), Some("0.3371"));
    // 张敏: alpha and beta; actual beta 600,000. Commit calls 500,000,
    // 600,000, 1,600,000 ×3 → 0.8333, 1.0000, 2.6667 ×3; signed errors
    // −1/6, 0, 5/3 ×3: bias (5 − 1/6) ÷ 5 = 0.966666… → 0.9667, mean
    // absolute error (5 + 1/6) ÷ 5 = 1.033333… → 1.0333. Weighted calls
    // 800,000, 1,080,000, 1,080,000, 1,080,000, 600,000 + 400,000 =
    // 1,000,000: signed errors 1/3, 0.8, 0.8, 0.8, 2/3: bias 3.4 ÷ 5 = 0.68.
    let zm = scope("person", Some("zhang-min"));
    assert_eq!(money(&zm["actual"]), 600_000);
    assert_eq!(
        calls(zm, "commit_accuracy"),
        some(&["0.8333", "1.0000", "2.6667", "2.6667", "2.6667"])
    );
    assert_eq!(ratio(&zm["commit_bias"]).as_deref(), Some("0.9667"));
    assert_eq!(ratio(&zm["commit_mae"]).as_deref(), Some("1.0333"));
    assert_eq!(ratio(&zm["weighted_bias"]).as_deref(), Some("0.6800"));
    // Chen Jie: eps 800,000 won before the history starts, gamma closes in
    // Q4: every call is exactly right.
    let cj = scope("person", Some("chen-jie"));
    assert_eq!(
        calls(cj, "commit_accuracy"),
        some(&["1.0000", "1.0000", "1.0000", "1.0000", "1.0000"])
    );
    assert_eq!(ratio(&cj["commit_bias"]).as_deref(), Some("0.0000"));
    // 王芳 won nothing in Q3: an actual of zero gives no accuracy, no
    // error, no bias (never NaN), though her calls are there.
    let wf = scope("person", Some("wang-fang"));
    assert_eq!(money(&wf["actual"]), 0);
    assert!(calls(wf, "commit_accuracy").iter().all(Option::is_none));
    assert!(wf["commit_bias"].is_null() && wf["weighted_mae"].is_null());
    assert_eq!(money(&wf["calls"][9]["commit"]), 0);
    // Bias over the last quarters: Q3 only.
    let bias = doc["accuracy"]["bias"].as_array().unwrap();
    let b = |id: Option<&str>| {
        bias.iter()
            .find(|b| b["scope"]["id"].as_str() == id)
            .unwrap()
    };
    assert_eq!(b(None)["periods"], 1);
    assert_eq!(ratio(&b(None)["commit"]).as_deref(), Some("0.4143"));
    assert_eq!(
        ratio(&b(Some("zhang-min"))["weighted"]).as_deref(),
        Some("0.6800")
    );
    assert!(bias.iter().all(|b| b["scope"]["id"] != "wang-fang"));
}

/// Extracts the pipeline at a commit into a fresh folder.
fn checkout(r: &Repo, commit: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let tar = dir.join("x.tar");
    r.git(
        &[
            "archive",
            "--format=tar",
            "-o",
            tar.to_str().unwrap(),
            commit,
        ],
        D0,
    );
    let ok = std::process::Command::new("tar")
        .args(["-xf", tar.to_str().unwrap(), "-C", dir.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::remove_file(tar).unwrap();
}

#[test]
fn an_invalid_snapshot_has_the_error_count_of_check() {
    let r = scenario();
    let doc = history(&r, &[]);
    let points = doc["points"].as_array().unwrap();
    let broken = points.iter().find(|p| p["date"] == "2026-10-11").unwrap();
    assert_eq!(broken["valid"], false);
    assert_eq!(broken["commit"], r.commits[C6].as_str());
    let dir = r.tmp.path().join("c6");
    checkout(&r, &r.commits[C6], &dir);
    let out = common::dealbook(
        &[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2026-10-11",
        ],
        r.tmp.path(),
    );
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(check["summary"]["errors"].as_u64().unwrap() > 0);
    assert_eq!(broken["errors"], check["summary"]["errors"]);
    // Every other snapshot is valid.
    assert_eq!(points.iter().filter(|p| p["valid"] == false).count(), 1);
    // The step over it says so.
    let weekly = doc["weekly"].as_array().unwrap();
    let over = weekly.iter().find(|w| w["to"] == "2026-10-18").unwrap();
    assert_eq!(over["from"], "2026-10-04");
    assert_eq!(over["skipped"], 1);
}

#[test]
fn the_latest_snapshot_equals_report() {
    let r = scenario();
    let doc = history(&r, &[]);
    let report = json_of(&r.dealbook(&["report", ".", "--format", "json", "--period", "2026-Q4"]));
    let rows: Vec<&Value> = report["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["period"] == "2026-Q4")
        .collect();
    let trends = doc["trend"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        trends.len(),
        "one trend per scope of the report"
    );
    for f in rows {
        let t = trends
            .iter()
            .find(|t| t["scope"] == f["scope"])
            .unwrap_or_else(|| panic!("no trend for {}", f["scope"]));
        let last = t["points"].as_array().unwrap().last().unwrap();
        for k in [
            "won",
            "commit",
            "best_case",
            "pipeline",
            "weighted",
            "target",
            "open_deals",
        ] {
            assert_eq!(last[k], f[k], "{k} of {}", f["scope"]);
        }
    }
}

#[test]
fn week_over_week_equals_diff_between_the_same_commits() {
    let r = scenario();
    let doc = history(&r, &[]);
    let points = doc["points"].as_array().unwrap();
    let commit_at = |date: &Value| -> String {
        points.iter().find(|p| p["date"] == *date).unwrap()["commit"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let weekly = doc["weekly"].as_array().unwrap();
    // Aug 30 → Sep 6 → … → Oct 4, Oct 4 → Oct 18 (over the invalid Oct
    // 11), Oct 18 → Oct 25 → Oct 28.
    assert_eq!(weekly.len(), 8);
    for w in weekly {
        let (a, b) = (commit_at(&w["from"]), commit_at(&w["to"]));
        let d = json_of(&r.dealbook(&["diff", &a, &b, "--format", "json", "--period", "2026-Q4"]));
        assert_eq!(
            w["pipeline"], d["waterfall"]["pipeline"],
            "{} → {}",
            w["from"], w["to"]
        );
        let q4 = d["waterfall"]["periods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["period"] == "2026-Q4")
            .unwrap();
        assert_eq!(w["period"], *q4, "{} → {}", w["from"], w["to"]);
    }
    // Since last week (Oct 25, C8 → Oct 28, C9), by hand: Q4 opened with
    // gamma 2,000,000 + delta 350,000; gamma up 200,000, delta pushed out
    // into 2027: end 2,200,000 (2,350,000 + 200,000 − 350,000).
    let last = weekly.last().unwrap();
    assert_eq!(money(&last["period"]["start"]["amount"]), 2_350_000);
    assert_eq!(money(&last["period"]["amount_up"]["amount"]), 200_000);
    assert_eq!(money(&last["period"]["pushed_out"]["amount"]), 350_000);
    assert_eq!(money(&last["period"]["end"]["amount"]), 2_200_000);
    assert_eq!(last["pushed"][0]["id"], "delta-renamed");
    let deals = last["period_deals"].as_array().unwrap();
    assert_eq!(deals[0]["bucket"], "pushed_out");
    assert_eq!(deals[0]["deals"][0]["deal"]["id"], "delta-renamed");
    assert_eq!(money(&deals[0]["deals"][0]["amount"]), 350_000);
    assert_eq!(deals[1]["bucket"], "amount_up");
    // Sep 27 → Oct 4 (C4 → C5): alpha lost, omega created.
    let w = weekly.iter().find(|w| w["to"] == "2026-10-04").unwrap();
    assert_eq!(w["lost"][0]["id"], "alpha");
    assert_eq!(w["created"][0]["id"], "omega");
    assert_eq!(money(&w["pipeline"]["lost"]["amount"]), 1_000_000);
    let _ = (C1, C2, C5, C8, C9);
}

#[test]
fn deal_change_logs() {
    let r = scenario();
    let doc = history(&r, &[]);
    let deals = doc["deals"].as_array().unwrap();
    let log = |id: &str| {
        deals
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("no log of {id}"))
    };
    // gamma: close Nov 15 → Dec 20 (C2): pushed once, 35 days; the broken
    // commit makes it unreadable, the next one readable again in
    // negotiation.
    let g = log("gamma");
    assert_eq!(g["push_count"], 1);
    assert_eq!(g["days_pushed"], 35);
    let kinds: Vec<&str> = g["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["added", "changed", "changed", "changed", "changed"]);
    let e = &g["entries"][1];
    assert_eq!(e["short"], &r.commits[C2][..7]);
    assert_eq!(e["author"], "Ann Author");
    assert_eq!(e["fields"][0]["field"], "close");
    assert_eq!(e["fields"][0]["from"], "2026-11-15");
    assert_eq!(e["fields"][0]["to"], "2026-12-20");
    assert_eq!(g["first_seen"], "2026-08-28");
    assert_eq!(g["last_seen"], "2026-10-28");
    // alpha: no [[history]]; git saw solution → proof → solution → lost.
    let a = log("alpha");
    assert_eq!(a["has_history"], false);
    let moves: Vec<&str> = a["stage_moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, ["solution", "proof", "solution", "lost"]);
    let fields: Vec<&str> = a["entries"][2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["forecast"]);
    // delta: pushed at C9 by 36 days (Dec 10 → Jan 15) under its new id;
    // the renamed file carries its log over.
    let d = log("delta-renamed");
    let kinds: Vec<&str> = d["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "added", "changed", "changed", "changed", "changed", "renamed", "changed"
        ]
    );
    assert_eq!(d["entries"][5]["from"], "delta");
    assert_eq!(d["push_count"], 1);
    assert_eq!(d["days_pushed"], 36);
    assert_eq!(d["first_seen"], "2026-08-28");
    let old = log("delta");
    assert_eq!(old["removed"], true);
    assert_eq!(
        old["entries"].as_array().unwrap().last().unwrap()["to"],
        "delta-renamed"
    );
    // omega deleted at C8; zeta moved to another folder: same deal.
    let o = log("omega");
    assert_eq!(o["removed"], true);
    assert_eq!(o["last_seen"], "2026-10-23");
    let z = log("zeta");
    let last = z["entries"].as_array().unwrap().last().unwrap();
    assert_eq!(last["fields"][0]["field"], "file");
    assert_eq!(last["fields"][0]["to"], "deals/open/zeta.toml");
    assert_eq!(z["removed"], false);
}

#[test]
fn markdown_snapshot() {
    let r = scenario();
    let out = r.dealbook(&["history", ".", "--format", "markdown"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Commit ids depend on nothing but the fixed contents, names and
    // dates, so the snapshot holds them as they are.
    insta::assert_snapshot!(text);
}

#[test]
fn table_output_fits_the_terminal() {
    let r = scenario();
    let out = r.dealbook(&["history", "."]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    eprintln!("{text}");
    for line in text.lines().skip(1) {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 80 || line.starts_with("note:"),
            "too wide: {line}"
        );
    }
    assert!(text.contains("Forecast trend 2026-Q4"));
    assert!(text.contains("Forecast accuracy 2026-Q3"));
}

/// A small pipeline in `sub` of a new repository: the settings, team,
/// accounts and one deal (alpha, zhang-min, 1,000,000 in solution, close
/// 2026-11-20).
fn small(sub: &str) -> Repo {
    let r = Repo::new(sub);
    r.write("dealbook.toml", &settings());
    r.write("team.toml", TEAM);
    r.write("accounts/acme.toml", ACME);
    r.write("accounts/huaxing.toml", HUAXING);
    r.write(
        "deals/alpha.toml",
        &deal(
            "Alpha ERP",
            "acme",
            "zhang-min",
            "1_000_000",
            "solution",
            "2026-11-20",
            "2026-06-01",
        ),
    );
    r
}

fn notes(doc: &Value) -> Vec<String> {
    doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_working_tree_is_the_latest_point_when_it_differs() {
    let mut r = small("");
    r.commit("base", "2026-10-01T10:00:00Z");
    r.set("deals/alpha.toml", "amount", "amount = 1_500_000");
    r.commit("up", "2026-10-14T10:00:00Z");
    // Unsaved to git: alpha to negotiation (commit 0.8), and a new deal.
    r.set("deals/alpha.toml", "stage", "stage = \"negotiation\"");
    r.write(
        "deals/beta.toml",
        &deal(
            "Beta",
            "acme",
            "chen-jie",
            "200_000",
            "qualify",
            "2026-12-01",
            "2026-10-20",
        ),
    );
    let doc = history(&r, &[]);
    assert_eq!(doc["latest"], "working tree");
    let org = trend(&doc, "org", None);
    let last = org.last().unwrap();
    assert_eq!(last["label"], "working tree");
    assert_eq!(last["date"], "2026-10-28");
    // Commit: alpha 1,500,000 now in negotiation; pipeline + beta 200,000.
    assert_eq!(money(&last["commit"]), 1_500_000);
    assert_eq!(money(&last["pipeline"]), 1_700_000);
    // Since the last snapshot (Sun Oct 25, HEAD "up"): beta created,
    // alpha advanced.
    let w = doc["weekly"].as_array().unwrap().last().unwrap();
    assert_eq!(w["to_label"], "working tree");
    assert_eq!(w["created"][0]["id"], "beta");
    assert_eq!(w["advanced"][0]["id"], "alpha");
    // The change logs have the uncommitted changes.
    let deals = doc["deals"].as_array().unwrap();
    let alpha = deals.iter().find(|d| d["id"] == "alpha").unwrap();
    let e = alpha["entries"].as_array().unwrap().last().unwrap();
    assert_eq!(e["short"], "working tree");
    assert!(e["commit"].is_null());
    assert_eq!(e["fields"][0]["field"], "stage");
    let beta = deals.iter().find(|d| d["id"] == "beta").unwrap();
    assert_eq!(beta["entries"][0]["kind"], "added");
    // Committed, the latest point is HEAD again.
    r.commit("now", "2026-10-27T10:00:00Z");
    let doc = history(&r, &[]);
    assert_eq!(doc["latest"], "HEAD");
    assert_eq!(
        trend(&doc, "org", None).last().unwrap()["label"],
        &r.commits[2][..7]
    );
}

/// alpha's amount: 1,000,000 in "base" (Oct 1), 1,500,000 in "up" (dated
/// `up`), 2,000,000 in "late clock" (dated `late`, before `up`).
fn late_clock(up: &str, late: &str) -> Repo {
    let mut r = small("");
    r.commit("base", "2026-10-01T10:00:00Z");
    r.set("deals/alpha.toml", "amount", "amount = 1_500_000");
    r.commit("up", &format!("{up}T10:00:00Z"));
    r.set("deals/alpha.toml", "amount", "amount = 2_000_000");
    r.commit("late clock", &format!("{late}T10:00:00Z"));
    r
}

/// The organisation's open pipeline at the snapshot of `date`.
fn org_pipeline(doc: &Value, date: &str) -> i64 {
    let org = trend(doc, "org", None);
    let p = org.iter().find(|p| p["date"] == date);
    money(&p.unwrap_or_else(|| panic!("no point on {date}: {org:?}"))["pipeline"])
}

/// A commit dated before its parent (a wrong clock, a rebase keeping old
/// dates) landed on the branch after that parent: it is not in the
/// snapshots before its parent's date.
#[test]
fn a_commit_dated_before_its_parent_counts_from_its_parents_date() {
    let mut r = late_clock("2026-10-14", "2026-10-05");
    r.set("deals/alpha.toml", "name", "name = \"Alpha ERP, phase 1\"");
    r.commit("after", "2026-10-20T10:00:00Z");
    let doc = history(&r, &[]);
    let pipeline = |date: &str| org_pipeline(&doc, date);
    // Sun Oct 4 and Oct 11: "base" only ("up", Oct 14, came before
    // "late clock" on the branch).
    assert_eq!(pipeline("2026-10-04"), 1_000_000);
    assert_eq!(pipeline("2026-10-11"), 1_000_000);
    // From Oct 18 on: both later commits ("after" renames the deal).
    assert_eq!(pipeline("2026-10-18"), 2_000_000);
    assert_eq!(pipeline("2026-10-25"), 2_000_000);
    // The same with a snapshot per commit: in branch order, each dated
    // when it can have landed at the earliest.
    let doc = history(&r, &["--every", "commit"]);
    let dates: Vec<&str> = trend(&doc, "org", None)
        .iter()
        .map(|p| p["date"].as_str().unwrap())
        .collect();
    // base Oct 1, up Oct 14, late clock at up's Oct 14, then HEAD
    // ("after") as of the range's end.
    assert_eq!(
        dates,
        ["2026-10-01", "2026-10-14", "2026-10-14", "2026-10-28"]
    );
}

#[test]
fn commits_after_the_range_end_count_from_when_they_landed() {
    // as_of (the range's end) is Oct 28. "up" is dated after it; "late
    // clock", dated before it but after "up" on the branch, cannot have
    // landed before Oct 30 either: two commits after the end, both in the
    // latest point only.
    let r = late_clock("2026-10-30", "2026-10-20");
    let doc = history(&r, &[]);
    let n = notes(&doc);
    assert!(
        n.iter()
            .any(|t| t.starts_with("2 commits are dated after the range's end (2026-10-28)")),
        "{n:?}"
    );
    assert_eq!(org_pipeline(&doc, "2026-10-25"), 1_000_000);
    assert_eq!(org_pipeline(&doc, "2026-10-28"), 2_000_000);
}

#[test]
fn a_shallow_clone_starts_where_it_was_cut() {
    let mut r = small("");
    for (k, date) in ["2026-09-04", "2026-09-11", "2026-09-18", "2026-09-25"]
        .iter()
        .enumerate()
    {
        r.set(
            "deals/alpha.toml",
            "amount",
            &format!("amount = {}", 1_000_000 + k * 100_000),
        );
        r.commit(&format!("week {k}"), &format!("{date}T10:00:00Z"));
    }
    let clone = r.tmp.path().join("clone");
    let url = format!("file://{}", r.top().display());
    r.git(
        &["clone", "-q", "--depth", "2", &url, clone.to_str().unwrap()],
        D0,
    );
    let mut c = std::process::Command::new(common::BIN);
    c.args(["history", ".", "--format", "json"])
        .current_dir(&clone);
    common::git::git_env(&mut c, r.tmp.path(), D0);
    let doc = json_of(&c.output().unwrap());
    // Two commits, the first of them the boundary.
    assert_eq!(doc["commits"].as_array().unwrap().len(), 2);
    assert_eq!(doc["start"], "2026-09-18");
    let n = notes(&doc);
    assert!(
        n.iter()
            .any(|n| n.contains("shallow clone") && n.contains("--unshallow")),
        "{n:?}"
    );
}

#[test]
fn a_pipeline_folder_that_appears_later_starts_there() {
    let mut r = Repo::new("sales");
    std::fs::write(r.top().join("README.md"), "other work\n").unwrap();
    r.commit("before the pipeline", "2026-08-01T10:00:00Z");
    let s = small("sales");
    // (the same files, written into this repository's sub-folder)
    for rel in [
        "dealbook.toml",
        "team.toml",
        "accounts/acme.toml",
        "accounts/huaxing.toml",
        "deals/alpha.toml",
    ] {
        r.write(rel, &std::fs::read_to_string(s.pipe().join(rel)).unwrap());
    }
    r.commit("the pipeline", "2026-09-04T10:00:00Z");
    let out = r.dealbook(&["history", "sales", "--format", "json"]);
    let doc = json_of(&out);
    assert_eq!(doc["folder"], "sales");
    assert_eq!(doc["start"], "2026-09-04");
    assert_eq!(doc["commits"].as_array().unwrap().len(), 1);
    let n = notes(&doc);
    assert!(n.iter().any(|n| n.contains("first appears in")), "{n:?}");
}

#[test]
fn a_moved_pipeline_folder_is_followed() {
    let mut r = small("old");
    r.commit("in old/", "2026-09-04T10:00:00Z");
    r.set("deals/alpha.toml", "amount", "amount = 1_200_000");
    r.commit("old/ changed", "2026-09-11T10:00:00Z");
    r.git(&["mv", "old", "new"], D0);
    r.commit("moved to new/", "2026-09-18T10:00:00Z");
    r.sub = "new".into();
    r.set("deals/alpha.toml", "amount", "amount = 1_300_000");
    r.commit("new/ changed", "2026-09-25T10:00:00Z");
    let doc = json_of(&r.dealbook(&["history", "new", "--format", "json"]));
    assert_eq!(doc["start"], "2026-09-04");
    assert_eq!(doc["commits"].as_array().unwrap().len(), 4);
    let n = notes(&doc);
    assert!(
        n.iter().any(|n| n.contains("moved from old to new")),
        "{n:?}"
    );
    // The amounts of every week, across the move; no add or remove at it.
    let alpha = doc["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "alpha")
        .unwrap()
        .clone();
    let kinds: Vec<&str> = alpha["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["added", "changed", "changed"]);
    let amounts: Vec<&str> = alpha["entries"].as_array().unwrap()[1..]
        .iter()
        .map(|e| e["fields"][0]["to"].as_str().unwrap())
        .collect();
    assert_eq!(amounts, ["1200000", "1300000"]);
}

#[test]
fn since_starts_at_the_last_commit_before_it() {
    let r = scenario();
    let doc = history(&r, &["--since", "2026-10-05"]);
    // C5 (Oct 2) is the last commit on or before Oct 5.
    assert_eq!(doc["commits"][0]["id"], r.commits[C5].as_str());
    assert_eq!(doc["start"], "2026-10-05");
    let dates: Vec<&str> = doc["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        ["2026-10-11", "2026-10-18", "2026-10-25", "2026-10-28"]
    );
    assert!(
        notes(&doc)
            .iter()
            .any(|n| n.contains("read from 2026-10-05 on"))
    );
    // Q3 has no snapshot in range: no accuracy.
    assert!(doc["accuracy"]["periods"].as_array().unwrap().is_empty());
}

#[test]
fn other_cadences() {
    let r = scenario();
    let dates = |doc: &Value| -> Vec<String> {
        doc["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["cadence"] == true)
            .map(|p| p["date"].as_str().unwrap().to_string())
            .collect()
    };
    // Every commit on the first-parent line but HEAD, as of its date, then
    // the latest point (HEAD as of Oct 28): the branch's B1 is not one.
    let doc = history(&r, &["--every", "commit"]);
    assert_eq!(
        dates(&doc),
        [
            "2026-08-28",
            "2026-09-04",
            "2026-09-11",
            "2026-09-16",
            "2026-09-18",
            "2026-09-25",
            "2026-10-02",
            "2026-10-09",
            "2026-10-16",
            "2026-10-23",
            "2026-10-28"
        ]
    );
    // Month ends: Aug 31, Sep 30, then Oct 28.
    let doc = history(&r, &["--every", "month"]);
    assert_eq!(dates(&doc), ["2026-08-31", "2026-09-30", "2026-10-28"]);
    // Every day from Aug 28 to Oct 27, and Oct 28.
    let doc = history(&r, &["--every", "day"]);
    assert_eq!(dates(&doc).len(), 62);
    // Weeks ending on Friday, from dealbook.toml.
    let mut r = small("");
    r.write(
        "dealbook.toml",
        &format!("{}\n[history]\nweek_ends = \"friday\"\n", settings()),
    );
    r.commit("base", "2026-10-01T10:00:00Z");
    let doc = history(&r, &[]);
    assert_eq!(doc["week_ends"], "friday");
    assert_eq!(
        dates(&doc),
        [
            "2026-10-02",
            "2026-10-09",
            "2026-10-16",
            "2026-10-23",
            "2026-10-28"
        ]
    );
}

#[test]
fn no_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("p");
    common::copy_dir(&common::example(), &pipe);
    let mut c = std::process::Command::new(common::BIN);
    c.args(["history", pipe.to_str().unwrap()])
        .current_dir(dir.path());
    common::git::git_env(&mut c, dir.path(), D0);
    c.env("GIT_CEILING_DIRECTORIES", dir.path());
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not inside a git"), "{err}");
    assert!(!err.contains("panicked"));
    // A repository without commits.
    let r = small("");
    let out = r.dealbook(&["history", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no commits"));
}

#[test]
fn person_and_team_focus() {
    let r = scenario();
    let doc = history(&r, &["--person", "zhang-min"]);
    assert_eq!(doc["scope"]["id"], "zhang-min");
    assert_eq!(doc["trend"].as_array().unwrap().len(), 1);
    // Her deals only (by their latest owner): alpha, beta, and delta
    // under its old id and its new one.
    let ids: Vec<&str> = doc["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alpha", "beta", "delta", "delta-renamed"]);
    // The last week for her: delta pushed out of Q4; gamma is not hers.
    let w = doc["weekly"].as_array().unwrap().last().unwrap();
    assert_eq!(money(&w["period"]["start"]["amount"]), 350_000);
    assert_eq!(money(&w["period"]["pushed_out"]["amount"]), 350_000);
    assert_eq!(money(&w["period"]["end"]["amount"]), 0);
    // Oct 4: delta handed to her (C5) arrives as new in her pipeline.
    let w = doc["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["to"] == "2026-10-04")
        .unwrap();
    assert_eq!(money(&w["pipeline"]["new"]["amount"]), 300_000);
    assert_eq!(money(&w["pipeline"]["lost"]["amount"]), 1_000_000);
    let doc = history(&r, &["--team", "west"]);
    let scopes: Vec<&str> = doc["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["scope"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["West", "王芳"]);
    let out = r.dealbook(&["history", ".", "--person", "zhang-mn"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean"));
}

#[test]
fn csv_tables() {
    let r = scenario();
    for (table, header) in [
        (
            "trend",
            "period,scope_kind,scope_id,scope_name,date,commit,errors,won",
        ),
        (
            "weekly",
            "from,to,from_commit,to_commit,waterfall,bucket,amount,deals",
        ),
        (
            "accuracy",
            "period,scope_kind,scope_id,scope_name,actual,week,date",
        ),
        ("changes", "deal,name,date,commit,author,kind,field,from,to"),
    ] {
        let out = r.dealbook(&["history", ".", "--format", "csv", "--table", table]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(header), "{table}: {text}");
        assert!(text.lines().count() > 5, "{table}");
    }
}

#[test]
fn report_and_build_at_a_revision() {
    let r = scenario();
    // report --rev C5: the pipeline as it was then, as of Oct 2 (C5's
    // date): Q4 as on Oct 4 in the trend (the forecast does not depend
    // on the date): commit 0, best case 2,400,000, weighted 1,460,000.
    let out = r.dealbook(&[
        "report",
        ".",
        "--rev",
        &r.commits[C5],
        "--format",
        "json",
        "--period",
        "2026-Q4",
    ]);
    let doc = json_of(&out);
    assert_eq!(doc["as_of"], "2026-10-02");
    let q4 = doc["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["period"] == "2026-Q4" && f["scope"]["kind"] == "org")
        .unwrap();
    assert_eq!(money(&q4["best_case"]), 2_400_000);
    assert_eq!(money(&q4["weighted"]), 1_460_000);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&r.commits[C5][..7]));
    // --as-of overrides the revision's date.
    let doc = json_of(&r.dealbook(&[
        "report",
        ".",
        "--rev",
        "HEAD~2",
        "--as-of",
        "2026-10-20",
        "--format",
        "json",
    ]));
    assert_eq!(doc["as_of"], "2026-10-20");
    // The broken revision: errors, exit 1; a name git does not know: 2.
    let out = r.dealbook(&["report", ".", "--rev", &r.commits[C6]]);
    assert_eq!(out.status.code(), Some(1));
    let out = r.dealbook(&["report", ".", "--rev", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git revision"));
    // build --rev C7: that revision's site, with the history up to it.
    let site = r.tmp.path().join("site-c7");
    let out = r.dealbook(&[
        "build",
        ".",
        "--rev",
        &r.commits[C7],
        "--output",
        site.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site.join("deals/omega.html").exists(), "omega exists at C7");
    assert!(!site.join("deals/delta-renamed.html").exists());
    let trends = std::fs::read_to_string(site.join("trends.html")).unwrap();
    assert!(trends.contains(&r.commits[C7][..7]));
    assert!(!trends.contains(&r.commits[C8][..7]), "nothing after C7");
}

#[test]
fn the_site_with_history_is_deterministic_and_can_be_turned_off() {
    let r = scenario();
    let build = |name: &str, extra: &[&str]| -> std::path::PathBuf {
        let site = r.tmp.path().join(name);
        let mut args = vec!["build", ".", "--output", site.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = r.dealbook(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        site
    };
    let (a, b) = (build("a", &[]), build("b", &[]));
    let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = walkdir_files(dir)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds of one commit");
    }
    assert!(a.join("trends.html").exists());
    let deal = std::fs::read_to_string(a.join("deals/gamma.html")).unwrap();
    assert!(deal.contains("id=\"changes\""));
    // --no-history: no Trends page, no panel, no changes.
    let off = build("off", &["--no-history"]);
    assert!(!off.join("trends.html").exists());
    let index = std::fs::read_to_string(off.join("index.html")).unwrap();
    assert!(!index.contains("since-last-week") && !index.contains("trends.html"));
    assert!(
        !std::fs::read_to_string(off.join("deals/gamma.html"))
            .unwrap()
            .contains("id=\"changes\"")
    );
    // Labels in Chinese.
    r.write(
        "dealbook.toml",
        &settings().replace(
            "currency = \"CNY\"",
            "currency = \"CNY\"\nlocale = \"zh-CN\"",
        ),
    );
    let zh = build("zh", &[]);
    let t = std::fs::read_to_string(zh.join("trends.html")).unwrap();
    assert!(
        t.contains("预测趋势") && t.contains("预测准确度") && t.contains("自上周以来"),
        "{t}"
    );
}

fn walkdir_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn git_stage_moves_stand_in_for_a_missing_history() {
    let mut r = scenario();
    // omega, open, no [[history]]: created Sep 1 in qualify, moved to
    // solution on Oct 27 (the day before as_of).
    r.write(
        "deals/omega.toml",
        &deal(
            "Omega",
            "acme",
            "zhang-min",
            "100_000",
            "qualify",
            "2026-12-15",
            "2026-09-01",
        ),
    );
    r.commit("omega", "2026-10-27T12:00:00Z");
    r.set("deals/omega.toml", "stage", "stage = \"solution\"");
    r.commit("omega moves", "2026-10-27T14:00:00Z");
    let site = r.tmp.path().join("site");
    let out = r.dealbook(&[
        "build",
        ".",
        "--output",
        site.to_str().unwrap(),
        "--timings",
    ]);
    assert!(out.status.success());
    // Deals without [[history]]: git's stage moves change the analytics,
    // so no page is rendered before the history is read.
    let timings = String::from_utf8_lossy(&out.stderr);
    assert!(!timings.contains("render and write ahead"), "{timings}");
    assert!(timings.contains("    render and write:"), "{timings}");
    // alpha has no [[history]]: its timeline is git's (solution, proof on
    // Sep 4, solution on Sep 25, lost on Oct 2), and its page says so.
    let page = std::fs::read_to_string(site.join("deals/alpha.html")).unwrap();
    assert!(
        page.contains("git commits (the file has no [[history]])"),
        "source named"
    );
    for date in ["2026-09-04", "2026-09-25", "2026-10-02"] {
        assert!(page.contains(date), "{date} on alpha's timeline");
    }
    // Without the history the timeline has only `created`.
    let off = r.tmp.path().join("off");
    r.dealbook(&[
        "build",
        ".",
        "--output",
        off.to_str().unwrap(),
        "--no-history",
    ]);
    let page = std::fs::read_to_string(off.join("deals/alpha.html")).unwrap();
    assert!(!page.contains("2026-09-25"));
    // The analytics count git's moves too (build computes them again once
    // the history has given them): omega's days in its stage run from its
    // move seen in git (Oct 27 to Oct 28: 1), not from created (57).
    let days = |site: &Path| {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(site.join("data.json")).unwrap())
                .unwrap();
        doc["deals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "omega")
            .map(|d| d["days_in_stage"].clone())
            .unwrap()
    };
    assert_eq!(days(&site), 1);
    assert_eq!(days(&off), 57);
}

#[test]
fn watch_reads_the_history_once_and_follows_the_working_tree() {
    let r = scenario();
    let site = r.tmp.path().join("watched");
    let mut w = common::process::Proc::start(&[
        "watch",
        r.top().to_str().unwrap(),
        "--output",
        site.to_str().unwrap(),
    ]);
    w.wait_line("the first build", |l| l.contains("built "));
    let trends = site.join("trends.html");
    let gamma = site.join("deals/gamma.html");
    assert!(trends.is_file());
    assert!(
        !std::fs::read_to_string(&gamma)
            .unwrap()
            .contains("working tree")
    );
    // An uncommitted save: the latest point becomes the working tree, the
    // deal's change is its last entry, the panel shows it.
    r.set("deals/gamma.toml", "amount", "amount = 2_500_000");
    common::wait_for("gamma's uncommitted change on its page", || {
        std::fs::read_to_string(&gamma)
            .ok()
            .filter(|t| t.contains("working tree") && t.contains("¥2,500,000"))
    });
    common::wait_for("the trend's latest point to be the working tree", || {
        std::fs::read_to_string(&trends)
            .ok()
            .filter(|t| t.contains("\">working tree</td>") && t.contains("2900000.00"))
    });
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        index.contains("data-bucket=\"amount_up\""),
        "since last week"
    );
    assert!(w.interrupt().success());
}

/// The history JSON of the pipeline at `root` (stats left out) read from
/// git alone, and read starting from the working tree's files as the load
/// read them (what `history` and `build` do), with how many versions the
/// second took from the working tree.
fn plain_and_seeded(root: &Path, opts: &dealbook::history::Options) -> (Value, Value, usize) {
    use dealbook::history::{Timeline, json};
    let today = jiff::civil::date(2026, 12, 31);
    let mut kept = Vec::new();
    let checked = dealbook::load_and_check_keeping(
        root,
        &dealbook::load::LoadOptions {
            drop_clean_text: true,
            ..Default::default()
        },
        None,
        today,
        |k| kept = k,
    );
    let end = checked.as_of;
    let doc = |t: Timeline| {
        let h = std::sync::Arc::new(t).finish(&checked);
        let sel = json::select(&h, None);
        let mut v: Value = serde_json::from_str(&json::json(&h, &sel, true, "CNY")).unwrap();
        let n = v["stats"]["from_worktree"].as_u64().unwrap() as usize;
        v.as_object_mut().unwrap().remove("stats");
        (v, n)
    };
    let (plain, none) = doc(Timeline::read(root, end, opts).unwrap());
    assert_eq!(none, 0);
    let (seeded, n) = doc(Timeline::read_seeded(root, end, opts, || kept).unwrap());
    (plain, seeded, n)
}

#[test]
fn starting_from_the_working_tree_changes_nothing() {
    // The scenario (every kind of change, a broken commit, renames), with
    // the working tree changed since HEAD: a deal edited, one added, one
    // saved with a byte-order mark (same text, another blob).
    let r = scenario();
    r.set("deals/beta.toml", "amount", "amount = 650_000");
    r.write(
        "deals/zeta.toml",
        &r.read("deals/gamma.toml").replace("Gamma", "Zeta"),
    );
    let acme = r.read("accounts/acme.toml");
    r.write("accounts/acme.toml", &format!("\u{feff}{acme}"));
    for opts in [
        dealbook::history::Options::default(),
        dealbook::history::site_options(&r.pipe(), jiff::civil::date(2026, 12, 31), None),
    ] {
        let (plain, seeded, n) = plain_and_seeded(&r.pipe(), &opts);
        assert!(n > 0, "nothing was taken from the working tree");
        assert_eq!(plain, seeded);
        assert_eq!(plain["latest"], "working tree");
    }
    // A pipeline folder that was moved: its files are seeded under their
    // path in the folder.
    let mut r = small("old");
    r.commit("in old/", "2026-09-04T10:00:00Z");
    r.set("deals/alpha.toml", "amount", "amount = 1_200_000");
    r.commit("old/ changed", "2026-09-11T10:00:00Z");
    r.git(&["mv", "old", "new"], D0);
    r.commit("moved to new/", "2026-09-18T10:00:00Z");
    r.sub = "new".into();
    let (plain, seeded, n) = plain_and_seeded(&r.pipe(), &Default::default());
    assert!(n > 0);
    assert_eq!(plain, seeded);
    assert_eq!(plain["latest"], "HEAD");
    // A byte-order mark alone (another blob, the same text) does not make
    // the working tree the latest point, as without the blob ids.
    let acme = r.read("accounts/acme.toml");
    r.write("accounts/acme.toml", &format!("\u{feff}{acme}"));
    let (plain, seeded, _) = plain_and_seeded(&r.pipe(), &Default::default());
    assert_eq!(plain, seeded);
    assert_eq!(seeded["latest"], "HEAD");
}

/// A pipeline as `build` renders it in-process (on 2026-12-31; the
/// fixtures' settings fix `as_of`): checked, its analytics and its site
/// history with the latest point.
struct SiteParts {
    checked: dealbook::Checked,
    analytics: dealbook::analytics::Analytics,
    history: dealbook::history::History,
    overrides: dealbook::site::templates::Overrides,
}

impl SiteParts {
    fn of(root: &Path) -> SiteParts {
        let today = jiff::civil::date(2026, 12, 31);
        let checked = dealbook::load_and_check(root, &Default::default(), None, today);
        assert!(!checked.has_errors());
        let opts = dealbook::history::site_options(root, checked.as_of, None);
        let timeline = dealbook::history::Timeline::read(root, checked.as_of, &opts).unwrap();
        let history = std::sync::Arc::new(timeline).finish(&checked);
        let analytics = dealbook::analytics::compute(
            &checked.pipeline,
            checked.as_of,
            &dealbook::analytics::Options::default(),
        );
        SiteParts {
            checked,
            analytics,
            history,
            overrides: Default::default(),
        }
    }

    /// The site's input, with its history or with none (yet).
    fn input(&self, with_history: bool) -> dealbook::site::SiteInput<'_> {
        dealbook::site::SiteInput {
            pipeline: &self.checked.pipeline,
            analytics: &self.analytics,
            diagnostics: &self.checked.diagnostics,
            overrides: &self.overrides,
            base_url: None,
            history: with_history.then_some(&self.history),
        }
    }
}

#[test]
fn pages_rendered_ahead_of_the_history_are_the_sites_own() {
    // `build` renders the pages that do not show the history while the
    // history is read, and the others once it is: together they must be
    // the site rendered in one go, byte for byte. (In debug builds, a page
    // rendered ahead that asks for the history panics.)
    use dealbook::site::{self, incremental::Prepared};
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    let r = scenario();
    let parts = SiteParts::of(&r.pipe());
    let h = &parts.history;
    let input = |history: Option<&dealbook::history::History>| parts.input(history.is_some());
    let whole = |history| -> BTreeMap<String, Vec<u8>> {
        site::render(&input(history))
            .unwrap()
            .into_iter()
            .map(|p| (p.path, p.bytes))
            .collect()
    };
    let into = |m: &Mutex<BTreeMap<String, Vec<u8>>>, p: site::Page| {
        m.lock().unwrap().insert(p.path, p.bytes);
        Ok(())
    };
    let ahead = Mutex::new(BTreeMap::new());
    let n = Prepared::ahead_of_history(&input(None))
        .unwrap()
        .render_ahead(|p| into(&ahead, p))
        .unwrap();
    let ahead = ahead.into_inner().unwrap();
    assert_eq!(n, ahead.len());
    let rest = Mutex::new(BTreeMap::new());
    let m = Prepared::new(&input(Some(h)))
        .unwrap()
        .render_rest(|p| into(&rest, p))
        .unwrap();
    let rest = rest.into_inner().unwrap();
    assert_eq!(m, rest.len());
    // Ahead: lists, accounts, risks, exports, assets; after: the pages
    // that show the history.
    for p in [
        "accounts.html",
        "deals.html",
        "risks.html",
        "data.json",
        "funnel.html",
    ] {
        assert!(ahead.contains_key(p), "{p} rendered ahead");
    }
    for p in [
        "index.html",
        "forecast.html",
        "trends.html",
        "deals/gamma.html",
    ] {
        assert!(rest.contains_key(p), "{p} rendered with the history");
    }
    assert!(ahead.keys().any(|k| k.starts_with("accounts/")));
    assert!(rest.keys().any(|k| k.starts_with("people/")));
    assert!(rest.keys().any(|k| k.starts_with("teams/")));
    let full = whole(Some(h));
    assert_eq!(ahead.len() + rest.len(), full.len(), "each page once");
    let mut both = ahead.clone();
    both.extend(rest);
    assert_eq!(
        both.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &full {
        assert!(&both[path] == bytes, "{path} differs when rendered ahead");
    }
    // The pages rendered ahead link the Trends page: when the history
    // does not come after all, `build` renders the whole site again over
    // them, and that is the site without a history.
    assert!(String::from_utf8_lossy(&ahead["accounts.html"]).contains("trends.html"));
    let mut again = ahead.clone();
    again.extend(whole(None));
    assert_eq!(again, whole(None));

    // site::beside::render, which `build` uses, writes only the pages
    // ahead of the history when none comes, and when it gives deals
    // stage moves (the scenario's deals have no [[history]]), which change
    // the analytics those pages were rendered from. (With a history that
    // changes nothing, it writes the site:
    // `build_renders_beside_the_history_when_every_deal_has_one`.)
    for history in [None, Some(h)] {
        let got = Mutex::new(BTreeMap::new());
        let (given, written, _) =
            site::beside::render(&input(None), || history.cloned(), |p| into(&got, p));
        assert_eq!(given.is_some(), history.is_some());
        assert_eq!(written.unwrap(), site::beside::Written::Ahead(ahead.len()));
        assert!(got.into_inner().unwrap() == ahead);
    }
}

#[test]
fn build_renders_beside_the_history_when_every_deal_has_one() {
    // Every deal with its [[history]] (as `dealbook deal` writes them):
    // git's stage moves are not used, so `build` renders the pages that do
    // not show the history while it is read, and the rest as soon as it
    // is. The site is the one rendered in one go, page for page.
    let with_history = |d: String, created: &str, stage: &str| {
        format!("{d}\n[[history]]\ndate = {created}\nstage = \"{stage}\"\n")
    };
    let mut r = small("");
    r.write(
        "deals/alpha.toml",
        &with_history(r.read("deals/alpha.toml"), "2026-06-01", "solution"),
    );
    r.write(
        "deals/beta.toml",
        &with_history(
            deal(
                "Beta",
                "huaxing",
                "chen-jie",
                "500_000",
                "proof",
                "2026-12-10",
                "2026-07-01",
            ),
            "2026-07-01",
            "proof",
        ),
    );
    r.commit("base", "2026-09-04T10:00:00Z");
    r.set("deals/alpha.toml", "amount", "amount = 1_200_000");
    r.commit("alpha grows", "2026-09-18T10:00:00Z");
    r.set("deals/beta.toml", "close", "close = 2027-01-20");
    r.commit("beta slips", "2026-10-09T10:00:00Z");
    let site = r.tmp.path().join("site");
    let out = r.dealbook(&[
        "build",
        ".",
        "--output",
        site.to_str().unwrap(),
        "--timings",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("render and write ahead (beside the history)"),
        "{err}"
    );
    assert!(!err.contains("    render and write:"), "{err}");

    // The same site in one go, in-process.
    let parts = SiteParts::of(&r.pipe());
    let pages = dealbook::site::render(&parts.input(true)).unwrap();
    // So is the site in-process beside its history.
    let got = std::sync::Mutex::new(Vec::new());
    let (given, written, _) = dealbook::site::beside::render(
        &parts.input(false),
        || Some(parts.history.clone()),
        |p| {
            got.lock().unwrap().push(p);
            Ok(())
        },
    );
    assert!(given.is_some());
    assert_eq!(
        written.unwrap(),
        dealbook::site::beside::Written::All(pages.len())
    );
    let mut got = got.into_inner().unwrap();
    got.sort_by(|x, y| x.path.cmp(&y.path));
    assert!(got == pages, "the site beside its history differs");
    // Besides the pages, the marker that says the folder is a site.
    let on_disk = walkdir_files(&site);
    assert_eq!(on_disk.len(), pages.len() + 1, "{on_disk:?}");
    for p in &pages {
        let file = std::fs::read(site.join(&p.path)).unwrap();
        assert!(
            file == p.bytes,
            "{} differs from the site in one go",
            p.path
        );
    }
    assert!(site.join("trends.html").exists());
    let deal = std::fs::read_to_string(site.join("deals/beta.html")).unwrap();
    assert!(deal.contains("id=\"changes\"") && deal.contains("2027-01-20"));

    // A template that fails on a page rendered ahead of the history
    // (account.html) or after it (deal.html): exit 1, the file and line
    // named, the site as it was, nothing left beside it.
    let files = || -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = walkdir_files(&site)
            .into_iter()
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = files();
    for name in ["account.html", "deal.html"] {
        r.write(
            &format!("templates/{name}"),
            "{% extends \"base.html\" %}\n{% block content %}\n\n{{ v.no_such_field.deeper }}\n{% endblock content %}\n",
        );
        let out = r.dealbook(&["build", ".", "--output", site.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(name) && err.contains(":4"), "{err}");
        std::fs::remove_file(r.pipe().join("templates").join(name)).unwrap();
        assert!(files() == before, "the site changed");
        let mut beside: Vec<String> = std::fs::read_dir(r.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("site"))
            .collect();
        beside.sort();
        assert_eq!(beside, ["site"], "left behind");
    }
}
