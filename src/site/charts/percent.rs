//! Percentages as bars: the stage conversion chart and the small progress
//! bars of the attainment tables.

use super::{F, esc, fit, is_narrow, open_svg};
use crate::money::Ratio;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

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
