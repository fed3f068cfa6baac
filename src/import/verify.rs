//! Checking the pipeline as the import would leave it, and dropping the
//! changes of files that would get new errors.

use super::{Plan, Problem};
use crate::Checked;
use crate::diag::Severity;
use crate::edit::snapshot::{Snapshot, new_diagnostics};
use jiff::civil::Date;
use std::collections::BTreeMap;

pub(super) fn verify_changes(
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
