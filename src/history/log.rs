//! Reading the pipeline folder's history with the `git` command: the
//! commits of the current branch's first-parent line that touched the
//! folder, oldest first, each with its committer date and the files it
//! changed (one `git log --raw` pass), and the folder's full listing at the
//! first of them (`git ls-tree`, through [`Repo::pipeline_files`]). Blobs
//! are read later, all at once, by one `git cat-file --batch`
//! ([`Repo::blobs`]).
//!
//! Also found here: where the history starts and why (the repository's
//! first commit, a shallow clone's boundary, the folder's first commit,
//! `--since`), and a folder that was moved: when the folder's first commit
//! renamed most of its files from another folder, the history before it is
//! read from there.

use crate::diff::git::{GitError, Repo, TreeFile, git, output};
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

/// One commit of the first-parent line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Full id.
    pub id: String,
    /// Committer date in the committer's own time zone.
    pub date: Date,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub subject: String,
    /// Whether it has more than one parent (a merge, counted when it
    /// landed on the branch).
    pub merge: bool,
}

impl Commit {
    /// The first 7 characters of the id.
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(7)]
    }
}

/// A file a commit added, changed or removed, relative to the pipeline
/// folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Path after the commit (before it, for a removal).
    pub rel: String,
    /// Mode and blob id after the commit; none when removed.
    pub new: Option<(String, String)>,
    /// For a rename: the path before it (itself removed by this change).
    pub renamed_from: Option<String>,
}

/// The files of a commit, as read from `git log --raw`; or, at the start
/// of the history and where the folder moved, the whole listing of the
/// folder (the state to reach, whatever was there before).
#[derive(Debug, Clone)]
pub enum Changes {
    /// Files added, changed, removed or renamed.
    Diff(Vec<FileChange>),
    /// The complete list of files.
    Listing(Vec<TreeFile>),
}

/// The history of the pipeline folder.
#[derive(Debug, Clone)]
pub struct Log {
    /// Commits, oldest first, with what each changed; the first one's
    /// changes are the folder's complete listing.
    pub commits: Vec<(Commit, Changes)>,
    /// What the reader should know about where the history starts.
    pub notes: Vec<String>,
    /// Whether the repository is a shallow clone.
    pub shallow: bool,
}

