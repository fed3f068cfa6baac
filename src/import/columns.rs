//! Which columns of a file each field reads, and a row's field values
//! through them (or the rules' defaults).

use super::Problem;
use super::rules::Rules;
use super::table::{self, Table};
use crate::diag::{Severity, did_you_mean};
use std::collections::BTreeMap;

/// Field → the columns it reads (all of them joined), for one file.
pub(super) type Columns = BTreeMap<String, Vec<usize>>;

pub(super) fn resolve_columns(rules: &Rules, t: &Table) -> Result<Columns, String> {
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

pub(super) fn missing_guesses(rules: &Rules, t: &Table) -> Vec<String> {
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

pub(super) struct RowCx<'a> {
    pub(super) table: &'a Table,
    pub(super) row: &'a table::Row,
    pub(super) cols: &'a Columns,
    pub(super) rules: &'a Rules,
}

impl RowCx<'_> {
    /// The field's text (its columns' non-empty values joined), with the
    /// column to blame; else the rules' default (no column).
    pub(super) fn get(&self, field: &str) -> Option<(String, Option<(usize, String)>)> {
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
    pub(super) fn column_value(&self, field: &str) -> Option<String> {
        let ix = self.cols.get(field)?;
        let parts: Vec<&str> = ix
            .iter()
            .filter_map(|&i| self.row.cells.get(i).map(String::as_str))
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    pub(super) fn default(&self, field: &str) -> Option<String> {
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
    pub(super) fn mapped(&self, field: &str) -> bool {
        self.cols.contains_key(field) || self.rules.defaults.contains_key(field)
    }

    pub(super) fn problem(
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
