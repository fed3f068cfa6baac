//! The two sides of a diff: what an argument names (a git revision, a
//! plain folder, or the working tree) and loading the pipeline it holds.
//!
//! A git revision is read entirely from the object database (see
//! [`super::git`]): the files of the pipeline folder at that commit are
//! filtered like the folder walk does (dot-folders, top-level `public/` and
//! `templates/`, non-`.toml` files and `.toml` files outside the layout are
//! left out), put in the walk's order, parsed in parallel with the same
//! pure [`load::parse_file`] and assembled with [`load::assemble`], so a
//! revision loads exactly like a checkout of it would.

use super::git::{GitError, Repo, TreeFile};
use crate::diag::Code;
use crate::load::{self, Content, FileKind, LoadOptions, Loaded};
use crate::source::FileId;
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What one side of the diff is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A pipeline folder on disk (given as an argument, or the working tree).
    Folder {
        /// The folder.
        path: PathBuf,
        /// Whether it is the working tree (`B` omitted).
        worktree: bool,
    },
    /// A git revision (anything `git rev-parse` understands).
    Git {
        /// As written.
        rev: String,
        /// The commit it resolves to.
        commit: String,
    },
}

/// Where a side came from, as the output shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SideInfo {
    /// "git", "folder" or "worktree".
    pub kind: &'static str,
    /// As the user wrote it ("working tree" for the default `B`).
    pub label: String,
    /// The commit id of a git revision.
    pub commit: Option<String>,
    /// The pipeline folder: inside the repository for a revision ("." for
    /// its top), as given for a folder.
    pub path: String,
    /// Pipeline files read.
    pub files: usize,
    /// Errors found in it.
    pub errors: usize,
    /// Warnings found in it.
    pub warnings: usize,
    /// Side A is a revision from before the pipeline existed: its folder
    /// is not there, or holds no `dealbook.toml`. It is compared as an
    /// empty pipeline, so everything in B is new (a pipeline's first pull
    /// request).
    pub missing: bool,
    /// Risk signals its `[rules.signals]` switches off, in signal order.
    pub signals_off: Vec<&'static str>,
}

/// Why a side could not be read (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SideError(pub String);

impl From<GitError> for SideError {
    fn from(e: GitError) -> Self {
        SideError(e.0)
    }
}

/// Finds the repository of the pipeline folder once, on first need.
pub struct RepoCache {
    dir: PathBuf,
    repo: Option<Result<Repo, GitError>>,
}

impl RepoCache {
    /// For the pipeline folder `dir` of the working tree.
    pub fn new(dir: &Path) -> RepoCache {
        RepoCache {
            dir: dir.to_path_buf(),
            repo: None,
        }
    }

    /// The repository, or why there is none.
    pub fn get(&mut self) -> Result<&Repo, &GitError> {
        let dir = &self.dir;
        self.repo
            .get_or_insert_with(|| super::git::discover(dir))
            .as_ref()
    }
}

/// What an argument names. A folder that exists is a folder, a name git
/// resolves to a commit is a revision; one that is both is refused as
/// ambiguous (write `./NAME` for the folder, `NAME^{commit}` for the
/// revision), one that is neither is an error.
pub fn resolve(arg: &str, repos: &mut RepoCache) -> Result<Spec, SideError> {
    let path = Path::new(arg);
    let is_dir = !arg.is_empty() && path.is_dir();
    let rev = match repos.get() {
        Ok(repo) => repo.resolve(arg)?,
        Err(_) => None,
    };
    match (is_dir, rev) {
        (true, Some(_)) => Err(SideError(format!(
            "\"{arg}\" is both a folder and a git revision; write ./{arg} for the folder \
             or {arg}^{{commit}} for the revision"
        ))),
        (true, None) => Ok(Spec::Folder {
            path: path.to_path_buf(),
            worktree: false,
        }),
        (false, Some(commit)) => Ok(Spec::Git {
            rev: arg.to_string(),
            commit,
        }),
        (false, None) => Err(SideError(match repos.get() {
            Ok(_) => format!("\"{arg}\" is neither a git revision nor a folder"),
            Err(why) => format!("\"{arg}\" is not a folder, and {why}"),
        })),
    }
}

/// Loads the pipeline a side names (not yet checked: both sides are
/// checked for the same date once it is known).
/// `repo` is the repository of `dir`, which a revision needs (it was
/// resolved in it). With `may_be_missing` (side A), a revision whose
/// pipeline folder does not exist or has no `dealbook.toml` is an empty
/// pipeline marked [`SideInfo::missing`] instead of an error.
pub fn load_side(
    spec: &Spec,
    dir: &Path,
    repo: Option<&Repo>,
    may_be_missing: bool,
) -> Result<(SideInfo, Loaded), SideError> {
    match spec {
        Spec::Folder { path, worktree } => {
            match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(SideError(format!("{} is not a folder", path.display())));
                }
                Err(e) => {
                    return Err(SideError(format!(
                        "cannot open the pipeline folder {}: {e}",
                        path.display()
                    )));
                }
            }
            let loaded = load::load(path, &LoadOptions::default());
            let info = SideInfo {
                kind: if *worktree { "worktree" } else { "folder" },
                label: if *worktree {
                    "working tree".into()
                } else {
                    path.display().to_string()
                },
                commit: None,
                path: path.display().to_string(),
                files: 0,
                errors: 0,
                warnings: 0,
                missing: false,
                signals_off: Vec::new(),
            };
            Ok((info, loaded))
        }
        Spec::Git { rev, commit } => {
            let repo = repo.ok_or_else(|| SideError("no git repository".into()))?;
            let (loaded, missing) = match load_git(repo, commit, rev, dir) {
                Ok(l) if !may_be_missing || has_settings(&l) => (l, false),
                Ok(_) => (load::assemble(dir, Vec::new(), Vec::new()), true),
                Err(_) if may_be_missing && !repo.has_path(commit) => {
                    (load::assemble(dir, Vec::new(), Vec::new()), true)
                }
                Err(e) => return Err(e.into()),
            };
            let info = SideInfo {
                kind: "git",
                label: rev.clone(),
                commit: Some(commit.clone()),
                path: if repo.prefix.is_empty() {
                    ".".into()
                } else {
                    repo.prefix.clone()
                },
                files: 0,
                errors: 0,
                warnings: 0,
                missing,
                signals_off: Vec::new(),
            };
            Ok((info, loaded))
        }
    }
}

