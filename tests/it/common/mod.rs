//! Helpers shared by the integration tests (documented in tests/README.md).
//! A test module takes them with `use crate::common;`.
//!
//! - here: paths, copying the example pipeline, polling with a deadline,
//!   editing a deal's name, free ports, running the binary, building a
//!   site;
//! - [`process`]: a running `dealbook` with its stderr collected, stopped
//!   with Ctrl-C then killed; `dealbook serve` on a free port;
//! - [`webdriver`]: Chromium and chromedriver (found, or the test skipped
//!   visibly, or failed with `DEALBOOK_REQUIRE_BROWSER=1`) and a small
//!   WebDriver client;
//! - [`tools`]: the external checkers (actionlint, check-jsonschema, taplo,
//!   pandas), found or the test skipped visibly, or failed with
//!   `DEALBOOK_REQUIRE_TOOLS=1`.
//! - [`diags`]: what every diagnostic must satisfy (spans inside their
//!   file, rendering without panics), for the property tests.
//! - [`invalid`]: the invalid-input corpus, `tests/invalid/`; a case's
//!   pipeline built from the base and the case's own files.

pub mod diags;
pub mod git;
pub mod invalid;
pub mod process;
pub mod scenario;
pub mod tools;
pub mod webdriver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The stage list of `dealbook init` (its ids, names, probabilities and
/// categories) without its limits and exit criteria, which would raise
/// warnings the git fixtures do not want.
pub const PLAIN_STAGES: &str = r#"[[stage]]
id = "qualify"
name = "Qualification"
probability = 0.10
category = "pipeline"

[[stage]]
id = "needs-analysis"
name = "Needs analysis"
probability = 0.20
category = "pipeline"

[[stage]]
id = "solution"
name = "Solution"
probability = 0.40
category = "best_case"

[[stage]]
id = "proof"
name = "Value proof"
probability = 0.60
category = "best_case"

[[stage]]
id = "negotiation"
name = "Negotiation"
probability = 0.80
category = "commit"

[[stage]]
id = "won"
name = "Won"
outcome = "won"

[[stage]]
id = "lost"
name = "Lost"
outcome = "lost"
"#;

/// A `dealbook.toml`: `head` (the `[org]` table, `[rates]`…), then
/// [`PLAIN_STAGES`], then `tail` (`[rules]`…).
pub fn settings(head: &str, tail: &str) -> String {
    format!("{head}\n{PLAIN_STAGES}\n{tail}")
}

/// Writes a line to the real stderr of the process. The test harness
/// captures `eprintln!` (shown only when a test fails); this is shown
/// always, for the skips a person running `cargo test` must see.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The `dealbook` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_dealbook");

/// How long any polled condition may take.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example pipeline, as checked in (read it, do not change it).
pub fn example() -> PathBuf {
    repo().join("example-pipeline")
}

/// Copies the folder `from` to `to` (created), recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (relative path, bytes), sorted: to compare a
/// folder before and after a command byte for byte.
pub fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A copy of the example pipeline to change at will: the temporary folder
/// (keep it alive) and the pipeline in it (`<tmp>/p`).
pub fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_dir(&example(), &root);
    (dir, root)
}

/// A copy of `tests/invalid/valid-base` (the corpus's small valid
/// pipeline, without its `expected` file) at `<tmp>/p`: keep the `TempDir`
/// alive.
pub fn valid_base() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_dir(&repo().join("tests/invalid/valid-base"), &root);
    std::fs::remove_file(root.join("expected")).unwrap();
    (dir, root)
}

/// How many cases a property test runs: `PROPTEST_CASES` when set, else
/// `default`.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Polls `f` until it returns `Some`, or panics with `what` at the deadline.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        if start.elapsed() > DEADLINE {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `text` (a TOML file) with its `name = …` line set to `name`.
pub fn set_name(text: &str, name: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("name = ") {
                format!("name = \"{name}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The file at `path` with its `name = …` line set to `name` (not written).
pub fn set_name_in(path: &Path, name: &str) -> String {
    set_name(&std::fs::read_to_string(path).unwrap(), name)
}

/// Every file under `dir`: relative path (`/`-separated) → bytes.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            (rel.join("/"), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `dealbook <args>` in `cwd` with `NO_COLOR=1`, to completion.
pub fn dealbook(args: &[&str], cwd: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dealbook")
}

/// `dealbook build <pipeline> --output <site>`; panics with its stderr
/// unless it succeeds.
pub fn build(pipeline: &Path, site: &Path) {
    let out = dealbook(
        &[
            "build",
            pipeline.to_str().unwrap(),
            "--output",
            site.to_str().unwrap(),
        ],
        site.parent().unwrap(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
