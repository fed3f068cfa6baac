//! `winloss.html`: win/loss and competition for the current fiscal year —
//! headline cards, the win rate against each competitor per quarter, the
//! competitors, lost reasons (by quarter), days in each stage, decision
//! time, teams and people, and the won and lost deals with links.

use super::cells::{
    Kpi, Link, Num, Section, Tag, num_count, num_date, num_dec, num_money, num_ratio,
};
use super::{Site, paths};
use crate::analytics::ScopeKind;
use crate::analytics::Status;
use crate::analytics::winloss::{Days, WinLoss};
use crate::money::Ratio;
use crate::period::Period;
use crate::site::charts::{self, RateCell, RateRow, RateWords};
use serde::Serialize;

/// Competitors shown in the chart at most.
const CHART_COMPETITORS: usize = 8;

/// `winloss.html`.
#[derive(Debug, Serialize)]
pub struct WinLossView {
    /// The fiscal year.
    pub year: String,
    /// The window of the figures: "This fiscal year · 2026".
    pub window: String,
    /// Headline cards.
    pub cards: Vec<Kpi>,
    /// Win rate against each competitor per quarter (SVG).
    pub chart: String,
    /// The window of the chart: the quarters of the two fiscal years.
    pub window_chart: String,
    /// Competitors, the most deals faced first.
    pub competitors: Vec<CompetitorLine>,
    /// The quarters of the fiscal year (columns of the reasons table).
    pub quarters: Vec<String>,
    /// Lost reasons.
    pub reasons: Vec<ReasonLine>,
    /// Days in each open stage.
    pub stages: Vec<StageLine>,
    /// Decision time: the year, then each quarter.
    pub decisions: Vec<DecisionLine>,
    /// "2 won or lost deals have no history…", or empty.
    pub without_history: String,
    /// Teams and people.
    pub scopes: Vec<ScopeLine>,
    /// Won and lost deals closing in the year, the latest first.
    pub deals: Section<ClosedLine>,
}

/// A competitor in the table.
#[derive(Debug, Serialize)]
pub struct CompetitorLine {
    /// Name, as first written.
    pub name: String,
    /// Open deals closing in the year that name it.
    pub open_deals: Num,
    /// Their amount.
    pub open_amount: Num,
    /// Won against it.
    pub won: Num,
    /// Lost to it.
    pub lost: Num,
    /// Win rate against it.
    pub win_rate: Num,
    /// Its bar.
    pub bar: String,
    /// Amount lost to it.
    pub lost_amount: Num,
}

/// A lost reason.
#[derive(Debug, Serialize)]
pub struct ReasonLine {
    /// The reason, as first written.
    pub reason: String,
    /// Deals lost for it.
    pub deals: Num,
    /// Their amount.
    pub amount: Num,
    /// Share of the amount lost.
    pub share: Num,
    /// Deals lost for it per quarter of the year.
    pub by_quarter: Vec<Num>,
}

/// Days in one stage.
#[derive(Debug, Serialize)]
pub struct StageLine {
    /// Stage name.
    pub name: String,
    /// Deals that were in it.
    pub deals: Num,
    /// Mean days in it.
    pub mean: Num,
    /// Median.
    pub median: Num,
    /// Mean days from created to entering it.
    pub from_mean: Num,
    /// Median.
    pub from_median: Num,
}

/// Decision time of a period.
#[derive(Debug, Serialize)]
pub struct DecisionLine {
    /// The period, linking to its forecast page.
    pub period: Link,
    /// Won deals measured.
    pub won: Num,
    /// Their median days.
    pub won_median: Num,
    /// Their mean days.
    pub won_mean: Num,
    /// Lost deals measured.
    pub lost: Num,
    /// Median.
    pub lost_median: Num,
    /// Mean.
    pub lost_mean: Num,
}

/// A team or person in the year.
#[derive(Debug, Serialize)]
pub struct ScopeLine {
    /// The team or person.
    pub who: Link,
    /// A team or a person.
    pub kind: ScopeKind,
    /// Deals won.
    pub won: Num,
    /// Deals lost.
    pub lost: Num,
    /// Win rate.
    pub win_rate: Num,
    /// Amount lost.
    pub lost_amount: Num,
    /// The competitor most amount was lost to.
    pub lost_most_to: String,
    /// The reason given most.
    pub main_reason: String,
}

/// A won or lost deal.
#[derive(Debug, Serialize)]
pub struct ClosedLine {
    /// The deal.
    pub deal: Link,
    /// Its account.
    pub account: Link,
    /// Its owner.
    pub owner: Link,
    /// Won or lost.
    pub status: Tag,
    /// Amount.
    pub amount: Num,
    /// Close.
    pub close: Num,
    /// Competitors as written.
    pub competitors: String,
    /// Lost reason.
    pub reason: String,
}

