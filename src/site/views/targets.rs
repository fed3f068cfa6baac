//! `targets.html`: every target, set or rolled up, against its actual.

use super::cells::{Link, Num, num_or_none, num_ratio};
use super::{Site, paths};
use crate::analytics::targets::Source;
use crate::model::Metric;
use crate::money::Money;
use crate::site::charts;
use rust_decimal::Decimal;
use serde::Serialize;

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
        num_or_none(v, |v| match m {
            Metric::Revenue | Metric::PipelineCreated => self.fm.money(Money::cents(v)),
            Metric::WinRate | Metric::MarketShare => {
                let mut p = crate::money::round(v * Decimal::ONE_HUNDRED, 1);
                p.rescale(1);
                format!("{p}%")
            }
            Metric::Satisfaction => format!("{}/10", crate::money::round(v, 1).normalize()),
            Metric::NewAccounts => crate::fmt::group(crate::money::round(v, 1).normalize()),
        })
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
