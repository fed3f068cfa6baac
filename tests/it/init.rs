//! `dealbook init` scaffolds a pipeline that passes `check` at once, and
//! never overwrites anything.

use crate::common;

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

/// The workflow `init` writes, in both install variants, passes actionlint
/// and GitHub's workflow schema (as bundled by check-jsonschema).
fn workflows() -> Vec<(&'static str, String)> {
    use dealbook::init::{Install, workflow_with};
    vec![
        ("crates-io", workflow_with(&Install::default())),
        (
            "git",
            workflow_with(&Install::Git("https://github.com/acme/dealbook".into())),
        ),
    ]
}

#[test]
fn the_workflow_passes_actionlint() {
    let Some(lint) = common::tools::actionlint() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, wf) in workflows() {
        let dir = tmp.path().join(name).join(".github/workflows");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("dealbook.yml");
        std::fs::write(&file, &wf).unwrap();
        if let Err(problems) = lint.lint(&file) {
            panic!("actionlint, {name} variant:\n{problems}");
        }
    }
    // It does find problems: a step id that does not exist.
    let bad = tmp.path().join("bad.yml");
    std::fs::write(
        &bad,
        workflows()[0]
            .1
            .replace("steps.diff.outcome", "steps.dif.outcome"),
    )
    .unwrap();
    assert!(
        lint.lint(&bad).is_err(),
        "actionlint accepted a broken expression"
    );
}

/// check-jsonschema with one of its bundled schemas over `file`.
fn schema_check(bin: &Path, builtin: &str, file: &Path) -> Result<(), String> {
    common::tools::passes(
        std::process::Command::new(bin)
            .args(["--builtin-schema", builtin])
            .arg(file),
    )
}

#[test]
fn the_workflow_and_the_gitlab_example_pass_the_ci_schemas() {
    let Some(bin) = common::tools::check_jsonschema() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for (name, wf) in workflows() {
        let file = tmp.path().join(format!("{name}.yml"));
        std::fs::write(&file, &wf).unwrap();
        if let Err(e) = schema_check(&bin, "vendor.github-workflows", &file) {
            panic!("{name}: {e}");
        }
    }
    // The .gitlab-ci.yml of docs/ci.md, as a user copies it.
    let gitlab = gitlab_example();
    let file = tmp.path().join(".gitlab-ci.yml");
    std::fs::write(&file, &gitlab).unwrap();
    if let Err(e) = schema_check(&bin, "vendor.gitlab-ci", &file) {
        panic!("docs/ci.md's .gitlab-ci.yml: {e}\n{gitlab}");
    }
    // The schema does catch mistakes.
    std::fs::write(&file, gitlab.replace("  script:", "  scripts:")).unwrap();
    assert!(schema_check(&bin, "vendor.gitlab-ci", &file).is_err());
}

