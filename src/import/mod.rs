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

pub mod rules;
pub mod table;
pub mod values;

use crate::diag::{Severity, did_you_mean};
use crate::edit::doc::{Doc, Lit};
use crate::edit::snapshot::{Changes, Snapshot, new_diagnostics};
use crate::ix::{DealIx, StageIx, enumerate};
use crate::model::{Deal, Outcome, Pipeline};
use crate::spec;
use crate::{Checked, ids};
use jiff::civil::Date;
use rules::Rules;
use std::collections::{BTreeMap, HashMap, HashSet};
use table::Table;

/// A problem with one row (or one file) of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The CSV file as named on the command line.
    pub file: String,
    /// The row as a spreadsheet shows it.
    pub row: usize,
    /// The column (1-based) and its header, when one cell is at fault.
    pub column: Option<(usize, String)>,
    /// Error: the row was left out. Warning: imported anyway, or skipped
    /// on purpose (a duplicate).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match &self.column {
            Some((c, h)) => write!(
                f,
                "{}:{}:{c}: {sev}: {} (column \"{h}\")",
                self.file, self.row, self.message
            )?,
            None => write!(f, "{}:{}: {sev}: {}", self.file, self.row, self.message)?,
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

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

/// Field → the columns it reads (all of them joined), for one file.
type Columns = BTreeMap<String, Vec<usize>>;

fn resolve_columns(rules: &Rules, t: &Table) -> Result<Columns, String> {
    let mut cols = Columns::new();
    let mut missing = Vec::new();
    for (field, col) in &rules.columns {
        let found = col.alternatives().into_iter().find_map(|alt| {
            alt.iter()
                .map(|h| t.column(h))
                .collect::<Option<Vec<usize>>>()
        });
        match found {
            Some(ix) => {
                cols.insert(field.clone(), ix);
            }
            None if rules.is_optional(field) => {}
            None => missing.push(format!("`{field}` ← {}", col.describe())),
        }
    }
    if missing.is_empty() {
        return Ok(cols);
    }
    let headers: Vec<String> = t
        .headers
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| format!("\"{h}\""))
        .collect();
    let mut msg = format!(
        "{}: the rules need columns this file does not have:\n  {}\nits columns are: {}",
        t.name,
        missing.join("\n  "),
        headers.join(", ")
    );
    let guesses: Vec<String> = missing_guesses(rules, t);
    if !guesses.is_empty() {
        msg.push_str(&format!("\n(did you mean {}?)", guesses.join(", ")));
    }
    msg.push_str("\nmap them in the rules file's [columns] (or list the field in [optional] columns); `dealbook import --print-preset NAME` prints a preset to start from");
    Err(msg)
}

