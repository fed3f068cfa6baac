//! The forecast charts: won, commit, best case and pipeline stacked per
//! period (columns) or per team or person (rows), against the target.

use super::{
    Ends, F, anchor_within, beside, close_with_baseline, esc, f, fit, is_narrow, money_axis,
    name_above, name_left, open_svg, row_bar, text, text_w, ticks, x_tick,
};
use crate::money::Money;
use crate::site::i18n::{Fmt, I18n};
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

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
    /// Where each series' stretch links (the deals behind it, from the
    /// page: won, open commit, open best case, open pipeline); none for no
    /// links.
    pub links: Option<[String; 4]>,
}

impl StackBar {
    /// The series' stretches that show, as (series, low, high).
    fn parts(&self) -> impl Iterator<Item = (usize, f64, f64)> {
        let w = f(self.won);
        let c = f(self.commit).max(w);
        let b = f(self.best).max(c);
        let p = f(self.pipeline).max(b);
        [(0.0, w), (w, c), (c, b), (b, p)]
            .into_iter()
            .enumerate()
            .filter(|(_, (lo, hi))| hi > lo)
            .map(|(s, (lo, hi))| (s, lo, hi))
    }

    /// Where the stack ends: the largest of pipeline and best case.
    fn top(&self) -> f64 {
        f(self.pipeline).max(f(self.best))
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

    /// The figure a forecast call names: the commit, and under it how far
    /// it is from the target ("¥1.7M short", "¥0.3M over"), if any.
    fn call_label(&self, fm: &Fmt, i: &I18n) -> (String, Option<String>) {
        let commit = fm.compact(self.commit);
        let gap = self.target.map(|t| {
            let d = t - self.commit;
            if d.get().is_sign_negative() && !d.is_zero() {
                i.fill("call_over", &[("gap", &fm.compact(-d))])
            } else {
                i.fill("call_short", &[("gap", &fm.compact(d))])
            }
        });
        (commit, gap)
    }

    /// The gap in few characters, for narrow columns: "+¥1.29M" over the
    /// target, "−¥348K" short of it.
    fn short_gap(&self, fm: &Fmt) -> Option<String> {
        self.target.map(|t| {
            let d = self.commit - t;
            if d.get().is_sign_negative() && !d.is_zero() {
                format!("−{}", fm.compact(-d))
            } else {
                format!("+{}", fm.compact(d))
            }
        })
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
            r#"<line class="target" {}/><text x="{}" y="{}">{}</text>"#,
            Ends((lx, ly - 4.0), (lx + 18.0, ly - 4.0)),
            F(lx + 22.0),
            F(ly),
            esc(name)
        );
    }
    o.push_str("</g>");
    y + 18.0
}

/// Starts a forecast chart: the `<svg>`, the series' patterns and the
/// legend drawn beforehand (its height decides the chart's).
fn open_forecast(
    o: &mut String,
    id: &str,
    (w, h): (f64, f64),
    class: &str,
    title: &str,
    i: &I18n,
    legend: &str,
) {
    open_svg(o, id, w, h, class, title, i.get("chart_forecast_desc"));
    series_defs(o, id);
    o.push_str(legend);
}

