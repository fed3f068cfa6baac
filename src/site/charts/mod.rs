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

use super::i18n::{Fmt, I18n};
use crate::money::{Money, Ratio};
use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

/// Escapes text for SVG/HTML content and attribute values.
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
    o
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

/// A "nice" tick step (1, 2, 2.5 or 5 × 10ⁿ, at least 1) for about `n`
/// ticks up to `max`.
pub fn nice_step(max: f64, n: usize) -> Decimal {
    let raw = (max / n.max(1) as f64).max(1.0);
    let e = raw.log10().floor().clamp(0.0, 15.0) as u32;
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
    Decimal::from(10i64.pow(e)) * Decimal::from(num) / Decimal::from(den)
}

/// Ticks from 0 to at least `max`: (values, top).
fn ticks(max: f64, n: usize) -> (Vec<Decimal>, f64) {
    let step = nice_step(max, n);
    let stepf = step.to_f64().unwrap_or(1.0);
    let count = ((max / stepf).ceil() as usize).max(1);
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

/// Pattern definitions of the forecast series: hatched best case, dotted
/// pipeline (solid won and commit need none).
fn series_defs(o: &mut String, id: &str) {
    let _ = write!(
        o,
        r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="pat-best-bg" width="6" height="6"/><rect class="pat-best-fg" width="2.5" height="6"/></pattern><pattern id="{id}-dots" width="6" height="6" patternUnits="userSpaceOnUse"><rect class="pat-pipe-bg" width="6" height="6"/><circle class="pat-pipe-fg" cx="3" cy="3" r="1.3"/></pattern></defs>"#
    );
}

/// Fill attribute of a series.
fn series_fill(id: &str, s: usize) -> String {
    match s {
        0 => r#"class="s-won""#.to_string(),
        1 => r#"class="s-commit""#.to_string(),
        2 => format!(r#"class="s-best" fill="url(#{id}-hatch)""#),
        _ => format!(r#"class="s-pipe" fill="url(#{id}-dots)""#),
    }
}

/// One bar of a forecast chart: cumulative won ≤ commit ≤ best case ≤
/// pipeline, and the target.
#[derive(Debug, Clone)]
pub struct StackBar {
    /// Period or scope name.
    pub label: String,
    /// Won.
    pub won: Money,
    /// Commit (won + open commit).
    pub commit: Money,
    /// Best case (commit + open best case).
    pub best: Money,
    /// Pipeline (best case + open pipeline).
    pub pipeline: Money,
    /// Revenue target.
    pub target: Option<Money>,
}

impl StackBar {
    fn parts(&self) -> [(f64, f64); 4] {
        let w = f(self.won);
        let c = f(self.commit).max(w);
        let b = f(self.best).max(c);
        let p = f(self.pipeline).max(b);
        [(0.0, w), (w, c), (c, b), (b, p)]
    }

    fn max(&self) -> f64 {
        f(self.pipeline)
            .max(f(self.best))
            .max(self.target.map(f).unwrap_or(0.0))
    }

    fn tip(&self, fm: &Fmt, i: &I18n) -> [String; 4] {
        let t = |k: &str, m: Money| format!("{} · {}: {}", self.label, i.get(k), fm.money(m));
        [
            t("won", self.won),
            t("commit", self.commit),
            t("best_case", self.best),
            t("pipeline", self.pipeline),
        ]
    }

    fn target_tip(&self, fm: &Fmt, i: &I18n) -> String {
        self.target
            .map(|t| format!("{} · {}: {}", self.label, i.get("target"), fm.money(t)))
            .unwrap_or_default()
    }
}

/// Draws the series legend from `x0` within width `w`, wrapping into rows;
/// returns the y of the row after it.
fn legend(o: &mut String, id: &str, i: &I18n, x0: f64, y0: f64, w: f64, with_target: bool) -> f64 {
    let names = [
        i.get("won"),
        i.get("plus_commit"),
        i.get("plus_best_case"),
        i.get("plus_pipeline"),
    ];
    let (mut x, mut y) = (x0, y0);
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
    for (s, name) in names.iter().enumerate() {
        let (lx, ly) = place(28.0 + text_w(name));
        let _ = write!(
            o,
            r#"<rect x="{}" y="{}" width="12" height="12" {}/><text x="{}" y="{}">{}</text>"#,
            F(lx),
            F(ly - 10.0),
            series_fill(id, s),
            F(lx + 16.0),
            F(ly),
            esc(name)
        );
    }
    if with_target {
        let name = i.get("target_line");
        let (lx, ly) = place(28.0 + text_w(name));
        let _ = write!(
            o,
            r#"<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"/><text x="{}" y="{}">{}</text>"#,
            F(lx),
            F(ly - 4.0),
            F(lx + 18.0),
            F(ly - 4.0),
            F(lx + 22.0),
            F(ly),
            esc(name)
        );
    }
    o.push_str("</g>");
    y + 18.0
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

fn y_grid(o: &mut String, tv: &[Decimal], y: impl Fn(f64) -> f64, ml: f64, x2: f64, fm: &Fmt) {
    o.push_str(r#"<g class="grid">"#);
    for t in tv {
        let yy = y(t.to_f64().unwrap_or(0.0));
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="end">{}</text>"#,
            F(ml),
            F(yy),
            F(x2),
            F(yy),
            F(ml - 6.0),
            F(yy + 4.0),
            esc(&fm.compact(Money::cents(*t)))
        );
    }
    o.push_str("</g>");
}

/// Vertical stacked columns, one per period, with the target as a dashed
/// line over each column; `w` is the width (see [`responsive`]).
pub fn forecast_columns(
    id: &str,
    title: &str,
    bars: &[StackBar],
    fm: &Fmt,
    i: &I18n,
    w: f64,
) -> String {
    let mut o = String::with_capacity(4096);
    let mut body = String::with_capacity(4096);
    let (ml, mr, mb) = (if is_narrow(w) { 52.0 } else { 64.0 }, 10.0, 30.0);
    let after_legend = legend(&mut body, id, i, 6.0, 14.0, w, true);
    let mt = after_legend + 16.0;
    let ph = if is_narrow(w) { 200.0 } else { 230.0 };
    let h = mt + ph + mb;
    let pw = w - ml - mr;
    let max = bars.iter().map(StackBar::max).fold(0.0, f64::max);
    let (tv, top) = ticks(max, 4);
    let y = |v: f64| mt + ph - v / top * ph;
    open_svg(
        &mut o,
        id,
        w,
        h,
        "forecast",
        title,
        i.get("chart_forecast_desc"),
    );
    series_defs(&mut o, id);
    o.push_str(&body);
    y_grid(&mut o, &tv, y, ml, w - mr, fm);
    let _ = write!(
        o,
        r#"<text class="axis unit" x="4" y="{}">{}</text>"#,
        F(mt - 8.0),
        esc(&fm.currency)
    );
    let n = bars.len().max(1) as f64;
    let slot = pw / n;
    let bw = (slot * 0.55).min(64.0);
    for (k, b) in bars.iter().enumerate() {
        let cx = ml + slot * (k as f64 + 0.5);
        let tips = b.tip(fm, i);
        o.push_str(r#"<g class="bar">"#);
        for (s, (lo, hi)) in b.parts().iter().enumerate() {
            if hi <= lo {
                continue;
            }
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="{}" {}><title>{}</title></rect>"#,
                F(cx - bw / 2.0),
                F(y(*hi)),
                F(bw),
                F((y(*lo) - y(*hi)).max(0.5)),
                series_fill(id, s),
                esc(&tips[s])
            );
        }
        if let Some(t) = b.target {
            let ty = y(f(t));
            let _ = write!(
                o,
                r#"<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>"#,
                F(cx - slot * 0.45),
                F(ty),
                F(cx + slot * 0.45),
                F(ty),
                esc(&b.target_tip(fm, i))
            );
        }
        let top_y = y(f(b.pipeline).max(f(b.best))) - 5.0;
        let label = fm.compact(b.pipeline);
        if text_w(&label) * 0.9 < slot {
            let _ = write!(
                o,
                r#"<text class="val" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                F(cx),
                F(top_y),
                esc(&label)
            );
        }
        let _ = write!(
            o,
            r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
            F(cx),
            F(h - mb + 18.0),
            esc(&fit(&b.label, slot - 2.0))
        );
    }
    let _ = write!(
        o,
        r#"<line class="baseline" x1="{}" y1="{}" x2="{}" y2="{}"/></svg>"#,
        F(ml),
        F(y(0.0)),
        F(w - mr),
        F(y(0.0))
    );
    o
}

/// Horizontal stacked bars, one per scope (team or person), with the
/// target as a dashed tick. Narrow: the label sits above its bar.
pub fn forecast_rows(
    id: &str,
    title: &str,
    bars: &[StackBar],
    fm: &Fmt,
    i: &I18n,
    w: f64,
) -> String {
    let narrow = is_narrow(w);
    let mut body = String::new();
    let after_legend = legend(&mut body, id, i, 6.0, 14.0, w, true);
    let (ml, mr) = if narrow { (8.0, 12.0) } else { (150.0, 64.0) };
    let row = if narrow { 42.0 } else { 30.0 };
    let mt = after_legend + 2.0;
    let mb = 26.0;
    let h = mt + mb + row * bars.len().max(1) as f64;
    let pw = w - ml - mr;
    let max = bars.iter().map(StackBar::max).fold(0.0, f64::max);
    let (tv, top) = ticks(max, if narrow { 3 } else { 4 });
    let x = |v: f64| ml + v / top * pw;
    let mut o = String::with_capacity(4096);
    open_svg(
        &mut o,
        id,
        w,
        h,
        "forecast rows",
        title,
        i.get("chart_forecast_desc"),
    );
    series_defs(&mut o, id);
    o.push_str(&body);
    o.push_str(r#"<g class="grid">"#);
    for t in &tv {
        let xx = x(t.to_f64().unwrap_or(0.0));
        let anchor = if xx > w - 30.0 {
            "end"
        } else if xx < 30.0 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="{}">{}</text>"#,
            F(xx),
            F(mt),
            F(xx),
            F(h - mb),
            F(xx),
            F(h - mb + 16.0),
            anchor,
            esc(&fm.compact(Money::cents(*t)))
        );
    }
    o.push_str("</g>");
    for (k, b) in bars.iter().enumerate() {
        let y0 = mt + row * k as f64;
        let (bh, yb) = if narrow {
            (row * 0.38, y0 + row * 0.5)
        } else {
            (row * 0.6, y0 + row * 0.2)
        };
        let tips = b.tip(fm, i);
        o.push_str(r#"<g class="bar">"#);
        let value = fm.compact(b.pipeline);
        if narrow {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}">{}</text><text class="val" x="{}" y="{}" text-anchor="end">{}</text>"#,
                F(ml),
                F(yb - 5.0),
                esc(&fit(&b.label, pw - text_w(&value) - 12.0)),
                F(w - mr),
                F(yb - 5.0),
                esc(&value)
            );
        } else {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}" text-anchor="end">{}</text>"#,
                F(ml - 8.0),
                F(yb + bh / 2.0 + 4.0),
                esc(&fit(&b.label, ml - 14.0))
            );
        }
        for (s, (lo, hi)) in b.parts().iter().enumerate() {
            if hi <= lo {
                continue;
            }
            let _ = write!(
                o,
                r#"<rect x="{}" y="{}" width="{}" height="{}" {}><title>{}</title></rect>"#,
                F(x(*lo)),
                F(yb),
                F((x(*hi) - x(*lo)).max(0.5)),
                F(bh),
                series_fill(id, s),
                esc(&tips[s])
            );
        }
        if let Some(t) = b.target {
            let tx = x(f(t));
            let _ = write!(
                o,
                r#"<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"><title>{}</title></line>"#,
                F(tx),
                F(yb - 3.0),
                F(tx),
                F(yb + bh + 3.0),
                esc(&b.target_tip(fm, i))
            );
        }
        if !narrow {
            let _ = write!(
                o,
                r#"<text class="val" x="{}" y="{}">{}</text>"#,
                F(x(f(b.pipeline).max(f(b.best))) + 6.0),
                F(yb + bh / 2.0 + 4.0),
                esc(&value)
            );
        }
        o.push_str("</g>");
    }
    let _ = write!(
        o,
        r#"<line class="baseline" x1="{}" y1="{}" x2="{}" y2="{}"/></svg>"#,
        F(ml),
        F(mt),
        F(ml),
        F(h - mb)
    );
    o
}

/// One column of a simple column chart.
#[derive(Debug, Clone)]
pub struct Column {
    /// Upper label line (e.g. the month).
    pub label: String,
    /// Lower label line (e.g. the year), shown where it changes.
    pub sublabel: String,
    /// Value.
    pub value: Money,
    /// Extra text for the tooltip.
    pub note: String,
}

/// Columns of money (won per month).
pub fn columns(id: &str, title: &str, desc: &str, cols: &[Column], fm: &Fmt, w: f64) -> String {
    let narrow = is_narrow(w);
    let h = if narrow { 230.0 } else { 260.0 };
    let (ml, mr, mt, mb) = (if narrow { 50.0 } else { 64.0 }, 8.0, 22.0, 40.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let max = cols.iter().map(|c| f(c.value)).fold(0.0, f64::max);
    let (tv, top) = ticks(max, 4);
    let y = |v: f64| mt + ph - v / top * ph;
    let mut o = String::with_capacity(4096);
    open_svg(&mut o, id, w, h, "columns", title, desc);
    y_grid(&mut o, &tv, y, ml, w - mr, fm);
    let _ = write!(
        o,
        r#"<text class="axis unit" x="4" y="{}">{}</text>"#,
        F(mt - 8.0),
        esc(&fm.currency)
    );
    let n = cols.len().max(1) as f64;
    let slot = pw / n;
    let bw = (slot * 0.62).min(48.0);
    let widest = cols.iter().map(|c| text_w(&c.label)).fold(0.0, f64::max);
    let every = if widest + 4.0 > slot { 2 } else { 1 };
    let mut last_sub: Option<String> = None;
    for (k, c) in cols.iter().enumerate() {
        let cx = ml + slot * (k as f64 + 0.5);
        let v = f(c.value);
        let _ = write!(
            o,
            r#"<g class="bar"><rect class="s-won" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
            F(cx - bw / 2.0),
            F(y(v)),
            F(bw),
            F((y(0.0) - y(v)).max(if v > 0.0 { 0.5 } else { 0.0 })),
            esc(&format!(
                "{} {}: {}{}",
                c.label,
                c.sublabel,
                fm.money(c.value),
                c.note
            ))
        );
        let shown = (cols.len() - 1 - k) % every == 0;
        if shown {
            let _ = write!(
                o,
                r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                F(cx),
                F(h - mb + 16.0),
                esc(&c.label)
            );
        }
        // The lower line (the year) shows where it changes.
        let sub = if shown && last_sub.as_deref() != Some(c.sublabel.as_str()) {
            last_sub = Some(c.sublabel.clone());
            c.sublabel.clone()
        } else {
            String::new()
        };
        if !sub.is_empty() {
            let _ = write!(
                o,
                r#"<text class="axis sub" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                F(cx),
                F(h - mb + 31.0),
                esc(&sub)
            );
        }
        o.push_str("</g>");
    }
    let _ = write!(
        o,
        r#"<line class="baseline" x1="{}" y1="{}" x2="{}" y2="{}"/></svg>"#,
        F(ml),
        F(y(0.0)),
        F(w - mr),
        F(y(0.0))
    );
    o
}

/// One stage of the funnel chart.
#[derive(Debug, Clone)]
pub struct FunnelBar {
    /// Stage name.
    pub name: String,
    /// Open deals in it.
    pub count: usize,
    /// Their amount.
    pub amount: Money,
    /// Their weighted amount.
    pub weighted: Money,
}

/// The funnel: one horizontal bar per open stage (amount, light) with the
/// weighted amount inside (dark), centred so the shape reads as a funnel.
/// Wide: names left, figures right; narrow: both above each bar.
pub fn funnel(id: &str, title: &str, bars: &[FunnelBar], fm: &Fmt, i: &I18n, w: f64) -> String {
    let narrow = is_narrow(w);
    let row = if narrow { 46.0 } else { 40.0 };
    let (ml, mr, mt, mb) = if narrow {
        (6.0, 6.0, 30.0, 6.0)
    } else {
        (130.0, 100.0, 30.0, 8.0)
    };
    let h = mt + mb + row * bars.len().max(1) as f64;
    let pw = w - ml - mr;
    let max = bars
        .iter()
        .map(|b| f(b.amount))
        .fold(0.0, f64::max)
        .max(1.0);
    let mut o = String::with_capacity(4096);
    let desc = format!(
        "{}: {} / {}",
        i.get("funnel_now"),
        i.get("amount"),
        i.get("weighted_amount")
    );
    open_svg(&mut o, id, w, h, "funnel", title, &desc);
    let a = i.get("amount");
    let _ = write!(
        o,
        r#"<g class="legend"><rect class="s-amount" x="{}" y="6" width="12" height="12"/><text x="{}" y="16">{}</text><rect class="s-won" x="{}" y="6" width="12" height="12"/><text x="{}" y="16">{}</text></g>"#,
        F(ml),
        F(ml + 16.0),
        esc(a),
        F(ml + 30.0 + text_w(a)),
        F(ml + 46.0 + text_w(a)),
        esc(i.get("weighted_amount"))
    );
    let cx = ml + pw / 2.0;
    for (k, b) in bars.iter().enumerate() {
        let y0 = mt + row * k as f64;
        let (bh, yb) = if narrow {
            (row * 0.42, y0 + row * 0.48)
        } else {
            (row * 0.7, y0 + row * 0.15)
        };
        let aw = (f(b.amount) / max * pw).max(if b.count > 0 { 2.0 } else { 0.0 });
        let ww = (f(b.weighted) / max * pw).min(aw);
        let figures = format!("{} · {}", b.count, fm.compact(b.amount));
        o.push_str(r#"<g class="bar">"#);
        if narrow {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}">{}</text><text class="val" x="{}" y="{}" text-anchor="end">{}</text>"#,
                F(ml),
                F(yb - 5.0),
                esc(&fit(&b.name, pw - text_w(&figures) - 10.0)),
                F(w - mr),
                F(yb - 5.0),
                esc(&figures)
            );
        } else {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}" text-anchor="end">{}</text><text class="val" x="{}" y="{}">{}</text>"#,
                F(ml - 8.0),
                F(yb + bh / 2.0 + 4.0),
                esc(&fit(&b.name, ml - 12.0)),
                F(w - mr + 8.0),
                F(yb + bh / 2.0 + 4.0),
                esc(&figures)
            );
        }
        let _ = write!(
            o,
            r#"<rect class="s-amount" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect><rect class="s-won" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect></g>"#,
            F(cx - aw / 2.0),
            F(yb),
            F(aw),
            F(bh),
            esc(&format!(
                "{}: {} {}, {}",
                b.name,
                b.count,
                i.get("deals_n"),
                fm.money(b.amount)
            )),
            F(cx - ww / 2.0),
            F(yb),
            F(ww),
            F(bh),
            esc(&format!(
                "{} · {}: {}",
                b.name,
                i.get("weighted_amount"),
                fm.money(b.weighted)
            ))
        );
    }
    o.push_str("</svg>");
    o
}

