//! `dealbook history` as terminal tables, Markdown or CSV: the trend of
//! the period, the last week's change and the forecast accuracy of the
//! closed periods (the JSON is in [`super::json`]).

use super::accuracy::{self, PeriodAccuracy};
use super::json::{Selection, key};
use super::weekly::{DealMove, Weekly};
use super::{History, trend, weekly};
use crate::analytics::ScopeKind;
use crate::diff::waterfall::Waterfall;
use crate::fmt;
use crate::money::{Money, Ratio};
use crate::report::table::{self, Table};

/// The CSV tables of `dealbook history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvTable {
    /// One row per snapshot and scope: the trend period's forecast.
    Trend,
    /// One row per step and bucket of the waterfalls.
    Weekly,
    /// One row per closed period, scope and week: the calls.
    Accuracy,
    /// One row per deal, commit and field changed.
    Changes,
}

/// How money is written: compact for the terminal, whole units with the
/// currency symbol for Markdown.
#[derive(Clone, Copy)]
struct Money_<'a> {
    compact: bool,
    currency: &'a str,
}

impl Money_<'_> {
    fn m(&self, m: Money) -> String {
        if self.compact {
            fmt::compact(m)
        } else {
            fmt::money(m, self.currency)
        }
    }

    fn o(&self, m: Option<Money>) -> String {
        m.map(|m| self.m(m)).unwrap_or_else(|| fmt::NONE.into())
    }
}

