//! `dealbook report` as a user runs it: the real binary on the bundled
//! example pipeline (its as_of is fixed, so the output never changes) in
//! every format, snapshotted with insta; the 80-column table; no colour
//! when piped; exit statuses; and the JSON document against its docs.

use crate::common;

use common::repo;
use std::path::Path;
use std::process::{Command, Output};
use unicode_width::UnicodeWidthStr;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dealbook"))
        .arg("report")
        .arg(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("run dealbook")
}

/// Runs `dealbook report example-pipeline ARGS`, expecting success.
fn report(args: &[&str]) -> String {
    let out = run_in(&repo().join("example-pipeline"), args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn table() {
    insta::assert_snapshot!("table", report(&[]));
}

#[test]
fn markdown() {
    insta::assert_snapshot!("markdown", report(&["--format", "markdown"]));
}

#[test]
fn json() {
    insta::assert_snapshot!("json", report(&["--format", "json"]));
}

const BOM: &str = "\u{feff}";

/// `--bom` starts the CSV with a UTF-8 byte order mark (for Excel); the
/// default and `--no-bom` do not; the last of the two wins. The site's
/// CSV exports are the same tables with the mark.
#[test]
fn csv_byte_order_mark() {
    for t in ["deals", "forecast", "performance", "risks", "accounts"] {
        let plain = report(&["--format", "csv", "--table", t]);
        assert!(!plain.starts_with(BOM), "{t}");
        assert_eq!(
            report(&["--format", "csv", "--table", t, "--no-bom"]),
            plain
        );
        assert_eq!(
            report(&["--format", "csv", "--table", t, "--bom"]),
            format!("{BOM}{plain}")
        );
        assert_eq!(
            report(&["--format", "csv", "--table", t, "--bom", "--no-bom"]),
            plain
        );
        assert_eq!(
            report(&["--format", "csv", "--table", t, "--no-bom", "--bom"]),
            format!("{BOM}{plain}")
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::build(&repo().join("example-pipeline"), &site);
    for t in ["deals", "forecast", "performance", "risks", "accounts"] {
        // The site's tables hold every period, so compare the headers.
        let file = std::fs::read_to_string(site.join(format!("{t}.csv"))).unwrap();
        let plain = report(&["--format", "csv", "--table", t]);
        let body = file
            .strip_prefix(BOM)
            .expect("the export starts with a BOM");
        assert!(!body.starts_with(BOM), "{t}.csv");
        assert_eq!(body.lines().next(), plain.lines().next(), "{t}.csv");
    }
}

/// The deals export as Excel users' tools read it: the header's first
/// field is `id` (not `\u{feff}id`), every row is there, and the Chinese
/// names are intact. Returns what the script printed, as JSON.
fn read_with_python(py: &Path, script: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::build(&repo().join("example-pipeline"), &site);
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(site.join("deals.csv"))
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plain = report(&["--format", "csv", "--table", "deals"]);
    let rows = plain.lines().count() - 1;
    assert_eq!(v["fields"][0], "id", "{v}");
    assert_eq!(v["fields"][1], "name", "{v}");
    assert_eq!(v["rows"], rows, "{v}");
    let owners: Vec<&str> = v["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(owners.contains(&"张敏"), "{v}");
    v
}

#[test]
fn site_csv_opens_with_python_csv_utf8_sig() {
    let Some(py) = common::tools::python_with("csv") else {
        return;
    };
    read_with_python(
        &py,
        r#"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    r = csv.reader(f)
    fields = next(r)
    rows = [dict(zip(fields, row)) for row in r]
print(json.dumps({"fields": fields, "rows": len(rows),
                  "owners": sorted({x["owner_name"] for x in rows})}, ensure_ascii=False))
"#,
    );
}

#[test]
fn site_csv_opens_with_pandas() {
    let Some(py) = common::tools::python_with("pandas") else {
        return;
    };
    // Without an encoding argument, as most people call it: pandas reads
    // UTF-8 and drops the byte order mark.
    read_with_python(
        &py,
        r#"
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
print(json.dumps({"fields": list(df.columns), "rows": len(df),
                  "owners": sorted(set(df["owner_name"]))}, ensure_ascii=False))
"#,
    );
}

#[test]
fn csv_tables() {
    for t in ["deals", "forecast", "performance", "risks", "accounts"] {
        let out = report(&["--format", "csv", "--table", t]);
        insta::assert_snapshot!(format!("csv_{t}"), out);
    }
    // --table defaults to deals
    assert_eq!(
        report(&["--format", "csv"]),
        report(&["--format", "csv", "--table", "deals"])
    );
}

#[test]
fn period_year() {
    insta::assert_snapshot!("period_2026_table", report(&["--period", "2026"]));
    insta::assert_snapshot!(
        "period_2026_json",
        report(&["--period", "2026", "--format", "json"])
    );
}

#[test]
fn person() {
    insta::assert_snapshot!("person_zhang_min_table", report(&["--person", "zhang-min"]));
    insta::assert_snapshot!(
        "person_zhang_min_json",
        report(&["--person", "zhang-min", "--format", "json"])
    );
}

#[test]
fn team() {
    insta::assert_snapshot!("team_north_table", report(&["--team", "north"]));
    insta::assert_snapshot!(
        "team_north_markdown",
        report(&["--team", "north", "--format", "markdown"])
    );
}

fn assert_fits(text: &str, what: &str) {
    let bad: Vec<String> = text
        .lines()
        .filter(|l| l.width() > 80 || l.ends_with(' '))
        .map(|l| format!("{:3} {l:?}", l.width()))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: too wide or trailing space:\n{}",
        bad.join("\n")
    );
}

#[test]
fn table_fits_80_columns_and_has_no_colour_when_piped() {
    for args in [
        &[][..],
        &["--period", "2026"],
        &["--period", "2026-11"],
        &["--period", "2025-Q3"],
        &["--person", "zhang-min"],
        &["--person", "li-wei"],
        &["--team", "north"],
        &["--as-of", "2027-06-30"],
    ] {
        let out = report(args);
        assert_fits(&out, &format!("{args:?}"));
        assert!(
            !out.contains('\x1b'),
            "{args:?}: ANSI escape in piped output"
        );
    }
    for format in ["markdown", "json", "csv"] {
        assert!(!report(&["--format", format]).contains('\x1b'));
    }
}

/// Copies a folder.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn table_fits_80_columns_with_long_unicode_names() {
    // The small fixture with every name long, half of them Chinese (two
    // columns per character), and huge amounts.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    copy(&repo().join("tests/fixtures/analytics-small"), p);
    let long = "华东区域大客户事业部第一销售组（重点行业）";
    edit(
        &p.join("dealbook.toml"),
        "name = \"Small Co\"",
        &format!("name = \"{long}{long}\""),
    );
    for (from, to) in [
        ("name = \"Qualify\"", format!("name = \"{long}\"")),
        (
            "name = \"Negotiate\"",
            "name = \"Negotiation, contracting and procurement approval\"".into(),
        ),
    ] {
        edit(&p.join("dealbook.toml"), from, &to);
    }
    edit(
        &p.join("team.toml"),
        "name = \"Bob\"",
        &format!("name = \"{long}\""),
    );
    edit(
        &p.join("team.toml"),
        "name = \"West\"",
        &format!("name = \"{long}\""),
    );
    edit(
        &p.join("accounts/cedar.toml"),
        "name = \"Cedar Inc\"",
        &format!("name = \"{long}\""),
    );
    edit(
        &p.join("deals/closed/acme-erp-2026.toml"),
        "products = [\"erp\"]",
        &format!("products = [\"{long}\"]"),
    );
    edit(
        &p.join("deals/closed/delta-erp-2026.toml"),
        "amount = 210_000",
        "amount = 9_999_999.99",
    );
    edit(
        &p.join("deals/closed/delta-erp-2026.toml"),
        "products = [\"erp\"]",
        &format!("products = [\"{long}\"]"),
    );
    edit(
        &p.join("deals/open/cedar-new.toml"),
        "amount = 600_000",
        "amount = 88_888_888_888.88",
    );
    for args in [
        &[][..],
        &["--period", "2026"],
        &["--person", "bob"],
        &["--team", "west"],
    ] {
        let out = run_in(p, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains('…'), "nothing was cut: {text}");
        assert_fits(&text, &format!("long names {args:?}"));
    }
}

#[test]
fn broken_pipeline_exits_1_with_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    copy(&repo().join("tests/fixtures/analytics-small"), dir.path());
    edit(
        &dir.path().join("deals/open/elm-upsell.toml"),
        "stage = \"qualify\"",
        "stage = \"qualfy\"",
    );
    for format in ["table", "json", "csv", "markdown"] {
        let out = run_in(dir.path(), &["--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            out.stdout.is_empty(),
            "{format}: no report on a broken pipeline"
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("E034"), "{err}");
        assert!(err.contains("elm-upsell.toml"), "{err}");
        assert!(err.contains("did you mean \"qualify\""), "{err}");
    }
}

#[test]
fn unknown_person_or_team_exits_2() {
    let out = run_in(&repo().join("example-pipeline"), &["--person", "zhang-mn"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown person \"zhang-mn\""), "{err}");
    assert!(err.contains("zhang-min"), "suggests the near id: {err}");

    let out = run_in(&repo().join("example-pipeline"), &["--team", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown team \"nowhere\"")
    );
    // --person and --team together are a usage error too.
    let out = run_in(
        &repo().join("example-pipeline"),
        &["--person", "zhang-min", "--team", "north"],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Every key of the JSON document is documented in docs/report-json.md:
/// each top-level key under a `### \`key\`` heading, and every nested key
/// by name (as `key` or as the end of a path like `list[].key`).
#[test]
fn json_keys_are_documented() {
    let docs = std::fs::read_to_string(repo().join("docs/report-json.md")).unwrap();
    let mut missing = std::collections::BTreeSet::new();
    for args in [
        &["--format", "json"][..],
        &["--format", "json", "--person", "zhang-min"],
    ] {
        let doc: serde_json::Value = serde_json::from_str(&report(args)).unwrap();
        let top = doc.as_object().unwrap();
        for key in top.keys() {
            if !docs.contains(&format!("### `{key}`")) {
                missing.insert(format!("top-level section {key}"));
            }
        }
        let mut stack = vec![doc.clone()];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        // `key`, or the last part of a path like `a[].key`
                        if !docs.contains(&format!("`{k}`")) && !docs.contains(&format!(".{k}`")) {
                            missing.insert(k);
                        }
                        stack.push(v);
                    }
                }
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
    }
    assert!(missing.is_empty(), "undocumented JSON keys: {missing:?}");
}

/// The number formats docs/report-json.md promises.
#[test]
fn json_number_formats() {
    let doc: serde_json::Value = serde_json::from_str(&report(&["--format", "json"])).unwrap();
    assert_eq!(doc["version"], 2);
    let is_money = |v: &serde_json::Value| {
        let s = v.as_str().unwrap();
        let (i, f) = s.split_once('.').unwrap();
        !i.is_empty()
            && f.len() == 2
            && (i
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit()))
    };
    let is_ratio = |v: &serde_json::Value| {
        v.is_null()
            || v.as_str()
                .and_then(|s| s.split_once('.'))
                .is_some_and(|(_, f)| f.len() == 4)
    };
    for f in doc["forecast"].as_array().unwrap() {
        for k in [
            "won",
            "commit",
            "best_case",
            "pipeline",
            "weighted",
            "open_amount",
        ] {
            assert!(is_money(&f[k]), "{k}: {}", f[k]);
        }
        for k in ["target", "stretch", "gap"] {
            assert!(f[k].is_null() || is_money(&f[k]), "{k}: {}", f[k]);
        }
        for k in ["coverage", "attainment", "stretch_attainment"] {
            assert!(is_ratio(&f[k]), "{k}: {}", f[k]);
        }
    }
    for s in doc["funnel"]["stages"].as_array().unwrap() {
        assert!(is_money(&s["amount"]) && is_money(&s["weighted"]));
    }
    for m in doc["trends"]["monthly"].as_array().unwrap() {
        assert!(is_money(&m["won"]));
    }
    assert!(doc["kpis"]["open_deals"].is_u64());
    assert!(is_ratio(&doc["kpis"]["win_rate"]));
}
