//! View structs, one per page kind, built from the analytics and the
//! pipeline. Templates only ever see these: every figure is formatted here
//! (money with symbol and grouping, percentages, ISO dates, translated
//! labels), every cell that can be sorted carries its raw value, and every
//! link is a path relative to the site root. [`Site`] holds the lookup
//! tables built once per build, so building one page's view touches only
//! that page's data.

use super::charts::{self, Column, FunnelBar, Segment, StackBar};
use super::i18n::{Fmt, I18n};
use super::markdown;
use crate::analytics::accounts::{AccountHealth, Trend};
use crate::analytics::export::DealRow;
use crate::analytics::facts::DealFigures;
use crate::analytics::forecast::Forecast;
use crate::analytics::performance::Performance;
use crate::analytics::risk::{CODES, Risk};
use crate::analytics::targets::Source;
use crate::analytics::{Analytics, Status};
use crate::diag::{Diagnostic, Severity};
use crate::diag_out::locate;
use crate::model::{Deal, Locale, Metric, Pipeline, Tier};
use crate::money::{Money, Ratio};
use crate::period::{Calendar, Grain, Period};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Rows per page of the long lists (deals, accounts, a risk signal). The
/// lists of a normal pipeline fit on one page; a huge one is split so each
/// page stays quick to load, sort and filter.
pub const LIST_PAGE_ROWS: usize = 1000;

/// Rows of each signal shown inline on `risks.html` when there are more
/// risks than [`LIST_PAGE_ROWS`] in total (the signal's own pages list all).
pub const INLINE_SIGNAL_ROWS: usize = 50;

/// Deals listed on a period's forecast page (the largest first).
pub const PERIOD_DEAL_ROWS: usize = 200;

/// Rows of each list on a person's or team's page; a huge pipeline's
/// sales rep owns thousands of deals, and the full lists are in
/// `deals.html` and the risk pages.
pub const SECTION_ROWS: usize = 500;

/// A list on a page, cut to a size a page can hold.
#[derive(Debug, Clone, Serialize)]
pub struct Section<T> {
    /// The rows shown.
    pub rows: Vec<T>,
    /// How many there are in all.
    pub total: usize,
    /// "Showing the first 500 of 1,234." when cut, else empty.
    pub note: String,
}

/// A link: the text and, when the target exists, its path from the root.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text shown.
    pub text: String,
    /// Path relative to the site root; none when there is no page.
    pub href: Option<String>,
}

/// A table value: shown text and the raw value to sort by.
#[derive(Debug, Clone, Serialize)]
pub struct Num {
    /// Raw sort value (a number or ISO date; empty when undefined).
    pub v: String,
    /// Text shown.
    pub s: String,
}

/// A badge: code (for styling), text and a longer explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    /// Machine code, e.g. a risk signal or a status.
    pub code: String,
    /// Label.
    pub text: String,
    /// Tooltip.
    pub title: String,
}

/// A headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    /// Stable key (tests find cards by it: `data-kpi`).
    pub key: &'static str,
    /// Label.
    pub label: String,
    /// The figure.
    pub value: String,
    /// A line of context under it.
    pub sub: String,
    /// "good", "fair", "poor" or "" (neutral).
    pub tone: &'static str,
    /// Page with the detail.
    pub href: Option<String>,
    /// Progress bar SVG (may be empty).
    pub bar: String,
}

/// A deal in a table.
#[derive(Debug, Clone, Serialize)]
pub struct DealLine {
    /// Id.
    pub id: String,
    /// Name, linking to the deal page.
    pub link: Link,
    /// Account.
    pub account: Link,
    /// Owner.
    pub owner: Link,
    /// Stage name.
    pub stage: String,
    /// Position of the stage (sorts in process order).
    pub stage_ix: usize,
    /// open / won / lost.
    pub status: Tag,
    /// Amount in the reporting currency.
    pub amount: Num,
    /// Amount as written, when in another currency.
    pub original: String,
    /// Probability.
    pub probability: Num,
    /// Weighted amount.
    pub weighted: Num,
    /// Forecast category label.
    pub category: String,
    /// Close date.
    pub close: Num,
    /// Open and the close date has passed.
    pub late: bool,
    /// Days in the current stage (open deals).
    pub days_in_stage: Num,
    /// Risk signals.
    pub risks: Vec<Tag>,
    /// Next step.
    pub next_step: String,
    /// Its due date.
    pub next_step_date: Num,
}

/// A risk signal in a table.
#[derive(Debug, Clone, Serialize)]
pub struct RiskLine {
    /// The signal.
    pub signal: Tag,
    /// The deal.
    pub deal: Link,
    /// Its account.
    pub account: Link,
    /// Its owner.
    pub owner: Link,
    /// Stage name.
    pub stage: String,
    /// Amount.
    pub amount: Num,
    /// Why.
    pub reason: String,
}

/// An account in a table.
#[derive(Debug, Clone, Serialize)]
pub struct AccountLine {
    /// Name, linking to the account page.
    pub link: Link,
    /// Tier.
    pub tier: Tag,
    /// Tier order (key first).
    pub tier_ix: usize,
    /// Industry.
    pub industry: String,
    /// Owner.
    pub owner: Link,
    /// Last touch.
    pub last_touch: Num,
    /// Days since.
    pub days_since: Num,
    /// Cadence in days.
    pub cadence: Num,
    /// Next follow-up due.
    pub due: Num,
    /// Follow-up status.
    pub follow_up: Tag,
    /// Latest satisfaction.
    pub satisfaction: Num,
    /// Its trend (arrow and word).
    pub trend: String,
    /// Lifetime won.
    pub lifetime_won: Num,
    /// Open pipeline.
    pub open_pipeline: Num,
    /// Open deals.
    pub open_deals: Num,
}

/// A performance row (leaderboard).
#[derive(Debug, Clone, Serialize)]
pub struct PerfLine {
    /// Rank among people (or teams).
    pub rank: usize,
    /// Person or team.
    pub who: Link,
    /// The person's team.
    pub team: Link,
    /// Target.
    pub target: Num,
    /// Won.
    pub won: Num,
    /// Attainment.
    pub attainment: Num,
    /// Attainment bar.
    pub bar: String,
    /// Win rate.
    pub win_rate: Num,
    /// Deals won.
    pub deals_won: Num,
    /// Average deal.
    pub average_deal: Num,
    /// Mean sales cycle.
    pub cycle: Num,
    /// Pipeline created.
    pub pipeline_created: Num,
    /// Touches.
    pub touches: Num,
    /// Overdue follow-ups.
    pub overdue: Num,
    /// Open risks.
    pub open_risks: Num,
}

/// A forecast row.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastLine {
    /// Period or scope.
    pub label: Link,
    /// "org", "team" or "person" (indents people under teams).
    pub kind: &'static str,
    /// Won.
    pub won: Num,
    /// Commit.
    pub commit: Num,
    /// Best case.
    pub best_case: Num,
    /// Pipeline.
    pub pipeline: Num,
    /// Weighted.
    pub weighted: Num,
    /// Target.
    pub target: Num,
    /// Gap.
    pub gap: Num,
    /// Coverage.
    pub coverage: Num,
    /// Attainment.
    pub attainment: Num,
    /// Attainment bar.
    pub bar: String,
}

/// Links between the pages of a split list.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// Every page.
    pub pages: Vec<PagerItem>,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page.
    pub next: Option<String>,
    /// "Rows 1–1000 of 60,000".
    pub range: String,
    /// The note that sorting and filtering apply to the page shown.
    pub note: String,
}

/// One page of a split list.
#[derive(Debug, Clone, Serialize)]
pub struct PagerItem {
    /// 1-based.
    pub n: usize,
    /// Path from the root.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// A label and a value (facts of a deal or an account).
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
    /// Where it links, if anywhere.
    pub href: Option<String>,
}

/// The page's place: what templates receive besides the view.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// The page's own path, e.g. `deals/x.html`.
    pub path: String,
    /// `""` at the top level, `"../"` one folder down: prefix of every link.
    pub root: &'static str,
    /// The nav entry to highlight.
    pub section: &'static str,
    /// Title of the page (without the organisation).
    pub title: String,
}

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

fn num_money(fm: &Fmt, m: Money) -> Num {
    Num {
        v: m.to_string(),
        s: fm.money(m),
    }
}

fn num_opt_money(fm: &Fmt, m: Option<Money>) -> Num {
    Num {
        v: m.map(|m| m.to_string()).unwrap_or_default(),
        s: fm.opt_money(m),
    }
}

fn num_ratio(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: r.map(|r| r.to_string()).unwrap_or_default(),
        s: fm.percent(r),
    }
}

fn num_multiple(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: r.map(|r| r.to_string()).unwrap_or_default(),
        s: fm.multiple(r),
    }
}

fn num_count(fm: &Fmt, n: usize) -> Num {
    Num {
        v: n.to_string(),
        s: fm.count(n),
    }
}

