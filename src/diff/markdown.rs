//! The diff as Markdown for a pull-request comment or a CI job summary:
//! a title, a one-line headline, a warning at the top when B has errors,
//! then short tables (waterfall, forecast of the focus period, deal
//! changes by group, risks, validation). Long groups, the other periods
//! and the housekeeping groups (renamed, moved, edited) are folded in
//! `<details>`; a group never shows more than [`MAX_ROWS`] rows. Every
//! piece of user text goes through [`md_escape`]; deal names link to
//! `<site-url>/deals/<id>.html` when a site URL is given.

use super::compare::{ChangeKind, DealDelta, DealView};
use super::forecast::{Figures, ForecastDelta};
use super::waterfall::{Bucket, Waterfall};
use super::{Diff, validation::Finding};
use crate::analytics::export::RiskRow;
use crate::diag::Severity;
use crate::fmt as f;
use crate::ids::is_slug;
use crate::money::{Money, Ratio};
use crate::period::{Grain, Period};
use crate::report::table::md_escape;
use std::fmt::Write as _;

/// Rows shown per group before the rest is left to `--format json`.
pub const MAX_ROWS: usize = 100;

/// A group with more rows than this is folded.
pub const FOLD_OVER: usize = 10;

/// Extra quarters shown as waterfall columns besides the focus period.
const EXTRA_PERIODS: usize = 4;

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Base URL of the published site; deal names link to its deal pages.
    pub site_url: Option<String>,
}

struct Ctx<'a> {
    d: &'a Diff,
    site: Option<&'a str>,
}

impl Ctx<'_> {
    fn money(&self, m: Money) -> String {
        let v = m.get();
        if v.fract().is_zero() {
            f::money(m, &self.d.currency)
        } else {
            f::money_cents(m, &self.d.currency)
        }
    }

    fn opt_money(&self, m: Option<Money>) -> String {
        m.map(|m| self.money(m)).unwrap_or_else(|| f::NONE.into())
    }

    fn signed(&self, m: Money) -> String {
        if m.get().is_sign_positive() && !m.is_zero() {
            format!("+{}", self.money(m))
        } else {
            self.money(m)
        }
    }

    fn deal(&self, id: &str, name: &str) -> String {
        let shown = if name.trim().is_empty() { id } else { name };
        match self.site {
            Some(site) if is_slug(id) => format!("[{}]({site}/deals/{id}.html)", md_escape(shown)),
            _ if shown == id => md_escape(id),
            _ => format!("{} ({})", md_escape(shown), md_escape(id)),
        }
    }

    fn deal_of(&self, d: &DealDelta) -> String {
        self.deal(&d.id, &d.latest().name)
    }
}

/// Renders the diff.
pub fn markdown(d: &Diff, opts: &Options) -> String {
    let site = opts
        .site_url
        .as_deref()
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| !s.is_empty());
    let cx = Ctx { d, site };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## dealbook diff: {} → {}\n",
        side_label(&d.a),
        side_label(&d.b)
    );
    if !d.valid {
        let _ = writeln!(
            out,
            "> [!CAUTION]\n> **This change breaks the pipeline: {}.** Deals in files with errors \
             are left out of the numbers below; the errors are listed under Validation.\n",
            plural(d.summary.errors, "error")
        );
    }
    let _ = writeln!(out, "{}\n", headline(&cx));
    waterfall_section(&cx, &mut out);
    forecast_section(&cx, &mut out);
    deals_section(&cx, &mut out);
    risks_section(&cx, &mut out);
    validation_section(&cx, &mut out);
    files_section(&cx, &mut out);
    let _ = writeln!(
        out,
        "<sub>dealbook diff · as of {} · amounts in {} · A: {} · B: {}</sub>",
        d.as_of,
        md_escape(&d.currency),
        side_detail(&d.a),
        side_detail(&d.b)
    );
    out
}

