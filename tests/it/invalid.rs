//! The corpus of invalid pipelines: every folder in `tests/invalid/` is a
//! small pipeline that is broken in one way, with an `expected` file listing
//! the diagnostics `dealbook check` must report (see
//! `tests/invalid/README.md`). A case stores only the files that differ
//! from `valid-base/` (and a `removed` list); [`materialize`] builds its
//! whole pipeline in a temporary folder. This harness runs the real binary
//! over each of them and checks, for every case:
//!
//! - the diagnostics of `--format json` are exactly the expected ones
//!   (file, line, column, code; a `...` line allows others as well);
//! - the exit status: 1 with errors, else 0; 1 with `--deny-warnings` when
//!   there is any error or warning (a note never changes it);
//! - no panic in any output format;
//! - the check is read-only: the pipeline folder (file list, mtimes,
//!   contents, link targets) is the same afterwards, and nothing appears in
//!   the cwd.
//!
//! Cases are discovered at run time, so adding one needs no code here.
//! Cases with a `setup` file (symlinks, FIFOs, huge files: things git stores
//! badly) have the setup applied to their built pipeline.
//!
//! Also here: no case stores a copy of a base file or changes nothing;
//! every code of the catalogue is covered by some case, and
//! documented in `docs/errors.md` with an output block that matches what
//! the binary prints for the case the section names.

use crate::common;

use common::invalid::{case_dirs, materialize, storage_problems};
use common::{BIN, repo};
use dealbook::diag::Code;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One expected diagnostic: `path:line:col: CODE`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expect {
    file: String,
    line: usize,
    col: usize,
    code: String,
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.code)
    }
}

fn parse_expect(line: &str) -> Result<Expect, String> {
    let bad = || format!("not `path:line:col: CODE`: {line:?}");
    let (loc, code) = line.rsplit_once(": ").ok_or_else(bad)?;
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).ok_or_else(bad)?;
    let ln = parts.next().and_then(|c| c.parse().ok()).ok_or_else(bad)?;
    let file = parts.next().ok_or_else(bad)?.to_string();
    Ok(Expect {
        file,
        line: ln,
        col,
        code: code.trim().to_string(),
    })
}

/// A case folder and its `expected` file.
struct Case {
    name: String,
    dir: PathBuf,
    expected: Vec<Expect>,
    /// `...` in `expected`: other diagnostics may appear too.
    allow_more: bool,
    /// Lines of the `setup` file, if any.
    setup: Option<Vec<String>>,
}

fn read_case(dir: &Path) -> Result<Case, String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(dir.join("expected"))
        .map_err(|e| format!("{name}: cannot read `expected`: {e}"))?;
    let mut expected = Vec::new();
    let mut allow_more = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "..." {
            allow_more = true;
            continue;
        }
        expected.push(parse_expect(line).map_err(|e| format!("{name}/expected: {e}"))?);
    }
    let setup = match std::fs::read_to_string(dir.join("setup")) {
        Ok(s) => Some(
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect(),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{name}: cannot read `setup`: {e}")),
    };
    Ok(Case {
        name,
        dir: dir.to_path_buf(),
        expected,
        allow_more,
        setup,
    })
}

