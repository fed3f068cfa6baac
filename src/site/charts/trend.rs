//! The forecast trend: won, commit, best case and weighted of one period
//! at the end of each week, as lines against the target (dashed), one
//! point per snapshot. The lines differ by dash pattern and marker as well
//! as colour; a snapshot whose revision had errors leaves a gap.

use super::{Ends, F, Spaced, anchor_within, esc, f, money_axis, open_svg, text, text_w, ticks};
use crate::money::Money;
use crate::site::i18n::{Fmt, I18n};
use jiff::civil::Date;
use std::fmt::Write as _;

/// One snapshot of the trend.
#[derive(Debug, Clone)]
pub struct TrendPt {
    /// Its date.
    pub date: Date,
    /// Won, commit, best case, weighted; none when the revision had
    /// errors.
    pub values: Option<[Money; 4]>,
    /// The target then.
    pub target: Option<Money>,
}

/// The series: label key and CSS class, from the most certain.
const SERIES: [(&str, &str); 4] = [
    ("trend_won", "tl-won"),
    ("trend_commit", "tl-commit"),
    ("trend_best_case", "tl-best"),
    ("trend_weighted", "tl-weighted"),
];

/// The marker of series `s` at (`x`, `y`) with its exact value.
fn marker(o: &mut String, s: usize, x: f64, y: f64, tip: &str) {
    let tip = esc(tip);
    match s {
        0 => {
            let _ = write!(
                o,
                r#"<circle class="mk tl-won" cx="{}" cy="{}" r="4"><title>{tip}</title></circle>"#,
                F(x),
                F(y)
            );
        }
        1 => {
            let _ = write!(
                o,
                r#"<rect class="mk tl-commit" x="{}" y="{}" width="7" height="7"><title>{tip}</title></rect>"#,
                F(x - 3.5),
                F(y - 3.5)
            );
        }
        2 => {
            let _ = write!(
                o,
                r#"<path class="mk tl-best" d="M{},{} l4.5,4.5 l-4.5,4.5 l-4.5,-4.5 z"><title>{tip}</title></path>"#,
                F(x),
                F(y - 4.5)
            );
        }
        _ => {
            let _ = write!(
                o,
                r#"<path class="mk tl-weighted" d="M{},{} l4.5,8 l-9,0 z"><title>{tip}</title></path>"#,
                F(x),
                F(y - 5.0)
            );
        }
    }
}