impl Site<'_> {
    /// The win/loss row of the organisation for `p`.
    fn winloss_of(&self, p: Period, kind: ScopeKind, id: Option<&str>) -> Option<&WinLoss> {
        self.a
            .winloss
            .iter()
            .find(|w| w.period == p && w.scope.kind == kind && w.scope.id.as_deref() == id)
    }

    fn days_num(&self, d: Option<rust_decimal::Decimal>) -> Num {
        num_dec(d, &format!(" {}", self.i.get("days_short")))
    }

    /// The Win/loss page.
    pub fn winloss_page(&self) -> WinLossView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let year = a.current.year;
        let window = self.window_of(year);
        let empty = WinLoss {
            period: year,
            scope: crate::analytics::ScopeRef {
                kind: ScopeKind::Org,
                id: None,
                name: a.org.clone(),
            },
            won: 0,
            lost: 0,
            won_amount: Default::default(),
            lost_amount: Default::default(),
            win_rate: None,
            open_deals: 0,
            open_amount: Default::default(),
            competitors: Vec::new(),
            lost_reasons: Vec::new(),
            stages: Vec::new(),
            decision_won: Days::default(),
            decision_lost: Days::default(),
            without_history: 0,
        };
        let w = self
            .winloss_of(year, ScopeKind::Org, None)
            .unwrap_or(&empty);
        let day = |d: &Days| fm.days(d.median_days, i);
        let cards = vec![
            Kpi::new(
                "win_rate",
                i.get("win_rate"),
                fm.percent(w.win_rate),
                format!(
                    "{} · {}",
                    i.count("deals_won_n", w.won),
                    i.count("deals_lost_n", w.lost)
                ),
            ),
            Kpi::money(
                "won",
                i.get("won"),
                fm,
                w.won_amount,
                i.count("deals_won_n", w.won),
            ),
            Kpi::money(
                "lost",
                i.get("lost"),
                fm,
                w.lost_amount,
                i.count("deals_lost_n", w.lost),
            ),
            Kpi::new(
                "decision",
                i.get("decision_time"),
                day(&w.decision_won),
                i.fill("decision_sub", &[("lost", &day(&w.decision_lost))]),
            ),
        ]
        .into_iter()
        .map(|k| k.window(window.clone()))
        .collect();
        // The chart: the quarters of the previous and the current year.
        let mut quarters = self.cal.children(a.current.previous_year);
        quarters.extend(self.cal.children(year));
        let prev = self.winloss_of(a.current.previous_year, ScopeKind::Org, None);
        let mut names: Vec<&str> = w
            .competitors
            .iter()
            .map(|c| c.competitor.as_str())
            .collect();
        for c in prev.into_iter().flat_map(|p| &p.competitors) {
            if !names.contains(&c.competitor.as_str()) {
                names.push(&c.competitor);
            }
        }
        names.truncate(CHART_COMPETITORS);
        let rows: Vec<RateRow> = names
            .iter()
            .map(|name| RateRow {
                name: name.to_string(),
                cells: quarters
                    .iter()
                    .map(|q| {
                        let c = self
                            .winloss_of(*q, ScopeKind::Org, None)
                            .and_then(|x| x.competitors.iter().find(|c| c.competitor == *name));
                        RateCell {
                            won: c.map_or(0, |c| c.won),
                            lost: c.map_or(0, |c| c.lost),
                            rate: c.and_then(|c| c.win_rate),
                        }
                    })
                    .collect(),
            })
            .collect();
        let labels: Vec<String> = quarters.iter().map(|q| q.to_string()).collect();
        let words = RateWords {
            title: i.get("chart_winrate_title"),
            desc: i.get("chart_winrate_desc"),
            tip: i.get("chart_winrate_tip"),
            none: i.get("chart_winrate_none"),
        };
        let chart = if rows.is_empty() {
            String::new()
        } else {
            charts::responsive("chart-winrate", |id, width| {
                charts::win_rates(id, &words, &labels, &rows, width)
            })
        };
        let competitors = w
            .competitors
            .iter()
            .map(|c| CompetitorLine {
                name: c.competitor.clone(),
                open_deals: num_count(fm, c.open_deals),
                open_amount: num_money(fm, c.open_amount),
                won: num_count(fm, c.won),
                lost: num_count(fm, c.lost),
                win_rate: num_ratio(fm, c.win_rate),
                bar: charts::progress(c.win_rate),
                lost_amount: num_money(fm, c.lost_amount),
            })
            .collect();
        let fy_quarters = self.cal.children(year);
        let reasons = w
            .lost_reasons
            .iter()
            .map(|r| ReasonLine {
                reason: r.reason.clone(),
                deals: num_count(fm, r.deals),
                amount: num_money(fm, r.amount),
                share: num_ratio(fm, Ratio::of(r.amount.get(), w.lost_amount.get())),
                by_quarter: fy_quarters
                    .iter()
                    .map(|q| {
                        let n = self
                            .winloss_of(*q, ScopeKind::Org, None)
                            .and_then(|x| x.lost_reasons.iter().find(|y| y.reason == r.reason))
                            .map_or(0, |y| y.deals);
                        num_count(fm, n)
                    })
                    .collect(),
            })
            .collect();
        let stages = w
            .stages
            .iter()
            .map(|s| StageLine {
                name: s.name.clone(),
                deals: num_count(fm, s.deals),
                mean: self.days_num(s.mean_days),
                median: self.days_num(s.median_days),
                from_mean: self.days_num(s.from_created_mean_days),
                from_median: self.days_num(s.from_created_median_days),
            })
            .collect();
        let decision = |p: Period, x: &WinLoss| DecisionLine {
            period: Link::to(p.to_string(), paths::period(&p.to_string())),
            won: num_count(fm, x.decision_won.deals),
            won_median: self.days_num(x.decision_won.median_days),
            won_mean: self.days_num(x.decision_won.mean_days),
            lost: num_count(fm, x.decision_lost.deals),
            lost_median: self.days_num(x.decision_lost.median_days),
            lost_mean: self.days_num(x.decision_lost.mean_days),
        };
        let mut decisions = vec![decision(year, w)];
        for q in &fy_quarters {
            if let Some(x) = self.winloss_of(*q, ScopeKind::Org, None) {
                decisions.push(decision(*q, x));
            }
        }
        let scopes = a
            .winloss
            .iter()
            .filter(|x| x.period == year && x.scope.kind != ScopeKind::Org)
            .map(|x| {
                let id = x.scope.id.as_deref();
                ScopeLine {
                    who: self.scope_link(x.scope.kind, id, &x.scope.name),
                    kind: x.scope.kind,
                    won: num_count(fm, x.won),
                    lost: num_count(fm, x.lost),
                    win_rate: num_ratio(fm, x.win_rate),
                    lost_amount: num_money(fm, x.lost_amount),
                    lost_most_to: x
                        .competitors
                        .iter()
                        .filter(|c| c.lost > 0)
                        .max_by(|p, q| {
                            p.lost_amount
                                .cmp(&q.lost_amount)
                                .then(q.competitor.cmp(&p.competitor))
                        })
                        .map(|c| c.competitor.clone())
                        .unwrap_or_default(),
                    main_reason: x
                        .lost_reasons
                        .first()
                        .map(|r| r.reason.clone())
                        .unwrap_or_default(),
                }
            })
            .collect();
        // Won and lost deals closing in the year, the latest first.
        let mut closed: Vec<usize> = (0..a.deals.len())
            .filter(|&k| {
                let d = &a.deals[k];
                d.status != Status::Open && d.close.is_some_and(|c| self.cal.contains(year, c))
            })
            .collect();
        closed.sort_by(|&x, &y| {
            let (dx, dy) = (&a.deals[x], &a.deals[y]);
            dy.close.cmp(&dx.close).then(dx.deal.cmp(&dy.deal))
        });
        let deals = self.section(&closed, |k| {
            let f = &a.deals[k];
            let d = &self.p.deals[f.deal];
            ClosedLine {
                deal: Link::to(d.name.as_str(), paths::deal(d.id.as_str())),
                account: self.account_link(d.account.value.as_str()),
                owner: self.person_link(d.owner.value.as_str()),
                status: self.status_tag(f.status),
                amount: num_money(fm, f.amount_reporting),
                close: num_date(f.close),
                competitors: d.competitors.join(", "),
                reason: d.lost_reason.clone().unwrap_or_default(),
            }
        });
        WinLossView {
            year: year.to_string(),
            window,
            cards,
            chart,
            window_chart: i.fill(
                "window_two_years",
                &[
                    ("prev", &a.current.previous_year.to_string()),
                    ("year", &year.to_string()),
                ],
            ),
            competitors,
            quarters: fy_quarters.iter().map(|q| q.to_string()).collect(),
            reasons,
            stages,
            decisions,
            without_history: if w.without_history > 0 {
                i.count("without_history_note", w.without_history)
            } else {
                String::new()
            },
            scopes,
            deals,
        }
    }
}