/// The label as given, a full commit id shortened.
fn side_label(s: &super::SideInfo) -> String {
    if s.commit.as_deref() == Some(s.label.as_str()) {
        short(&s.label).to_string()
    } else {
        md_escape(&s.label)
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

fn side_detail(s: &super::SideInfo) -> String {
    let mut t = side_label(s);
    if let Some(c) = s.commit.as_deref().filter(|c| *c != s.label) {
        let _ = write!(t, " ({})", short(c));
    }
    if s.kind == "git" && s.path != "." {
        let _ = write!(t, " in {}", md_escape(&s.path));
    }
    t
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn arrow(cx: &Ctx<'_>, a: Money, b: Money) -> String {
    if a == b {
        format!("{} (no change)", cx.money(b))
    } else {
        format!("{} → {} ({})", cx.money(a), cx.money(b), cx.signed(b - a))
    }
}

/// The one-line summary under the title.
fn headline(cx: &Ctx<'_>) -> String {
    let d = cx.d;
    let mut parts = Vec::new();
    if let Some(r) = d
        .forecast
        .iter()
        .find(|r| r.period == d.period && r.scope.kind == "org")
    {
        let zero = |x: &Option<Figures>| x.as_ref().map(|v| v.weighted).unwrap_or_default();
        parts.push(format!(
            "**{} weighted {}**",
            d.period,
            arrow(cx, zero(&r.before), zero(&r.after))
        ));
    }
    let w = &d.waterfall.pipeline;
    parts.push(format!(
        "open pipeline {}",
        arrow(cx, w.start.amount, w.end.amount)
    ));
    let s = &d.summary;
    if s.deals_changed == 0 {
        parts.push("no deal changed".into());
    } else {
        let mut kinds = Vec::new();
        for &k in ChangeKind::ALL {
            let n = s.count(k);
            if n == 0 {
                continue;
            }
            kinds.push(match k {
                ChangeKind::Won => format!("{n} won ({})", cx.money(s.won_amount)),
                ChangeKind::Lost => format!("{n} lost ({})", cx.money(s.lost_amount)),
                _ => format!("{n} {}", short_title(k)),
            });
        }
        parts.push(format!(
            "{}: {}",
            if s.deals_changed == 1 {
                "1 deal changed".to_string()
            } else {
                format!("{} deals changed", s.deals_changed)
            },
            kinds.join(", ")
        ));
    }
    if s.risks_introduced + s.risks_cleared > 0 {
        parts.push(format!(
            "risks: {} new, {} cleared",
            s.risks_introduced, s.risks_cleared
        ));
    }
    parts.push(if d.valid {
        "✅ no errors".into()
    } else {
        format!("❌ {}", plural(s.errors, "error"))
    });
    parts.join(" · ")
}

fn short_title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Won => "won",
        ChangeKind::Lost => "lost",
        ChangeKind::Reopened => "reopened",
        ChangeKind::StageForward => "moved forward",
        ChangeKind::StageBackward => "moved back",
        ChangeKind::CloseMoved => "close date moved",
        ChangeKind::AmountChanged => "amount changed",
        ChangeKind::OwnerChanged => "new owner",
        ChangeKind::CategoryChanged => "forecast category changed",
        ChangeKind::ProbabilityChanged => "probability changed",
        ChangeKind::Excluded => "left out (errors)",
        ChangeKind::Included => "counted again",
        ChangeKind::Renamed => "renamed",
        ChangeKind::Moved => "file moved",
        ChangeKind::Edited => "other edits",
    }
}

fn title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "Added",
        ChangeKind::Removed => "Removed",
        ChangeKind::Won => "Won",
        ChangeKind::Lost => "Lost",
        ChangeKind::Reopened => "Reopened",
        ChangeKind::StageForward => "Stage forward",
        ChangeKind::StageBackward => "Stage backward",
        ChangeKind::CloseMoved => "Close date moved",
        ChangeKind::AmountChanged => "Amount changed",
        ChangeKind::OwnerChanged => "Owner changed",
        ChangeKind::CategoryChanged => "Forecast category changed",
        ChangeKind::ProbabilityChanged => "Probability changed",
        ChangeKind::Excluded => "Left out of the numbers: the file has errors",
        ChangeKind::Included => "Counted again: errors fixed",
        ChangeKind::Renamed => "Renamed: new id, same content",
        ChangeKind::Moved => "File moved to another folder",
        ChangeKind::Edited => "Other edits: notes, next steps, stakeholders, …",
    }
}

