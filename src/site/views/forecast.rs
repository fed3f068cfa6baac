//! `forecast.html` and `forecast/<period>.html`: the forecast by period and scope.

use super::call::CallView;
use super::cells::{Kpi, Link};
use super::lines::ForecastLine;
use super::{Site, paths};
use crate::analytics::ScopeKind;
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
    /// Since last week (with a git history).
    pub since: Option<super::SinceView>,
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
    /// The forecast call: the deals behind the figures, by category.
    pub call: CallView,
}

/// A link to a period's forecast page.
fn period_link(p: Period) -> Link {
    let s = p.to_string();
    Link::to(s.as_str(), paths::period(&s))
}

impl Site<'_> {
    /// The teams' and people's forecast lines of `period`, and the bars of
    /// their chart on a page at `root`.
    fn scope_lines(&self, period: Period, root: &str) -> (Vec<ForecastLine>, Vec<StackBar>) {
        let mut lines = Vec::new();
        let mut bars = Vec::new();
        for r in self
            .a
            .forecast
            .iter()
            .filter(|r| r.period == period && r.scope.kind != ScopeKind::Org)
        {
            let id = r.scope.id.as_deref();
            lines.push(self.forecast_line(r, self.scope_link(r.scope.kind, id, &r.scope.name)));
            let has_numbers = !r.pipeline.is_zero() || r.target.is_some();
            if has_numbers {
                let label = if r.scope.kind == ScopeKind::Team {
                    format!("▸ {}", r.scope.name)
                } else {
                    r.scope.name.clone()
                };
                bars.push(self.stack(r, label, root));
            }
        }
        (lines, bars)
    }

    /// The forecast page.
    pub fn forecast_page(&self) -> ForecastView {
        let q = self.a.kpis.period;
        let line = |p: Period| {
            self.forecast(p, ScopeKind::Org, None)
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
        let (scopes, bars) = self.scope_lines(q, "");
        ForecastView {
            period: q.to_string(),
            chart_quarters: self.quarter_chart("chart-quarters", ScopeKind::Org, None, ""),
            chart_scopes: self.scopes_chart("chart-scopes", &q.to_string(), &bars),
            periods,
            months,
            scopes,
            since: self.since_panel(),
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
        let (fm, i) = (&self.fm, &self.i);
        let ps = period.to_string();
        let org = self.forecast(period, ScopeKind::Org, None);
        let mut cards = Vec::new();
        if let Some(r) = org {
            let window = self.window_of(period);
            // Each card links to the list of the deals it sums.
            let l = self.forecast_links(period, ScopeKind::Org, None);
            cards.push(
                self.won_card("won", i.get("won"), r.won, r.target, r.attainment)
                    .href(l.won.clone()),
            );
            cards.push(self.commit_card(r.commit, r.target).href(l.commit.clone()));
            for (key, m, href) in [
                ("best_case", r.best_case, &l.best_case),
                ("pipeline", r.pipeline, &l.pipeline),
                ("weighted", r.weighted, &l.pipeline),
            ] {
                cards.push(Kpi::money(key, i.get(key), fm, m, "").href(href.clone()));
            }
            cards.push(self.coverage_card(r.coverage, r.gap).href(l.open.clone()));
            for c in &mut cards {
                c.window = window.clone();
            }
        }
        let (scopes, bars) = self.scope_lines(period, "../");
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
            call: self.call_view(period, ScopeKind::Org, None),
            period: ps,
        }
    }
}
