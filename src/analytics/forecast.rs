//! Forecast per period and scope. One pass over the deals adds each one to
//! the year, quarter and month of its `close` (and of its `created`, for
//! pipeline created) for its owner; the owners' sums are then added up into
//! their teams and the organisation, and the rows read off these sums.
//!
//! For a period: won = closed won; commit = won + open commit; best case =
//! commit + open best case; pipeline = best case + open pipeline; weighted
//! = won + Σ open amount × probability (each rounded to the cent); gap =
//! target − won; coverage = open amount ÷ gap (none when the gap is not
//! positive); attainment = won ÷ target.

use super::ScopeRef;
use super::facts::{Facts, ScopeKey, Status, first_wins};
use super::targets::{Source, Targets, money_target};
use crate::model::{Category, Metric};
use crate::money::{Money, Ratio};
use crate::period::Period;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Sums for one period and scope.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    /// Won amount closing in the period.
    pub won: Money,
    /// Won deals closing in the period.
    pub won_count: usize,
    /// Lost amount closing in the period.
    pub lost: Money,
    /// Lost deals closing in the period.
    pub lost_count: usize,
    /// Open amount in the commit category closing in the period.
    pub open_commit: Money,
    /// Open amount in the best-case category.
    pub open_best_case: Money,
    /// Open amount in the pipeline category.
    pub open_pipeline: Money,
    /// Σ weighted amounts of open deals.
    pub open_weighted: Money,
    /// Open deals closing in the period.
    pub open_count: usize,
    /// Sales cycles (days) of deals won in the period.
    pub cycles: Vec<i64>,
    /// Amount of deals created in the period.
    pub created: Money,
    /// Touches logged in the period.
    pub touches: usize,
    /// Accounts whose first won deal closes in the period.
    pub new_accounts: usize,
    /// Sum of survey scores in the period.
    pub survey_sum: u64,
    /// Number of surveys in the period.
    pub survey_count: usize,
}

impl Acc {
    /// Open amount of all categories.
    pub fn open_amount(&self) -> Money {
        self.open_commit + self.open_best_case + self.open_pipeline
    }

    /// Adds another scope's sums to these.
    fn absorb(&mut self, o: &Acc) {
        self.won += o.won;
        self.won_count += o.won_count;
        self.lost += o.lost;
        self.lost_count += o.lost_count;
        self.open_commit += o.open_commit;
        self.open_best_case += o.open_best_case;
        self.open_pipeline += o.open_pipeline;
        self.open_weighted += o.open_weighted;
        self.open_count += o.open_count;
        self.cycles.extend_from_slice(&o.cycles);
        self.created += o.created;
        self.touches += o.touches;
        self.new_accounts += o.new_accounts;
        self.survey_sum += o.survey_sum;
        self.survey_count += o.survey_count;
    }
}

/// A fast hasher for the small keys of the sums (periods, scopes): the
/// default SipHash guards against hostile keys, which these are not, and
/// was a fifth of computing everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map with small keys, hashed with [`KeyHasher`].
pub type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// All sums, by period and scope.
#[derive(Debug, Default)]
pub struct Accumulated {
    map: KeyMap<(Period, ScopeKey), Acc>,
    empty: Acc,
}

impl Accumulated {
    /// The sums of a period and scope (zero when nothing happened).
    pub fn get(&self, period: Period, scope: ScopeKey) -> &Acc {
        self.map.get(&(period, scope)).unwrap_or(&self.empty)
    }
}

/// Sums by period and person (`None`: nobody known, the organisation
/// only), before they are rolled up into teams and the organisation.
#[derive(Default)]
struct ByPerson(KeyMap<(Period, Option<usize>), Acc>);

impl ByPerson {
    fn add(&mut self, periods: [Period; 3], person: Option<usize>, mut f: impl FnMut(&mut Acc)) {
        for p in periods {
            f(self.0.entry((p, person)).or_default());
        }
    }
}

/// One pass over deals, touches and surveys, summing by period and person;
/// then each person's sums are added to their team's and the
/// organisation's (a third of the map updates of adding every deal to
/// every scope).
pub fn accumulate(f: &Facts<'_>) -> Accumulated {
    let mut acc = Accumulated::default();
    let mut by = ByPerson::default();
    let p = f.p;
    for d in &f.deals {
        by.add(f.periods_of(d.created), d.owner, |a| a.created += d.amount);
        let Some(close) = d.close else { continue };
        let cycle = Facts::days(d.created, close);
        by.add(f.periods_of(close), d.owner, |a| match d.status {
            Status::Won => {
                a.won += d.amount;
                a.won_count += 1;
                a.cycles.push(cycle);
            }
            Status::Lost => {
                a.lost += d.amount;
                a.lost_count += 1;
            }
            Status::Open => {
                match d.category {
                    Category::Commit => a.open_commit += d.amount,
                    Category::BestCase => a.open_best_case += d.amount,
                    Category::Pipeline => a.open_pipeline += d.amount,
                }
                a.open_weighted += d.weighted;
                a.open_count += 1;
            }
        });
    }
    for a in &p.accounts {
        let owner = p.index.people.get(a.owner.value.as_str()).copied();
        for t in &a.touches {
            let Some(&who) = p.index.people.get(t.by.value.as_str()) else {
                continue;
            };
            by.add(f.periods_of(t.date.value), Some(who), |x| x.touches += 1);
        }
        for s in &a.surveys {
            by.add(f.periods_of(s.date.value), owner, |x| {
                x.survey_sum += s.score as u64;
                x.survey_count += 1;
            });
        }
    }
    // New accounts: the first won deal of each account, counted for that
    // deal's owner.
    for (close, d) in first_wins(f).into_iter().flatten() {
        by.add(f.periods_of(close), d.owner, |x| x.new_accounts += 1);
    }
    for ((period, person), a) in by.0 {
        let team = person.and_then(|o| f.person_team[o]).map(ScopeKey::Team);
        for s in [Some(ScopeKey::Org), team].into_iter().flatten() {
            acc.map.entry((period, s)).or_default().absorb(&a);
        }
        if let Some(o) = person {
            acc.map.insert((period, ScopeKey::Person(o)), a);
        }
    }
    acc
}

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
