//! `dealbook report`: the summaries in the terminal.

use super::Failure;
use super::common::{
    AsOf, PipelineDir, Rev, load_at, one_shot, parse_period, print_diagnostics, print_stdout,
    stdout_color,
};
use dealbook::Exit;
use dealbook::analytics::{self, Focus};
use dealbook::diag::{ids_named, quote_list, suggest};
use dealbook::period::Period;
use dealbook::report::{self, CsvTable, Filter};

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

/// `--table`: the CSV tables of [`CsvTable`], as the command line names
/// and describes them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Table {
    /// One row per deal.
    Deals,
    /// One row per period and scope.
    Forecast,
    /// One row per period, person and team.
    Performance,
    /// One row per risk signal.
    Risks,
    /// One row per account.
    Accounts,
    /// Win/loss per period and scope, one row per figure group: the
    /// totals, each competitor, each lost reason, each stage, the decision
    /// times.
    Winloss,
}

impl From<Table> for CsvTable {
    fn from(t: Table) -> CsvTable {
        match t {
            Table::Deals => CsvTable::Deals,
            Table::Forecast => CsvTable::Forecast,
            Table::Performance => CsvTable::Performance,
            Table::Risks => CsvTable::Risks,
            Table::Accounts => CsvTable::Accounts,
            Table::Winloss => CsvTable::Winloss,
        }
    }
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Which table to print with --format csv (default: deals).
    #[arg(long, value_enum)]
    table: Option<Table>,
    /// With --format csv: start with a UTF-8 byte order mark, so that Excel
    /// opens the file as UTF-8 (Chinese names intact) on a double-click.
    #[arg(long, overrides_with = "no_bom")]
    bom: bool,
    /// With --format csv: no byte order mark (the default), for scripts
    /// and other tools.
    #[arg(long, overrides_with = "bom")]
    no_bom: bool,
    #[command(flatten)]
    as_of: AsOf,
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
    #[command(flatten)]
    rev: Rev,
}

/// Runs `report`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    if a.table.is_some() && !matches!(a.format, Format::Csv) {
        return Err(Failure::error(
            "--table picks one table of --format csv; add --format csv, or leave --table out for the whole report",
        ));
    }
    let root = a.pipeline.open()?;
    let checked = load_at(&root, &one_shot(), a.as_of.as_of, &a.rev)?;
    if checked.has_errors() {
        print_diagnostics(&checked);
        return Ok(Exit::Invalid);
    }
    let p = &checked.pipeline;
    let focus = match (&a.person, &a.team) {
        (Some(id), _) => {
            if p.person(id).is_none() {
                let named = p
                    .people
                    .iter()
                    .map(|x| (x.id.value.as_str(), x.name.as_str()));
                return Err(unknown("person", id, named));
            }
            Some(Focus::Person(id.as_str().into()))
        }
        (None, Some(id)) => {
            if p.team(id).is_none() {
                let named = p
                    .teams
                    .iter()
                    .map(|x| (x.id.value.as_str(), x.name.as_str()));
                return Err(unknown("team", id, named));
            }
            Some(Focus::Team(id.as_str().into()))
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
        Format::Table => report::text(&view, p, period, stdout_color()),
        Format::Markdown => report::markdown(&view, p, period),
        Format::Json => report::json(&view, p),
        Format::Csv => match report::csv(&view, p, a.table.map_or(CsvTable::Deals, CsvTable::from))
        {
            Ok(s) if a.bom && !a.no_bom => format!("{}{s}", report::BOM),
            Ok(s) => s,
            Err(e) => return Err(Failure::error(format!("cannot write CSV: {e}"))),
        },
    };
    print_stdout(&text)?;
    Ok(Exit::Ok)
}

/// Reports an unknown `--person` or `--team` id, with a suggestion: the
/// id whose name it is, else a close id. `known` is (id, name).
fn unknown<'a>(
    kind: &str,
    id: &str,
    known: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Failure {
    let hint = match ids_named(id, known.clone()).as_slice() {
        [one] => Some(format!(
            "\"{id}\" is the name of {kind} \"{one}\": use --{kind} {one}"
        )),
        [] => {
            let ids: Vec<&str> = known.into_iter().map(|(i, _)| i).collect();
            suggest(id, ids.iter().copied())
        }
        many => Some(format!(
            "\"{id}\" is the name of {kind}s {}",
            quote_list(many)
        )),
    };
    Failure::error(format!(
        "unknown {kind} \"{id}\"{}",
        hint.map(|h| format!(" ({h})")).unwrap_or_default()
    ))
}
