//! The sums every family reads, by period and scope: one pass over the
//! deals, touches and surveys adds each to the year, quarter and month it
//! falls in, for its owner; the owners' sums are then rolled up into their
//! teams and the organisation. Its own module so that the forecast
//! ([`super::forecast`]) and the targets ([`super::targets`]), which both
//! read the sums, do not import each other.

use super::facts::{DealFact, Facts, ScopeKey, Status, first_wins};
use crate::ix::PersonIx;
use crate::model::Category;
use crate::money::Money;
use crate::period::Period;
use rustc_hash::FxHashMap;

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

/// All sums, by period and scope.
#[derive(Debug, Default)]
pub struct Accumulated {
    map: FxHashMap<(Period, ScopeKey), Acc>,
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
struct ByPerson(FxHashMap<(Period, Option<PersonIx>), Acc>);

impl ByPerson {
    fn add(&mut self, periods: [Period; 3], person: Option<PersonIx>, mut f: impl FnMut(&mut Acc)) {
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
        by.add(f.periods_of(close), d.owner, |a| add_closing(a, d, cycle));
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
    for &(close, d) in first_wins(f).iter().flatten() {
        by.add(f.periods_of(close), d.owner, |x| x.new_accounts += 1);
    }
    roll_up(f, by, &mut acc);
    acc
}

/// What a deal closing in a period adds to that period's sums; `cycle`:
/// its days from created to close.
fn add_closing(a: &mut Acc, d: &DealFact, cycle: i64) {
    match d.status {
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
    }
}

/// Adds each person's sums to their team's and the organisation's.
fn roll_up(f: &Facts<'_>, by: ByPerson, acc: &mut Accumulated) {
    for ((period, person), a) in by.0 {
        let team = person.and_then(|o| f.team_of(o)).map(ScopeKey::Team);
        for s in [Some(ScopeKey::Org), team].into_iter().flatten() {
            acc.map.entry((period, s)).or_default().absorb(&a);
        }
        if let Some(o) = person {
            acc.map.insert((period, ScopeKey::Person(o)), a);
        }
    }
}

/// The sums of the deals closing in `periods` only (won, lost, the open
/// categories, weighted, counts, cycles): all that
/// [`super::forecast::forecast`] reads, for the history's snapshots, which
/// need a period or two and not every year, quarter and month of every
/// date with the other families' sums.
pub fn accumulate_closing(f: &Facts<'_>, periods: &[Period]) -> Accumulated {
    let mut by = ByPerson::default();
    for d in &f.deals {
        let Some(close) = d.close else { continue };
        for &p in periods {
            if f.cal.contains(p, close) {
                let a = by.0.entry((p, d.owner)).or_default();
                add_closing(a, d, Facts::days(d.created, close));
            }
        }
    }
    let mut acc = Accumulated::default();
    roll_up(f, by, &mut acc);
    acc
}

#[cfg(test)]
mod tests {
    use crate::analytics::facts::Facts;
    use crate::analytics::forecast::forecasts;
    use crate::analytics::targets::Targets;
    use crate::period::Grain;

    #[test]
    fn the_closing_sums_give_the_forecast_of_all_sums() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-pipeline");
        let checked = crate::load_and_check(
            &root,
            &Default::default(),
            None,
            jiff::civil::date(2026, 1, 1),
        );
        let p = &checked.pipeline;
        let mut compared = 0;
        for as_of in ["2025-06-30", "2026-02-14", "2026-05-31", "2026-09-30"] {
            let as_of: jiff::civil::Date = as_of.parse().unwrap();
            let f = Facts::new(p, as_of);
            let cal = p.settings.calendar();
            let q = cal.quarter_of(as_of);
            let periods = [
                cal.prev(q),
                q,
                cal.of_grain(Grain::Year, as_of),
                cal.month_of(as_of),
            ];
            let tgt = Targets::new(&f);
            let all = forecasts(&f, &super::accumulate(&f), &tgt, &periods);
            let closing = forecasts(&f, &super::accumulate_closing(&f, &periods), &tgt, &periods);
            assert_eq!(format!("{all:?}"), format!("{closing:?}"), "as of {as_of}");
            compared += all
                .iter()
                .filter(|r| !r.won.is_zero() || r.open_deals > 0)
                .count();
        }
        assert!(
            compared > 10,
            "the example should have figures to compare: {compared}"
        );
    }
}