/// A Markdown table; cells are already escaped.
fn table(headers: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
    let mut t = format!("| {} |\n|", headers.join(" | "));
    for i in 0..headers.len() {
        t.push_str(if right.contains(&i) { "---:|" } else { "---|" });
    }
    t.push('\n');
    for r in rows {
        let _ = writeln!(t, "| {} |", r.join(" | "));
    }
    t
}

/// A titled block, folded when asked.
fn block(out: &mut String, heading: &str, body: &str, fold: bool) {
    if fold {
        let _ = writeln!(
            out,
            "<details><summary>{heading}</summary>\n\n{body}\n</details>\n"
        );
    } else {
        let _ = writeln!(out, "**{heading}**\n\n{body}");
    }
}

fn period_label(p: Option<Period>) -> String {
    match p {
        None => "Open pipeline".into(),
        Some(Period::Year(y)) => format!("FY{y}"),
        Some(p) => p.to_string(),
    }
}

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

fn waterfall_section(cx: &Ctx<'_>, out: &mut String) {
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
        "Pulled in",
        "Pushed out",
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

fn pct(r: Option<Ratio>) -> String {
    f::percent(r)
}

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
        rows.push(vec!["Attainment".into(), pct(a), pct(b), pts(a, b)]);
    }
    rows
}

