//! Reading files at a git revision with the `git` command, never touching
//! the working tree or the index: `rev-parse` finds the repository and
//! resolves names, one `ls-tree -r -l -z` lists the pipeline folder's files
//! with their sizes, and one `git cat-file --batch` process streams every
//! blob back, so a 10k-file pipeline costs a handful of process starts.
//!
//! Why the `git` command and not a library such as `gix`: it is already
//! on every machine and CI runner that has a checkout, it honours the
//! repository's own configuration (alternates, partial clones, worktrees,
//! `safe.directory`) exactly as the user's git does, it adds no large
//! dependency tree to the build, and the batch protocol is fast enough
//! that reading is never the slow part (parsing is).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a revision could not be read; the message is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GitError(pub String);

/// A repository and the pipeline folder inside it.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The top of the working tree.
    pub top: PathBuf,
    /// The pipeline folder relative to `top`, `/`-separated, without a
    /// trailing slash; empty when the pipeline is the whole repository.
    pub prefix: String,
}

/// A file of a revision's tree, relative to the pipeline folder.
#[derive(Debug, Clone)]
pub struct TreeFile {
    /// Path relative to the pipeline folder, `/`-separated.
    pub rel: String,
    /// Git file mode (`100644`, `100755`, `120000` for a symbolic link).
    pub mode: String,
    /// Blob id.
    pub oid: String,
    /// Size in bytes.
    pub size: u64,
}

/// A `git` command run in `dir`, with optional locks off so that nothing
/// (not even an index refresh) is written.
pub(crate) fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    c
}

/// Runs a command, returning stdout on success and stderr's first line on
/// failure.
pub(crate) fn output(mut c: Command) -> Result<Result<Vec<u8>, String>, GitError> {
    let out = c
        .output()
        .map_err(|e| GitError(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(Ok(out.stdout))
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Ok(Err(err.lines().next().unwrap_or("").trim().to_string()))
    }
}

fn trim_line(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b)
        .trim_end_matches(['\n', '\r'])
        .to_string()
}

/// The files of the pipeline folder `dir` that differ between revision
/// `rev` and the working tree, plus the untracked ones (not ignored): the
/// files a pull request (or local work) changed, relative to `dir`,
/// `/`-separated. For `check --changed-since`.
pub fn changed_since(
    dir: &Path,
    rev: &str,
) -> Result<std::collections::BTreeSet<String>, GitError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(GitError(format!("\"{rev}\" is not a git revision")));
    }
    let mut files = std::collections::BTreeSet::new();
    let mut diff = git(dir);
    diff.args(["diff", "--name-only", "-z", "--no-renames", "--relative"])
        .arg(rev)
        .arg("--");
    let mut untracked = git(dir);
    untracked.args(["ls-files", "-z", "--others", "--exclude-standard"]);
    for (c, what) in [(diff, "git diff"), (untracked, "git ls-files")] {
        match output(c)? {
            Ok(out) => files.extend(
                out.split(|&b| b == 0)
                    .filter(|p| !p.is_empty())
                    .map(|p| String::from_utf8_lossy(p).into_owned()),
            ),
            Err(why) => {
                return Err(GitError(format!(
                    "cannot list the files changed since {rev} ({what}: {why})"
                )));
            }
        }
    }
    Ok(files)
}

