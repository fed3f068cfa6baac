//! Risk signals a team can switch off (`[rules.signals]`), and the note on
//! a signal that fires on most open deals.
//!
//! The fixture `tests/fixtures/signals-noise/` has 24 open deals as of
//! 2026-06-30, none with a next step: `no_next_step` fires on all 24,
//! `overdue_close` on d01-d05, `stale` on d06-d08 and `no_champion` on
//! d17-d24, so 40 risks on 24 deals, of which 16 risks on 16 deals are not
//! `no_next_step`. Each test works on a copy; "off" is the copy with
//! `no_next_step = false` under `[rules.signals]`.

use crate::common;

use common::{build, copy_dir, dealbook, example, repo};
use dealbook::analytics::{self, Options};
use dealbook::load::LoadOptions;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// Open deals in the fixture, all flagged `no_next_step`.
const OPEN: usize = 24;
/// Risks in the fixture with every signal on.
const RISKS: usize = 40;

fn fixture() -> PathBuf {
    repo().join("tests/fixtures/signals-noise")
}

/// A copy of the fixture at `<tmp>/<name>`, with `extra` appended to its
/// `dealbook.toml`.
fn copy(tmp: &Path, name: &str, extra: &str) -> PathBuf {
    let root = tmp.join(name);
    copy_dir(&fixture(), &root);
    let settings = root.join("dealbook.toml");
    let text = fs::read_to_string(&settings).unwrap();
    fs::write(&settings, text + extra).unwrap();
    root
}

const OFF: &str = "\n[rules.signals]\nno_next_step = false\n";

fn run(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let out = dealbook(args, cwd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn report_json(root: &Path) -> Value {
    let (code, out) = run(&["report", s(root), "--format", "json"], root);
    assert_eq!(code, Some(0), "{out}");
    serde_json::from_str(&out).unwrap()
}

/// How many risks of the JSON document have this code.
fn count(doc: &Value, code: &str) -> usize {
    doc["risks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == code)
        .count()
}

#[test]
fn check_notes_a_signal_on_every_open_deal_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let on = copy(tmp.path(), "on", "");
    let (code, human) = run(&["check", s(&on)], tmp.path());
    assert_eq!(code, Some(0), "{human}");
    assert!(
        human.contains(
            "dealbook.toml:32:1: note[N001]: risk signal `no_next_step` fires on 24 of 24 open deals (100.0%)"
        ),
        "{human}"
    );
    assert!(
        human.contains("add `no_next_step = false` under [rules.signals]"),
        "{human}"
    );
    assert!(
        human.ends_with("no problems (1 note)\n"),
        "a note is not a problem: {human}"
    );
    // The other signals fire on fewer deals: one note only.
    assert_eq!(human.matches("note[N001]").count(), 1, "{human}");

    // Notes never fail a check, not even with --deny-warnings.
    let (code, json) = run(
        &["check", s(&on), "--format", "json", "--deny-warnings"],
        tmp.path(),
    );
    assert_eq!(code, Some(0), "{json}");
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["summary"]["notes"], 1);
    assert_eq!(doc["summary"]["warnings"], 0);
    assert_eq!(doc["summary"]["errors"], 0);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["severity"], "note");
    assert_eq!(d["code"], "N001");
    assert_eq!(d["source_line"], "[rules]");

    let (code, gh) = run(
        &["check", s(&on), "--format", "github", "--deny-warnings"],
        tmp.path(),
    );
    assert_eq!(code, Some(0), "{gh}");
    let first = gh.lines().next().unwrap();
    assert!(
        first.starts_with("::notice file=") && first.contains("title=N001 "),
        "{gh}"
    );
    assert!(
        gh.ends_with("0 errors, 0 warnings, 1 note in 31 files\n"),
        "{gh}"
    );
}

#[test]
fn the_note_points_at_rules_signals_and_goes_when_the_signal_is_off() {
    let tmp = tempfile::tempdir().unwrap();
    // Switched on explicitly: still a note, now at [rules.signals].
    let on = copy(tmp.path(), "on", "\n[rules.signals]\nno_next_step = true\n");
    let (_, human) = run(&["check", s(&on)], tmp.path());
    assert!(
        human.contains("dealbook.toml:37:1: note[N001]") && human.contains("[rules.signals]"),
        "{human}"
    );
    let off = copy(tmp.path(), "off", OFF);
    let (code, human) = run(&["check", s(&off)], tmp.path());
    assert_eq!(code, Some(0));
    assert_eq!(human, "ok: 31 files, no problems\n");
}

