//! View structs, one per page kind, built from the analytics and the
//! pipeline. Templates only ever see these: every figure is formatted here
//! (money with symbol and grouping, percentages, ISO dates, translated
//! labels), every cell that can be sorted carries its raw value, and every
//! link is a path relative to the site root. [`Site`] holds the lookup
//! tables built once per build, so building one page's view touches only
//! that page's data.
//!
//! This module holds [`Site`], its lookup tables and links, the page paths and
//! the list sizes; `cells` the cells every page is made of, `lines` the
//! table rows shared by several pages, and one module per page family the
//! views of those pages.

mod accounts;
mod call;
mod cells;
mod dashboard;
mod deals;
mod forecast;
mod funnel;
mod history;
mod lines;
pub mod query;
mod risks;
pub mod rows;
mod stakeholders;
mod targets;
mod team;
mod warnings;
mod winloss;

pub use accounts::{AccountTotals, AccountView, AccountsList, ContactLine, SurveyLine, TouchLine};
pub use call::{CallGroup, CallView};
pub use cells::{Fact, Kpi, Link, Num, Pager, PagerItem, Section, Tag};
pub use dashboard::Dashboard;
pub use deals::{DealRisk, DealView, DealsList, Event, MemberLine, StakeholderLine};
pub use forecast::{ForecastView, PeriodView};
pub use funnel::{ConversionLine, FunnelLine, FunnelView};
pub use history::{ChangesView, SinceView, SiteHistory, TrendView, TrendsView};
pub use lines::{
    AccountLine, DealLine, ForecastLine, ForecastLinks, PerfLine, PerfLinks, RiskLine,
};
pub use risks::{AtRisk, OwnerGroup, RisksView, SignalGroup, SignalView};
pub use stakeholders::{MapEntry, MapRow};
pub use targets::{TargetLine, TargetsView};
pub use team::{Board, PersonView, TeamBoard, TeamView};
pub use warnings::{WarningLine, WarningsView};
pub use winloss::{
    ClosedLine, CompetitorLine, DecisionLine, ReasonLine, ScopeLine, StageLine, WinLossView,
};

use crate::analytics::ScopeKind;
use crate::analytics::export::DealRow;
use crate::analytics::figures::DealFigures;
use crate::analytics::forecast::Forecast;
use crate::analytics::performance::Performance;
use crate::analytics::risk::CODES;
use crate::analytics::{Analytics, ScopeRef, Status};
use crate::diag::{Diagnostic, Severity};
use crate::ix::DealIx;
use crate::model::{Locale, Pipeline, Tier};
use crate::period::{Calendar, Period};
use crate::site::i18n::{Fmt, I18n};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Rows per page of the long lists (deals, accounts, a risk signal). The
/// lists of a normal pipeline fit on one page; a huge one is split so each
/// page stays quick to load, sort and filter.
pub const LIST_PAGE_ROWS: usize = 1000;

/// Rows of each list on a person's or team's page; a huge pipeline's
/// sales rep owns thousands of deals, and the full lists are in
/// `deals.html` and the risk pages.
pub const SECTION_ROWS: usize = 500;

/// Paths of the pages, in one place.
pub mod paths {
    /// A deal page.
    pub fn deal(id: &str) -> String {
        format!("deals/{id}.html")
    }
    /// An account page.
    pub fn account(id: &str) -> String {
        format!("accounts/{id}.html")
    }
    /// A person page.
    pub fn person(id: &str) -> String {
        format!("people/{id}.html")
    }
    /// A team page.
    pub fn team(id: &str) -> String {
        format!("teams/{id}.html")
    }
    /// A period's forecast page.
    pub fn period(p: &str) -> String {
        format!("forecast/{p}.html")
    }
    /// Page `n` (1-based) of a signal's risks.
    pub fn signal(code: &str, n: usize) -> String {
        if n <= 1 {
            format!("risks/{code}.html")
        } else {
            format!("risks/{code}-{n}.html")
        }
    }
    /// Page `n` (1-based) of a top-level list such as `deals`.
    pub fn list(name: &str, n: usize) -> String {
        if n <= 1 {
            format!("{name}.html")
        } else {
            format!("{name}-{n}.html")
        }
    }
}