fn num_date(d: Option<Date>) -> Num {
    Num {
        v: d.map(|d| d.to_string()).unwrap_or_default(),
        s: d.map(|d| d.to_string())
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

fn num_int(n: Option<i64>) -> Num {
    Num {
        v: n.map(|n| n.to_string()).unwrap_or_default(),
        s: n.map(|n| n.to_string())
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

fn num_dec(d: Option<Decimal>, unit: &str) -> Num {
    Num {
        v: d.map(|d| d.to_string()).unwrap_or_default(),
        s: d.map(|d| format!("{d}{unit}"))
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
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
    row_of_deal: HashMap<&'a str, usize>,
    deals_of_account: HashMap<&'a str, Vec<usize>>,
    deals_of_owner: HashMap<&'a str, Vec<usize>>,
    deals_of_member: HashMap<&'a str, Vec<usize>>,
    risks_of_owner: HashMap<&'a str, Vec<usize>>,
    health_of: HashMap<&'a str, usize>,
    accounts_of_owner: HashMap<&'a str, Vec<usize>>,
    forecast_of: HashMap<(Period, &'static str, Option<&'a str>), usize>,
    perf_of: HashMap<(Period, &'static str, Option<&'a str>), usize>,
    /// Deal rows in list order: open by close date, then closed, latest first.
    pub deal_order: Vec<usize>,
    /// Risks in list order: by signal, then amount (largest first).
    pub risk_order: Vec<usize>,
    /// Accounts in list order: key first, then by name.
    pub account_order: Vec<usize>,
    /// Periods with an organisation forecast, in horizon order.
    pub periods: Vec<Period>,
}

fn status_order(s: Status) -> u8 {
    match s {
        Status::Open => 0,
        Status::Won => 1,
        Status::Lost => 2,
    }
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
        let mut row_of_deal = HashMap::with_capacity(a.deals.len());
        let mut deals_of_account: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut deals_of_owner: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, f) in a.deals.iter().enumerate() {
            let d = &p.deals[f.deal];
            row_of_deal.insert(d.id.as_str(), k);
            deals_of_account
                .entry(d.account.value.as_str())
                .or_default()
                .push(k);
            deals_of_owner
                .entry(d.owner.value.as_str())
                .or_default()
                .push(k);
        }
        let mut deals_of_member: HashMap<&str, Vec<usize>> = HashMap::new();
        for d in &p.deals {
            if let Some(&k) = row_of_deal.get(d.id.as_str()) {
                for m in &d.members {
                    let v = deals_of_member.entry(m.person.value.as_str()).or_default();
                    if v.last() != Some(&k) {
                        v.push(k);
                    }
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
        for (k, h) in a.accounts.iter().enumerate() {
            health_of.insert(h.id.as_str(), k);
            accounts_of_owner
                .entry(h.owner.as_str())
                .or_default()
                .push(k);
        }
        let forecast_of = a
            .forecast
            .iter()
            .enumerate()
            .map(|(k, r)| ((r.period, r.scope.kind, r.scope.id.as_deref()), k))
            .collect();
        let perf_of = a
            .performance
            .iter()
            .enumerate()
            .map(|(k, r)| ((r.period, r.scope.kind, r.scope.id.as_deref()), k))
            .collect();
        let mut deal_order: Vec<usize> = (0..a.deals.len()).collect();
        deal_order.sort_by(|&x, &y| {
            let (dx, dy) = (&a.deals[x], &a.deals[y]);
            status_order(dx.status)
                .cmp(&status_order(dy.status))
                .then_with(|| {
                    if dx.status == Status::Open {
                        dx.close.cmp(&dy.close)
                    } else {
                        dy.close.cmp(&dx.close)
                    }
                })
                .then_with(|| dx.deal.cmp(&dy.deal))
        });
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
        let periods = a
            .forecast
            .iter()
            .filter(|r| r.scope.kind == "org")
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
            row_of_deal,
            deals_of_account,
            deals_of_owner,
            deals_of_member,
            risks_of_owner,
            health_of,
            accounts_of_owner,
            forecast_of,
            perf_of,
            deal_order,
            risk_order,
            account_order,
            periods,
        }
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
    fn row_of(&self, deal: usize) -> Option<usize> {
        self.a.deals.binary_search_by_key(&deal, |f| f.deal).ok()
    }

    fn forecast(
        &self,
        period: Period,
        kind: &'static str,
        id: Option<&str>,
    ) -> Option<&'a Forecast> {
        self.forecast_of
            .get(&(period, kind, id))
            .map(|&k| &self.a.forecast[k])
    }

    fn perf(
        &self,
        period: Period,
        kind: &'static str,
        id: Option<&str>,
    ) -> Option<&'a Performance> {
        self.perf_of
            .get(&(period, kind, id))
            .map(|&k| &self.a.performance[k])
    }

    /// A link to a person (plain text when unknown).
    pub fn person_link(&self, id: &str) -> Link {
        match self.p.person(id) {
            Some(x) => Link {
                text: x.name.clone(),
                href: Some(paths::person(id)),
            },
            None => Link {
                text: id.to_string(),
                href: None,
            },
        }
    }

    /// A link to a team.
    pub fn team_link(&self, id: &str) -> Link {
        match self.p.team(id) {
            Some(t) => Link {
                text: t.name.clone(),
                href: Some(paths::team(id)),
            },
            None => Link {
                text: id.to_string(),
                href: None,
            },
        }
    }

    fn person_team_link(&self, person: &str) -> Link {
        match self
            .p
            .person(person)
            .and_then(|x| x.team.as_ref())
            .map(|t| t.value.as_str())
        {
            Some(t) => self.team_link(t),
            None => Link {
                text: String::new(),
                href: None,
            },
        }
    }

    /// A link to an account.
    pub fn account_link(&self, id: &str) -> Link {
        match self.p.account(id) {
            Some(x) => Link {
                text: x.name.clone(),
                href: Some(paths::account(id)),
            },
            None => Link {
                text: id.to_string(),
                href: None,
            },
        }
    }

    /// A link to a deal.
    pub fn deal_link(&self, id: &str) -> Link {
        match self.row_of_deal.get(id) {
            Some(&k) => Link {
                text: self.p.deals[self.a.deals[k].deal].name.clone(),
                href: Some(paths::deal(id)),
            },
            None => Link {
                text: self
                    .p
                    .deal(id)
                    .map(|d| d.name.clone())
                    .unwrap_or_else(|| id.to_string()),
                href: None,
            },
        }
    }

    fn scope_link(&self, kind: &str, id: Option<&str>, name: &str) -> Link {
        match (kind, id) {
            ("team", Some(id)) => self.team_link(id),
            ("person", Some(id)) => self.person_link(id),
            _ => Link {
                text: if name.is_empty() {
                    self.i.get("organisation").to_string()
                } else {
                    name.to_string()
                },
                href: Some("index.html".into()),
            },
        }
    }

    fn signal_tag(&self, code: &str) -> Tag {
        Tag {
            code: code.to_string(),
            text: self.i.of("risk", code).to_string(),
            title: self.i.get(&format!("risk_{code}_desc")).to_string(),
        }
    }

    fn status_tag(&self, s: Status) -> Tag {
        let code = match s {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        };
        Tag {
            code: code.into(),
            text: self.i.of("status", code).into(),
            title: String::new(),
        }
    }

    /// A deal row for tables.
    pub fn deal_line(&self, d: &DealRow<'_>) -> DealLine {
        let fm = &self.fm;
        let stage_ix = self.p.stage_ix(d.stage).unwrap_or(0);
        let original = if d.currency != self.a.currency {
            fm.money_in(d.amount, d.currency)
        } else {
            String::new()
        };
        DealLine {
            id: d.id.to_string(),
            link: Link {
                text: d.name.to_string(),
                href: Some(paths::deal(d.id)),
            },
            account: Link {
                text: d.account_name.to_string(),
                href: self.p.account(d.account).map(|_| paths::account(d.account)),
            },
            owner: Link {
                text: d.owner_name.to_string(),
                href: self.p.person(d.owner).map(|_| paths::person(d.owner)),
            },
            stage: d.stage_name.to_string(),
            stage_ix,
            status: self.status_tag(d.status),
            amount: num_money(fm, d.amount_reporting),
            original,
            probability: Num {
                v: d.probability.to_string(),
                s: fm.probability(d.probability),
            },
            weighted: num_money(fm, d.weighted),
            category: self.i.of("category", d.category.as_str()).to_string(),
            close: num_date(d.close),
            late: d.status == Status::Open && d.close.is_some_and(|c| c < self.a.as_of),
            days_in_stage: num_int(d.days_in_stage),
            risks: d.risks.iter().map(|c| self.signal_tag(c)).collect(),
            next_step: d.next_step.unwrap_or_default().to_string(),
            next_step_date: num_date(d.next_step_date),
        }
    }

    fn deal_lines(&self, rows: impl Iterator<Item = usize>) -> Vec<DealLine> {
        rows.map(|k| self.deal_line(&self.row(k))).collect()
    }

    /// A risk row for tables, its reason in the site's language.
    pub fn risk_line(&self, r: &Risk) -> RiskLine {
        let d = &self.p.deals[r.deal];
        let stage = self
            .p
            .stage_ix(d.stage.value.as_str())
            .map(|s| self.p.settings.stages[s].name.clone())
            .unwrap_or_else(|| d.stage.value.to_string());
        RiskLine {
            signal: self.signal_tag(r.code()),
            deal: Link {
                text: d.name.clone(),
                href: Some(paths::deal(d.id.as_str())),
            },
            account: self.account_link(d.account.value.as_str()),
            owner: match d.refs.owner {
                Some(o) => self.person_link(self.p.people[o].id.value.as_str()),
                None => Link {
                    text: crate::fmt::NONE.into(),
                    href: None,
                },
            },
            stage,
            amount: num_money(&self.fm, r.amount),
            reason: r.reason(self.p, self.locale()),
        }
    }

    fn trend_text(&self, t: Option<Trend>) -> String {
        match t {
            Some(Trend::Up) => format!("↑ {}", self.i.get("trend_up")),
            Some(Trend::Down) => format!("↓ {}", self.i.get("trend_down")),
            Some(Trend::Flat) => format!("→ {}", self.i.get("trend_flat")),
            None => String::new(),
        }
    }

    fn follow_up_tag(&self, h: &AccountHealth) -> Tag {
        if h.follow_up_overdue {
            Tag {
                code: "overdue".into(),
                text: self.i.get("overdue").into(),
                title: format!("{} {}", self.i.get("follow_up_due_on"), h.follow_up_due),
            }
        } else {
            Tag {
                code: "on_time".into(),
                text: self.i.get("on_time").into(),
                title: format!("{} {}", self.i.get("follow_up_due_on"), h.follow_up_due),
            }
        }
    }

    /// An account row for tables.
    pub fn account_line(&self, h: &AccountHealth) -> AccountLine {
        let fm = &self.fm;
        AccountLine {
            link: Link {
                text: h.name.clone(),
                href: Some(paths::account(&h.id)),
            },
            tier: Tag {
                code: h.tier.as_str().into(),
                text: self.i.of("tier", h.tier.as_str()).into(),
                title: String::new(),
            },
            tier_ix: tier_ix(h.tier),
            industry: h.industry.clone().unwrap_or_default(),
            owner: self.person_link(&h.owner),
            last_touch: num_date(h.last_touch),
            days_since: num_int(h.days_since_touch),
            cadence: num_count(fm, h.follow_up_days as usize),
            due: num_date(Some(h.follow_up_due)),
            follow_up: self.follow_up_tag(h),
            satisfaction: Num {
                v: h.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
                s: h.satisfaction
                    .map(|s| format!("{s}/10"))
                    .unwrap_or_else(|| crate::fmt::NONE.into()),
            },
            trend: self.trend_text(h.satisfaction_trend),
            lifetime_won: num_money(fm, h.lifetime_won),
            open_pipeline: num_money(fm, h.open_pipeline),
            open_deals: num_count(fm, h.open_deals),
        }
    }

    fn perf_line(&self, r: &Performance) -> PerfLine {
        let fm = &self.fm;
        let id = r.scope.id.as_deref();
        PerfLine {
            rank: r.rank,
            who: self.scope_link(r.scope.kind, id, &r.scope.name),
            team: if r.scope.kind == "person" {
                self.person_team_link(id.unwrap_or_default())
            } else {
                Link {
                    text: String::new(),
                    href: None,
                }
            },
            target: num_opt_money(fm, r.target),
            won: num_money(fm, r.won),
            attainment: num_ratio(fm, r.attainment),
            bar: charts::progress(r.attainment),
            win_rate: num_ratio(fm, r.win_rate),
            deals_won: num_count(fm, r.deals_won),
            average_deal: num_opt_money(fm, r.average_deal),
            cycle: num_dec(r.cycle_mean_days, &format!(" {}", self.i.get("days_short"))),
            pipeline_created: num_money(fm, r.pipeline_created),
            touches: num_count(fm, r.touches),
            overdue: num_count(fm, r.overdue_follow_ups),
            open_risks: num_count(fm, r.open_risks),
        }
    }

    fn forecast_line(&self, r: &Forecast, label: Link) -> ForecastLine {
        let fm = &self.fm;
        ForecastLine {
            label,
            kind: r.scope.kind,
            won: num_money(fm, r.won),
            commit: num_money(fm, r.commit),
            best_case: num_money(fm, r.best_case),
            pipeline: num_money(fm, r.pipeline),
            weighted: num_money(fm, r.weighted),
            target: num_opt_money(fm, r.target),
            gap: num_opt_money(fm, r.gap),
            coverage: num_multiple(fm, r.coverage),
            attainment: num_ratio(fm, r.attainment),
            bar: charts::progress(r.attainment),
        }
    }

    fn stack(&self, r: &Forecast, label: String) -> StackBar {
        StackBar {
            label,
            won: r.won,
            commit: r.commit,
            best: r.best_case,
            pipeline: r.pipeline,
            target: r.target,
        }
    }

    /// The quarters of the current fiscal year and the next quarter.
    fn chart_quarters(&self) -> Vec<Period> {
        let mut v = self.cal.children(self.a.current.year);
        v.push(self.cal.next(self.a.current.quarter));
        v
    }

    fn quarter_chart(&self, id: &str, kind: &'static str, scope: Option<&str>) -> String {
        let bars: Vec<StackBar> = self
            .chart_quarters()
            .into_iter()
            .filter_map(|q| self.forecast(q, kind, scope))
            .map(|r| self.stack(r, r.period.to_string()))
            .collect();
        charts::responsive(id, |id, w| {
            charts::forecast_columns(
                id,
                self.i.get("forecast_by_quarter"),
                &bars,
                &self.fm,
                &self.i,
                w,
            )
        })
    }

    fn pager(&self, n: usize, total_rows: usize, href: impl Fn(usize) -> String) -> Option<Pager> {
        let pages = total_rows.div_ceil(LIST_PAGE_ROWS);
        if pages <= 1 {
            return None;
        }
        let from = (n - 1) * LIST_PAGE_ROWS + 1;
        let to = (n * LIST_PAGE_ROWS).min(total_rows);
        Some(Pager {
            pages: (1..=pages)
                .map(|k| PagerItem {
                    n: k,
                    href: href(k),
                    current: k == n,
                })
                .collect(),
            prev: (n > 1).then(|| href(n - 1)),
            next: (n < pages).then(|| href(n + 1)),
            range: self.i.fill(
                "rows_range",
                &[
                    ("from", &self.fm.count(from)),
                    ("to", &self.fm.count(to)),
                    ("total", &self.fm.count(total_rows)),
                ],
            ),
            note: self
                .i
                .fill("paged_note", &[("n", &self.fm.count(LIST_PAGE_ROWS))]),
        })
    }
}

// ------------------------------------------------------------ dashboard

/// `index.html`.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    /// The quarter of the headline figures.
    pub period: String,
    /// Link to its forecast page.
    pub period_href: String,
    /// Headline cards.
    pub cards: Vec<Kpi>,
    /// Customer figures (growth, retention, new accounts, share).
    pub customers: Vec<Kpi>,
    /// Forecast by quarter (SVG).
    pub chart_forecast: String,
    /// Won per month (SVG).
    pub chart_monthly: String,
    /// Funnel (SVG).
    pub chart_funnel: String,
    /// Open deals closing in the next 30 days.
    pub closing: Vec<DealLine>,
    /// The largest deals at risk.
    pub top_risks: Vec<DealLine>,
    /// The leaderboard's top.
    pub leaders: Vec<PerfLine>,
    /// Overdue follow-ups.
    pub follow_ups: Vec<AccountLine>,
}

fn month_label(locale: Locale, m: Period) -> (String, String) {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match m {
        Period::Month(y, mm) => {
            let l = if locale == Locale::ZhCn {
                format!("{mm}月")
            } else {
                EN[(mm as usize).clamp(1, 12) - 1].to_string()
            };
            (l, y.to_string())
        }
        other => (other.to_string(), String::new()),
    }
}

impl Site<'_> {
    /// The dashboard.
    pub fn dashboard(&self) -> Dashboard {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let k = &a.kpis;
        let period = k.period.to_string();
        let tone_att = |r: Option<Ratio>| match r {
            Some(r) if r.get() >= Decimal::ONE => "good",
            _ => "",
        };
        let mut cards = vec![
            Kpi {
                key: "won",
                label: i.get("won_quarter").into(),
                value: fm.money(k.won),
                sub: match k.target {
                    Some(t) => format!(
                        "{} · {}",
                        fm.percent(k.attainment),
                        i.fill("of_target", &[("target", &fm.money(t))])
                    ),
                    None => i.get("no_target").into(),
                },
                tone: tone_att(k.attainment),
                href: Some(paths::period(&period)),
                bar: charts::progress(k.attainment),
            },
            Kpi {
                key: "commit",
                label: i.get("commit").into(),
                value: fm.money(k.commit),
                sub: i.get("commit_sub").into(),
                tone: "",
                href: Some("forecast.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "weighted",
                label: i.get("weighted").into(),
                value: fm.money(k.weighted),
                sub: i.get("weighted_sub").into(),
                tone: "",
                href: Some("forecast.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "coverage",
                label: i.get("coverage").into(),
                value: fm.multiple(k.coverage),
                sub: match k.target.map(|t| t - k.won) {
                    Some(g) if g.get() > Decimal::ZERO => {
                        i.fill("coverage_sub", &[("gap", &fm.money(g))])
                    }
                    _ => i.get("coverage_none").into(),
                },
                tone: match k.coverage {
                    Some(c) if c.get() >= Decimal::from(3) => "good",
                    Some(c) if c.get() < Decimal::ONE => "poor",
                    _ => "",
                },
                href: Some("forecast.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "win_rate",
                label: i.get("win_rate_year").into(),
                value: fm.percent(k.win_rate),
                sub: format!(
                    "{} · {}",
                    i.fill(
                        "win_rate_sub",
                        &[("trailing", &fm.percent(k.win_rate_trailing))],
                    ),
                    i.fill("cycle_sub", &[("days", &fm.days(k.sales_cycle_days, i))])
                ),
                tone: "",
                href: Some("team.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "open_risks",
                label: i.get("open_risks").into(),
                value: fm.count(k.open_risks),
                sub: i.fill("open_risks_sub", &[("n", &fm.count(k.deals_at_risk))]),
                tone: if k.open_risks > 0 { "poor" } else { "good" },
                href: Some("risks.html".into()),
                bar: String::new(),
            },
        ];
        cards.push(Kpi {
            key: "open_deals",
            label: i.get("open_pipeline").into(),
            value: fm.money(k.open_amount),
            sub: format!(
                "{} · {}",
                i.fill("open_deals_n", &[("n", &fm.count(k.open_deals))]),
                i.fill(
                    "average_deal_sub",
                    &[("avg", &fm.opt_compact(k.average_deal))]
                )
            ),
            tone: "",
            href: Some("deals.html".into()),
            bar: String::new(),
        });
        cards.push(Kpi {
            key: "overdue_follow_ups",
            label: i.get("overdue_follow_ups").into(),
            value: fm.count(k.overdue_follow_ups),
            sub: i.fill("of_accounts", &[("n", &fm.count(a.accounts.len()))]),
            tone: if k.overdue_follow_ups > 0 {
                "poor"
            } else {
                "good"
            },
            href: Some("accounts.html".into()),
            bar: String::new(),
        });
        // Second row: pipeline, win rate, risks, follow-ups.
        let order = [
            "won",
            "commit",
            "weighted",
            "coverage",
            "open_deals",
            "win_rate",
            "open_risks",
            "overdue_follow_ups",
        ];
        cards.sort_by_key(|c| order.iter().position(|k| *k == c.key));
        let c = &a.customers;
        let year = c.year.to_string();
        let customers = vec![
            Kpi {
                key: "growth",
                label: i.get("growth").into(),
                value: c
                    .growth_pct
                    .map(|g| format!("{g}%"))
                    .unwrap_or_else(|| crate::fmt::NONE.into()),
                sub: format!(
                    "{} {} · {} {} {}",
                    year,
                    fm.money(c.won_this_year),
                    c.previous_year,
                    i.get("to_date"),
                    fm.money(c.won_last_year_to_date)
                ),
                tone: "",
                href: None,
                bar: String::new(),
            },
            Kpi {
                key: "retention",
                label: i.get("retention").into(),
                value: fm.percent(c.retention),
                sub: format!("{} / {}", c.retained, c.retention_base),
                tone: "",
                href: Some("accounts.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "new_accounts",
                label: format!("{} {}", i.get("new_accounts"), year),
                value: c
                    .new_accounts
                    .iter()
                    .find(|n| n.period == c.year)
                    .map(|n| fm.count(n.accounts.len()))
                    .unwrap_or_else(|| "0".into()),
                sub: String::new(),
                tone: "",
                href: Some("targets.html".into()),
                bar: String::new(),
            },
            Kpi {
                key: "market_share",
                label: format!("{} {}", i.get("market_share"), year),
                value: fm.percent(
                    c.market_share
                        .iter()
                        .find(|m| m.period == c.year)
                        .and_then(|m| m.share),
                ),
                sub: c
                    .market_share
                    .iter()
                    .find(|m| m.period == c.year)
                    .map(|m| m.name.clone().unwrap_or_default())
                    .unwrap_or_default(),
                tone: "",
                href: None,
                bar: String::new(),
            },
        ];
        let cols: Vec<Column> = a
            .trends
            .monthly
            .iter()
            .map(|m| {
                let (l, y) = month_label(self.locale(), m.month);
                Column {
                    label: l,
                    sublabel: y,
                    value: m.won,
                    note: format!(" ({} {})", m.deals, i.get("deals_n")),
                }
            })
            .collect();
        let soon = self.a.as_of + jiff::Span::new().days(30);
        let mut closing: Vec<usize> = (0..a.deals.len())
            .filter(|&k| {
                let d = &a.deals[k];
                d.status == Status::Open && d.close.is_some_and(|c| c <= soon)
            })
            .collect();
        closing.sort_by(|&x, &y| {
            a.deals[x]
                .close
                .cmp(&a.deals[y].close)
                .then(
                    a.deals[y]
                        .amount_reporting
                        .cmp(&a.deals[x].amount_reporting),
                )
                .then_with(|| a.deals[x].deal.cmp(&a.deals[y].deal))
        });
        closing.truncate(10);
        // Largest deals at risk: one row per deal, with all its signals.
        let mut at_risk: Vec<usize> = (0..a.deals.len())
            .filter(|&k| !a.deals[k].risks.is_empty())
            .collect();
        at_risk.sort_by(|&x, &y| {
            a.deals[y]
                .amount_reporting
                .cmp(&a.deals[x].amount_reporting)
                .then_with(|| a.deals[x].deal.cmp(&a.deals[y].deal))
        });
        at_risk.truncate(8);
        let top_risks = self.deal_lines(at_risk.into_iter());
        let leaders = a
            .performance
            .iter()
            .filter(|r| r.period == k.period && r.scope.kind == "person")
            .filter(|r| r.target.is_some() || !r.won.is_zero())
            .take(5)
            .map(|r| self.perf_line(r))
            .collect();
        let follow_ups = self
            .account_order
            .iter()
            .map(|&x| &a.accounts[x])
            .filter(|h| h.follow_up_overdue)
            .take(8)
            .map(|h| self.account_line(h))
            .collect();
        Dashboard {
            period_href: paths::period(&period),
            period,
            cards,
            customers,
            chart_forecast: self.quarter_chart("chart-forecast", "org", None),
            chart_monthly: charts::responsive("chart-monthly", |id, w| {
                charts::columns(id, i.get("monthly_won"), i.get("monthly_won"), &cols, fm, w)
            }),
            chart_funnel: self.funnel_chart("chart-funnel"),
            closing: self.deal_lines(closing.into_iter()),
            top_risks,
            leaders,
            follow_ups,
        }
    }

    fn funnel_chart(&self, id: &str) -> String {
        let bars: Vec<FunnelBar> = self
            .a
            .funnel
            .stages
            .iter()
            .map(|s| FunnelBar {
                name: s.name.clone(),
                count: s.count,
                amount: s.amount,
                weighted: s.weighted,
            })
            .collect();
        charts::responsive(id, |id, w| {
            charts::funnel(id, self.i.get("funnel_now"), &bars, &self.fm, &self.i, w)
        })
    }
}

// --------------------------------------------------------------- funnel

/// `funnel.html`.
#[derive(Debug, Serialize)]
pub struct FunnelView {
    /// Funnel chart (SVG).
    pub chart_funnel: String,
    /// Conversion chart (SVG).
    pub chart_conversion: String,
    /// One row per open stage.
    pub stages: Vec<FunnelLine>,
    /// Totals.
    pub total: FunnelLine,
    /// Stage-to-stage conversion.
    pub conversions: Vec<ConversionLine>,
}

/// A stage of the funnel table.
#[derive(Debug, Serialize)]
pub struct FunnelLine {
    /// Stage name.
    pub name: String,
    /// Position.
    pub ix: usize,
    /// Default probability.
    pub probability: Num,
    /// Open deals.
    pub count: Num,
    /// Amount.
    pub amount: Num,
    /// Weighted.
    pub weighted: Num,
    /// Share of the open amount.
    pub share: Num,
    /// Conversion to the next stage.
    pub converts: Num,
}

/// One step of the conversion table.
#[derive(Debug, Serialize)]
pub struct ConversionLine {
    /// From stage.
    pub from: String,
    /// To stage.
    pub to: String,
    /// Deals that reached `from`.
    pub reached_from: Num,
    /// Deals that reached `to`.
    pub reached_to: Num,
    /// The rate.
    pub rate: Num,
}

impl Site<'_> {
    /// The funnel page.
    pub fn funnel(&self) -> FunnelView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let stages = a
            .funnel
            .stages
            .iter()
            .map(|s| FunnelLine {
                name: s.name.clone(),
                ix: self.p.stage_ix(&s.stage).unwrap_or(0),
                probability: Num {
                    v: s.probability.to_string(),
                    s: fm.probability(s.probability),
                },
                count: num_count(fm, s.count),
                amount: num_money(fm, s.amount),
                weighted: num_money(fm, s.weighted),
                share: num_ratio(fm, s.amount.ratio(a.funnel.amount)),
                converts: num_ratio(
                    fm,
                    a.conversion
                        .iter()
                        .find(|c| c.from == s.stage)
                        .and_then(|c| c.rate),
                ),
            })
            .collect();
        let total = FunnelLine {
            name: i.get("total").into(),
            ix: usize::MAX,
            probability: Num {
                v: String::new(),
                s: String::new(),
            },
            count: num_count(fm, a.funnel.count),
            amount: num_money(fm, a.funnel.amount),
            weighted: num_money(fm, a.funnel.weighted),
            share: num_ratio(fm, Ratio::of_counts(1, 1)),
            converts: Num {
                v: String::new(),
                s: String::new(),
            },
        };
        let rows: Vec<(String, Option<Ratio>)> = a
            .conversion
            .iter()
            .map(|c| (format!("{} → {}", c.from_name, c.to_name), c.rate))
            .collect();
        FunnelView {
            chart_funnel: self.funnel_chart("chart-funnel"),
            chart_conversion: charts::responsive("chart-conversion", |id, w| {
                charts::percent_bars(id, i.get("conversion"), i.get("conversion_intro"), &rows, w)
            }),
            stages,
            total,
            conversions: a
                .conversion
                .iter()
                .map(|c| ConversionLine {
                    from: c.from_name.clone(),
                    to: c.to_name.clone(),
                    reached_from: num_count(fm, c.reached_from),
                    reached_to: num_count(fm, c.reached_to),
                    rate: num_ratio(fm, c.rate),
                })
                .collect(),
        }
    }
}

// ------------------------------------------------------------- forecast

/// `forecast.html`.
#[derive(Debug, Serialize)]
pub struct ForecastView {
    /// The quarter of the scope table.
    pub period: String,
    /// Quarters chart (SVG).
    pub chart_quarters: String,
    /// Teams and people chart for the quarter (SVG).
    pub chart_scopes: String,
    /// Organisation, one row per year and quarter.
    pub periods: Vec<ForecastLine>,
    /// Organisation, one row per month.
    pub months: Vec<ForecastLine>,
    /// Teams and people for the quarter.
    pub scopes: Vec<ForecastLine>,
}

/// `forecast/<period>.html`.
#[derive(Debug, Serialize)]
pub struct PeriodView {
    /// The period.
    pub period: String,
    /// Year, quarter or month.
    pub grain: &'static str,
    /// The enclosing and contained periods with pages.
    pub related: Vec<Link>,
    /// Organisation figures.
    pub cards: Vec<Kpi>,
    /// Teams and people chart (SVG).
    pub chart_scopes: String,
    /// Teams and people.
    pub scopes: Vec<ForecastLine>,
    /// Open deals closing in the period, largest first.
    pub open_deals: Vec<DealLine>,
    /// How many there are.
    pub open_total: usize,
    /// "Showing the 200 largest of 1,234." when cut.
    pub open_note: String,
    /// Deals won in the period, largest first.
    pub won_deals: Vec<DealLine>,
    /// How many there are.
    pub won_total: usize,
    /// Note when cut.
    pub won_note: String,
}

impl Site<'_> {
    fn scope_lines(&self, period: Period) -> (Vec<ForecastLine>, Vec<StackBar>) {
        let mut lines = Vec::new();
        let mut bars = Vec::new();
        for r in self
            .a
            .forecast
            .iter()
            .filter(|r| r.period == period && r.scope.kind != "org")
        {
            let id = r.scope.id.as_deref();
            lines.push(self.forecast_line(r, self.scope_link(r.scope.kind, id, &r.scope.name)));
            let has_numbers = !r.pipeline.is_zero() || r.target.is_some();
            if has_numbers {
                let label = if r.scope.kind == "team" {
                    format!("▸ {}", r.scope.name)
                } else {
                    r.scope.name.clone()
                };
                bars.push(self.stack(r, label));
            }
        }
        (lines, bars)
    }

    /// The forecast page.
    pub fn forecast_page(&self) -> ForecastView {
        let q = self.a.kpis.period;
        let line = |p: Period| {
            self.forecast(p, "org", None).map(|r| {
                let ps = r.period.to_string();
                self.forecast_line(
                    r,
                    Link {
                        href: Some(paths::period(&ps)),
                        text: ps,
                    },
                )
            })
        };
        let periods = self
            .periods
            .iter()
            .filter(|p| p.grain() != Grain::Month)
            .filter_map(|&p| line(p))
            .collect();
        let months = self
            .periods
            .iter()
            .filter(|p| p.grain() == Grain::Month)
            .filter_map(|&p| line(p))
            .collect();
        let (scopes, bars) = self.scope_lines(q);
        ForecastView {
            period: q.to_string(),
            chart_quarters: self.quarter_chart("chart-quarters", "org", None),
            chart_scopes: charts::responsive("chart-scopes", |id, w| {
                charts::forecast_rows(
                    id,
                    &self.i.fill("forecast_for", &[("period", &q.to_string())]),
                    &bars,
                    &self.fm,
                    &self.i,
                    w,
                )
            }),
            periods,
            months,
            scopes,
        }
    }

    /// A period's forecast page.
    pub fn period_page(&self, period: Period) -> PeriodView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let ps = period.to_string();
        let org = self.forecast(period, "org", None);
        let mut cards = Vec::new();
        if let Some(r) = org {
            cards.push(Kpi {
                key: "won",
                label: i.get("won").into(),
                value: fm.money(r.won),
                sub: match r.target {
                    Some(t) => format!(
                        "{} · {}",
                        fm.percent(r.attainment),
                        i.fill("of_target", &[("target", &fm.money(t))])
                    ),
                    None => i.get("no_target").into(),
                },
                tone: "",
                href: None,
                bar: charts::progress(r.attainment),
            });
            for (key, label, m) in [
                ("commit", "commit", r.commit),
                ("best_case", "best_case", r.best_case),
                ("pipeline", "pipeline", r.pipeline),
                ("weighted", "weighted", r.weighted),
            ] {
                cards.push(Kpi {
                    key,
                    label: i.get(label).into(),
                    value: fm.money(m),
                    sub: String::new(),
                    tone: "",
                    href: None,
                    bar: String::new(),
                });
            }
            cards.push(Kpi {
                key: "coverage",
                label: i.get("coverage").into(),
                value: fm.multiple(r.coverage),
                sub: match r.gap {
                    Some(g) if g.get() > Decimal::ZERO => {
                        i.fill("coverage_sub", &[("gap", &fm.money(g))])
                    }
                    _ => i.get("coverage_none").into(),
                },
                tone: "",
                href: None,
                bar: String::new(),
            });
        }
        let (scopes, bars) = self.scope_lines(period);
        let in_period = |d: &DealFigures| d.close.is_some_and(|c| self.cal.contains(period, c));
        let pick = |status: Status| {
            let mut v: Vec<usize> = (0..a.deals.len())
                .filter(|&k| a.deals[k].status == status && in_period(&a.deals[k]))
                .collect();
            v.sort_by(|&x, &y| {
                a.deals[y]
                    .amount_reporting
                    .cmp(&a.deals[x].amount_reporting)
                    .then_with(|| a.deals[x].deal.cmp(&a.deals[y].deal))
            });
            let total = v.len();
            v.truncate(PERIOD_DEAL_ROWS);
            let note = if total > PERIOD_DEAL_ROWS {
                i.fill(
                    "show_more_in",
                    &[
                        ("n", &fm.count(PERIOD_DEAL_ROWS)),
                        ("total", &fm.count(total)),
                    ],
                )
            } else {
                String::new()
            };
            (self.deal_lines(v.into_iter()), total, note)
        };
        let (open_deals, open_total, open_note) = pick(Status::Open);
        let (won_deals, won_total, won_note) = pick(Status::Won);
        let mut related: Vec<Period> = self.cal.parents(period);
        related.reverse();
        related.extend(self.cal.children(period));
        let related = related
            .into_iter()
            .filter(|p| self.periods.contains(p))
            .map(|p| {
                let s = p.to_string();
                Link {
                    href: Some(paths::period(&s)),
                    text: s,
                }
            })
            .collect();
        PeriodView {
            grain: match period.grain() {
                Grain::Year => "year",
                Grain::Quarter => "quarter",
                Grain::Month => "month",
            },
            related,
            cards,
            chart_scopes: charts::responsive("chart-scopes", |id, w| {
                charts::forecast_rows(
                    id,
                    &i.fill("forecast_for", &[("period", &ps)]),
                    &bars,
                    fm,
                    i,
                    w,
                )
            }),
            scopes,
            open_deals,
            open_total,
            open_note,
            won_deals,
            won_total,
            won_note,
            period: ps,
        }
    }
}

// ----------------------------------------------------------------- team

/// `team.html`.
#[derive(Debug, Serialize)]
pub struct TeamBoard {
    /// The quarter.
    pub quarter: String,
    /// The fiscal year.
    pub year: String,
    /// People, this quarter.
    pub people_quarter: Vec<PerfLine>,
    /// People, this year.
    pub people_year: Vec<PerfLine>,
    /// Teams, this quarter.
    pub teams_quarter: Vec<PerfLine>,
    /// Teams, this year.
    pub teams_year: Vec<PerfLine>,
}

/// `teams/<id>.html`.
#[derive(Debug, Serialize)]
pub struct TeamView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Manager.
    pub manager: Option<Link>,
    /// Headline figures of the quarter.
    pub cards: Vec<Kpi>,
    /// Quarters chart (SVG).
    pub chart_quarters: String,
    /// Members chart for the quarter (SVG).
    pub chart_members: String,
    /// Members, this quarter.
    pub members_quarter: Vec<PerfLine>,
    /// Members, this year.
    pub members_year: Vec<PerfLine>,
    /// The quarter.
    pub quarter: String,
    /// The year.
    pub year: String,
    /// Risks on the team's deals.
    pub risks: Section<RiskLine>,
}

/// `people/<id>.html`.
#[derive(Debug, Serialize)]
pub struct PersonView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role label.
    pub role: String,
    /// Team.
    pub team: Option<Link>,
    /// E-mail.
    pub email: String,
    /// Whether `email` can be a `mailto:` link.
    pub email_ok: bool,
    /// Teams they manage.
    pub manages: Vec<Link>,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Quarters chart (SVG).
    pub chart_quarters: String,
    /// The quarter.
    pub quarter: String,
    /// Open deals they own, by close date.
    pub open_deals: Section<DealLine>,
    /// Deals they own closed this fiscal year, latest first.
    pub closed_deals: Section<DealLine>,
    /// Open deals they are on the team of (not owner).
    pub member_of: Section<DealLine>,
    /// Risks on their deals.
    pub risks: Section<RiskLine>,
    /// Accounts they own, overdue first.
    pub accounts: Section<AccountLine>,
}

impl Site<'_> {
    /// The leaderboard.
    pub fn team_board(&self) -> TeamBoard {
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let pick = |p: Period, kind: &str| -> Vec<PerfLine> {
            self.a
                .performance
                .iter()
                .filter(|r| r.period == p && r.scope.kind == kind)
                .map(|r| self.perf_line(r))
                .collect()
        };
        TeamBoard {
            quarter: q.to_string(),
            year: y.to_string(),
            people_quarter: pick(q, "person"),
            people_year: pick(y, "person"),
            teams_quarter: pick(q, "team"),
            teams_year: pick(y, "team"),
        }
    }

    fn perf_cards(&self, kind: &'static str, id: &str) -> Vec<Kpi> {
        let (fm, i) = (&self.fm, &self.i);
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let mut cards = Vec::new();
        for (key, label, p) in [("won", "this_quarter", q), ("won_year", "this_year", y)] {
            let f = self.forecast(p, kind, Some(id));
            let won = f.map(|f| f.won).unwrap_or_default();
            let target = f.and_then(|f| f.target);
            let att = f.and_then(|f| f.attainment);
            cards.push(Kpi {
                key,
                label: format!("{} · {} {}", i.get("won"), i.get(label), p),
                value: fm.money(won),
                sub: match target {
                    Some(t) => format!(
                        "{} · {}",
                        fm.percent(att),
                        i.fill("of_target", &[("target", &fm.money(t))])
                    ),
                    None => i.get("no_target").into(),
                },
                tone: "",
                href: Some(paths::period(&p.to_string())),
                bar: charts::progress(att),
            });
        }
        if let Some(f) = self.forecast(q, kind, Some(id)) {
            cards.push(Kpi {
                key: "commit",
                label: format!("{} {}", i.get("commit"), q),
                value: fm.money(f.commit),
                sub: format!("{} {}", i.get("weighted"), fm.money(f.weighted)),
                tone: "",
                href: None,
                bar: String::new(),
            });
            cards.push(Kpi {
                key: "coverage",
                label: i.get("coverage").into(),
                value: fm.multiple(f.coverage),
                sub: match f.gap {
                    Some(g) if g.get() > Decimal::ZERO => {
                        i.fill("coverage_sub", &[("gap", &fm.money(g))])
                    }
                    _ => i.get("coverage_none").into(),
                },
                tone: "",
                href: None,
                bar: String::new(),
            });
        }
        if let Some(r) = self.perf(y, kind, Some(id)) {
            cards.push(Kpi {
                key: "win_rate",
                label: format!("{} {}", i.get("win_rate"), y),
                value: fm.percent(r.win_rate),
                sub: format!(
                    "{} {} · {} {}",
                    fm.count(r.deals_won),
                    i.get("status_won"),
                    fm.count(r.deals_lost),
                    i.get("status_lost")
                ),
                tone: "",
                href: None,
                bar: String::new(),
            });
            cards.push(Kpi {
                key: "open_risks",
                label: i.get("open_risks").into(),
                value: fm.count(r.open_risks),
                sub: format!(
                    "{} {}",
                    i.get("overdue_follow_ups"),
                    fm.count(r.overdue_follow_ups)
                ),
                tone: if r.open_risks > 0 { "poor" } else { "" },
                href: None,
                bar: String::new(),
            });
        }
        cards
    }

    /// The page of team `ix`.
    pub fn team_page(&self, ix: usize) -> TeamView {
        let t = &self.p.teams[ix];
        let id = t.id.value.as_str();
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let members: Vec<&str> = self
            .p
            .people
            .iter()
            .filter(|x| x.team.as_ref().is_some_and(|tt| tt.value.as_str() == id))
            .map(|x| x.id.value.as_str())
            .collect();
        let pick = |p: Period| -> Vec<PerfLine> {
            self.a
                .performance
                .iter()
                .filter(|r| {
                    r.period == p
                        && r.scope.kind == "person"
                        && r.scope.id.as_deref().is_some_and(|x| members.contains(&x))
                })
                .map(|r| self.perf_line(r))
                .collect()
        };
        let bars: Vec<StackBar> = self
            .a
            .forecast
            .iter()
            .filter(|r| {
                r.period == q
                    && r.scope.kind == "person"
                    && r.scope.id.as_deref().is_some_and(|x| members.contains(&x))
            })
            .map(|r| self.stack(r, r.scope.name.clone()))
            .collect();
        let mut risks: Vec<usize> = members
            .iter()
            .flat_map(|m| self.risks_of_owner.get(m).into_iter().flatten().copied())
            .collect();
        risks.sort_by_key(|&k| {
            let (code, amount, k) = self.risk_order_pos(k);
            (amount, code, k)
        });
        TeamView {
            id: id.to_string(),
            name: t.name.clone(),
            manager: t
                .manager
                .as_ref()
                .map(|m| self.person_link(m.value.as_str())),
            cards: self.perf_cards("team", id),
            chart_quarters: self.quarter_chart("chart-quarters", "team", Some(id)),
            chart_members: charts::responsive("chart-members", |id, w| {
                charts::forecast_rows(
                    id,
                    &self.i.fill("forecast_for", &[("period", &q.to_string())]),
                    &bars,
                    &self.fm,
                    &self.i,
                    w,
                )
            }),
            members_quarter: pick(q),
            members_year: pick(y),
            quarter: q.to_string(),
            year: y.to_string(),
            risks: self.section(&risks, |k| self.risk_line(&self.a.risks[k])),
        }
    }

    fn risk_order_pos(&self, k: usize) -> (usize, std::cmp::Reverse<Money>, usize) {
        let r = &self.a.risks[k];
        (r.signal.index(), std::cmp::Reverse(r.amount), k)
    }

    /// The page of person `ix`.
    pub fn person_page(&self, ix: usize) -> PersonView {
        let x = &self.p.people[ix];
        let id = x.id.value.as_str();
        let a = self.a;
        let year = self.a.current.year;
        let owned = self
            .deals_of_owner
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut open: Vec<usize> = owned
            .iter()
            .copied()
            .filter(|&k| a.deals[k].status == Status::Open)
            .collect();
        open.sort_by(|&p, &q| {
            a.deals[p]
                .close
                .cmp(&a.deals[q].close)
                .then_with(|| a.deals[p].deal.cmp(&a.deals[q].deal))
        });
        let mut closed: Vec<usize> = owned
            .iter()
            .copied()
            .filter(|&k| {
                a.deals[k].status != Status::Open
                    && a.deals[k].close.is_some_and(|c| self.cal.contains(year, c))
            })
            .collect();
        closed.sort_by(|&p, &q| {
            a.deals[q]
                .close
                .cmp(&a.deals[p].close)
                .then_with(|| a.deals[p].deal.cmp(&a.deals[q].deal))
        });
        // Deals they work on as a team member (open ones).
        let member_of: Vec<usize> = self
            .deals_of_member
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&k| {
                let f = &a.deals[k];
                f.status == Status::Open && self.p.deals[f.deal].owner.value.as_str() != id
            })
            .collect();
        let mut risks: Vec<usize> = self.risks_of_owner.get(id).cloned().unwrap_or_default();
        risks.sort_by_key(|&k| {
            let (code, amount, k) = self.risk_order_pos(k);
            (amount, code, k)
        });
        let mut accounts: Vec<usize> = self.accounts_of_owner.get(id).cloned().unwrap_or_default();
        accounts.sort_by(|&p, &q| {
            let (hp, hq) = (&a.accounts[p], &a.accounts[q]);
            hq.follow_up_overdue
                .cmp(&hp.follow_up_overdue)
                .then(hp.follow_up_due.cmp(&hq.follow_up_due))
                .then_with(|| hp.id.cmp(&hq.id))
        });
        let manages = self
            .p
            .teams
            .iter()
            .filter(|t| t.manager.as_ref().is_some_and(|m| m.value.as_str() == id))
            .map(|t| self.team_link(t.id.value.as_str()))
            .collect();
        let reported = self
            .forecast(a.current.quarter, "person", Some(id))
            .is_some();
        PersonView {
            id: id.to_string(),
            name: x.name.clone(),
            role: self.i.of("role", x.role.as_str()).into(),
            team: x.team.as_ref().map(|t| self.team_link(t.value.as_str())),
            email: x.email.clone().unwrap_or_default(),
            email_ok: x.email.as_deref().is_some_and(plausible_email),
            manages,
            cards: if reported {
                self.perf_cards("person", id)
            } else {
                Vec::new()
            },
            chart_quarters: if reported {
                self.quarter_chart("chart-quarters", "person", Some(id))
            } else {
                String::new()
            },
            quarter: a.current.quarter.to_string(),
            open_deals: self.section(&open, |k| self.deal_line(&self.row(k))),
            closed_deals: self.section(&closed, |k| self.deal_line(&self.row(k))),
            member_of: self.section(&member_of, |k| self.deal_line(&self.row(k))),
            risks: self.section(&risks, |k| self.risk_line(&a.risks[k])),
            accounts: self.section(&accounts, |k| self.account_line(&a.accounts[k])),
        }
    }

    /// The first [`SECTION_ROWS`] of a list, with the note when cut.
    fn section<T>(&self, ix: &[usize], line: impl Fn(usize) -> T) -> Section<T> {
        let total = ix.len();
        Section {
            rows: ix.iter().take(SECTION_ROWS).map(|&k| line(k)).collect(),
            total,
            note: if total > SECTION_ROWS {
                self.i.fill(
                    "show_first",
                    &[
                        ("n", &self.fm.count(SECTION_ROWS)),
                        ("total", &self.fm.count(total)),
                    ],
                )
            } else {
                String::new()
            },
        }
    }
}

