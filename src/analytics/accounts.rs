//! Key-account health (follow-ups, satisfaction, lifetime won, open
//! pipeline) and the customer base: growth, retention, new accounts and
//! market share.

use super::facts::{Facts, Status, first_wins};
use crate::ix::{AccountIx, IxVec, enumerate};
use crate::model::{Tier, TouchKind};
use crate::money::{Money, Ratio, round};
use crate::period::Period;
use jiff::ToSpan;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Direction of the satisfaction scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Latest score above the one before.
    Up,
    /// Latest score below the one before.
    Down,
    /// Equal.
    Flat,
}

/// Health of one account as of `as_of`.
#[derive(Debug, Clone, Serialize)]
pub struct AccountHealth {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tier,
    /// Owner id.
    pub owner: String,
    /// Owner name.
    pub owner_name: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Date of the latest touch on or before `as_of`.
    pub last_touch: Option<Date>,
    /// Kind of that touch.
    pub last_touch_kind: Option<TouchKind>,
    /// Days since it.
    pub days_since_touch: Option<i64>,
    /// Follow-up cadence in days (account's own or the tier default).
    pub follow_up_days: u32,
    /// When the next follow-up is due (last touch + cadence; `as_of` when
    /// never touched).
    pub follow_up_due: Date,
    /// Days since the last touch exceed the cadence, or never touched.
    pub follow_up_overdue: bool,
    /// Latest satisfaction score.
    pub satisfaction: Option<u8>,
    /// Date of that score.
    pub satisfaction_date: Option<Date>,
    /// The score before it.
    pub previous_satisfaction: Option<u8>,
    /// Latest vs previous.
    pub satisfaction_trend: Option<Trend>,
    /// Won revenue, all time.
    pub lifetime_won: Money,
    /// Open amount now.
    pub open_pipeline: Money,
    /// Open deals now.
    pub open_deals: usize,
    /// Won deals, all time.
    pub won_deals: usize,
    /// Contacts on file.
    pub contacts: usize,
}

/// Health of every account, by id.
pub fn health(f: &Facts<'_>) -> Vec<AccountHealth> {
    let p = f.p;
    let mut won: IxVec<AccountIx, (Money, usize)> =
        IxVec::filled(p.accounts.len(), (Money::ZERO, 0));
    let mut open: IxVec<AccountIx, (Money, usize)> =
        IxVec::filled(p.accounts.len(), (Money::ZERO, 0));
    for d in &f.deals {
        let Some(a) = d.account else { continue };
        match d.status {
            Status::Won => {
                won[a].0 += d.amount;
                won[a].1 += 1;
            }
            Status::Open => {
                open[a].0 += d.amount;
                open[a].1 += 1;
            }
            Status::Lost => {}
        }
    }
    let fu = p.settings.rules.follow_up;
    enumerate(&p.accounts)
        .filter(|(_, a)| a.complete)
        .map(|(i, a): (AccountIx, _)| {
            let cadence = a.follow_up_days.unwrap_or(match a.tier {
                Tier::Key => fu.key,
                Tier::Growth => fu.growth,
                Tier::Standard => fu.standard,
            });
            let last = a
                .touches
                .iter()
                .filter(|t| t.date.value <= f.as_of)
                .max_by_key(|t| t.date.value);
            let days_since = last.map(|t| Facts::days(t.date.value, f.as_of));
            let due = last
                .and_then(|t| t.date.value.checked_add((cadence as i64).days()).ok())
                .unwrap_or(f.as_of);
            let mut surveys: Vec<(Date, u8)> = a
                .surveys
                .iter()
                .filter(|s| s.date.value <= f.as_of)
                .map(|s| (s.date.value, s.score))
                .collect();
            surveys.sort();
            let latest = surveys.last().copied();
            let previous = surveys.len().checked_sub(2).map(|i| surveys[i].1);
            AccountHealth {
                id: a.id.0.clone(),
                name: a.name.clone(),
                tier: a.tier,
                owner: a.owner.value.0.clone(),
                owner_name: p.person(a.owner.value.as_str()).map(|x| x.name.clone()),
                industry: a.industry.clone(),
                last_touch: last.map(|t| t.date.value),
                last_touch_kind: last.map(|t| t.kind),
                days_since_touch: days_since,
                follow_up_days: cadence,
                follow_up_due: due,
                follow_up_overdue: days_since.is_none_or(|d| d > cadence as i64),
                satisfaction: latest.map(|l| l.1),
                satisfaction_date: latest.map(|l| l.0),
                previous_satisfaction: previous,
                satisfaction_trend: match (latest, previous) {
                    (Some((_, l)), Some(pv)) => Some(match l.cmp(&pv) {
                        std::cmp::Ordering::Greater => Trend::Up,
                        std::cmp::Ordering::Less => Trend::Down,
                        std::cmp::Ordering::Equal => Trend::Flat,
                    }),
                    _ => None,
                },
                lifetime_won: won[i].0,
                open_pipeline: open[i].0,
                open_deals: open[i].1,
                won_deals: won[i].1,
                contacts: a.contacts.len(),
            }
        })
        .collect()
}

/// Won revenue in one period against the market size.
#[derive(Debug, Clone, Serialize)]
pub struct MarketShare {
    /// Period.
    pub period: Period,
    /// What the market is.
    pub name: Option<String>,
    /// Market size.
    pub size: Money,
    /// Won revenue in the period.
    pub won: Money,
    /// won ÷ size.
    pub share: Option<Ratio>,
}

