//! `dealbook report`: the analytics as terminal tables, Markdown, CSV or
//! one JSON document, for a period and optionally one team or person.
//! Formatting only; every figure comes from [`crate::analytics`].

pub mod table;

use crate::analytics::{Analytics, Focus, ScopeKind};
use crate::fmt;
use crate::model::Pipeline;
use crate::money::{Money, Ratio};
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use table::Table;

/// What to show.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Period of the tables (the document's focus period).
    pub period: Period,
    /// Whether the period was asked for (JSON then keeps only it).
    pub period_given: bool,
    /// One team or person.
    pub focus: Option<Focus>,
}

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

/// Whether a person (by id) is in the focus.
fn person_in(focus: &Option<Focus>, p: &Pipeline, person: Option<&str>) -> bool {
    match focus {
        None => true,
        Some(Focus::Person(id)) => person == Some(id.as_str()),
        Some(Focus::Team(t)) => person.and_then(|x| team_of(p, x)) == Some(t.as_str()),
    }
}

/// The team (id as written) of a person (by id).
fn team_of<'p>(p: &'p Pipeline, person: &str) -> Option<&'p str> {
    p.person(person)
        .and_then(|x| x.team.as_ref())
        .map(|t| t.value.as_str())
}

/// Keeps only what the filter selects. Lists of deals, risks, accounts,
/// forecast, performance, targets and win/loss are cut to the team or
/// person (deals and risks by the deal's owner); with an explicit period,
/// the per-period lists are cut to it (win/loss keeps its quarters too). `p` is the pipeline `a` was computed from.
pub fn filter(mut a: Analytics, f: &Filter, p: &Pipeline) -> Analytics {
    let focus = f.focus.clone();
    let keep_scope = |kind: ScopeKind, id: Option<&str>| match &focus {
        None => true,
        Some(Focus::Person(x)) => kind == ScopeKind::Person && id == Some(x.as_str()),
        Some(Focus::Team(t)) => {
            (kind == ScopeKind::Team && id == Some(t.as_str()))
                || (kind == ScopeKind::Person && id.and_then(|x| team_of(p, x)) == Some(t.as_str()))
        }
    };
    a.deals.retain(|d| {
        let owner = p.deals[d.deal].owner.value.as_str();
        person_in(&focus, p, Some(owner))
    });
    a.risks.retain(|r| {
        let owner = p.deals[r.deal].refs.owner;
        person_in(&focus, p, owner.map(|o| p.people[o].id.value.as_str()))
    });
    a.accounts
        .retain(|x| person_in(&focus, p, Some(x.owner.as_str())));
    a.forecast
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.performance
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.targets
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.winloss
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    if f.period_given {
        // The period and its quarters: the trend by quarter stays.
        let cal = crate::period::Calendar::new(a.fiscal_year_start);
        let within = cal.children(f.period);
        a.winloss
            .retain(|r| r.period == f.period || within.contains(&r.period));
        a.forecast.retain(|r| r.period == f.period);
        a.performance.retain(|r| r.period == f.period);
        a.targets.retain(|r| r.period == f.period);
        a.customers.new_accounts.retain(|n| n.period == f.period);
    }
    a
}

/// The sections of the table and Markdown formats (`p` is the pipeline `a`
/// was computed from).
pub fn sections(a: &Analytics, p: &Pipeline, period: Period) -> Vec<Table> {
    let mut v = vec![
        headline(a),
        forecast_table(a, period),
        leaderboard(a, period),
        funnel(a),
        risks_by_signal(a),
        risks(a, p),
        follow_ups(a),
        won_by_month(a),
        declining_products(a),
    ];
    v.extend(winloss_sections(a, period));
    v
}

/// The headline figures of the focus scope and period.
fn headline(a: &Analytics) -> Table {
    let cur = a.currency.as_str();
    let k = &a.kpis;
    let mut t = Table::new(
        format!("Headline — {} — {}", k.scope.name, k.period),
        &["Figure", "Value"],
        &[1],
    );
    let cal = crate::period::Calendar::new(a.fiscal_year_start);
    let win_rate = format!(
        "Win rate (fiscal year {})",
        cal.year_of(cal.range(k.period).0)
    );

    let rows: Vec<(&str, String)> = vec![
        ("Won", fmt::money(k.won, cur)),
        ("Target", fmt::opt_money(k.target, cur)),
        ("Attainment", fmt::percent(k.attainment)),
        ("Commit", fmt::money(k.commit, cur)),
        (
            "Commit against target",
            fmt::percent(k.target.and_then(|t| k.commit.ratio(t))),
        ),
        ("Best case", fmt::money(k.best_case, cur)),
        ("Weighted", fmt::money(k.weighted, cur)),
        ("Coverage of the gap", fmt::multiple(k.coverage)),
        (&win_rate, fmt::percent(k.win_rate)),
        (
            "Open deals (all, now)",
            format!("{} ({})", k.open_deals, fmt::money(k.open_amount, cur)),
        ),
        (
            "Open risks (now)",
            format!(
                "{} on {} {}",
                k.open_risks,
                k.deals_at_risk,
                if k.deals_at_risk == 1 {
                    "deal"
                } else {
                    "deals"
                }
            ),
        ),
        ("Overdue follow-ups (now)", k.overdue_follow_ups.to_string()),
        (
            "Sales cycle (trailing 12 months)",
            fmt::opt_days(k.sales_cycle_days),
        ),
        (
            "Average deal (trailing 12 months)",
            fmt::opt_money(k.average_deal, cur),
        ),
        (
            "Velocity per day (trailing 12 months)",
            fmt::opt_money(k.velocity, cur),
        ),
    ];
    for (label, value) in rows {
        t.row(vec![label.into(), value]);
    }
    t
}

