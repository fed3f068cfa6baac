//! `dealbook fmt`: the example pipeline and a new scaffold are already
//! canonical; `--check` lists what is not and exits 1; formatting keeps
//! every comment and value; and (property tests over generated deal files
//! in every layout TOML allows) `fmt(fmt(x)) == fmt(x)`, the data is the
//! same, and the pipeline's figures do not change.
//!
//! Cases: 256 per property by default; `PROPTEST_CASES` for more.

use crate::common;

use common::{copy_dir, dealbook, example, tree_bytes};
use dealbook::tidy::{kind_of, tidy};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use std::path::Path;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

#[test]
fn the_example_pipeline_is_formatted() {
    let out = dealbook(&["fmt", "--check", "example-pipeline"], &common::repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    // And `fmt` writes nothing.
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_dir(&example(), &p);
    let before = tree_bytes(&p);
    let out = dealbook(&["fmt"], &p);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(tree_bytes(&p), before);
}

#[test]
fn the_ci_workflow_of_a_new_pipeline_checks_the_layout() {
    let wf = dealbook::init::workflow();
    assert!(
        wf.contains("run: dealbook fmt \"$DEALBOOK_DIR\" --check"),
        "{wf}"
    );
}

#[test]
fn a_new_scaffold_is_formatted() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(dealbook(&["init", "p"], tmp.path()).status.success());
    let out = dealbook(&["fmt", "--check", "p"], tmp.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The example pipeline with every file's layout scrambled: keys in
/// reverse order, odd spacing, literal strings, no digit grouping.
fn scrambled(text: &str) -> String {
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    fn mess(t: &mut toml_edit::Table) {
        t.sort_values_by(|a, _, b, _| b.get().cmp(a.get()));
        for (mut k, item) in t.iter_mut() {
            k.leaf_decor_mut().set_suffix("   ");
            match item {
                toml_edit::Item::Value(v) => {
                    let new = match v {
                        toml_edit::Value::String(s)
                            if !s.value().contains('\'') && !s.value().contains('\n') =>
                        {
                            Some(format!("'{}'", s.value()))
                        }
                        toml_edit::Value::Integer(i) => Some(i.value().to_string()),
                        _ => None,
                    };
                    if let Some(n) = new {
                        let decor = v.decor().clone();
                        *v = n.parse().unwrap();
                        *v.decor_mut() = decor;
                    }
                    v.decor_mut().set_prefix("  ");
                }
                toml_edit::Item::Table(t) => mess(t),
                toml_edit::Item::ArrayOfTables(a) => a.iter_mut().for_each(mess),
                _ => {}
            }
        }
    }
    mess(doc.as_table_mut());
    doc.to_string()
}

#[test]
fn fmt_restores_a_scrambled_pipeline_and_keeps_the_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_dir(&example(), &p);
    let canonical = tree_bytes(&p);
    for (rel, bytes) in &canonical {
        if rel.ends_with(".toml") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            std::fs::write(p.join(rel), scrambled(&text)).unwrap();
        }
    }
    let report_before = dealbook(&["report", "--format", "json"], &p);
    assert_eq!(report_before.status.code(), Some(0));
    let check = dealbook(&["fmt", "--check"], &p);
    assert_eq!(check.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&check.stdout);
    assert!(
        listed.lines().any(|l| l == "deals/open/anke-erp-2027.toml"),
        "{listed}"
    );
    assert!(listed.lines().any(|l| l == "dealbook.toml"), "{listed}");
    let out = dealbook(&["fmt"], &p);
    assert_eq!(out.status.code(), Some(0));
    // Back to the canonical bytes, comments and all.
    assert_eq!(tree_bytes(&p), canonical);
    let report_after = dealbook(&["report", "--format", "json"], &p);
    assert_eq!(report_before.stdout, report_after.stdout);
    assert_eq!(dealbook(&["fmt", "--check"], &p).status.code(), Some(0));
}

#[test]
fn a_file_that_is_not_toml_is_reported_and_the_rest_formatted() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_dir(&example(), &p);
    std::fs::write(p.join("deals/open/broken.toml"), "name = \n").unwrap();
    let messy = p.join("deals/open/yuanda-mes.toml");
    let text = std::fs::read_to_string(&messy).unwrap();
    std::fs::write(&messy, text.replace("amount = ", "amount=")).unwrap();
    let out = dealbook(&["fmt"], &p);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("deals/open/broken.toml: not valid TOML at line 1"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), text);
    assert_eq!(
        std::fs::read_to_string(p.join("deals/open/broken.toml")).unwrap(),
        "name = \n"
    );
}

