//! `dealbook history`: the pipeline through its git history — forecast
//! trend, the last week's change and forecast accuracy — as tables,
//! Markdown, CSV or one JSON document.

use super::Failure;
use super::common::{
    PipelineDir, one_shot, parse_date, parse_period, print_stdout, stdout_color, today,
};
use dealbook::analytics::Focus;
use dealbook::diag::suggest;
use dealbook::history::{self, Every, render};
use dealbook::period::Period;
use dealbook::{Exit, load_and_check_keeping};
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
    /// Start at the last commit on or before this date, YYYY-MM-DD (a
    /// long history reads faster).
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
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
    /// The range's end (the latest point's date), YYYY-MM-DD: default the
    /// settings' as_of, else today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Print what reading the history cost (for the benchmark).
    #[arg(long, hide = true)]
    timings: bool,
    /// Check every snapshot in full too, to test the incremental check.
    #[arg(long, hide = true)]
    verify_checks: bool,
}

/// Runs `history`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let root = a.pipeline.open()?;
    let opts = history::Options {
        every: a.every,
        since: a.since,
        period: a.period,
        grain: a
            .period
            .map_or(dealbook::period::Grain::Quarter, |p| p.grain()),
        verify: a.verify_checks,
        exit_after: true,
        ..history::Options::default()
    };
    // The history is read while the pipeline as it is now loads: the two
    // are independent once the range's end is known.
    let end = history::range_end(&root, a.as_of, today());
    let clock = std::time::Instant::now();
    // The history starts from the files the load reads (those unchanged
    // since a commit need no reading from git and no parsing again).
    let (seed_tx, seed_rx) = std::sync::mpsc::channel();
    let (checked, read) = std::thread::scope(|s| {
        let history = s.spawn(|| {
            let clock = std::time::Instant::now();
            let seed = move || seed_rx.recv().unwrap_or_default();
            (
                history::Timeline::read_seeded(&root, end, &opts, seed),
                clock.elapsed(),
            )
        });
        let checked = load_and_check_keeping(&root, &one_shot(), a.as_of, today(), |kept| {
            let _ = seed_tx.send(kept);
        });
        let load_time = clock.elapsed();
        let read = history.join().expect("reading the history panicked");
        ((checked, load_time), read)
    });
    let (checked, load_time) = checked;
    let (timeline, read_time) = read;
    let mut timeline = std::sync::Arc::new(timeline.map_err(Failure::error)?);
    if timeline.end != checked.as_of {
        // dealbook.toml said otherwise once loaded in full.
        let t = history::Timeline::read(&root, checked.as_of, &opts).map_err(Failure::error)?;
        timeline = std::sync::Arc::new(t);
    }
    let p = &checked.pipeline;
    let focus = match (&a.person, &a.team) {
        (Some(id), _) => {
            if p.person(id).is_none() && !p.people.is_empty() {
                return Err(unknown(
                    "person",
                    id,
                    p.people.iter().map(|x| x.id.value.as_str()),
                ));
            }
            Some(Focus::Person(id.as_str().into()))
        }
        (None, Some(id)) => {
            if p.team(id).is_none() && !p.teams.is_empty() {
                return Err(unknown(
                    "team",
                    id,
                    p.teams.iter().map(|x| x.id.value.as_str()),
                ));
            }
            Some(Focus::Team(id.as_str().into()))
        }
        (None, None) => None,
    };
    let clock = std::time::Instant::now();
    let h = timeline.finish(&checked);
    let finish_time = clock.elapsed();
    if a.timings {
        eprintln!("{}", h.timeline.stats.describe());
        eprintln!(
            "    load the working tree {load_time:?}; read the history {read_time:?}; the latest point {finish_time:?}"
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
            Err(e) => return Err(Failure::error(format!("cannot write CSV: {e}"))),
        },
    };
    print_stdout(&text)?;
    let failed = checked.has_errors().then(|| {
        dealbook::diag_out::Summary::of(&checked.diagnostics, checked.file_count()).line()
    });
    // The process ends here: freeing every parsed version of every file
    // and the pipeline one by one would only make it slower to exit.
    std::mem::forget(h);
    std::mem::forget(timeline);
    std::mem::forget(checked);
    if let Some(line) = failed {
        return Err(Failure::invalid(format!(
            "the pipeline has errors now ({line}); run `dealbook check`"
        )));
    }
    Ok(Exit::Ok)
}

/// Reports an unknown `--person` or `--team` id, with a suggestion.
fn unknown<'a>(kind: &str, id: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> Failure {
    Failure::error(format!(
        "unknown {kind} \"{id}\"{}",
        suggest(id, known)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    ))
}
