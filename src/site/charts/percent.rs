//! Percentages as bars: the stage conversion chart and the small progress
//! bars of the attainment tables.

use super::{
    F, anchor_within, beside, esc, fit, is_narrow, name_left, open_svg, rect, row_bar, text,
    text_w, x_tick,
};
use crate::money::Ratio;
use rust_decimal::prelude::ToPrimitive;

/// Horizontal bars of percentages (stage conversion), 0–100%. Narrow: the
/// label sits above its bar.
pub fn percent_bars(
    id: &str,
    title: &str,
    desc: &str,
    rows: &[(String, Option<Ratio>)],
    w: f64,
) -> String {
    // Names left of the bars when the longest fits in under half the
    // width, else above them (as on phones): a name is never cut short.
    let widest = rows.iter().map(|(l, _)| text_w(l)).fold(0.0, f64::max);
    let narrow = is_narrow(w) || widest + 14.0 > w * 0.45;
    let row = if narrow { 44.0 } else { 30.0 };
    let (ml, mr, mt, mb) = if narrow {
        (10.0, 50.0, 8.0, 24.0)
    } else {
        ((widest + 14.0).max(120.0), 60.0, 10.0, 24.0)
    };
    let h = mt + mb + row * rows.len().max(1) as f64;
    let pw = w - ml - mr;
    let mut o = String::with_capacity(2048);
    open_svg(&mut o, id, w, h, "percent", title, desc);
    o.push_str(r#"<g class="grid">"#);
    for p in [0, 25, 50, 75, 100] {
        let xx = ml + pw * p as f64 / 100.0;
        let anchor = anchor_within(xx, ml + 12.0, w - 20.0);
        x_tick(&mut o, xx, mt, h - mb, anchor, &format!("{p}%"));
    }
    o.push_str("</g>");
    for (k, (label, r)) in rows.iter().enumerate() {
        let (bh, yb) = row_bar(mt, row, k, if narrow { (0.36, 0.5) } else { (0.62, 0.19) });
        let v = r.map(|r| r.get().to_f64().unwrap_or(0.0)).unwrap_or(0.0);
        let bw = pw * v.clamp(0.0, 1.0);
        let shown = crate::fmt::percent(*r);
        o.push_str(r#"<g class="bar">"#);
        if narrow {
            text(&mut o, "lbl", ml, yb - 5.0, None, &fit(label, w - ml - 6.0));
        } else {
            name_left(&mut o, ml, yb, bh, label);
        }
        rect(
            &mut o,
            "s-commit",
            (ml, yb),
            (bw, bh),
            &format!("{label}: {shown}"),
        );
        text(&mut o, "val", ml + bw + 6.0, beside(yb, bh), None, &shown);
        o.push_str("</g>");
    }
    o.push_str("</svg>");
    o
}

/// A small progress bar for tables and cards: the ratio on a 0–100% scale
/// (the bar's end is the target); past 100% the bar is full and its end
/// is marked with a notch (class `over`), the value itself is written next
/// to it. The value is the accessible name.
pub fn progress(r: Option<Ratio>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    let v = r.get().to_f64().unwrap_or(0.0).max(0.0);
    let wv = v.min(1.0) * 100.0;
    let class = if v >= 1.0 {
        "good"
    } else if v >= 0.7 {
        "fair"
    } else {
        "poor"
    };
    let over = if v > 1.0 {
        r#"<path class="over" d="M100,0 L100,10 L94,5 Z"/>"#
    } else {
        ""
    };
    format!(
        r#"<svg class="progress {class}{}" viewBox="0 0 100 10" width="100" height="10" preserveAspectRatio="none" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><rect class="track" width="100" height="10" rx="2"/><rect class="fill" width="{}" height="10" rx="2"/>{over}</svg>"#,
        if v > 1.0 { " over" } else { "" },
        esc(&crate::fmt::percent(Some(r))),
        F(wv),
    )
}

#[cfg(test)]
mod tests {
    use super::progress;
    use crate::money::Ratio;

    #[test]
    fn progress_runs_to_100_and_marks_overshoot() {
        let half = progress(Ratio::of_counts(1, 2));
        assert!(half.contains(r#"class="fill" width="50""#), "{half}");
        assert!(!half.contains("over"), "{half}");
        let over = progress(Ratio::of_counts(3, 2));
        assert!(over.contains(r#"class="fill" width="100""#), "{over}");
        assert!(over.contains(r#"class="progress good over""#), "{over}");
        assert!(over.contains(r#"<path class="over""#), "{over}");
        assert!(over.contains(r#"aria-label="150.0%""#), "{over}");
        assert_eq!(progress(None), "");
    }
}
