//! Target lookup with roll-up. A period without a target of its own takes
//! the sum of its quarters' (or months') targets, the mean for rates and
//! scores. A team without a target takes the sum of its people's, the
//! organisation the sum of its teams' and of the people in no team
//! (additive metrics only). A roll-up needs every part: a quarter with
//! targets for two of its three months, or a team of which one seller has
//! no target, has no target (a sum over some of the parts is not the
//! whole's target). Each figure says where it came from.

use super::ScopeRef;
use super::facts::{Facts, ScopeKey};
use super::sums::Accumulated;
use crate::model::{Metric, Role, Scope};
use crate::money::{Money, Ratio, round};
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// Where a target value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Written in a targets file.
    Set,
    /// Rolled up from shorter periods (quarters or months).
    Periods,
    /// Summed over the team's people or the organisation's teams.
    Members,
}

/// A target value with its optional stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The target.
    pub value: Decimal,
    /// The stretch tier.
    pub stretch: Option<Decimal>,
    /// Where it came from.
    pub source: Source,
}

/// Whether a metric adds up across periods and people.
pub fn additive(m: Metric) -> bool {
    matches!(
        m,
        Metric::Revenue | Metric::NewAccounts | Metric::PipelineCreated
    )
}

/// The targets of a pipeline, by period, scope and metric.
pub struct Targets<'f, 'p> {
    f: &'f Facts<'p>,
    set: HashMap<(Period, ScopeKey, Metric), (Decimal, Option<Decimal>)>,
    /// Whether each person is a part of their team's (or, in no team, the
    /// organisation's) roll-up: the people who get rows ([`roster`]).
    roster: Vec<bool>,
}

/// The people who get forecast and performance rows and whose targets a
/// roll-up over members needs: everyone who sells (role sales or
/// manager), owns a deal or an account, or has a target. By position in
/// [`crate::model::Pipeline::people`].
pub fn roster(f: &Facts<'_>) -> Vec<bool> {
    let p = f.p;
    let mut on: Vec<bool> = p
        .people
        .iter()
        .map(|x| matches!(x.role, Role::Sales | Role::Manager))
        .collect();
    for o in f.deals.iter().filter_map(|d| d.owner) {
        on[o] = true;
    }
    for a in &p.accounts {
        if let Some(&o) = p.index.people.get(a.owner.value.as_str()) {
            on[o] = true;
        }
    }
    for t in &p.targets {
        if let Scope::Person(id) = &t.scope
            && let Some(&o) = p.index.people.get(id.as_str())
        {
            on[o] = true;
        }
    }
    on
}

impl<'f, 'p> Targets<'f, 'p> {
    /// Indexes the targets whose scope resolves (the first of duplicates).
    pub fn new(f: &'f Facts<'p>) -> Targets<'f, 'p> {
        let p = f.p;
        let mut set = HashMap::new();
        for t in &p.targets {
            let scope = match &t.scope {
                Scope::Org => Some(ScopeKey::Org),
                Scope::Team(id) => p.index.teams.get(id.as_str()).map(|&i| ScopeKey::Team(i)),
                Scope::Person(id) => p
                    .index
                    .people
                    .get(id.as_str())
                    .map(|&i| ScopeKey::Person(i)),
            };
            if let Some(s) = scope {
                set.entry((t.period.value, s, t.metric))
                    .or_insert((t.value, t.stretch.as_ref().map(|s| s.value)));
            }
        }
        Targets {
            f,
            set,
            roster: roster(f),
        }
    }

    /// The target of a period, scope and metric, rolled up where needed.
    pub fn get(&self, period: Period, scope: ScopeKey, metric: Metric) -> Option<Resolved> {
        if let Some(&(value, stretch)) = self.set.get(&(period, scope, metric)) {
            return Some(Resolved {
                value,
                stretch,
                source: Source::Set,
            });
        }
        self.by_periods(period, scope, metric)
            .or_else(|| self.by_members(period, scope, metric))
    }

    /// The sum (or mean) of the targets of every child period; none when
    /// a child has none (or the period has no children).
    fn by_periods(&self, period: Period, scope: ScopeKey, metric: Metric) -> Option<Resolved> {
        let parts: Option<Vec<Resolved>> = self
            .f
            .cal
            .children(period)
            .into_iter()
            .map(|c| {
                self.set
                    .get(&(c, scope, metric))
                    .map(|&(value, stretch)| Resolved {
                        value,
                        stretch,
                        source: Source::Set,
                    })
                    .or_else(|| self.by_periods(c, scope, metric))
            })
            .collect();
        combine(&parts?, metric, Source::Periods)
    }

