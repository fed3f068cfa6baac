//! Forecast accuracy of closed periods: how good the calls were.
//!
//! For a closed period (one that ended on or before the range's end) and
//! a scope:
//!
//! - week N of the period ends on the N-th `week_ends` day inside the
//!   period; the **call at week N** is the period's commit (and weighted)
//!   forecast at the snapshot of that day: the last commit on or before
//!   it, evaluated as of it. A week whose snapshot is before the history
//!   starts, or whose revision has errors, has no call;
//! - the **actual** is the period's won amount at the latest point (late
//!   bookkeeping counts); when the latest point has errors, at the latest
//!   valid snapshot that has the period;
//! - **accuracy** = call ÷ actual (over 100 % means over-forecast),
//!   **absolute error** = |call − actual| ÷ actual, **signed error** =
//!   (call − actual) ÷ actual; with an actual of zero all three are none;
//! - per period, the **mean absolute error** and the **bias** (mean signed
//!   error) over the weeks with a call;
//! - per scope, the **bias over the last quarters**: the mean of the
//!   periods' biases over the closed periods measured (at most the last
//!   four), each period counting once.
//!
//! Means are taken of the exact ratios and rounded to 4 places at the end.

use super::{History, Point, ScopeId};
use crate::analytics::ScopeRef;
use crate::money::{Money, Ratio};
use crate::period::Period;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

/// Closed periods the bias is averaged over.
pub const BIAS_PERIODS: usize = 4;

/// One call.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// Week number within the period, from 1.
    pub week: usize,
    /// The week's last day.
    pub date: Date,
    /// The snapshot's commit (short id); none before the history starts.
    pub label: Option<String>,
    /// Errors of that revision.
    pub errors: usize,
    /// Commit forecast of the period then.
    pub commit: Option<Money>,
    /// Weighted forecast then.
    pub weighted: Option<Money>,
    /// commit ÷ actual.
    pub commit_accuracy: Option<Ratio>,
    /// |commit − actual| ÷ actual.
    pub commit_error: Option<Ratio>,
    /// weighted ÷ actual.
    pub weighted_accuracy: Option<Ratio>,
    /// |weighted − actual| ÷ actual.
    pub weighted_error: Option<Ratio>,
}

/// Accuracy of one period for one scope.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeAccuracy {
    /// Who.
    pub scope: ScopeRef,
    /// Final won amount of the period.
    pub actual: Money,
    /// One per week of the period.
    pub calls: Vec<Call>,
    /// Mean absolute error of the commit calls.
    pub commit_mae: Option<Ratio>,
    /// Mean signed error of the commit calls.
    pub commit_bias: Option<Ratio>,
    /// Mean absolute error of the weighted calls.
    pub weighted_mae: Option<Ratio>,
    /// Mean signed error of the weighted calls.
    pub weighted_bias: Option<Ratio>,
    #[serde(skip)]
    commit_bias_exact: Option<Decimal>,
    #[serde(skip)]
    weighted_bias_exact: Option<Decimal>,
}

/// The weeks whose calls a table shows: of the weeks with a call
/// (1-based), the first, the middle one and the last.
pub fn shown_weeks(pa: &PeriodAccuracy) -> Vec<usize> {
    let with_call: Vec<usize> = (1..=pa.weeks.len())
        .filter(|&w| {
            pa.scopes
                .iter()
                .any(|s| s.calls.get(w - 1).is_some_and(|c| c.label.is_some()))
        })
        .collect();
    let Some(&first) = with_call.first() else {
        return Vec::new();
    };
    let mut v = vec![
        first,
        with_call[(with_call.len() - 1) / 2],
        *with_call.last().unwrap_or(&first),
    ];
    v.dedup();
    v
}

/// Accuracy of one closed period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodAccuracy {
    /// The period.
    pub period: Period,
    /// The last day of each of its weeks.
    pub weeks: Vec<Date>,
    /// Where the actual comes from: the date of that point.
    pub actual_as_of: Option<Date>,
    /// Per scope, in the forecast's order.
    pub scopes: Vec<ScopeAccuracy>,
}

/// Bias of one scope over the last closed periods.
#[derive(Debug, Clone, Serialize)]
pub struct Bias {
    /// Who.
    pub scope: ScopeRef,
    /// Periods with a bias that were averaged.
    pub periods: usize,
    /// Mean of the periods' commit biases.
    pub commit: Option<Ratio>,
    /// Mean of the periods' weighted biases.
    pub weighted: Option<Ratio>,
}

/// Accuracy of every closed period measured, and the bias per scope.
#[derive(Debug, Clone, Serialize)]
pub struct Accuracy {
    /// Oldest first.
    pub periods: Vec<PeriodAccuracy>,
    /// Per scope.
    pub bias: Vec<Bias>,
}