/// Whether a loaded revision has its settings file (the loader reports a
/// missing one against an empty stand-in).
fn has_settings(l: &Loaded) -> bool {
    !l.diagnostics.iter().any(|d| {
        d.code == Code::MissingFile
            && l.pipeline.sources.get(d.span.file).rel_path == "dealbook.toml"
    })
}

/// Reads the pipeline at `commit` from the object database. `root` is only
/// used to name the pipeline in messages.
pub fn load_git(repo: &Repo, commit: &str, label: &str, root: &Path) -> Result<Loaded, GitError> {
    let (files, problems) = select(repo.pipeline_files(commit, label)?);
    let oids: Vec<&str> = files
        .iter()
        .filter(|(f, _)| readable(f))
        .map(|(f, _)| f.oid.as_str())
        .collect();
    let mut blobs = repo.blobs(&oids)?.into_iter();
    let contents: Vec<(String, FileKind, Content)> = files
        .into_iter()
        .map(|(f, kind)| {
            // The same test as for `oids`, so the blobs pair up in order.
            let content = if !readable(&f) {
                Content::Failed(
                    Code::TooLarge,
                    format!(
                        "file is {} bytes; the limit is {} bytes",
                        f.size,
                        load::MAX_FILE_BYTES
                    ),
                )
            } else {
                Content::Bytes(blobs.next().unwrap_or_default())
            };
            (f.rel, kind, content)
        })
        .collect();
    let parsed: Vec<load::Parsed> = contents
        .into_par_iter()
        .enumerate()
        .with_min_len(64)
        .map(|(i, (rel, kind, content))| load::parse_file(FileId(i as u32), &rel, kind, content))
        .collect();
    Ok(load::assemble(root, parsed, problems))
}

/// Paths that cannot be part of the pipeline, with their diagnostics.
type Problems = Vec<load::PathProblem>;

/// Whether a listed file's content is fetched (not too large).
fn readable(f: &TreeFile) -> bool {
    f.size <= load::MAX_FILE_BYTES
}

/// What a file of a revision's tree is to the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// Not a pipeline file (a dot-folder, `public/`, `templates/`, not
    /// `.toml`): left out silently, as the folder walk does.
    Ignored,
    /// Not part of the pipeline, with the diagnostic the walk would give.
    Problem(Code, String),
    /// A pipeline file of this kind.
    File(FileKind),
}

/// Classifies a path of a revision's tree (relative to the pipeline
/// folder) with its git file mode, like the folder walk would.
pub fn classify(rel: &str, mode: &str) -> Class {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.iter().any(|p| p.starts_with('.')) {
        return Class::Ignored;
    }
    if parts.len() > 1 && (parts[0] == "public" || parts[0] == "templates") {
        return Class::Ignored;
    }
    if !rel.ends_with(".toml") {
        return Class::Ignored;
    }
    let Some(kind) = FileKind::of(rel) else {
        if mode == "120000" {
            return Class::Ignored;
        }
        return Class::Problem(
            Code::IgnoredFile,
            "this .toml file is not part of the pipeline layout and is ignored".into(),
        );
    };
    if mode == "120000" {
        return Class::Problem(
            Code::SkippedLink,
            "symbolic link; links are not followed when reading a git revision".into(),
        );
    }
    Class::File(kind)
}

/// The pipeline files of a tree listing, in the folder walk's order, and
/// the problems of the paths that cannot be part of the pipeline.
fn select(listing: Vec<TreeFile>) -> (Vec<(TreeFile, FileKind)>, Problems) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for f in listing {
        match classify(&f.rel, &f.mode) {
            Class::Ignored => {}
            Class::Problem(code, msg) => problems.push(load::PathProblem::new(f.rel, code, msg)),
            Class::File(kind) => files.push((f, kind)),
        }
    }
    // The walk visits each folder's entries by name, depth first: that is
    // the order of the paths' components.
    sort_walk_order(&mut files, |(f, _)| &f.rel);
    (files, problems)
}

/// Sorts items by their relative path in the folder walk's order (each
/// folder's entries by name, depth first: the order of the components).
pub fn sort_walk_order<T>(items: &mut [T], rel: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| rel(a).split('/').cmp(rel(b).split('/')));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tf(rel: &str) -> TreeFile {
        TreeFile {
            rel: rel.into(),
            mode: "100644".into(),
            oid: "0".into(),
            size: 1,
        }
    }

    #[test]
    fn selects_like_the_walk() {
        let (files, problems) = select(vec![
            tf("deals/a-b.toml"),
            tf("deals/a/x.toml"),
            tf(".github/workflows/dealbook.yml"),
            tf(".hidden/deals.toml"),
            tf("public/index.toml"),
            tf("templates/x.toml"),
            tf("README.md"),
            tf("notes.toml"),
            tf("dealbook.toml"),
        ]);
        let rels: Vec<&str> = files.iter().map(|(f, _)| f.rel.as_str()).collect();
        assert_eq!(rels, ["dealbook.toml", "deals/a/x.toml", "deals/a-b.toml"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rel, "notes.toml");
    }
}
