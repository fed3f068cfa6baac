//! dealbook: sales pipeline as code.
//!
//! The data flows one way: [`spec`] (the format, declared once) →
//! [`reader`] (each document read against the spec, keeping spans) →
//! [`load`] (walk, parse, build the typed, resolved [`model`]) → [`check`]
//! (all diagnostics) → [`analytics`] (pure functions of the model and an
//! `as_of` date) → [`report`] / [`site`] / [`diff`]; [`history`] feeds the
//! analytics one revision at a time, [`watch`] and [`serve`] rebuild on
//! every save. The binary's commands are thin wrappers over the functions
//! here, so tests and benchmarks call the same code. `ARCHITECTURE.md`
//! at the repository's root is the map.

pub mod analytics;
pub mod bidi;
pub mod check;
pub mod diag;
pub mod diag_out;
pub mod diff;
pub mod edit;
pub mod fmt;
pub mod history;
pub mod ids;
pub mod import;
pub mod init;
pub mod ix;
pub mod limits;
pub mod load;
pub mod model;
pub mod money;
pub mod paths;
pub mod period;
pub mod reader;
pub mod report;
pub mod root;
pub mod schema;
pub mod serve;
pub mod site;
pub mod source;
pub mod spec;
pub mod tidy;
pub mod watch;

use diag::Diagnostic;
use jiff::civil::Date;
use model::Pipeline;
use std::path::Path;

/// Process exit statuses, one policy for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// The pipeline has errors (or warnings with `--deny-warnings`).
    Invalid = 1,
    /// Usage error or an I/O failure outside the pipeline's data.
    Failure = 2,
}

/// A loaded and checked pipeline.
#[derive(Debug)]
pub struct Checked {
    /// The pipeline as far as it could be read.
    pub pipeline: Pipeline,
    /// Every problem, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The date the check (and any numbers) are for.
    pub as_of: Date,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == diag::Severity::Error)
    }

    /// Number of pipeline files read.
    pub fn file_count(&self) -> usize {
        self.pipeline
            .sources
            .iter()
            .filter(|(_, f)| f.has_content())
            .count()
    }
}

/// The `as_of` date: the command line's, else the settings', else `today`.
pub fn effective_as_of(p: &Pipeline, cli: Option<Date>, today: Date) -> Date {
    cli.or(p.settings.org.as_of.as_ref().map(|d| d.value))
        .unwrap_or(today)
}

/// Loads and checks the pipeline at `root`. `today` is only used when
/// neither `cli_as_of` nor the settings fix the date.
pub fn load_and_check(
    root: &Path,
    opts: &load::LoadOptions,
    cli_as_of: Option<Date>,
    today: Date,
) -> Checked {
    let loaded = load::load(root, opts);
    finish(loaded, cli_as_of, today)
}

/// [`load_and_check`], handing a copy of each file's parse, with its git
/// blob id, to `keep` as soon as the files are read (before the checks):
/// the history starts from them ([`history::Timeline::read_seeded`]).
pub fn load_and_check_keeping(
    root: &Path,
    opts: &load::LoadOptions,
    cli_as_of: Option<Date>,
    today: Date,
    keep: impl FnOnce(Vec<load::Kept>),
) -> Checked {
    let opts = load::LoadOptions {
        keep: true,
        ..opts.clone()
    };
    let mut loaded = load::load(root, &opts);
    keep(std::mem::take(&mut loaded.kept));
    finish(loaded, cli_as_of, today)
}

/// Runs the checks over a loaded pipeline and sorts all diagnostics.
pub fn finish(loaded: load::Loaded, cli_as_of: Option<Date>, today: Date) -> Checked {
    finish_alongside(loaded, cli_as_of, today, |_, _| ()).0
}

/// [`finish`], running `alongside` on the pipeline and its `as_of` date
/// side by side with the checks (watch mode computes the analytics there:
/// the two are independent).
pub fn finish_alongside<R: Send>(
    loaded: load::Loaded,
    cli_as_of: Option<Date>,
    today: Date,
    alongside: impl FnOnce(&Pipeline, Date) -> R + Send,
) -> (Checked, R) {
    let load::Loaded {
        mut pipeline,
        mut diagnostics,
        ..
    } = loaded;
    let as_of = effective_as_of(&pipeline, cli_as_of, today);
    let (found, extra) = rayon::join(
        || check::check(&pipeline, as_of),
        || alongside(&pipeline, as_of),
    );
    diagnostics.extend(found);
    // Texts dropped after a clean parse are needed again only where a
    // diagnostic points.
    pipeline.sources.restore(
        diagnostics
            .iter()
            .flat_map(|d| [Some(d.span), d.related])
            .flatten()
            .map(|s| s.file),
    );
    let mut list = diag::Diagnostics::new();
    list.extend(diagnostics);
    list.sort(&pipeline.sources);
    let checked = Checked {
        pipeline,
        diagnostics: list.into_vec(),
        as_of,
    };
    (checked, extra)
}
