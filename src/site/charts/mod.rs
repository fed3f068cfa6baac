//! Charts as inline SVG, drawn at build time: no script, no library, no
//! fonts or images from anywhere. Every chart has a `<title>` and `<desc>`
//! (wired to `aria-labelledby`), axis labels with units and currency
//! formatting, a legend, and a `<title>` on each mark for the exact value.
//! Series differ by pattern (solid, hatched, dotted) and by label, not by
//! colour alone; colours come from CSS classes so dark mode and print can
//! restyle them. All text is escaped here: the output is the only markup
//! besides sanitised Markdown that templates mark `| safe`.
//!
//! Geometry uses `f64` (printed with one decimal, so output is stable);
//! every number shown as text comes from exact decimals.
//!
//! This file holds what the charts share (escaping, coordinates, scales
//! and ticks, text widths, grids, labels and the `<svg>` frame); each kind
//! of chart has its own file.

mod columns;
mod forecast;
mod funnel;
mod percent;
mod scores;
mod timeline;
mod trend;
mod winrate;

pub use columns::{Column, columns};
pub use forecast::{StackBar, forecast_columns, forecast_rows};
pub use funnel::{FunnelBar, funnel};
pub use percent::{percent_bars, progress};
pub use scores::scores;
pub use timeline::{Segment, Timeline, timeline};
pub use trend::{TrendPt, trend};
pub use winrate::{RateCell, RateRow, RateWords, win_rates};

use super::i18n::Fmt;
use crate::money::Money;
use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

/// Escapes text for SVG/HTML content and attribute values (and isolates
/// right-to-left text and bidi controls, see [`crate::bidi`]).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    crate::bidi::isolate(s, o)
}

/// A coordinate printed with one decimal (`12.3`, `-4`, `0.5`), by integer
/// arithmetic: exact, stable, and much faster than `{:.1}`.
#[derive(Clone, Copy)]
struct F(f64);

impl std::fmt::Display for F {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let tenths = (v * 10.0).round() as i64;
        let (sign, a) = if tenths < 0 {
            ("-", -tenths)
        } else {
            ("", tenths)
        };
        if a % 10 == 0 {
            write!(f, "{sign}{}", a / 10)
        } else {
            write!(f, "{sign}{}.{}", a / 10, a % 10)
        }
    }
}

fn f(m: Money) -> f64 {
    m.get().to_f64().unwrap_or(0.0)
}

/// The largest value an axis is drawn for: above every total the limits
/// allow (10^26), below the largest amount with cents.
const AXIS_MAX: f64 = 1e26;

/// A "nice" tick step (1, 2, 2.5 or 5 × 10ⁿ, at least 1) for about `n`
/// ticks up to `max` (values beyond `AXIS_MAX`, or not finite, count as
/// that or as 0).
pub fn nice_step(max: f64, n: usize) -> Decimal {
    let max = if max.is_finite() {
        max.clamp(0.0, AXIS_MAX)
    } else {
        0.0
    };
    let raw = (max / n.max(1) as f64).max(1.0);
    let e = raw.log10().floor().clamp(0.0, 26.0) as u32;
    let base = 10f64.powi(e as i32);
    let m = raw / base;
    let (num, den) = if m <= 1.0 {
        (1, 1)
    } else if m <= 2.0 {
        (2, 1)
    } else if m <= 2.5 {
        (5, 2)
    } else if m <= 5.0 {
        (5, 1)
    } else {
        (10, 1)
    };
    Decimal::from_i128_with_scale(10i128.pow(e), 0) * Decimal::from(num) / Decimal::from(den)
}

/// Ticks from 0 to at least `max`: (values, top). At most `2n + 1` of
/// them, whatever `max` is.
fn ticks(max: f64, n: usize) -> (Vec<Decimal>, f64) {
    let step = nice_step(max, n);
    let stepf = step.to_f64().unwrap_or(1.0);
    let max = if max.is_finite() {
        max.clamp(0.0, AXIS_MAX)
    } else {
        0.0
    };
    let count = ((max / stepf).ceil() as usize).clamp(1, 2 * n.max(1));
    let v: Vec<Decimal> = (0..=count).map(|k| step * Decimal::from(k)).collect();
    (v, stepf * count as f64)
}

/// Width of the wide variant of a chart (desktop), in user units.
pub const WIDE: f64 = 640.0;
/// Width of the narrow variant (phones), in user units.
pub const NARROW: f64 = 360.0;

