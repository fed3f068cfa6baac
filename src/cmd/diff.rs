//! `dealbook diff`: compare the pipeline at two git revisions (or two
//! folders) and print the review as Markdown or JSON.

use super::Failure;
use super::common::{parse_date, parse_period, print_stdout, today};
use dealbook::Exit;
use dealbook::diff::{self, markdown};
use dealbook::period::Period;
use jiff::civil::Date;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// For a pull-request comment or a CI job summary.
    Markdown,
    /// One versioned JSON document (docs/diff-json.md).
    Json,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The "before" side: a git revision (main, origin/main, HEAD~1, a
    /// commit id) or a pipeline folder.
    a: String,
    /// The "after" side, like A; default: the working tree (--dir).
    b: Option<String>,
    /// The pipeline folder in the working tree (or any folder inside it);
    /// revisions are read from the same path inside its git repository.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
    /// Focus period of the headline and the forecast table: 2026, 2026-Q4
    /// or 2026-11. Default: the current quarter.
    #[arg(long, value_parser = parse_period)]
    period: Option<Period>,
    /// Base URL of the published site; deal names link to its deal pages.
    #[arg(long)]
    site_url: Option<String>,
    /// Compare both sides as of this date, YYYY-MM-DD (default: B's
    /// `as_of`, else A's, else today).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Markdown: cut to at most N characters (not bytes) for a
    /// pull-request comment (GitHub's limit is 65,536), at a section
    /// boundary, never inside a table, with a line saying what was left out.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2000..))]
    max_chars: Option<u64>,
    /// Markdown: where the full diff is (Markdown text, e.g. a link to the
    /// CI run's summary), for the line under a diff cut by --max-chars.
    #[arg(long, value_name = "MARKDOWN", requires = "max_chars")]
    full_diff: Option<String>,
}

/// Runs `diff`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let req = diff::Request {
        a: a.a,
        b: a.b,
        dir: dealbook::root::discover(&a.dir),
        period: a.period,
        as_of: a.as_of,
        today: today(),
    };
    let d = diff::run(&req).map_err(Failure::error)?;
    let text = match a.format {
        Format::Markdown => markdown::markdown(
            &d,
            &markdown::Options {
                site_url: a.site_url,
                max_chars: a.max_chars.map(|n| n as usize),
                full_diff: a.full_diff,
            },
        ),
        Format::Json => diff::json::json(&d),
    };
    print_stdout(&text)?;
    Ok(if d.valid { Exit::Ok } else { Exit::Invalid })
}
