//! The funnel (open deals by stage now) and stage conversion from
//! histories. A deal *reached* open stage i when its current stage or any
//! stage in its history is i or a later open stage; won deals reached every
//! open stage; lost deals reached the furthest open stage of their history
//! (and, with no history, the first stage: every deal starts somewhere).
//! conversion(i → i+1) = reached(i+1) ÷ reached(i); the last open stage
//! converts into won.

use super::facts::{Facts, ScopeKey, Status};
use crate::ix::StageIx;
use crate::money::{Money, Ratio};
use serde::Serialize;

/// One open stage of the funnel.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelStage {
    /// Stage id.
    pub stage: String,
    /// Stage name.
    pub name: String,
    /// Default probability.
    pub probability: rust_decimal::Decimal,
    /// Open deals in it now.
    pub count: usize,
    /// Their amount.
    pub amount: Money,
    /// Their weighted amount.
    pub weighted: Money,
}

/// The funnel.
#[derive(Debug, Clone, Serialize)]
pub struct Funnel {
    /// Open stages in order.
    pub stages: Vec<FunnelStage>,
    /// All open deals.
    pub count: usize,
    /// Their amount.
    pub amount: Money,
    /// Their weighted amount.
    pub weighted: Money,
}

/// Open deals of a scope by stage now.
pub fn funnel(f: &Facts<'_>, scope: ScopeKey) -> Funnel {
    let stages = &f.p.settings.stages;
    let mut rows: Vec<FunnelStage> = f
        .open_stages
        .iter()
        .map(|&i| FunnelStage {
            stage: stages[i].id.value.to_string(),
            name: stages[i].name.clone(),
            probability: stages[i].probability,
            count: 0,
            amount: Money::ZERO,
            weighted: Money::ZERO,
        })
        .collect();
    for d in f
        .deals
        .iter()
        .filter(|d| d.status == Status::Open && f.in_scope(d, scope))
    {
        if let Some(pos) = f.open_stages.iter().position(|&i| i == d.stage) {
            let r = &mut rows[pos];
            r.count += 1;
            r.amount += d.amount;
            r.weighted += d.weighted;
        }
    }
    Funnel {
        count: rows.iter().map(|r| r.count).sum(),
        amount: rows.iter().map(|r| r.amount).sum(),
        weighted: rows.iter().map(|r| r.weighted).sum(),
        stages: rows,
    }
}

/// Conversion from one stage to the next.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    /// From stage id.
    pub from: String,
    /// From stage name.
    pub from_name: String,
    /// To stage id (the won stage for the last open stage).
    pub to: String,
    /// To stage name.
    pub to_name: String,
    /// Deals that reached `from`.
    pub reached_from: usize,
    /// Deals that reached `to`.
    pub reached_to: usize,
    /// reached_to ÷ reached_from.
    pub rate: Option<Ratio>,
}

/// Position (among the open stages) of the furthest open stage a deal
/// reached; `open_count` stands for "won".
pub fn furthest(f: &Facts<'_>, d: &super::DealFact) -> usize {
    let n = f.open_stages.len();
    if d.status == Status::Won {
        return n;
    }
    let pos = |stage_ix: StageIx| f.open_stages.iter().position(|&i| i == stage_ix);
    let deal = &f.p.deals[d.ix];
    let mut best = if d.status == Status::Open {
        pos(d.stage)
    } else {
        None
    };
    for h in &deal.history {
        if let Some(p) = h.stage_ix.and_then(pos) {
            best = Some(best.map_or(p, |b: usize| b.max(p)));
        }
    }
    best.unwrap_or(0)
}

/// Conversion rates between consecutive open stages, and into won, over
/// the deals of a scope.
pub fn conversion(f: &Facts<'_>, scope: ScopeKey) -> Vec<Conversion> {
    let n = f.open_stages.len();
    if n == 0 {
        return Vec::new();
    }
    // reached[k] = deals whose furthest position ≥ k, for k in 0..=n (n = won)
    let mut at = vec![0usize; n + 1];
    for d in f.deals.iter().filter(|d| f.in_scope(d, scope)) {
        at[furthest(f, d)] += 1;
    }
    let mut reached = vec![0usize; n + 1];
    let mut acc = 0;
    for k in (0..=n).rev() {
        acc += at[k];
        reached[k] = acc;
    }
    let stages = &f.p.settings.stages;
    let won = stages
        .iter()
        .find(|s| s.outcome == Some(crate::model::Outcome::Won));
    (0..n)
        .map(|k| {
            let from = &stages[f.open_stages[k]];
            let (to, to_name) = if k + 1 < n {
                let t = &stages[f.open_stages[k + 1]];
                (t.id.value.to_string(), t.name.clone())
            } else {
                won.map(|w| (w.id.value.to_string(), w.name.clone()))
                    .unwrap_or_else(|| ("won".into(), "Won".into()))
            };
            Conversion {
                from: from.id.value.to_string(),
                from_name: from.name.clone(),
                to,
                to_name,
                reached_from: reached[k],
                reached_to: reached[k + 1],
                rate: Ratio::of_counts(reached[k + 1], reached[k]),
            }
        })
        .collect()
}
