//! `forecast.html` and `forecast/<period>.html`: the forecast by period and scope.

use super::cells::{Kpi, Link};
use super::lines::{DealLine, ForecastLine};
use super::{PERIOD_DEAL_ROWS, Site, paths};
use crate::analytics::Status;
use crate::analytics::facts::DealFigures;
use crate::period::{Grain, Period};
use crate::site::charts::StackBar;
use serde::Serialize;

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
    /// What the quarters chart covers.
    pub window_quarters: String,
    /// What the month rows cover.
    pub window_months: String,
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

/// A link to a period's forecast page.
fn period_link(p: Period) -> Link {
    let s = p.to_string();
    Link::to(s.as_str(), paths::period(&s))
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
            self.forecast(p, "org", None)
                .map(|r| self.forecast_line(r, period_link(r.period)))
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
            chart_scopes: self.scopes_chart("chart-scopes", &q.to_string(), &bars),
            periods,
            months,
            scopes,
            window_quarters: self.i.fill(
                "window_quarters",
                &[
                    ("year", &self.a.current.year.to_string()),
                    ("next", &self.cal.next(self.a.current.quarter).to_string()),
                ],
            ),
            window_months: self.window_of(self.a.current.year),
        }
    }

    /// A period's forecast page.
    pub fn period_page(&self, period: Period) -> PeriodView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let ps = period.to_string();
        let org = self.forecast(period, "org", None);
        let mut cards = Vec::new();
        if let Some(r) = org {
            let window = self.window_of(period);
            cards.push(self.won_card("won", i.get("won"), r.won, r.target, r.attainment));
            cards.push(self.commit_card(r.commit, r.target));
            for (key, m) in [
                ("best_case", r.best_case),
                ("pipeline", r.pipeline),
                ("weighted", r.weighted),
            ] {
                cards.push(Kpi::money(key, i.get(key), fm, m, ""));
            }
            cards.push(self.coverage_card(r.coverage, r.gap));
            for c in &mut cards {
                c.window = window.clone();
            }
        }
        let (scopes, bars) = self.scope_lines(period);
        let in_period = |d: &DealFigures| d.close.is_some_and(|c| self.cal.contains(period, c));
        let pick = |status: Status| {
            let mut v: Vec<usize> = (0..a.deals.len())
                .filter(|&k| a.deals[k].status == status && in_period(&a.deals[k]))
                .collect();
            v.sort_by(|&x, &y| self.by_amount(x, y));
            let total = v.len();
            v.truncate(PERIOD_DEAL_ROWS);
            let note = self.cut_note("show_more_in", v.len(), total);
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
            .map(period_link)
            .collect();
        PeriodView {
            grain: match period.grain() {
                Grain::Year => "year",
                Grain::Quarter => "quarter",
                Grain::Month => "month",
            },
            related,
            cards,
            chart_scopes: self.scopes_chart("chart-scopes", &ps, &bars),
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
