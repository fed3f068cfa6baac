//! The three output formats of `dealbook check` on broken pipelines:
//! `human` (header line, snippet with a marker, hint; colour only on a
//! terminal and never with `NO_COLOR`), `github` (workflow commands with
//! their escaping, then a one-line summary) and `json` (a versioned
//! document). Fixtures are cases of `tests/invalid/`, built in a temporary
//! folder; the ones git cannot hold (odd file names) are made there too.

use crate::common;

use common::invalid::{Materialized, corpus, materialize};
use common::{BIN, copy_dir};
use std::path::Path;
use std::process::{Command, Output};

/// The pipeline of the case `name`, built in a temporary folder.
fn case(name: &str) -> Materialized {
    materialize(&corpus().join(name))
}

/// Runs `dealbook check` with `args` in `cwd`, without `NO_COLOR` unless
/// given in `env`.
fn check(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("check").args(args).current_dir(cwd);
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run dealbook");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("output is UTF-8")
}

const MANY: &str = "many-errors";

#[test]
fn human_has_header_snippet_marker_and_hint() {
    let out = check(case(MANY).path(), &["."], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let expected = "\
deals/pilot.toml:6:11: error[E012]: `created` should be a date (YYYY-MM-DD, without quotes), found a string
  |
6 | created = \"2026-01-10\"
  |           ^^^^^^^^^^^^
  |
  = help: write dates without quotes: created = 2026-01-10
";
    assert!(text.contains(expected), "{text}");
    // Every diagnostic starts with `path:line:col: severity[CODE]: message`.
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error[") || l.contains("warning["))
        .collect();
    assert_eq!(headers.len(), 6, "{text}");
    for h in headers {
        let (loc, rest) = h.split_once(": ").unwrap();
        let mut parts = loc.rsplitn(3, ':');
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{h}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{h}");
        assert!(parts.next().unwrap().ends_with(".toml"), "{h}");
        assert!(
            rest.starts_with("error[E0") || rest.starts_with("warning[W0"),
            "{h}"
        );
    }
    assert!(
        text.ends_with("6 errors, 0 warnings in 5 files\n"),
        "{text}"
    );
}

#[test]
fn human_snapshot_of_a_multi_error_pipeline() {
    let out = check(case(MANY).path(), &["."], &[]);
    insta::assert_snapshot!("many_errors_human", stdout(&out));
}

#[test]
fn human_has_no_ansi_when_piped() {
    let out = check(case(MANY).path(), &["."], &[]);
    assert!(!out.stdout.contains(&0x1b));
    let out = check(case(MANY).path(), &["."], &[("NO_COLOR", "1")]);
    assert!(!out.stdout.contains(&0x1b));
}

/// On a terminal (a pseudo-terminal from util-linux `script`), colour is on
/// by default and off with `NO_COLOR=1`. Skipped where `script` is missing.
#[test]
fn no_color_wins_on_a_terminal() {
    let many = case(MANY);
    let run = |no_color: bool| -> Option<Vec<u8>> {
        let mut cmd = Command::new("script");
        cmd.arg("-qec")
            .arg(format!("{BIN} check {}", many.path().display()))
            .arg("/dev/null")
            .env_remove("NO_COLOR");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().ok()?;
        (out.status.code() == Some(1)).then_some(out.stdout)
    };
    let Some(coloured) = run(false) else {
        eprintln!("skipped: no working `script` for a pseudo-terminal");
        return;
    };
    assert!(
        coloured.contains(&0x1b),
        "expected colour on a terminal: {}",
        String::from_utf8_lossy(&coloured)
    );
    let plain = run(true).expect("script ran before");
    assert!(
        !plain.contains(&0x1b),
        "NO_COLOR=1 must switch colour off: {}",
        String::from_utf8_lossy(&plain)
    );
    assert!(String::from_utf8_lossy(&plain).contains("error[E034]"));
}

/// User data with control characters is escaped, not passed to the
/// terminal (no escape sequences, no extra lines).
#[test]
fn control_characters_in_data_are_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    copy_dir(case("valid-base").path(), &root);
    let deal = root.join("deals/pilot.toml");
    let text = std::fs::read_to_string(&deal).unwrap().replace(
        "stage = \"qualify\"\ncreated",
        "stage = \"\\u001b[31mred\\r\\nfake: error\\u0007\"\ncreated",
    );
    std::fs::write(&deal, text).unwrap();
    for format in ["human", "github"] {
        let out = check(tmp.path(), &["--format", format, "p"], &[]);
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "{format}: {text}");
        assert!(!text.contains('\u{7}'), "{format}: {text}");
        assert!(!text.contains('\r'), "{format}: {text}");
        assert!(
            text.contains(r#"unknown stage "\u{1b}[31mred\r\nfake: error\u{7}""#),
            "{format}: {text}"
        );
    }
}

#[test]
fn github_annotations_are_escaped_and_summarised() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sales");
    copy_dir(case("valid-base").path(), &root);
    // A file name with `%`, `,` and `:` (not a slug: E015 on the file).
    std::fs::rename(
        root.join("deals/pilot.toml"),
        root.join("deals/50%,a:b.toml"),
    )
    .unwrap();
    // A value with `%` in the message, and a hint (joined with a newline).
    let acc = root.join("accounts/acme.toml");
    let text = std::fs::read_to_string(&acc)
        .unwrap()
        .replace("owner = \"bob\"", "owner = \"bob\"\ntier = \"100%\"");
    std::fs::write(&acc, text).unwrap();

    let out = check(tmp.path(), &["--format", "github", "sales"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "two annotations and a summary: {text}");
    assert_eq!(
        lines[0],
        "::error file=sales/accounts/acme.toml,line=3,col=8,endLine=3,endColumn=14,\
         title=E013 value is not one of the allowed values::\
         \"100%25\" is not an allowed value of `tier`%0Ahint: allowed: \"key\", \"growth\", \"standard\""
    );
    assert!(
        lines[1].starts_with(
            "::error file=sales/deals/50%25%2Ca%3Ab.toml,line=1,col=1,endLine=1,endColumn=1,title=E015 id is not a slug::"
        ),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("%0Ahint: "), "{}", lines[1]);
    assert_eq!(lines[2], "dealbook check: 2 errors, 0 warnings in 5 files");
    for l in &lines {
        assert!(!l.contains('\r'));
    }
}

#[test]
fn github_escaping_rules() {
    use dealbook::diag_out::{gh_escape_data, gh_escape_property};
    assert_eq!(gh_escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
    assert_eq!(gh_escape_data("a:b,c"), "a:b,c");
    assert_eq!(
        gh_escape_property("deals/a:b,c%\n.toml"),
        "deals/a%3Ab%2Cc%25%0A.toml"
    );
}

#[test]
fn github_warnings_use_the_warning_command() {
    let out = check(
        case("no-close-date").path(),
        &["--format", "github", "."],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("::warning file=deals/pilot.toml,line=5,col=9,"),
        "{text}"
    );
    assert!(text.ends_with("dealbook check: 0 errors, 1 warning in 5 files\n"));
}

#[test]
fn json_is_a_versioned_document() {
    let out = check(case(MANY).path(), &["--format", "json", "."], &[]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        doc["version"].as_u64(),
        Some(u64::from(dealbook::diag_out::CHECK_JSON_VERSION))
    );
    assert_eq!(doc["summary"]["errors"], 6);
    assert_eq!(doc["summary"]["warnings"], 0);
    assert_eq!(doc["summary"]["files"], 5);
    let list = doc["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    let d = list
        .iter()
        .find(|d| d["code"] == "E012")
        .expect("the E012 of created");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["title"], "value has the wrong type");
    assert_eq!(d["file"], "deals/pilot.toml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(11))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(6), Some(23))
    );
    assert_eq!(d["source_line"], "created = \"2026-01-10\"");
    assert_eq!(
        d["hint"],
        "write dates without quotes: created = 2026-01-10"
    );
    for d in list {
        for key in [
            "severity", "code", "title", "message", "file", "line", "column",
        ] {
            assert!(!d[key].is_null(), "{key} missing in {d}");
        }
    }
    // Warnings only: exit 0, or 1 with --deny-warnings; same document shape.
    let out = check(
        case("no-close-date").path(),
        &["--format", "json", "."],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(doc["diagnostics"][0]["severity"], "warning");
    let out = check(
        case("no-close-date").path(),
        &["--format", "json", "--deny-warnings", "."],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn json_columns_count_characters() {
    let out = check(
        case("chinese-before-error").path(),
        &["--format", "json", "."],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "E017");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(8), Some(27))
    );
    let line = d["source_line"].as_str().unwrap();
    let col = d["column"].as_u64().unwrap() as usize;
    assert_eq!(line.chars().nth(col - 1), Some('"'));
    assert!(line[..line.find("\"\"").unwrap()].contains("数据平台"));
}

#[test]
fn clean_pipeline_says_ok() {
    let out = check(case("valid-base").path(), &["."], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "ok: 5 files, no problems\n");
    let out = check(case("valid-base").path(), &["--format", "github", "."], &[]);
    assert_eq!(
        stdout(&out),
        "dealbook check: 0 errors, 0 warnings in 5 files\n"
    );
}

/// A git repository holding a copy of the example pipeline, committed.
fn example_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, root) = common::example_copy();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "base",
        ],
    ] {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }
    (tmp, root)
}