fn is_narrow(w: f64) -> bool {
    w < 500.0
}

fn open_svg(o: &mut String, id: &str, w: f64, h: f64, class: &str, title: &str, desc: &str) {
    let size = if is_narrow(w) { "narrow" } else { "wide" };
    let (w, h) = (F(w.round()), F(h.round()));
    let _ = write!(
        o,
        r#"<svg class="chart {size} {class}" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// A chart in both sizes: the wide one (shown on large screens) and the
/// narrow one (shown on phones, ids suffixed `-n`); CSS shows one.
pub fn responsive(id: &str, draw: impl Fn(&str, f64) -> String) -> String {
    let mut s = draw(id, WIDE);
    s.push_str(&draw(&format!("{id}-n"), NARROW));
    s
}

/// Approximate width of a character at 12px (CJK are wider).
fn char_w(c: char) -> f64 {
    if (c as u32) >= 0x2E80 { 12.5 } else { 7.2 }
}

fn text_w(s: &str) -> f64 {
    s.chars().map(char_w).sum()
}

/// Shortens a label to about `max` pixels, with an ellipsis.
fn fit(s: &str, max: f64) -> String {
    if text_w(s) <= max {
        return s.to_string();
    }
    let mut w = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        w += char_w(c);
        if w > max - 8.0 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A `<text>` of `class` at (`x`, `y`), escaped; `anchor` is its
/// `text-anchor`, none for the default.
fn text(o: &mut String, class: &str, x: f64, y: f64, anchor: Option<&str>, s: &str) {
    let _ = write!(o, r#"<text class="{class}" x="{}" y="{}""#, F(x), F(y));
    if let Some(a) = anchor {
        let _ = write!(o, r#" text-anchor="{a}""#);
    }
    let _ = write!(o, ">{}</text>", esc(s));
}

/// The `text-anchor` that keeps a label at `x` inside the chart: "start"
/// left of `start_below`, "end" right of `end_above`, else "middle".
fn anchor_within(x: f64, start_below: f64, end_above: f64) -> &'static str {
    if x > end_above {
        "end"
    } else if x < start_below {
        "start"
    } else {
        "middle"
    }
}

/// The ends of a `<line>` as its attributes: `x1="…" y1="…" x2="…" y2="…"`.
struct Ends((f64, f64), (f64, f64));

impl std::fmt::Display for Ends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Ends((x1, y1), (x2, y2)) = *self;
        write!(
            f,
            r#"x1="{}" y1="{}" x2="{}" y2="{}""#,
            F(x1),
            F(y1),
            F(x2),
            F(y2)
        )
    }
}

/// A horizontal grid line at `y` from `x1` to `x2`, labelled left of `x1`.
fn y_tick(o: &mut String, y: f64, x1: f64, x2: f64, label: &str) {
    let _ = write!(o, "<line {}/>", Ends((x1, y), (x2, y)));
    text(o, "axis", x1 - 6.0, y + 4.0, Some("end"), label);
}

/// A vertical grid line at `x` from `y1` down to `y2`, labelled below.
fn x_tick(o: &mut String, x: f64, y1: f64, y2: f64, anchor: &str, label: &str) {
    let _ = write!(o, "<line {}/>", Ends((x, y1), (x, y2)));
    text(o, "axis", x, y2 + 16.0, Some(anchor), label);
}

/// About how wide `s` is in an axis label (12 px text): wide (CJK)
/// characters 12 px, the others 7 px.
fn label_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c >= '\u{2E80}' { 12.0 } else { 7.0 })
        .sum()
}