/// The forecast of every scope for `period`.
fn forecast_table(a: &Analytics, period: Period) -> Table {
    let cur = a.currency.as_str();
    let mut t = Table::new(
        format!("Forecast {period} ({cur})"),
        &[
            "Scope",
            "Won",
            "Commit",
            "Best case",
            "Pipeline",
            "Weighted",
            "Target",
            "Attainment",
            "Coverage",
        ],
        &[1, 2, 3, 4, 5, 6, 7, 8],
    );
    t.short = Some(
        [
            "Scope", "Won", "Commit", "Best", "Pipe", "Wtd", "Target", "Att.", "Cov.",
        ]
        .map(String::from)
        .to_vec(),
    );
    t.limit(0, 16);
    t.flex = Some(0);
    for r in a.forecast.iter().filter(|r| r.period == period) {
        let label = match r.scope.kind {
            ScopeKind::Org => r.scope.name.clone(),
            ScopeKind::Team => format!("{} (team)", r.scope.name),
            _ => format!("  {}", r.scope.name),
        };
        t.row(vec![
            label,
            fmt::compact(r.won),
            fmt::compact(r.commit),
            fmt::compact(r.best_case),
            fmt::compact(r.pipeline),
            fmt::compact(r.weighted),
            fmt::opt_compact(r.target),
            fmt::percent(r.attainment),
            fmt::multiple(r.coverage),
        ]);
    }
    t
}