#[test]
fn a_switched_off_signal_leaves_the_report_and_its_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let on = copy(tmp.path(), "on", "");
    let off = copy(tmp.path(), "off", OFF);

    let (a, b) = (report_json(&on), report_json(&off));
    let fired = count(&a, "no_next_step");
    assert_eq!(fired, OPEN, "the signal fires on every open deal");
    assert_eq!(a["kpis"]["open_deals"], OPEN);
    assert_eq!(a["kpis"]["open_risks"], RISKS);
    assert_eq!(a["kpis"]["deals_at_risk"], OPEN);
    // Off: gone, and the counts drop by exactly its number.
    assert_eq!(count(&b, "no_next_step"), 0);
    assert_eq!(b["kpis"]["open_risks"], RISKS - fired);
    assert_eq!(b["kpis"]["deals_at_risk"], 16);
    assert_eq!(b["risks"].as_array().unwrap().len(), RISKS - fired);
    // The other signals are untouched.
    for code in ["overdue_close", "stale", "no_champion"] {
        assert_eq!(count(&a, code), count(&b, code), "{code}");
        assert!(count(&b, code) > 0, "{code}");
    }
    for d in b["deals"].as_array().unwrap() {
        let risks = d["risks"].as_array().unwrap();
        assert!(!risks.contains(&Value::from("no_next_step")), "{d}");
    }
    // Open risks per person and team drop by the same number in all.
    let open_risks = |doc: &Value| -> u64 {
        doc["performance"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["scope"]["kind"] == "person" && r["period"] == "2026")
            .map(|r| r["open_risks"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(open_risks(&a), RISKS as u64);
    assert_eq!(open_risks(&b), (RISKS - fired) as u64);

    // (The table and Markdown name the signals as the site does.)
    for (format, code, other) in [
        ("table", "No next step", "Close date passed"),
        ("markdown", "No next step", "Close date passed"),
    ] {
        let (_, before) = run(&["report", s(&on), "--format", format], tmp.path());
        let (_, after) = run(&["report", s(&off), "--format", format], tmp.path());
        assert!(before.contains(code), "{format}: {before}");
        assert!(!after.contains(code), "{format}: {after}");
        assert!(after.contains(other), "{format}: {after}");
    }
    for table in ["risks", "deals", "performance"] {
        let csv = |root: &Path| {
            run(
                &["report", s(root), "--format", "csv", "--table", table],
                tmp.path(),
            )
            .1
        };
        let (before, after) = (csv(&on), csv(&off));
        assert!(!after.contains("no_next_step"), "{table}: {after}");
        if table != "performance" {
            assert!(before.contains("no_next_step"), "{table}: {before}");
        }
        if table == "risks" {
            // A header line, then one line per risk.
            assert_eq!(before.lines().count(), 1 + RISKS);
            assert_eq!(after.lines().count(), 1 + RISKS - fired);
        }
    }
}

/// Every file of a built site, by path relative to it.
fn site_files(site: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(site).unwrap().to_string_lossy();
            let text = fs::read_to_string(e.path()).ok()?;
            Some((rel.replace('\\', "/"), text))
        })
        .collect()
}

/// The value of the dashboard's KPI `name`.
fn kpi(index: &str, name: &str) -> String {
    let at = index
        .find(&format!("data-kpi=\"{name}\""))
        .unwrap_or_else(|| panic!("no KPI {name}"));
    let rest = &index[at..];
    let v = &rest[rest.find("class=\"kpi-value\">").unwrap() + 18..];
    v[..v.find('<').unwrap()].to_string()
}

#[test]
fn a_switched_off_signal_is_on_no_page_of_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let on = copy(tmp.path(), "on", "");
    let off = copy(tmp.path(), "off", OFF);
    let (site_on, site_off) = (tmp.path().join("site-on"), tmp.path().join("site-off"));
    build(&on, &site_on);
    build(&off, &site_off);

    let before = site_files(&site_on);
    let with = |files: &[(String, String)], needle: &str| -> Vec<String> {
        files
            .iter()
            .filter(|(_, t)| t.contains(needle))
            .map(|(p, _)| p.clone())
            .collect()
    };
    // On: the signal's label is on every open deal's page, the risks page,
    // its own page and the exports.
    let labelled = with(&before, "No next step");
    for page in [
        "risks.html",
        "risks/no_next_step.html",
        "deals/d01.html",
        "deals/d24.html",
    ] {
        assert!(labelled.contains(&page.to_string()), "{page}: {labelled:?}");
    }
    let coded = with(&before, "no_next_step");
    for file in ["data.json", "risks.csv", "deals.csv"] {
        assert!(coded.contains(&file.to_string()), "{file}: {coded:?}");
    }
    let risks_page = &before.iter().find(|(p, _)| p == "risks.html").unwrap().1;
    assert_eq!(
        risks_page.matches("id=\"signal-noise\"").count(),
        1,
        "the note once, at the top"
    );
    assert!(
        risks_page.contains("“No next step” fires on 24 of 24 open deals (100.0%)")
            && risks_page.contains("<code>no_next_step = false</code>"),
        "{risks_page}"
    );
    let index = &before.iter().find(|(p, _)| p == "index.html").unwrap().1;
    assert_eq!(kpi(index, "open_risks"), RISKS.to_string());

    // Off: nowhere, in no form, and the counts drop by its number.
    let after = site_files(&site_off);
    for needle in ["no_next_step", "No next step", "signal-noise"] {
        assert_eq!(with(&after, needle), Vec::<String>::new(), "{needle}");
    }
    assert!(!site_off.join("risks/no_next_step.html").exists());
    assert!(site_off.join("risks/overdue_close.html").exists());
    let index = &after.iter().find(|(p, _)| p == "index.html").unwrap().1;
    assert_eq!(kpi(index, "open_risks"), (RISKS - OPEN).to_string());
    assert!(index.contains("on 16 deals"), "deals at risk");
    let data: Value =
        serde_json::from_str(&after.iter().find(|(p, _)| p == "data.json").unwrap().1).unwrap();
    assert_eq!(data["kpis"]["open_risks"], RISKS - OPEN);
    assert_eq!(data["risks"].as_array().unwrap().len(), RISKS - OPEN);
    let risks_page = &after.iter().find(|(p, _)| p == "risks.html").unwrap().1;
    assert!(
        risks_page.contains(&format!("<span class=\"count\">{}</span>", RISKS - OPEN)),
        "the risks page's count"
    );
}

