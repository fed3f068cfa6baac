//! Real git repositories in temporary folders, with the host's git
//! configuration shut out and every commit dated exactly
//! (`GIT_AUTHOR_DATE` and `GIT_COMMITTER_DATE`), for the history tests:
//! write files, commit on a date, branch and merge, and run `dealbook` in
//! the repository with the same environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Environment that keeps the host's git configuration out; commits made
/// with it are dated `date` (ISO 8601, e.g. `2026-09-04T10:00:00Z`).
pub fn git_env(cmd: &mut Command, home: &Path, date: &str) {
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Ann Author")
        .env("GIT_AUTHOR_EMAIL", "ann@example.com")
        .env("GIT_COMMITTER_NAME", "Carl Committer")
        .env("GIT_COMMITTER_EMAIL", "carl@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
}

/// A repository at `<tmp>/repo` with the pipeline in `sub` ("" for the
/// top), and the commits made so far.
pub struct Repo {
    /// The temporary folder (kept alive with the repository).
    pub tmp: tempfile::TempDir,
    /// The pipeline folder relative to the top.
    pub sub: String,
    /// Commit ids, in the order made.
    pub commits: Vec<String>,
}

impl Repo {
    /// A new repository on branch `main`.
    pub fn new(sub: &str) -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo")).unwrap();
        let r = Repo {
            tmp,
            sub: sub.into(),
            commits: Vec::new(),
        };
        r.git(&["init", "-q", "-b", "main"], "2026-01-01T00:00:00Z");
        r
    }

    /// The top of the working tree.
    pub fn top(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    /// The pipeline folder.
    pub fn pipe(&self) -> PathBuf {
        if self.sub.is_empty() {
            self.top()
        } else {
            self.top().join(&self.sub)
        }
    }

    /// Runs git in the top with commits dated `date`; panics on failure.
    pub fn git(&self, args: &[&str], date: &str) -> String {
        let mut c = Command::new("git");
        c.args(args).current_dir(self.top());
        git_env(&mut c, self.tmp.path(), date);
        let out = c.output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes a pipeline file.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.pipe().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Reads a pipeline file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.pipe().join(rel)).unwrap()
    }

    /// Replaces the first line of a pipeline file starting with `key = `
    /// (before any `[[` table) with `line`, or adds `line` after the first
    /// line when there is none.
    pub fn set(&self, rel: &str, key: &str, line: &str) {
        let text = self.read(rel);
        let mut out = Vec::new();
        let mut done = false;
        let mut in_table = false;
        for l in text.lines() {
            in_table |= l.starts_with("[[");
            if !done && !in_table && l.starts_with(&format!("{key} = ")) {
                if !line.is_empty() {
                    out.push(line.to_string());
                }
                done = true;
            } else {
                out.push(l.to_string());
            }
        }
        if !done && !line.is_empty() {
            out.insert(1, line.to_string());
        }
        self.write(rel, &(out.join("\n") + "\n"));
    }

    /// Removes a pipeline file.
    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.pipe().join(rel)).unwrap();
    }

    /// `git mv` of a pipeline file.
    pub fn rename(&self, from: &str, to: &str) {
        let pre = |r: &str| {
            if self.sub.is_empty() {
                r.to_string()
            } else {
                format!("{}/{r}", self.sub)
            }
        };
        let target = self.pipe().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        self.git(&["mv", &pre(from), &pre(to)], "2026-01-01T00:00:00Z");
    }

    /// Commits everything, dated `date`; returns the commit id.
    pub fn commit(&mut self, msg: &str, date: &str) -> String {
        self.git(&["add", "-A"], date);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg], date);
        let id = self.git(&["rev-parse", "HEAD"], date).trim().to_string();
        self.commits.push(id.clone());
        id
    }

    /// `dealbook args` run in the top, with the same environment.
    pub fn dealbook(&self, args: &[&str]) -> Output {
        let mut c = Command::new(super::BIN);
        c.args(args).current_dir(self.top());
        git_env(&mut c, self.tmp.path(), "2026-01-01T00:00:00Z");
        let out = c.output().expect("run dealbook");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        out
    }
}