fn forecast_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let _ = writeln!(out, "### Forecast {}\n", period_label(Some(d.period)));
    if let Some(r) = d
        .forecast
        .iter()
        .find(|r| r.period == d.period && r.scope.kind == "org")
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
        r.scope.kind == "org" && r.period != d.period && r.period.grain() != Grain::Month
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
        .filter(|r| r.scope.kind != "org" && r.period == d.period)
    {
        let who = format!(
            "{} ({})",
            md_escape(&r.scope.name),
            if r.scope.kind == "team" {
                "team"
            } else {
                "person"
            }
        );
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

fn stage_move(v: (&DealView, &DealView)) -> String {
    format!(
        "{} → {}",
        md_escape(&v.0.stage_name),
        md_escape(&v.1.stage_name)
    )
}

fn close_text(c: Option<jiff::civil::Date>) -> String {
    c.map(|c| c.to_string()).unwrap_or_else(|| f::NONE.into())
}

fn both(d: &DealDelta) -> (&DealView, &DealView) {
    (
        d.before.as_ref().expect("both sides"),
        d.after.as_ref().expect("both sides"),
    )
}

/// The table of one group.
fn group_table(cx: &Ctx<'_>, k: ChangeKind, list: &[&DealDelta]) -> String {
    let owner = |v: &DealView| md_escape(&v.owner_name);
    let amount = |v: &DealView| cx.opt_money(v.amount);
    let mut rows = Vec::new();
    let (headers, right): (&[&str], &[usize]) = match k {
        ChangeKind::Added => (&["Deal", "Owner", "Stage", "Amount", "Close"], &[3]),
        ChangeKind::Removed => (&["Deal", "Owner", "Stage", "Amount"], &[3]),
        ChangeKind::Won => (&["Deal", "Owner", "Amount", "Closed"], &[2]),
        ChangeKind::Lost => (&["Deal", "Owner", "Amount", "Reason"], &[2]),
        ChangeKind::Reopened
        | ChangeKind::StageForward
        | ChangeKind::StageBackward
        | ChangeKind::CategoryChanged
        | ChangeKind::ProbabilityChanged => (&["Deal", "Owner", "Amount", "Change"], &[2]),
        ChangeKind::CloseMoved => (&["Deal", "Owner", "Amount", "Close", "Moved"], &[2]),
        ChangeKind::AmountChanged => (&["Deal", "Owner", "Before", "After", "Change"], &[2, 3, 4]),
        ChangeKind::OwnerChanged => (&["Deal", "Before", "After"], &[]),
        ChangeKind::Excluded | ChangeKind::Included => (&["Deal", "File"], &[]),
        ChangeKind::Renamed => (&["Deal", "Previous id", "File"], &[]),
        ChangeKind::Moved => (&["Deal", "From", "To"], &[]),
        ChangeKind::Edited => (&["Deal", "Owner", "File"], &[]),
    };
    for d in list.iter().take(MAX_ROWS) {
        let v = d.latest();
        let deal = cx.deal_of(d);
        let row = match k {
            ChangeKind::Added => vec![
                deal,
                owner(v),
                md_escape(&v.stage_name),
                amount(v),
                close_text(v.close),
            ],
            ChangeKind::Removed => vec![deal, owner(v), md_escape(&v.stage_name), amount(v)],
            ChangeKind::Won => vec![deal, owner(v), amount(v), close_text(v.close)],
            ChangeKind::Lost => vec![
                deal,
                owner(v),
                amount(d.before.as_ref().unwrap_or(v)),
                md_escape(v.lost_reason.as_deref().unwrap_or(f::NONE)),
            ],
            ChangeKind::Reopened | ChangeKind::StageForward | ChangeKind::StageBackward => {
                vec![deal, owner(v), amount(v), stage_move(both(d))]
            }
            ChangeKind::CategoryChanged => {
                let (a, b) = both(d);
                let cat = |v: &DealView| {
                    v.category
                        .map(|c| c.as_str().replace('_', " "))
                        .unwrap_or_else(|| f::NONE.into())
                };
                vec![
                    deal,
                    owner(v),
                    amount(v),
                    format!("{} → {}", cat(a), cat(b)),
                ]
            }
            ChangeKind::ProbabilityChanged => {
                let (a, b) = both(d);
                let p = |v: &DealView| {
                    v.probability
                        .map(|p| {
                            format!("{}%", (p * rust_decimal::Decimal::ONE_HUNDRED).normalize())
                        })
                        .unwrap_or_else(|| f::NONE.into())
                };
                vec![deal, owner(v), amount(v), format!("{} → {}", p(a), p(b))]
            }
            ChangeKind::CloseMoved => {
                let (a, b) = both(d);
                let mut moved = match d.close_days {
                    Some(n) if n > 0 => format!("+{n} d"),
                    Some(n) => format!("{n} d"),
                    None => String::new(),
                };
                if a.close_quarter != b.close_quarter {
                    if let Some(q) = b.close_quarter {
                        let _ = write!(moved, ", into {q}");
                    } else {
                        moved.push_str("close removed");
                    }
                }
                vec![
                    deal,
                    owner(v),
                    amount(v),
                    format!("{} → {}", close_text(a.close), close_text(b.close)),
                    moved.trim_start_matches(", ").to_string(),
                ]
            }
            ChangeKind::AmountChanged => {
                let (a, b) = both(d);
                vec![
                    deal,
                    owner(v),
                    amount(a),
                    amount(b),
                    d.amount_change.map(|m| cx.signed(m)).unwrap_or_default(),
                ]
            }
            ChangeKind::OwnerChanged => {
                let (a, b) = both(d);
                vec![deal, owner(a), owner(b)]
            }
            ChangeKind::Excluded | ChangeKind::Included => vec![deal, md_escape(&v.path)],
            ChangeKind::Renamed => vec![
                deal,
                md_escape(d.previous_id.as_deref().unwrap_or_default()),
                md_escape(&v.path),
            ],
            ChangeKind::Moved => {
                let (a, b) = both(d);
                vec![deal, md_escape(&a.path), md_escape(&b.path)]
            }
            ChangeKind::Edited => vec![deal, owner(v), md_escape(&v.path)],
        };
        rows.push(row);
    }
    let mut t = table(headers, right, &rows);
    if list.len() > MAX_ROWS {
        let _ = writeln!(
            t,
            "\n_… and {} more; see `dealbook diff --format json`._",
            list.len() - MAX_ROWS
        );
    }
    t
}

fn deals_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let _ = writeln!(out, "### Deal changes ({})\n", d.summary.deals_changed);
    if d.deals.is_empty() {
        out.push_str("_No deal changed._\n\n");
        return;
    }
    for &k in ChangeKind::ALL {
        let list: Vec<&DealDelta> = d.deals.iter().filter(|x| x.has(k)).collect();
        if list.is_empty() {
            continue;
        }
        let housekeeping = matches!(
            k,
            ChangeKind::Renamed | ChangeKind::Moved | ChangeKind::Edited
        );
        let heading = format!("{} ({})", title(k), list.len());
        block(
            out,
            &heading,
            &group_table(cx, k, &list),
            housekeeping || list.len() > FOLD_OVER,
        );
    }
}

