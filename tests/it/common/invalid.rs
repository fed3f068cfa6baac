//! The invalid-input corpus, `tests/invalid/`: each case folder stores
//! only what differs from the shared base pipeline, `valid-base/` (see
//! `tests/invalid/README.md`). [`materialize`] builds a case's whole
//! pipeline in a temporary folder; every reader of the corpus goes through
//! it (the unit tests of `src/check` include this file by path, so it
//! needs nothing from the rest of `tests/it/common`).

use std::path::{Path, PathBuf};

/// The folder of the base pipeline, inside the corpus.
pub const BASE: &str = "valid-base";

/// Files at the top of a case folder that describe the case and are not
/// part of its pipeline: the diagnostics it must give, what to build at
/// test time, and the base files it deletes.
pub const CONTROL: [&str; 3] = ["expected", "setup", "removed"];

/// The corpus folder, `tests/invalid/`.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid")
}

/// Every case folder of the corpus (the base included), sorted.
pub fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/invalid exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The pipeline files a case stores (paths relative to the case folder,
/// with `/`), sorted: everything but the top-level [`CONTROL`] files.
pub fn overlay_files(case: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(case)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", case.display())))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(case).unwrap();
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|rel| !CONTROL.contains(&rel.as_str()))
        .collect();
    files.sort();
    files
}

/// The base paths (files or folders) a case's `removed` file lists: one
/// per line, relative to the pipeline; `#` starts a comment.
pub fn removed(case: &Path) -> Vec<String> {
    match std::fs::read_to_string(case.join("removed")) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("{}/removed: {e}", case.display()),
    }
}

/// What is wrong with the way a case is stored, if anything: a file that
/// is a byte-identical copy of the base's file at the same path (copies
/// must not creep back), a `removed` entry that is not in the base or that
/// the case also stores, or a case that changes nothing at all (no file,
/// no `removed`, no `setup`: it would silently be the base again).
pub fn storage_problems(case: &Path) -> Vec<String> {
    let base = corpus().join(BASE);
    let name = case.file_name().unwrap_or_default().to_string_lossy();
    if case == base {
        return Vec::new();
    }
    let files = overlay_files(case);
    let gone = removed(case);
    let mut problems = Vec::new();
    for rel in &files {
        let theirs = std::fs::read(base.join(rel));
        if let Ok(theirs) = theirs
            && std::fs::read(case.join(rel)).ok() == Some(theirs)
        {
            problems.push(format!(
                "{name}/{rel} is a copy of {BASE}/{rel}: delete it, the base provides it"
            ));
        }
    }
    for rel in &gone {
        let in_base = std::fs::symlink_metadata(base.join(rel)).is_ok();
        if !in_base || rel.split('/').any(|part| part == ".." || part.is_empty()) {
            problems.push(format!(
                "{name}/removed: {rel:?} is not a file or folder of {BASE}"
            ));
        }
        if files
            .iter()
            .any(|f| f == rel || f.starts_with(&format!("{rel}/")))
        {
            problems.push(format!(
                "{name}/removed: {rel:?} is removed and stored by the case at once"
            ));
        }
    }
    if files.is_empty() && gone.is_empty() && !case.join("setup").exists() {
        problems.push(format!(
            "{name} overlays nothing: no file, no `removed`, no `setup`, so it is {BASE} again"
        ));
    }
    problems
}

/// A case's pipeline, built in a temporary folder: [`Self::path`] is
/// `<tmp>/pipeline`, so a setup's `../` reaches the folder around it.
/// Deleted when dropped.
pub struct Materialized {
    root: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Materialized {
    /// The pipeline folder.
    pub fn path(&self) -> &Path {
        &self.root
    }
}

/// Builds the pipeline of the case folder `case`: the base's files (but
/// its [`CONTROL`] files), then the case's own files over them, then the
/// paths of the case's `removed` file deleted. A `setup` is not applied
/// (that is the harness's job, `tests/it/invalid.rs`). Panics, naming the
/// case, when the case is stored wrongly (see [`storage_problems`]).
pub fn materialize(case: &Path) -> Materialized {
    let problems = storage_problems(case);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let root = tmp.path().join("pipeline");
    std::fs::create_dir_all(&root).unwrap();
    let base = corpus().join(BASE);
    for (from, rel) in overlay_files(&base)
        .into_iter()
        .map(|rel| (base.join(&rel), rel))
        .chain(
            overlay_files(case)
                .into_iter()
                .map(|rel| (case.join(&rel), rel)),
        )
    {
        let to = root.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to)
            .unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
    }
    for rel in removed(case) {
        let path = root.join(&rel);
        let done = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        done.unwrap_or_else(|e| panic!("{}/removed: {rel}: {e}", case.display()));
    }
    Materialized { root, _tmp: tmp }
}