#[test]
fn the_risks_page_note_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let zh = copy(tmp.path(), "zh", "");
    let settings = zh.join("dealbook.toml");
    let text = fs::read_to_string(&settings).unwrap();
    fs::write(
        &settings,
        text.replace(
            "currency = \"CNY\"",
            "currency = \"CNY\"\nlocale = \"zh-CN\"",
        ),
    )
    .unwrap();
    let site = tmp.path().join("site");
    build(&zh, &site);
    let page = fs::read_to_string(site.join("risks.html")).unwrap();
    assert_eq!(page.matches("id=\"signal-noise\"").count(), 1);
    assert!(
        page.contains("“缺少下一步”出现在 24 个进行中商机中的 24 个（100.0%）")
            && page.contains("[rules.signals] 下添加这一行：")
            && page.contains("<code>no_next_step = false</code>"),
        "{page}"
    );
}

/// `dealbook diff A B --format json` of two folders.
fn diff(a: &Path, b: &Path, cwd: &Path, format: &str) -> String {
    let out = std::process::Command::new(common::BIN)
        .args(["diff", s(a), s(b), "--format", format])
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", cwd.parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A 25th open deal without a next step (so `no_next_step` fires on it),
/// closing after as_of (no other signal).
const NEW_DEAL: &str = r#"name = "Deal 25"
account = "acme"
owner = "bob"
amount = 250_000
stage = "qualify"
created = 2026-06-20
close = 2026-09-30

[[stakeholder]]
contact = "cio"
role = "technical_buyer"
attitude = "neutral"
"#;

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["deal"].as_str().unwrap(),
                r["code"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_switched_off_signal_is_not_in_the_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let a = copy(t, "a", "");
    let b = copy(t, "b", "");
    fs::write(b.join("deals/open/d25.toml"), NEW_DEAL).unwrap();
    // Signals on at both sides: the new deal's no_next_step is new.
    let j: Value = serde_json::from_str(&diff(&a, &b, t, "json")).unwrap();
    assert_eq!(codes(&j["risks"]["introduced"]), ["d25 no_next_step"]);
    assert_eq!(j["a"]["signals_off"], serde_json::json!([]));
    // B's note (25 of 25 deals) is advice, not a finding of the diff.
    assert_eq!(j["diagnostics"], serde_json::json!([]));
    assert_eq!(j["summary"]["warnings"], 0);

    // Off at both sides: nothing.
    let a_off = copy(t, "a-off", OFF);
    let b_off = copy(t, "b-off", OFF);
    fs::write(b_off.join("deals/open/d25.toml"), NEW_DEAL).unwrap();
    let j: Value = serde_json::from_str(&diff(&a_off, &b_off, t, "json")).unwrap();
    assert_eq!(codes(&j["risks"]["introduced"]), Vec::<String>::new());
    assert_eq!(codes(&j["risks"]["cleared"]), Vec::<String>::new());
    assert_eq!(j["summary"]["risks_introduced"], 0);
    assert!(!j["risks"].to_string().contains("no_next_step"), "{j}");

    // Switched off by the change itself: B's switches judge both sides, so
    // the 24 risks of A are not listed as cleared; the switch is named.
    let j: Value = serde_json::from_str(&diff(&a, &b_off, t, "json")).unwrap();
    assert_eq!(codes(&j["risks"]["introduced"]), Vec::<String>::new());
    assert_eq!(codes(&j["risks"]["cleared"]), Vec::<String>::new());
    assert_eq!(j["summary"]["risks_cleared"], 0);
    assert_eq!(j["a"]["signals_off"], serde_json::json!([]));
    assert_eq!(j["b"]["signals_off"], serde_json::json!(["no_next_step"]));
    let md = diff(&a, &b_off, t, "markdown");
    assert!(
        md.contains("Switched off in `[rules.signals]` by this change: `no_next_step`."),
        "{md}"
    );
    assert!(!md.contains("no next step"), "{md}");
    // And switched back on: only the new deal's risk is new.
    let j: Value = serde_json::from_str(&diff(&a_off, &b, t, "json")).unwrap();
    assert_eq!(codes(&j["risks"]["introduced"]), ["d25 no_next_step"]);
    let md = diff(&a_off, &b, t, "markdown");
    assert!(
        md.contains("Switched on in `[rules.signals]` by this change: `no_next_step`."),
        "{md}"
    );
}

#[test]
fn an_unknown_code_gets_a_did_you_mean_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let root = copy(
        tmp.path(),
        "typo",
        "\n[rules.signals]\nsingle_threaded = false\nno_nxt_step = false\nnonsense = false\nstale = \"false\"\n",
    );
    let (code, json) = run(&["check", s(&root), "--format", "json"], tmp.path());
    assert_eq!(code, Some(1), "an unknown signal is an error");
    let doc: Value = serde_json::from_str(&json).unwrap();
    let diags: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                format!("{}:{}", d["line"], d["code"].as_str().unwrap()),
                d["message"].as_str().unwrap().to_string(),
                d["hint"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(diags.len(), 4, "{diags:#?}");
    assert_eq!(
        diags[0].0, "37:N001",
        "the note stays: the table is not read"
    );
    assert_eq!(diags[1].0, "39:E062");
    assert_eq!(
        diags[1].1,
        "unknown risk signal `no_nxt_step` in [rules.signals]"
    );
    assert_eq!(diags[1].2, "did you mean `no_next_step`?");
    assert_eq!(diags[2].0, "40:E062");
    assert!(
        diags[2]
            .2
            .starts_with("the risk signals: overdue_close, no_next_step, stale,"),
        "no close match: the list: {}",
        diags[2].2
    );
    assert_eq!(diags[3].0, "41:E012");
    assert_eq!(diags[3].2, "write it without quotes: stale = false");
}

/// Switching off any one signal removes exactly its risks and nothing
/// else, and the count of open risks drops by their number. The example
/// pipeline has every one of the twelve signals.
#[test]
fn each_switch_removes_exactly_its_signal() {
    let checked = dealbook::load_and_check(
        &example(),
        &LoadOptions::default(),
        None,
        jiff::civil::date(2000, 1, 1),
    );
    assert!(!checked.has_errors());
    let opts = Options::default();
    let all = analytics::compute(&checked.pipeline, checked.as_of, &opts);
    let mut p = checked.pipeline;
    for (ix, code) in dealbook::spec::SIGNAL_CODES.iter().enumerate() {
        let fired: Vec<_> = all.risks.iter().filter(|r| r.code() == *code).collect();
        assert!(!fired.is_empty(), "the example has no {code}");
        p.settings.rules.signals.set(ix, false);
        let without = analytics::compute(&p, checked.as_of, &opts);
        p.settings.rules.signals.set(ix, true);
        let kept: Vec<_> = all.risks.iter().filter(|r| r.code() != *code).collect();
        assert_eq!(without.risks.iter().collect::<Vec<_>>(), kept, "{code}");
        assert_eq!(
            without.kpis.open_risks,
            all.kpis.open_risks - fired.len(),
            "{code}"
        );
    }
}

/// The noise threshold: more than half of the open deals, and at least 20.
#[test]
fn noise_needs_more_than_half_and_twenty_deals() {
    use dealbook::analytics::risk::{Risk, Signal, noisy};
    use dealbook::money::Money;
    let risks = |n: usize| -> Vec<Risk> {
        (0..n)
            .map(|deal| Risk {
                deal: dealbook::ix::DealIx::new(deal),
                amount: Money::ZERO,
                signal: Signal::NoNextStep(None),
            })
            .collect()
    };
    let fires = |n: usize, open: usize| !noisy(&risks(n), open).is_empty();
    assert!(fires(20, 20));
    assert!(fires(20, 39), "20 of 39 is more than half");
    assert!(!fires(20, 40), "20 of 40 is half, not more");
    assert!(fires(21, 40));
    assert!(!fires(19, 19), "fewer than 20 deals");
    let n = noisy(&risks(30), 50);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].code, n[0].deals, n[0].open), ("no_next_step", 30, 50));
}
