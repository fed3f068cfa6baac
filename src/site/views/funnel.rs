//! `funnel.html`: open deals by stage and stage-to-stage conversion.

use super::Site;
use super::cells::{Num, num_count, num_money, num_probability, num_ratio};
use super::query::{Query, key};
use crate::ix::StageIx;
use crate::money::Ratio;
use crate::site::charts::{self, FunnelBar};
use serde::Serialize;

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
    /// The list of its open deals (none for the total).
    pub href: Option<String>,
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
                href: Some(self.stage_href(&s.stage)),
                ix: self.p.stage_ix(&s.stage).map_or(0, StageIx::get),
                probability: num_probability(fm, s.probability),
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
            href: Some(self.deals_href(&Query::new().and(key::CAT, "open"))),
            ix: usize::MAX,
            probability: Num::blank(),
            count: num_count(fm, a.funnel.count),
            amount: num_money(fm, a.funnel.amount),
            weighted: num_money(fm, a.funnel.weighted),
            share: num_ratio(fm, Ratio::of_counts(1, 1)),
            converts: Num::blank(),
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

impl Site<'_> {
    /// The list of the open deals in stage `id`.
    fn stage_href(&self, id: &str) -> String {
        self.deals_href(&Query::new().and(key::CAT, "open").and(key::STAGE, id))
    }

    /// The funnel chart, its bars linking to the deals of their stage (for
    /// a page at the root).
    pub(super) fn funnel_chart(&self, id: &str) -> String {
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
                href: Some(self.stage_href(&s.stage)),
            })
            .collect();
        charts::responsive(id, |id, w| {
            charts::funnel(id, self.i.get("funnel_now"), &bars, &self.fm, &self.i, w)
        })
    }
}
