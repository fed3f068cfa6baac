//! The sections of the table and Markdown formats, one function per
//! table, kept apart from the filter and the CSV and JSON exports.

use crate::analytics::{Analytics, ScopeKind};
use crate::fmt;
use crate::model::Pipeline;
use crate::period::Period;

use super::signal_name;
use super::table::Table;

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
