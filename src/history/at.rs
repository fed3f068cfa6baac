//! Time travel: the pipeline as it was at a git revision, evaluated as of
//! that revision's date (`report --rev`, `build --rev`).
//!
//! The revision is read from the object database like a side of `diff`
//! (the working tree and the index are not touched). Its date is the
//! commit's committer date in the committer's time zone; `--as-of`
//! overrides it, and so does nothing else: a fixed `as_of` in that
//! revision's `dealbook.toml` is not applied, as for the snapshots of the
//! history.

use super::Error;
use crate::Checked;
use crate::diff::git::{git, output};
use crate::diff::revision;
use jiff::civil::Date;
use std::path::Path;

/// A revision that was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// As the user wrote it.
    pub rev: String,
    /// The commit id.
    pub commit: String,
    /// Its committer date.
    pub date: Date,
}

/// Loads and checks the pipeline folder `dir` as it was at `rev`, as of
/// `as_of` or else the commit's date.
pub fn load(
    dir: &Path,
    rev: &str,
    as_of: Option<Date>,
    today: Date,
) -> Result<(Checked, Revision), Error> {
    let repo = crate::diff::git::discover(dir).map_err(|e| Error::NoRepository(e.0))?;
    let commit = repo
        .resolve(rev)?
        .ok_or_else(|| Error::Git(format!("\"{rev}\" is not a git revision")))?;
    let mut c = git(&repo.top);
    c.args(["show", "-s", "--format=%cI"]).arg(&commit);
    let out = output(c)?.map_err(|why| Error::Git(format!("git show failed: {why}")))?;
    let text = String::from_utf8_lossy(&out);
    let date: Date = text
        .trim()
        .get(..10)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| Error::Git(format!("cannot read the date of {rev}: {}", text.trim())))?;
    let loaded = revision::load_git(&repo, &commit, rev, dir)?;
    let checked = crate::finish(loaded, Some(as_of.unwrap_or(date)), today);
    Ok((
        checked,
        Revision {
            rev: rev.to_string(),
            commit,
            date,
        },
    ))
}