fn risk_rows(cx: &Ctx<'_>, list: &[RiskRow]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .take(MAX_ROWS)
        .map(|r| {
            vec![
                cx.deal(&r.deal, &r.deal_name),
                r.code.to_string().replace('_', " "),
                md_escape(&r.reason),
            ]
        })
        .collect();
    let mut t = table(&["Deal", "Signal", "Why"], &[], &rows);
    if list.len() > MAX_ROWS {
        let _ = writeln!(
            t,
            "\n_… and {} more; see `dealbook diff --format json`._",
            list.len() - MAX_ROWS
        );
    }
    t
}

fn risks_section(cx: &Ctx<'_>, out: &mut String) {
    let r = &cx.d.risks;
    if r.introduced.is_empty() && r.cleared.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Risk signals\n");
    if !r.introduced.is_empty() {
        block(
            out,
            &format!("New ({})", r.introduced.len()),
            &risk_rows(cx, &r.introduced),
            r.introduced.len() > FOLD_OVER,
        );
    }
    if !r.cleared.is_empty() {
        block(
            out,
            &format!("Cleared ({})", r.cleared.len()),
            &risk_rows(cx, &r.cleared),
            r.cleared.len() > FOLD_OVER,
        );
    }
}

fn finding_rows(list: &[&Finding]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .take(MAX_ROWS)
        .map(|x| {
            let l = &x.located;
            let mut msg = md_escape(&l.message);
            if let Some(h) = &l.hint {
                let _ = write!(msg, " (hint: {})", md_escape(h));
            }
            vec![
                format!("{}:{}:{}", md_escape(&l.file), l.line, l.column),
                l.code.to_string(),
                msg,
            ]
        })
        .collect();
    let mut t = table(&["Where", "Code", "Problem"], &[], &rows);
    if list.len() > MAX_ROWS {
        let _ = writeln!(
            t,
            "\n_… and {} more; run `dealbook check`._",
            list.len() - MAX_ROWS
        );
    }
    t
}

fn validation_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let s = &d.summary;
    let _ = writeln!(out, "### Validation\n");
    let errors: Vec<&Finding> = d
        .diagnostics
        .iter()
        .filter(|x| x.located.severity == Severity::Error)
        .collect();
    let new_warnings: Vec<&Finding> = d
        .diagnostics
        .iter()
        .filter(|x| x.located.severity == Severity::Warning && x.new)
        .collect();
    if errors.is_empty() {
        let _ = writeln!(
            out,
            "✅ B passes `dealbook check`: no errors, {} ({} new).\n",
            plural(s.warnings, "warning"),
            new_warnings.len()
        );
    } else {
        let _ = writeln!(
            out,
            "❌ B has {} and {} ({} of them new).\n",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            s.new_diagnostics
        );
        block(
            out,
            &format!("Errors ({})", errors.len()),
            &finding_rows(&errors),
            errors.len() > FOLD_OVER,
        );
    }
    if !new_warnings.is_empty() {
        block(
            out,
            &format!("New warnings ({})", new_warnings.len()),
            &finding_rows(&new_warnings),
            new_warnings.len() > FOLD_OVER,
        );
    }
}

fn files_section(cx: &Ctx<'_>, out: &mut String) {
    let fc = &cx.d.files;
    if fc.is_empty() {
        return;
    }
    let list = |v: &[String]| {
        v.iter()
            .take(MAX_ROWS)
            .map(|p| md_escape(p))
            .collect::<Vec<_>>()
            .join(", ")
            + if v.len() > MAX_ROWS { ", …" } else { "" }
    };
    let _ = writeln!(out, "### Other files\n");
    for (what, v) in [
        ("Modified", &fc.modified),
        ("Added", &fc.added),
        ("Removed", &fc.removed),
    ] {
        if !v.is_empty() {
            let _ = writeln!(out, "- {what}: {}", list(v));
        }
    }
    out.push('\n');
}