/// The people ranked for `period`.
fn leaderboard(a: &Analytics, period: Period) -> Table {
    let mut t = Table::new(
        format!("Leaderboard {period}"),
        &[
            "Rank",
            "Person",
            "Target",
            "Won",
            "Attainment",
            "Win rate",
            "Deals won",
            "Pipeline created",
            "Touches",
            "Open risks",
        ],
        &[0, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    t.short = Some(
        [
            "#", "Person", "Target", "Won", "Att.", "Win rate", "Won#", "Created", "Touch", "Risks",
        ]
        .map(String::from)
        .to_vec(),
    );
    t.limit(1, 18);
    t.flex = Some(1);
    for r in a
        .performance
        .iter()
        .filter(|r| r.period == period && r.scope.kind == ScopeKind::Person)
    {
        t.row(vec![
            r.rank.to_string(),
            r.scope.name.clone(),
            fmt::opt_compact(r.target),
            fmt::compact(r.won),
            fmt::percent(r.attainment),
            fmt::percent(r.win_rate),
            r.deals_won.to_string(),
            fmt::compact(r.pipeline_created),
            r.touches.to_string(),
            r.open_risks.to_string(),
        ]);
    }
    t
}

/// The open deals by stage, with the conversion to the next stage.
fn funnel(a: &Analytics) -> Table {
    let cur = a.currency.as_str();
    let mut t = Table::new(
        format!("Funnel: open deals now ({cur})"),
        &["Stage", "Deals", "Amount", "Weighted", "Converts"],
        &[1, 2, 3, 4],
    );
    t.flex = Some(0);
    for s in &a.funnel.stages {
        let conv = a
            .conversion
            .iter()
            .find(|c| c.from == s.stage)
            .and_then(|c| c.rate);
        t.row(vec![
            s.name.clone(),
            s.count.to_string(),
            fmt::money(s.amount, cur),
            fmt::money(s.weighted, cur),
            fmt::percent(conv),
        ]);
    }
    t.row(vec![
        "Total".into(),
        a.funnel.count.to_string(),
        fmt::money(a.funnel.amount, cur),
        fmt::money(a.funnel.weighted, cur),
        String::new(),
    ]);
    t
}

/// The open deals' risks counted by signal.
fn risks_by_signal(a: &Analytics) -> Table {
    let cur = a.currency.as_str();
    let mut t = Table::new(
        "Risks by signal (open deals, now)",
        &["Signal", "Deals", "Amount"],
        &[1, 2],
    );
    for code in crate::analytics::risk::CODES {
        let hits: Vec<_> = a.risks.iter().filter(|r| r.code() == *code).collect();
        if !hits.is_empty() {
            t.row(vec![
                signal_name(code).to_string(),
                hits.len().to_string(),
                fmt::money(hits.iter().map(|r| r.amount).sum(), cur),
            ]);
        }
    }
    t.empty = "no open risks".into();
    t
}

/// Every risk of an open deal, with its reason.
fn risks(a: &Analytics, p: &Pipeline) -> Table {
    let mut t = Table::new(
        "Risks (open deals, now)",
        &["Deal", "Owner", "Signal", "Reason"],
        &[],
    );
    t.detail = Some(3);
    t.limit(0, 28);
    t.limit(1, 16);
    for r in a.risk_rows(p) {
        t.row(vec![
            if r.deal_name.trim().is_empty() {
                r.deal
            } else {
                r.deal_name
            },
            r.owner_name.unwrap_or_else(|| fmt::NONE.into()),
            signal_name(r.code).to_string(),
            r.reason,
        ]);
    }
    t.empty = "no open risks".into();
    t
}

/// The accounts whose follow-up is overdue.
fn follow_ups(a: &Analytics) -> Table {
    let mut t = Table::new(
        "Follow-ups overdue (now)",
        &["Account", "Tier", "Owner", "Last touch", "Days", "Cadence"],
        &[4, 5],
    );
    t.limit(0, 24);
    t.limit(2, 14);
    t.flex = Some(0);
    for x in a.accounts.iter().filter(|x| x.follow_up_overdue) {
        t.row(vec![
            x.name.clone(),
            x.tier.to_string(),
            x.owner_name.clone().unwrap_or_else(|| x.owner.clone()),
            x.last_touch
                .map(|d| d.to_string())
                .unwrap_or_else(|| "never".into()),
            x.days_since_touch
                .map(|d| d.to_string())
                .unwrap_or_else(|| fmt::NONE.into()),
            x.follow_up_days.to_string(),
        ]);
    }
    t.empty = "all follow-ups on time".into();
    t
}

/// Won per month over the trailing twelve months.
fn won_by_month(a: &Analytics) -> Table {
    let cur = a.currency.as_str();
    let mut t = Table::new(
        format!("Won per month, trailing 12 months ({cur})"),
        &["Month", "Won", "Deals"],
        &[1, 2],
    );
    for m in &a.trends.monthly {
        t.row(vec![
            m.month.to_string(),
            fmt::money(m.won, cur),
            m.deals.to_string(),
        ]);
    }
    t
}

/// The products whose won amount fell by the decline threshold.
fn declining_products(a: &Analytics) -> Table {
    let cur = a.currency.as_str();
    let mut t = Table::new(
        format!(
            "Products falling {}% or more in {}",
            a.trends.decline_pct, a.trends.decline_quarter
        ),
        &["Product", "Before", "After", "Change"],
        &[1, 2, 3],
    );
    t.flex = Some(0);
    for p in a.trends.products.iter().filter(|p| p.declining) {
        let i = p
            .quarters
            .iter()
            .position(|q| q.quarter == a.trends.decline_quarter)
            .expect("decline quarter is among the product's quarters");
        let before = if i > 0 {
            p.quarters[i - 1].won
        } else {
            Default::default()
        };
        t.row(vec![
            p.product.clone(),
            fmt::money(before, cur),
            fmt::money(p.quarters[i].won, cur),
            p.quarters[i]
                .change_pct
                .map(|c| format!("{c}%"))
                .unwrap_or_else(|| fmt::NONE.into()),
        ]);
    }
    t.empty = "no product is declining".into();
    t
}

/// The win/loss tables of the focus scope for `period`: competitors, the
/// win rate against them by quarter, lost reasons, days in stage and the
/// decision time.
fn winloss_sections(a: &Analytics, period: Period) -> Vec<Table> {
    let cur = a.currency.as_str();
    let scope = &a.kpis.scope;
    let of = |p: Period| {
        a.winloss
            .iter()
            .find(|w| w.period == p && w.scope.kind == scope.kind && w.scope.id == scope.id)
    };
    let Some(w) = of(period) else {
        return Vec::new();
    };
    let mut v = Vec::new();
    let mut t = Table::new(
        format!(
            "Win/loss {period}: {} won, {} lost, win rate {}",
            w.won,
            w.lost,
            fmt::percent(w.win_rate)
        ),
        &[
            "Competitor",
            "Open",
            "Won",
            "Lost",
            "Win rate",
            "Lost amount",
        ],
        &[1, 2, 3, 4, 5],
    );
    t.flex = Some(0);
    t.limit(0, 28);
    for c in &w.competitors {
        t.row(vec![
            c.competitor.clone(),
            c.open_deals.to_string(),
            c.won.to_string(),
            c.lost.to_string(),
            fmt::percent(c.win_rate),
            fmt::money(c.lost_amount, cur),
        ]);
    }
    t.empty = "no competitor named".into();
    v.push(t);

    // The trend: the quarters of the fiscal year the period starts in.
    let cal = crate::period::Calendar::new(a.fiscal_year_start);
    let quarters = cal.children(cal.year_of(cal.range(period).0));
    let mut headers = vec!["Competitor".to_string()];
    headers.extend(quarters.iter().map(|q| q.to_string()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(
        format!(
            "Win rate against competitors by quarter, fiscal year {}",
            cal.year_of(cal.range(period).0)
        ),
        &header_refs,
        &[1, 2, 3, 4],
    );
    t.flex = Some(0);
    t.limit(0, 28);
    for c in w.competitors.iter().take(10) {
        let mut row = vec![c.competitor.clone()];
        for q in &quarters {
            let r = of(*q).and_then(|x| {
                x.competitors
                    .iter()
                    .find(|y| y.competitor == c.competitor)
                    .and_then(|y| y.win_rate)
            });
            row.push(fmt::percent(r));
        }
        t.row(row);
    }
    t.empty = "no competitor named".into();
    v.push(t);

    let mut t = Table::new(
        format!("Lost reasons {period} ({cur})"),
        &["Reason", "Deals", "Amount"],
        &[1, 2],
    );
    t.flex = Some(0);
    for r in &w.lost_reasons {
        t.row(vec![
            r.reason.clone(),
            r.deals.to_string(),
            fmt::money(r.amount, cur),
        ]);
    }
    t.empty = "no deal lost".into();
    v.push(t);

    let title = if w.without_history > 0 {
        format!(
            "Days in stage, won and lost {period} ({} without history left out)",
            w.without_history
        )
    } else {
        format!("Days in stage, won and lost {period}")
    };
    let mut t = Table::new(
        title,
        &["Stage", "Deals", "Mean", "Median", "From created"],
        &[1, 2, 3, 4],
    );
    t.flex = Some(0);
    for s in &w.stages {
        t.row(vec![
            s.name.clone(),
            s.deals.to_string(),
            fmt::opt_days(s.mean_days),
            fmt::opt_days(s.median_days),
            fmt::opt_days(s.from_created_mean_days),
        ]);
    }
    for (label, d) in [
        ("Decision, won", &w.decision_won),
        ("Decision, lost", &w.decision_lost),
    ] {
        t.row(vec![
            label.to_string(),
            d.deals.to_string(),
            fmt::opt_days(d.mean_days),
            fmt::opt_days(d.median_days),
            String::new(),
        ]);
    }
    v.push(t);
    v
}

/// The name of a risk signal (`overdue_close` → "Close date passed"), as
/// the site shows it in English.
pub fn signal_name(code: &str) -> &'static str {
    use std::sync::OnceLock;
    static EN: OnceLock<crate::site::i18n::I18n> = OnceLock::new();
    EN.get_or_init(|| crate::site::i18n::I18n::new(crate::model::Locale::En))
        .of("risk", code)
}

/// The header line of the table and Markdown formats.
pub fn header(a: &Analytics, period: Period) -> String {
    format!(
        "{} · {} · as of {} · {}",
        if a.org.is_empty() {
            "dealbook"
        } else {
            a.org.as_str()
        },
        period,
        a.as_of,
        a.currency
    )
}

/// Terminal tables, fitting 80 columns.
pub fn text(a: &Analytics, p: &Pipeline, period: Period, color: bool) -> String {
    let mut out = format!("{}\n\n", table::truncate(&header(a, period), 80));
    for t in sections(a, p, period) {
        out.push_str(&table::text(&t, 80, color));
    }
    out
}

/// Markdown.
pub fn markdown(a: &Analytics, p: &Pipeline, period: Period) -> String {
    let mut out = format!("## {}\n\n", table::md_escape(&header(a, period)));
    for t in sections(a, p, period) {
        out.push_str(&table::markdown(&t));
    }
    out
}

/// User text for a CSV cell: a leading `=`, `+`, `-`, `@`, tab or CR
/// would make spreadsheets run it as a formula, so it gets a `'` prefix.
pub fn safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
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

/// The JSON document (`p` is the pipeline `a` was computed from).
pub fn json(a: &Analytics, p: &Pipeline) -> String {
    let mut s = serde_json::to_string_pretty(&a.document(p)).expect("analytics serialise");
    s.push('\n');
    s
}

/// The name a unit enum has in the JSON document (its serde name), so the
/// CSV cells and the JSON always agree.
fn serde_name<T: serde::Serialize>(x: T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
