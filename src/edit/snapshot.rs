//! The pipeline as read once, checked as it is and as it would be after a
//! set of changes, without writing anything: every file is read and parsed
//! once; a changed or new file is parsed from its new text, the rest are
//! copied, and the two pipelines are assembled and checked the way
//! `dealbook check` does. Comparing their errors tells whether a change
//! would break the pipeline.

use crate::diag::{Code, Diagnostic, Severity};
use crate::load::{self, Content, FileKind, LoadOptions, Parsed};
use crate::source::FileId;
use crate::{Checked, finish};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// New texts by path relative to the root (a path not in the pipeline yet
/// is a new file).
pub type Changes = BTreeMap<String, String>;

/// Every file of a pipeline, read and parsed.
pub struct Snapshot {
    root: PathBuf,
    files: Vec<Parsed>,
    kinds: Vec<FileKind>,
    problems: Vec<load::PathProblem>,
    index: HashMap<String, usize>,
}

impl Snapshot {
    /// Reads and parses the pipeline at `root`.
    pub fn load(root: &Path) -> Snapshot {
        let (found, problems) = load::walk(root, &LoadOptions::default());
        let files: Vec<Parsed> = found
            .par_iter()
            .enumerate()
            .with_min_len(64)
            .map(|(i, f)| {
                load::parse_file(FileId(i as u32), &f.rel, f.kind, load::read_bytes(&f.path))
            })
            .collect();
        let index = found
            .iter()
            .enumerate()
            .map(|(i, f)| (f.rel.clone(), i))
            .collect();
        Snapshot {
            root: root.to_path_buf(),
            kinds: found.iter().map(|f| f.kind).collect(),
            files,
            problems,
            index,
        }
    }

    /// The pipeline's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The text of a file, if it is part of the pipeline.
    pub fn text(&self, rel: &str) -> Option<&str> {
        self.index.get(rel).map(|&i| &*self.files[i].source.text)
    }

    /// The relative paths of the files of a kind, in walk order.
    pub fn paths(&self, kind: FileKind) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .zip(&self.kinds)
            .filter(move |(_, k)| **k == kind)
            .map(|(p, _)| p.source.rel_path.as_str())
    }

    /// The pipeline with `changes` applied, checked for `as_of` (else the
    /// settings' `as_of`, else `today`).
    pub fn check(&self, changes: &Changes, as_of: Option<Date>, today: Date) -> Checked {
        let mut parsed: Vec<Parsed> = self
            .files
            .par_iter()
            .with_min_len(256)
            .enumerate()
            .map(|(i, p)| match changes.get(&p.source.rel_path) {
                Some(text) => reparse(i, &p.source.rel_path, self.kinds[i], text),
                None => p.clone(),
            })
            .collect();
        let first = parsed.len();
        let new: Vec<(&String, &String, FileKind)> = changes
            .iter()
            .filter(|(rel, _)| !self.index.contains_key(*rel))
            .filter_map(|(rel, text)| FileKind::of(rel).map(|k| (rel, text, k)))
            .collect();
        parsed.par_extend(
            new.par_iter()
                .enumerate()
                .with_min_len(64)
                .map(|(i, (rel, text, kind))| reparse(first + i, rel, *kind, text)),
        );
        let loaded = load::assemble(&self.root, parsed, self.problems.clone());
        finish(loaded, as_of, today)
    }
}

fn reparse(id: usize, rel: &str, kind: FileKind, text: &str) -> Parsed {
    load::parse_file(
        FileId(id as u32),
        rel,
        kind,
        Content::Bytes(text.as_bytes().to_vec()),
    )
}

/// A diagnostic's identity across two checks of nearly the same pipeline:
/// its code, file and message (positions move when a file is edited).
fn identity(c: &Checked, d: &Diagnostic) -> (Code, String, String) {
    (
        d.code,
        c.pipeline.sources.get(d.span.file).rel_path.clone(),
        d.message.clone(),
    )
}

/// The diagnostics of `severity` that `after` has and `before` does not.
pub fn new_diagnostics<'a>(
    before: &Checked,
    after: &'a Checked,
    severity: Severity,
) -> Vec<&'a Diagnostic> {
    let mut seen: HashMap<(Code, String, String), usize> = HashMap::new();
    for d in before
        .diagnostics
        .iter()
        .filter(|d| d.severity() == severity)
    {
        *seen.entry(identity(before, d)).or_default() += 1;
    }
    after
        .diagnostics
        .iter()
        .filter(|d| d.severity() == severity)
        .filter(|d| match seen.get_mut(&identity(after, d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}
