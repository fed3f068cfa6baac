//! `dealbook history`: the pipeline through its git history — forecast
//! trend, the last week's change and forecast accuracy — as tables,
//! Markdown, CSV or one JSON document.

use super::common::{
    PipelineDir, one_shot, parse_date, parse_period, print_stdout, stdout_color, today,
};
use dealbook::analytics::Focus;
use dealbook::diag::suggest;
use dealbook::history::{self, Every, render};
use dealbook::period::Period;
use dealbook::{Exit, load_and_check};
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Aligned tables for an 80-column terminal.
    Table,
    /// One versioned JSON document (docs/history-json.md).
    Json,
    /// One CSV table (see --table).
    Csv,
    /// Markdown tables.
    Markdown,
}

/// Arguments of `history`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// The period of the trend: 2026, 2026-Q4 or 2026-11. Default: the
    /// quarter of the range's end. Its grain is also the grain of the
    /// closed periods whose accuracy is measured.
    #[arg(long, value_parser = parse_period)]
    period: Option<Period>,
    /// Start at the last commit on or before this date (a long history
    /// reads faster).
    #[arg(long, value_parser = parse_date)]
    since: Option<Date>,
    /// How often to take a snapshot.
    #[arg(long, value_enum, default_value = "week")]
    every: Every,
    /// Only this person (id).
    #[arg(long, conflicts_with = "team")]
    person: Option<String>,
    /// Only this team (id) and its people.
    #[arg(long)]
    team: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Which table to print with --format csv.
    #[arg(long, value_enum, default_value = "trend")]
    table: render::CsvTable,
    /// The range's end (the latest point's date): default the settings'
    /// as_of, else today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Print what reading the history cost (for the benchmark).
    #[arg(long, hide = true)]
    timings: bool,
}

/// Runs `history`.
pub fn run(a: Args) -> Exit {
    let root = match a.pipeline.open() {
        Ok(r) => r,
        Err(e) => return e,
    };
    let checked = load_and_check(&root, &one_shot(), a.as_of, today());
    let p = &checked.pipeline;
    let focus = match (&a.person, &a.team) {
        (Some(id), _) => {
            if p.person(id).is_none() && !p.people.is_empty() {
                return unknown("person", id, p.people.iter().map(|x| x.id.value.as_str()));
            }
            Some(Focus::Person(id.clone()))
        }
        (None, Some(id)) => {
            if p.team(id).is_none() && !p.teams.is_empty() {
                return unknown("team", id, p.teams.iter().map(|x| x.id.value.as_str()));
            }
            Some(Focus::Team(id.clone()))
        }
        (None, None) => None,
    };
    let opts = history::Options {
        every: a.every,
        since: a.since,
        period: a.period,
        grain: a
            .period
            .map_or(dealbook::period::Grain::Quarter, |p| p.grain()),
        ..history::Options::default()
    };
    let h = match history::read(&root, &checked, &opts) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    if a.timings {
        let s = &h.timeline.stats;
        let t = &s.timings;
        eprintln!(
            "history: {} commits, {} paths, {} distinct blobs read, {} file versions parsed, {} snapshots, {} rebuilds",
            s.commits, s.files, s.blobs, s.parsed, s.points, s.rebuilds
        );
        eprintln!(
            "    git log {:?}, cat-file {:?}, parse {:?}, replay {:?} (assemble {:?}, check {:?}, figures {:?} side by side)",
            t.log, t.blobs, t.parse, t.replay, t.assemble, t.check, t.figures
        );
    }
    let sel = history::json::select(&h, focus.as_ref());
    let currency = p.settings.org.currency.value.as_str();
    let text = match a.format {
        Format::Table => render::text(&h, &sel, currency, stdout_color()),
        Format::Markdown => render::markdown(&h, &sel, currency),
        Format::Json => history::json::json(&h, &sel, focus.is_none(), currency),
        Format::Csv => match render::csv(&h, &sel, a.table) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot write CSV: {e}");
                return Exit::Failure;
            }
        },
    };
    if let Err(e) = print_stdout(&text) {
        return e;
    }
    if checked.has_errors() {
        let s = dealbook::diag_out::Summary::of(&checked.diagnostics, checked.file_count());
        eprintln!(
            "error: the pipeline has errors now ({}); run `dealbook check`",
            s.line()
        );
        return Exit::Invalid;
    }
    Exit::Ok
}

/// Reports an unknown `--person` or `--team` id, with a suggestion.
fn unknown<'a>(kind: &str, id: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> Exit {
    eprintln!(
        "error: unknown {kind} \"{id}\"{}",
        suggest(id, known)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    );
    Exit::Failure
}