/// Accounts whose first won deal closes in a period.
#[derive(Debug, Clone, Serialize)]
pub struct NewAccounts {
    /// Period.
    pub period: Period,
    /// Their ids, sorted.
    pub accounts: Vec<String>,
}

/// Growth, retention, new accounts and market share.
#[derive(Debug, Clone, Serialize)]
pub struct Customers {
    /// The current fiscal year.
    pub year: Period,
    /// The previous fiscal year.
    pub previous_year: Period,
    /// Won in the current fiscal year up to `as_of`.
    pub won_this_year_to_date: Money,
    /// Won in the previous fiscal year up to the same day a year earlier.
    pub won_last_year_to_date: Money,
    /// Growth, like for like: (this year to date − last year to date) ÷
    /// last year to date, in percent, one decimal place.
    pub growth_pct: Option<Decimal>,
    /// Won in the whole previous fiscal year.
    pub won_last_year_full: Money,
    /// This year to date against the whole previous year, in percent, one
    /// decimal place (not growth: the current year is not over).
    pub change_vs_last_full_year_pct: Option<Decimal>,
    /// Accounts with won revenue in the previous year.
    pub retention_base: usize,
    /// Of those, the ones with won revenue this year.
    pub retained: usize,
    /// retained ÷ base.
    pub retention: Option<Ratio>,
    /// New accounts per period of the horizon.
    pub new_accounts: Vec<NewAccounts>,
    /// Market share per `[[market]]` period.
    pub market_share: Vec<MarketShare>,
}

/// The change from `before` to `now` in percent, one decimal place (none
/// when `before` is zero, or when the change is too large to hold; see
/// [`crate::money`]): growth, and a product's change against the previous
/// quarter.
pub fn change_pct(now: Money, before: Money) -> Option<Decimal> {
    if before.is_zero() {
        return None;
    }
    let pct = (now.get() - before.get())
        .checked_div(before.get())?
        .checked_mul(Decimal::ONE_HUNDRED)
        .filter(|p| p.abs() <= Money::MAX.get())?;
    let mut g = round(pct, 1);
    g.rescale(1);
    Some(g)
}

/// The customer-base figures.
pub fn customers(f: &Facts<'_>, periods: &[Period]) -> Customers {
    let p = f.p;
    let year = f.cal.year_of(f.as_of);
    let prev = f.cal.prev(year);
    let (prev_start, _) = f.cal.range(prev);
    // The same day one year earlier (Feb 29 falls back to Feb 28).
    let same_day_last_year = f.as_of.checked_sub(1.year()).unwrap_or(f.as_of);
    let mut won_this = Money::ZERO;
    let mut won_last = Money::ZERO;
    let mut won_last_td = Money::ZERO;
    let mut accounts_last: BTreeSet<AccountIx> = BTreeSet::new();
    let mut accounts_this: BTreeSet<AccountIx> = BTreeSet::new();
    let (year_start, _) = f.cal.range(year);
    let (_, prev_end) = f.cal.range(prev);
    for d in f.deals.iter().filter(|d| d.status == Status::Won) {
        let Some(c) = d.close else { continue };
        if c >= year_start && c <= f.as_of {
            won_this += d.amount;
            if let Some(a) = d.account {
                accounts_this.insert(a);
            }
        }
        if c >= prev_start && c < prev_end {
            won_last += d.amount;
            if c >= prev_start && c <= same_day_last_year {
                won_last_td += d.amount;
            }
            if let Some(a) = d.account {
                accounts_last.insert(a);
            }
        }
    }
    let retained = accounts_last.intersection(&accounts_this).count();
    // Each account under the year, quarter and month of its first win.
    let mut by_period: HashMap<Period, Vec<&str>> = HashMap::new();
    for (a, first) in first_wins(f).into_iter_enumerated() {
        let Some((close, _)) = first else { continue };
        for per in f.periods_of(close) {
            by_period
                .entry(per)
                .or_default()
                .push(p.accounts[a].id.as_str());
        }
    }
    let new_accounts = periods
        .iter()
        .map(|&per| {
            let mut ids: Vec<String> = by_period
                .get(&per)
                .map(|v| v.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default();
            ids.sort();
            NewAccounts {
                period: per,
                accounts: ids,
            }
        })
        .collect();
    let market_share = p
        .settings
        .markets
        .iter()
        .map(|m| {
            let won: Money = f
                .deals
                .iter()
                .filter(|d| {
                    d.status == Status::Won
                        && d.close.is_some_and(|c| f.cal.contains(m.period.value, c))
                })
                .map(|d| d.amount)
                .sum();
            MarketShare {
                period: m.period.value,
                name: m.name.clone(),
                size: Money::cents(m.size),
                won,
                share: Ratio::of(won.get(), m.size),
            }
        })
        .collect();
    Customers {
        year,
        previous_year: prev,
        won_this_year_to_date: won_this,
        won_last_year_to_date: won_last_td,
        growth_pct: change_pct(won_this, won_last_td),
        won_last_year_full: won_last,
        change_vs_last_full_year_pct: change_pct(won_this, won_last),
        retention_base: accounts_last.len(),
        retained,
        retention: Ratio::of_counts(retained, accounts_last.len()),
        new_accounts,
        market_share,
    }
}
