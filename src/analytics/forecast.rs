//! Forecast per period and scope, read off the sums of [`super::sums`]
//! (one pass over the deals adds each one to the year, quarter and month
//! of its `close`, and of its `created` for pipeline created, for its
//! owner; the owners' sums are then added up into their teams and the
//! organisation).
//!
//! For a period: won = closed won; commit = won + open commit; best case =
//! commit + open best case; pipeline = best case + open pipeline; weighted
//! = won + Σ open amount × probability (each rounded to the cent); gap =
//! target − won; coverage = open amount ÷ gap (none when the gap is not
//! positive); attainment = won ÷ target.

use super::ScopeRef;
use super::facts::{Facts, ScopeKey};
use super::sums::{Acc, Accumulated};
use super::targets::{Source, Targets, money_target};
use crate::model::Metric;
use crate::money::{Money, Ratio};
use crate::period::Period;
use serde::Serialize;

/// The forecast of one period for one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// Period.
    pub period: Period,
    /// Scope.
    pub scope: ScopeRef,
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
    /// Stretch target.
    pub stretch: Option<Money>,
    /// Where the target came from.
    pub target_source: Option<Source>,
    /// Target − won.
    pub gap: Option<Money>,
    /// Open amount ÷ gap (none without a positive gap).
    pub coverage: Option<Ratio>,
    /// Won ÷ target.
    pub attainment: Option<Ratio>,
    /// Won ÷ stretch.
    pub stretch_attainment: Option<Ratio>,
}

/// The scopes that get forecast and performance rows: the organisation,
/// every team, and every person on the roster ([`super::targets::roster`]:
/// who sells, owns a deal or an account, or has a target).
pub fn reported_scopes(f: &Facts<'_>) -> Vec<ScopeKey> {
    let p = f.p;
    let reported = super::targets::roster(f);
    // The organisation, then each team followed by its people, then the
    // people without a team.
    let mut v = vec![ScopeKey::Org];
    for t in 0..p.teams.len() {
        v.push(ScopeKey::Team(t));
        v.extend(
            (0..p.people.len())
                .filter(|&i| f.person_team[i] == Some(t) && reported[i])
                .map(ScopeKey::Person),
        );
    }
    v.extend(
        (0..p.people.len())
            .filter(|&i| f.person_team[i].is_none() && reported[i])
            .map(ScopeKey::Person),
    );
    v
}

/// One row per period and reported scope.
pub fn forecasts(
    f: &Facts<'_>,
    acc: &Accumulated,
    tgt: &Targets<'_, '_>,
    periods: &[Period],
) -> Vec<Forecast> {
    let scopes = reported_scopes(f);
    let mut out = Vec::with_capacity(periods.len() * scopes.len());
    for &period in periods {
        for &scope in &scopes {
            out.push(forecast(f, acc.get(period, scope), tgt, period, scope));
        }
    }
    out
}

/// The forecast row from the sums.
pub fn forecast(
    f: &Facts<'_>,
    a: &Acc,
    tgt: &Targets<'_, '_>,
    period: Period,
    scope: ScopeKey,
) -> Forecast {
    let commit = a.won + a.open_commit;
    let best_case = commit + a.open_best_case;
    let pipeline = best_case + a.open_pipeline;
    let (target, stretch, target_source) = money_target(tgt.get(period, scope, Metric::Revenue));
    let gap = target.map(|t| t - a.won);
    let open_amount = a.open_amount();
    Forecast {
        period,
        scope: f.scope_ref(scope),
        won: a.won,
        commit,
        best_case,
        pipeline,
        weighted: a.won + a.open_weighted,
        open_amount,
        open_deals: a.open_count,
        target,
        stretch,
        target_source,
        gap,
        coverage: gap
            .filter(|g| g.get().is_sign_positive() && !g.is_zero())
            .and_then(|g| open_amount.ratio(g)),
        attainment: target.and_then(|t| a.won.ratio(t)),
        stretch_attainment: stretch.and_then(|s| a.won.ratio(s)),
    }
}