// ---- generated deal files in every layout --------------------------------

/// A string written in one of TOML's four styles (when it can be).
fn string_lit(s: &str, style: u8) -> String {
    match style % 4 {
        1 if !s.contains('\'') && !s.contains('\n') => format!("'{s}'"),
        2 => format!(
            "\"\"\"\n{}\"\"\"",
            s.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        3 if !s.contains("'''") && !s.ends_with('\'') => format!("'''\n{s}'''"),
        _ => format!(
            "\"{}\"",
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        ),
    }
}

fn texts() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "ERP upgrade",
        "华星电力集团 二期",
        "quote \" inside",
        "back\\slash",
        "it's",
        "two\nlines\n",
        "",
        "ends with quote\"",
    ])
    .prop_map(str::to_string)
}

/// A number as written: plain, with `_` anywhere legal, or with a `+`.
fn number_lit(n: u64, frac: Option<u8>, style: u8) -> String {
    let mut s = n.to_string();
    if style % 3 == 1 && s.len() > 1 {
        s.insert(1, '_');
    }
    if style % 3 == 2 {
        s.insert(0, '+');
    }
    if let Some(f) = frac {
        s.push_str(&format!(".{f:02}"));
    }
    s
}

#[derive(Debug, Clone)]
struct Line {
    key: &'static str,
    value: String,
    comment_before: Option<String>,
    blank_before: bool,
    end_comment: Option<String>,
    spacing: u8,
}

fn decorate(
    key: &'static str,
    value: impl Strategy<Value = String>,
) -> impl Strategy<Value = Line> {
    (
        value,
        prop::option::of("[a-z 中文]{0,12}"),
        any::<bool>(),
        prop::option::of("[a-z ]{0,8}"),
        0u8..4,
    )
        .prop_map(move |(value, c, blank, e, spacing)| Line {
            key,
            value,
            comment_before: c,
            blank_before: blank,
            end_comment: e,
            spacing,
        })
}

fn write_line(l: &Line, out: &mut String) {
    if l.blank_before {
        out.push('\n');
    }
    if let Some(c) = &l.comment_before {
        out.push_str(&format!("  # {c}\n"));
    }
    let (a, b) = match l.spacing {
        0 => (" ", " "),
        1 => ("", ""),
        2 => ("   ", "\t"),
        _ => ("\t", "  "),
    };
    out.push_str(&format!("{}{a}={b}{}", l.key, l.value));
    if let Some(e) = &l.end_comment {
        out.push_str(&format!("  #{e}"));
    }
    out.push('\n');
}

fn array_lit() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((texts(), 0u8..4), 0..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(items, multi, trailing_comma)| {
            let items: Vec<String> = items
                .iter()
                .map(|(t, st)| string_lit(&t.replace('\n', " "), *st))
                .collect();
            if multi {
                let mut s = String::from("[\n");
                for (i, it) in items.iter().enumerate() {
                    if i % 2 == 1 {
                        s.push_str("  # note\n");
                    }
                    s.push_str(&format!("  {it}"));
                    if i + 1 < items.len() || trailing_comma {
                        s.push(',');
                    }
                    s.push('\n');
                }
                s.push(']');
                s
            } else {
                format!("[ {} ]", items.join(" ,"))
            }
        })
}