/// The legend, wrapping into rows within `w`; returns the y below it.
fn legend(o: &mut String, i: &I18n, w: f64) -> f64 {
    let (x0, mut x, mut y) = (8.0, 8.0, 14.0);
    o.push_str(r#"<g class="legend">"#);
    let mut place = |width: f64| {
        if x + width > w - 4.0 && x > x0 {
            x = x0;
            y += 18.0;
        }
        let at = (x, y);
        x += width;
        at
    };
    for (s, (key, class)) in SERIES.iter().enumerate() {
        let name = i.get(key);
        let (lx, ly) = place(48.0 + text_w(name));
        let _ = write!(
            o,
            r#"<line class="tl {class}" {}/>"#,
            Ends((lx, ly - 4.0), (lx + 24.0, ly - 4.0))
        );
        marker(o, s, lx + 12.0, ly - 4.0, name);
        text(o, "", lx + 30.0, ly, None, name);
    }
    let name = i.get("target_line");
    let (lx, ly) = place(40.0 + text_w(name));
    let _ = write!(
        o,
        r#"<line class="target" {}/>"#,
        Ends((lx, ly - 4.0), (lx + 22.0, ly - 4.0))
    );
    text(o, "", lx + 28.0, ly, None, name);
    o.push_str("</g>");
    y + 10.0
}

/// The trend chart, `w` wide (see [`super::responsive`]).
pub fn trend(
    id: &str,
    title: &str,
    desc: &str,
    points: &[TrendPt],
    fm: &Fmt,
    i: &I18n,
    w: f64,
) -> String {
    let narrow = super::is_narrow(w);
    let mut head = String::new();
    let below_legend = legend(&mut head, i, w);
    let (ml, mr, mt, mb) = (
        if narrow { 52.0 } else { 64.0 },
        14.0,
        below_legend + 14.0,
        34.0,
    );
    let ph = if narrow { 190.0 } else { 230.0 };
    let h = mt + ph + mb;
    let pw = w - ml - mr;
    let max = points
        .iter()
        .flat_map(|p| {
            p.values
                .iter()
                .flatten()
                .copied()
                .chain(p.target)
                .map(f)
                .collect::<Vec<_>>()
        })
        .fold(0.0, f64::max);
    let (tv, top) = ticks(max, 4);
    let y = |v: f64| mt + ph - v / top * ph;
    let mut o = String::with_capacity(8192);
    open_svg(&mut o, id, w, h, "trend", title, desc);
    o.push_str(&head);
    money_axis(&mut o, &tv, y, (ml, w - mr), mt, fm);
    if points.is_empty() {
        o.push_str("</svg>");
        return o;
    }
    let n = points.len();
    let x = |k: usize| {
        if n == 1 {
            ml + pw / 2.0
        } else {
            ml + 8.0 + (pw - 16.0) * k as f64 / (n - 1) as f64
        }
    };
    // Date labels, kept apart; the last one always.
    let mut spaced = Spaced::default();
    let mut shown: Vec<usize> = Vec::new();
    if spaced.take(x(n - 1)) {
        shown.push(n - 1);
    }
    for k in 0..n - 1 {
        if spaced.take(x(k)) {
            shown.push(k);
        }
    }
    shown.sort_unstable();
    for k in shown {
        let px = x(k);
        let d = points[k].date;
        let label = format!("{:02}-{:02}", d.month(), d.day());
        let anchor = anchor_within(px, ml + 20.0, w - mr - 20.0);
        text(&mut o, "axis", px, h - mb + 18.0, Some(anchor), &label);
    }
    // The target: a dashed line through the snapshots that have one.
    let mut tpath = String::new();
    let mut pen = false;
    for (k, p) in points.iter().enumerate() {
        match p.target {
            Some(t) => {
                let _ = write!(
                    tpath,
                    "{}{},{}",
                    if pen { " L" } else { "M" },
                    F(x(k)),
                    F(y(f(t)))
                );
                pen = true;
            }
            None => pen = false,
        }
    }
    if !tpath.is_empty() {
        let last_t = points.iter().rev().find_map(|p| p.target);
        let _ = write!(
            o,
            r#"<path class="target" d="{tpath}"><title>{}: {}</title></path>"#,
            esc(i.get("target_line")),
            esc(&fm.opt_money(last_t))
        );
    }
    // Each series: a line broken at invalid snapshots, and its markers.
    for (s, (key, class)) in SERIES.iter().enumerate().rev() {
        let name = i.get(key);
        let mut path = String::new();
        let mut pen = false;
        let mut marks = String::new();
        for (k, p) in points.iter().enumerate() {
            match p.values {
                Some(v) => {
                    let (px, py) = (x(k), y(f(v[s])));
                    let _ = write!(path, "{}{},{}", if pen { " L" } else { "M" }, F(px), F(py));
                    pen = true;
                    marker(
                        &mut marks,
                        s,
                        px,
                        py,
                        &format!("{} {}: {}", p.date, name, fm.money(v[s])),
                    );
                }
                None => pen = false,
            }
        }
        let _ = write!(
            o,
            r#"<g class="series {class}"><path class="tl {class}" d="{path}"/>{marks}</g>"#
        );
    }
    // Snapshots with errors: a small cross on the axis.
    for (k, p) in points.iter().enumerate() {
        if p.values.is_none() {
            let (px, py) = (x(k), y(0.0));
            let _ = write!(
                o,
                r#"<g class="gap"><path d="M{},{} l6,6 m0,-6 l-6,6"/><title>{}: {}</title></g>"#,
                F(px - 3.0),
                F(py - 3.0),
                p.date,
                esc(i.get("invalid_snapshot"))
            );
        }
    }
    let _ = write!(
        o,
        r#"<line class="baseline" {}/></svg>"#,
        Ends((ml, y(0.0)), (w - mr, y(0.0)))
    );
    o
}
