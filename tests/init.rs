//! `dealbook init` scaffolds a pipeline that passes `check` at once, and
//! never overwrites anything.

mod common;

use common::dealbook;
use std::path::Path;

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn scaffold_passes_check_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dealbook(&["init", "new-pipeline"], tmp.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = tmp.path().join("new-pipeline");
    for f in [
        "dealbook.toml",
        "team.toml",
        ".gitignore",
        "accounts/acme.toml",
        "deals/acme-pilot.toml",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .contains("public/")
    );
    let check = dealbook(&["check", "new-pipeline", "--format", "json"], tmp.path());
    assert_eq!(check.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 0, "{doc}");
    assert_eq!(doc["summary"]["warnings"], 0, "{doc}");
    // The scaffold's numbers are computable right away.
    let report = dealbook(&["report", "new-pipeline", "--format", "json"], tmp.path());
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
}

#[test]
fn refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(dir.join("deals")).unwrap();
    std::fs::write(dir.join("deals/acme-pilot.toml"), "# mine\n").unwrap();
    let before = listing(&dir);
    let out = dealbook(&["init", "p"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to overwrite"), "{err}");
    assert!(err.contains("acme-pilot.toml"), "{err}");
    assert_eq!(listing(&dir), before, "init wrote something");

    // A second init over a complete scaffold is refused too.
    let out = dealbook(&["init", "q"], tmp.path());
    assert!(out.status.success());
    let before = listing(&tmp.path().join("q"));
    let out = dealbook(&["init", "q"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(listing(&tmp.path().join("q")), before);
}

#[test]
fn scaffold_writes_the_ci_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dealbook(&["init", "p"], tmp.path());
    assert!(out.status.success());
    let wf = std::fs::read_to_string(tmp.path().join("p/.github/workflows/dealbook.yml")).unwrap();
    assert_eq!(wf, dealbook::init::workflow());
    // Pull requests: check with annotations, the diff against the base
    // branch; main: the site as an artifact.
    for needle in [
        "pull_request:",
        "dealbook check \"$DEALBOOK_DIR\" --format github",
        "dealbook diff \"origin/$GITHUB_BASE_REF\" HEAD",
        "github.event_name == 'push'",
        "actions/upload-artifact",
    ] {
        assert!(wf.contains(needle), "{needle}");
    }
}

/// The scaffold's `[rules.signals]` names every risk signal, switched on,
/// each on its own line with a comment saying what it checks; the
/// pipeline has no diagnostic at all (no note either).
#[test]
fn scaffold_lists_every_signal_switch_with_a_comment() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(dealbook(&["init", "p"], tmp.path()).status.success());
    let text = std::fs::read_to_string(tmp.path().join("p/dealbook.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let signals = doc["rules"]["signals"].as_table().unwrap();
    let codes = dealbook::spec::SIGNAL_CODES;
    assert_eq!(signals.len(), codes.len());
    let table = &text[text.find("[rules.signals]\n").unwrap()..];
    let mut lines = table.lines().skip(1);
    for code in codes {
        assert_eq!(signals[code], toml::Value::Boolean(true), "{code}");
        let line = lines.next().unwrap();
        let (kv, comment) = line.split_once("  # ").unwrap();
        assert_eq!(kv.trim_end(), format!("{code} = true"));
        assert!(comment.len() > 20 && !comment.contains('\n'), "{line}");
    }
    let check = dealbook(&["check", "p", "--format", "json"], tmp.path());
    assert_eq!(check.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(doc["diagnostics"], serde_json::json!([]), "{doc}");
}
