//! Table rows shared by several pages (deals, risks, accounts, leaderboard,
//! forecast) and the forecast charts drawn from the same figures.

use super::cells::{
    Link, Num, Tag, num_count, num_date, num_dec, num_int, num_money, num_multiple, num_opt_money,
    num_probability, num_ratio, num_score,
};
use super::query::{Query, cat_code, key};
use super::{Site, paths, tier_ix};
use crate::analytics::ScopeKind;
use crate::analytics::accounts::{AccountHealth, Trend};
use crate::analytics::figures::DealFigures;
use crate::analytics::forecast::Forecast;
use crate::analytics::performance::Performance;
use crate::analytics::risk::Risk;
use crate::analytics::{DealCategory, Status};
use crate::period::Period;
use crate::site::charts::{self, StackBar};
use serde::Serialize;

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
    /// Probability (blank once closed).
    pub probability: Num,
    /// Weighted amount (blank once closed).
    pub weighted: Num,
    /// What a closed deal adds to the weighted total of a list (its
    /// amount when won, 0 when lost: the forecast's weighted is won + Σ
    /// open weighted); empty for an open deal, whose `weighted` counts.
    pub weighted_total: String,
    /// Forecast category: closed-won (`won`), closed-lost (`lost`), or
    /// the open deal's `commit`, `best_case`, `pipeline`; its title says
    /// when the deal sets it.
    pub category: Tag,
    /// The category is set on the deal (`forecast = …`), not its stage's.
    pub overridden: bool,
    /// An open commit deal with a risk signal: the call is at risk.
    pub flagged: bool,
    /// Its filter keys ([`super::query`]), for `data-keys`.
    pub keys: String,
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
    /// The deal's forecast category.
    pub category: Tag,
    /// The deal's close date.
    pub close: Num,
    /// The deal's filter keys and the signal's ([`super::query`]).
    pub keys: String,
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
    /// Its filter keys ([`super::query`]), for `data-keys`.
    pub keys: String,
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
    /// Where its figures drill down to.
    pub links: PerfLinks,
}

/// The lists behind the figures of a leaderboard row (paths from the root).
#[derive(Debug, Clone, Serialize)]
pub struct PerfLinks {
    /// The deals won in the period (won, deals won, average deal).
    pub won: String,
    /// The deals closed in the period (win rate).
    pub closed: String,
    /// The deals created in the period (pipeline created).
    pub created: String,
    /// The open deals with a risk signal (open risks).
    pub risks: String,
    /// The accounts with a follow-up overdue.
    pub overdue: String,
}

/// A forecast row.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastLine {
    /// Period or scope.
    pub label: Link,
    /// The organisation, a team or a person (indents people under teams).
    pub kind: ScopeKind,
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
    /// Where its figures drill down to.
    pub links: ForecastLinks,
}

/// The lists of the deals behind a forecast row's figures (paths from the
/// root): each lists exactly the deals its figure sums.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastLinks {
    /// Won deals.
    pub won: String,
    /// Won and open commit deals.
    pub commit: String,
    /// Won, open commit and best-case deals.
    pub best_case: String,
    /// Won and open deals (pipeline and weighted).
    pub pipeline: String,
    /// Open deals (coverage).
    pub open: String,
}

