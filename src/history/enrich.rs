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

/// Gives every deal without `[[history]]` the stage moves git saw (the
/// committed ones, in `log`; a stage changed in the working tree only
/// counts from `end`), up to `end`; returns how many deals got them.
pub fn stage_history(p: &mut Pipeline, log: &ChangeLog, end: Date) -> usize {
    let mut n = 0;
    let stages = p.index.stages.clone();
    for d in p.deals.iter_mut().filter(|d| d.history.is_empty()) {
        let Some(l) = log.deals.get(d.id.as_str()) else {
            continue;
        };
        let Some(list) = entries(l, d.stage.value.as_str(), d.created.value, end, |s| {
            stages.contains_key(s)
        }) else {
            continue;
        };
        let span = Span::file_start(d.file);
        d.history = list
            .into_iter()
            .map(|(date, stage)| HistoryEntry {
                date: Sp::new(date, span),
                stage_ix: stages.get(stage.as_str()).copied(),
                stage: Sp::new(crate::ids::StageId::from(stage.as_str()), span),
                close: None,
                note: None,
            })
            .collect();
        n += 1;
    }
    n
}
