//! The forecast trend of one period for one scope: at each snapshot, the
//! period's won, commit, best case, pipeline, weighted, target and open
//! deals, as `report` computes them for that revision as of that date.
//!
//! The trend shows the snapshots dated inside the period (up to the
//! range's end) and the latest point; for a period that has not started
//! yet, the last 13 snapshots.

use super::{History, Point, ScopeId};
use crate::analytics::ScopeRef;
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use serde::Serialize;

/// Snapshots shown for a period that has not started yet.
pub const PRE_PERIOD_POINTS: usize = 13;

/// One point of a trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// The snapshot's date.
    pub date: Date,
    /// Its commit's short id, or "working tree".
    pub label: String,
    /// Errors of the revision (no figures when any).
    pub errors: usize,
    /// Closed won in the period.
    pub won: Option<Money>,
    /// Won + open commit.
    pub commit: Option<Money>,
    /// Commit + open best case.
    pub best_case: Option<Money>,
    /// Best case + open pipeline.
    pub pipeline: Option<Money>,
    /// Won + Σ open amount × probability.
    pub weighted: Option<Money>,
    /// Revenue target.
    pub target: Option<Money>,
    /// Open deals closing in the period.
    pub open_deals: Option<usize>,
}

/// The trend of one period and scope.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    /// The period.
    pub period: Period,
    /// Who.
    pub scope: ScopeRef,
    /// Oldest first; the latest point last.
    pub points: Vec<TrendPoint>,
}

/// The cadence points shown for the trend period, and the latest point.
pub fn window(h: &History) -> Vec<&Point> {
    let t = &h.timeline;
    let (start, end) = h.last.calendar.range(t.period);
    let cadence: Vec<&Point> = t.points.iter().filter(|p| p.cadence).collect();
    let mut out: Vec<&Point> = cadence
        .iter()
        .copied()
        .filter(|p| p.date >= start && p.date < end)
        .collect();
    if out.is_empty() && start > t.end {
        let skip = cadence.len().saturating_sub(PRE_PERIOD_POINTS);
        out = cadence[skip..].to_vec();
    }
    out.push(&h.last);
    out
}

/// A point of the trend of `scope` for `period`.
pub fn trend_point(h: &History, p: &Point, period: Period, scope: &ScopeId) -> TrendPoint {
    let row = p.row(period, scope);
    TrendPoint {
        date: p.date,
        label: h.label(p),
        errors: p.errors,
        won: row.map(|r| r.won),
        commit: row.map(|r| r.commit),
        best_case: row.map(|r| r.best_case),
        pipeline: row.map(|r| r.pipeline),
        weighted: row.map(|r| r.weighted),
        target: row.and_then(|r| r.target),
        open_deals: row.map(|r| r.open_deals),
    }
}

/// The trend of the trend period for `scope`, over [`window`].
pub fn trend(h: &History, scope: &ScopeRef) -> Trend {
    let key: ScopeId = (scope.kind, scope.id.clone());
    let period = h.timeline.period;
    Trend {
        period,
        scope: scope.clone(),
        points: window(h)
            .into_iter()
            .map(|p| trend_point(h, p, period, &key))
            .collect(),
    }
}

/// The scopes of the trend period at the latest point (else the latest
/// point that has figures), in the forecast's order: the organisation,
/// each team followed by its people, people without a team.
pub fn scopes(h: &History) -> Vec<ScopeRef> {
    let period = h.timeline.period;
    let rows = |p: &Point| -> Vec<ScopeRef> {
        p.forecast
            .iter()
            .filter(|r| r.period == period)
            .map(|r| r.scope.clone())
            .collect()
    };
    let mut v = rows(&h.last);
    if v.is_empty() {
        v = h
            .timeline
            .points
            .iter()
            .rev()
            .map(rows)
            .find(|v| !v.is_empty())
            .unwrap_or_default();
    }
    v
}