/// Horizontal bars of percentages (stage conversion), 0–100%. Narrow: the
/// label sits above its bar.
pub fn percent_bars(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[(String, Option<Ratio>)],
    w: f64,
) -> String {
    let narrow = is_narrow(w);
    let row = if narrow { 44.0 } else { 30.0 };
    let (ml, mr, mt, mb) = if narrow {
        (6.0, 46.0, 8.0, 24.0)
    } else {
        (230.0, 60.0, 10.0, 24.0)
    };
    let h = mt + mb + row * rows.len().max(1) as f64;
    let pw = w - ml - mr;
    let mut o = String::with_capacity(2048);
    open_svg(&mut o, id, w, h, "percent", title, desc);
    o.push_str(r#"<g class="grid">"#);
    for p in [0, 25, 50, 75, 100] {
        let xx = ml + pw * p as f64 / 100.0;
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="middle">{}%</text>"#,
            F(xx),
            F(mt),
            F(xx),
            F(h - mb),
            F(xx),
            F(h - mb + 16.0),
            p
        );
    }
    o.push_str("</g>");
    for (k, (label, r)) in rows.iter().enumerate() {
        let y0 = mt + row * k as f64;
        let (bh, yb) = if narrow {
            (row * 0.36, y0 + row * 0.5)
        } else {
            (row * 0.62, y0 + row * 0.19)
        };
        let v = r.map(|r| r.get().to_f64().unwrap_or(0.0)).unwrap_or(0.0);
        let bw = pw * v.clamp(0.0, 1.0);
        let shown = crate::fmt::percent(*r);
        o.push_str(r#"<g class="bar">"#);
        if narrow {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}">{}</text>"#,
                F(ml),
                F(yb - 5.0),
                esc(&fit(label, w - ml - 6.0))
            );
        } else {
            let _ = write!(
                o,
                r#"<text class="lbl" x="{}" y="{}" text-anchor="end">{}</text>"#,
                F(ml - 8.0),
                F(yb + bh / 2.0 + 4.0),
                esc(&fit(label, ml - 12.0))
            );
        }
        let _ = write!(
            o,
            r#"<rect class="s-commit" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect><text class="val" x="{}" y="{}">{}</text></g>"#,
            F(ml),
            F(yb),
            F(bw),
            F(bh),
            esc(&format!("{label}: {shown}")),
            F(ml + bw + 6.0),
            F(yb + bh / 2.0 + 4.0),
            esc(&shown)
        );
    }
    o.push_str("</svg>");
    o
}