/// Whether text looks enough like an e-mail address to make a `mailto:`
/// link of it (otherwise it is shown as text only).
pub fn plausible_email(s: &str) -> bool {
    let s = s.trim();
    s.len() <= 254
        && s.matches('@').count() == 1
        && !s.starts_with('@')
        && !s.ends_with('@')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'<>()[]\\,;:`".contains(c))
}

/// Everything the views need, indexed once per build.
pub struct Site<'a> {
    /// The pipeline.
    pub p: &'a Pipeline,
    /// The numbers.
    pub a: &'a Analytics,
    /// Labels.
    pub i: I18n,
    /// Formats.
    pub fm: Fmt,
    /// The fiscal calendar.
    pub cal: Calendar,
    /// Warnings of the check.
    pub warnings: Vec<&'a Diagnostic>,
    /// Deal rows of each account id.
    deals_of_account: HashMap<&'a str, Vec<usize>>,
    /// Deal rows of each owner id.
    deals_of_owner: HashMap<&'a str, Vec<usize>>,
    /// Deal rows each person is on the deal team of.
    deals_of_member: HashMap<&'a str, Vec<usize>>,
    /// Risks (indices) on the deals of each owner id.
    risks_of_owner: HashMap<&'a str, Vec<usize>>,
    /// Account health (index) of each account id.
    health_of: HashMap<&'a str, usize>,
    /// Account healths (indices) of each owner id.
    accounts_of_owner: HashMap<&'a str, Vec<usize>>,
    /// Forecast rows by period and scope.
    forecast_of: ScopeIndex<'a>,
    /// Performance rows by period and scope.
    perf_of: ScopeIndex<'a>,
    /// Deal rows in list order: open by close date, then closed, latest first.
    pub deal_order: Vec<usize>,
    /// How many deals are open, won and lost.
    pub deals_by_status: [usize; 3],
    /// How many accounts have a follow-up overdue.
    pub overdue_accounts: usize,
    /// Risks in list order: by signal, then amount (largest first).
    pub risk_order: Vec<usize>,
    /// Accounts in list order: key first, then by name.
    pub account_order: Vec<usize>,
    /// Periods with an organisation forecast, in horizon order.
    pub periods: Vec<Period>,
    /// The signals that fire, with their risks (indices) in list order.
    signals: Vec<(&'static str, Vec<usize>)>,
    /// The git history, when the site shows it.
    hist: Option<SiteHistory<'a>>,
    /// Whether the site shows a history (the Trends page and its link in
    /// the navigation): with [`Site::with_history`], whether it has one;
    /// with [`Site::expecting_history`], before it is known.
    pub(in crate::site) shows_history: bool,
    /// The drop-downs of the lists of deals, found on first use.
    facets: std::sync::OnceLock<Vec<query::Facet>>,
}

/// Rows of the analytics (forecast or performance) by period and scope.
type ScopeIndex<'a> = HashMap<(Period, ScopeKind, Option<&'a str>), usize>;

/// Indexes rows of the analytics by their period and scope.
fn scope_index<'a, T>(
    rows: &'a [T],
    key: impl Fn(&'a T) -> (Period, &'a ScopeRef),
) -> ScopeIndex<'a> {
    rows.iter()
        .enumerate()
        .map(|(k, r)| {
            let (period, scope) = key(r);
            ((period, scope.kind, scope.id.as_deref()), k)
        })
        .collect()
}

/// The row of `rows` at `key` (period, scope kind, scope id), if any.
fn scope_row<'a, T>(
    index: &ScopeIndex<'_>,
    rows: &'a [T],
    key: (Period, ScopeKind, Option<&str>),
) -> Option<&'a T> {
    index.get(&key).map(|&k| &rows[k])
}

fn status_order(s: Status) -> u8 {
    match s {
        Status::Open => 0,
        Status::Won => 1,
        Status::Lost => 2,
    }
}

/// Orders deals by close date (`soonest_first`, or the latest first), then
/// by position.
fn by_close(x: &DealFigures, y: &DealFigures, soonest_first: bool) -> Ordering {
    let by_date = if soonest_first {
        x.close.cmp(&y.close)
    } else {
        y.close.cmp(&x.close)
    };
    by_date.then_with(|| x.deal.cmp(&y.deal))
}