/// `--changed-since REV` puts the annotations of the files changed since
/// REV (and new files) first, in their usual order, then the others; the
/// last line has the full counts and those of the changed files.
#[test]
fn github_changed_since_puts_changed_files_first() {
    let (_tmp, root) = example_repo();
    let plain = common::dealbook(&["check", ".", "--format", "github"], &root);
    let before = String::from_utf8(plain.stdout).unwrap();
    let warnings = before
        .lines()
        .filter(|l| l.starts_with("::warning"))
        .count();
    assert!(warnings > 0, "{before}");
    // An error in a file that sorts last, and a new file with an error.
    let deals: Vec<_> = walkdir::WalkDir::new(root.join("deals"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .collect();
    let last = deals.last().unwrap().path().to_path_buf();
    let text = std::fs::read_to_string(&last).unwrap();
    std::fs::write(&last, format!("amunt = 1\n{text}")).unwrap();
    std::fs::write(root.join("deals/zz-new.toml"), "name = \"x\"\n").unwrap();
    let out = common::dealbook(
        &[
            "check",
            ".",
            "--format",
            "github",
            "--changed-since",
            "HEAD",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let rel = last
        .strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let changed =
        |l: &str| l.contains(&format!("file={rel},")) || l.contains("file=deals/zz-new.toml,");
    let first_other = lines.iter().position(|l| !changed(l)).unwrap();
    assert!(first_other >= 2, "{text}");
    assert!(
        lines[first_other..lines.len() - 1]
            .iter()
            .all(|l| !changed(l)),
        "changed files are not all first:\n{text}"
    );
    let summary = lines.last().unwrap();
    let errors = lines.iter().filter(|l| l.starts_with("::error")).count();
    assert!(
        summary.starts_with(&format!(
            "dealbook check: {errors} errors, {warnings} warning"
        )),
        "{summary}"
    );
    assert!(
        summary.ends_with(&format!(
            "; in the 2 files changed since HEAD: {errors} errors, 0 warnings"
        )),
        "{summary}"
    );
    // The same diagnostics as without the option, only reordered.
    let out = common::dealbook(&["check", ".", "--format", "github"], &root);
    let mut a: Vec<&str> = lines[..lines.len() - 1].to_vec();
    let plain = String::from_utf8(out.stdout).unwrap();
    let mut b: Vec<&str> = plain.lines().filter(|l| l.starts_with("::")).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // A bad revision is a usage error; other formats refuse the option.
    let out = common::dealbook(
        &[
            "check",
            ".",
            "--format",
            "github",
            "--changed-since",
            "nope",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
    let out = common::dealbook(&["check", ".", "--changed-since", "HEAD"], &root);
    assert_eq!(out.status.code(), Some(2));
}

/// `--format gitlab`: a Code Quality report GitLab reads, one entry per
/// diagnostic, paths prefixed with the folder as given, stable and
/// distinct fingerprints.
#[test]
fn gitlab_code_quality_report() {
    let (tmp, root) = example_repo();
    std::fs::write(root.join("deals/zz-new.toml"), "name = \"x\"\n").unwrap();
    let run = || {
        let out = common::dealbook(&["check", "p", "--format", "gitlab"], tmp.path());
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let report = run();
    let json = common::dealbook(&["check", "p", "--format", "json"], tmp.path());
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let entries = report.as_array().unwrap();
    assert_eq!(entries.len(), diags.len());
    let mut prints = std::collections::HashSet::new();
    for (e, d) in entries.iter().zip(diags) {
        let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ]
        );
        assert_eq!(
            e["location"]["path"],
            format!("p/{}", d["file"].as_str().unwrap())
        );
        assert_eq!(e["location"]["lines"]["begin"], d["line"]);
        assert!(
            e["description"]
                .as_str()
                .unwrap()
                .contains(d["message"].as_str().unwrap())
        );
        assert!(
            e["check_name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("dealbook {}", d["code"].as_str().unwrap()))
        );
        let sev = if d["severity"] == "error" {
            "critical"
        } else {
            "minor"
        };
        assert_eq!(e["severity"], sev);
        assert!(prints.insert(e["fingerprint"].as_str().unwrap().to_string()));
    }
    assert_eq!(run(), report, "fingerprints are stable");
}