fn deal_text() -> impl Strategy<Value = String> {
    let lines = (
        decorate(
            "name",
            (texts(), 0u8..4).prop_map(|(t, s)| string_lit(if t.is_empty() { "x" } else { &t }, s)),
        ),
        decorate("account", Just("\"acme\"".to_string())),
        decorate("owner", Just("'rep'".to_string())),
        decorate(
            "amount",
            (0u64..5_000_000, prop::option::of(0u8..100), 0u8..3)
                .prop_map(|(n, f, s)| number_lit(n, f, s)),
        ),
        decorate(
            "stage",
            prop::sample::select(vec!["\"qualify\"", "\"proof\"", "'won'"])
                .prop_map(str::to_string),
        ),
        decorate("created", Just("2026-01-05".to_string())),
        decorate("close", Just("2026-10-30".to_string())),
        decorate("products", array_lit()),
        decorate("pains", array_lit()),
        decorate(
            "notes",
            (texts(), 0u8..4).prop_map(|(t, s)| string_lit(&t, s)),
        ),
        decorate(
            "source",
            any::<bool>().prop_map(|b| {
                if b {
                    "{id=\"7\" , system = 'crm'}".to_string()
                } else {
                    "{ system = \"crm\", id = \"7\" }".to_string()
                }
            }),
        ),
    );
    (
        lines,
        prop::collection::vec(any::<u32>(), 11),
        prop::collection::vec((0u8..3, prop::option::of("[a-z]{1,6}"), any::<bool>()), 0..4),
        prop::option::of("[a-z ]{1,10}"),
    )
        .prop_map(|(lines, order, tables, trailing)| {
            let mut all = vec![
                lines.0, lines.1, lines.2, lines.3, lines.4, lines.5, lines.6, lines.7, lines.8,
                lines.9, lines.10,
            ];
            let mut keyed: Vec<(u32, Line)> = order.into_iter().zip(all.drain(..)).collect();
            keyed.sort_by_key(|(o, _)| *o);
            let mut out = String::new();
            for (_, l) in &keyed {
                write_line(l, &mut out);
            }
            for (kind, comment, blank) in tables {
                if blank {
                    out.push_str("\n\n");
                }
                if let Some(c) = comment {
                    out.push_str(&format!("# {c}\n"));
                }
                match kind {
                    0 => out.push_str(
                        "[[stakeholder]]\nattitude = \"neutral\"\ncontact  = \"cio\"\nrole = 'coach'\n",
                    ),
                    1 => out.push_str("[[history]]   # entered\nstage = \"qualify\"\ndate = 2026-01-05\n"),
                    _ => out.push_str("[[member]]\nperson = \"rep\"\n"),
                }
            }
            if let Some(t) = trailing {
                out.push_str(&format!("\n# {t}\n\n"));
            }
            out
        })
}

fn data(text: &str) -> toml::Table {
    toml::from_str(text).unwrap()
}

proptest! {
    #![proptest_config(config(common::proptest_cases(256)))]

    #[test]
    fn fmt_is_idempotent_and_keeps_the_data(text in deal_text()) {
        let once = tidy(&text, kind_of("deals/x.toml")).unwrap();
        let twice = tidy(&once, kind_of("deals/x.toml")).unwrap();
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(data(&text), data(&once));
        // Every comment survives.
        for c in text.lines().filter_map(|l| l.split_once('#').map(|(_, c)| c.trim())) {
            if !c.is_empty() && !text.contains(&format!("\"{c}")) {
                prop_assert!(once.contains(c), "lost comment {:?}\n{}", c, once);
            }
        }
    }
}

/// A small valid pipeline whose one deal file is `deal`.
fn pipeline_with(dir: &Path, deal: &str) {
    let init = dealbook::init::files(jiff::civil::date(2026, 11, 1));
    for (rel, text) in init {
        if rel.ends_with(".toml") && !rel.starts_with("deals/") {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("deals")).unwrap();
    std::fs::write(dir.join("deals/d.toml"), deal).unwrap();
}

fn figures(dir: &Path) -> String {
    let checked = dealbook::load_and_check(
        dir,
        &Default::default(),
        Some(jiff::civil::date(2026, 11, 15)),
        jiff::civil::date(2026, 11, 15),
    );
    let a = dealbook::analytics::compute(
        &checked.pipeline,
        checked.as_of,
        &dealbook::analytics::Options::default(),
    );
    // The same problems (their order follows their positions, which fmt moves).
    let mut codes: Vec<&str> = checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    codes.sort();
    format!(
        "{codes:?}\n{}",
        dealbook::report::json(&a, &checked.pipeline)
    )
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("line {}: {x}\n       vs {y}", i + 1))
        .unwrap_or_else(|| "(lengths differ)".into())
}

proptest! {
    #![proptest_config(config(common::proptest_cases(256) / 4))]

    #[test]
    fn fmt_does_not_change_the_figures(text in deal_text()) {
        let tmp = tempfile::tempdir().unwrap();
        pipeline_with(tmp.path(), &text);
        let before = figures(tmp.path());
        let formatted = tidy(&text, kind_of("deals/d.toml")).unwrap();
        std::fs::write(tmp.path().join("deals/d.toml"), &formatted).unwrap();
        let after = figures(tmp.path());
        prop_assert!(before == after, "figures changed:\n{}", first_difference(&before, &after));
    }
}
