//! `dealbook check`: validate and print diagnostics.

use super::Failure;
use super::common::{PipelineDir, one_shot, parse_date, print_stdout, stdout_color, today};
use dealbook::diag_out;
use dealbook::{Exit, load_and_check};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Readable text with source snippets (coloured on a terminal).
    Human,
    /// One versioned JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A GitLab Code Quality report (Code Climate JSON), for
    /// `artifacts: reports: codequality`.
    Gitlab,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit 1 on warnings too (notes never change the exit status).
    #[arg(long)]
    deny_warnings: bool,
    /// Check as of this date, YYYY-MM-DD (history in the future, etc.).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// List the problems of the files changed since this git revision
    /// (and uncommitted ones) first, e.g. origin/main in a pull request:
    /// GitHub shows only 10 annotations of each severity per step. The
    /// summary line still counts everything.
    #[arg(long, value_name = "REV")]
    changed_since: Option<String>,
}

/// Runs `check`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let root = a.pipeline.open()?;
    if a.changed_since.is_some() && !matches!(a.format, Format::Github) {
        return Err(Failure::error("--changed-since works with --format github"));
    }
    let changed = match &a.changed_since {
        Some(rev) => match dealbook::diff::git::changed_since(&root, rev) {
            Ok(files) => Some(diag_out::Changed {
                since: rev.clone(),
                files,
            }),
            Err(e) => return Err(Failure::error(e)),
        },
        None => None,
    };
    let checked = load_and_check(&root, &one_shot(), a.as_of, today());
    let files = checked.file_count();
    let diags = &checked.diagnostics;
    let sources = &checked.pipeline.sources;
    let summary = diag_out::Summary::of(diags, files);
    let text = match a.format {
        Format::Human => {
            let mut t = diag_out::human(diags, sources, stdout_color());
            if summary.errors + summary.warnings == 0 {
                let notes = match summary.notes {
                    0 => String::new(),
                    1 => " (1 note)".into(),
                    n => format!(" ({n} notes)"),
                };
                t.push_str(&format!("ok: {files} files, no problems{notes}\n"));
            } else {
                t.push_str(&format!("{}\n", summary.line()));
            }
            t
        }
        Format::Json => diag_out::json(diags, sources, files),
        Format::Github => diag_out::github_changed_first(
            diags,
            sources,
            files,
            &root.to_string_lossy(),
            changed.as_ref(),
        ),
        Format::Gitlab => diag_out::gitlab(diags, sources, &root.to_string_lossy()),
    };
    print_stdout(&text)?;
    let exit = if summary.errors > 0 || (a.deny_warnings && summary.warnings > 0) {
        Exit::Invalid
    } else {
        Exit::Ok
    };
    // The process ends right after this: freeing a large pipeline one
    // allocation at a time would only delay the exit (0.15 s at 100k deals).
    std::mem::forget(checked);
    Ok(exit)
}
