//! The win rate against each competitor per quarter (the Win/loss page): a
//! grid with a row per competitor and a column per quarter; each cell a
//! bar of the win rate (0–100 %) with its value, or a dash when no deal
//! that named the competitor closed in the quarter. Small multiples rather
//! than lines, so competitors never need telling apart by colour.

use super::{F, esc, fit, is_narrow, open_svg, text};
use crate::money::Ratio;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write as _;

/// One cell: a quarter against one competitor.
#[derive(Debug, Clone)]
pub struct RateCell {
    /// Won against the competitor in the quarter.
    pub won: usize,
    /// Lost to it.
    pub lost: usize,
    /// won ÷ (won + lost).
    pub rate: Option<Ratio>,
}

/// A row of the grid.
#[derive(Debug, Clone)]
pub struct RateRow {
    /// The competitor.
    pub name: String,
    /// One cell per quarter, in the order of the columns.
    pub cells: Vec<RateCell>,
}

/// The words of the chart: title, description, the tooltip of a cell
/// (`{name}`, `{quarter}`, `{won}`, `{lost}`, `{rate}`) and of an empty one
/// (`{name}`, `{quarter}`).
pub struct RateWords<'a> {
    /// Title.
    pub title: &'a str,
    /// What the chart shows.
    pub desc: &'a str,
    /// Tooltip of a cell with closed deals.
    pub tip: &'a str,
    /// Tooltip of a cell without.
    pub none: &'a str,
}

fn fill(s: &str, args: &[(&str, &str)]) -> String {
    let mut s = s.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// The grid for `quarters` (labels like "2026-Q1"), `w` wide.
pub fn win_rates(
    id: &str,
    words: &RateWords<'_>,
    quarters: &[String],
    rows: &[RateRow],
    w: f64,
) -> String {
    let narrow = is_narrow(w);
    let n = quarters.len().max(1) as f64;
    // Wide: names in a left margin. Narrow: each name above its row.
    let (ml, mr) = if narrow { (6.0, 6.0) } else { (190.0, 10.0) };
    let head = 34.0;
    let bar_h = if narrow { 30.0 } else { 34.0 };
    let row_h = if narrow { bar_h + 40.0 } else { bar_h + 22.0 };
    let h = head + row_h * rows.len().max(1) as f64 + 6.0;
    let col = (w - ml - mr) / n;
    let mut o = String::with_capacity(4096);
    open_svg(&mut o, id, w, h, "winrate", words.title, words.desc);
    // Column heads: the quarter, and the year under the first quarter of
    // each year.
    o.push_str(r#"<g class="heads">"#);
    let mut last_year = "";
    for (k, q) in quarters.iter().enumerate() {
        let cx = ml + col * (k as f64 + 0.5);
        let (year, part) = q.split_once('-').unwrap_or(("", q.as_str()));
        text(&mut o, "axis", cx, 13.0, Some("middle"), part);
        if year != last_year {
            text(&mut o, "axis sub", cx, 27.0, Some("middle"), year);
            last_year = year;
        }
    }
    o.push_str("</g>");
    let bw = (col * 0.5).min(30.0);
    for (r, row) in rows.iter().enumerate() {
        let top = head + row_h * r as f64;
        let base = top + row_h - if narrow { 4.0 } else { 8.0 };
        let _ = write!(o, r#"<g class="row">"#);
        if narrow {
            text(
                &mut o,
                "lbl",
                ml,
                top + 12.0,
                None,
                &fit(&row.name, w - 12.0),
            );
        } else {
            text(
                &mut o,
                "lbl",
                ml - 10.0,
                base - bar_h / 2.0 + 4.0,
                Some("end"),
                &fit(&row.name, ml - 16.0),
            );
        }
        for (k, cell) in row.cells.iter().enumerate() {
            let cx = ml + col * (k as f64 + 0.5);
            let q = quarters.get(k).map(String::as_str).unwrap_or_default();
            let _ = write!(
                o,
                r#"<g class="cell"><rect class="track" x="{}" y="{}" width="{}" height="{}"/>"#,
                F(cx - bw / 2.0),
                F(base - bar_h),
                F(bw),
                F(bar_h)
            );
            match cell.rate {
                Some(rate) => {
                    let v = rate.get().to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
                    let shown = crate::fmt::percent(Some(rate));
                    let tip = fill(
                        words.tip,
                        &[
                            ("name", &row.name),
                            ("quarter", q),
                            ("won", &cell.won.to_string()),
                            ("lost", &cell.lost.to_string()),
                            ("rate", &shown),
                        ],
                    );
                    let bh = (bar_h * v).max(if v > 0.0 { 1.0 } else { 0.0 });
                    let _ = write!(
                        o,
                        r#"<rect class="s-won" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>"#,
                        F(cx - bw / 2.0),
                        F(base - bh),
                        F(bw),
                        F(bh),
                        esc(&tip)
                    );
                    // Whole percentages in the cell; the tooltip is exact.
                    let whole = format!("{}%", (v * 100.0).round() as i64);
                    text(
                        &mut o,
                        "val",
                        cx,
                        base - bar_h - 4.0,
                        Some("middle"),
                        &whole,
                    );
                }
                None => {
                    let tip = fill(words.none, &[("name", &row.name), ("quarter", q)]);
                    let _ = write!(
                        o,
                        r#"<text class="axis none" x="{}" y="{}" text-anchor="middle">–<title>{}</title></text>"#,
                        F(cx),
                        F(base - bar_h / 2.0 + 4.0),
                        esc(&tip)
                    );
                }
            }
            o.push_str("</g>");
        }
        o.push_str("</g>");
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_and_show_rates() {
        let words = RateWords {
            title: "<t>",
            desc: "d",
            tip: "{name} {quarter}: {won} won, {lost} lost, {rate}",
            none: "{name} {quarter}: none",
        };
        let rows = [RateRow {
            name: "<script>".into(),
            cells: vec![
                RateCell {
                    won: 1,
                    lost: 1,
                    rate: Ratio::of_counts(1, 2),
                },
                RateCell {
                    won: 0,
                    lost: 0,
                    rate: None,
                },
            ],
        }];
        let q = ["2026-Q1".to_string(), "2026-Q2".to_string()];
        let s = win_rates("c", &words, &q, &rows, super::super::WIDE);
        assert!(!s.contains("<script>") && !s.contains("<t>"), "{s}");
        assert!(
            s.contains("&lt;script&gt; 2026-Q1: 1 won, 1 lost, 50.0%"),
            "{s}"
        );
        assert!(s.contains(">50%<"), "{s}");
        assert!(s.contains("&lt;script&gt; 2026-Q2: none"), "{s}");
    }
}
