//! The satisfaction chart: an account's scores (0–10) over time as a line.

use super::{F, Spaced, anchor_within, open_svg, text, time_x, y_tick};
use jiff::civil::Date;
use std::fmt::Write as _;

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
    let at = time_x(first, last, ml, pw);
    let x = |d: Date| {
        if points.len() == 1 {
            ml + pw / 2.0
        } else {
            at(d)
        }
    };
    let y = |s: f64| mt + ph - s / 10.0 * ph;
    o.push_str(r#"<g class="grid">"#);
    for s in [0, 5, 10] {
        y_tick(&mut o, y(s as f64), ml, w - mr, &s.to_string());
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
    let mut labelled = Spaced::default();
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
        if labelled.take(px) {
            let anchor = anchor_within(px, ml + 40.0, f64::INFINITY);
            text(
                &mut o,
                "axis",
                px,
                h - mb + 18.0,
                Some(anchor),
                &d.to_string(),
            );
        }
    }
    o.push_str("</svg>");
    o
}
