//! `dealbook report`: the summaries in the terminal.

use super::{one_shot, parse_date, pipeline_dir, print_diagnostics, today};
use dealbook::analytics::{self, Focus};
use dealbook::diag::suggest;
use dealbook::period::Period;
use dealbook::report::{self, CsvTable, Filter};
use dealbook::{Exit, load_and_check};
use jiff::civil::Date;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Aligned tables for an 80-column terminal.
    Table,
    /// One versioned JSON document with every figure.
    Json,
    /// One CSV table (see --table).
    Csv,
    /// Markdown tables.
    Markdown,
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Which table to print with --format csv.
    #[arg(long, value_enum, default_value = "deals")]
    table: CsvTable,
    /// Compute as of this date instead of the settings' as_of or today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Period: a fiscal year (2026), quarter (2026-Q4) or month (2026-11).
    /// Default: the current quarter.
    #[arg(long, value_parser = parse_period)]
    period: Option<Period>,
    /// Only this person (id).
    #[arg(long, conflicts_with = "team")]
    person: Option<String>,
    /// Only this team (id).
    #[arg(long)]
    team: Option<String>,
}

fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s).ok_or_else(|| "expected a period like 2026, 2026-Q4 or 2026-11".to_string())
}

/// Runs `report`.
pub fn run(a: Args) -> Exit {
    let root = match pipeline_dir(&a.dir) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let checked = load_and_check(&root, &one_shot(), a.as_of, today());
    if checked.has_errors() {
        print_diagnostics(&checked);
        return Exit::Invalid;
    }
    let p = &checked.pipeline;
    let focus = match (&a.person, &a.team) {
        (Some(id), _) => {
            if p.person(id).is_none() {
                eprintln!(
                    "error: unknown person \"{id}\"{}",
                    suggest(id, p.people.iter().map(|x| x.id.value.as_str()))
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                );
                return Exit::Failure;
            }
            Some(Focus::Person(id.clone()))
        }
        (None, Some(id)) => {
            if p.team(id).is_none() {
                eprintln!(
                    "error: unknown team \"{id}\"{}",
                    suggest(id, p.teams.iter().map(|x| x.id.value.as_str()))
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default()
                );
                return Exit::Failure;
            }
            Some(Focus::Team(id.clone()))
        }
        (None, None) => None,
    };
    let opts = analytics::Options {
        periods: a.period.into_iter().collect(),
        period: a.period,
        focus: focus.clone(),
    };
    let full = analytics::compute(p, checked.as_of, &opts);
    let period = full.kpis.period;
    let filter = Filter {
        period,
        period_given: a.period.is_some(),
        focus,
    };
    let view = report::filter(full, &filter, p);
    let text = match a.format {
        Format::Table => report::text(&view, p, period, super::stdout_color()),
        Format::Markdown => report::markdown(&view, p, period),
        Format::Json => report::json(&view, p),
        Format::Csv => match report::csv(&view, p, a.table) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot write CSV: {e}");
                return Exit::Failure;
            }
        },
    };
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return Exit::Failure;
    }
    Exit::Ok
}
