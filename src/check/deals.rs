//! Rules about deals and accounts: outcomes need a close date on or before
//! `as_of` (and lost ones a reason), history is in order and ends at the current stage,
//! process compliance with the stages' exit criteria, dates that are odd.

use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::Outcome;
use jiff::civil::Date;

/// Won and lost deals have `close`, not after `as_of`; lost ones a
/// `lost_reason`.
pub fn outcomes(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    for d in cx.deals() {
        let Some(stage) = p.stage_of(d) else { continue };
        match stage.outcome {
            Some(o) => {
                // A close written with a bad value is a placeholder
                // (`Date::MAX`), reported already.
                if let Some(c) = d.close.as_ref().filter(|c| c.value != Date::MAX)
                    && c.value > cx.as_of
                {
                    out.push(
                        Diagnostic::new(
                            Code::ClosedAfterAsOf,
                            c.span,
                            format!(
                                "deal is {} with close {}, after as_of {}",
                                o.as_str(),
                                c.value,
                                cx.as_of
                            ),
                        )
                        .hint(format!(
                            "a {} deal's close is the day it closed, on or before {}; a deal still to close stays in an open stage with its expected close",
                            o.as_str(),
                            cx.as_of
                        )),
                    );
                }
                if d.close.is_none() {
                    out.push(
                        Diagnostic::new(
                            Code::ClosedWithoutClose,
                            d.stage.span,
                            format!("deal is {} but has no `close` date", o.as_str()),
                        )
                        .hint("add the actual close date: close = 2026-11-30"),
                    );
                }
                if o == Outcome::Lost && d.lost_reason.is_none() {
                    out.push(
                        Diagnostic::new(Code::LostWithoutReason, d.stage.span, "lost deal without `lost_reason`")
                            .hint("say why it was lost, e.g. lost_reason = \"price\"; it feeds the loss analysis"),
                    );
                }
            }
            None => {
                if d.close.is_none() {
                    out.push(
                        Diagnostic::new(Code::NoCloseDate, d.stage.span, "open deal without an expected `close` date")
                            .hint("without `close` the deal counts in no forecast period; add close = <expected date>"),
                    );
                }
            }
        }
    }
}

/// `created` is not after `close`.
pub fn dates(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for d in cx.deals() {
        if let Some(close) = &d.close
            && d.complete
            && d.created.value > close.value
        {
            out.push(
                Diagnostic::new(
                    Code::CreatedAfterClose,
                    d.created.span,
                    format!(
                        "deal created on {} but closes on {}",
                        d.created.value, close.value
                    ),
                )
                .hint("check both dates; the sales cycle of this deal would be negative"),
            );
        }
    }
}

/// History in date order, not in the future, ending at the current stage.
/// A deal whose stage or last history stage is unknown (already reported)
/// or unreadable is not compared.
pub fn history(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let settings_ok = cx.p.coverage.settings_ok;
    for d in &cx.p.deals {
        for w in d.history.windows(2) {
            if w[1].date.value < w[0].date.value {
                out.push(
                    Diagnostic::new(
                        Code::HistoryOrder,
                        w[1].date.span,
                        format!(
                            "history entry dated {} comes after one dated {}",
                            w[1].date.value, w[0].date.value
                        ),
                    )
                    .hint("list history entries oldest first"),
                );
            }
        }
        for h in &d.history {
            if h.date.value > cx.as_of {
                out.push(
                    Diagnostic::new(
                        Code::HistoryFuture,
                        h.date.span,
                        format!("history entry dated {}, after as_of {}", h.date.value, cx.as_of),
                    )
                    .hint("history records what happened; planned dates go in `close` or `next_step_date`"),
                );
            }
        }
        if let Some(last) = d.history.last()
            && !d.stage.value.as_str().is_empty()
            && !last.stage.value.as_str().is_empty()
            && !(settings_ok && (d.refs.stage.is_none() || last.stage_ix.is_none()))
            && last.stage.value != d.stage.value
        {
            out.push(
                Diagnostic::new(
                    Code::HistoryEnd,
                    last.stage.span,
                    format!(
                        "history ends at \"{}\" but the deal's stage is \"{}\"",
                        last.stage.value, d.stage.value
                    ),
                )
                .hint(format!(
                    "when the stage changes, add [[history]] date = <today> stage = \"{}\"",
                    d.stage.value
                )),
            );
        }
    }
}

/// Open deals past a stage whose `requires` fields are empty (a warning:
/// process compliance). Closed deals are not checked.
pub fn exit_criteria(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    let stages = &p.settings.stages;
    for d in &p.deals {
        let Some(i) = d.refs.stage else { continue };
        if !stages[i].is_open() {
            continue;
        }
        let mut missing: Vec<String> = Vec::new();
        for st in &stages[..i.get()] {
            for f in &st.requires {
                if !d.is_filled(&f.value) {
                    missing.push(format!("`{}` (exit criterion of {})", f.value, st.name));
                }
            }
        }
        if !missing.is_empty() {
            let fields: Vec<&str> = stages[..i.get()]
                .iter()
                .flat_map(|st| st.requires.iter())
                .filter(|f| !d.is_filled(&f.value))
                .map(|f| f.value.as_str())
                .collect();
            out.push(
                Diagnostic::new(
                    Code::ExitCriteria,
                    d.stage.span,
                    format!(
                        "deal is in {} but {} empty",
                        stages[i].name,
                        join_missing(&missing)
                    ),
                )
                .hint(format!(
                    "fill in {} or move the deal back",
                    fields.join(", ")
                )),
            );
        }
    }
}

fn join_missing(items: &[String]) -> String {
    match items {
        [one] => format!("{one} is"),
        _ => format!("{} are", items.join(", ")),
    }
}

/// Each contact at most once among a deal's stakeholders.
pub fn stakeholders(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for d in cx.deals() {
        for (s, _) in super::repeats(&d.stakeholders, |s| s.contact.value.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateStakeholder,
                    s.contact.span,
                    format!(
                        "contact \"{}\" is listed twice as a stakeholder",
                        s.contact.value
                    ),
                )
                .hint("keep one entry per contact, with their main buying role"),
            );
        }
    }
}

/// Touches and surveys are not dated after `as_of`.
pub fn account_dates(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for a in &cx.p.accounts {
        let dates = a
            .touches
            .iter()
            .map(|t| (&t.date, "touch"))
            .chain(a.surveys.iter().map(|s| (&s.date, "survey")));
        for (date, what) in dates {
            if date.value > cx.as_of {
                out.push(
                    Diagnostic::new(
                        Code::FutureEntry,
                        date.span,
                        format!("{what} dated {}, after as_of {}", date.value, cx.as_of),
                    )
                    .hint("log follow-ups once they happened; plan them in a deal's next_step"),
                );
            }
        }
    }
}
