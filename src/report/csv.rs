//! The CSV export: one table per `CsvTable`, its row types and the
//! win/loss rows, kept apart from the human-readable formats.

use crate::analytics::Analytics;
use crate::model::Pipeline;
use crate::money::{Money, Ratio};
use rust_decimal::Decimal;
use serde::Serialize;

use super::safe;

/// The CSV tables (the command line's `--table` maps onto these in
/// `cmd/report.rs`; the library does not depend on clap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// One row per deal.
    Deals,
    /// One row per period and scope.
    Forecast,
    /// One row per period, person and team.
    Performance,
    /// One row per risk signal.
    Risks,
    /// One row per account.
    Accounts,
    /// Win/loss per period and scope, one row per figure group: the
    /// totals, each competitor, each lost reason, each stage, the decision
    /// times.
    Winloss,
}

/// The UTF-8 byte order mark. Excel opens a CSV file as UTF-8 only when it
/// starts with one (otherwise in the system's legacy code page, which turns
/// Chinese names into mojibake), so the site's exports and
/// `report --format csv --bom` start with it.
pub const BOM: &str = "\u{feff}";

/// One CSV table (`p` is the pipeline `a` was computed from).
pub fn csv(a: &Analytics, p: &Pipeline, which: CsvTable) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let o = |x: Option<String>| x.unwrap_or_default();
    match which {
        CsvTable::Deals => write_rows(
            &mut w,
            a.deal_rows(p).map(|d| DealCsvRow {
                id: d.id.to_string(),
                name: safe(d.name),
                account: d.account.to_string(),
                account_name: safe(d.account_name),
                owner: d.owner.to_string(),
                owner_name: safe(d.owner_name),
                team: o(d.team.map(str::to_string)),
                stage: d.stage.to_string(),
                stage_name: d.stage_name.to_string(),
                status: serde_name(d.status),
                amount: d.amount.to_string(),
                currency: d.currency.to_string(),
                amount_reporting: d.amount_reporting.to_string(),
                probability: o(d.probability.map(|x| x.to_string())),
                category: d.category.to_string(),
                weighted: o(d.weighted.map(|x| x.to_string())),
                created: d.created.to_string(),
                close: o(d.close.map(|c| c.to_string())),
                close_quarter: o(d.close_quarter.map(|c| c.to_string())),
                days_in_stage: o(d.days_in_stage.map(|c| c.to_string())),
                risks: d.risks.iter().collect::<Vec<_>>().join(";"),
                next_step: safe(d.next_step.unwrap_or_default()),
                next_step_date: o(d.next_step_date.map(|c| c.to_string())),
                lost_reason: safe(d.lost_reason.unwrap_or_default()),
                products: safe(&d.products.join(";")),
            }),
        )?,
        CsvTable::Forecast => write_rows(
            &mut w,
            a.forecast.iter().map(|r| ForecastCsvRow {
                period: r.period.to_string(),
                scope: r.scope.kind.to_string(),
                id: o(r.scope.id.clone()),
                name: safe(&r.scope.name),
                won: r.won.to_string(),
                commit: r.commit.to_string(),
                best_case: r.best_case.to_string(),
                pipeline: r.pipeline.to_string(),
                weighted: r.weighted.to_string(),
                open_amount: r.open_amount.to_string(),
                open_deals: r.open_deals.to_string(),
                target: o(r.target.map(|x| x.to_string())),
                stretch: o(r.stretch.map(|x| x.to_string())),
                target_source: o(r.target_source.map(serde_name)),
                gap: o(r.gap.map(|x| x.to_string())),
                coverage: o(r.coverage.map(|x| x.to_string())),
                attainment: o(r.attainment.map(|x| x.to_string())),
            }),
        )?,
        CsvTable::Performance => write_rows(
            &mut w,
            a.performance.iter().map(|r| PerformanceCsvRow {
                period: r.period.to_string(),
                scope: r.scope.kind.to_string(),
                id: o(r.scope.id.clone()),
                name: safe(&r.scope.name),
                rank: r.rank.to_string(),
                target: o(r.target.map(|x| x.to_string())),
                won: r.won.to_string(),
                attainment: o(r.attainment.map(|x| x.to_string())),
                win_rate: o(r.win_rate.map(|x| x.to_string())),
                win_rate_amount: o(r.win_rate_amount.map(|x| x.to_string())),
                deals_won: r.deals_won.to_string(),
                deals_lost: r.deals_lost.to_string(),
                average_deal: o(r.average_deal.map(|x| x.to_string())),
                cycle_mean_days: o(r.cycle_mean_days.map(|x| x.to_string())),
                cycle_median_days: o(r.cycle_median_days.map(|x| x.to_string())),
                pipeline_created: r.pipeline_created.to_string(),
                touches: r.touches.to_string(),
                overdue_follow_ups: r.overdue_follow_ups.to_string(),
                open_risks: r.open_risks.to_string(),
            }),
        )?,
        CsvTable::Risks => write_rows(
            &mut w,
            a.risk_rows(p).map(|r| RiskCsvRow {
                code: r.code.to_string(),
                deal: r.deal,
                deal_name: safe(&r.deal_name),
                owner: o(r.owner),
                owner_name: safe(&o(r.owner_name)),
                account: r.account,
                stage: r.stage,
                amount: r.amount.to_string(),
                reason: safe(&r.reason),
            }),
        )?,
        CsvTable::Accounts => write_rows(
            &mut w,
            a.accounts.iter().map(|x| AccountCsvRow {
                id: x.id.clone(),
                name: safe(&x.name),
                tier: x.tier.to_string(),
                owner: x.owner.clone(),
                owner_name: safe(x.owner_name.as_deref().unwrap_or_default()),
                industry: safe(x.industry.as_deref().unwrap_or_default()),
                last_touch: o(x.last_touch.map(|d| d.to_string())),
                days_since_touch: o(x.days_since_touch.map(|d| d.to_string())),
                follow_up_days: x.follow_up_days.to_string(),
                follow_up_due: x.follow_up_due.to_string(),
                follow_up_overdue: x.follow_up_overdue.to_string(),
                satisfaction: o(x.satisfaction.map(|d| d.to_string())),
                satisfaction_trend: o(x.satisfaction_trend.map(serde_name)),
                lifetime_won: x.lifetime_won.to_string(),
                open_pipeline: x.open_pipeline.to_string(),
                open_deals: x.open_deals.to_string(),
                won_deals: x.won_deals.to_string(),
            }),
        )?,
        CsvTable::Winloss => winloss_csv(&mut w, a)?,
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8"))
}