// ------------------------------------------------------------- accounts

/// `accounts.html` (and its further pages).
#[derive(Debug, Serialize)]
pub struct AccountsList {
    /// The rows of this page.
    pub rows: Vec<AccountLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Accounts in all.
    pub total: usize,
    /// Overdue follow-ups in all.
    pub overdue: usize,
}

/// `accounts/<id>.html`.
#[derive(Debug, Serialize)]
pub struct AccountView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tag,
    /// Facts (industry, region, owner, cadence…).
    pub facts: Vec<Fact>,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Rows of the stakeholder map, one per buying role.
    pub map: Vec<MapRow>,
    /// Column heads of the map (attitudes).
    pub attitudes: Vec<Tag>,
    /// Whether the map has anyone.
    pub map_empty: bool,
    /// Contacts.
    pub contacts: Vec<ContactLine>,
    /// Deals.
    pub deals: Vec<DealLine>,
    /// Follow-ups, newest first.
    pub touches: Vec<TouchLine>,
    /// Surveys, newest first.
    pub surveys: Vec<SurveyLine>,
    /// Satisfaction chart (SVG), empty without surveys.
    pub chart_satisfaction: String,
    /// Sanitised Markdown notes.
    pub notes_html: String,
}

/// A buying role's row of the stakeholder map.
#[derive(Debug, Serialize)]
pub struct MapRow {
    /// The role.
    pub role: Tag,
    /// One cell per attitude.
    pub cells: Vec<Vec<MapEntry>>,
    /// Whether no contact plays this role.
    pub empty: bool,
}

