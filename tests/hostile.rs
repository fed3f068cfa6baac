//! Hostile input against the one-shot commands, each a case that once
//! crashed, hung or lost data (issue 9), run through the real binary:
//! numbers at and beyond the documented maxima, years at the end of the
//! calendar, Markdown shaped to be slow to render, output folders inside
//! the pipeline, an output folder that cannot be replaced, and temporary
//! folders left by interrupted builds. (Signals, sockets and full disks
//! against `watch` and `serve` are in `serve_hostile.rs`.)

mod common;

use common::{copy_dir, dealbook, repo};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A copy of `tests/invalid/valid-base` (a small valid pipeline) at
/// `<tmp>/p`.
fn base() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_dir(&repo().join("tests/invalid/valid-base"), &root);
    std::fs::remove_file(root.join("expected")).unwrap();
    (dir, root)
}

/// Replaces the first `old` in the file `rel` of `root` by `new`.
fn edit(root: &Path, rel: &str, old: &str, new: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{rel} has no {old:?}");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

fn run(root: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.insert(1, root.to_str().unwrap());
    dealbook(&all, root.parent().unwrap())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status, and no panic message.
fn code(o: &Output) -> i32 {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "crashed: {err}"
    );
    o.status.code().expect("exited, not killed by a signal")
}

/// Total size of the files under `dir`.
fn size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

/// Writes deals `big-1` … `big-n` like the base deal, with `amount`,
/// `currency` and `close` as given.
fn deals(root: &Path, n: usize, amount: &str, currency: &str, close: &str, stage: &str) {
    for i in 1..=n {
        std::fs::write(
            root.join(format!("deals/big-{i}.toml")),
            format!(
                "name = \"Big {i}\"\naccount = \"acme\"\nowner = \"bob\"\namount = {amount}\ncurrency = \"{currency}\"\nstage = \"{stage}\"\ncreated = 2026-01-10\nclose = {close}\n\n[[history]]\ndate = 2026-01-10\nstage = \"{stage}\"\n"
            ),
        )
        .unwrap();
    }
}

// ------------------------------------------------------- 1. huge amounts

/// Amounts beyond the maximum are errors of `check` (they used to pass it
/// and make `build` abort, allocate gigabytes or panic on overflow).
#[test]
fn amounts_beyond_the_maximum_are_diagnostics() {
    let (_t, root) = base();
    deals(&root, 2, "7e28", "CNY", "2026-05-30", "won");
    let out = run(&root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E023", "E023"]);
    for (amount, currency, rate) in [
        ("2e28", "USD", "7.1"),
        ("1e22", "CNY", "7.1"),
        ("1_000_000_000_000_000.01", "CNY", "7.1"),
        ("1000", "USD", "100_000.5"),
    ] {
        let (_t, root) = base();
        edit(
            &root,
            "dealbook.toml",
            "USD = 7.10",
            &format!("USD = {rate}"),
        );
        deals(&root, 1, amount, currency, "2026-05-30", "won");
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 1, "{amount} {currency}: {}", stderr(&out));
        assert!(stderr(&out).contains("E023"), "{}", stderr(&out));
        assert!(!root.parent().unwrap().join("site").exists());
    }
}

/// A pipeline at the maxima (amounts of 10^15 at a rate of 10^5, a
/// target and a market size of a cent) builds a site of normal size and
/// reports in every format: no overflow, no runaway chart axis.
#[test]
fn a_pipeline_at_the_maxima_builds_and_reports() {
    let (_t, root) = base();
    edit(&root, "dealbook.toml", "USD = 7.10", "USD = 100_000");
    edit(
        &root,
        "dealbook.toml",
        "[rules]",
        "[[market]]\nperiod = \"2026\"\nsize = 0.01\n\n[rules]\nlarge_deal = 1_000_000_000_000_000",
    );
    edit(
        &root,
        "targets/2026.toml",
        "value = 1_000_000",
        "value = 0.01",
    );
    std::fs::write(
        root.join("targets/q.toml"),
        "[[target]]\nperiod = \"2026-Q2\"\nvalue = 1_000_000_000_000_000\nstretch = 1_000_000_000_000_000\n",
    )
    .unwrap();
    deals(
        &root,
        3,
        "1_000_000_000_000_000",
        "USD",
        "2026-05-30",
        "won",
    );
    for i in 4..=6 {
        std::fs::write(
            root.join(format!("deals/open-{i}.toml")),
            format!("name = \"Open {i}\"\naccount = \"acme\"\nowner = \"bob\"\namount = 999_999_999_999_999.99\ncurrency = \"USD\"\nstage = \"proposal\"\ncreated = 2026-01-10\nclose = 2026-0{i}-28\nprobability = 0.99\n\n[[history]]\ndate = 2026-01-10\nstage = \"proposal\"\n"),
        )
        .unwrap();
    }
    let out = run(&root, &["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run(&root, &["build", "-o", "site"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let site = root.parent().unwrap().join("site");
    // The example pipeline's site is about 2 MB; this one has 6 deals.
    assert!(size(&site) < 3_000_000, "{} bytes", size(&site));
    let won = std::fs::read_to_string(site.join("forecast/2026-Q2.html")).unwrap();
    assert!(
        won.contains("300,000,000,000,000,000,000"),
        "3 × 10^15 USD at 10^5 is 3 × 10^20"
    );
    for format in ["table", "json", "csv", "markdown"] {
        let out = run(&root, &["report", "--format", format]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
    }
    let out = run(&root, &["report", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"300000000000000000000.00\""), "won in full");
}

// --------------------------------------------------------- 2. year 9999

/// Years beyond the calendar's end are refused where they are read: a
/// usage error (exit 2) on the command line, a diagnostic in a file. They
/// used to pass and panic at the end of the year's range.
#[test]
fn years_at_the_end_of_the_calendar() {
    let (_t, root) = base();
    for args in [
        &["build", "--as-of", "9999-01-01"][..],
        &["report", "--period", "9999"],
        &["report", "--as-of", "3000-01-01"],
        &["check", "--as-of", "9999-12-31"],
    ] {
        let out = run(&root, args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("1900 to 2999"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = dealbook(
        &[
            "diff",
            root.to_str().unwrap(),
            root.to_str().unwrap(),
            "--period",
            "9999-Q4",
        ],
        root.parent().unwrap(),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    edit(
        &root,
        "dealbook.toml",
        "as_of = 2026-06-30",
        "as_of = 9999-06-01",
    );
    let out = run(&root, &["build"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("E014"), "{}", stderr(&out));
    edit(
        &root,
        "dealbook.toml",
        "as_of = 9999-06-01",
        "as_of = 2026-06-30",
    );
    std::fs::write(
        root.join("targets/late.toml"),
        "[[target]]\nperiod = \"9999-Q4\"\nvalue = 1\n",
    )
    .unwrap();
    edit(
        &root,
        "dealbook.toml",
        "[rules]",
        "[[market]]\nperiod = \"9999\"\nsize = 1\n\n[rules]",
    );
    let out = run(&root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E050", "E050"]);
}

/// The last years that are allowed compute and render, whatever month the
/// fiscal year starts in.
#[test]
fn the_last_allowed_year_builds() {
    for start in [1, 4, 12] {
        let (_t, root) = base();
        edit(
            &root,
            "dealbook.toml",
            "as_of = 2026-06-30",
            &format!("as_of = 2999-12-31\nfiscal_year_start = {start}"),
        );
        edit(&root, "targets/2026.toml", "\"2026\"", "\"2999\"");
        std::fs::write(
            root.join("targets/last.toml"),
            "[[target]]\nperiod = \"2999-Q4\"\nvalue = 5\n\n[[target]]\nperiod = \"2999-12\"\nvalue = 5\n\n[[target]]\nperiod = \"1900\"\nvalue = 5\n",
        )
        .unwrap();
        deals(&root, 1, "100", "CNY", "2999-12-31", "qualify");
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
        let out = run(&root, &["report", "--period", "2999-Q4"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
        let out = run(&root, &["report", "--period", "1900"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
    }
}

// ------------------------------------------------- 3. quadratic Markdown

/// Notes shaped to be slow to render (nested quotes, lists, emphasis, HTML
/// elements): at the limits (32 deep, 65,536 characters) they build; past
/// them `check` reports E018 at once, also for a file of the maximum size
/// filled with one shape. (Before the limits, a 200 KB note took a minute
/// to build, and `check` saw nothing.)
#[test]
fn worst_markdown_shapes_at_the_limits() {
    let limit = dealbook::limits::MAX_NOTE_CHARS;
    let depth = dealbook::limits::MAX_NOTE_DEPTH;
    // (shape at the depth limit, repeated to fill the size limit; the
    // same shape nested too deep)
    let shapes: Vec<(&str, String, String)> = vec![
        (
            "quotes",
            format!("{}x\n\n", "> ".repeat(depth - 1)),
            format!("{}x", "> ".repeat(depth + 1)),
        ),
        (
            "divs",
            format!(
                "{}x{}\n\n",
                "<div>".repeat(depth - 1),
                "</div>".repeat(depth - 1)
            ),
            "<div>".repeat(depth + 1),
        ),
        (
            "spans",
            format!(
                "x {}y{} z\n\n",
                "<span>".repeat(depth - 2),
                "</span>".repeat(depth - 2)
            ),
            format!("x {}", "<b>".repeat(depth + 1)),
        ),
        (
            "lists",
            format!("{}x\n\n", "1. ".repeat(depth / 2 - 1)),
            format!("{}x", "- > ".repeat(depth / 2 + 1)),
        ),
        (
            "emphasis",
            format!("{}a{}\n\n", "*".repeat(depth - 1), "*".repeat(depth - 1)),
            format!("{}a{}", "*".repeat(2 * depth), "*".repeat(2 * depth)),
        ),
        ("brackets", "[".repeat(1000) + "\n\n", String::new()),
        (
            "table",
            format!("|{}\n|{}\n", "a|".repeat(200), "-|".repeat(200)),
            String::new(),
        ),
    ];
    let file_limit = dealbook::load::MAX_FILE_BYTES as usize;
    for (name, unit, too_deep) in &shapes {
        let (_t, root) = base();
        let mut note = unit.repeat(limit / unit.len() + 1);
        note.truncate(limit);
        let fits = |s: &str| dealbook::site::markdown::depth(s) <= depth;
        assert!(fits(&note), "{name}: the note at the limit must pass");
        edit(
            &root,
            "deals/pilot.toml",
            "close = 2026-09-30\n",
            &format!("close = 2026-09-30\nnotes = '''\n{note}'''\n"),
        );
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        // One character more is too long.
        edit(
            &root,
            "deals/pilot.toml",
            "notes = '''\n",
            "notes = '''\nxx",
        );
        let out = run(&root, &["check"]);
        assert_eq!(code(&out), 1, "{name}: one character over the limit");
        assert!(String::from_utf8_lossy(&out.stdout).contains("E018"));
        if too_deep.is_empty() {
            continue;
        }
        // Too deep, once; and the shape filling a whole file of the
        // maximum size.
        for note in [
            too_deep.clone(),
            too_deep.repeat(file_limit / too_deep.len()),
        ] {
            let (_t, root) = base();
            let mut note = note;
            note.truncate(file_limit - 400);
            edit(
                &root,
                "deals/pilot.toml",
                "close = 2026-09-30\n",
                &format!("close = 2026-09-30\nnotes = '''\n{note}'''\n"),
            );
            let out = run(&root, &["check", "--format", "json"]);
            assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["diagnostics"][0]["code"], "E018", "{name}: {json}");
        }
    }
}