/// A small progress bar for tables: the ratio against 100%, with a tick at
/// 100% and the value as its accessible name.
pub fn progress(r: Option<Ratio>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    let v = r.get().to_f64().unwrap_or(0.0).max(0.0);
    let scale = 100.0 / 1.5; // 150% fills the bar
    let wv = (v * scale).min(100.0);
    let class = if v >= 1.0 {
        "good"
    } else if v >= 0.7 {
        "fair"
    } else {
        "poor"
    };
    format!(
        r#"<svg class="progress {class}" viewBox="0 0 100 10" width="100" height="10" preserveAspectRatio="none" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><rect class="track" width="100" height="10" rx="2"/><rect class="fill" width="{}" height="10" rx="2"/><line class="mark" x1="{scale}" y1="0" x2="{scale}" y2="10"/></svg>"#,
        esc(&crate::fmt::percent(Some(r))),
        F(wv),
        scale = F(scale)
    )
}

/// Satisfaction scores (0–10) over time as a line with labelled dots.
pub fn scores(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(Date, u8)],
    as_of: Date,
    w: f64,
) -> String {
    let h = 200.0;
    let (ml, mr, mt, mb) = (34.0, 40.0, 16.0, 34.0);
    let pw = w - ml - mr;
    let ph = h - mt - mb;
    let mut o = String::with_capacity(2048);
    open_svg(&mut o, id, w, h, "scores", title, desc);
    if points.is_empty() {
        o.push_str("</svg>");
        return o;
    }
    let first = points[0].0;
    let last = points[points.len() - 1].0.max(as_of);
    let span = ((last - first).get_days() as f64).max(1.0);
    let x = |d: Date| {
        if points.len() == 1 {
            ml + pw / 2.0
        } else {
            ml + (d - first).get_days() as f64 / span * pw
        }
    };
    let y = |s: f64| mt + ph - s / 10.0 * ph;
    o.push_str(r#"<g class="grid">"#);
    for s in [0, 5, 10] {
        let yy = y(s as f64);
        let _ = write!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><text class="axis" x="{}" y="{}" text-anchor="end">{}</text>"#,
            F(ml),
            F(yy),
            F(w - mr),
            F(yy),
            F(ml - 6.0),
            F(yy + 4.0),
            s
        );
    }
    o.push_str("</g>");
    let mut path = String::new();
    for (k, (d, s)) in points.iter().enumerate() {
        let _ = write!(
            path,
            "{}{},{}",
            if k == 0 { "M" } else { " L" },
            F(x(*d)),
            F(y(*s as f64))
        );
    }
    let _ = write!(o, r#"<path class="line" d="{path}"/>"#);
    let mut labelled: Vec<f64> = Vec::new();
    for (d, s) in points.iter() {
        let (px, py) = (x(*d), y(*s as f64));
        let _ = write!(
            o,
            r#"<g class="pt"><circle cx="{}" cy="{}" r="4.5"><title>{}: {}/10</title></circle><text class="val" x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
            F(px),
            F(py),
            d,
            s,
            F(px),
            F(py - 9.0),
            s
        );
        if labelled.iter().all(|p| (p - px).abs() > 84.0) {
            labelled.push(px);
            let anchor = if px < ml + 40.0 { "start" } else { "middle" };
            let _ = write!(
                o,
                r#"<text class="axis" x="{}" y="{}" text-anchor="{}">{}</text>"#,
                F(px),
                F(h - mb + 18.0),
                anchor,
                d
            );
        }
    }
    o.push_str("</svg>");
    o
}

/// One stage segment of a deal's timeline.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Entered on.
    pub from: Date,
    /// Left on (or the end of the chart).
    pub to: Date,
    /// Stage name.
    pub stage: String,
    /// Position among the stages (for the shade).
    pub ix: usize,
    /// Moved back into this stage.
    pub back: bool,
    /// A terminal outcome ("won" / "lost").
    pub outcome: Option<&'static str>,
}

