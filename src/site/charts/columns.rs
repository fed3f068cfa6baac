//! The column chart of money per period (won per month on the dashboard).

use super::{close_with_baseline, f, is_narrow, money_axis, open_svg, rect, text, text_w, ticks};
use crate::money::Money;
use crate::site::i18n::Fmt;

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
    money_axis(&mut o, &tv, y, (ml, w - mr), mt, fm);
    let n = cols.len().max(1) as f64;
    let slot = pw / n;
    let bw = (slot * 0.62).min(48.0);
    let widest = cols.iter().map(|c| text_w(&c.label)).fold(0.0, f64::max);
    let every = if widest + 4.0 > slot { 2 } else { 1 };
    let mut last_sub: Option<String> = None;
    for (k, c) in cols.iter().enumerate() {
        let cx = ml + slot * (k as f64 + 0.5);
        let v = f(c.value);
        let tip = format!(
            "{} {}: {}{}",
            c.label,
            c.sublabel,
            fm.money(c.value),
            c.note
        );
        let height = (y(0.0) - y(v)).max(if v > 0.0 { 0.5 } else { 0.0 });
        o.push_str(r#"<g class="bar">"#);
        rect(&mut o, "s-won", (cx - bw / 2.0, y(v)), (bw, height), &tip);
        let shown = (cols.len() - 1 - k) % every == 0;
        if shown {
            text(&mut o, "axis", cx, h - mb + 16.0, Some("middle"), &c.label);
        }
        // The lower line (the year) shows where it changes.
        if shown && last_sub.as_deref() != Some(c.sublabel.as_str()) {
            last_sub = Some(c.sublabel.clone());
            if !c.sublabel.is_empty() {
                text(
                    &mut o,
                    "axis sub",
                    cx,
                    h - mb + 31.0,
                    Some("middle"),
                    &c.sublabel,
                );
            }
        }
        o.push_str("</g>");
    }
    close_with_baseline(&mut o, (ml, y(0.0)), (w - mr, y(0.0)));
    o
}
