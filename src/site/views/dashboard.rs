//! `index.html`: the headline figures, charts and short lists of the dashboard.

use super::cells::Kpi;
use super::lines::{AccountLine, DealLine, PerfLine};
use super::query::{Query, key};
use super::{Site, paths};
use crate::analytics::ScopeKind;
use crate::analytics::Status;
use crate::model::Locale;
use crate::money::Ratio;
use crate::period::Period;
use crate::site::charts::{self, Column};
use rust_decimal::Decimal;
use serde::Serialize;

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
    /// Open deals closing from `as_of` to 30 days later, soonest first.
    pub closing: Vec<DealLine>,
    /// Open deals whose close date has passed, the longest overdue first.
    pub overdue: Vec<DealLine>,
    /// How many deals are overdue in all.
    pub overdue_total: usize,
    /// The list of all open deals, by close date (the overdue first).
    pub open_href: String,
    /// The largest deals at risk.
    pub top_risks: Vec<DealLine>,
    /// The leaderboard's top (five people with a target).
    pub leaders: Vec<PerfLine>,
    /// How many people the leaderboard has (with and without a target).
    pub leaders_total: usize,
    /// Overdue follow-ups.
    pub follow_ups: Vec<AccountLine>,
    /// Since last week (with a git history).
    pub since: Option<super::SinceView>,
    /// The windows of the charts and lists.
    pub windows: Windows,
}

