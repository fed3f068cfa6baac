//! Performance per person and team for each period, with a ranking:
//! target, won, attainment, win rate, deals won, average deal size, sales
//! cycle, pipeline created, touches logged, and (as of now) overdue
//! follow-ups and open risks. Also the trailing-year figures behind sales
//! velocity.

use super::ScopeKind;
use super::ScopeRef;
use super::accounts::AccountHealth;
use super::facts::{Facts, ScopeKey, Status};
use super::figures::DealFigures;
use super::forecast::reported_scopes;
use super::sums::Accumulated;
use super::targets::{Targets, money_target};
use crate::model::Metric;
use crate::money::{Money, Ratio, mean_days, median_days};
use crate::period::Period;
use jiff::ToSpan;
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;

/// One person or team in one period.
#[derive(Debug, Clone, Serialize)]
pub struct Performance {
    /// Period.
    pub period: Period,
    /// Person or team.
    pub scope: ScopeRef,
    /// 1 = best attainment among people (or teams) in this period.
    pub rank: usize,
    /// Revenue target.
    pub target: Option<Money>,
    /// Won revenue.
    pub won: Money,
    /// Won ÷ target.
    pub attainment: Option<Ratio>,
    /// Won ÷ (won + lost), by count.
    pub win_rate: Option<Ratio>,
    /// Won ÷ (won + lost), by amount.
    pub win_rate_amount: Option<Ratio>,
    /// Deals won.
    pub deals_won: usize,
    /// Deals lost.
    pub deals_lost: usize,
    /// Mean amount of deals won.
    pub average_deal: Option<Money>,
    /// Mean days from created to close of deals won.
    pub cycle_mean_days: Option<Decimal>,
    /// Median of the same.
    pub cycle_median_days: Option<Decimal>,
    /// Amount of deals created in the period.
    pub pipeline_created: Money,
    /// Touches logged in the period.
    pub touches: usize,
    /// Owned accounts whose follow-up is overdue now.
    pub overdue_follow_ups: usize,
    /// Risk signals on owned open deals now.
    pub open_risks: usize,
}

/// Rows for every period, person and team, ranked within each period
/// (`deals` are the deal figures, with their risk codes).
pub fn performance(
    f: &Facts<'_>,
    acc: &Accumulated,
    tgt: &Targets<'_, '_>,
    periods: &[Period],
    deals: &[DealFigures],
    accounts: &[AccountHealth],
) -> Vec<Performance> {
    // Open risks and overdue follow-ups now, per person (looking each
    // owner up once), then per team as the sum of its people.
    let mut per_person = vec![(0usize, 0usize); f.p.people.len()];
    for d in deals {
        if let Some(o) = d.owner {
            per_person[o].0 += d.risks.len();
        }
    }
    for a in accounts.iter().filter(|a| a.follow_up_overdue) {
        if let Some(&i) = f.p.index.people.get(a.owner.as_str()) {
            per_person[i].1 += 1;
        }
    }
    let mut per_team = vec![(0usize, 0usize); f.p.teams.len()];
    for (&(r, o), team) in per_person.iter().zip(&f.person_team) {
        if let Some(t) = *team {
            per_team[t].0 += r;
            per_team[t].1 += o;
        }
    }
    // The organisation has no row.
    let now: Vec<(ScopeKey, usize, usize)> = reported_scopes(f)
        .into_iter()
        .filter_map(|s| {
            let (r, o) = match s {
                ScopeKey::Org => return None,
                ScopeKey::Person(p) => per_person[p],
                ScopeKey::Team(t) => per_team[t],
            };
            Some((s, r, o))
        })
        .collect();
    let mut out = Vec::new();
    for &period in periods {
        let mut rows: Vec<(ScopeKey, Performance)> = now
            .iter()
            .map(|&(scope, open_risks, overdue_follow_ups)| {
                let a = acc.get(period, scope);
                let (target, _, _) = money_target(tgt.get(period, scope, Metric::Revenue));
                let row = Performance {
                    period,
                    scope: f.scope_ref(scope),
                    rank: 0,
                    target,
                    won: a.won,
                    attainment: target.and_then(|t| a.won.ratio(t)),
                    win_rate: Ratio::of_counts(a.won_count, a.won_count + a.lost_count),
                    win_rate_amount: a.won.ratio(a.won + a.lost),
                    deals_won: a.won_count,
                    deals_lost: a.lost_count,
                    average_deal: a.won.div_count(a.won_count),
                    cycle_mean_days: mean_days(&a.cycles),
                    cycle_median_days: median_days(&a.cycles),
                    pipeline_created: a.created,
                    touches: a.touches,
                    overdue_follow_ups,
                    open_risks,
                };
                (scope, row)
            })
            .collect();
        for kind in [ScopeKind::Person, ScopeKind::Team] {
            let mut idx: Vec<usize> = (0..rows.len())
                .filter(|&i| rows[i].1.scope.kind == kind)
                .collect();
            idx.sort_by(|&a, &b| ranking(&rows[a].1, &rows[b].1));
            for (rank, i) in idx.into_iter().enumerate() {
                rows[i].1.rank = rank + 1;
            }
        }
        rows.sort_by(|a, b| {
            (a.1.scope.kind != ScopeKind::Team)
                .cmp(&(b.1.scope.kind != ScopeKind::Team))
                .then(a.1.rank.cmp(&b.1.rank))
        });
        out.extend(rows.into_iter().map(|(_, r)| r));
    }
    out
}

