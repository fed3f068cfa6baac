//! The numbers a sales manager runs the business on, as pure functions of
//! a validated pipeline and an `as_of` date: no I/O, no clock. Every family
//! (funnel, forecast, performance, risks, accounts, trends, win/loss) has
//! its module; [`compute`] runs them all (independent families side by
//! side, on every core) and returns one [`Analytics`] that the report, the
//! site and the diff share. Per-deal figures and risk signals are figures, not text:
//! they point into the pipeline by position, and [`export`] joins the ids,
//! names and reasons in where they are shown or written out.

pub mod accounts;
pub mod export;
pub mod facts;
pub mod figures;
pub mod forecast;
pub mod funnel;
pub mod performance;
pub mod risk;
pub mod sums;
pub mod targets;
pub mod trends;
pub mod winloss;

use crate::model::Pipeline;
use crate::money::{Money, Ratio};
use crate::period::{Calendar, Period};
use facts::Facts;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

pub use facts::{DealCategory, DealFact, ScopeKey, Status};
pub use figures::DealFigures;

/// Version of the analytics document (`report --format json`, `data.json`).
pub const REPORT_VERSION: u32 = 2;

/// What to compute for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Extra periods to report on besides the default horizon.
    pub periods: Vec<Period>,
    /// The period of the headline figures (the current quarter otherwise).
    pub period: Option<Period>,
    /// The scope of the headline figures (the organisation otherwise).
    pub focus: Option<Focus>,
}

/// A team or person to focus the headline figures on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    /// A team, by id.
    Team(crate::ids::TeamId),
    /// A person, by id.
    Person(crate::ids::PersonId),
}

/// What kind of scope a figure is for. Serialised (and shown) as `org`,
/// `person`, `team`; declared in that order, the order of those names, so
/// that sorting by scope is what it was when the kind was a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// The organisation.
    Org,
    /// A person.
    Person,
    /// A team.
    Team,
}

impl ScopeKind {
    /// The name in JSON, CSV and the site: `org`, `person` or `team`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Org => "org",
            ScopeKind::Person => "person",
            ScopeKind::Team => "team",
        }
    }
}

impl std::fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a figure is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ScopeRef {
    /// The organisation, a team or a person.
    pub kind: ScopeKind,
    /// Id of the team or person; none for the organisation.
    pub id: Option<String>,
    /// Human name.
    pub name: String,
}

/// The periods the numbers are for, as of `as_of`.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    /// The fiscal year containing `as_of`.
    pub year: Period,
    /// The fiscal quarter containing `as_of`.
    pub quarter: Period,
    /// The month containing `as_of`.
    pub month: Period,
    /// The previous fiscal year.
    pub previous_year: Period,
}

impl Current {
    /// The periods containing `as_of` in the calendar `cal`.
    pub fn new(cal: Calendar, as_of: Date) -> Current {
        let year = cal.year_of(as_of);
        Current {
            year,
            quarter: cal.quarter_of(as_of),
            month: cal.month_of(as_of),
            previous_year: cal.prev(year),
        }
    }
}

/// Headline figures for the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Kpis {
    /// Period of the figures (the current quarter unless asked otherwise).
    pub period: Period,
    /// Who they are for.
    pub scope: ScopeRef,
    /// Won in the period.
    pub won: Money,
    /// Revenue target of the quarter.
    pub target: Option<Money>,
    /// Won ÷ target.
    pub attainment: Option<Ratio>,
    /// Commit of the quarter (won + open commit).
    pub commit: Money,
    /// Best case of the quarter.
    pub best_case: Money,
    /// Weighted forecast of the quarter.
    pub weighted: Money,
    /// Open amount closing this quarter ÷ gap.
    pub coverage: Option<Ratio>,
    /// Win rate by count of deals closed in the fiscal year of the period.
    pub win_rate: Option<Ratio>,
    /// Open deals now.
    pub open_deals: usize,
    /// Their amount.
    pub open_amount: Money,
    /// Open risk signals now.
    pub open_risks: usize,
    /// Deals with at least one risk signal.
    pub deals_at_risk: usize,
    /// Accounts whose follow-up is overdue.
    pub overdue_follow_ups: usize,
    /// Sales velocity per day over the trailing 365 days.
    pub velocity: Option<Money>,
    /// Mean sales cycle of deals won in the trailing 365 days, days.
    pub sales_cycle_days: Option<Decimal>,
    /// Average size of deals won in the trailing 365 days.
    pub average_deal: Option<Money>,
    /// Win rate (count) over the trailing 365 days.
    pub win_rate_trailing: Option<Ratio>,
}

