//! Stage moves seen in git, for deals without `[[history]]`: when git saw
//! a deal change stage, the site's days in stage and stage conversion use
//! those moves (dated by their commits) instead of nothing. The deal's
//! change log says which source was used ([`DealLog::stage_source`]).
//!
//! The entries are made so that no check can object to them: only stages
//! the settings still have, dated from the deal's `created` to the range's
//! end, oldest first, the last one the deal's stage now.

use super::changes::{ChangeLog, DealLog};
use crate::model::{HistoryEntry, Pipeline};
use crate::source::{Sp, Span};
use jiff::civil::Date;

/// The history entries git gives a deal in `stage` now (created on
/// `created`), up to `end`: the first stage seen (dated `created`), then
/// each move, each dated no earlier than the one before and clamped to
/// `[created, end]`; the stage now last (dated `end` when only the working
/// tree has it). None unless git saw the stage change, or when a stage is
/// not one of `known`.
pub fn entries(
    log: &DealLog,
    stage: &str,
    created: Date,
    end: Date,
    known: impl Fn(&str) -> bool,
) -> Option<Vec<(Date, String)>> {
    let mut moves: Vec<(Date, &str)> = log
        .stage_moves
        .iter()
        .map(|m| (m.date, m.to.as_str()))
        .collect();
    if moves.last().map(|m| m.1) != Some(stage) {
        moves.push((end, stage));
    }
    if moves.len() < 2 || !moves.iter().all(|(_, s)| known(s)) {
        return None;
    }
    let lo = created.min(end);
    let mut out: Vec<(Date, String)> = Vec::new();
    for (k, (date, st)) in moves.into_iter().enumerate() {
        let mut date = if k == 0 { lo } else { date.clamp(lo, end) };
        if let Some((prev, _)) = out.last() {
            date = date.max(*prev);
        }
        out.push((date, st.to_string()));
    }
    Some(out)
}

/// The `[[history]]` git gives each deal without one: per deal (its
/// position in the pipeline), the stage moves git saw (the committed ones,
/// in `log`; a stage changed in the working tree only counts from `end`),
/// up to `end`. Empty when no deal gets any.
pub fn stage_histories(
    p: &Pipeline,
    log: &ChangeLog,
    end: Date,
) -> Vec<(usize, Vec<HistoryEntry>)> {
    let stages = &p.index.stages;
    let mut out = Vec::new();
    for (k, d) in p
        .deals
        .iter()
        .enumerate()
        .filter(|(_, d)| d.history.is_empty())
    {
        let Some(l) = log.deals.get(d.id.as_str()) else {
            continue;
        };
        let Some(list) = entries(l, d.stage.value.as_str(), d.created.value, end, |s| {
            stages.contains_key(s)
        }) else {
            continue;
        };
        let span = Span::file_start(d.file);
        let entries = list
            .into_iter()
            .map(|(date, stage)| HistoryEntry {
                date: Sp::new(date, span),
                stage_ix: stages.get(stage.as_str()).copied(),
                stage: Sp::new(crate::ids::StageId::from(stage.as_str()), span),
                close: None,
                note: None,
            })
            .collect();
        out.push((k, entries));
    }
    out
}

/// Whether git's stage moves can change anything in `p`: only when a deal
/// has no `[[history]]` (`dealbook deal`, `touch` and `import` always
/// write one).
pub fn may_apply(p: &Pipeline) -> bool {
    p.deals.iter().any(|d| d.history.is_empty())
}

/// Gives every deal without `[[history]]` the stage moves git saw
/// ([`stage_histories`]); returns how many deals got them.
pub fn stage_history(p: &mut Pipeline, log: &ChangeLog, end: Date) -> usize {
    let found = stage_histories(p, log, end);
    let n = found.len();
    for (k, entries) in found {
        p.deals[k].history = entries;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::changes::{After, ChangeLog};
    use crate::history::log::Commit;
    use jiff::civil::date;

    fn log_of(stages: &[(&str, Date)]) -> ChangeLog {
        let mut log = ChangeLog::default();
        for (n, (st, d)) in stages.iter().enumerate() {
            let c = Commit {
                id: format!("{n:040}"),
                date: *d,
                time: 0,
                author: String::new(),
                subject: String::new(),
                merge: false,
            };
            let state = crate::history::changes::test_state(st, None, 1);
            log.record("d", After::Present(state), Some(&c), *d, None, None);
        }
        log
    }

    #[test]
    fn entries_start_at_created_and_stay_in_range() {
        let log = log_of(&[
            ("qualify", date(2026, 9, 4)),
            ("solution", date(2026, 9, 11)),
            ("proof", date(2026, 12, 1)),
        ]);
        let l = &log.deals["d"];
        let known = |_: &str| true;
        // The first stage from `created`; a move after the end clamped to
        // it.
        let e = entries(l, "proof", date(2026, 8, 1), date(2026, 11, 15), known).unwrap();
        assert_eq!(
            e,
            [
                (date(2026, 8, 1), "qualify".to_string()),
                (date(2026, 9, 11), "solution".to_string()),
                (date(2026, 11, 15), "proof".to_string())
            ]
        );
        // A deal created after a move: no date before `created`.
        let e = entries(l, "proof", date(2026, 9, 20), date(2026, 12, 31), known).unwrap();
        assert_eq!(e[1].0, date(2026, 9, 20));
        // The working tree's stage is the last, as of the end.
        let e = entries(
            l,
            "negotiation",
            date(2026, 8, 1),
            date(2026, 12, 31),
            known,
        )
        .unwrap();
        assert_eq!(
            e.last().unwrap(),
            &(date(2026, 12, 31), "negotiation".to_string())
        );
        // A stage the settings no longer have: nothing.
        assert!(
            entries(l, "proof", date(2026, 8, 1), date(2026, 12, 31), |s| s
                != "solution")
            .is_none()
        );
        // No move seen: nothing.
        let one = log_of(&[("qualify", date(2026, 9, 4))]);
        assert!(
            entries(
                &one.deals["d"],
                "qualify",
                date(2026, 8, 1),
                date(2026, 12, 31),
                known
            )
            .is_none()
        );
    }
}