/// Best first: attainment (none last), then won, then id.
fn ranking(a: &Performance, b: &Performance) -> Ordering {
    match (a.attainment, b.attainment) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then(b.won.cmp(&a.won))
    .then(a.scope.id.cmp(&b.scope.id))
}

/// Whether a person id falls in a scope.
pub fn in_scope(f: &Facts<'_>, s: ScopeKey, person: Option<&str>) -> bool {
    let ix = person.and_then(|id| f.p.index.people.get(id).copied());
    s.covers(ix, ix.and_then(|i| f.person_team[i]))
}

/// Figures over the 365 days up to `as_of`, behind sales velocity.
#[derive(Debug, Clone, Serialize)]
pub struct Trailing {
    /// Open deals now.
    pub open_deals: usize,
    /// Win rate by count of deals closed in the window.
    pub win_rate: Option<Ratio>,
    /// Mean amount of deals won in the window.
    pub average_deal: Option<Money>,
    /// Mean sales cycle of deals won in the window.
    pub cycle_mean: Option<Decimal>,
    /// open deals × win rate × average deal ÷ mean cycle, per day.
    pub velocity: Option<Money>,
}

/// Trailing-year figures and velocity for a scope. The window is the 365
/// days ending on `as_of` (as_of − 364 ..= as_of).
pub fn trailing(f: &Facts<'_>, scope: ScopeKey) -> Trailing {
    let start = f.as_of.checked_sub(364.days()).unwrap_or(f.as_of);
    let mut won = Money::ZERO;
    let (mut won_n, mut lost_n, mut open_n) = (0usize, 0usize, 0usize);
    let mut cycles = Vec::new();
    for d in &f.deals {
        if !f.in_scope(d, scope) {
            continue;
        }
        match (d.status, d.close) {
            (Status::Open, _) => open_n += 1,
            (Status::Won, Some(c)) if c >= start && c <= f.as_of => {
                won += d.amount;
                won_n += 1;
                cycles.push(Facts::days(d.created, c));
            }
            (Status::Lost, Some(c)) if c >= start && c <= f.as_of => lost_n += 1,
            _ => {}
        }
    }
    let win_rate = Ratio::of_counts(won_n, won_n + lost_n);
    let average_deal = won.div_count(won_n);
    let cycle_mean = mean_days(&cycles);
    // open × (won_n / closed_n) × (won / won_n) ÷ (Σcycles / won_n), with
    // exact fractions: open × won × won_n ÷ (closed_n × Σcycles).
    let cycle_sum: i64 = cycles.iter().sum();
    // Checked: with amounts near the maxima and short cycles the product
    // may not fit a decimal; the velocity is then undefined.
    let velocity = if won_n > 0 && cycle_sum > 0 {
        Decimal::from(open_n)
            .checked_mul(won.get())
            .and_then(|x| x.checked_mul(Decimal::from(won_n)))
            .and_then(|x| x.checked_div(Decimal::from(won_n + lost_n) * Decimal::from(cycle_sum)))
            .filter(|v| v.abs() <= Money::MAX.get())
            .map(Money::cents)
    } else {
        None
    };
    Trailing {
        open_deals: open_n,
        win_rate,
        average_deal,
        cycle_mean,
        velocity,
    }
}