/// One series' stretch of a stacked bar, with its exact value as a
/// `<title>`, linking to `href` (the deals behind it) when given.
#[allow(clippy::too_many_arguments)]
fn segment(
    o: &mut String,
    id: &str,
    s: usize,
    (x, y): (f64, f64),
    (w, h): (f64, f64),
    tip: &str,
    href: Option<&str>,
) {
    if let Some(h) = href {
        let _ = write!(o, r#"<a href="{}">"#, esc(h));
    }
    let _ = write!(
        o,
        r#"<rect x="{}" y="{}" width="{}" height="{}" {}><title>{}</title></rect>"#,
        F(x),
        F(y),
        F(w),
        F(h),
        series_fill(id, s),
        esc(tip)
    );
    if href.is_some() {
        o.push_str("</a>");
    }
}

/// Height of a line of the figures over a column.
const LINE: f64 = 15.0;

/// The target of a bar as a dashed line, with its value as a `<title>`.
fn target(o: &mut String, from: (f64, f64), to: (f64, f64), tip: &str) {
    let _ = write!(
        o,
        r#"<line class="target" {}><title>{}</title></line>"#,
        Ends(from, to),
        esc(tip)
    );
}

/// Vertical stacked columns, one per period, with the target as a dashed
/// line over each column; `w` is the width (see [`responsive`]).
///
/// [`responsive`]: super::responsive
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
    // Room over the highest column for its two lines of figures.
    let mt = after_legend + 16.0 + 2.0 * LINE;
    let ph = if is_narrow(w) { 190.0 } else { 220.0 };
    let h = mt + ph + mb;
    let pw = w - ml - mr;
    let max = bars.iter().map(StackBar::max).fold(0.0, f64::max);
    let (tv, top) = ticks(max, 4);
    let y = |v: f64| mt + ph - v / top * ph;
    open_forecast(&mut o, id, (w, h), "forecast", title, i, &body);
    money_axis(&mut o, &tv, y, (ml, w - mr), mt - 2.0 * LINE, fm);
    let n = bars.len().max(1) as f64;
    let slot = pw / n;
    let bw = (slot * 0.55).min(64.0);
    for (k, b) in bars.iter().enumerate() {
        let cx = ml + slot * (k as f64 + 0.5);
        let tips = b.tip(fm, i);
        o.push_str(r#"<g class="bar">"#);
        for (s, lo, hi) in b.parts() {
            let at = (cx - bw / 2.0, y(hi));
            let href = b.links.as_ref().map(|l| l[s].as_str());
            segment(
                &mut o,
                id,
                s,
                at,
                (bw, (y(lo) - y(hi)).max(0.5)),
                &tips[s],
                href,
            );
        }
        let mut above = y(b.top());
        if let Some(t) = b.target {
            let ty = y(f(t));
            let tip = b.target_tip(fm, i);
            target(&mut o, (cx - slot * 0.45, ty), (cx + slot * 0.45, ty), &tip);
            above = above.min(ty - 2.0);
        }
        // The commit and its gap, over both the column and its target
        // line and within the slot (so clear of the neighbours' too).
        let (commit, gap) = b.call_label(fm, i);
        let room = slot * 0.9;
        // Nothing to call: no commit and no target.
        let called = !b.commit.is_zero() || b.target.is_some();
        if called && text_w(&commit) * 0.9 < room {
            let fits = |g: &String| text_w(g) * 0.85 < room;
            let gap = gap.filter(fits).or_else(|| b.short_gap(fm).filter(fits));
            let base = above - 4.0 - if gap.is_some() { LINE } else { 0.0 };
            text(&mut o, "val", cx, base, Some("middle"), &commit);
            if let Some(g) = gap {
                text(&mut o, "val gap", cx, base + LINE, Some("middle"), &g);
            }
        }
        let name = fit(&b.label, slot - 2.0);
        text(&mut o, "axis", cx, h - mb + 18.0, Some("middle"), &name);
        o.push_str("</g>");
    }
    close_with_baseline(&mut o, (ml, y(0.0)), (w - mr, y(0.0)));
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
    // The figures of a row: the commit and its gap to the target.
    let figures: Vec<String> = bars
        .iter()
        .map(|b| match b.call_label(fm, i) {
            (c, Some(g)) => format!("{c} · {g}"),
            (c, None) => c,
        })
        .collect();
    let widest = figures.iter().map(|s| text_w(s)).fold(0.0, f64::max);
    let (ml, mr) = if narrow {
        (8.0, 12.0)
    } else {
        (150.0, (widest * 0.95 + 14.0).clamp(64.0, 190.0))
    };
    let row = if narrow { 42.0 } else { 30.0 };
    let mt = after_legend + 2.0;
    let mb = 26.0;
    let h = mt + mb + row * bars.len().max(1) as f64;
    let pw = w - ml - mr;
    let max = bars.iter().map(StackBar::max).fold(0.0, f64::max);
    let (tv, top) = ticks(max, if narrow { 3 } else { 4 });
    let x = |v: f64| ml + v / top * pw;
    let mut o = String::with_capacity(4096);
    open_forecast(&mut o, id, (w, h), "forecast rows", title, i, &body);
    o.push_str(r#"<g class="grid">"#);
    for t in &tv {
        let xx = x(t.to_f64().unwrap_or(0.0));
        let anchor = anchor_within(xx, 30.0, w - 30.0);
        x_tick(
            &mut o,
            xx,
            mt,
            h - mb,
            anchor,
            &fm.compact(Money::cents(*t)),
        );
    }
    o.push_str("</g>");
    for (k, b) in bars.iter().enumerate() {
        let (bh, yb) = row_bar(mt, row, k, if narrow { (0.38, 0.5) } else { (0.6, 0.2) });
        let tips = b.tip(fm, i);
        o.push_str(r#"<g class="bar">"#);
        let value = &figures[k];
        if narrow {
            let name = fit(&b.label, pw - text_w(value) - 12.0);
            name_above(&mut o, (ml, w - mr), yb - 2.0, &name, value);
        } else {
            name_left(&mut o, ml, yb, bh, &fit(&b.label, ml - 14.0));
        }
        for (s, lo, hi) in b.parts() {
            let width = (x(hi) - x(lo)).max(0.5);
            let href = b.links.as_ref().map(|l| l[s].as_str());
            segment(&mut o, id, s, (x(lo), yb), (width, bh), &tips[s], href);
        }
        let mut end = x(b.top());
        if let Some(t) = b.target {
            let tx = x(f(t));
            let tip = b.target_tip(fm, i);
            target(&mut o, (tx, yb - 2.0), (tx, yb + bh + 2.0), &tip);
            end = end.max(tx);
        }
        if !narrow {
            // Right of both the bar and its target tick.
            text(&mut o, "val", end + 6.0, beside(yb, bh), None, value);
        }
        o.push_str("</g>");
    }
    close_with_baseline(&mut o, (ml, mt), (ml, h - mb));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Locale;
    use crate::site::charts::WIDE;

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
            links: None,
        }];
        let s = forecast_rows("c", "<b>", &bars, &fm, &i, WIDE);
        assert!(!s.contains("<script>") && !s.contains("<b>"), "{s}");
    }
}
