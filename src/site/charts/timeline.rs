//! A deal's timeline: its stages, its moving expected close, and the as-of day.

use super::{Ends, F, Spaced, anchor_within, esc, open_svg, text, text_w, time_x};
use jiff::civil::Date;
use std::fmt::Write as _;

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

/// What a deal's timeline shows.
#[derive(Debug, Clone, Copy)]
pub struct Timeline<'a> {
    /// The chart's title (its accessible name).
    pub title: &'a str,
    /// Its description for screen readers.
    pub desc: &'a str,
    /// The stage segments, oldest first.
    pub segments: &'a [Segment],
    /// The expected closes, in the order they were written.
    pub closes: &'a [Date],
    /// The day the numbers are for (the as-of line).
    pub as_of: Date,
    /// The as-of line's label.
    pub as_of_word: &'a str,
}

/// A deal's timeline `t`, `w` pixels wide, as an SVG with id `id`: stage
/// segments in a lane, expected-close markers (diamonds, joined by arrows
/// when the date moved) in a second lane, and the as-of line.
pub fn timeline(id: &str, t: &Timeline<'_>, w: f64) -> String {
    let Timeline {
        title,
        desc,
        segments: segs,
        closes,
        as_of,
        as_of_word,
    } = *t;
    let h = 150.0;
    let (ml, mr) = (12.0, 12.0);
    let pw = w - ml - mr;
    let mut dates: Vec<Date> = segs.iter().flat_map(|s| [s.from, s.to]).collect();
    dates.extend(closes.iter().copied());
    dates.push(as_of);
    let (Some(lo), Some(hi)) = (dates.iter().min().copied(), dates.iter().max().copied()) else {
        return String::new();
    };
    let x = time_x(lo, hi, ml, pw);
    let mut o = String::with_capacity(4096);
    open_svg(&mut o, id, w, h, "timeline", title, desc);
    let (ly, lh) = (24.0, 32.0);
    for s in segs {
        let (x0, x1) = (x(s.from), x(s.to).max(x(s.from) + 3.0));
        let class = match s.outcome {
            Some("won") => "seg won".to_string(),
            Some(_) => "seg lost".to_string(),
            None if s.back => format!("seg st{} back", s.ix.min(7)),
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
        if s.back {
            // A move back is marked at its start even when the segment is
            // too short for its label: an arrow pointing back.
            let _ = write!(
                o,
                r#"<path class="back-mark" d="M{},{} l9,-5 l0,10 z"><title>{}</title></path>"#,
                F(x0),
                F(ly - 8.0),
                esc(&label)
            );
        }
    }
    // close expectations
    let cy = 86.0;
    let _ = write!(
        o,
        r#"<line class="lane" {}/>"#,
        Ends((ml, cy), (w - mr, cy))
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
    let mut labelled = Spaced::default();
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
        if labelled.take(cx) {
            let anchor = anchor_within(cx, 44.0, w - 44.0);
            text(&mut o, "axis", cx, cy + 22.0, Some(anchor), &d.to_string());
        }
    }
    let ax = x(as_of);
    let as_of_label = format!("{as_of_word} {as_of}");
    let half = text_w(&as_of_label) / 2.0;
    let anchor = anchor_within(ax, half + 4.0, w - half - 4.0);
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
    if ax - ml > half + 90.0 || anchor == "end" && ax - ml > text_w(&as_of_label) + 90.0 {
        text(&mut o, "axis", ml, h - 6.0, None, &lo.to_string());
    }
    o.push_str("</svg>");
    o
}