impl Site<'_> {
    /// The links behind the figures of a forecast row of `period` and a
    /// scope.
    pub(super) fn forecast_links(
        &self,
        period: Period,
        kind: ScopeKind,
        id: Option<&str>,
    ) -> ForecastLinks {
        let q = Query::new().period(period).scope(kind, id);
        let cat = |c: &str| self.deals_href(&q.clone().and(key::CAT, c));
        ForecastLinks {
            won: cat("won"),
            commit: cat("won,commit"),
            best_case: cat("won,commit,best_case"),
            pipeline: cat("won,open"),
            open: cat("open"),
        }
    }

    /// The table row of row `k` of the analytics' deals.
    pub fn deal_line(&self, k: usize) -> DealLine {
        let fm = &self.fm;
        let f = &self.a.deals[k];
        let d = &self.row(k);
        let overridden = self.p.deals[f.deal].forecast.is_some();
        let stage_ix = self.p.stage_ix(d.stage).unwrap_or(0);
        let original = if d.currency != self.a.currency {
            fm.money_in(d.amount, d.currency)
        } else {
            String::new()
        };
        DealLine {
            id: d.id.to_string(),
            link: Link::to(d.name, paths::deal(d.id)),
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
            probability: d
                .probability
                .map_or_else(Num::blank, |p| num_probability(fm, p)),
            weighted: d.weighted.map_or_else(Num::blank, |w| num_money(fm, w)),
            weighted_total: match d.status {
                Status::Open => String::new(),
                _ => f.weighted.to_string(),
            },
            category: self.category_tag(f, overridden),
            overridden,
            flagged: d.status == Status::Open
                && d.category == DealCategory::Commit
                && !d.risks.is_empty(),
            keys: self.deal_keys(f),
            close: num_date(d.close),
            late: d.status == Status::Open && d.close.is_some_and(|c| c < self.a.as_of),
            days_in_stage: num_int(d.days_in_stage),
            risks: d.risks.iter().map(|c| self.signal_tag(c)).collect(),
            next_step: d.next_step.unwrap_or_default().to_string(),
            next_step_date: num_date(d.next_step_date),
        }
    }

    /// The forecast category of a deal as a badge (`won` and `lost` for
    /// closed deals); when the deal sets it, the title names its stage's.
    pub(super) fn category_tag(&self, f: &DealFigures, overridden: bool) -> Tag {
        let code = cat_code(f);
        let text = self.i.of("category", code).to_string();
        let title = if overridden && f.status == Status::Open {
            let default = self.p.settings.stages[f.stage].category.as_str();
            self.i.fill(
                "category_overridden",
                &[("default", self.i.of("category", default))],
            )
        } else {
            String::new()
        };
        Tag {
            code: code.into(),
            text,
            title,
        }
    }

    pub(super) fn deal_lines(&self, rows: impl Iterator<Item = usize>) -> Vec<DealLine> {
        rows.map(|k| self.deal_line(k)).collect()
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
            deal: Link::to(d.name.as_str(), paths::deal(d.id.as_str())),
            account: self.account_link(d.account.value.as_str()),
            owner: match d.refs.owner {
                Some(o) => self.person_link(self.p.people[o].id.value.as_str()),
                None => Link::text(crate::fmt::NONE),
            },
            stage,
            amount: num_money(&self.fm, r.amount),
            reason: r.reason(self.p, self.locale()),
            category: match self.row_of(r.deal) {
                Some(k) => self.category_tag(&self.a.deals[k], d.forecast.is_some()),
                None => Tag::plain("", ""),
            },
            close: num_date(self.row_of(r.deal).and_then(|k| self.a.deals[k].close)),
            keys: {
                let mut keys = self
                    .row_of(r.deal)
                    .map(|k| self.deal_keys(&self.a.deals[k]))
                    .unwrap_or_default();
                keys.push_str(" signal:");
                keys.push_str(r.code());
                keys
            },
        }
    }

    pub(super) fn trend_text(&self, t: Option<Trend>) -> String {
        match t {
            Some(Trend::Up) => format!("↑ {}", self.i.get("trend_up")),
            Some(Trend::Down) => format!("↓ {}", self.i.get("trend_down")),
            Some(Trend::Flat) => format!("→ {}", self.i.get("trend_flat")),
            None => String::new(),
        }
    }

    pub(super) fn follow_up_tag(&self, h: &AccountHealth) -> Tag {
        let code = if h.follow_up_overdue {
            "overdue"
        } else {
            "on_time"
        };
        Tag {
            code: code.into(),
            text: self.i.get(code).into(),
            title: format!("{} {}", self.i.get("follow_up_due_on"), h.follow_up_due),
        }
    }

    /// An account row for tables.
    pub fn account_line(&self, h: &AccountHealth) -> AccountLine {
        let fm = &self.fm;
        AccountLine {
            link: Link::to(h.name.as_str(), paths::account(&h.id)),
            tier: self.label_tag("tier", h.tier.as_str()),
            tier_ix: tier_ix(h.tier),
            industry: h.industry.clone().unwrap_or_default(),
            owner: self.person_link(&h.owner),
            last_touch: num_date(h.last_touch),
            days_since: num_int(h.days_since_touch),
            cadence: num_count(fm, h.follow_up_days as usize),
            due: num_date(Some(h.follow_up_due)),
            follow_up: self.follow_up_tag(h),
            satisfaction: num_score(h.satisfaction),
            trend: self.trend_text(h.satisfaction_trend),
            lifetime_won: num_money(fm, h.lifetime_won),
            open_pipeline: num_money(fm, h.open_pipeline),
            open_deals: num_count(fm, h.open_deals),
            keys: self.account_keys(h),
        }
    }

    pub(super) fn perf_line(&self, r: &Performance) -> PerfLine {
        let fm = &self.fm;
        let id = r.scope.id.as_deref();
        PerfLine {
            rank: r.rank,
            who: self.scope_link(r.scope.kind, id, &r.scope.name),
            team: if r.scope.kind == ScopeKind::Person {
                self.person_team_link(id.unwrap_or_default())
            } else {
                Link::text("")
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
            links: self.perf_links(r.period, r.scope.kind, id),
        }
    }

    /// The links behind a leaderboard row's figures.
    pub(super) fn perf_links(
        &self,
        period: Period,
        kind: ScopeKind,
        id: Option<&str>,
    ) -> PerfLinks {
        let scope = Query::new().scope(kind, id);
        let q = scope.clone().period(period);
        PerfLinks {
            won: self.deals_href(&q.clone().and(key::CAT, "won")),
            closed: self.deals_href(&q.clone().and(key::CAT, "won,lost")),
            created: self.deals_href(&scope.clone().and(key::CREATED, period.to_string())),
            risks: self.deals_href(&scope.clone().and(key::RISK, "any")),
            overdue: scope.and(key::FOLLOW_UP, "overdue").href("accounts.html"),
        }
    }

    pub(super) fn forecast_line(&self, r: &Forecast, label: Link) -> ForecastLine {
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
            links: self.forecast_links(r.period, r.scope.kind, r.scope.id.as_deref()),
        }
    }

    /// A bar of a forecast chart on a page at `root`, its stretches
    /// linking to the deals behind them.
    pub(super) fn stack(&self, r: &Forecast, label: String, root: &str) -> StackBar {
        let q = Query::new()
            .period(r.period)
            .scope(r.scope.kind, r.scope.id.as_deref());
        let link = |cat: &str| format!("{root}{}", self.deals_href(&q.clone().and(key::CAT, cat)));
        StackBar {
            label,
            won: r.won,
            commit: r.commit,
            best: r.best_case,
            pipeline: r.pipeline,
            target: r.target,
            links: Some([
                link("won"),
                link("commit"),
                link("best_case"),
                link("pipeline"),
            ]),
        }
    }

    /// The quarters of the current fiscal year and the next quarter.
    pub(super) fn chart_quarters(&self) -> Vec<Period> {
        let mut v = self.cal.children(self.a.current.year);
        v.push(self.cal.next(self.a.current.quarter));
        v
    }

    /// The chart of a scope's forecast by quarter, for a page at `root`.
    pub(super) fn quarter_chart(
        &self,
        id: &str,
        kind: ScopeKind,
        scope: Option<&str>,
        root: &str,
    ) -> String {
        let bars: Vec<StackBar> = self
            .chart_quarters()
            .into_iter()
            .filter_map(|q| self.forecast(q, kind, scope))
            .map(|r| self.stack(r, r.period.to_string(), root))
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

    /// The chart of the teams' and people's forecast for `period`.
    pub(super) fn scopes_chart(&self, id: &str, period: &str, bars: &[StackBar]) -> String {
        charts::responsive(id, |id, w| {
            charts::forecast_rows(
                id,
                &self.i.fill("forecast_for", &[("period", period)]),
                bars,
                &self.fm,
                &self.i,
                w,
            )
        })
    }
}