/// Finds the repository holding `dir` and the path of `dir` inside it.
/// `dir` need not exist in the working tree (the pipeline may have been
/// deleted there): the nearest existing ancestor is asked, and the rest of
/// the path is appended.
pub fn discover(dir: &Path) -> Result<Repo, GitError> {
    let abs = std::path::absolute(dir)
        .map_err(|e| GitError(format!("cannot resolve {}: {e}", dir.display())))?;
    if !abs.is_dir() && abs.components().any(|c| c == Component::ParentDir) {
        return Err(GitError(format!(
            "{} does not exist; give the pipeline folder without `..`",
            dir.display()
        )));
    }
    let mut existing = abs.as_path();
    let mut rest: Vec<String> = Vec::new();
    while !existing.is_dir() {
        let name = existing
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        match (existing.parent(), name) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => {
                return Err(GitError(format!(
                    "{} is not inside a git repository",
                    dir.display()
                )));
            }
        }
    }
    let mut c = git(existing);
    c.args(["rev-parse", "--show-toplevel", "--show-prefix"]);
    let out = match output(c)? {
        Ok(o) => o,
        Err(why) => {
            return Err(GitError(format!(
                "{} is not inside a git working tree ({why})",
                dir.display()
            )));
        }
    };
    let text = String::from_utf8_lossy(&out).into_owned();
    let mut lines = text.lines();
    let top = PathBuf::from(lines.next().unwrap_or_default());
    let mut prefix = lines.next().unwrap_or_default().to_string();
    for part in rest.iter().rev() {
        prefix.push_str(part);
        prefix.push('/');
    }
    let prefix = prefix.trim_end_matches('/').to_string();
    Ok(Repo { top, prefix })
}

impl Repo {
    /// Resolves a revision to a commit id (40 or 64 hex digits); `None`
    /// when it names none.
    pub fn resolve(&self, rev: &str) -> Result<Option<String>, GitError> {
        // A leading dash would be read as an option.
        if rev.is_empty() || rev.starts_with('-') {
            return Ok(None);
        }
        let mut c = git(&self.top);
        c.args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{rev}^{{commit}}"));
        Ok(output(c)?.ok().map(trim_line))
    }

    /// Every file (blob) of the pipeline folder at a commit, recursively,
    /// with paths relative to the folder; submodules are left out. One
    /// `git ls-tree` reads the folder's tree by name; only when that fails
    /// is git asked why (the folder does not exist at that revision, or is
    /// not a folder), so a good revision costs one process, not three.
    pub fn pipeline_files(&self, commit: &str, label: &str) -> Result<Vec<TreeFile>, GitError> {
        let (spec, shown) = if self.prefix.is_empty() {
            (format!("{commit}^{{tree}}"), ".")
        } else {
            (format!("{commit}:{}", self.prefix), self.prefix.as_str())
        };
        let mut c = git(&self.top);
        c.args(["ls-tree", "-r", "-l", "-z", "--full-tree"])
            .arg(&spec);
        let out = match output(c)? {
            Ok(out) => out,
            Err(why) => return Err(self.why_no_tree(&spec, shown, label, why)),
        };
        let mut files = Vec::new();
        for rec in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            // <mode> SP <type> SP <oid> SP+ <size> TAB <path>
            let Some(tab) = rec.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let meta = String::from_utf8_lossy(&rec[..tab]);
            let rel = String::from_utf8_lossy(&rec[tab + 1..]).into_owned();
            let mut parts = meta.split_ascii_whitespace();
            let (Some(mode), Some(kind), Some(oid), Some(size)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if kind != "blob" {
                continue;
            }
            files.push(TreeFile {
                rel,
                mode: mode.to_string(),
                oid: oid.to_string(),
                size: size.parse().unwrap_or(u64::MAX),
            });
        }
        Ok(files)
    }

    /// Whether anything (a folder, or a file where the folder should be)
    /// is at the pipeline folder's path at `commit`.
    pub fn has_path(&self, commit: &str) -> bool {
        let spec = if self.prefix.is_empty() {
            format!("{commit}^{{tree}}")
        } else {
            format!("{commit}:{}", self.prefix)
        };
        let mut c = git(&self.top);
        c.args(["cat-file", "-e"]).arg(&spec);
        matches!(output(c), Ok(Ok(_)))
    }

