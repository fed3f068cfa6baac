//! Stage moves seen in git, for deals without `[[history]]`: when git saw
//! a deal change stage, the site's days in stage and stage conversion use
//! those moves (dated by their commits) instead of nothing. The deal's
//! change log says which source was used ([`DealLog::stage_source`]).

use super::changes::{ChangeLog, DealLog};
use crate::model::{HistoryEntry, Pipeline};
use crate::source::{Sp, Span};

/// The history entries git gives a deal: the first stage seen (dated
/// from its `created` when that is earlier), then each move, each dated
/// no earlier than the one before; none unless git saw the stage change
/// and the last move is to the deal's current stage.
pub fn entries(
    log: &DealLog,
    stage: &str,
    created: jiff::civil::Date,
) -> Option<Vec<(jiff::civil::Date, String)>> {
    if log.stage_moves.len() < 2 || log.stage_moves.last().map(|m| m.to.as_str()) != Some(stage) {
        return None;
    }
    let mut out: Vec<(jiff::civil::Date, String)> = Vec::new();
    for (k, m) in log.stage_moves.iter().enumerate() {
        let mut date = if k == 0 { created.min(m.date) } else { m.date };
        if let Some((prev, _)) = out.last() {
            date = date.max(*prev);
        }
        out.push((date, m.to.clone()));
    }
    Some(out)
}

/// Gives every deal without `[[history]]` the stage moves git saw;
/// returns how many deals got them.
pub fn stage_history(p: &mut Pipeline, log: &ChangeLog) -> usize {
    let mut n = 0;
    let stages = p.index.stages.clone();
    for d in p.deals.iter_mut().filter(|d| d.history.is_empty()) {
        let Some(l) = log.deals.get(d.id.as_str()) else {
            continue;
        };
        let Some(list) = entries(l, d.stage.value.as_str(), d.created.value) else {
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
                note: Some("from git".into()),
            })
            .collect();
        n += 1;
    }
    n
}