fn all_cases() -> Vec<Case> {
    let dirs = case_dirs();
    let cases: Vec<Case> = dirs
        .iter()
        .map(|d| read_case(d).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert!(cases.len() > 10, "found only {} cases", cases.len());
    cases
}

/// Applies a `setup` file to the built pipeline at `root`. Paths are
/// relative to `root` and may start with `../` to reach outside it.
#[cfg(unix)]
fn apply_setup(root: &Path, lines: &[String]) -> Result<(), String> {
    for line in lines {
        let mut words = line.splitn(3, char::is_whitespace);
        let cmd = words.next().unwrap_or_default();
        let path = root.join(words.next().ok_or(format!("no path: {line}"))?);
        let rest = words.next().map(str::trim);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{line}: {e}"))?;
        }
        let done = match (cmd, rest) {
            ("symlink", Some(target)) => std::os::unix::fs::symlink(target, &path),
            ("mkdir", None) => std::fs::create_dir_all(&path),
            ("write", Some(text)) => std::fs::write(&path, text.replace("\\n", "\n")),
            ("big", None) => {
                // Valid TOML (comments only), one byte over the limit.
                let n = dealbook::load::MAX_FILE_BYTES as usize + 1;
                let line = "# padding padding padding padding padding padding\n";
                let mut s = line.repeat(n / line.len() + 1);
                s.truncate(n);
                std::fs::write(&path, s)
            }
            ("fifo", None) => {
                let st = Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .map_err(|e| format!("{line}: mkfifo: {e}"))?;
                if !st.success() {
                    return Err(format!("{line}: mkfifo failed"));
                }
                Ok(())
            }
            _ => return Err(format!("unknown setup line: {line}")),
        };
        done.map_err(|e| format!("{line}: {e}"))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn apply_setup(_root: &Path, _lines: &[String]) -> Result<(), String> {
    Err("setup needs a Unix file system".into())
}

/// Everything about a folder that a read-only check must not change.
/// Does not follow links and never opens anything but regular files (a
/// FIFO would block).
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let mtime = m.modified().ok();
            let ft = m.file_type();
            let what = if ft.is_symlink() {
                format!("link -> {:?}", std::fs::read_link(&p).unwrap())
            } else if ft.is_dir() {
                walk(root, &p, out);
                format!("dir {mtime:?}")
            } else if ft.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                let mut h = std::collections::hash_map::DefaultHasher::new();
                std::hash::Hash::hash(&bytes, &mut h);
                format!(
                    "file {} bytes, hash {:x}, {mtime:?}",
                    bytes.len(),
                    std::hash::Hasher::finish(&h)
                )
            } else {
                format!("special {mtime:?}")
            };
            out.insert(rel, what);
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// A case ready to run: its pipeline built in a temporary folder (the
/// base, the case's files over it, its `removed` paths deleted), with its
/// setup applied.
fn prepare(case: &Case) -> Result<common::invalid::Materialized, String> {
    let built = materialize(&case.dir);
    if let Some(setup) = &case.setup {
        apply_setup(built.path(), setup).map_err(|e| format!("{}/setup: {e}", case.name))?;
    }
    Ok(built)
}

/// Runs `dealbook check` on `root` with `args`, from an empty cwd, and
/// checks that nothing panicked and nothing was written there.
fn run_check(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Output, String> {
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("check")
        .args(args)
        .arg(root)
        .current_dir(cwd.path());
    cmd.env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().map_err(|e| format!("cannot run {BIN}: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") {
        return Err(format!("`check {}` panicked:\n{stderr}", args.join(" ")));
    }
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "`check {}` exited with {:?}:\n{stderr}",
            args.join(" "),
            out.status
        ));
    }
    let left: Vec<_> = std::fs::read_dir(cwd.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    if !left.is_empty() {
        return Err(format!(
            "`check {}` created {left:?} in the cwd",
            args.join(" ")
        ));
    }
    Ok(out)
}

/// The diagnostics of a JSON report as `Expect`s, with their messages.
fn json_diagnostics(stdout: &[u8]) -> Result<Vec<(Expect, String)>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(stdout).map_err(|e| format!("output is not JSON: {e}"))?;
    let list = doc["diagnostics"]
        .as_array()
        .ok_or("no `diagnostics` array")?;
    Ok(list
        .iter()
        .map(|d| {
            (
                Expect {
                    file: d["file"].as_str().unwrap_or_default().to_string(),
                    line: d["line"].as_u64().unwrap_or_default() as usize,
                    col: d["column"].as_u64().unwrap_or_default() as usize,
                    code: d["code"].as_str().unwrap_or_default().to_string(),
                },
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

fn check_case(case: &Case) -> Result<(), String> {
    let prepared = prepare(case)?;
    let root = prepared.path();
    let before = snapshot(root);

    let out = run_check(root, &["--format", "json"], &[])?;
    let actual = json_diagnostics(&out.stdout)?;
    let mut problems = String::new();

    // Expected ⊆ actual (as multisets), and actual ⊆ expected unless `...`.
    let mut unmatched: Vec<&(Expect, String)> = actual.iter().collect();
    for e in &case.expected {
        match unmatched.iter().position(|(a, _)| a == e) {
            Some(i) => {
                unmatched.remove(i);
            }
            None => writeln!(problems, "  missing:    {e}").unwrap(),
        }
    }
    if !case.allow_more {
        for (a, msg) in &unmatched {
            writeln!(problems, "  unexpected: {a}    ({msg})").unwrap();
        }
    }

    let has_errors = actual.iter().any(|(a, _)| a.code.starts_with('E'));
    let expect_errors = case.expected.iter().any(|e| e.code.starts_with('E'));
    let want = i32::from(has_errors);
    if expect_errors && !has_errors {
        writeln!(problems, "  expected errors, found none").unwrap();
    }
    if out.status.code() != Some(want) {
        writeln!(
            problems,
            "  exit status {:?}, want {want}",
            out.status.code()
        )
        .unwrap();
    }
    let deny = run_check(root, &["--format", "json", "--deny-warnings"], &[])?;
    // Notes (N…) never change the exit status, not even with --deny-warnings.
    let want_deny = i32::from(actual.iter().any(|(a, _)| !a.code.starts_with('N')));
    if deny.status.code() != Some(want_deny) {
        writeln!(
            problems,
            "  exit status with --deny-warnings {:?}, want {want_deny}",
            deny.status.code()
        )
        .unwrap();
    }
    // The other formats must not panic either, and agree on the status.
    for format in ["human", "github"] {
        let o = run_check(root, &["--format", format], &[])?;
        if o.status.code() != Some(want) {
            writeln!(
                problems,
                "  --format {format}: exit status {:?}, want {want}",
                o.status.code()
            )
            .unwrap();
        }
    }

    let after = snapshot(root);
    if before != after {
        writeln!(
            problems,
            "  the check changed the folder:\n    before {before:?}\n    after  {after:?}"
        )
        .unwrap();
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let got: Vec<String> = actual
            .iter()
            .map(|(a, m)| format!("    {a}    # {m}"))
            .collect();
        Err(format!(
            "{}:\n{problems}  actual output:\n{}",
            case.name,
            got.join("\n")
        ))
    }
}

#[test]
fn invalid_cases() {
    let failures: Vec<String> = all_cases()
        .iter()
        .filter(|c| {
            let skip = c.setup.is_some() && !cfg!(unix);
            if skip {
                eprintln!("skipping {} (needs a Unix file system)", c.name);
            }
            !skip
        })
        .filter_map(|c| check_case(c).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Each case stores only what differs from the base: no byte-identical
/// copy of a base file (they crept in when cases were made with `cp -r`),
/// no `removed` entry the base does not have, and never nothing at all.
#[test]
fn cases_store_only_what_differs_from_the_base() {
    let problems: Vec<String> = case_dirs()
        .iter()
        .flat_map(|d| storage_problems(d))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The storage check catches what it is for, on cases made up here.
#[test]
fn storage_check_catches_copies_and_empty_cases() {
    let base = common::invalid::corpus().join(common::invalid::BASE);
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("made-up");
    std::fs::create_dir_all(case.join("deals")).unwrap();
    std::fs::write(case.join("expected"), "").unwrap();
    let problems = storage_problems(&case);
    assert!(
        problems.len() == 1 && problems[0].contains("overlays nothing"),
        "{problems:?}"
    );
    std::fs::copy(base.join("team.toml"), case.join("team.toml")).unwrap();
    std::fs::write(case.join("deals/other.toml"), "name = \"Other\"\n").unwrap();
    std::fs::write(case.join("removed"), "team.toml\nnot-in-base.toml\n").unwrap();
    let problems = storage_problems(&case);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].contains("made-up/team.toml is a copy"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("\"team.toml\" is removed and stored"),
        "{problems:?}"
    );
    assert!(
        problems[2].contains("\"not-in-base.toml\" is not a file"),
        "{problems:?}"
    );
}

/// Building a case that overlays nothing fails loudly, naming it.
#[test]
#[should_panic(expected = "nothing-here overlays nothing")]
fn materializing_an_empty_case_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("nothing-here");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(case.join("expected"), "").unwrap();
    materialize(&case);
}

/// A built case is the base with the case's files over it and its
/// `removed` paths gone; the case's control files are not part of it.
#[test]
fn materialize_overlays_and_removes() {
    let base = common::invalid::corpus().join(common::invalid::BASE);
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("overlay");
    std::fs::create_dir_all(case.join("deals")).unwrap();
    std::fs::write(case.join("expected"), "# nothing\n").unwrap();
    std::fs::write(case.join("deals/pilot.toml"), "changed\n").unwrap();
    std::fs::write(case.join("deals/extra.toml"), "extra\n").unwrap();
    std::fs::write(case.join("removed"), "targets\nteam.toml\n").unwrap();
    let built = materialize(&case);
    let files = common::invalid::overlay_files(built.path());
    assert_eq!(
        files,
        [
            "accounts/acme.toml",
            "dealbook.toml",
            "deals/extra.toml",
            "deals/pilot.toml"
        ]
    );
    let read = |rel: &str| std::fs::read(built.path().join(rel)).unwrap();
    assert_eq!(read("deals/pilot.toml"), b"changed\n");
    assert_eq!(
        read("dealbook.toml"),
        std::fs::read(base.join("dealbook.toml")).unwrap()
    );
    assert!(!built.path().join("targets").exists());
    assert!(!built.path().join("expected").exists());
    assert!(!built.path().join("removed").exists());
}

#[test]
fn expected_files_are_sorted_and_well_formed() {
    for case in all_cases() {
        let mut sorted = case.expected.clone();
        sorted.sort_by(|a, b| {
            (&a.file, a.line, a.col, &a.code).cmp(&(&b.file, b.line, b.col, &b.code))
        });
        assert_eq!(
            case.expected, sorted,
            "{}/expected: list the diagnostics in output order (file, line, column)",
            case.name
        );
        for e in &case.expected {
            assert!(
                Code::ALL.iter().any(|c| c.as_str() == e.code),
                "{}/expected: {} is not a code of the catalogue",
                case.name,
                e.code
            );
        }
    }
}

#[test]
fn every_code_has_a_case() {
    let covered: BTreeSet<String> = all_cases()
        .iter()
        .flat_map(|c| c.expected.iter().map(|e| e.code.clone()))
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a case in tests/invalid: {missing:?}"
    );
}

/// `docs/errors.md` split into sections by `## ` headings: (heading, body).
fn error_doc_sections() -> Vec<(String, String)> {
    let path = repo().join("docs/errors.md");
    let text = std::fs::read_to_string(&path).expect("docs/errors.md exists");
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(h) = line.strip_prefix("## ") {
            sections.push((h.trim().to_string(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    sections
}

/// The code a heading documents: `E034` in `## E034 unknown stage`.
fn heading_code(h: &str) -> Option<&str> {
    let word = h.split([' ', ':']).next()?;
    let is_code = word.len() == 4
        && (word.starts_with('E') || word.starts_with('W') || word.starts_with('N'))
        && word[1..].bytes().all(|b| b.is_ascii_digit());
    is_code.then_some(word)
}

#[test]
fn every_code_is_documented() {
    let sections = error_doc_sections();
    let documented: Vec<&str> = sections
        .iter()
        .filter_map(|(h, _)| heading_code(h))
        .collect();
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for c in &all {
        assert!(
            documented.contains(c),
            "docs/errors.md has no `## {c}` section"
        );
    }
    for d in &documented {
        assert!(
            all.contains(d),
            "docs/errors.md documents {d}, which is not in the catalogue"
        );
    }
    assert_eq!(
        documented, all,
        "docs/errors.md: one section per code, in catalogue order"
    );
    for (h, _) in &sections {
        if let Some(code) = heading_code(h) {
            let c = Code::ALL.iter().find(|c| c.as_str() == code).unwrap();
            assert!(
                h.contains(c.title()),
                "docs/errors.md: heading `## {h}` should carry the title \"{}\"",
                c.title()
            );
        }
    }
}

/// Each code's section names its case (`tests/invalid/<case>`) and shows,
/// in a ```text block, output that the binary really prints for that case.
#[test]
fn documented_output_is_real() {
    let cases: BTreeMap<String, Case> = all_cases()
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    let mut failures = Vec::new();
    for (h, body) in error_doc_sections() {
        let Some(code) = heading_code(&h) else {
            continue;
        };
        let Some(case_name) = body.split("tests/invalid/").nth(1).and_then(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .next()
        }) else {
            failures.push(format!("{code}: the section names no tests/invalid/<case>"));
            continue;
        };
        let Some(case) = cases.get(case_name) else {
            failures.push(format!("{code}: no case named {case_name}"));
            continue;
        };
        let Some(block) = body
            .split("```text\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
        else {
            failures.push(format!("{code}: the section has no ```text block"));
            continue;
        };
        let prepared = match prepare(case) {
            Ok(p) => p,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let out = match run_check(prepared.path(), &[], &[("NO_COLOR", "1")]) {
            Ok(o) => o,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let human = String::from_utf8_lossy(&out.stdout);
        if !block.contains(&format!("[{code}]")) {
            failures.push(format!("{code}: the ```text block does not show [{code}]"));
        }
        if !human.contains(block) {
            failures.push(format!(
                "{code}: the output block is not what `dealbook check tests/invalid/{case_name}` prints.\n--- docs:\n{block}--- actual:\n{human}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