/// Orders deals open, won, lost, then by close date (the latest first, or
/// with `open_soonest_first` the open ones the soonest first).
fn by_status_and_close(x: &DealFigures, y: &DealFigures, open_soonest_first: bool) -> Ordering {
    status_order(x.status)
        .cmp(&status_order(y.status))
        .then_with(|| by_close(x, y, open_soonest_first && x.status == Status::Open))
}

fn tier_ix(t: Tier) -> usize {
    match t {
        Tier::Key => 0,
        Tier::Growth => 1,
        Tier::Standard => 2,
    }
}

impl<'a> Site<'a> {
    /// Indexes a pipeline and its analytics.
    pub fn new(p: &'a Pipeline, a: &'a Analytics, diagnostics: &'a [Diagnostic]) -> Site<'a> {
        let locale = p.settings.org.locale;
        let i = I18n::new(locale);
        let fm = Fmt {
            currency: a.currency.clone(),
            locale,
        };
        let mut deals_of_account: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut deals_of_owner: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut deals_of_member: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut deals_by_status = [0; 3];
        for (k, f) in a.deals.iter().enumerate() {
            let d = &p.deals[f.deal];
            deals_by_status[usize::from(status_order(f.status))] += 1;
            deals_of_account
                .entry(d.account.value.as_str())
                .or_default()
                .push(k);
            deals_of_owner
                .entry(d.owner.value.as_str())
                .or_default()
                .push(k);
            for m in &d.members {
                let v = deals_of_member.entry(m.person.value.as_str()).or_default();
                if v.last() != Some(&k) {
                    v.push(k);
                }
            }
        }
        let mut risks_of_owner: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, r) in a.risks.iter().enumerate() {
            if let Some(o) = p.deals[r.deal].refs.owner {
                risks_of_owner
                    .entry(p.people[o].id.value.as_str())
                    .or_default()
                    .push(k);
            }
        }
        let mut health_of = HashMap::new();
        let mut accounts_of_owner: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut overdue_accounts = 0;
        for (k, h) in a.accounts.iter().enumerate() {
            overdue_accounts += usize::from(h.follow_up_overdue);
            health_of.insert(h.id.as_str(), k);
            accounts_of_owner
                .entry(h.owner.as_str())
                .or_default()
                .push(k);
        }
        let forecast_of = scope_index(&a.forecast, |r| (r.period, &r.scope));
        let perf_of = scope_index(&a.performance, |r| (r.period, &r.scope));
        let mut deal_order: Vec<usize> = (0..a.deals.len()).collect();
        deal_order.sort_by(|&x, &y| by_status_and_close(&a.deals[x], &a.deals[y], true));
        // Deal positions are in id order, like the deals themselves.
        let mut risk_order: Vec<usize> = (0..a.risks.len()).collect();
        risk_order.sort_by(|&x, &y| {
            let (rx, ry) = (&a.risks[x], &a.risks[y]);
            rx.signal
                .index()
                .cmp(&ry.signal.index())
                .then(ry.amount.cmp(&rx.amount))
                .then_with(|| rx.deal.cmp(&ry.deal))
        });
        let mut account_order: Vec<usize> = (0..a.accounts.len()).collect();
        account_order.sort_by(|&x, &y| {
            let (ax, ay) = (&a.accounts[x], &a.accounts[y]);
            tier_ix(ax.tier)
                .cmp(&tier_ix(ay.tier))
                .then_with(|| ax.name.cmp(&ay.name))
                .then_with(|| ax.id.cmp(&ay.id))
        });
        let signals = CODES
            .iter()
            .map(|&c| {
                let rows: Vec<usize> = risk_order
                    .iter()
                    .copied()
                    .filter(|&k| a.risks[k].code() == c)
                    .collect();
                (c, rows)
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect();
        let periods = a
            .forecast
            .iter()
            .filter(|r| r.scope.kind == ScopeKind::Org)
            .map(|r| r.period)
            .collect();
        Site {
            p,
            a,
            i,
            fm,
            cal: p.settings.calendar(),
            warnings: diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Warning)
                .collect(),
            deals_of_account,
            deals_of_owner,
            deals_of_member,
            risks_of_owner,
            health_of,
            accounts_of_owner,
            forecast_of,
            perf_of,
            deal_order,
            deals_by_status,
            overdue_accounts,
            risk_order,
            account_order,
            periods,
            signals,
            hist: None,
            shows_history: false,
            facets: Default::default(),
        }
    }

    /// The site with (or without) its git history.
    pub fn with_history(mut self, h: Option<&'a crate::history::History>) -> Self {
        self.hist = h.map(SiteHistory::new);
        self.shows_history = h.is_some();
        self
    }

    /// The site of a pipeline whose history is still being read: the
    /// pages that do not show it can be rendered already, and are the same
    /// as with the history (the navigation links the Trends page). A page
    /// that does read the history must wait for [`Site::with_history`]
    /// ([`history`](Site::history) says so in debug builds).
    pub fn expecting_history(mut self) -> Self {
        self.hist = None;
        self.shows_history = true;
        self
    }

    /// Whether the site is [expecting](Site::expecting_history) a history
    /// it does not have yet.
    pub fn awaits_history(&self) -> bool {
        self.shows_history && self.hist.is_none()
    }

    /// The git history, for the views that show it: none without one.
    /// Asking for it on a site still [expecting](Site::expecting_history)
    /// its history is a bug (a page rendered ahead of the history that
    /// reads it), caught in debug builds.
    pub fn history(&self) -> Option<&SiteHistory<'a>> {
        debug_assert!(
            !self.awaits_history(),
            "a page rendered ahead of the history reads the history"
        );
        self.hist.as_ref()
    }

