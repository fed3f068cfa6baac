//! Validation beyond the shape of single files: ids unique across files,
//! references that resolve, deal and history rules, targets, process
//! compliance. A list of rules, each adding diagnostics (beancount style);
//! all of them run, whatever the others found.

mod deals;
mod refs;
mod settings;
mod targets;

use crate::diag::{Diagnostic, Severity};
use crate::model::{Deal, Pipeline};
use jiff::civil::Date;
use rayon::prelude::*;

/// What every rule gets.
pub struct Ctx<'a> {
    /// The pipeline.
    pub p: &'a Pipeline,
    /// The date "now" is for this check (history in the future, etc.).
    pub as_of: Date,
    /// The deals (positions) a [`Reach::Deal`] rule looks at; all when
    /// none.
    pub only: Option<&'a [usize]>,
}

impl<'a> Ctx<'a> {
    /// The deals a [`Reach::Deal`] rule looks at: all of them, or the
    /// ones asked for.
    pub fn deals(&self) -> Box<dyn Iterator<Item = &'a Deal> + 'a> {
        let p = self.p;
        match self.only {
            None => Box::new(p.deals.iter()),
            Some(ix) => Box::new(ix.iter().filter_map(move |&i| p.deals.get(i))),
        }
    }
}

/// A rule: looks at the pipeline and adds diagnostics.
pub type Rule = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// What a rule looks at, which decides when what it finds can change
/// (the history checks one revision after another and runs a
/// [`Reach::Deal`] rule only on the deals that changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The whole pipeline, or the date.
    Pipeline,
    /// Each deal on its own, with the files other than deals, and not the
    /// date: a deal's findings change only when its file or one of those
    /// files does. Such a rule iterates [`Ctx::deals`].
    Deal,
    /// Warnings and notes only, never an error: left out when only the
    /// errors are asked for ([`errors`]).
    Advice,
}

/// Every rule, by name, in the order they run, with its reach. A new rule
/// is [`Reach::Pipeline`] unless it fits another reach exactly (the tests
/// below hold the `Deal` and `Advice` rules to theirs).
pub const RULES: &[(&str, Rule, Reach)] = &[
    ("stages", settings::stages, Reach::Pipeline),
    ("rules", settings::rules, Reach::Pipeline),
    ("rates", settings::rates, Reach::Pipeline),
    ("markets", settings::markets, Reach::Pipeline),
    ("unique-ids", refs::unique_ids, Reach::Pipeline),
    ("team-references", refs::team, Reach::Pipeline),
    ("account-references", refs::accounts, Reach::Pipeline),
    ("deal-references", refs::deals, Reach::Deal),
    ("deal-outcomes", deals::outcomes, Reach::Deal),
    ("deal-dates", deals::dates, Reach::Deal),
    ("history", deals::history, Reach::Pipeline),
    ("exit-criteria", deals::exit_criteria, Reach::Advice),
    ("stakeholders", deals::stakeholders, Reach::Deal),
    ("account-dates", deals::account_dates, Reach::Pipeline),
    ("targets", targets::targets, Reach::Pipeline),
    ("signal-noise", settings::signal_noise, Reach::Advice),
];

/// The items of `list` whose key an earlier item has, each with the
/// nearest such earlier item, in list order. Lists are short (a deal's
/// stakeholders, an account's contacts): an item is compared with those
/// before it, which costs less than a hash set per list; a set only for
/// long lists.
pub(crate) fn repeats<'a, T>(list: &'a [T], key: impl Fn(&'a T) -> &'a str) -> Vec<(&'a T, &'a T)> {
    let mut out = Vec::new();
    if list.len() > 16 {
        let mut last = rustc_hash::FxHashMap::default();
        for x in list {
            if let Some(prev) = last.insert(key(x), x) {
                out.push((x, prev));
            }
        }
    } else {
        for (i, x) in list.iter().enumerate() {
            if let Some(prev) = list[..i].iter().rev().find(|e| key(e) == key(x)) {
                out.push((x, prev));
            }
        }
    }
    out
}

/// Runs every rule. The rules are independent, so they run in parallel;
/// the result is in rule order all the same.
pub fn check(p: &Pipeline, as_of: Date) -> Vec<Diagnostic> {
    let ctx = Ctx {
        p,
        as_of,
        only: None,
    };
    RULES
        .par_iter()
        .map(|(_, rule, _)| {
            let mut out = Vec::new();
            rule(&ctx, &mut out);
            out
        })
        .collect::<Vec<_>>()
        .concat()
}

/// The errors of the rules of one reach: the [`Reach::Pipeline`] rules,
/// or the [`Reach::Deal`] rules on the deals at the positions `only`
/// (all when none). Together they are every error of [`check`]: no
/// [`Reach::Advice`] rule gives one.
pub fn errors(p: &Pipeline, as_of: Date, reach: Reach, only: Option<&[usize]>) -> Vec<Diagnostic> {
    let ctx = Ctx { p, as_of, only };
    RULES
        .par_iter()
        .filter(|(_, _, r)| *r == reach && reach != Reach::Advice)
        .map(|(_, rule, _)| {
            let mut out = Vec::new();
            rule(&ctx, &mut out);
            out.retain(|d| d.severity() == Severity::Error);
            out
        })
        .collect::<Vec<_>>()
        .concat()
}

/// The invalid-input corpus's helpers, shared with the integration tests.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../tests/it/common/invalid.rs"]
mod corpus;

#[cfg(test)]
mod tests {
    use super::corpus;
    use super::*;
    use crate::load::{LoadOptions, load};
    use std::path::Path;

    /// The example pipeline and every case of tests/invalid (each built
    /// over its base; a case's `setup` is not applied).
    fn pipelines() -> Vec<(String, Pipeline)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let example = root.join("example-pipeline");
        let mut out = vec![(
            example.display().to_string(),
            load(&example, &LoadOptions::default()).pipeline,
        )];
        for case in corpus::case_dirs() {
            let built = corpus::materialize(&case);
            let p = load(built.path(), &LoadOptions::default()).pipeline;
            out.push((case.display().to_string(), p));
        }
        out
    }

    #[test]
    fn each_rule_keeps_to_its_reach() {
        let as_of = jiff::civil::date(2026, 11, 15);
        for (name, p) in pipelines() {
            for (rule_name, rule, reach) in RULES {
                let all = |only: Option<&[usize]>| {
                    let mut out = Vec::new();
                    rule(&Ctx { p: &p, as_of, only }, &mut out);
                    out
                };
                match reach {
                    // Run deal by deal, a Deal rule finds what it finds
                    // on all deals at once, and it points into the deal.
                    Reach::Deal => {
                        let whole = all(None);
                        let mut one_by_one = Vec::new();
                        for ix in 0..p.deals.len() {
                            let found = all(Some(&[ix]));
                            for d in &found {
                                assert_eq!(
                                    d.span.file, p.deals[ix].file,
                                    "{rule_name} on {name}: points outside the deal"
                                );
                            }
                            one_by_one.extend(found);
                        }
                        assert_eq!(whole, one_by_one, "{rule_name} on {name}");
                    }
                    Reach::Advice => {
                        assert!(
                            all(None).iter().all(|d| d.severity() != Severity::Error),
                            "{rule_name} gives an error on {name}"
                        );
                    }
                    Reach::Pipeline => {}
                }
            }
            // The reaches' errors are the check's.
            let mut parts = errors(&p, as_of, Reach::Pipeline, None);
            parts.extend(errors(&p, as_of, Reach::Deal, None));
            let n = check(&p, as_of)
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .count();
            assert_eq!(parts.len(), n, "{name}");
        }
    }
}
