//! Finding a pipeline's files: walk the folder in a fixed order, classify
//! each `.toml` file by where it sits, and report the paths that cannot be
//! part of the pipeline (links out of it or in a loop, folders named
//! `*.toml`, files outside the layout) as problems of their own.

use super::{FileKind, LoadOptions};
use crate::diag::Code;
use std::path::{Path, PathBuf};

/// A pipeline file found by the walk.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Absolute (or root-joined) path to read.
    pub path: PathBuf,
    /// What it is.
    pub kind: FileKind,
}

/// A path the walk found that cannot be part of the pipeline (a symbolic
/// link out of the tree or in a loop, a folder named `*.toml`, a `.toml`
/// file outside the layout, an unreadable entry). It is reported against
/// the path, since such a file has no [`FileId`](crate::source::FileId) yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    /// The path relative to the root, with `/` (empty: the root itself).
    pub rel: String,
    /// What is wrong.
    pub code: Code,
    /// The diagnostic's message.
    pub message: String,
}

impl PathProblem {
    /// A problem of `rel`.
    pub fn new(rel: String, code: Code, message: String) -> PathProblem {
        PathProblem { rel, code, message }
    }
}

/// Walks `root` and returns the pipeline files, plus diagnostics for paths
/// that cannot be part of it (symlinks out of the tree, loops, folders named
/// `*.toml`, `.toml` files outside the layout), as [`PathProblem`]s.
pub fn walk(root: &Path, opts: &LoadOptions) -> (Vec<FoundFile>, Vec<PathProblem>) {
    let mut found = Vec::new();
    let problems = walk_each(root, opts, |f| found.push(f));
    (found, problems)
}