    /// The sum of the targets of every member (a team's people on the
    /// roster; the organisation's teams with such people or a target of
    /// their own, and the people on the roster in no team); none when a
    /// member has none, or for a metric that does not add up.
    fn by_members(&self, period: Period, scope: ScopeKey, metric: Metric) -> Option<Resolved> {
        if !additive(metric) {
            return None;
        }
        let people = |team: Option<usize>| {
            (0..self.f.p.people.len())
                .filter(move |&i| self.roster[i] && self.f.person_team[i] == team)
                .map(ScopeKey::Person)
        };
        let members: Vec<ScopeKey> = match scope {
            ScopeKey::Person(_) => return None,
            ScopeKey::Team(t) => people(Some(t)).collect(),
            // The teams, and the people in none: everyone whose deals count
            // for the organisation. A team of nobody who sells counts only
            // when it has a target anyway.
            ScopeKey::Org => (0..self.f.p.teams.len())
                .filter(|&t| {
                    people(Some(t)).next().is_some()
                        || self.get(period, ScopeKey::Team(t), metric).is_some()
                })
                .map(ScopeKey::Team)
                .chain(people(None))
                .collect(),
        };
        let parts: Option<Vec<Resolved>> = members
            .into_iter()
            .map(|m| self.get(period, m, metric))
            .collect();
        combine(&parts?, metric, Source::Members)
    }
}

fn combine(parts: &[Resolved], metric: Metric, source: Source) -> Option<Resolved> {
    if parts.is_empty() {
        return None;
    }
    let sum: Decimal = parts.iter().map(|r| r.value).sum();
    let any_stretch = parts.iter().any(|r| r.stretch.is_some());
    let stretch_sum: Decimal = parts.iter().map(|r| r.stretch.unwrap_or(r.value)).sum();
    let n = Decimal::from(parts.len());
    let (value, stretch) = if additive(metric) {
        (sum, any_stretch.then_some(stretch_sum))
    } else {
        (
            round(sum / n, 4).normalize(),
            any_stretch.then(|| round(stretch_sum / n, 4).normalize()),
        )
    };
    Some(Resolved {
        value,
        stretch,
        source,
    })
}

/// A target with its actual, for the targets page.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// Period.
    pub period: Period,
    /// Scope.
    pub scope: ScopeRef,
    /// Metric.
    pub metric: Metric,
    /// Target value (money as a decimal; rates 0..=1; scores 0..=10).
    pub value: Decimal,
    /// Stretch tier.
    pub stretch: Option<Decimal>,
    /// Where the value came from.
    pub source: Source,
    /// The actual value in the period (none when undefined, e.g. a win
    /// rate without closed deals).
    pub actual: Option<Decimal>,
    /// actual ÷ value.
    pub attainment: Option<Ratio>,
    /// actual ÷ stretch.
    pub stretch_attainment: Option<Ratio>,
    /// Whether the period has ended as of `as_of`.
    pub closed: bool,
}

/// The actual of a metric for a period and scope.
pub fn actual(
    f: &Facts<'_>,
    acc: &Accumulated,
    period: Period,
    scope: ScopeKey,
    metric: Metric,
) -> Option<Decimal> {
    let a = acc.get(period, scope);
    match metric {
        Metric::Revenue => Some(a.won.get()),
        Metric::PipelineCreated => Some(a.created.get()),
        Metric::NewAccounts => Some(Decimal::from(a.new_accounts)),
        Metric::WinRate => {
            Ratio::of_counts(a.won_count, a.won_count + a.lost_count).map(|r| r.get())
        }
        Metric::Satisfaction => {
            if a.survey_count == 0 {
                None
            } else {
                let mut mean = round(
                    Decimal::from(a.survey_sum) / Decimal::from(a.survey_count),
                    2,
                );
                mean.rescale(2);
                Some(mean)
            }
        }
        Metric::MarketShare => {
            let size =
                f.p.settings
                    .markets
                    .iter()
                    .find(|m| m.period.value == period)
                    .map(|m| m.size)?;
            Ratio::of(a.won.get(), size).map(|r| r.get())
        }
    }
}

/// Every written target, with actuals (rolled-up targets appear in the
/// forecast and performance rows, not here).
pub fn rows(f: &Facts<'_>, acc: &Accumulated, tgt: &Targets<'_, '_>) -> Vec<TargetRow> {
    let mut keys: Vec<(Period, ScopeKey, Metric)> = tgt.set.keys().copied().collect();
    keys.sort_by_key(|(p, s, m)| (f.cal.range(*p).0, p.grain(), *s, *m));
    keys.into_iter()
        .map(|(period, scope, metric)| {
            let r = tgt.get(period, scope, metric).expect("set targets resolve");
            let actual = actual(f, acc, period, scope, metric);
            TargetRow {
                period,
                scope: f.scope_ref(scope),
                metric,
                value: r.value,
                stretch: r.stretch,
                source: r.source,
                actual,
                attainment: actual.and_then(|a| Ratio::of(a, r.value)),
                stretch_attainment: actual.and_then(|a| r.stretch.and_then(|s| Ratio::of(a, s))),
                closed: f.cal.range(period).1 <= f.as_of,
            }
        })
        .collect()
}

/// A revenue target as money.
pub fn money_target(r: Option<Resolved>) -> (Option<Money>, Option<Money>, Option<Source>) {
    match r {
        Some(r) => (
            Some(Money::cents(r.value)),
            r.stretch.map(Money::cents),
            Some(r.source),
        ),
        None => (None, None, None),
    }
}