/// A contact in a cell of the map.
#[derive(Debug, Serialize)]
pub struct MapEntry {
    /// Contact name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Influence (code).
    pub influence: String,
    /// Influence label.
    pub influence_label: String,
    /// The deals they play this role in.
    pub deals: Vec<Link>,
}

/// A contact.
#[derive(Debug, Serialize)]
pub struct ContactLine {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Influence.
    pub influence: Tag,
    /// E-mail.
    pub email: String,
    /// Whether `email` can be a `mailto:` link.
    pub email_ok: bool,
    /// Phone.
    pub phone: String,
    /// Roles in deals: "Economic buyer (ERP…)".
    pub roles: String,
}

/// A follow-up.
#[derive(Debug, Serialize)]
pub struct TouchLine {
    /// Date.
    pub date: String,
    /// Who.
    pub by: Link,
    /// Kind label.
    pub kind: String,
    /// Contact met.
    pub contact: String,
    /// Note.
    pub note: String,
}

/// A survey.
#[derive(Debug, Serialize)]
pub struct SurveyLine {
    /// Date.
    pub date: String,
    /// Score 0..=10.
    pub score: Num,
    /// Who answered.
    pub contact: String,
    /// Comment.
    pub note: String,
}

impl Site<'_> {
    /// Page `n` (1-based) of the accounts list, and how many pages there are.
    pub fn accounts_list(&self, n: usize) -> AccountsList {
        let rows = self
            .account_order
            .iter()
            .skip((n - 1) * LIST_PAGE_ROWS)
            .take(LIST_PAGE_ROWS)
            .map(|&k| self.account_line(&self.a.accounts[k]))
            .collect();
        AccountsList {
            rows,
            pager: self.pager(n, self.a.accounts.len(), |k| paths::list("accounts", k)),
            total: self.a.accounts.len(),
            overdue: self
                .a
                .accounts
                .iter()
                .filter(|h| h.follow_up_overdue)
                .count(),
        }
    }

    /// Pages of a list of `rows` rows.
    pub fn page_count(rows: usize) -> usize {
        rows.div_ceil(LIST_PAGE_ROWS).max(1)
    }

    /// The page of account `ix` (in [`Pipeline::accounts`]).
    pub fn account_page(&self, ix: usize) -> AccountView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let acc = &self.p.accounts[ix];
        let id = acc.id.as_str();
        let h = self.health_of.get(id).map(|&k| &a.accounts[k]);
        let mut deal_rows: Vec<usize> = self.deals_of_account.get(id).cloned().unwrap_or_default();
        deal_rows.sort_by(|&x, &y| {
            let (dx, dy) = (&a.deals[x], &a.deals[y]);
            status_order(dx.status)
                .cmp(&status_order(dy.status))
                .then_with(|| dy.close.cmp(&dx.close))
                .then_with(|| dx.deal.cmp(&dy.deal))
        });
        // Stakeholder map: roles × attitudes, over the account's deals
        // (open ones first).
        use crate::model::{Attitude, BuyingRole};
        let roles = [
            BuyingRole::EconomicBuyer,
            BuyingRole::TechnicalBuyer,
            BuyingRole::UserBuyer,
            BuyingRole::Coach,
            BuyingRole::Influencer,
        ];
        let atts = [
            Attitude::Champion,
            Attitude::Supporter,
            Attitude::Neutral,
            Attitude::Skeptic,
            Attitude::Opponent,
        ];
        let mut cells: BTreeMap<(usize, usize, String), Vec<Link>> = BTreeMap::new();
        let mut roles_of: BTreeMap<String, BTreeMap<usize, Vec<String>>> = BTreeMap::new();
        for &k in &deal_rows {
            let row = &a.deals[k];
            let open = row.status == Status::Open;
            let d = &self.p.deals[row.deal];
            for s in &d.stakeholders {
                let r = roles.iter().position(|x| *x == s.role).unwrap_or(0);
                let t = atts.iter().position(|x| *x == s.attitude).unwrap_or(2);
                let cid = s.contact.value.to_string();
                if open {
                    cells.entry((r, t, cid.clone())).or_default().push(Link {
                        text: d.name.clone(),
                        href: Some(paths::deal(d.id.as_str())),
                    });
                }
                let names = roles_of.entry(cid).or_default().entry(r).or_default();
                if !names.contains(&d.name) {
                    names.push(d.name.clone());
                }
            }
        }
        let contact = |cid: &str| acc.contact(cid);
        let map: Vec<MapRow> = roles
            .iter()
            .enumerate()
            .map(|(r, role)| MapRow {
                empty: !cells.keys().any(|(rr, _, _)| *rr == r),
                role: Tag {
                    code: role.as_str().into(),
                    text: i.of("buying", role.as_str()).into(),
                    title: String::new(),
                },
                cells: (0..atts.len())
                    .map(|t| {
                        cells
                            .range((r, t, String::new())..)
                            .take_while(|((rr, tt, _), _)| *rr == r && *tt == t)
                            .map(|((_, _, cid), deals)| {
                                let c = contact(cid);
                                MapEntry {
                                    name: c.map(|c| c.name.clone()).unwrap_or_else(|| cid.clone()),
                                    title: c.and_then(|c| c.title.clone()).unwrap_or_default(),
                                    influence: c
                                        .map(|c| c.influence.as_str().to_string())
                                        .unwrap_or_default(),
                                    influence_label: c
                                        .map(|c| {
                                            i.of("influence", c.influence.as_str()).to_string()
                                        })
                                        .unwrap_or_default(),
                                    deals: deals.clone(),
                                }
                            })
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        let map_empty = cells.is_empty();
        let contacts = acc
            .contacts
            .iter()
            .map(|c| ContactLine {
                name: c.name.clone(),
                title: c.title.clone().unwrap_or_default(),
                influence: Tag {
                    code: c.influence.as_str().into(),
                    text: i.of("influence", c.influence.as_str()).into(),
                    title: String::new(),
                },
                email: c.email.clone().unwrap_or_default(),
                email_ok: c.email.as_deref().is_some_and(plausible_email),
                phone: c.phone.clone().unwrap_or_default(),
                roles: roles_of
                    .get(c.id.value.as_str())
                    .map(|by_role| {
                        by_role
                            .iter()
                            .map(|(r, deals)| {
                                format!(
                                    "{}: {}",
                                    i.of("buying", roles[*r].as_str()),
                                    deals.join(", ")
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let contact_name = |c: &Option<crate::source::Sp<crate::ids::ContactId>>| {
            c.as_ref()
                .map(|c| {
                    contact(c.value.as_str())
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| c.value.to_string())
                })
                .unwrap_or_default()
        };
        let mut touches: Vec<TouchLine> = acc
            .touches
            .iter()
            .map(|t| TouchLine {
                date: t.date.value.to_string(),
                by: self.person_link(t.by.value.as_str()),
                kind: i.of("touch", t.kind.as_str()).into(),
                contact: contact_name(&t.contact),
                note: t.note.clone().unwrap_or_default(),
            })
            .collect();
        touches.reverse();
        let mut points: Vec<(Date, u8)> = acc
            .surveys
            .iter()
            .map(|s| (s.date.value, s.score))
            .collect();
        points.sort();
        let mut surveys: Vec<SurveyLine> = acc
            .surveys
            .iter()
            .map(|s| SurveyLine {
                date: s.date.value.to_string(),
                score: Num {
                    v: s.score.to_string(),
                    s: format!("{}/10", s.score),
                },
                contact: contact_name(&s.contact),
                note: s.note.clone().unwrap_or_default(),
            })
            .collect();
        surveys.reverse();
        let mut facts = vec![Fact {
            label: i.get("owner").into(),
            value: self.person_link(acc.owner.value.as_str()).text,
            href: self
                .p
                .person(acc.owner.value.as_str())
                .map(|_| paths::person(acc.owner.value.as_str())),
        }];
        for (label, v) in [("industry", &acc.industry), ("region", &acc.region)] {
            if let Some(v) = v {
                facts.push(Fact {
                    label: i.get(label).into(),
                    value: v.clone(),
                    href: None,
                });
            }
        }
        let mut cards = Vec::new();
        if let Some(h) = h {
            facts.push(Fact {
                label: i.get("cadence").into(),
                value: i.fill("cadence_days", &[("n", &h.follow_up_days.to_string())]),
                href: None,
            });
            cards.push(Kpi {
                key: "follow_up",
                label: i.get("follow_up").into(),
                value: self.follow_up_tag(h).text,
                sub: format!(
                    "{} {} · {} {}",
                    i.get("last_touch"),
                    fm.opt_date(h.last_touch),
                    i.get("follow_up_due_on"),
                    h.follow_up_due
                ),
                tone: if h.follow_up_overdue { "poor" } else { "good" },
                href: None,
                bar: String::new(),
            });
            cards.push(Kpi {
                key: "satisfaction",
                label: i.get("satisfaction").into(),
                value: h
                    .satisfaction
                    .map(|s| format!("{s}/10"))
                    .unwrap_or_else(|| crate::fmt::NONE.into()),
                sub: format!(
                    "{} {}",
                    fm.opt_date(h.satisfaction_date),
                    self.trend_text(h.satisfaction_trend)
                ),
                tone: match h.satisfaction_trend {
                    Some(Trend::Down) => "poor",
                    _ => "",
                },
                href: None,
                bar: String::new(),
            });
            cards.push(Kpi {
                key: "lifetime_won",
                label: i.get("lifetime_won").into(),
                value: fm.money(h.lifetime_won),
                sub: i.fill("deals_won_n", &[("n", &fm.count(h.won_deals))]),
                tone: "",
                href: None,
                bar: String::new(),
            });
            cards.push(Kpi {
                key: "open_pipeline",
                label: i.get("open_pipeline").into(),
                value: fm.money(h.open_pipeline),
                sub: i.fill("open_deals_n", &[("n", &fm.count(h.open_deals))]),
                tone: "",
                href: None,
                bar: String::new(),
            });
        }
        AccountView {
            id: id.to_string(),
            name: acc.name.clone(),
            tier: Tag {
                code: acc.tier.as_str().into(),
                text: i.of("tier", acc.tier.as_str()).into(),
                title: String::new(),
            },
            facts,
            cards,
            map,
            attitudes: atts
                .iter()
                .map(|x| Tag {
                    code: x.as_str().into(),
                    text: i.of("attitude", x.as_str()).into(),
                    title: String::new(),
                })
                .collect(),
            map_empty,
            contacts,
            deals: self.deal_lines(deal_rows.into_iter()),
            touches,
            surveys,
            chart_satisfaction: if points.is_empty() {
                String::new()
            } else {
                charts::responsive("chart-satisfaction", |id, w| {
                    charts::scores(
                        id,
                        i.get("satisfaction_trend"),
                        i.get("satisfaction_chart_desc"),
                        &points,
                        a.as_of,
                        w,
                    )
                })
            },
            notes_html: markdown::render(&acc.notes),
        }
    }
}

// ---------------------------------------------------------------- deals

/// `deals.html` (and its further pages).
#[derive(Debug, Serialize)]
pub struct DealsList {
    /// The rows of this page.
    pub rows: Vec<DealLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Deals in all.
    pub total: usize,
    /// Open / won / lost counts.
    pub open: usize,
    /// Won.
    pub won: usize,
    /// Lost.
    pub lost: usize,
}

/// `deals/<id>.html`.
#[derive(Debug, Serialize)]
pub struct DealView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Account.
    pub account: Link,
    /// Owner.
    pub owner: Link,
    /// Stage name.
    pub stage: String,
    /// Status.
    pub status: Tag,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Facts.
    pub facts: Vec<Fact>,
    /// Risk signals with reasons.
    pub risks: Vec<DealRisk>,
    /// Timeline chart (SVG).
    pub chart_timeline: String,
    /// Timeline events, oldest first.
    pub events: Vec<Event>,
    /// Stakeholders.
    pub stakeholders: Vec<StakeholderLine>,
    /// Deal team.
    pub members: Vec<MemberLine>,
    /// Pains.
    pub pains: Vec<String>,
    /// Decision process.
    pub decision_process: String,
    /// Value proof.
    pub value_proof: String,
    /// Lost reason.
    pub lost_reason: String,
    /// Sanitised Markdown notes.
    pub notes_html: String,
}

/// A risk signal on the deal page.
#[derive(Debug, Serialize)]
pub struct DealRisk {
    /// The signal.
    pub signal: Tag,
    /// Why.
    pub reason: String,
}

/// A timeline event.
#[derive(Debug, Serialize)]
pub struct Event {
    /// Date (ISO), or "—" for the current close when its change is undated.
    pub date: String,
    /// "stage", "back", "won", "lost", "slip", "pull".
    pub kind: &'static str,
    /// What happened.
    pub text: String,
    /// Comment from the history.
    pub note: String,
}

/// A stakeholder.
#[derive(Debug, Serialize)]
pub struct StakeholderLine {
    /// Contact name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Buying role.
    pub role: Tag,
    /// Attitude.
    pub attitude: Tag,
    /// Influence.
    pub influence: Tag,
    /// Comment.
    pub note: String,
}

/// A deal-team member.
#[derive(Debug, Serialize)]
pub struct MemberLine {
    /// The person.
    pub person: Link,
    /// Role label.
    pub role: String,
}

impl Site<'_> {
    /// Page `n` (1-based) of the deals list.
    pub fn deals_list(&self, n: usize) -> DealsList {
        let a = self.a;
        let count = |s: Status| a.deals.iter().filter(|d| d.status == s).count();
        DealsList {
            rows: self.deal_lines(
                self.deal_order
                    .iter()
                    .skip((n - 1) * LIST_PAGE_ROWS)
                    .take(LIST_PAGE_ROWS)
                    .copied(),
            ),
            pager: self.pager(n, a.deals.len(), |k| paths::list("deals", k)),
            total: a.deals.len(),
            open: count(Status::Open),
            won: count(Status::Won),
            lost: count(Status::Lost),
        }
    }

    /// The page of the deal in row `k` of the analytics' deals.
    pub fn deal_page(&self, k: usize) -> DealView {
        let (a, i) = (self.a, &self.i);
        let row = self.row(k);
        let d: &Deal = &self.p.deals[a.deals[k].deal];
        let stages = &self.p.settings.stages;
        let line = self.deal_line(&row);
        let mut cards = vec![
            Kpi {
                key: "amount",
                label: i.fill("amount_reporting", &[("cur", &a.currency)]),
                value: line.amount.s.clone(),
                sub: if line.original.is_empty() {
                    String::new()
                } else {
                    i.fill("in_currency", &[("cur", row.currency)]) + " " + &line.original
                },
                tone: "",
                href: None,
                bar: String::new(),
            },
            Kpi {
                key: "probability",
                label: i.get("probability").into(),
                value: line.probability.s.clone(),
                sub: format!("{} {}", i.get("weighted"), line.weighted.s),
                tone: "",
                href: None,
                bar: String::new(),
            },
            Kpi {
                key: "close",
                label: if row.status == Status::Open {
                    i.get("expected_close").into()
                } else {
                    i.get("closed_on").into()
                },
                value: line.close.s.clone(),
                sub: row.close_quarter.map(|q| q.to_string()).unwrap_or_default(),
                tone: if row.status == Status::Open && row.close.is_some_and(|c| c < a.as_of) {
                    "poor"
                } else {
                    ""
                },
                href: row
                    .close_quarter
                    .filter(|q| self.periods.contains(q))
                    .map(|q| paths::period(&q.to_string())),
                bar: String::new(),
            },
        ];
        if row.status == Status::Open {
            cards.push(Kpi {
                key: "days_in_stage",
                label: i.get("days_in_stage").into(),
                value: line.days_in_stage.s.clone(),
                sub: row.stage_name.to_string(),
                tone: "",
                href: None,
                bar: String::new(),
            });
        }
        let mut facts = vec![
            Fact {
                label: i.get("account").into(),
                value: line.account.text.clone(),
                href: line.account.href.clone(),
            },
            Fact {
                label: i.get("owner").into(),
                value: line.owner.text.clone(),
                href: line.owner.href.clone(),
            },
            Fact {
                label: i.get("stage").into(),
                value: row.stage_name.to_string(),
                href: None,
            },
            Fact {
                label: i.get("category").into(),
                value: line.category.clone(),
                href: None,
            },
            Fact {
                label: i.get("created").into(),
                value: row.created.to_string(),
                href: None,
            },
        ];
        if !row.products.is_empty() {
            facts.push(Fact {
                label: i.get("products").into(),
                value: row.products.join(", "),
                href: None,
            });
        }
        if !d.competitors.is_empty() {
            facts.push(Fact {
                label: i.get("competitors").into(),
                value: d.competitors.join(", "),
                href: None,
            });
        }
        if let Some(ns) = row.next_step {
            facts.push(Fact {
                label: i.get("next_step").into(),
                value: match row.next_step_date {
                    Some(dt) => format!("{ns} ({} {dt})", i.get("next_step_date")),
                    None => ns.to_string(),
                },
                href: None,
            });
        }
        let risks = a
            .risks_of(a.deals[k].deal)
            .iter()
            .map(|r| DealRisk {
                signal: self.signal_tag(r.code()),
                reason: r.reason(self.p, self.locale()),
            })
            .collect();
        // Timeline.
        let mut events = Vec::new();
        let mut segs = Vec::new();
        let mut closes: Vec<Date> = Vec::new();
        let mut prev_ix: Option<usize> = None;
        let mut prev_close: Option<Date> = None;
        let hist: Vec<(Date, usize, Option<Date>, &str)> = if d.history.is_empty() {
            vec![(d.created.value, d.refs.stage.unwrap_or(0), None, "")]
        } else {
            d.history
                .iter()
                .map(|h| {
                    (
                        h.date.value,
                        h.stage_ix.unwrap_or(0),
                        h.close.as_ref().map(|c| c.value),
                        h.note.as_deref().unwrap_or(""),
                    )
                })
                .collect()
        };
        for (n, (date, six, close, note)) in hist.iter().enumerate() {
            let st = &stages[(*six).min(stages.len().saturating_sub(1))];
            let back = prev_ix.is_some_and(|p| *six < p);
            let kind = match st.outcome {
                Some(crate::model::Outcome::Won) => "won",
                Some(crate::model::Outcome::Lost) => "lost",
                None if back => "back",
                None => "stage",
            };
            let mut text = i.fill("entered_stage", &[("stage", &st.name)]);
            if back {
                text = format!("{text} ({})", i.get("moved_back"));
            }
            events.push(Event {
                date: date.to_string(),
                kind,
                text,
                note: note.to_string(),
            });
            if let Some(c) = close {
                if let Some(pc) = prev_close
                    && pc != *c
                {
                    events.push(self.close_event(date.to_string(), pc, *c));
                }
                prev_close = Some(*c);
                closes.push(*c);
            }
            let end = hist
                .get(n + 1)
                .map(|h| h.0)
                .unwrap_or(if row.status == Status::Open {
                    a.as_of.max(*date)
                } else {
                    *date
                });
            segs.push(Segment {
                from: *date,
                to: end,
                stage: st.name.clone(),
                ix: *six,
                back,
                outcome: st.outcome.map(|o| o.as_str()),
            });
            prev_ix = Some(*six);
        }
        if let Some(c) = row.close {
            if let Some(pc) = prev_close
                && pc != c
            {
                events.push(self.close_event(crate::fmt::NONE.into(), pc, c));
            }
            closes.push(c);
        }
        let stakeholders = {
            let acc = self.p.account_of(d);
            d.stakeholders
                .iter()
                .map(|s| {
                    let c = acc.and_then(|x| x.contact(s.contact.value.as_str()));
                    StakeholderLine {
                        name: c
                            .map(|c| c.name.clone())
                            .unwrap_or_else(|| s.contact.value.to_string()),
                        title: c.and_then(|c| c.title.clone()).unwrap_or_default(),
                        role: Tag {
                            code: s.role.as_str().into(),
                            text: i.of("buying", s.role.as_str()).into(),
                            title: String::new(),
                        },
                        attitude: Tag {
                            code: s.attitude.as_str().into(),
                            text: i.of("attitude", s.attitude.as_str()).into(),
                            title: String::new(),
                        },
                        influence: Tag {
                            code: c.map(|c| c.influence.as_str()).unwrap_or("").into(),
                            text: c
                                .map(|c| i.of("influence", c.influence.as_str()))
                                .unwrap_or("")
                                .into(),
                            title: String::new(),
                        },
                        note: s.note.clone().unwrap_or_default(),
                    }
                })
                .collect()
        };
        let mut members = vec![MemberLine {
            person: line.owner.clone(),
            role: i.get("owner").into(),
        }];
        members.extend(d.members.iter().map(|m| {
            let id = m.person.value.as_str();
            MemberLine {
                person: self.person_link(id),
                role: m
                    .role
                    .or_else(|| self.p.person(id).map(|x| x.role))
                    .map(|r| i.of("role", r.as_str()).to_string())
                    .unwrap_or_default(),
            }
        }));
        DealView {
            id: row.id.to_string(),
            name: row.name.to_string(),
            account: line.account.clone(),
            owner: line.owner.clone(),
            stage: row.stage_name.to_string(),
            status: line.status.clone(),
            cards,
            facts,
            risks,
            chart_timeline: charts::responsive("chart-timeline", |id, w| {
                charts::timeline(
                    id,
                    i.get("timeline"),
                    i.get("timeline_chart_desc"),
                    &segs,
                    &closes,
                    a.as_of,
                    i.get("today_marker"),
                    w,
                )
            }),
            events,
            stakeholders,
            members,
            pains: d.pains.clone(),
            decision_process: d.decision_process.clone().unwrap_or_default(),
            value_proof: d.value_proof.clone().unwrap_or_default(),
            lost_reason: row.lost_reason.unwrap_or_default().to_string(),
            notes_html: markdown::render(&d.notes),
        }
    }

    fn close_event(&self, date: String, from: Date, to: Date) -> Event {
        let days = (to - from).get_days() as i64;
        let (kind, change) = if days > 0 {
            (
                "slip",
                self.i.fill("slipped_by", &[("n", &days.to_string())]),
            )
        } else {
            (
                "pull",
                self.i.fill("pulled_in_by", &[("n", &(-days).to_string())]),
            )
        };
        Event {
            date,
            kind,
            text: format!(
                "{} ({change})",
                self.i.fill(
                    "close_moved",
                    &[("from", &from.to_string()), ("to", &to.to_string())]
                )
            ),
            note: String::new(),
        }
    }
}

// ---------------------------------------------------------------- risks

/// `risks.html`.
#[derive(Debug, Serialize)]
pub struct RisksView {
    /// Risks in all.
    pub total: usize,
    /// Deals with at least one.
    pub deals: usize,
    /// Their amount.
    pub amount: String,
    /// One group per signal that fires.
    pub signals: Vec<SignalGroup>,
    /// One row per owner.
    pub owners: Vec<OwnerGroup>,
}

/// Risks of one signal.
#[derive(Debug, Serialize)]
pub struct SignalGroup {
    /// The signal.
    pub signal: Tag,
    /// Count.
    pub count: Num,
    /// Amount of the deals.
    pub amount: Num,
    /// Its own page.
    pub href: String,
    /// Rows shown here.
    pub rows: Vec<RiskLine>,
    /// Note when not all are shown.
    pub note: String,
}

/// Risks of one owner.
#[derive(Debug, Serialize)]
pub struct OwnerGroup {
    /// The owner.
    pub owner: Link,
    /// Risks.
    pub count: Num,
    /// Deals at risk.
    pub deals: Num,
    /// Their amount.
    pub amount: Num,
    /// Most frequent signal.
    pub top: Tag,
}

/// `risks/<code>.html`.
#[derive(Debug, Serialize)]
pub struct SignalView {
    /// The signal.
    pub signal: Tag,
    /// The rows of this page.
    pub rows: Vec<RiskLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Count.
    pub total: usize,
}

impl Site<'_> {
    fn signal_rows(&self, code: &str) -> Vec<usize> {
        self.risk_order
            .iter()
            .copied()
            .filter(|&k| self.a.risks[k].code() == code)
            .collect()
    }

    /// The signals that fire, with their risk indices in list order.
    pub fn signals(&self) -> Vec<(&'static str, Vec<usize>)> {
        CODES
            .iter()
            .map(|c| (*c, self.signal_rows(c)))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    /// The risks page.
    pub fn risks_page(&self) -> RisksView {
        let (a, fm) = (self.a, &self.fm);
        let inline_all = a.risks.len() <= LIST_PAGE_ROWS;
        let signals = self
            .signals()
            .into_iter()
            .map(|(code, rows)| {
                let amount: Money = rows.iter().map(|&k| a.risks[k].amount).sum();
                let n = rows.len();
                let shown = if inline_all {
                    n
                } else {
                    n.min(INLINE_SIGNAL_ROWS)
                };
                SignalGroup {
                    signal: self.signal_tag(code),
                    count: num_count(fm, n),
                    amount: num_money(fm, amount),
                    href: paths::signal(code, 1),
                    rows: rows[..shown]
                        .iter()
                        .map(|&k| self.risk_line(&a.risks[k]))
                        .collect(),
                    note: if shown < n {
                        self.i.fill(
                            "show_more_in",
                            &[("n", &fm.count(shown)), ("total", &fm.count(n))],
                        )
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        let mut by_owner: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, r) in a.risks.iter().enumerate() {
            let owner = self.p.deals[r.deal].refs.owner;
            by_owner
                .entry(owner.map_or("", |o| self.p.people[o].id.value.as_str()))
                .or_default()
                .push(k);
        }
        let mut owners: Vec<OwnerGroup> = by_owner
            .into_iter()
            .map(|(o, ks)| {
                let mut deals: Vec<usize> = ks.iter().map(|&k| a.risks[k].deal).collect();
                deals.sort_unstable();
                deals.dedup();
                let amount: Money = deals
                    .iter()
                    .filter_map(|&d| self.row_of(d))
                    .map(|k| a.deals[k].amount_reporting)
                    .sum();
                let mut freq: BTreeMap<usize, usize> = BTreeMap::new();
                for &k in &ks {
                    *freq.entry(a.risks[k].signal.index()).or_default() += 1;
                }
                let top = freq
                    .iter()
                    .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                    .map(|(c, _)| CODES[*c])
                    .unwrap_or(CODES[0]);
                OwnerGroup {
                    owner: if o.is_empty() {
                        Link {
                            text: crate::fmt::NONE.into(),
                            href: None,
                        }
                    } else {
                        let mut l = self.person_link(o);
                        if let Some(h) = &mut l.href {
                            h.push_str("#risks");
                        }
                        l
                    },
                    count: num_count(fm, ks.len()),
                    deals: num_count(fm, deals.len()),
                    amount: num_money(fm, amount),
                    top: self.signal_tag(top),
                }
            })
            .collect();
        owners.sort_by(|x, y| {
            y.count
                .v
                .parse::<usize>()
                .unwrap_or(0)
                .cmp(&x.count.v.parse::<usize>().unwrap_or(0))
                .then_with(|| x.owner.text.cmp(&y.owner.text))
        });
        let mut at_risk: Vec<usize> = a.risks.iter().map(|r| r.deal).collect();
        at_risk.sort_unstable();
        at_risk.dedup();
        let amount: Money = at_risk
            .iter()
            .filter_map(|&d| self.row_of(d))
            .map(|k| a.deals[k].amount_reporting)
            .sum();
        RisksView {
            total: a.risks.len(),
            deals: at_risk.len(),
            amount: fm.money(amount),
            signals,
            owners,
        }
    }

    /// Page `n` of one signal's risks.
    pub fn signal_page(&self, code: &str, rows: &[usize], n: usize) -> SignalView {
        SignalView {
            signal: self.signal_tag(code),
            rows: rows
                .iter()
                .skip((n - 1) * LIST_PAGE_ROWS)
                .take(LIST_PAGE_ROWS)
                .map(|&k| self.risk_line(&self.a.risks[k]))
                .collect(),
            pager: self.pager(n, rows.len(), |k| paths::signal(code, k)),
            total: rows.len(),
        }
    }
}

// -------------------------------------------------------------- targets

/// `targets.html`.
#[derive(Debug, Serialize)]
pub struct TargetsView {
    /// One row per target (set or rolled up).
    pub rows: Vec<TargetLine>,
}

/// A target.
#[derive(Debug, Serialize)]
pub struct TargetLine {
    /// Period, linking to its forecast page when it has one.
    pub period: Link,
    /// Who.
    pub scope: Link,
    /// Metric label.
    pub metric: String,
    /// Target.
    pub target: Num,
    /// Stretch.
    pub stretch: Num,
    /// Actual.
    pub actual: Num,
    /// Attainment.
    pub attainment: Num,
    /// Attainment bar.
    pub bar: String,
    /// Where the value came from.
    pub source: String,
    /// Whether the period is over.
    pub state: String,
}

impl Site<'_> {
    fn metric_value(&self, m: Metric, v: Option<Decimal>) -> Num {
        let Some(v) = v else {
            return Num {
                v: String::new(),
                s: crate::fmt::NONE.into(),
            };
        };
        let s = match m {
            Metric::Revenue | Metric::PipelineCreated => self.fm.money(Money::cents(v)),
            Metric::WinRate | Metric::MarketShare => {
                let mut p = crate::money::round(v * Decimal::ONE_HUNDRED, 1);
                p.rescale(1);
                format!("{p}%")
            }
            Metric::Satisfaction => format!("{}/10", crate::money::round(v, 1).normalize()),
            Metric::NewAccounts => crate::fmt::group(crate::money::round(v, 1).normalize()),
        };
        Num {
            v: v.to_string(),
            s,
        }
    }

    /// The targets page.
    pub fn targets_page(&self) -> TargetsView {
        let i = &self.i;
        let rows = self
            .a
            .targets
            .iter()
            .map(|t| {
                let ps = t.period.to_string();
                TargetLine {
                    period: Link {
                        href: self.periods.contains(&t.period).then(|| paths::period(&ps)),
                        text: ps,
                    },
                    scope: self.scope_link(t.scope.kind, t.scope.id.as_deref(), &t.scope.name),
                    metric: i.of("metric", t.metric.as_str()).into(),
                    target: self.metric_value(t.metric, Some(t.value)),
                    stretch: self.metric_value(t.metric, t.stretch),
                    actual: self.metric_value(t.metric, t.actual),
                    attainment: num_ratio(&self.fm, t.attainment),
                    bar: charts::progress(t.attainment),
                    source: match t.source {
                        Source::Set => i.get("source_set"),
                        Source::Periods => i.get("source_periods"),
                        Source::Members => i.get("source_members"),
                    }
                    .into(),
                    state: if t.closed {
                        i.get("period_closed")
                    } else {
                        i.get("period_running")
                    }
                    .into(),
                }
            })
            .collect();
        TargetsView { rows }
    }
}

// ------------------------------------------------------------- warnings

/// `warnings.html`.
#[derive(Debug, Serialize)]
pub struct WarningsView {
    /// One row per warning.
    pub rows: Vec<WarningLine>,
}

/// A warning of the check.
#[derive(Debug, Serialize)]
pub struct WarningLine {
    /// Code, e.g. W001.
    pub code: String,
    /// Title of the code.
    pub title: String,
    /// File relative to the pipeline.
    pub file: String,
    /// `file:line:column`.
    pub location: String,
    /// Line (sorts).
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The source line.
    pub source_line: String,
}

impl Site<'_> {
    /// The warnings page.
    pub fn warnings_page(&self) -> WarningsView {
        WarningsView {
            rows: self
                .warnings
                .iter()
                .map(|d| {
                    let l = locate(d, &self.p.sources);
                    WarningLine {
                        code: l.code.to_string(),
                        title: l.title.to_string(),
                        location: format!("{}:{}:{}", l.file, l.line, l.column),
                        file: l.file,
                        line: l.line,
                        message: l.message,
                        hint: l.hint.unwrap_or_default(),
                        source_line: l.source_line.unwrap_or_default().trim_end().to_string(),
                    }
                })
                .collect(),
        }
    }
}