/// [`walk`], handing each pipeline file to `on_file` as soon as it is
/// found (in the same order), and returning the problems.
pub(super) fn walk_each(
    root: &Path,
    opts: &LoadOptions,
    mut on_file: impl FnMut(FoundFile),
) -> Vec<PathProblem> {
    let mut problems: Vec<PathProblem> = Vec::new();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    let root_bytes = root.as_os_str().as_encoded_bytes();
    let rel_of = |p: &Path| -> String {
        // Fast path: walkdir joins plain names onto the root, so with `/`
        // as the separator the rest of the path's bytes after the root's
        // and a `/` are already the answer (`Path::strip_prefix` compares
        // component by component: 1% of check's CPU on 100k deals).
        if std::path::MAIN_SEPARATOR == '/'
            && let Some(r) = p.as_os_str().as_encoded_bytes().strip_prefix(root_bytes)
            && let Some(r) = r
                .strip_prefix(b"/")
                .or(root_bytes.ends_with(b"/").then_some(r))
            && let Ok(s) = std::str::from_utf8(r)
            && !s.is_empty()
            && !s.contains("//")
            && !s.starts_with('/')
            && !s.ends_with('/')
            && !s.split('/').any(|c| c == "." || c == "..")
        {
            return s.to_owned();
        }
        let rel = p.strip_prefix(root);
        rel.unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut link_problems: Vec<PathProblem> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        // By file name, as `sort_by_file_name` does, but comparing the
        // whole paths' bytes: siblings share their parent's path, so the
        // order is the same, without taking each name out of its path
        // (`Path::file_name`) at every comparison (walkdir's sort by
        // name cost `check` of 100k deals 2% of its CPU).
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            if e.depth() == 1 && e.file_type().is_dir() && (name == "public" || name == "templates")
            {
                return false;
            }
            if !skip.is_empty()
                && e.file_type().is_dir()
                && let Ok(c) = e.path().canonicalize()
                && skip.contains(&c)
            {
                return false;
            }
            if e.path_is_symlink() {
                match e.path().canonicalize() {
                    Ok(target) if target.starts_with(&canon_root) => {}
                    Ok(_) => {
                        link_problems.push(PathProblem::new(
                            rel_of(e.path()),
                            Code::SkippedLink,
                            "symbolic link leads outside the pipeline folder; skipped".into(),
                        ));
                        return false;
                    }
                    Err(_) => return true, // reported by the walk as an error below
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err.path().map(rel_of).unwrap_or_default();
                if err.loop_ancestor().is_some() {
                    problems.push(PathProblem::new(
                        rel,
                        Code::SkippedLink,
                        "symbolic link loop; skipped".into(),
                    ));
                } else if err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                {
                    problems.push(PathProblem::new(
                        rel,
                        Code::SkippedLink,
                        "broken symbolic link; skipped".into(),
                    ));
                } else if rel.ends_with(".toml") || err.depth() > 0 {
                    // The I/O error alone: walkdir's own message repeats the
                    // absolute path, which the diagnostic already names.
                    let why = match err.io_error() {
                        Some(io) => io.to_string(),
                        None => err.to_string(),
                    };
                    problems.push(PathProblem::new(
                        rel,
                        Code::CannotRead,
                        format!("cannot read: {why}"),
                    ));
                } else {
                    problems.push(PathProblem::new(
                        String::new(),
                        Code::CannotRead,
                        format!("cannot read the pipeline folder: {err}"),
                    ));
                }
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !name.ends_with(".toml") {
            continue;
        }
        let rel = rel_of(entry.path());
        let Some(kind) = FileKind::of(&rel) else {
            if entry.file_type().is_file() {
                problems.push(PathProblem::new(
                    rel,
                    Code::IgnoredFile,
                    "this .toml file is not part of the pipeline layout and is ignored".into(),
                ));
            }
            continue;
        };
        if !entry.file_type().is_file() {
            problems.push(PathProblem::new(
                rel,
                Code::NotAFile,
                "a folder (or special file) named *.toml; expected a file".into(),
            ));
            continue;
        }
        on_file(FoundFile {
            rel,
            path: entry.into_path(),
            kind,
        });
    }
    problems.extend(link_problems);
    problems
}

#[cfg(test)]
mod tests {
    /// The walk lists files in walkdir's order by file name.
    #[test]
    fn the_walk_is_in_file_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "a.toml", "a-b.toml", "a0.toml", "A.toml", "ab.toml", "a.b.toml", "é.toml", "z.toml",
            "_x.toml", "a b.toml", "10.toml", "9.toml",
        ];
        for sub in [
            "deals",
            "deals/x",
            "deals/x-y",
            "deals/x.y",
            "deals/xy",
            "accounts",
        ] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for n in names {
                std::fs::write(dir.path().join(sub).join(n), "").unwrap();
            }
        }
        let (found, _) = super::walk(dir.path(), &crate::load::LoadOptions::default());
        let got: Vec<_> = found.iter().map(|f| f.path.clone()).collect();
        let want: Vec<_> = walkdir::WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| got.contains(p))
            .collect();
        assert_eq!(got.len(), 6 * names.len(), "{got:?}");
        assert_eq!(got, want);
    }

    /// The files' paths relative to the root do not depend on how the
    /// root is spelled.
    #[test]
    fn relative_paths_do_not_depend_on_the_roots_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pipe");
        std::fs::create_dir_all(root.join("deals/q1")).unwrap();
        std::fs::write(root.join("deals/q1/a.toml"), "").unwrap();
        std::fs::write(root.join("dealbook.toml"), "").unwrap();
        let rels = |r: &std::path::Path| -> Vec<String> {
            let (found, _) = super::walk(r, &crate::load::LoadOptions::default());
            found.into_iter().map(|f| f.rel).collect()
        };
        let want = vec!["dealbook.toml".to_string(), "deals/q1/a.toml".to_string()];
        let s = root.to_str().unwrap();
        for spelled in [
            s.to_string(),
            format!("{s}/"),
            format!("{s}/."),
            format!("{s}//"),
            format!("{s}/../pipe"),
            format!("{}/./pipe", dir.path().to_str().unwrap()),
        ] {
            assert_eq!(rels(std::path::Path::new(&spelled)), want, "root {spelled}");
        }
    }
}
