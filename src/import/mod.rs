//! `dealbook import`: deals (and the accounts and contacts they name) from
//! CRM exports, driven by a rules file ([`rules`]). Reference:
//! docs/import.md.
//!
//! Each row is mapped and validated on its own (owner, stage, amount,
//! currency, dates); a bad row gets a diagnostic `file.csv:row:column` and
//! is left out, the rest are imported. A deal records where it came from
//! (`source = { system, id }`), so importing the same export again changes
//! nothing and a newer export updates, in place, only the fields whose
//! values changed (comments, order and fields the rules do not map stay),
//! appending a `[[history]]` entry when the stage or the expected close
//! changed. The pipeline as it would be is checked before anything is
//! written: rows whose files would have new errors are left out too, with
//! the check's message.

mod accounts;
mod columns;
mod deals;
mod mapper;
mod problem;
pub mod rules;
pub mod table;
pub mod values;
mod verify;

pub use deals::render_new;
pub use mapper::make_id;
pub use problem::{Problem, sort_problems};

use crate::Checked;
use crate::diag::Severity;
use crate::edit::snapshot::{Changes, Snapshot};
use columns::{RowCx, resolve_columns};
use jiff::civil::Date;
use mapper::Mapper;
use rules::Rules;
use std::collections::{HashMap, HashSet};
use table::Table;

/// A CSV file to import: its path and the name messages use.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where to read it.
    pub path: std::path::PathBuf,
    /// As given on the command line.
    pub name: String,
}

/// What an import does, before it is written.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// New and changed files.
    pub changes: Changes,
    /// Every row problem, in file and row order.
    pub problems: Vec<Problem>,
    /// Rows read (with content).
    pub rows: usize,
    /// New deal files.
    pub created: Vec<String>,
    /// Changed deal files, with the fields that changed.
    pub updated: Vec<(String, Vec<String>)>,
    /// Rows whose deal is already as the export says.
    pub unchanged: usize,
    /// New account files.
    pub accounts_created: Vec<String>,
    /// Existing account files that got contacts.
    pub accounts_changed: Vec<String>,
    /// Contacts added.
    pub contacts_added: usize,
    /// Columns of each file that no rule reads.
    pub unused_columns: Vec<(String, Vec<String>)>,
    /// Which rows wrote each file (to blame a file's check errors).
    rows_of: HashMap<String, Vec<(String, usize)>>,
}

impl Plan {
    /// Rows left out because of errors.
    pub fn skipped(&self) -> usize {
        let mut rows: HashSet<(&str, usize)> = HashSet::new();
        for p in &self.problems {
            if p.severity == Severity::Error {
                rows.insert((&p.file, p.row));
            }
        }
        rows.len()
    }

    /// Whether any row was left out because of an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Reads the exports and works out the changes against the pipeline as it
/// is (`snapshot`, checked as `before`). `date` dates the history entries
/// of changes the export has no date for. Errors: a file that cannot be
/// read, or columns the rules need that a file lacks.
pub fn plan(
    snapshot: &Snapshot,
    before: &Checked,
    rules: &Rules,
    inputs: &[Input],
    date: Date,
) -> Result<Plan, String> {
    let tables: Vec<Table> = inputs
        .iter()
        .map(|i| table::read(&i.path, &i.name, &rules.csv))
        .collect::<Result<_, _>>()?;
    plan_tables(snapshot, before, rules, &tables, date)
}

/// [`plan`] over files already read.
pub fn plan_tables(
    snapshot: &Snapshot,
    before: &Checked,
    rules: &Rules,
    tables: &[Table],
    date: Date,
) -> Result<Plan, String> {
    let mut m = Mapper::new(snapshot, before, rules, date);
    let mut plan = Plan::default();
    for t in tables {
        let cols = resolve_columns(rules, t)?;
        let used: HashSet<usize> = cols.values().flatten().copied().collect();
        let unused: Vec<String> = t
            .headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !used.contains(i) && !h.is_empty())
            .map(|(_, h)| h.clone())
            .collect();
        if !unused.is_empty() {
            plan.unused_columns.push((t.name.clone(), unused));
        }
        for row in &t.rows {
            plan.rows += 1;
            let cx = RowCx {
                table: t,
                row,
                cols: &cols,
                rules,
            };
            match m.map_row(&cx) {
                Ok((mapped, warnings)) => {
                    plan.problems.extend(warnings);
                    m.accept(mapped, &mut plan);
                }
                Err(problems) => plan.problems.extend(problems),
            }
        }
    }
    m.finish(&mut plan);
    Ok(plan)
}

/// Checks the pipeline as `plan` would leave it; the changes of files
/// that would get new errors are dropped (their rows get the check's
/// message as an error), at most three times over. Returns the final
/// check (`None` when nothing changes: the pipeline stays as `before`), or
/// the errors that remain outside the imported files (then nothing may be
/// written).
pub fn verify(
    snapshot: &Snapshot,
    before: &Checked,
    plan: &mut Plan,
    today: Date,
) -> Result<Option<Checked>, Vec<String>> {
    verify::verify_changes(snapshot, before, plan, today)
}