/// Everything, for one pipeline and date. The deals and risks point into
/// that pipeline by position; [`Analytics::document`] is the exported
/// (JSON) form.
#[derive(Debug, Clone)]
pub struct Analytics {
    /// Document version.
    pub version: u32,
    /// Organisation name.
    pub org: String,
    /// The date the numbers are for.
    pub as_of: Date,
    /// Reporting currency.
    pub currency: String,
    /// Month the fiscal year starts in.
    pub fiscal_year_start: u8,
    /// The current periods.
    pub current: Current,
    /// Headline figures.
    pub kpis: Kpis,
    /// Every usable deal with its derived figures, in id order.
    pub deals: Vec<DealFigures>,
    /// Open deals by stage now.
    pub funnel: funnel::Funnel,
    /// Stage-to-stage conversion from histories.
    pub conversion: Vec<funnel::Conversion>,
    /// Forecast per period and scope.
    pub forecast: Vec<forecast::Forecast>,
    /// Performance per period, person and team, ranked.
    pub performance: Vec<performance::Performance>,
    /// Targets with actuals.
    pub targets: Vec<targets::TargetRow>,
    /// Risk signals on open deals, by deal (in id order), then signal.
    pub risks: Vec<risk::Risk>,
    /// Account health.
    pub accounts: Vec<accounts::AccountHealth>,
    /// Growth, retention, new accounts, market share.
    pub customers: accounts::Customers,
    /// Monthly won revenue and product trends.
    pub trends: trends::Trends,
    /// Win/loss and competition per period (years and quarters) and scope.
    pub winloss: Vec<winloss::WinLoss>,
}

/// Computes everything. The risks (themselves split over the cores) run
/// beside the families that do not need them; the result is the same
/// whatever the number of threads.
pub fn compute(p: &Pipeline, as_of: Date, opts: &Options) -> Analytics {
    let f = Facts::new(p, as_of);
    let current = Current::new(f.cal, as_of);
    let mut opts = opts.clone();
    let focus_period = opts.period.unwrap_or(current.quarter);
    opts.periods.push(focus_period);
    let periods = horizon(&f, &current, &opts);
    let scope = focus_scope(&f, opts.focus.as_ref());
    let ((risks, winloss), (accounts, acc, customers, trends, funnel, conversion)) = rayon::join(
        || {
            rayon::join(
                || risk::risks(&f),
                || winloss::winloss(&f, &periods, focus_period),
            )
        },
        || {
            let ((accounts, acc), (customers, (trends, (funnel, conversion)))) = rayon::join(
                || (accounts::health(&f), sums::accumulate(&f)),
                || {
                    rayon::join(
                        || accounts::customers(&f, &periods),
                        || {
                            (
                                trends::trends(&f, scope),
                                (funnel::funnel(&f, scope), funnel::conversion(&f, scope)),
                            )
                        },
                    )
                },
            );
            (accounts, acc, customers, trends, funnel, conversion)
        },
    );
    let tgt = targets::Targets::new(&f);
    let deals = figures::figures(&f, &risks);
    let forecast = forecast::forecasts(&f, &acc, &tgt, &periods);
    let performance = performance::performance(&f, &acc, &tgt, &periods, &deals, &accounts);
    let target_rows = targets::rows(&f, &acc, &tgt);
    let kpis = kpis(&f, focus_period, scope, &acc, &tgt, &deals, &accounts);
    Analytics {
        version: REPORT_VERSION,
        org: p.settings.org.name.clone(),
        as_of,
        currency: p.settings.org.currency.value.clone(),
        fiscal_year_start: p.settings.org.fiscal_year_start,
        current,
        kpis,
        deals,
        funnel,
        conversion,
        forecast,
        performance,
        targets: target_rows,
        risks,
        accounts,
        customers,
        trends,
        winloss,
    }
}