/// The name of a week's last day.
fn weekday(w: crate::model::WeekEnd) -> String {
    let s = w.as_str();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The line above the tables, and the notes.
fn header(h: &History, sel: &Selection) -> Vec<String> {
    let t = &h.timeline;
    let cadence = match t.every {
        super::Every::Day => "daily".to_string(),
        super::Every::Week => format!("weekly (weeks end on {})", weekday(t.week_ends)),
        super::Every::Month => "monthly".to_string(),
        super::Every::Commit => "at every commit".to_string(),
    };
    let latest = if h.worktree {
        "the working tree".to_string()
    } else {
        format!("HEAD {}", h.label(&h.last))
    };
    let mut v = vec![format!(
        "History of {} from {} to {}: {} commits, snapshots {cadence}; latest point: {latest} · {}",
        t.folder,
        t.start,
        t.end,
        t.commits.len(),
        if sel.focus.kind == ScopeKind::Org {
            "organisation".to_string()
        } else {
            format!("{} {}", sel.focus.kind, sel.focus.name)
        }
    )];
    v.extend(t.notes.iter().map(|n| format!("note: {n}")));
    if !h.last.valid() {
        v.push(format!(
            "note: the latest point has {} and no figures (run `dealbook check`)",
            errors(h.last.errors)
        ));
    }
    v
}

fn trend_table(h: &History, sel: &Selection, mo: Money_<'_>) -> Table {
    let tr = trend::trend(h, &sel.focus);
    let name = if sel.focus.name.is_empty() {
        "organisation".to_string()
    } else {
        sel.focus.name.clone()
    };
    let mut t = Table::new(
        format!("Forecast trend {} — {name}", tr.period),
        &[
            "date",
            "commit id",
            "won",
            "commit",
            "best case",
            "pipeline",
            "weighted",
            "target",
            "open deals",
        ],
        &[2, 3, 4, 5, 6, 7, 8],
    );
    t.short = Some(
        [
            "date", "rev", "won", "commit", "best", "pipe", "weighted", "target", "open",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    for p in &tr.points {
        if p.errors > 0 {
            let mut row = vec![
                p.date.to_string(),
                p.label.clone(),
                "invalid".to_string(),
                errors(p.errors),
            ];
            row.extend(std::iter::repeat_n(String::new(), 5));
            t.row(row);
            continue;
        }
        t.row(vec![
            p.date.to_string(),
            p.label.clone(),
            mo.o(p.won),
            mo.o(p.commit),
            mo.o(p.best_case),
            mo.o(p.pipeline),
            mo.o(p.weighted),
            mo.o(p.target),
            p.open_deals.map(|n| n.to_string()).unwrap_or_default(),
        ]);
    }
    t.empty = "no snapshots in range".into();
    t
}

/// "1 error", "3 errors".
fn errors(n: usize) -> String {
    if n == 1 {
        "1 error".into()
    } else {
        format!("{n} errors")
    }
}

/// The display name of a waterfall bucket.
pub fn bucket_name(b: &str) -> &'static str {
    match b {
        "start" => "start",
        "new" => "new",
        "pulled_in" => "moved in",
        "pushed_out" => "moved out",
        "amount_up" => "amount up",
        "amount_down" => "amount down",
        "won" => "won",
        "lost" => "lost",
        "removed" => "removed",
        _ => "end",
    }
}

fn waterfall_table(w: &Weekly, period: &str, mo: Money_<'_>) -> Table {
    let mut t = Table::new(
        format!(
            "Since {} ({}) — {} ({}){}",
            w.from,
            w.from_label,
            w.to,
            w.to_label,
            match w.skipped {
                0 => String::new(),
                n => format!(", {n} invalid snapshots skipped"),
            }
        ),
        &["", &format!("{period} open"), "deals", "all open", "deals"],
        &[1, 2, 3, 4],
    );
    let cell = |wf: &Waterfall, name: &str| -> (String, String) {
        let b = match name {
            "start" => wf.start,
            "end" => wf.end,
            n => wf
                .flows()
                .iter()
                .find(|(x, _, _)| *x == n)
                .map(|(_, b, _)| *b)
                .unwrap_or_default(),
        };
        let sign = wf
            .flows()
            .iter()
            .find(|(x, _, _)| *x == name)
            .map(|(_, _, s)| *s);
        let amount = match sign {
            Some(-1) if !b.amount.is_zero() => format!("−{}", mo.m(b.amount)),
            Some(_) if !b.amount.is_zero() => format!("+{}", mo.m(b.amount)),
            _ => mo.m(b.amount),
        };
        (amount, b.deals.to_string())
    };
    for name in [
        "start",
        "new",
        "pulled_in",
        "pushed_out",
        "amount_up",
        "amount_down",
        "won",
        "lost",
        "removed",
        "end",
    ] {
        let (pa, pd) = cell(&w.period, name);
        let (wa, wd) = cell(&w.pipeline, name);
        t.row(vec![bucket_name(name).to_string(), pa, pd, wa, wd]);
    }
    t
}

fn moves_table(w: &Weekly, mo: Money_<'_>) -> Table {
    let mut t = Table::new(
        format!(
            "Deals: {} created · {} advanced · {} moved back · {} won · {} lost · {} pushed",
            w.created.len(),
            w.advanced.len(),
            w.moved_back.len(),
            w.won.len(),
            w.lost.len(),
            w.pushed.len()
        ),
        &["deal", "what", "owner", "stage", "amount", "close"],
        &[4],
    );
    t.flex = Some(0);
    t.limit(2, 16);
    t.limit(3, 24);
    let arrow = |a: String, b: String| {
        if a == b || a.is_empty() {
            b
        } else if b.is_empty() {
            a
        } else {
            format!("{a} → {b}")
        }
    };
    let groups: [(&str, &Vec<DealMove>); 6] = [
        ("created", &w.created),
        ("advanced", &w.advanced),
        ("moved back", &w.moved_back),
        ("won", &w.won),
        ("lost", &w.lost),
        ("pushed", &w.pushed),
    ];
    for (what, list) in groups {
        for d in list {
            t.row(vec![
                format!("{} ({})", d.name, d.id),
                what.to_string(),
                d.owner_name.clone(),
                arrow(
                    d.stage_from.clone().unwrap_or_default(),
                    d.stage_to.clone().unwrap_or_default(),
                ),
                arrow(
                    d.amount_from.map(|m| mo.m(m)).unwrap_or_default(),
                    d.amount_to.map(|m| mo.m(m)).unwrap_or_default(),
                ),
                arrow(
                    d.close_from.map(|c| c.to_string()).unwrap_or_default(),
                    d.close_to.map(|c| c.to_string()).unwrap_or_default(),
                ),
            ]);
        }
    }
    t.empty = "no deal created, advanced, moved back, won, lost or pushed".into();
    t
}

fn pct(r: Option<Ratio>) -> String {
    fmt::percent(r)
}

fn signed_pct(r: Option<Ratio>) -> String {
    match r {
        Some(r) if r.get().is_sign_positive() && !r.get().is_zero() => format!("+{}%", r.percent()),
        other => fmt::percent(other),
    }
}

fn accuracy_table(pa: &PeriodAccuracy, mo: Money_<'_>) -> Table {
    let n = pa.weeks.len();
    let weeks = accuracy::shown_weeks(pa);
    let mut headers: Vec<String> = vec!["scope".into(), "actual".into()];
    headers.extend(weeks.iter().map(|w| format!("wk {w}")));
    headers.extend([
        "error".into(),
        "bias".into(),
        "w. error".into(),
        "w. bias".into(),
    ]);
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let right: Vec<usize> = (1..headers.len()).collect();
    let mut t = Table::new(
        format!(
            "Forecast accuracy {}: commit call ÷ won, weeks {} of {n}",
            pa.period,
            weeks
                .iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        &h,
        &right,
    );
    t.flex = Some(0);
    for s in &pa.scopes {
        let mut row = vec![scope_label(&s.scope), mo.m(s.actual)];
        for &w in &weeks {
            row.push(
                s.calls
                    .get(w - 1)
                    .map(|c| match (c.errors, c.commit_accuracy) {
                        (e, _) if e > 0 => "invalid".to_string(),
                        (_, a) if c.commit.is_some() => pct(a),
                        _ => fmt::NONE.to_string(),
                    })
                    .unwrap_or_default(),
            );
        }
        row.push(pct(s.commit_mae));
        row.push(signed_pct(s.commit_bias));
        row.push(pct(s.weighted_mae));
        row.push(signed_pct(s.weighted_bias));
        t.row(row);
    }
    t.empty = "no scope with a won amount".into();
    t
}

fn scope_label(s: &crate::analytics::ScopeRef) -> String {
    match s.kind {
        ScopeKind::Org => {
            if s.name.is_empty() {
                "organisation".into()
            } else {
                s.name.clone()
            }
        }
        ScopeKind::Team => format!("team {}", s.name),
        _ => s.name.clone(),
    }
}

fn bias_table(a: &accuracy::Accuracy) -> Table {
    let mut t = Table::new(
        format!(
            "Bias over the last {} closed periods (mean signed error; + over-forecast)",
            accuracy::BIAS_PERIODS
        ),
        &["scope", "periods", "commit bias", "weighted bias"],
        &[1, 2, 3],
    );
    t.flex = Some(0);
    for b in &a.bias {
        t.row(vec![
            scope_label(&b.scope),
            b.periods.to_string(),
            signed_pct(b.commit),
            signed_pct(b.weighted),
        ]);
    }
    t.empty = "no closed period with calls".into();
    t
}

/// The tables, in order.
fn tables(h: &History, sel: &Selection, mo: Money_<'_>) -> Vec<Table> {
    let mut v = vec![trend_table(h, sel, mo)];
    let period = h.timeline.period.to_string();
    match weekly::last(h, &key(&sel.focus)) {
        Some(w) => {
            v.push(waterfall_table(&w, &period, mo));
            v.push(moves_table(&w, mo));
        }
        None => {
            let mut t = Table::new("Since the last snapshot", &[""], &[]);
            t.empty = "no two valid snapshots to compare".into();
            v.push(t);
        }
    }
    let acc = accuracy::accuracy(h, &sel.scopes);
    if acc.periods.is_empty() {
        let mut t = Table::new("Forecast accuracy", &[""], &[]);
        t.empty = "no closed period in the history's range".into();
        v.push(t);
    }
    for pa in &acc.periods {
        v.push(accuracy_table(pa, mo));
    }
    if !acc.periods.is_empty() {
        v.push(bias_table(&acc));
    }
    v
}

/// Terminal tables, 80 columns.
pub fn text(h: &History, sel: &Selection, currency: &str, bold: bool) -> String {
    let mo = Money_ {
        compact: true,
        currency,
    };
    let mut out = String::new();
    for l in header(h, sel) {
        out.push_str(&table::truncate(&l, 200));
        out.push('\n');
    }
    out.push('\n');
    for t in tables(h, sel, mo) {
        out.push_str(&table::text(&t, 80, bold));
    }
    out
}

/// Markdown.
pub fn markdown(h: &History, sel: &Selection, currency: &str) -> String {
    let mo = Money_ {
        compact: false,
        currency,
    };
    let mut lines = header(h, sel).into_iter();
    let mut out = format!(
        "## {}\n\n",
        table::md_escape(&lines.next().unwrap_or_default())
    );
    for l in lines {
        out.push_str(&format!("> {}\n", table::md_escape(&l)));
        out.push('\n');
    }
    for t in tables(h, sel, mo) {
        out.push_str(&table::markdown(&t));
    }
    out
}

/// One CSV table.
pub fn csv(h: &History, sel: &Selection, which: CsvTable) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let s = |x: &str| crate::report::safe(x);
    let m = |x: Option<Money>| x.map(|m| m.to_string()).unwrap_or_default();
    let r = |x: Option<Ratio>| x.map(|r| r.to_string()).unwrap_or_default();
    match which {
        CsvTable::Trend => {
            w.write_record([
                "period",
                "scope_kind",
                "scope_id",
                "scope_name",
                "date",
                "commit",
                "errors",
                "won",
                "commit_forecast",
                "best_case",
                "pipeline",
                "weighted",
                "target",
                "open_deals",
            ])?;
            for scope in &sel.scopes {
                let tr = trend::trend(h, scope);
                for p in &tr.points {
                    w.write_record([
                        tr.period.to_string(),
                        scope.kind.to_string(),
                        scope.id.clone().unwrap_or_default(),
                        s(&scope.name),
                        p.date.to_string(),
                        p.label.clone(),
                        p.errors.to_string(),
                        m(p.won),
                        m(p.commit),
                        m(p.best_case),
                        m(p.pipeline),
                        m(p.weighted),
                        m(p.target),
                        p.open_deals.map(|n| n.to_string()).unwrap_or_default(),
                    ])?;
                }
            }
        }
        CsvTable::Weekly => {
            w.write_record([
                "from",
                "to",
                "from_commit",
                "to_commit",
                "waterfall",
                "bucket",
                "amount",
                "deals",
            ])?;
            let focus = key(&sel.focus);
            for step in h.steps() {
                let wk = weekly::weekly(h, step, &focus);
                for (name, wf) in [
                    (h.timeline.period.to_string(), &wk.period),
                    ("pipeline".to_string(), &wk.pipeline),
                ] {
                    let mut rows = vec![("start", wf.start)];
                    rows.extend(wf.flows().iter().map(|(n, b, _)| (*n, *b)));
                    rows.push(("end", wf.end));
                    for (bucket, b) in rows {
                        w.write_record([
                            wk.from.to_string(),
                            wk.to.to_string(),
                            wk.from_label.clone(),
                            wk.to_label.clone(),
                            name.clone(),
                            bucket.to_string(),
                            b.amount.to_string(),
                            b.deals.to_string(),
                        ])?;
                    }
                }
            }
        }
        CsvTable::Accuracy => {
            w.write_record([
                "period",
                "scope_kind",
                "scope_id",
                "scope_name",
                "actual",
                "week",
                "date",
                "commit",
                "errors",
                "commit_call",
                "commit_accuracy",
                "commit_error",
                "weighted_call",
                "weighted_accuracy",
                "weighted_error",
            ])?;
            for pa in accuracy::accuracy(h, &sel.scopes).periods {
                for sa in &pa.scopes {
                    for c in &sa.calls {
                        w.write_record([
                            pa.period.to_string(),
                            sa.scope.kind.to_string(),
                            sa.scope.id.clone().unwrap_or_default(),
                            s(&sa.scope.name),
                            sa.actual.to_string(),
                            c.week.to_string(),
                            c.date.to_string(),
                            c.label.clone().unwrap_or_default(),
                            c.errors.to_string(),
                            m(c.commit),
                            r(c.commit_accuracy),
                            r(c.commit_error),
                            m(c.weighted),
                            r(c.weighted_accuracy),
                            r(c.weighted_error),
                        ])?;
                    }
                }
            }
        }
        CsvTable::Changes => {
            w.write_record([
                "deal", "name", "date", "commit", "author", "kind", "field", "from", "to",
            ])?;
            for d in super::json::deals(h, sel, sel.focus.kind == ScopeKind::Org) {
                for e in &d.entries {
                    let kind = serde_json::to_value(e.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let base = [
                        d.id.clone(),
                        s(&d.name),
                        e.date.to_string(),
                        e.short.clone(),
                        s(&e.author),
                        kind,
                    ];
                    if e.fields.is_empty() {
                        let mut row = base.to_vec();
                        row.extend([
                            String::new(),
                            e.from.clone().unwrap_or_default(),
                            e.errors.map(|n| n.to_string()).unwrap_or_default(),
                        ]);
                        w.write_record(row)?;
                    }
                    for f in &e.fields {
                        let mut row = base.to_vec();
                        row.extend([f.field.to_string(), s(&f.from), s(&f.to)]);
                        w.write_record(row)?;
                    }
                }
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8"))
}
