//! The forecast charts: won, commit, best case and pipeline stacked per
//! period (columns) or per team or person (rows), against the target.

use super::{F, esc, f, fit, is_narrow, open_svg, text_w, ticks, y_grid};
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
        }];
        let s = forecast_rows("c", "<b>", &bars, &fm, &i, WIDE);
        assert!(!s.contains("<script>") && !s.contains("<b>"), "{s}");
    }
}