impl Log {
    /// The blobs of pipeline files that are not the version the last
    /// commit has at their path, each once, in the order the commits name
    /// them: these are read from git whatever the working tree holds
    /// (which, unchanged since that commit, has the last versions), so
    /// they can be read before the working tree is loaded.
    pub fn older_blobs(&self) -> Vec<String> {
        use crate::diff::revision::{Class, classify};
        let file = |rel: &str, mode: &str| matches!(classify(rel, mode), Class::File(_));
        let mut last: HashMap<&str, &str> = HashMap::default();
        for (_, changes) in &self.commits {
            match changes {
                Changes::Listing(files) => {
                    last.clear();
                    for f in files.iter().filter(|f| file(&f.rel, &f.mode)) {
                        last.insert(&f.rel, &f.oid);
                    }
                }
                Changes::Diff(list) => {
                    for c in list {
                        if let Some(from) = &c.renamed_from {
                            last.remove(from.as_str());
                        }
                        match &c.new {
                            Some((mode, oid)) if file(&c.rel, mode) => {
                                last.insert(&c.rel, oid);
                            }
                            _ => {
                                last.remove(c.rel.as_str());
                            }
                        }
                    }
                }
            }
        }
        let mut seen = rustc_hash::FxHashSet::default();
        let mut out = Vec::new();
        let mut take = |rel: &str, oid: &str| {
            if last.get(rel) != Some(&oid) && seen.insert(oid.to_string()) {
                out.push(oid.to_string());
            }
        };
        for (_, changes) in &self.commits {
            match changes {
                Changes::Listing(files) => {
                    for f in files.iter().filter(|f| file(&f.rel, &f.mode)) {
                        take(&f.rel, &f.oid);
                    }
                }
                Changes::Diff(list) => {
                    for c in list {
                        if let Some((mode, oid)) = &c.new
                            && file(&c.rel, mode)
                        {
                            take(&c.rel, oid);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Where to read from.
#[derive(Debug, Clone)]
pub struct Range {
    /// The revision the history ends at (`HEAD`).
    pub head: String,
    /// Start at the last commit on or before this date.
    pub since: Option<Date>,
}

/// Parses the local date of `%cI` (`2026-11-15T10:00:00+08:00`).
fn local_date(iso: &str) -> Option<Date> {
    iso.get(..10)?.parse().ok()
}

/// `git log` of the first-parent line of `head`, limited to `prefix` (the
/// whole repository when empty): commits with their metadata, oldest
/// first, and with `raw` the files each changed relative to its first
/// parent (renames detected).
fn log(
    repo: &Repo,
    prefix: &str,
    range: &str,
    raw: bool,
) -> Result<Vec<(Commit, Vec<FileChange>)>, GitError> {
    let mut c = git(&repo.top);
    c.args([
        "log",
        "--first-parent",
        "--reverse",
        "-z",
        "--no-color",
        "--no-ext-diff",
        "--format=%x01%H%x00%P%x00%ct%x00%cI%x00%an%x00%s",
    ]);
    if raw {
        c.args(["--raw", "-M", "--no-abbrev", "--diff-merges=first-parent"]);
    } else {
        c.arg("--no-patch");
    }
    c.arg(range).arg("--");
    if prefix.is_empty() {
        c.arg(".");
    } else {
        c.arg(format!("{prefix}/"));
    }
    let out = match output(c)? {
        Ok(o) => o,
        Err(why) => return Err(GitError(format!("git log failed: {why}"))),
    };
    parse_log(&out, prefix)
}

/// Parses the output of [`log`]: per commit `\x01` and six NUL-terminated
/// fields, a newline, then raw entries `:<mode> <mode> <oid> <oid>
/// <status>\0<path>\0[<path>\0]`.
fn parse_log(out: &[u8], prefix: &str) -> Result<Vec<(Commit, Vec<FileChange>)>, GitError> {
    let bad = |what: &str| GitError(format!("cannot read git log's output: {what}"));
    let mut commits = Vec::new();
    let mut pos = 0;
    let field = |pos: &mut usize| -> Result<String, GitError> {
        let rest = &out[*pos..];
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| bad("a field"))?;
        *pos += end + 1;
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    };
    let strip = |path: &str| -> Option<String> {
        if prefix.is_empty() {
            Some(path.to_string())
        } else {
            path.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('/'))
                .map(str::to_string)
        }
    };
    while pos < out.len() {
        match out[pos] {
            b'\n' | 0 => {
                pos += 1;
                continue;
            }
            1 => pos += 1,
            _ => return Err(bad("a commit header")),
        }
        let id = field(&mut pos)?;
        let parents = field(&mut pos)?;
        let time: i64 = field(&mut pos)?.parse().map_err(|_| bad("a date"))?;
        let iso = field(&mut pos)?;
        let author = field(&mut pos)?;
        let subject = field(&mut pos)?;
        let date = local_date(&iso).ok_or_else(|| bad("a date"))?;
        let mut changes = Vec::new();
        loop {
            while pos < out.len() && out[pos] == b'\n' {
                pos += 1;
            }
            if pos >= out.len() || out[pos] != b':' {
                break;
            }
            let meta = field(&mut pos)?;
            // :<old mode> <new mode> <old oid> <new oid> <status>
            let parts: Vec<&str> = meta[1..].split(' ').collect();
            let [_, new_mode, _, new_oid, status] = parts[..] else {
                return Err(bad("a raw entry"));
            };
            let path = field(&mut pos)?;
            let kind = status.as_bytes().first().copied().unwrap_or(b'M');
            let second = if matches!(kind, b'R' | b'C') {
                Some(field(&mut pos)?)
            } else {
                None
            };
            let blob = (new_mode.to_string(), new_oid.to_string());
            match (kind, second) {
                (b'D', _) => {
                    if let Some(rel) = strip(&path) {
                        changes.push(FileChange {
                            rel,
                            new: None,
                            renamed_from: None,
                        });
                    }
                }
                (b'R', Some(to)) => match (strip(&path), strip(&to)) {
                    (Some(from), Some(to)) => changes.push(FileChange {
                        rel: to,
                        new: Some(blob),
                        renamed_from: Some(from),
                    }),
                    (Some(from), None) => changes.push(FileChange {
                        rel: from,
                        new: None,
                        renamed_from: None,
                    }),
                    (None, Some(to)) => changes.push(FileChange {
                        rel: to,
                        new: Some(blob),
                        renamed_from: None,
                    }),
                    (None, None) => {}
                },
                (_, second) => {
                    // Added, modified, copied (the copy's target), type
                    // changed: the path has this blob now.
                    let path = second.unwrap_or(path);
                    if let Some(rel) = strip(&path) {
                        changes.push(FileChange {
                            rel,
                            new: Some(blob),
                            renamed_from: None,
                        });
                    }
                }
            }
        }
        commits.push((
            Commit {
                id,
                date,
                time,
                author,
                subject,
                merge: parents.split(' ').filter(|p| !p.is_empty()).count() > 1,
            },
            changes,
        ));
    }
    Ok(commits)
}

/// Whether the repository is a shallow clone.
fn is_shallow(repo: &Repo) -> Result<bool, GitError> {
    let mut c = git(&repo.top);
    c.args(["rev-parse", "--is-shallow-repository"]);
    Ok(matches!(output(c)?, Ok(o) if o.starts_with(b"true")))
}

/// The parents of a commit (none for a root commit or a shallow clone's
/// boundary).
fn has_parent(repo: &Repo, commit: &str) -> Result<bool, GitError> {
    let mut c = git(&repo.top);
    c.args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{commit}^1^{{commit}}"));
    Ok(output(c)?.is_ok())
}

/// When `commit` created the folder `prefix` by moving another folder:
/// that folder. Most of the pipeline files the commit added under `prefix`
/// must be renames from one other folder, with the same relative paths.
fn moved_from(repo: &Repo, prefix: &str, commit: &str) -> Result<Option<String>, GitError> {
    let mut c = git(&repo.top);
    c.args([
        "diff-tree",
        "-r",
        "-M",
        "-z",
        "--no-commit-id",
        "--name-status",
        "--no-ext-diff",
    ])
    .arg(format!("{commit}^1"))
    .arg(commit);
    let Ok(out) = output(c)? else {
        return Ok(None);
    };
    let fields: Vec<String> = out
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut votes: HashMap<String, usize> = HashMap::default();
    let mut added = 0usize;
    let mut i = 0;
    let under = format!("{prefix}/");
    while i < fields.len() {
        let status = fields[i].trim_matches('\n');
        if status.is_empty() {
            i += 1;
            continue;
        }
        if status.starts_with('R') || status.starts_with('C') {
            let (Some(from), Some(to)) = (fields.get(i + 1), fields.get(i + 2)) else {
                break;
            };
            if let Some(rel) = to.strip_prefix(&under)
                && rel.ends_with(".toml")
            {
                added += 1;
                if status.starts_with('R')
                    && let Some(old) = from.strip_suffix(rel)
                {
                    let old = old.trim_end_matches('/');
                    if old != prefix {
                        *votes.entry(old.to_string()).or_default() += 1;
                    }
                }
            }
            i += 3;
        } else {
            if status.starts_with('A')
                && let Some(to) = fields.get(i + 1)
                && to
                    .strip_prefix(&under)
                    .is_some_and(|r| r.ends_with(".toml"))
            {
                added += 1;
            }
            i += 2;
        }
    }
    let best = votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    Ok(best.filter(|(_, n)| *n * 2 > added).map(|(p, _)| p))
}

/// One stretch of the history read from one folder.
struct Segment {
    /// The folder in the repository.
    prefix: String,
    /// Its commits, oldest first, with their changes.
    commits: Vec<(Commit, Vec<FileChange>)>,
}

/// Reads the history of the pipeline folder of `repo` up to `range.head`.
pub fn read(repo: &Repo, range: &Range) -> Result<Log, GitError> {
    let shallow = is_shallow(repo)?;
    let mut notes = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut prefix = repo.prefix.clone();
    let mut head = range.head.clone();
    // Newest segment first; at most a few moves are followed.
    for _ in 0..8 {
        // Cheap pass: which commits, with their dates (no file lists).
        let list = log(repo, &prefix, &head, false)?;
        if list.is_empty() {
            break;
        }
        // With --since: the last commit on or before it, if this folder
        // has one; the history starts there.
        let found = range
            .since
            .and_then(|since| list.iter().rposition(|(c, _)| c.date <= since));
        let start = found.unwrap_or(0);
        let base = &list[start].0;
        // The changes of the commits after the base.
        let commits = if start + 1 < list.len() {
            let mut raw = log(repo, &prefix, &format!("{}..{head}", base.id), true)?;
            raw.insert(0, (base.clone(), Vec::new()));
            raw
        } else {
            vec![(base.clone(), Vec::new())]
        };
        let first = commits[0].0.clone();
        segments.push(Segment {
            prefix: prefix.clone(),
            commits,
        });
        let shown = if prefix.is_empty() { "." } else { &prefix };
        if let (Some(_), Some(since)) = (found, range.since) {
            notes.push(format!(
                "the history is read from {since} on: it starts at {} ({}), the last commit on or before that day",
                first.short(),
                first.date
            ));
            break;
        }
        if !has_parent(repo, &first.id)? {
            notes.push(if shallow {
                format!(
                    "the repository is a shallow clone: the history starts at {} ({}); \
                     `git fetch --unshallow` reads the rest",
                    first.short(),
                    first.date
                )
            } else {
                format!(
                    "the history starts at {} ({}), the repository's first commit",
                    first.short(),
                    first.date
                )
            });
            break;
        }
        if prefix.is_empty() {
            break;
        }
        match moved_from(repo, &prefix, &first.id)? {
            Some(old) => {
                notes.push(format!(
                    "the pipeline folder was moved from {} to {shown} in {} ({}); \
                     the history before that is read from {}",
                    if old.is_empty() { "." } else { &old },
                    first.short(),
                    first.date,
                    if old.is_empty() { "." } else { &old },
                ));
                head = format!("{}^1", first.id);
                prefix = old;
            }
            None => {
                notes.push(format!(
                    "the pipeline folder {shown} first appears in {} ({}); the history starts there",
                    first.short(),
                    first.date
                ));
                break;
            }
        }
    }
    if segments.is_empty() {
        return Err(GitError(format!(
            "no commit of {} touches the pipeline folder {}",
            range.head,
            if repo.prefix.is_empty() {
                "."
            } else {
                &repo.prefix
            }
        )));
    }
    // Oldest segment first: its first commit is the base (a listing);
    // each later segment's first commit is where the folder moved (a
    // listing too: whatever was left behind is gone).
    segments.reverse();
    let mut commits: Vec<(Commit, Changes)> = Vec::new();
    for seg in segments {
        let at = Repo {
            top: repo.top.clone(),
            prefix: seg.prefix.clone(),
        };
        for (k, (c, changes)) in seg.commits.into_iter().enumerate() {
            if k == 0 {
                let listing = at.pipeline_files(&c.id, c.short())?;
                commits.push((c, Changes::Listing(listing)));
            } else {
                commits.push((c, Changes::Diff(changes)));
            }
        }
    }
    Ok(Log {
        commits,
        notes,
        shallow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_blobs_are_those_not_last_at_their_path() {
        let commit = |id: &str| Commit {
            id: id.into(),
            date: jiff::civil::date(2026, 1, 1),
            time: 0,
            author: String::new(),
            subject: String::new(),
            merge: false,
        };
        let tree = |rel: &str, oid: &str| TreeFile {
            rel: rel.into(),
            mode: "100644".into(),
            oid: oid.into(),
            size: 1,
        };
        let change = |rel: &str, oid: Option<&str>, from: Option<&str>| FileChange {
            rel: rel.into(),
            new: oid.map(|o| ("100644".into(), o.into())),
            renamed_from: from.map(Into::into),
        };
        let log = Log {
            commits: vec![
                (
                    commit("c0"),
                    Changes::Listing(vec![
                        tree("dealbook.toml", "s1"),
                        tree("deals/a.toml", "a1"),
                        tree("deals/b.toml", "b1"),
                        tree("deals/c.toml", "c1"),
                        tree("notes.txt", "n1"),
                    ]),
                ),
                (
                    commit("c1"),
                    Changes::Diff(vec![
                        change("deals/a.toml", Some("a2"), None),
                        change("deals/c.toml", None, None),
                        change("deals/d.toml", Some("b1"), Some("deals/b.toml")),
                    ]),
                ),
                (
                    commit("c2"),
                    Changes::Diff(vec![change("deals/a.toml", Some("a3"), None)]),
                ),
            ],
            notes: Vec::new(),
            shallow: false,
        };
        // Last: dealbook.toml s1, a a3, d b1 (renamed from b, same blob).
        // Older: a1 and a2; b1 at b (its path is gone: the version at b
        // is parsed apart from d's, so it is read); c1 (deleted); never
        // notes.txt, not a pipeline file.
        assert_eq!(log.older_blobs(), ["a1", "b1", "c1", "a2"]);
    }

    #[test]
    fn parses_raw_entries() {
        let mut out = Vec::new();
        out.extend_from_slice(
            b"\x01aaaa\x00\x00100\x002026-01-02T10:00:00+08:00\x00Ann\x00first\x00\n",
        );
        out.extend_from_slice(b":000000 100644 0000 1111 A\0p/deals/a.toml\0");
        out.extend_from_slice(b":100644 100644 2222 3333 R090\0p/deals/b.toml\0p/deals/c.toml\0");
        out.extend_from_slice(b":100644 000000 4444 0000 D\0p/deals/d.toml\0");
        out.extend_from_slice(b":100644 100644 5555 6666 M\0other/x.toml\0");
        out.extend_from_slice(
            b"\x01bbbb\x00aaaa cccc\x00200\x002026-01-09T23:30:00-05:00\x00Bo\x00merge\x00",
        );
        let v = parse_log(&out, "p").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0.date, jiff::civil::date(2026, 1, 2));
        assert_eq!(v[1].0.date, jiff::civil::date(2026, 1, 9));
        assert!(v[1].0.merge && !v[0].0.merge);
        let c = &v[0].1;
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].rel, "deals/a.toml");
        assert_eq!(c[1].rel, "deals/c.toml");
        assert_eq!(c[1].renamed_from.as_deref(), Some("deals/b.toml"));
        assert_eq!(c[2].new, None);
    }
}