    /// The locale.
    pub fn locale(&self) -> Locale {
        self.i.locale()
    }

    /// Row `k` of the analytics' deals, with the pipeline's text.
    pub fn row(&self, k: usize) -> DealRow<'a> {
        DealRow::new(self.p, &self.a.deals[k])
    }

    /// The row (in the analytics' deals) of the deal at position `deal` of
    /// the pipeline; none when it is left out of the numbers.
    fn row_of(&self, deal: DealIx) -> Option<usize> {
        self.a.deals.binary_search_by_key(&deal, |f| f.deal).ok()
    }

    /// The forecast of a scope (`kind`, `id`) for a period.
    fn forecast(&self, p: Period, kind: ScopeKind, id: Option<&str>) -> Option<&'a Forecast> {
        scope_row(&self.forecast_of, &self.a.forecast, (p, kind, id))
    }

    /// The performance of a scope (`kind`, `id`) in a period.
    fn perf(&self, p: Period, kind: ScopeKind, id: Option<&str>) -> Option<&'a Performance> {
        scope_row(&self.perf_of, &self.a.performance, (p, kind, id))
    }

    /// A link to a person (plain text when unknown).
    pub fn person_link(&self, id: &str) -> Link {
        Link::named(
            self.p.person(id).map(|x| x.name.as_str()),
            id,
            paths::person,
        )
    }

    /// A link to a team.
    pub fn team_link(&self, id: &str) -> Link {
        Link::named(self.p.team(id).map(|t| t.name.as_str()), id, paths::team)
    }

    fn person_team_link(&self, person: &str) -> Link {
        match self
            .p
            .person(person)
            .and_then(|x| x.team.as_ref())
            .map(|t| t.value.as_str())
        {
            Some(t) => self.team_link(t),
            None => Link::text(""),
        }
    }

    /// A link to an account.
    pub fn account_link(&self, id: &str) -> Link {
        Link::named(
            self.p.account(id).map(|x| x.name.as_str()),
            id,
            paths::account,
        )
    }

    /// Orders rows of the analytics' deals by amount, the largest first.
    fn by_amount(&self, x: usize, y: usize) -> Ordering {
        let (dx, dy) = (&self.a.deals[x], &self.a.deals[y]);
        dy.amount_reporting
            .cmp(&dx.amount_reporting)
            .then_with(|| dx.deal.cmp(&dy.deal))
    }

    pub(crate) fn scope_link(&self, kind: ScopeKind, id: Option<&str>, name: &str) -> Link {
        match (kind, id) {
            (ScopeKind::Team, Some(id)) => self.team_link(id),
            (ScopeKind::Person, Some(id)) => self.person_link(id),
            _ => Link::to(
                if name.is_empty() {
                    self.i.get("organisation")
                } else {
                    name
                },
                "index.html".into(),
            ),
        }
    }
}
