//! The funnel chart: open amount and weighted amount per stage, centred.

use super::{
    F, beside, esc, f, fit, is_narrow, name_above, name_left, open_svg, rect, row_bar, text, text_w,
};
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
    /// The list of its deals (from the page), if it links.
    pub href: Option<String>,
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
        let (bh, yb) = row_bar(mt, row, k, if narrow { (0.42, 0.48) } else { (0.7, 0.15) });
        let aw = (f(b.amount) / max * pw).max(if b.count > 0 { 2.0 } else { 0.0 });
        let ww = (f(b.weighted) / max * pw).min(aw);
        let figures = format!("{} · {}", b.count, fm.compact(b.amount));
        if let Some(h) = &b.href {
            let _ = write!(o, r#"<a href="{}">"#, esc(h));
        }
        o.push_str(r#"<g class="bar">"#);
        if narrow {
            let name = fit(&b.name, pw - text_w(&figures) - 10.0);
            name_above(&mut o, (ml, w - mr), yb, &name, &figures);
        } else {
            name_left(&mut o, ml, yb, bh, &fit(&b.name, ml - 12.0));
            text(&mut o, "val", w - mr + 8.0, beside(yb, bh), None, &figures);
        }
        let amount_tip = format!(
            "{}: {}, {}",
            b.name,
            i.count("deals_count", b.count),
            fm.money(b.amount)
        );
        let weighted_tip = format!(
            "{} · {}: {}",
            b.name,
            i.get("weighted_amount"),
            fm.money(b.weighted)
        );
        rect(
            &mut o,
            "s-amount",
            (cx - aw / 2.0, yb),
            (aw, bh),
            &amount_tip,
        );
        rect(
            &mut o,
            "s-won",
            (cx - ww / 2.0, yb),
            (ww, bh),
            &weighted_tip,
        );
        o.push_str("</g>");
        if b.href.is_some() {
            o.push_str("</a>");
        }
    }
    o.push_str("</svg>");
    o
}
