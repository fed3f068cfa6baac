//! The funnel chart: open amount and weighted amount per stage, centred.

use super::{F, esc, f, fit, is_narrow, open_svg, text_w};
use crate::money::Money;
use crate::site::i18n::{Fmt, I18n};
use std::fmt::Write as _;

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