/// The money axis of a column chart: a grid line per tick `tv` (placed by
/// `y`) from `ml` to `x2`, and the currency above it (the plot starts at
/// `mt`).
fn money_axis(
    o: &mut String,
    tv: &[Decimal],
    y: impl Fn(f64) -> f64,
    (ml, x2): (f64, f64),
    mt: f64,
    fm: &Fmt,
) {
    let mut labels: Vec<String> = tv.iter().map(|t| fm.compact(Money::cents(*t))).collect();
    // Labels wider than the margin would be cut at the chart's left edge
    // (zh-CN's "¥6000万" on a phone): they drop the currency symbol, which
    // the unit above the axis already gives.
    if labels.iter().any(|l| label_width(l) > ml - 8.0) {
        for l in &mut labels {
            *l = l
                .trim_start_matches(|c: char| !c.is_ascii_digit() && c != '-' && c != '−')
                .to_string();
        }
    }
    o.push_str(r#"<g class="grid">"#);
    for (t, label) in tv.iter().zip(&labels) {
        y_tick(o, y(t.to_f64().unwrap_or(0.0)), ml, x2, label);
    }
    o.push_str("</g>");
    text(o, "axis unit", 4.0, mt - 8.0, None, &fm.currency);
}

/// Ends a chart with its baseline from (`x1`, `y1`) to (`x2`, `y2`).
fn close_with_baseline(o: &mut String, from: (f64, f64), to: (f64, f64)) {
    let _ = write!(o, r#"<line class="baseline" {}/></svg>"#, Ends(from, to));
}

/// A bar or column of `class` with its exact value as a `<title>`.
fn rect(o: &mut String, class: &str, (x, y): (f64, f64), (w, h): (f64, f64), tip: &str) {
    let _ = write!(
        o,
        r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
        F(x),
        F(y),
        F(w),
        F(h),
        esc(tip)
    );
}

/// Where the bar of row `k` of a horizontal bar chart sits: (height, top),
/// with `(height, offset)` as fractions of the row height `row`, rows
/// starting at `mt`.
fn row_bar(mt: f64, row: f64, k: usize, (height, offset): (f64, f64)) -> (f64, f64) {
    let y0 = mt + row * k as f64;
    (row * height, y0 + row * offset)
}

/// The baseline of a text vertically centred on a bar at `yb` of height `bh`.
fn beside(yb: f64, bh: f64) -> f64 {
    yb + bh / 2.0 + 4.0
}

/// A bar's name on a wide chart: right-aligned in the left margin `ml`.
fn name_left(o: &mut String, ml: f64, yb: f64, bh: f64, name: &str) {
    text(o, "lbl", ml - 8.0, beside(yb, bh), Some("end"), name);
}

/// A bar's name and figure on a narrow chart: above the bar at `yb`, the
/// name from `x0` and the figure right-aligned at `x1`.
fn name_above(o: &mut String, (x0, x1): (f64, f64), yb: f64, name: &str, figure: &str) {
    text(o, "lbl", x0, yb - 5.0, None, name);
    text(o, "val", x1, yb - 5.0, Some("end"), figure);
}

/// The x of a date on a time axis from `lo` to `hi` (at least a day
/// apart), `pw` wide from `ml`.
fn time_x(lo: Date, hi: Date, ml: f64, pw: f64) -> impl Fn(Date) -> f64 {
    let span = ((hi - lo).get_days() as f64).max(1.0);
    move |d: Date| ml + (d - lo).get_days() as f64 / span * pw
}

/// Keeps the date labels of a time axis apart: a label is shown only more
/// than 84 units away from every one shown before.
#[derive(Default)]
struct Spaced(Vec<f64>);

impl Spaced {
    /// Whether a label fits at `x` (and if so, it is taken).
    fn take(&mut self, x: f64) -> bool {
        let free = self.0.iter().all(|p| (p - x).abs() > 84.0);
        if free {
            self.0.push(x);
        }
        free
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_nice() {
        assert_eq!(nice_step(10_000_000.0, 4), Decimal::from(2_500_000));
        assert_eq!(nice_step(7_000_000.0, 4), Decimal::from(2_000_000));
        assert_eq!(nice_step(0.0, 4), Decimal::from(1));
        assert_eq!(nice_step(3.0, 4), Decimal::from(1));
        let (t, top) = ticks(11_000_000.0, 4);
        assert_eq!(top, 15_000_000.0);
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn ticks_are_few_for_any_value() {
        for max in [
            1e15,
            1e22,
            1e23,
            7.9e26,
            1e30,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -5.0,
        ] {
            for n in [3, 4] {
                let (t, top) = ticks(max, n);
                assert!(t.len() <= 2 * n + 1, "{max}: {} ticks", t.len());
                assert!(top.is_finite() && top >= 0.0, "{max}: top {top}");
                if max.is_finite() && (0.0..=AXIS_MAX).contains(&max) {
                    assert!(top >= max, "{max}: top {top}");
                }
            }
        }
        assert_eq!(
            nice_step(1e23, 4),
            Decimal::from_i128_with_scale(25 * 10i128.pow(21), 0)
        );
    }
}
