//! Assembling a pipeline from its parsed files: placing each file's typed
//! content, reporting missing and unreadable files, and resolving the
//! references between files.

use super::convert::{self, default_settings};
use super::{FileKind, Loaded, Parsed, PathProblem};
use crate::diag::{Code, Diagnostic};
use crate::model::{Coverage, Index, Pipeline};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::path::Path;
use std::sync::Arc;

/// How many files of each kind the walk found, to size the pipeline's lists.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct KindCounts {
    files: usize,
    accounts: usize,
    deals: usize,
}

impl KindCounts {
    pub(super) fn add(&mut self, kind: FileKind) {
        self.files += 1;
        match kind {
            FileKind::Account => self.accounts += 1,
            FileKind::Deal => self.deals += 1,
            _ => {}
        }
    }
}

/// Builds the pipeline from parsed files (in [`FileId`] order) and the
/// walk's problems. Shared by [`super::load`], watch mode and `diff`.
pub fn assemble(root: &Path, parsed: Vec<Parsed>, problems: Vec<PathProblem>) -> Loaded {
    let mut asm = Assembler::new(root);
    let mut counts = KindCounts::default();
    for p in &parsed {
        counts.files += 1;
        match p.item {
            convert::Item::Account(_) => counts.accounts += 1,
            convert::Item::Deal(_) => counts.deals += 1,
            _ => {}
        }
    }
    asm.reserve(&counts);
    for p in parsed {
        asm.push(p);
    }
    asm.finish(problems)
}

/// Builds a pipeline from parsed files handed over one at a time, in
/// [`FileId`] order, then the walk's problems ([`Assembler::finish`]).
pub struct Assembler {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    seen_settings: bool,
    seen_team: bool,
}

impl Assembler {
    /// An empty pipeline at `root`.
    pub fn new(root: &Path) -> Assembler {
        Assembler {
            pipeline: Pipeline {
                root: root.to_path_buf(),
                sources: SourceMap::new(root),
                settings: default_settings(FileId(0)),
                teams: Vec::new(),
                people: Vec::new(),
                accounts: Vec::new(),
                deals: Vec::new(),
                targets: Vec::new(),
                coverage: Coverage::default(),
                index: Index::default(),
            },
            diagnostics: Vec::new(),
            seen_settings: false,
            seen_team: false,
        }
    }

    pub(super) fn reserve(&mut self, counts: &KindCounts) {
        let p = &mut self.pipeline;
        p.sources.reserve(counts.files);
        p.accounts.reserve_exact(counts.accounts);
        p.deals.reserve_exact(counts.deals);
    }

    /// Adds the next file; its [`FileId`] is the number of files added before.
    pub fn push(&mut self, p: Parsed) {
        convert::place(
            &mut self.pipeline,
            &p.source.rel_path,
            p.item,
            &mut self.seen_settings,
            &mut self.seen_team,
        );
        self.pipeline.sources.add(p.source);
        self.diagnostics.extend(p.diags);
    }

    /// Adds the walk's problems, reports missing files and resolves the
    /// references.
    pub fn finish(self, problems: Vec<PathProblem>) -> Loaded {
        let Assembler {
            mut pipeline,
            mut diagnostics,
            mut seen_settings,
            mut seen_team,
        } = self;
        // dealbook.toml or team.toml that the walk already reported as
        // unreadable is not also "missing".
        for PathProblem { rel, code, message } in problems {
            if code.severity() == crate::diag::Severity::Error {
                seen_settings |= rel == "dealbook.toml";
                seen_team |= rel == "team.toml";
            }
            let id = pipeline.sources.add(SourceFile::new(rel, Arc::from("")));
            diagnostics.push(Diagnostic::new(code, Span::file_start(id), message));
        }
        for (seen, name, what) in [
            (
                seen_settings,
                "dealbook.toml",
                "settings: [org], [[stage]] and [rules]",
            ),
            (
                seen_team,
                "team.toml",
                "the people and teams: [[person]] and [[team]]",
            ),
        ] {
            if !seen {
                let id = pipeline
                    .sources
                    .add(SourceFile::new(name.to_string(), Arc::from("")));
                diagnostics.push(
                    Diagnostic::new(
                        Code::MissingFile,
                        Span::file_start(id),
                        format!("{name} is missing"),
                    )
                    .hint(format!(
                        "{name} holds {what}; `dealbook init` writes a starting point"
                    )),
                );
            }
        }
        pipeline.resolve();
        Loaded {
            pipeline,
            diagnostics,
            kept: Vec::new(),
        }
    }
}
