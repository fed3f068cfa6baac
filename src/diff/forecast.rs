//! The forecast delta: each forecast row of the analytics at A next to the
//! same row (period and scope) at B. The organisation's row of every period
//! is kept; a team's or a person's only when something in it changed.

use crate::analytics::ScopeKind;
use crate::analytics::forecast::Forecast;
use crate::analytics::{Analytics, ScopeRef};
use crate::money::{Money, Ratio};
use crate::period::{Calendar, Period};
use serde::Serialize;
use std::collections::HashMap;

/// The figures of one forecast row that the diff compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Closed won.
    pub won: Money,
    /// Won + open commit.
    pub commit: Money,
    /// Commit + open best case.
    pub best_case: Money,
    /// Best case + open pipeline.
    pub pipeline: Money,
    /// Won + Σ open amount × probability.
    pub weighted: Money,
    /// Open amount closing in the period.
    pub open_amount: Money,
    /// Open deals closing in the period.
    pub open_deals: usize,
    /// Revenue target.
    pub target: Option<Money>,
    /// Won ÷ target.
    pub attainment: Option<Ratio>,
}

impl From<&Forecast> for Figures {
    fn from(f: &Forecast) -> Self {
        Figures {
            won: f.won,
            commit: f.commit,
            best_case: f.best_case,
            pipeline: f.pipeline,
            weighted: f.weighted,
            open_amount: f.open_amount,
            open_deals: f.open_deals,
            target: f.target,
            attainment: f.attainment,
        }
    }
}

/// One forecast row before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastDelta {
    /// Period.
    pub period: Period,
    /// Who it is for.
    pub scope: ScopeRef,
    /// At A; none when A has no such row (a new person, say).
    pub before: Option<Figures>,
    /// At B.
    pub after: Option<Figures>,
}

impl ForecastDelta {
    /// Whether any figure differs.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

type Key = (Period, ScopeKind, Option<String>);

fn key(f: &Forecast) -> Key {
    (f.period, f.scope.kind, f.scope.id.clone())
}

/// The periods of the organisation's rows on either side, sorted by start
/// (longer periods first) in the calendar `cal`.
pub fn periods(a: &Analytics, b: &Analytics, cal: &Calendar) -> Vec<Period> {
    let mut v: Vec<Period> = a
        .forecast
        .iter()
        .chain(&b.forecast)
        .filter(|f| f.scope.kind == ScopeKind::Org)
        .map(|f| f.period)
        .collect();
    v.sort_by_key(|p| (cal.range(*p).0, p.grain()));
    v.dedup();
    v
}

/// The rows to show, in the order of `periods`: per period the
/// organisation, then the teams and people whose figures changed (B's
/// order, then those only at A).
pub fn deltas(a: &Analytics, b: &Analytics, periods: &[Period]) -> Vec<ForecastDelta> {
    let mut by_period: HashMap<Period, Vec<(&Forecast, Option<&Forecast>)>> = HashMap::new();
    let a_rows: HashMap<Key, &Forecast> = a.forecast.iter().map(|f| (key(f), f)).collect();
    let mut seen: std::collections::HashSet<Key> = std::collections::HashSet::new();
    for f in &b.forecast {
        let k = key(f);
        by_period
            .entry(f.period)
            .or_default()
            .push((f, a_rows.get(&k).copied()));
        seen.insert(k);
    }
    let mut only_a: HashMap<Period, Vec<&Forecast>> = HashMap::new();
    for f in &a.forecast {
        if !seen.contains(&key(f)) {
            only_a.entry(f.period).or_default().push(f);
        }
    }
    let mut out = Vec::new();
    for period in periods {
        let mut rows: Vec<ForecastDelta> = Vec::new();
        for (fb, fa) in by_period.get(period).into_iter().flatten() {
            rows.push(ForecastDelta {
                period: *period,
                scope: fb.scope.clone(),
                before: fa.map(Figures::from),
                after: Some(Figures::from(*fb)),
            });
        }
        for fa in only_a.get(period).into_iter().flatten() {
            rows.push(ForecastDelta {
                period: *period,
                scope: fa.scope.clone(),
                before: Some(Figures::from(*fa)),
                after: None,
            });
        }
        // The organisation's row first, whatever the sides' orders.
        rows.sort_by_key(|r| r.scope.kind != ScopeKind::Org);
        out.extend(
            rows.into_iter()
                .filter(|r| r.scope.kind == ScopeKind::Org || r.changed()),
        );
    }
    out
}