/// The periods reported: the current and previous fiscal years, their
/// quarters, the months of the current year, the next quarter, and any
/// period a target or market size names, plus `opts.periods`. Sorted by
/// start date, then years before quarters before months.
pub fn horizon(f: &Facts<'_>, current: &Current, opts: &Options) -> Vec<Period> {
    let cal = f.cal;
    let mut v = vec![current.previous_year, current.year];
    v.extend(cal.children(current.previous_year));
    v.extend(cal.children(current.year));
    for q in cal.children(current.year) {
        v.extend(cal.children(q));
    }
    v.push(cal.next(current.quarter));
    v.extend(f.p.targets.iter().map(|t| t.period.value));
    v.extend(f.p.settings.markets.iter().map(|m| m.period.value));
    v.extend(opts.periods.iter().copied());
    sort_periods(f, &mut v);
    v
}

/// Sorts periods by start, longer periods first; removes duplicates.
pub fn sort_periods(f: &Facts<'_>, v: &mut Vec<Period>) {
    v.sort_by_key(|p| (f.cal.range(*p).0, p.grain()));
    v.dedup();
}

/// The scope of a focus; the organisation when none (or unknown).
pub fn focus_scope(f: &Facts<'_>, focus: Option<&Focus>) -> ScopeKey {
    match focus {
        Some(Focus::Team(id)) => f.p.index.teams.get(id.as_str()).map(|&i| ScopeKey::Team(i)),
        Some(Focus::Person(id)) => {
            f.p.index
                .people
                .get(id.as_str())
                .map(|&i| ScopeKey::Person(i))
        }
        None => None,
    }
    .unwrap_or(ScopeKey::Org)
}

fn kpis(
    f: &Facts<'_>,
    period: Period,
    scope: ScopeKey,
    acc: &sums::Accumulated,
    tgt: &targets::Targets<'_, '_>,
    deals: &[DealFigures],
    accounts: &[accounts::AccountHealth],
) -> Kpis {
    let q = forecast::forecast(f, acc.get(period, scope), tgt, period, scope);
    let (year_start, _) = f.cal.range(period);
    let year = acc.get(f.cal.year_of(year_start), scope);
    let trailing = performance::trailing(f, scope);
    let (mut open_deals, mut open_amount) = (0, Money::ZERO);
    let (mut open_risks, mut deals_at_risk) = (0, 0);
    for d in deals.iter().filter(|d| scope.covers(d.owner, d.team)) {
        if d.status == Status::Open {
            open_deals += 1;
            open_amount += d.amount_reporting;
        }
        if !d.risks.is_empty() {
            open_risks += d.risks.len();
            deals_at_risk += 1;
        }
    }
    Kpis {
        period,
        scope: f.scope_ref(scope),
        won: q.won,
        target: q.target,
        attainment: q.attainment,
        commit: q.commit,
        best_case: q.best_case,
        weighted: q.weighted,
        coverage: q.coverage,
        win_rate: Ratio::of_counts(year.won_count, year.won_count + year.lost_count),
        open_deals,
        open_amount,
        open_risks,
        deals_at_risk,
        overdue_follow_ups: accounts
            .iter()
            .filter(|a| {
                a.follow_up_overdue && performance::in_scope(f, scope, Some(a.owner.as_str()))
            })
            .count(),
        velocity: trailing.velocity,
        sales_cycle_days: trailing.cycle_mean,
        average_deal: trailing.average_deal,
        win_rate_trailing: trailing.win_rate,
    }
}