/// What each chart and list of the dashboard covers.
#[derive(Debug, Serialize)]
pub struct Windows {
    /// The forecast chart: the quarters of the fiscal year and the next.
    pub quarters: String,
    /// The headline quarter.
    pub quarter: String,
    /// All open deals, now.
    pub open: String,
    /// The 12 months of the monthly chart.
    pub trailing: String,
    /// Now.
    pub now: String,
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

/// The window of the fiscal year containing the first day of `period`.
fn f_year(s: &Site<'_>, period: Period) -> String {
    s.window_of(s.cal.year_of(s.cal.range(period).0))
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
        let quarter = self.window_of(k.period);
        let year = f_year(self, k.period);
        let open = i.get("window_open");
        // Each card links to the list of the deals it sums.
        let links = self.forecast_links(k.period, ScopeKind::Org, None);
        let cards = vec![
            self.won_card("won", i.get("won"), k.won, k.target, k.attainment)
                .window(quarter.clone())
                .tone(tone_att(k.attainment))
                .href(links.won.clone()),
            self.commit_card(k.commit, k.target)
                .window(quarter.clone())
                .href(links.commit.clone()),
            Kpi::money(
                "weighted",
                i.get("weighted"),
                fm,
                k.weighted,
                i.get("weighted_sub"),
            )
            .window(quarter.clone())
            .href(links.pipeline.clone()),
            self.coverage_card(k.coverage, k.target.map(|t| t - k.won))
                .window(quarter)
                .tone(match k.coverage {
                    Some(c) if c.get() >= Decimal::from(3) => "good",
                    Some(c) if c.get() < Decimal::ONE => "poor",
                    _ => "",
                })
                .href(links.open.clone()),
            // Second row: pipeline, win rate, risks, follow-ups.
            Kpi::money(
                "open_deals",
                i.get("open_pipeline"),
                fm,
                k.open_amount,
                format!(
                    "{} · {}",
                    i.count("open_deals_n", k.open_deals),
                    i.fill("average_deal_sub", &[("avg", &fm.opt_card(k.average_deal))])
                ),
            )
            .window(open)
            .href(self.deals_href(&Query::new().and(key::CAT, "open"))),
            Kpi::new(
                "win_rate",
                i.get("win_rate"),
                fm.percent(k.win_rate),
                i.fill(
                    "win_rate_sub",
                    &[
                        ("trailing", &fm.percent(k.win_rate_trailing)),
                        ("days", &fm.days(k.sales_cycle_days, i)),
                    ],
                ),
            )
            .window(year.clone())
            .href(
                self.deals_href(
                    &Query::new()
                        .period(a.current.year)
                        .and(key::CAT, "won,lost"),
                ),
            ),
            Kpi::new(
                "open_risks",
                i.get("open_risks"),
                fm.count(k.open_risks),
                i.count("open_risks_sub", k.deals_at_risk),
            )
            .window(open)
            .tone(if k.open_risks > 0 { "poor" } else { "good" })
            .href(self.deals_href(&Query::new().and(key::RISK, "any"))),
            Kpi::new(
                "overdue_follow_ups",
                i.get("overdue_follow_ups"),
                fm.count(k.overdue_follow_ups),
                i.count("of_accounts", a.accounts.len()),
            )
            .window(i.get("window_now"))
            .tone(if k.overdue_follow_ups > 0 {
                "poor"
            } else {
                "good"
            })
            .href(
                Query::new()
                    .and(key::FOLLOW_UP, "overdue")
                    .href("accounts.html"),
            ),
        ];
        let c = &a.customers;
        let this_year = self.window_of(c.year);
        let year = c.year.to_string();
        let share = c.market_share.iter().find(|m| m.period == c.year);
        let customers = vec![
            Kpi::new(
                "growth",
                i.get("growth"),
                c.growth_pct
                    .map(|g| format!("{g}%"))
                    .unwrap_or_else(|| crate::fmt::NONE.into()),
                i.fill(
                    "growth_sub",
                    &[
                        ("year", &year),
                        ("won", &fm.card(c.won_this_year_to_date)),
                        ("prev", &c.previous_year.to_string()),
                        ("before", &fm.card(c.won_last_year_to_date)),
                    ],
                ),
            )
            .window(i.fill("window_year_to_date", &[("period", &year)])),
            Kpi::new(
                "retention",
                i.get("retention"),
                fm.percent(c.retention),
                format!("{} / {}", c.retained, c.retention_base),
            )
            .window(format!("{} → {}", c.previous_year, c.year))
            .href("accounts.html".to_string()),
            Kpi::new(
                "new_accounts",
                i.get("new_accounts"),
                c.new_accounts
                    .iter()
                    .find(|n| n.period == c.year)
                    .map(|n| fm.count(n.accounts.len()))
                    .unwrap_or_else(|| "0".into()),
                "",
            )
            .window(this_year.clone())
            .href("targets.html".to_string()),
            Kpi::new(
                "market_share",
                i.get("market_share"),
                fm.percent(share.and_then(|m| m.share)),
                share
                    .map(|m| m.name.clone().unwrap_or_default())
                    .unwrap_or_default(),
            )
            .window(this_year),
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
                    note: format!(" ({})", i.count("deals_count", m.deals)),
                }
            })
            .collect();
        let soon = self.a.as_of + jiff::Span::new().days(30);
        let open_closing = |keep: &dyn Fn(jiff::civil::Date) -> bool| {
            let mut v: Vec<usize> = (0..a.deals.len())
                .filter(|&k| {
                    let d = &a.deals[k];
                    d.status == Status::Open && d.close.is_some_and(keep)
                })
                .collect();
            v.sort_by(|&x, &y| {
                a.deals[x]
                    .close
                    .cmp(&a.deals[y].close)
                    .then_with(|| self.by_amount(x, y))
            });
            v
        };
        let mut closing = open_closing(&|c| c >= a.as_of && c <= soon);
        closing.truncate(10);
        let mut overdue = open_closing(&|c| c < a.as_of);
        let overdue_total = overdue.len();
        overdue.truncate(10);
        // Largest deals at risk: one row per deal, with all its signals.
        let mut at_risk: Vec<usize> = (0..a.deals.len())
            .filter(|&k| !a.deals[k].risks.is_empty())
            .collect();
        at_risk.sort_by(|&x, &y| self.by_amount(x, y));
        at_risk.truncate(8);
        let top_risks = self.deal_lines(at_risk.into_iter());
        let board = self.board(
            a.performance
                .iter()
                .filter(|r| r.period == k.period && r.scope.kind == ScopeKind::Person),
        );
        let leaders_total = board.total;
        let leaders = board.ranked.into_iter().take(5).collect();
        let follow_ups = self
            .account_order
            .iter()
            .map(|&x| &a.accounts[x])
            .filter(|h| h.follow_up_overdue)
            .take(8)
            .map(|h| self.account_line(h))
            .collect();
        let months = &a.trends.monthly;
        let windows = Windows {
            quarters: i.fill(
                "window_quarters",
                &[
                    ("year", &a.current.year.to_string()),
                    ("next", &self.cal.next(a.current.quarter).to_string()),
                ],
            ),
            quarter: self.window_of(k.period),
            open: i.get("window_open").into(),
            trailing: i.fill(
                "window_trailing",
                &[
                    (
                        "from",
                        &months
                            .first()
                            .map(|m| m.month.to_string())
                            .unwrap_or_default(),
                    ),
                    (
                        "to",
                        &months
                            .last()
                            .map(|m| m.month.to_string())
                            .unwrap_or_default(),
                    ),
                ],
            ),
            now: i.get("window_now").into(),
        };
        Dashboard {
            windows,
            period_href: paths::period(&period),
            period,
            cards,
            customers,
            chart_forecast: self.quarter_chart("chart-forecast", ScopeKind::Org, None, ""),
            chart_monthly: charts::responsive("chart-monthly", |id, w| {
                charts::columns(id, i.get("monthly_won"), i.get("monthly_won"), &cols, fm, w)
            }),
            chart_funnel: self.funnel_chart("chart-funnel"),
            closing: self.deal_lines(closing.into_iter()),
            overdue: self.deal_lines(overdue.into_iter()),
            overdue_total,
            open_href: self.deals_href(&Query::new().and(key::CAT, "open")),
            top_risks,
            leaders,
            leaders_total,
            follow_ups,
            since: self.since_panel(),
        }
    }
}