fn missing_guesses(rules: &Rules, t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for col in rules.columns.values() {
        for alt in col.alternatives() {
            for h in alt {
                if t.column(&h).is_none()
                    && let Some(g) = did_you_mean(&h, t.headers.iter().map(String::as_str))
                {
                    out.push(format!("\"{g}\" for \"{h}\""));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

struct RowCx<'a> {
    table: &'a Table,
    row: &'a table::Row,
    cols: &'a Columns,
    rules: &'a Rules,
}

impl RowCx<'_> {
    /// The field's text (its columns' non-empty values joined), with the
    /// column to blame; else the rules' default (no column).
    fn get(&self, field: &str) -> Option<(String, Option<(usize, String)>)> {
        if let Some(ix) = self.cols.get(field) {
            let parts: Vec<&str> = ix
                .iter()
                .filter_map(|&i| self.row.cells.get(i).map(String::as_str))
                .filter(|s| !s.is_empty())
                .collect();
            if !parts.is_empty() {
                let c = ix[0];
                return Some((
                    parts.join(" / "),
                    Some((c + 1, self.table.headers[c].clone())),
                ));
            }
        }
        self.default(field).map(|v| (v, None))
    }

    /// The field's text from its columns only (no default).
    fn column_value(&self, field: &str) -> Option<String> {
        let ix = self.cols.get(field)?;
        let parts: Vec<&str> = ix
            .iter()
            .filter_map(|&i| self.row.cells.get(i).map(String::as_str))
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    fn default(&self, field: &str) -> Option<String> {
        match self.rules.defaults.get(field)? {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Float(f) => Some(f.to_string()),
            toml::Value::Datetime(d) => Some(d.to_string()),
            toml::Value::Boolean(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Whether the field is mapped at all (a column in this file, or a
    /// default).
    fn mapped(&self, field: &str) -> bool {
        self.cols.contains_key(field) || self.rules.defaults.contains_key(field)
    }

    fn problem(
        &self,
        severity: Severity,
        at: Option<(usize, String)>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Problem {
        Problem {
            file: self.table.name.clone(),
            row: self.row.number,
            column: at,
            severity,
            message: message.into(),
            hint,
        }
    }
}

/// A row turned into what the deal file should say. A key that is not in
/// `values` is not mapped (left as it is); a value of `None` removes it.
#[derive(Debug, Clone)]
struct Mapped {
    at: (String, usize),
    source_id: String,
    id_text: String,
    account: AccountRef,
    contact: Option<NewContact>,
    values: Vec<(&'static str, Option<Lit>)>,
    stage: String,
    outcome: Option<Outcome>,
    close: Option<Date>,
    created: Option<Date>,
    stage_date: Option<Date>,
}

impl Mapped {
    fn value(&self, key: &str) -> Option<&Option<Lit>> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone)]
enum AccountRef {
    /// An account that exists.
    Existing(String),
    /// One to create (or created by an earlier row): its name.
    New {
        name: String,
        industry: Option<String>,
        region: Option<String>,
        owner: String,
    },
}

#[derive(Debug, Clone)]
struct NewContact {
    name: String,
    email: Option<String>,
    title: Option<String>,
    phone: Option<String>,
}

/// An account this import creates.
struct NewAccount {
    id: String,
    name: String,
    industry: Option<String>,
    region: Option<String>,
    owner: String,
    contacts: Vec<(String, NewContact)>,
    rows: Vec<(String, usize)>,
}

/// A row: file and row number.
type At = (String, usize);

/// The first row of a source id: where, its values, its place in the rows.
type Seen = (At, Vec<(&'static str, Option<Lit>)>, usize);

struct Mapper<'a> {
    p: &'a Pipeline,
    snapshot: &'a Snapshot,
    rules: &'a Rules,
    date: Date,
    as_of: Date,
    people: HashMap<String, String>,
    person_names: Vec<String>,
    stages: HashMap<String, StageIx>,
    accounts_by_name: HashMap<String, String>,
    account_ids: HashSet<String>,
    deal_ids: HashSet<String>,
    by_source: HashMap<String, DealIx>,
    /// Source id → the row that had it (first), and its values.
    seen: HashMap<String, Seen>,
    /// Accepted rows, by source id, in order.
    rows: Vec<Mapped>,
    new_accounts: Vec<NewAccount>,
    new_account_by_name: HashMap<String, usize>,
    /// Contacts to add to existing accounts: account id → contacts.
    extra_contacts: BTreeMap<String, Vec<(String, NewContact, At)>>,
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

/// An id (slug) from any text: transliterated to ASCII (Chinese becomes
/// pinyin syllables), lower-cased, cut at `max` characters.
pub fn make_id(text: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(text);
    let mut s = ids::slugify(&ascii.replace(['.', '/', '&', '+', ',', '(', ')', '\'', ':'], " "));
    if s.len() > max {
        s.truncate(max);
        while s.ends_with('-') || s.ends_with('_') {
            s.pop();
        }
    }
    s
}

impl<'a> Mapper<'a> {
    fn new(snapshot: &'a Snapshot, before: &'a Checked, rules: &'a Rules, date: Date) -> Self {
        let p = &before.pipeline;
        let mut people = HashMap::new();
        for person in &p.people {
            let id = person.id.value.as_str().to_string();
            people.insert(lower(&person.name), id.clone());
            if let Some(e) = &person.email {
                people.insert(lower(e), id.clone());
            }
            people.insert(lower(&id), id);
        }
        for (k, v) in &rules.owners {
            people.insert(lower(k), v.clone());
        }
        let mut stages = HashMap::new();
        for (i, st) in enumerate(&p.settings.stages) {
            stages.insert(lower(&st.name), i);
            stages.insert(lower(st.id.value.as_str()), i);
        }
        for (k, v) in &rules.stages {
            if let Some(i) = p.stage_ix(v) {
                stages.insert(lower(k), i);
            }
        }
        let mut accounts_by_name = HashMap::new();
        for a in &p.accounts {
            accounts_by_name.insert(lower(&a.name), a.id.as_str().to_string());
            accounts_by_name.insert(lower(a.id.as_str()), a.id.as_str().to_string());
        }
        let account_ids = snapshot
            .paths(crate::load::FileKind::Account)
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        let deal_ids = snapshot
            .paths(crate::load::FileKind::Deal)
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        let mut by_source = HashMap::new();
        for (i, d) in enumerate(&p.deals) {
            if let Some(s) = &d.source
                && s.system == rules.system
            {
                by_source.entry(s.id.clone()).or_insert(i);
            }
        }
        Mapper {
            p,
            snapshot,
            rules,
            date,
            as_of: before.as_of,
            people,
            person_names: p.people.iter().map(|x| x.name.clone()).collect(),
            stages,
            accounts_by_name,
            account_ids,
            deal_ids,
            by_source,
            seen: HashMap::new(),
            rows: Vec::new(),
            new_accounts: Vec::new(),
            new_account_by_name: HashMap::new(),
            extra_contacts: BTreeMap::new(),
        }
    }

    fn map_row(&mut self, cx: &RowCx<'_>) -> Result<(Mapped, Vec<Problem>), Vec<Problem>> {
        let rules = self.rules;
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let err = |errors: &mut Vec<Problem>,
                   at: Option<(usize, String)>,
                   m: String,
                   h: Option<String>| {
            errors.push(cx.problem(Severity::Error, at, m, h));
        };
        let dm = rules.format.decimal_mark.chars().next().unwrap_or('.');
        // Status: skip, won, lost.
        let mut outcome = None;
        if let Some((s, _)) = cx.get("status") {
            let is = |list: &[String]| list.iter().any(|v| v.eq_ignore_ascii_case(&s));
            if is(&rules.status.skip) {
                return Err(vec![cx.problem(
                    Severity::Warning,
                    None,
                    format!("status \"{s}\": skipped"),
                    None,
                )]);
            }
            if is(&rules.status.won) {
                outcome = Some(Outcome::Won);
            } else if is(&rules.status.lost) {
                outcome = Some(Outcome::Lost);
            }
        }
        let source_id = match cx.get("id") {
            Some((v, _)) => v,
            None => {
                err(
                    &mut errors,
                    None,
                    "no id: the id column is empty".into(),
                    Some(
                        "every row needs the CRM's record id, so that a re-import finds the deal"
                            .into(),
                    ),
                );
                String::new()
            }
        };
        let name = cx.get("name").map(|(v, _)| v);
        if name.is_none() {
            err(&mut errors, None, "no deal name".into(), None);
        }
        // Owner.
        let owner = match cx.get("owner") {
            Some((v, at)) => match self.people.get(&lower(&v)) {
                Some(id) if self.p.person(id).is_some() => Some(id.clone()),
                Some(id) => {
                    err(
                        &mut errors,
                        at,
                        format!("[owners] maps \"{v}\" to \"{id}\", who is not in team.toml"),
                        None,
                    );
                    None
                }
                None => {
                    let hint = match did_you_mean(&v, self.person_names.iter().map(String::as_str))
                    {
                        Some(n) => format!(
                            "did you mean {n}? Otherwise add \"{v}\" = \"<person id>\" to [owners], or the person to team.toml"
                        ),
                        None => format!(
                            "add \"{v}\" = \"<person id>\" to the rules' [owners], or the person (with their e-mail) to team.toml"
                        ),
                    };
                    err(
                        &mut errors,
                        at,
                        format!("unknown owner \"{v}\""),
                        Some(hint),
                    );
                    None
                }
            },
            None => {
                err(
                    &mut errors,
                    None,
                    "no owner".into(),
                    Some("map an owner column, or set [defaults] owner".into()),
                );
                None
            }
        };
        // Stage.
        let mut stage_ix = None;
        match outcome {
            Some(o) => {
                stage_ix = self
                    .p
                    .settings
                    .stages
                    .iter()
                    .position(|s| s.outcome == Some(o))
                    .map(StageIx::new);
                if stage_ix.is_none() {
                    err(
                        &mut errors,
                        None,
                        format!("dealbook.toml has no stage with outcome \"{}\"", o.as_str()),
                        None,
                    );
                }
            }
            None => match cx.get("stage") {
                Some((v, at)) => match self.stages.get(&lower(&v)) {
                    Some(&i) => stage_ix = Some(i),
                    None => {
                        let mut known: Vec<&str> =
                            rules.stages.keys().map(String::as_str).collect();
                        known.extend(self.p.settings.stages.iter().map(|s| s.id.value.as_str()));
                        let hint = match did_you_mean(&v, known.iter().copied()) {
                            Some(k) => format!(
                                "did you mean \"{k}\"? Otherwise map it in [stages]: \"{v}\" = \"<stage id>\""
                            ),
                            None => format!(
                                "map it in the rules' [stages]: \"{v}\" = \"<stage id>\" (stages: {})",
                                self.p
                                    .settings
                                    .stages
                                    .iter()
                                    .map(|s| s.id.value.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        err(
                            &mut errors,
                            at,
                            format!("unknown stage \"{v}\""),
                            Some(hint),
                        );
                    }
                },
                None => err(&mut errors, None, "no stage".into(), None),
            },
        }
        let stage = stage_ix.map(|i| &self.p.settings.stages[i]);
        let outcome = stage.and_then(|s| s.outcome);
        // Amount and currency.
        let mut amount = None;
        let mut currency: Option<String> = None;
        match cx.get("amount") {
            Some((v, at)) => match values::amount(&v, dm) {
                Ok((a, cur)) => {
                    amount = Some(a);
                    currency = cur;
                }
                Err(e) => err(
                    &mut errors,
                    at,
                    e,
                    Some(format!(
                        "[format] decimal_mark is \"{dm}\"; a bare number, thousands separators and a currency symbol or code are read"
                    )),
                ),
            },
            None => err(
                &mut errors,
                None,
                "no amount".into(),
                Some("an empty amount needs [defaults] amount = 0".into()),
            ),
        }
        if let Some((v, at)) = cx.get("currency") {
            let code = v.trim().to_uppercase();
            if crate::reader::is_currency(&code) {
                currency = Some(code);
            } else {
                err(
                    &mut errors,
                    at,
                    format!("\"{v}\" is not a currency code"),
                    Some("use ISO 4217 codes like CNY, USD, EUR".into()),
                );
            }
        }
        let org = self.p.settings.org.currency.value.clone();
        if let Some(c) = &currency
            && *c != org
            && self.p.settings.rate(c).is_none()
        {
            err(
                &mut errors,
                None,
                format!("amount in {c}, which has no rate in dealbook.toml"),
                Some(format!("add {c} = <rate into {org}> to [rates]")),
            );
        }
        if currency.as_deref() == Some(org.as_str()) {
            currency = None;
        }
        // Dates.
        let formats = &rules.format.date;
        let date_of = |field: &str, errors: &mut Vec<Problem>| -> Option<Date> {
            let (v, at) = cx.get(field)?;
            if v.eq_ignore_ascii_case("import") {
                return Some(self.date);
            }
            match values::date(&v, formats) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(cx.problem(
                        Severity::Error,
                        at,
                        e,
                        Some(
                            "set [format] date to the export's format, e.g. [\"%d/%m/%Y\"]".into(),
                        ),
                    ));
                    None
                }
            }
        };
        let created = date_of("created", &mut errors);
        if created.is_none()
            && !errors.iter().any(|e| e.message.contains("not a date"))
            && !cx.mapped("created")
        {
            err(
                &mut errors,
                None,
                "no created date".into(),
                Some("map a created column, or set [defaults] created = \"import\"".into()),
            );
        } else if created.is_none() && cx.mapped("created") && cx.get("created").is_none() {
            err(
                &mut errors,
                None,
                "no created date".into(),
                Some(
                    "set [defaults] created = \"import\" to date such rows on the import day"
                        .into(),
                ),
            );
        }
        let mut close = date_of("close", &mut errors);
        let won_date = date_of("won_date", &mut errors);
        let lost_date = date_of("lost_date", &mut errors);
        let stage_date = date_of("stage_date", &mut errors);
        let next_step_date = date_of("next_step_date", &mut errors);
        match outcome {
            Some(Outcome::Won) => close = won_date.or(close),
            Some(Outcome::Lost) => close = lost_date.or(close),
            None => {}
        }
        if let Some(o) = outcome {
            match close {
                None => err(&mut errors, None, format!("{} deal without a close date", o.as_str()), Some("a won or lost deal needs the date it closed".into())),
                Some(c) if c > self.as_of => err(&mut errors, None, format!("{} deal closed on {c}, after the pipeline's as_of {}", o.as_str(), self.as_of), Some("a closed deal's close date is in the past; check the row, or the as_of in dealbook.toml".into())),
                _ => {}
            }
        }
        // Probability and forecast.
        let mut probability: Option<Option<Lit>> = None;
        if cx.cols.contains_key("probability") || rules.defaults.contains_key("probability") {
            probability = Some(None);
            if let (Some((v, at)), Some(st)) = (cx.get("probability"), stage)
                && st.is_open()
            {
                match values::probability(&v, rules.format.probability == "percent", dm) {
                    Ok(pr) if pr != st.probability.normalize() => {
                        probability = Some(Some(Lit::decimal(pr)))
                    }
                    Ok(_) => {}
                    Err(e) => err(&mut errors, at, e, None),
                }
            }
        }
        let mut forecast: Option<Option<Lit>> = None;
        if cx.mapped("forecast") {
            forecast = Some(None);
            if let (Some((v, at)), Some(st)) = (cx.get("forecast"), stage)
                && st.is_open()
            {
                let mapped = rules
                    .forecast
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&v))
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| v.to_lowercase().replace(' ', "_"));
                if mapped.is_empty() {
                } else if let Some(c) = crate::model::Category::parse(&mapped) {
                    if c != st.category {
                        forecast = Some(Some(Lit::str(c.as_str())));
                    }
                } else {
                    warnings.push(cx.problem(Severity::Warning, at, format!("forecast category \"{v}\" is not pipeline, best_case or commit; ignored"), Some(format!("map it in [forecast]: \"{v}\" = \"commit\" (or \"\" for none)"))));
                }
            }
        }
        // Lost reason.
        let lost_reason = if outcome == Some(Outcome::Lost) {
            match cx.get("lost_reason") {
                Some((v, _)) => Some(Some(Lit::str(&v))),
                None => {
                    err(
                        &mut errors,
                        None,
                        "lost deal without a reason".into(),
                        Some("map the loss reason column, or set [defaults] lost_reason".into()),
                    );
                    None
                }
            }
        } else if cx.cols.contains_key("lost_reason") {
            // The default is for lost deals; others keep the column's value.
            Some(cx.column_value("lost_reason").map(|v| Lit::str(&v)))
        } else {
            None
        };
        // Account.
        let account = match cx.get("account") {
            Some((v, _)) => match self.accounts_by_name.get(&lower(&v)).cloned().or_else(|| {
                let id = make_id(&v, self.rules.ids.max_length);
                self.p.account(&id).map(|a| a.id.as_str().to_string())
            }) {
                Some(id) => Some(AccountRef::Existing(id)),
                None => Some(AccountRef::New {
                    name: v,
                    industry: cx.get("account_industry").map(|x| x.0),
                    region: cx.get("account_region").map(|x| x.0),
                    owner: owner.clone().unwrap_or_default(),
                }),
            },
            None => {
                err(
                    &mut errors,
                    None,
                    "no account".into(),
                    Some("map the account column, or set [defaults] account = \"<name>\"".into()),
                );
                None
            }
        };
        let contact = cx.get("contact").map(|(name, _)| NewContact {
            name,
            email: cx.get("contact_email").map(|x| x.0),
            title: cx.get("contact_title").map(|x| x.0),
            phone: cx.get("contact_phone").map(|x| x.0),
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let list = |field: &str| -> Option<Option<Lit>> {
            if !cx.mapped(field) {
                return None;
            }
            let items: Vec<String> = cx
                .get(field)
                .map(|(v, _)| {
                    v.split(rules.format.list_separator.as_str())
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            Some((!items.is_empty()).then(|| Lit::list(&items)))
        };
        let text = |field: &str| -> Option<Option<Lit>> {
            cx.mapped(field)
                .then(|| cx.get(field).map(|(v, _)| Lit::str(&v)))
        };
        let stage = stage.expect("checked above");
        let mut vals: Vec<(&'static str, Option<Lit>)> = vec![
            ("name", Some(Lit::str(name.as_deref().unwrap_or("")))),
            ("owner", owner.as_deref().map(Lit::str)),
            ("amount", amount.map(Lit::money)),
            ("currency", currency.as_deref().map(Lit::str)),
            ("stage", Some(Lit::str(stage.id.value.as_str()))),
        ];
        // A created date that is only the import day (`created =
        // "import"`) is set on new deals, never changed on existing ones.
        let created_is_import_day = cx
            .column_value("created")
            .is_none_or(|v| v.eq_ignore_ascii_case("import"))
            && cx
                .default("created")
                .is_some_and(|v| v.eq_ignore_ascii_case("import"));
        if let Some(c) = created {
            let key = if created_is_import_day {
                "created:new"
            } else {
                "created"
            };
            vals.push((key, Some(Lit::date(c))));
        }
        if cx.mapped("close") || outcome.is_some() {
            vals.push(("close", close.map(Lit::date)));
        }
        for (k, v) in [
            ("probability", probability),
            ("forecast", forecast),
            ("products", list("products")),
            ("competitors", list("competitors")),
            ("next_step", text("next_step")),
            ("lost_reason", lost_reason),
        ] {
            if let Some(v) = v {
                vals.push((k, v));
            }
        }
        if cx.mapped("next_step_date") {
            vals.push(("next_step_date", next_step_date.map(Lit::date)));
        }
        let id_text: Vec<String> = rules
            .ids
            .deal
            .iter()
            .filter_map(|f| cx.get(f).map(|x| x.0))
            .collect();
        Ok((
            Mapped {
                at: (cx.table.name.clone(), cx.row.number),
                source_id,
                id_text: id_text.join(" "),
                account: account.expect("checked above"),
                contact,
                values: vals,
                stage: stage.id.value.as_str().to_string(),
                outcome,
                close,
                created,
                stage_date,
            },
            warnings,
        ))
    }

    /// Takes a valid row, unless it repeats an earlier one.
    fn accept(&mut self, m: Mapped, plan: &mut Plan) {
        if let Some((first, vals, _)) = self.seen.get(&m.source_id) {
            let same = *vals == m.values;
            let (file, row) = first;
            let where_ = if *file == m.at.0 {
                format!("row {row}")
            } else {
                format!("{file}:{row}")
            };
            plan.problems.push(Problem {
                file: m.at.0.clone(),
                row: m.at.1,
                column: None,
                severity: Severity::Warning,
                message: if same {
                    format!("duplicate of {where_} (id \"{}\"); skipped", m.source_id)
                } else {
                    format!(
                        "same id \"{}\" as {where_} with other values; this later row is used",
                        m.source_id
                    )
                },
                hint: None,
            });
            if same {
                return;
            }
            let ix = self.seen[&m.source_id].2;
            self.seen
                .insert(m.source_id.clone(), (m.at.clone(), m.values.clone(), ix));
            self.rows[ix] = m;
            return;
        }
        self.seen.insert(
            m.source_id.clone(),
            (m.at.clone(), m.values.clone(), self.rows.len()),
        );
        self.rows.push(m);
    }

    fn unique(taken: &HashSet<String>, base: &str, extra: &str, max: usize) -> String {
        let base = if base.is_empty() { "deal" } else { base };
        if !taken.contains(base) {
            return base.to_string();
        }
        let with = make_id(&format!("{base} {extra}"), max + 20);
        if !extra.is_empty() && !taken.contains(&with) {
            return with;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| !taken.contains(c))
            .expect("some free id")
    }

    /// Resolves accounts, writes the deal files, the new accounts and the
    /// contacts.
    fn finish(mut self, plan: &mut Plan) {
        let rows = std::mem::take(&mut self.rows);
        let max = self.rules.ids.max_length;
        for m in rows {
            let account_id = match &m.account {
                AccountRef::Existing(id) => id.clone(),
                AccountRef::New {
                    name,
                    industry,
                    region,
                    owner,
                } => match self.new_account_by_name.get(&lower(name)) {
                    Some(&i) => {
                        self.new_accounts[i].rows.push(m.at.clone());
                        self.new_accounts[i].id.clone()
                    }
                    None => {
                        let id = Self::unique(&self.account_ids, &make_id(name, max), "", max);
                        self.account_ids.insert(id.clone());
                        self.new_account_by_name
                            .insert(lower(name), self.new_accounts.len());
                        self.new_accounts.push(NewAccount {
                            id: id.clone(),
                            name: name.clone(),
                            industry: industry.clone(),
                            region: region.clone(),
                            owner: owner.clone(),
                            contacts: Vec::new(),
                            rows: vec![m.at.clone()],
                        });
                        id
                    }
                },
            };
            if let Some(c) = &m.contact {
                self.add_contact(&account_id, c, &m.at, plan);
            }
            match self.by_source.get(&m.source_id).copied() {
                Some(ix) => self.update(ix, &m, &account_id, plan),
                None => self.create(&m, &account_id, plan),
            }
        }
        self.write_accounts(plan);
    }

    fn add_contact(
        &mut self,
        account: &str,
        c: &NewContact,
        at: &(String, usize),
        plan: &mut Plan,
    ) {
        let same = |name: &str, email: Option<&str>| {
            lower(name) == lower(&c.name)
                || (email.is_some() && email.map(lower) == c.email.as_deref().map(lower))
        };
        if let Some(new) = self.new_accounts.iter_mut().find(|a| a.id == account) {
            if !new
                .contacts
                .iter()
                .any(|(_, x)| same(&x.name, x.email.as_deref()))
            {
                let taken: HashSet<String> = new.contacts.iter().map(|(i, _)| i.clone()).collect();
                let id = Self::unique(&taken, &make_id(&c.name, 40), "", 40);
                new.contacts.push((id, c.clone()));
                plan.contacts_added += 1;
            }
            return;
        }
        let Some(acc) = self.p.account(account) else {
            return;
        };
        if acc
            .contacts
            .iter()
            .any(|x| same(&x.name, x.email.as_deref()))
        {
            return;
        }
        let pending = self.extra_contacts.entry(account.to_string()).or_default();
        if pending
            .iter()
            .any(|(_, x, _)| same(&x.name, x.email.as_deref()))
        {
            return;
        }
        let mut taken: HashSet<String> = acc
            .contacts
            .iter()
            .map(|x| x.id.value.as_str().to_string())
            .collect();
        taken.extend(pending.iter().map(|(i, _, _)| i.clone()));
        let id = Self::unique(&taken, &make_id(&c.name, 40), "", 40);
        pending.push((id, c.clone(), at.clone()));
        plan.contacts_added += 1;
    }

    fn history_date(&self, m: &Mapped, after: Option<Date>) -> Date {
        let mut d = m
            .stage_date
            .or(if m.outcome.is_some() { m.close } else { None })
            .unwrap_or(self.date);
        if d > self.as_of {
            d = self.date;
        }
        if let Some(a) = after {
            d = d.max(a);
        }
        d
    }

    fn create(&mut self, m: &Mapped, account: &str, plan: &mut Plan) {
        let max = self.rules.ids.max_length;
        let id = Self::unique(&self.deal_ids, &make_id(&m.id_text, max), &m.source_id, max);
        self.deal_ids.insert(id.clone());
        let rel = format!("deals/{id}.toml");
        let mut lines: Vec<(&str, Lit)> = Vec::new();
        let mut fields: HashMap<&str, &Lit> = HashMap::new();
        for (k, v) in &m.values {
            if let Some(v) = v {
                fields.insert(k.trim_end_matches(":new"), v);
            }
        }
        let account_lit = Lit::str(account);
        fields.insert("account", &account_lit);
        let source = Lit::inline(&[("system", &self.rules.system), ("id", &m.source_id)]);
        fields.insert("source", &source);
        for f in spec::DEAL.fields {
            if let Some(v) = fields.get(f.key) {
                lines.push((f.key, (*v).clone()));
            }
        }
        let mut history = vec![
            (
                "date",
                Lit::date(self.history_date(m, m.created.filter(|c| *c <= self.as_of))),
            ),
            ("stage", Lit::str(&m.stage)),
        ];
        if let Some(c) = m.close {
            history.push(("close", Lit::date(c)));
        }
        let text = render_new(&lines, &[("history", history)]);
        plan.rows_of
            .entry(rel.clone())
            .or_default()
            .push(m.at.clone());
        plan.created.push(rel.clone());
        plan.changes.insert(rel, text);
    }

    fn update(&mut self, ix: DealIx, m: &Mapped, account: &str, plan: &mut Plan) {
        let deal = &self.p.deals[ix];
        let rel = self.p.sources.get(deal.file).rel_path.clone();
        let current = current_values(deal);
        let mut changed: Vec<(&str, Option<Lit>)> = Vec::new();
        let account_lit = Some(Lit::str(account));
        for (k, v) in m
            .values
            .iter()
            .filter(|(k, _)| !k.ends_with(":new"))
            .map(|(k, v)| (*k, v))
            .chain([("account", &account_lit)])
        {
            let now = current
                .iter()
                .find(|(ck, _)| *ck == k)
                .and_then(|(_, c)| c.clone());
            if now != *v {
                changed.push((k, v.clone()));
            }
        }
        plan.rows_of
            .entry(rel.clone())
            .or_default()
            .push(m.at.clone());
        if changed.is_empty() {
            plan.unchanged += 1;
            return;
        }
        let Some(text) = plan
            .changes
            .get(&rel)
            .cloned()
            .or_else(|| self.snapshot.text(&rel).map(str::to_string))
        else {
            return;
        };
        let mut doc = match Doc::parse(&text, &spec::DEAL) {
            Ok(d) => d,
            Err(e) => {
                plan.problems.push(Problem {
                    file: m.at.0.clone(),
                    row: m.at.1,
                    column: None,
                    severity: Severity::Error,
                    message: format!("{rel} is not valid TOML ({e}); not updated"),
                    hint: None,
                });
                return;
            }
        };
        let stage_changed = deal.stage.value.as_str() != m.stage;
        let old_close = deal.close.as_ref().map(|c| c.value);
        let close_changed = m.value("close").is_some() && m.close != old_close;
        for (k, v) in &changed {
            match v {
                Some(v) => doc.set(k, v),
                None => {
                    doc.remove(k);
                }
            }
        }
        let last_date = deal.history.last().map(|h| h.date.value);
        let mut wrote_history = false;
        if stage_changed || (close_changed && m.outcome.is_none() && m.close.is_some()) {
            if deal.history.is_empty() {
                let mut entry = vec![
                    ("date", Lit::date(deal.created.value)),
                    ("stage", Lit::str(deal.stage.value.as_str())),
                ];
                if let Some(c) = old_close {
                    entry.push(("close", Lit::date(c)));
                }
                let _ = doc.push("history", &entry);
            } else if !stage_changed
                && let (Some(old), Some(last)) = (old_close, deal.history.last())
                && last.close.is_none()
            {
                let _ = doc.set_in_last("history", "close", &Lit::date(old));
            }
            let date = if stage_changed {
                self.history_date(m, last_date.or(Some(deal.created.value)))
            } else {
                self.date.max(last_date.unwrap_or(self.date))
            };
            let mut entry = vec![("date", Lit::date(date)), ("stage", Lit::str(&m.stage))];
            if let Some(c) = m.close.or(old_close) {
                entry.push(("close", Lit::date(c)));
            }
            wrote_history = doc.push("history", &entry).is_ok();
        }
        let mut names: Vec<String> = changed.iter().map(|(k, _)| k.to_string()).collect();
        if wrote_history {
            names.push("history".into());
        }
        plan.updated.push((rel.clone(), names));
        plan.changes.insert(rel, doc.text());
    }

    fn write_accounts(&mut self, plan: &mut Plan) {
        let tier = self
            .rules
            .defaults
            .get("tier")
            .and_then(|v| v.as_str())
            .unwrap_or("standard")
            .to_string();
        for a in &self.new_accounts {
            let rel = format!("accounts/{}.toml", a.id);
            let mut lines = vec![("name", Lit::str(&a.name))];
            if let Some(i) = &a.industry {
                lines.push(("industry", Lit::str(i)));
            }
            if let Some(r) = &a.region {
                lines.push(("region", Lit::str(r)));
            }
            lines.push(("tier", Lit::str(&tier)));
            lines.push(("owner", Lit::str(&a.owner)));
            let tables: Vec<(&str, Vec<(&str, Lit)>)> = a
                .contacts
                .iter()
                .map(|(id, c)| ("contact", contact_lits(id, c)))
                .collect();
            plan.rows_of.insert(rel.clone(), a.rows.clone());
            plan.accounts_created.push(rel.clone());
            plan.changes.insert(rel, render_new(&lines, &tables));
        }
        let extra = std::mem::take(&mut self.extra_contacts);
        for (account, contacts) in extra {
            let Some(acc) = self.p.account(&account) else {
                continue;
            };
            let rel = self.p.sources.get(acc.file).rel_path.clone();
            let Some(text) = self.snapshot.text(&rel) else {
                continue;
            };
            let Ok(mut doc) = Doc::parse(text, &spec::ACCOUNT) else {
                continue;
            };
            for (id, c, at) in &contacts {
                if doc.push("contact", &contact_lits(id, c)).is_ok() {
                    plan.rows_of
                        .entry(rel.clone())
                        .or_default()
                        .push(at.clone());
                }
            }
            plan.accounts_changed.push(rel.clone());
            plan.changes.insert(rel, doc.text());
        }
    }
}

fn contact_lits<'a>(id: &str, c: &NewContact) -> Vec<(&'a str, Lit)> {
    let mut v = vec![("id", Lit::str(id)), ("name", Lit::str(&c.name))];
    if let Some(t) = &c.title {
        v.push(("title", Lit::str(t)));
    }
    if let Some(e) = &c.email {
        v.push(("email", Lit::str(e)));
    }
    if let Some(p) = &c.phone {
        v.push(("phone", Lit::str(p)));
    }
    v
}

/// What a deal file says now, for the fields an import can write, in the
/// text the import would write them in.
fn current_values(d: &Deal) -> Vec<(&'static str, Option<Lit>)> {
    let list = |v: &[String]| (!v.is_empty()).then(|| Lit::list(v));
    vec![
        ("name", Some(Lit::str(&d.name))),
        ("account", Some(Lit::str(d.account.value.as_str()))),
        ("owner", Some(Lit::str(d.owner.value.as_str()))),
        ("amount", Some(Lit::money(d.amount.value))),
        ("currency", d.currency.as_ref().map(|c| Lit::str(&c.value))),
        ("stage", Some(Lit::str(d.stage.value.as_str()))),
        ("created", Some(Lit::date(d.created.value))),
        ("close", d.close.as_ref().map(|c| Lit::date(c.value))),
        (
            "probability",
            d.probability
                .as_ref()
                .map(|p| Lit::decimal(p.value.normalize())),
        ),
        ("forecast", d.forecast.map(|c| Lit::str(c.as_str()))),
        ("products", list(&d.products)),
        ("competitors", list(&d.competitors)),
        ("next_step", d.next_step.as_deref().map(Lit::str)),
        (
            "next_step_date",
            d.next_step_date.as_ref().map(|x| Lit::date(x.value)),
        ),
        ("lost_reason", d.lost_reason.as_deref().map(Lit::str)),
    ]
}

/// A new file in `fmt`'s layout: the keys (in the order given), then each
/// `[[table]]` entry.
pub fn render_new(keys: &[(&str, Lit)], tables: &[(&str, Vec<(&str, Lit)>)]) -> String {
    let mut out = String::with_capacity(512);
    for (k, v) in keys {
        out.push_str(k);
        out.push_str(" = ");
        out.push_str(&v.0);
        out.push('\n');
    }
    for (name, entries) in tables {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("[[");
        out.push_str(name);
        out.push_str("]]\n");
        for (k, v) in entries {
            out.push_str(k);
            out.push_str(" = ");
            out.push_str(&v.0);
            out.push('\n');
        }
    }
    out
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
    verify_changes(snapshot, before, plan, today)
}

fn verify_changes(
    snapshot: &Snapshot,
    before: &Checked,
    plan: &mut Plan,
    today: Date,
) -> Result<Option<Checked>, Vec<String>> {
    for _ in 0..3 {
        if plan.changes.is_empty() {
            return Ok(None);
        }
        let after = snapshot.check(&plan.changes, None, today);
        let errors = new_diagnostics(before, &after, Severity::Error);
        if errors.is_empty() {
            return Ok(Some(after));
        }
        let mut blamed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut elsewhere = Vec::new();
        for d in &errors {
            let rel = after.pipeline.sources.get(d.span.file).rel_path.clone();
            if plan.changes.contains_key(&rel) && plan.rows_of.contains_key(&rel) {
                blamed
                    .entry(rel)
                    .or_default()
                    .push(format!("{}: {}", d.code, d.message));
            } else {
                elsewhere.push(format!("{rel}: {}: {}", d.code, d.message));
            }
        }
        if blamed.is_empty() {
            return Err(elsewhere);
        }
        for (rel, msgs) in blamed {
            plan.changes.remove(&rel);
            plan.created.retain(|r| *r != rel);
            plan.updated.retain(|(r, _)| *r != rel);
            plan.accounts_created.retain(|r| *r != rel);
            plan.accounts_changed.retain(|r| *r != rel);
            for (file, row) in plan.rows_of.get(&rel).cloned().unwrap_or_default() {
                plan.problems.push(Problem {
                    file,
                    row,
                    column: None,
                    severity: Severity::Error,
                    message: format!("{rel} would not pass check: {}", msgs.join("; ")),
                    hint: None,
                });
            }
        }
    }
    let after = snapshot.check(&plan.changes, None, today);
    let rest: Vec<String> = new_diagnostics(before, &after, Severity::Error)
        .iter()
        .map(|d| {
            format!(
                "{}: {}: {}",
                after.pipeline.sources.get(d.span.file).rel_path,
                d.code,
                d.message
            )
        })
        .collect();
    if rest.is_empty() {
        Ok(Some(after))
    } else {
        Err(rest)
    }
}

/// Sorts the problems by file and row (errors first on a row).
pub fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (a.file.as_str(), a.row, a.severity != Severity::Error).cmp(&(
            b.file.as_str(),
            b.row,
            b.severity != Severity::Error,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_any_script() {
        assert_eq!(make_id("华星电力集团", 60), "hua-xing-dian-li-ji-tuan");
        assert_eq!(
            make_id("ACME Corp. - 500 widgets", 60),
            "acme-corp-500-widgets"
        );
        assert_eq!(make_id("Müller & Söhne", 60), "muller-sohne");
        assert_eq!(make_id("a very long name indeed", 10), "a-very-lon");
        assert_eq!(make_id("x-y-z", 2), "x");
    }
}