    /// Why `git ls-tree` could not list `spec`, the pipeline folder
    /// (`shown`) at revision `label`; `why` is what ls-tree said.
    fn why_no_tree(&self, spec: &str, shown: &str, label: &str, why: String) -> GitError {
        let mut c = git(&self.top);
        c.args(["rev-parse", "--verify", "--quiet"]).arg(spec);
        let oid = match output(c) {
            Ok(Ok(oid)) => trim_line(oid),
            Ok(Err(_)) => {
                return GitError(format!(
                    "the pipeline folder {shown} does not exist at revision {label}"
                ));
            }
            Err(e) => return e,
        };
        let mut c = git(&self.top);
        c.args(["cat-file", "-t"]).arg(&oid);
        match output(c).map(|r| r.map(trim_line)) {
            Ok(Ok(t)) if t == "tree" => GitError(format!("git ls-tree failed: {why}")),
            Ok(_) => GitError(format!("{shown} is not a folder at revision {label}")),
            Err(e) => e,
        }
    }

    /// The contents of blobs, in the order asked, through one
    /// `git cat-file --batch` process.
    pub fn blobs(&self, oids: &[&str]) -> Result<Vec<Vec<u8>>, GitError> {
        let mut out = Vec::with_capacity(oids.len());
        self.blobs_each(oids, |_, b| out.push(b))?;
        Ok(out)
    }

    /// The contents of blobs, handed to `each` with their position in
    /// `oids` as they arrive, through one `git cat-file --batch` process
    /// (so the caller can work on the first while git reads the rest). A
    /// writer thread feeds the ids while this thread reads, so neither
    /// pipe can fill up and stall the other.
    pub fn blobs_each(
        &self,
        oids: &[&str],
        each: impl FnMut(usize, Vec<u8>),
    ) -> Result<(), GitError> {
        if oids.is_empty() {
            return Ok(());
        }
        let mut c = git(&self.top);
        c.args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c
            .spawn()
            .map_err(|e| GitError(format!("cannot run git: {e}")))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let mut request = String::with_capacity(oids.len() * 41);
        for oid in oids {
            request.push_str(oid);
            request.push('\n');
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let result = std::thread::scope(|s| {
            s.spawn(move || {
                // A write error means git exited early; the reader reports it.
                let _ = stdin.write_all(request.as_bytes());
            });
            read_batch(BufReader::with_capacity(1 << 16, stdout), oids, each)
        });
        let status = child.wait();
        result?;
        match status {
            Ok(s) if s.success() => Ok(()),
            _ => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                Err(GitError(format!(
                    "git cat-file failed: {}",
                    err.lines().next().unwrap_or("unknown error")
                )))
            }
        }
    }
}

/// Reads the answers of `git cat-file --batch`: per object a header line
/// `<oid> <type> <size>`, the content, and a newline.
fn read_batch(
    mut r: impl BufRead,
    oids: &[&str],
    mut each: impl FnMut(usize, Vec<u8>),
) -> Result<(), GitError> {
    let mut header = String::new();
    for (k, oid) in oids.iter().enumerate() {
        header.clear();
        let n = r
            .read_line(&mut header)
            .map_err(|e| GitError(format!("reading from git cat-file: {e}")))?;
        if n == 0 {
            return Err(GitError("git cat-file ended early".into()));
        }
        let mut parts = header.split_ascii_whitespace();
        let (Some(_), Some(kind), Some(size)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(GitError(format!(
                "git cat-file: object {oid} is missing: {}",
                header.trim()
            )));
        };
        let size: usize = size
            .parse()
            .map_err(|_| GitError(format!("git cat-file: bad header {:?}", header.trim())))?;
        if kind != "blob" {
            return Err(GitError(format!("git cat-file: {oid} is a {kind}")));
        }
        let mut buf = vec![0u8; size + 1];
        r.read_exact(&mut buf)
            .map_err(|e| GitError(format!("reading from git cat-file: {e}")))?;
        buf.pop(); // the newline after the content
        each(k, buf);
    }
    Ok(())
}