/// The `.gitlab-ci.yml` block of docs/ci.md.
fn gitlab_example() -> String {
    let doc = std::fs::read_to_string(common::repo().join("docs/ci.md")).unwrap();
    let start = doc
        .find("```yaml\n# .gitlab-ci.yml")
        .expect("docs/ci.md has the .gitlab-ci.yml example")
        + "```yaml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

/// The GitLab example compares the merge request with its merge base, and
/// hands GitLab the Code Quality report.
#[test]
fn the_gitlab_example_uses_the_merge_base_and_code_quality() {
    let g = gitlab_example();
    for needle in [
        "$CI_MERGE_REQUEST_DIFF_BASE_SHA",
        "--format gitlab",
        "codequality: gl-code-quality-report.json",
    ] {
        assert!(g.contains(needle), "{needle}\n{g}");
    }
    assert!(
        !g.contains("origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        "{g}"
    );
}

/// The workflow's install step, with a `cargo` that fails: the step fails
/// with an error annotation saying so, and the steps after it (check,
/// diff, comment) are conditioned on the `ready` step, which only runs
/// after a good install: no empty comment.
#[test]
fn a_failed_install_fails_clearly_and_posts_nothing() {
    let wf = dealbook::init::workflow();
    let start = wf.find("      - name: Install dealbook\n").unwrap();
    let script_start = start + wf[start..].find("run: |\n").unwrap() + "run: |\n".len();
    let script: String = wf[script_start..]
        .lines()
        .take_while(|l| l.starts_with("          "))
        .map(|l| format!("{}\n", &l[10..]))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let cargo = tmp.path().join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho 'error: could not find `dealbook`' >&2\nexit 101\n",
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-e", "-c", &script])
        .env(
            "PATH",
            format!(
                "{}:{}",
                tmp.path().display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("DEALBOOK_VERSION", "0.1.0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "::error title=dealbook was not installed::cargo install dealbook 0.1.0 failed"
        ),
        "{stdout}"
    );
    // Every step that uses dealbook after the install runs only when it is
    // there: the ready step (no `always()`/`!cancelled()`: skipped after a
    // failure) and those gated on it.
    let after = &wf[start..];
    let gated = [
        "if: ${{ !cancelled() && steps.ready.outcome == 'success' && github.event_name == 'pull_request' }}",
        "${{ !cancelled() && steps.diff.outcome == 'success' &&",
    ];
    for g in gated {
        assert!(after.contains(g), "{g}");
    }
    assert!(
        !wf.contains("always()"),
        "a step runs whatever happened before"
    );
    assert!(wf.contains("test -s dealbook-comment.md"));
}

#[test]
fn install_from_writes_a_git_source() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dealbook(
        &[
            "init",
            "p",
            "--install-from",
            "https://git.example.com/sales/dealbook.git",
        ],
        tmp.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wf = std::fs::read_to_string(tmp.path().join("p/.github/workflows/dealbook.yml")).unwrap();
    assert!(wf.contains("DEALBOOK_GIT: \"https://git.example.com/sales/dealbook.git\""));
    assert!(wf.contains("cargo install --locked --git \"$DEALBOOK_GIT\" --rev \"$REV\" dealbook"));
    assert!(!wf.contains("DEALBOOK_VERSION"));
    // The default: the release of this very version, from crates.io.
    let wf = dealbook::init::workflow();
    assert!(wf.contains(&format!(
        "DEALBOOK_VERSION: \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(wf.contains("cargo install --locked dealbook --version \"=$DEALBOOK_VERSION\""));
    assert!(!wf.contains("OWNER"));
    for key in [
        "runner.os",
        "runner.arch",
        "actions/cache/restore@v4",
        "actions/cache/save@v4",
    ] {
        assert!(wf.contains(key), "{key}");
    }
    assert!(wf.contains("concurrency:"));
    assert!(wf.contains(".user.login == \\\"github-actions[bot]\\\""));
    // A URL that would break the YAML or the shell is refused.
    for bad in [
        "https://x/y z",
        "https://x/$(id)",
        "not a url",
        "https://x/\"y",
    ] {
        let out = dealbook(&["init", "q", "--install-from", bad], tmp.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!tmp.path().join("q").exists());
    }
}

/// `init --help` says what it writes.
#[test]
fn init_help_lists_what_it_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dealbook(&["init", "--help"], tmp.path());
    let help = String::from_utf8_lossy(&out.stdout);
    for f in [
        "dealbook.toml",
        "team.toml",
        ".gitignore",
        ".github/workflows/dealbook.yml",
        ".taplo.toml",
        ".schemas/",
        "never overwrites",
    ] {
        assert!(help.contains(f), "{f}\n{help}");
    }
}

/// The top-level help points to the docs and the exit statuses; every
/// option that takes a date shows its format.
#[test]
fn help_shows_docs_exit_codes_and_date_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let top = String::from_utf8(dealbook(&["--help"], tmp.path()).stdout).unwrap();
    for needle in [
        "Exit status",
        "0 ok",
        "1 the pipeline has errors",
        "2 usage error",
        "/docs",
    ] {
        assert!(top.contains(needle), "{needle}\n{top}");
    }
    let mut dates = 0;
    for cmd in [
        "check", "schema", "init", "report", "build", "diff", "watch", "serve", "history",
    ] {
        let help = String::from_utf8(dealbook(&[cmd, "--help"], tmp.path()).stdout).unwrap();
        // Options are listed as `--name <VALUE>` with the help under them.
        let lines: Vec<&str> = help.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            if !t.starts_with("--") && !t.starts_with('-') {
                continue;
            }
            // The help is on the same line, or on the lines under it.
            let (opt, inline) = t.split_once("  ").unwrap_or((t, ""));
            let text: String = std::iter::once(inline)
                .chain(
                    lines[i + 1..]
                        .iter()
                        .take_while(|x| !x.trim_start().starts_with('-') && !x.trim().is_empty())
                        .copied(),
                )
                .collect::<Vec<_>>()
                .join(" ");
            if text.contains(" date") && opt.contains('<') {
                assert!(opt.contains("<YYYY-MM-DD>"), "{cmd}: {t}: {text}");
                dates += 1;
            }
        }
    }
    assert!(dates >= 6, "only {dates} date options found");
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
