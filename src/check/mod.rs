//! Validation beyond the shape of single files: ids unique across files,
//! references that resolve, deal and history rules, targets, process
//! compliance. A list of rules, each adding diagnostics (beancount style);
//! all of them run, whatever the others found.

mod deals;
mod refs;
mod settings;
mod targets;

use crate::diag::Diagnostic;
use crate::model::Pipeline;
use jiff::civil::Date;
use rayon::prelude::*;

/// What every rule gets.
pub struct Ctx<'a> {
    /// The pipeline.
    pub p: &'a Pipeline,
    /// The date "now" is for this check (history in the future, etc.).
    pub as_of: Date,
}

/// A rule: looks at the pipeline and adds diagnostics.
pub type Rule = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// Every rule, by name, in the order they run.
pub const RULES: &[(&str, Rule)] = &[
    ("stages", settings::stages),
    ("rules", settings::rules),
    ("rates", settings::rates),
    ("markets", settings::markets),
    ("unique-ids", refs::unique_ids),
    ("team-references", refs::team),
    ("account-references", refs::accounts),
    ("deal-references", refs::deals),
    ("deal-outcomes", deals::outcomes),
    ("deal-dates", deals::dates),
    ("history", deals::history),
    ("exit-criteria", deals::exit_criteria),
    ("stakeholders", deals::stakeholders),
    ("account-dates", deals::account_dates),
    ("targets", targets::targets),
    ("signal-noise", settings::signal_noise),
];

/// Runs every rule. The rules are independent, so they run in parallel;
/// the result is in rule order all the same.
pub fn check(p: &Pipeline, as_of: Date) -> Vec<Diagnostic> {
    let ctx = Ctx { p, as_of };
    RULES
        .par_iter()
        .map(|(_, rule)| {
            let mut out = Vec::new();
            rule(&ctx, &mut out);
            out
        })
        .collect::<Vec<_>>()
        .concat()
}