/// Writes `rows` as CSV records, headed by the field names of `R` (the
/// header is written even when there are no rows).
fn write_rows<R: Serialize + Default>(
    w: &mut csv::Writer<Vec<u8>>,
    rows: impl Iterator<Item = R>,
) -> Result<(), csv::Error> {
    let mut any = false;
    for r in rows {
        w.serialize(r)?;
        any = true;
    }
    if !any {
        w.write_record(header_of::<R>()?)?;
    }
    Ok(())
}

/// The field names of `R`, as `csv::Writer::serialize` writes them in a
/// header.
fn header_of<R: Serialize + Default>() -> Result<Vec<String>, csv::Error> {
    let mut h = csv::Writer::from_writer(Vec::new());
    h.serialize(R::default())?;
    let bytes = h.into_inner().map_err(|e| e.into_error())?;
    let text = String::from_utf8(bytes).expect("field names are UTF-8");
    let first = text.lines().next().unwrap_or_default();
    Ok(first.split(',').map(str::to_string).collect())
}

/// A row of the deals table: one per usable deal.
#[derive(Serialize, Default)]
struct DealCsvRow {
    id: String,
    name: String,
    account: String,
    account_name: String,
    owner: String,
    owner_name: String,
    team: String,
    stage: String,
    stage_name: String,
    status: String,
    amount: String,
    currency: String,
    amount_reporting: String,
    probability: String,
    category: String,
    weighted: String,
    created: String,
    close: String,
    close_quarter: String,
    days_in_stage: String,
    risks: String,
    next_step: String,
    next_step_date: String,
    lost_reason: String,
    products: String,
}

/// A row of the forecast table: one per period and scope.
#[derive(Serialize, Default)]
struct ForecastCsvRow {
    period: String,
    scope: String,
    id: String,
    name: String,
    won: String,
    commit: String,
    best_case: String,
    pipeline: String,
    weighted: String,
    open_amount: String,
    open_deals: String,
    target: String,
    stretch: String,
    target_source: String,
    gap: String,
    coverage: String,
    attainment: String,
}

/// A row of the performance table: one per period, person and team.
#[derive(Serialize, Default)]
struct PerformanceCsvRow {
    period: String,
    scope: String,
    id: String,
    name: String,
    rank: String,
    target: String,
    won: String,
    attainment: String,
    win_rate: String,
    win_rate_amount: String,
    deals_won: String,
    deals_lost: String,
    average_deal: String,
    cycle_mean_days: String,
    cycle_median_days: String,
    pipeline_created: String,
    touches: String,
    overdue_follow_ups: String,
    open_risks: String,
}

/// A row of the risks table: one per risk signal.
#[derive(Serialize, Default)]
struct RiskCsvRow {
    code: String,
    deal: String,
    deal_name: String,
    owner: String,
    owner_name: String,
    account: String,
    stage: String,
    amount: String,
    reason: String,
}

/// A row of the accounts table: one per account.
#[derive(Serialize, Default)]
struct AccountCsvRow {
    id: String,
    name: String,
    tier: String,
    owner: String,
    owner_name: String,
    industry: String,
    last_touch: String,
    days_since_touch: String,
    follow_up_days: String,
    follow_up_due: String,
    follow_up_overdue: String,
    satisfaction: String,
    satisfaction_trend: String,
    lifetime_won: String,
    open_pipeline: String,
    open_deals: String,
    won_deals: String,
}