fn key(s: &ScopeRef) -> ScopeId {
    (s.kind, s.id.clone())
}

/// The point the actual of `period` comes from.
fn actual_point(h: &History, period: Period) -> Option<&Point> {
    if h.last.valid() && h.last.forecast.iter().any(|r| r.period == period) {
        return Some(&h.last);
    }
    h.timeline
        .points
        .iter()
        .rev()
        .find(|p| p.valid() && p.forecast.iter().any(|r| r.period == period))
}

/// `(x − actual) ÷ actual` exactly; none for an actual of zero.
fn signed(x: Money, actual: Money) -> Option<Decimal> {
    if actual.is_zero() {
        None
    } else {
        Some((x.get() - actual.get()) / actual.get())
    }
}

/// The mean of exact values, rounded to a ratio; none when empty.
fn mean(v: &[Decimal]) -> Option<Ratio> {
    exact_mean(v).and_then(|m| Ratio::of(m, Decimal::ONE))
}

fn exact_mean(v: &[Decimal]) -> Option<Decimal> {
    if v.is_empty() {
        None
    } else {
        Some(v.iter().sum::<Decimal>() / Decimal::from(v.len()))
    }
}

fn period_accuracy(
    h: &History,
    period: Period,
    weeks: &[Date],
    scopes: &[ScopeRef],
) -> PeriodAccuracy {
    let source = actual_point(h, period);
    let mut out = Vec::new();
    for s in scopes {
        let k = key(s);
        let Some(actual) = source.and_then(|p| p.row(period, &k)).map(|r| r.won) else {
            continue;
        };
        let mut calls = Vec::new();
        let (mut ce, mut cs, mut we, mut ws) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (n, &w) in weeks.iter().enumerate() {
            // The snapshot of that day (several commits of one day are
            // points of `--every commit`: the day's last one, which has
            // the period, is the call).
            let point = h.timeline.points.iter().rfind(|p| {
                p.date == w && (!p.valid() || p.forecast.iter().any(|r| r.period == period))
            });
            let row = point.and_then(|p| p.row(period, &k));
            let commit = row.map(|r| r.commit);
            let weighted = row.map(|r| r.weighted);
            let sc = commit.and_then(|c| signed(c, actual));
            let sw = weighted.and_then(|c| signed(c, actual));
            if let Some(x) = sc {
                ce.push(x.abs());
                cs.push(x);
            }
            if let Some(x) = sw {
                we.push(x.abs());
                ws.push(x);
            }
            calls.push(Call {
                week: n + 1,
                date: w,
                label: point.map(|p| h.label(p)),
                errors: point.map_or(0, |p| p.errors),
                commit,
                weighted,
                commit_accuracy: commit.and_then(|c| c.ratio(actual)),
                commit_error: sc.and_then(|x| Ratio::of(x.abs(), Decimal::ONE)),
                weighted_accuracy: weighted.and_then(|c| c.ratio(actual)),
                weighted_error: sw.and_then(|x| Ratio::of(x.abs(), Decimal::ONE)),
            });
        }
        out.push(ScopeAccuracy {
            scope: s.clone(),
            actual,
            calls,
            commit_mae: mean(&ce),
            commit_bias: mean(&cs),
            weighted_mae: mean(&we),
            weighted_bias: mean(&ws),
            commit_bias_exact: exact_mean(&cs),
            weighted_bias_exact: exact_mean(&ws),
        });
    }
    PeriodAccuracy {
        period,
        weeks: weeks.to_vec(),
        actual_as_of: source.map(|p| p.date),
        scopes: out,
    }
}

/// Accuracy of the closed periods of the history, for `scopes`.
pub fn accuracy(h: &History, scopes: &[ScopeRef]) -> Accuracy {
    let periods: Vec<PeriodAccuracy> = h
        .timeline
        .accuracy_periods
        .iter()
        .map(|(q, weeks)| period_accuracy(h, *q, weeks, scopes))
        .collect();
    let last = &periods[periods.len().saturating_sub(BIAS_PERIODS)..];
    let bias = scopes
        .iter()
        .filter_map(|s| {
            let k = key(s);
            let of = |f: fn(&ScopeAccuracy) -> Option<Decimal>| -> Vec<Decimal> {
                last.iter()
                    .filter_map(|pa| pa.scopes.iter().find(|x| key(&x.scope) == k))
                    .filter_map(f)
                    .collect()
            };
            let c = of(|x| x.commit_bias_exact);
            let w = of(|x| x.weighted_bias_exact);
            (!c.is_empty() || !w.is_empty()).then(|| Bias {
                scope: s.clone(),
                periods: c.len().max(w.len()),
                commit: mean(&c),
                weighted: mean(&w),
            })
        })
        .collect();
    Accuracy { periods, bias }
}
