//! The number tables: the waterfall (how the pipeline moved between A and
//! B) and the forecast of the focus period, the other periods folded.

use super::{Ctx, block, period_label, table};
use crate::analytics::ScopeKind;
use crate::diff::Diff;
use crate::diff::forecast::{Figures, ForecastDelta};
use crate::diff::waterfall::{Bucket, Waterfall};
use crate::fmt as f;
use crate::money::{Money, Ratio};
use crate::period::{Grain, Period};
use crate::report::table::md_escape;
use std::fmt::Write as _;

/// Extra quarters shown as waterfall columns besides the focus period.
const EXTRA_PERIODS: usize = 4;

/// The waterfall columns: the whole pipeline, the focus period, the
/// quarters where something moved, the focus period's fiscal year.
fn waterfall_columns(d: &Diff) -> (Vec<&Waterfall>, usize) {
    let mut cols = vec![&d.waterfall.pipeline];
    let by = |p: Period| d.waterfall.periods.iter().find(|w| w.period == Some(p));
    if let Some(w) = by(d.period) {
        cols.push(w);
    }
    let moved: Vec<&Waterfall> = d
        .waterfall
        .periods
        .iter()
        .filter(|w| {
            w.period
                .is_some_and(|p| p.grain() == Grain::Quarter && p != d.period)
                && w.has_flows()
        })
        .collect();
    let hidden = moved.len().saturating_sub(EXTRA_PERIODS);
    cols.extend(moved.into_iter().take(EXTRA_PERIODS));
    // The fiscal year a quarter belongs to carries the quarter's year.
    if let Period::Quarter(y, _) = d.period
        && let Some(w) = by(Period::Year(y))
    {
        cols.push(w);
    }
    (cols, hidden)
}

pub(super) fn waterfall_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let (cols, hidden) = waterfall_columns(d);
    let mut headers: Vec<String> = vec![String::new()];
    headers.extend(cols.iter().map(|w| period_label(w.period)));
    let cell = |b: Bucket, sign: i8| {
        if b.deals == 0 {
            "·".to_string()
        } else if sign < 0 {
            format!("-{}", cx.money(b.amount))
        } else {
            format!("+{}", cx.money(b.amount))
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut start = vec!["Start (A)".to_string()];
    start.extend(cols.iter().map(|w| cx.money(w.start.amount)));
    rows.push(start);
    for (i, label) in [
        "New",
        "Moved in",
        "Moved out",
        "Amount up",
        "Amount down",
        "Won",
        "Lost",
        "Removed",
    ]
    .iter()
    .enumerate()
    {
        if cols.iter().all(|w| w.flows()[i].1.deals == 0) {
            continue;
        }
        let mut r = vec![label.to_string()];
        r.extend(cols.iter().map(|w| {
            let (_, b, sign) = w.flows()[i];
            cell(b, sign)
        }));
        rows.push(r);
    }
    let mut end = vec!["**End (B)**".to_string()];
    end.extend(
        cols.iter()
            .map(|w| format!("**{}**", cx.money(w.end.amount))),
    );
    rows.push(end);
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let right: Vec<usize> = (1..headers.len()).collect();
    let _ = writeln!(out, "### Open pipeline waterfall\n");
    out.push_str(&table(&header_refs, &right, &rows));
    out.push('\n');
    if hidden > 0 {
        let _ = writeln!(
            out,
            "_{} more quarters changed; see `dealbook diff --format json`._\n",
            hidden
        );
    }
}

type Pick = fn(&Figures) -> Option<Money>;

const FIGURES: &[(&str, Pick)] = &[
    ("Won", |x| Some(x.won)),
    ("Commit", |x| Some(x.commit)),
    ("Best case", |x| Some(x.best_case)),
    ("Pipeline", |x| Some(x.pipeline)),
    ("Weighted", |x| Some(x.weighted)),
    ("Target", |x| x.target),
];

fn pts(a: Option<Ratio>, b: Option<Ratio>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if a.percent() != b.percent() => {
            let d = b.percent() - a.percent();
            if d.is_sign_positive() {
                format!("+{d} pts")
            } else {
                format!("{d} pts")
            }
        }
        _ => String::new(),
    }
}

/// Rows `figure | before | after | change` of one forecast row; only the
/// changed figures unless `all`.
fn figure_rows(cx: &Ctx<'_>, r: &ForecastDelta, all: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (name, pick) in FIGURES {
        let a = r.before.as_ref().and_then(pick);
        let b = r.after.as_ref().and_then(pick);
        if a.is_none() && b.is_none() {
            continue;
        }
        if !all && a == b {
            continue;
        }
        let change = match (a, b) {
            (Some(x), Some(y)) if x != y => cx.signed(y - x),
            (Some(_), Some(_)) => String::new(),
            _ => String::new(),
        };
        rows.push(vec![
            name.to_string(),
            cx.opt_money(a),
            cx.opt_money(b),
            change,
        ]);
    }
    let a = r.before.as_ref().and_then(|x| x.attainment);
    let b = r.after.as_ref().and_then(|x| x.attainment);
    if (a.is_some() || b.is_some()) && (all || a != b) {
        rows.push(vec![
            "Attainment".into(),
            f::percent(a),
            f::percent(b),
            pts(a, b),
        ]);
    }
    rows
}

pub(super) fn forecast_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let _ = writeln!(out, "### Forecast {}\n", period_label(Some(d.period)));
    if let Some(r) = d
        .forecast
        .iter()
        .find(|r| r.period == d.period && r.scope.kind == ScopeKind::Org)
    {
        let rows = figure_rows(cx, r, true);
        out.push_str(&table(
            &["", "Before", "After", "Change"],
            &[1, 2, 3],
            &rows,
        ));
        out.push('\n');
    }
    // Other periods (quarters and years) where the organisation's numbers moved.
    let mut rows = Vec::new();
    for r in d.forecast.iter().filter(|r| {
        r.scope.kind == ScopeKind::Org && r.period != d.period && r.period.grain() != Grain::Month
    }) {
        for mut row in figure_rows(cx, r, false) {
            row.insert(0, period_label(Some(r.period)));
            rows.push(row);
        }
    }
    if !rows.is_empty() {
        let body = table(
            &["Period", "", "Before", "After", "Change"],
            &[2, 3, 4],
            &rows,
        );
        block(out, "Other periods", &body, true);
    }
    // Teams and people whose numbers moved in the focus period.
    let mut rows = Vec::new();
    for r in d
        .forecast
        .iter()
        .filter(|r| r.scope.kind != ScopeKind::Org && r.period == d.period)
    {
        let who = format!("{} ({})", md_escape(&r.scope.name), r.scope.kind);
        for mut row in figure_rows(cx, r, false) {
            row.insert(0, who.clone());
            rows.push(row);
        }
    }
    if !rows.is_empty() {
        let body = table(&["Who", "", "Before", "After", "Change"], &[2, 3, 4], &rows);
        block(
            out,
            &format!("By team and person, {}", period_label(Some(d.period))),
            &body,
            true,
        );
    }
}