/// A row of the win/loss table (see [`winloss_csv`]).
#[derive(Serialize, Default)]
struct WinLossCsvRow {
    period: String,
    scope: String,
    id: String,
    name: String,
    kind: String,
    item: String,
    deals: String,
    open_deals: String,
    open_amount: String,
    won: String,
    won_amount: String,
    lost: String,
    lost_amount: String,
    win_rate: String,
    mean_days: String,
    median_days: String,
    from_created_mean_days: String,
    from_created_median_days: String,
}

/// The figure cells of a row of the win/loss table; those that do not
/// apply to the row's kind stay empty.
#[derive(Default)]
struct WinLossCells {
    deals: Option<usize>,
    open_deals: Option<usize>,
    open_amount: Option<Money>,
    won: Option<usize>,
    won_amount: Option<Money>,
    lost: Option<usize>,
    lost_amount: Option<Money>,
    win_rate: Option<Ratio>,
    days: Option<(Option<Decimal>, Option<Decimal>)>,
    from_created: Option<(Option<Decimal>, Option<Decimal>)>,
}

impl WinLossCells {
    /// A row with these figure cells (the period, scope and kind empty).
    fn into_row(self) -> WinLossCsvRow {
        fn c<T: ToString>(x: Option<T>) -> String {
            x.map(|x| x.to_string()).unwrap_or_default()
        }
        let (mean, median) = self.days.unwrap_or_default();
        let (from_mean, from_median) = self.from_created.unwrap_or_default();
        WinLossCsvRow {
            deals: c(self.deals),
            open_deals: c(self.open_deals),
            open_amount: c(self.open_amount),
            won: c(self.won),
            won_amount: c(self.won_amount),
            lost: c(self.lost),
            lost_amount: c(self.lost_amount),
            win_rate: c(self.win_rate),
            mean_days: c(mean),
            median_days: c(median),
            from_created_mean_days: c(from_mean),
            from_created_median_days: c(from_median),
            ..WinLossCsvRow::default()
        }
    }
}

/// The win/loss table: per period and scope, a `total` row, a
/// `no_history` row (closed deals left out of the timing), then one row
/// per `competitor`, `lost_reason` and `stage`, and `decision_won` /
/// `decision_lost`. Cells that do not apply to a kind are empty.
fn winloss_csv(w: &mut csv::Writer<Vec<u8>>, a: &Analytics) -> Result<(), csv::Error> {
    if a.winloss.is_empty() {
        w.write_record(header_of::<WinLossCsvRow>()?)?;
    }
    for r in &a.winloss {
        let mut row = |kind: &str, item: &str, cells: WinLossCells| {
            w.serialize(WinLossCsvRow {
                period: r.period.to_string(),
                scope: r.scope.kind.to_string(),
                id: r.scope.id.clone().unwrap_or_default(),
                name: safe(&r.scope.name),
                kind: kind.to_string(),
                item: safe(item),
                ..cells.into_row()
            })
        };
        row(
            "total",
            "",
            WinLossCells {
                deals: Some(r.won + r.lost),
                open_deals: Some(r.open_deals),
                open_amount: Some(r.open_amount),
                won: Some(r.won),
                won_amount: Some(r.won_amount),
                lost: Some(r.lost),
                lost_amount: Some(r.lost_amount),
                win_rate: r.win_rate,
                ..WinLossCells::default()
            },
        )?;
        row(
            "no_history",
            "",
            WinLossCells {
                deals: Some(r.without_history),
                ..WinLossCells::default()
            },
        )?;
        for c in &r.competitors {
            row(
                "competitor",
                &c.competitor,
                WinLossCells {
                    deals: Some(c.open_deals + c.won + c.lost),
                    open_deals: Some(c.open_deals),
                    open_amount: Some(c.open_amount),
                    won: Some(c.won),
                    won_amount: Some(c.won_amount),
                    lost: Some(c.lost),
                    lost_amount: Some(c.lost_amount),
                    win_rate: c.win_rate,
                    ..WinLossCells::default()
                },
            )?;
        }
        for x in &r.lost_reasons {
            row(
                "lost_reason",
                &x.reason,
                WinLossCells {
                    deals: Some(x.deals),
                    lost: Some(x.deals),
                    lost_amount: Some(x.amount),
                    ..WinLossCells::default()
                },
            )?;
        }
        for x in &r.stages {
            row(
                "stage",
                &x.stage,
                WinLossCells {
                    deals: Some(x.deals),
                    days: Some((x.mean_days, x.median_days)),
                    from_created: Some((x.from_created_mean_days, x.from_created_median_days)),
                    ..WinLossCells::default()
                },
            )?;
        }
        for (kind, d) in [
            ("decision_won", &r.decision_won),
            ("decision_lost", &r.decision_lost),
        ] {
            row(
                kind,
                "",
                WinLossCells {
                    deals: Some(d.deals),
                    days: Some((d.mean_days, d.median_days)),
                    ..WinLossCells::default()
                },
            )?;
        }
    }
    Ok(())
}

/// The name a unit enum has in the JSON document (its serde name), so the
/// CSV cells and the JSON always agree.
fn serde_name<T: serde::Serialize>(x: T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