/// A deal's timeline: stage segments in a lane, expected-close markers
/// (diamonds, joined by arrows when the date moved) in a second lane, and
/// the as-of line.
#[allow(clippy::too_many_arguments)]
pub fn timeline(
    id: &str,
    title: &str,
    desc: &str,
    segs: &[Segment],
    closes: &[Date],
    as_of: Date,
    as_of_word: &str,
    w: f64,
) -> String {
    let h = 150.0;
    let (ml, mr) = (12.0, 12.0);
    let pw = w - ml - mr;
    let mut dates: Vec<Date> = segs.iter().flat_map(|s| [s.from, s.to]).collect();
    dates.extend(closes.iter().copied());
    dates.push(as_of);
    let (Some(lo), Some(hi)) = (dates.iter().min().copied(), dates.iter().max().copied()) else {
        return String::new();
    };
    let span = ((hi - lo).get_days() as f64).max(1.0);
    let x = |d: Date| ml + (d - lo).get_days() as f64 / span * pw;
    let mut o = String::with_capacity(4096);
    open_svg(&mut o, id, w, h, "timeline", title, desc);
    let (ly, lh) = (22.0, 34.0);
    for s in segs {
        let (x0, x1) = (x(s.from), x(s.to).max(x(s.from) + 3.0));
        let class = match s.outcome {
            Some("won") => "seg won".to_string(),
            Some(_) => "seg lost".to_string(),
            None => format!("seg st{}", s.ix.min(7)),
        };
        let label = if s.back {
            format!("↩ {}", s.stage)
        } else {
            s.stage.clone()
        };
        let _ = write!(
            o,
            r#"<g class="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3"><title>{}</title></rect>"#,
            class,
            F(x0),
            F(ly),
            F(x1 - x0),
            F(lh),
            esc(&format!("{}: {} → {}", label, s.from, s.to))
        );
        if x1 - x0 > text_w(&label) * 0.95 + 10.0 {
            let _ = write!(
                o,
                r#"<text x="{}" y="{}">{}</text>"#,
                F(x0 + 5.0),
                F(ly + lh / 2.0 + 4.0),
                esc(&label)
            );
        }
        o.push_str("</g>");
    }
    // close expectations
    let cy = 86.0;
    let _ = write!(
        o,
        r#"<line class="lane" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
        F(ml),
        F(cy),
        F(w - mr),
        F(cy)
    );
    for pair in closes.windows(2) {
        if pair[0] != pair[1] {
            let _ = write!(
                o,
                r#"<path class="slip" d="M{},{} Q{},{} {},{}"/>"#,
                F(x(pair[0])),
                F(cy - 6.0),
                F((x(pair[0]) + x(pair[1])) / 2.0),
                F(cy - 24.0),
                F(x(pair[1])),
                F(cy - 6.0)
            );
        }
    }
    let mut labelled: Vec<f64> = Vec::new();
    let mut drawn: Vec<Date> = Vec::new();
    for (k, d) in closes.iter().enumerate().rev() {
        if drawn.contains(d) {
            continue;
        }
        drawn.push(*d);
        let cx = x(*d);
        let last = k + 1 == closes.len();
        let _ = write!(
            o,
            r#"<path class="close{}" d="M{},{} l6,6 l-6,6 l-6,-6 z"><title>{}</title></path>"#,
            if last { " current" } else { "" },
            F(cx),
            F(cy - 6.0),
            d
        );
        if labelled.iter().all(|p| (p - cx).abs() > 84.0) {
            labelled.push(cx);
            let anchor = if cx > w - 44.0 {
                "end"
            } else if cx < 44.0 {
                "start"
            } else {
                "middle"
            };
            let _ = write!(
                o,
                r#"<text class="axis" x="{}" y="{}" text-anchor="{}">{}</text>"#,
                F(cx),
                F(cy + 22.0),
                anchor,
                d
            );
        }
    }
    let ax = x(as_of);
    let as_of_label = format!("{as_of_word} {as_of}");
    let anchor = if ax > w - text_w(&as_of_label) / 2.0 - 4.0 {
        "end"
    } else if ax < text_w(&as_of_label) / 2.0 + 4.0 {
        "start"
    } else {
        "middle"
    };
    let _ = write!(
        o,
        r#"<line class="asof" x1="{}" y1="14" x2="{}" y2="{}"/><text class="axis asof-l" x="{}" y="{}" text-anchor="{}">{}</text>"#,
        F(ax),
        F(ax),
        F(h - 22.0),
        F(ax),
        F(h - 6.0),
        anchor,
        esc(&as_of_label)
    );
    if ax - ml > text_w(&as_of_label) / 2.0 + 90.0
        || anchor == "end" && ax - ml > text_w(&as_of_label) + 90.0
    {
        let _ = write!(
            o,
            r#"<text class="axis" x="{}" y="{}">{}</text>"#,
            F(ml),
            F(h - 6.0),
            lo
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Locale;

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
    fn text_is_escaped() {
        let i = I18n::new(Locale::En);
        let fm = Fmt {
            currency: "CNY".into(),
            locale: Locale::En,
        };
        let bars = [StackBar {
            label: "<script>x</script>\"".into(),
            won: Money::ZERO,
            commit: Money::ZERO,
            best: Money::ZERO,
            pipeline: Money::ZERO,
            target: None,
        }];
        let s = forecast_rows("c", "<b>", &bars, &fm, &i, WIDE);
        assert!(!s.contains("<script>") && !s.contains("<b>"), "{s}");
    }
}
