//! A small table type rendered either as aligned text (columns measured in
//! display width, so Chinese names line up) or as a Markdown table.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A titled table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Heading above the table.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Alignment per column.
    pub align: Vec<Align>,
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
    /// Shown instead of the table when there are no rows.
    pub empty: String,
    /// Column that may be truncated to fit the width (text output only).
    pub flex: Option<usize>,
    /// Shorter headers for text output, where width is scarce.
    pub short: Option<Vec<String>>,
    /// Widest a column may be in text output (cut with "…").
    pub max: Vec<Option<usize>>,
    /// Column printed on its own indented line under each row in text
    /// output (a normal column in Markdown).
    pub detail: Option<usize>,
}

impl Table {
    /// A table with headers; `right` lists the right-aligned columns.
    pub fn new(title: impl Into<String>, headers: &[&str], right: &[usize]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            align: (0..headers.len())
                .map(|i| {
                    if right.contains(&i) {
                        Align::Right
                    } else {
                        Align::Left
                    }
                })
                .collect(),
            rows: Vec::new(),
            empty: "none".into(),
            flex: None,
            detail: None,
            max: vec![None; headers.len()],
            short: None,
        }
    }

    /// Limits a column's width in text output.
    pub fn limit(&mut self, col: usize, width: usize) {
        self.max[col] = Some(width);
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.headers.len());
        self.rows.push(cells);
    }
}

/// Cuts `s` to at most `width` columns, ending with "…" when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(s.width()));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

/// Aligned text, at most `max_width` columns wide when a flex column can
/// be cut (the title is cut to the width too). `bold` styles the title and
/// headers.
pub fn text(t: &Table, max_width: usize, bold: bool) -> String {
    // Control characters and bidi controls in user text are shown as
    // escapes (they could recolour the terminal or reorder the line).
    let shown;
    let t = if std::iter::once(&t.title)
        .chain(t.rows.iter().flatten())
        .any(|c| matches!(crate::diag_out::printable(c), std::borrow::Cow::Owned(_)))
    {
        let mut c = t.clone();
        for cell in std::iter::once(&mut c.title).chain(c.rows.iter_mut().flatten()) {
            *cell = crate::diag_out::printable(cell).into_owned();
        }
        shown = c;
        &shown
    } else {
        t
    };
    let (b, r) = if bold {
        let s = anstyle::Style::new().bold();
        (format!("{s}"), format!("{s:#}"))
    } else {
        (String::new(), String::new())
    };
    let mut out = format!("{b}{}{r}\n", truncate(&t.title, max_width));
    if t.rows.is_empty() {
        out.push_str(&format!("  {}\n\n", t.empty));
        return out;
    }
    let n = t.headers.len();
    let headers = t.short.as_ref().unwrap_or(&t.headers);
    let shown: Vec<usize> = (0..n).filter(|&i| Some(i) != t.detail).collect();
    let mut widths: Vec<usize> = (0..n)
        .map(|i| {
            t.rows
                .iter()
                .map(|row| row[i].width())
                .chain(std::iter::once(headers[i].width()))
                .max()
                .unwrap_or(0)
                .min(t.max[i].unwrap_or(usize::MAX))
        })
        .collect();
    let total =
        |w: &[usize]| 2 + shown.iter().map(|&i| w[i]).sum::<usize>() + 2 * (shown.len() - 1);
    if let Some(f) = t.flex
        && total(&widths) > max_width
    {
        let others = total(&widths) - widths[f];
        widths[f] = max_width
            .saturating_sub(others)
            .max(headers[f].width())
            .max(8);
    }
    let line = |cells: &[String]| {
        let parts: Vec<String> = shown
            .iter()
            .map(|&i| pad(&truncate(&cells[i], widths[i]), widths[i], t.align[i]))
            .collect();
        format!("  {}", parts.join("  ")).trim_end().to_string() + "\n"
    };
    out.push_str(&format!("{b}{}{r}", line(headers)));
    for row in &t.rows {
        out.push_str(&line(row));
        if let Some(d) = t.detail {
            out.push_str(&format!(
                "      {}\n",
                truncate(&row[d], max_width.saturating_sub(6))
            ));
        }
    }
    out.push('\n');
    out
}

/// Escapes text for a Markdown table cell (and for GitHub's and GitLab's
/// renderers: no raw HTML, no accidental emphasis, links or pipes, and no
/// GFM autolink: `://` becomes `\://`, `www.` becomes `www\.` and `@`
/// becomes `\@`, which every CommonMark renderer shows as the plain
/// character, so a URL or e-mail address in someone's text is never made a
/// link), isolating right-to-left text and bidi controls
/// ([`crate::bidi`]).
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Vec<char> = Vec::with_capacity(3);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let www = c == '.' && prev.len() == 3 && prev.iter().all(|p| p.eq_ignore_ascii_case(&'w'));
        if (c == ':' && chars.peek() == Some(&'/')) || c == '@' || www {
            out.push('\\');
            out.push(c);
        } else {
            match c {
                '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\n' | '\r' => out.push(' '),
                _ => out.push(c),
            }
        }
        if prev.len() == 3 {
            prev.remove(0);
        }
        prev.push(c);
    }
    crate::bidi::isolate(s, out)
}

/// A table cell in Markdown: escaped, and its leading spaces (the
/// indentation of the text output) made non-breaking, since Markdown
/// renderers trim the spaces at the edges of a cell.
fn md_cell(s: &str) -> String {
    let trimmed = s.trim_start_matches(' ');
    let indent = s.len() - trimmed.len();
    format!("{}{}", "\u{a0}".repeat(indent), md_escape(trimmed))
}

/// A Markdown table under a `###` heading.
pub fn markdown(t: &Table) -> String {
    let mut out = format!("### {}\n\n", md_escape(&t.title));
    if t.rows.is_empty() {
        out.push_str(&format!("_{}_\n\n", md_escape(&t.empty)));
        return out;
    }
    out.push_str(&format!(
        "| {} |\n",
        t.headers
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    out.push_str(&format!(
        "|{}|\n",
        t.align
            .iter()
            .map(|a| if *a == Align::Right { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    ));
    for row in &t.rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter()
                .map(|c| md_cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_wide_characters() {
        let mut t = Table::new("T", &["Name", "Won"], &[1]);
        t.row(vec!["张敏".into(), "1.2M".into()]);
        t.row(vec!["Li".into(), "950K".into()]);
        let s = text(&t, 80, false);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[2], "  张敏  1.2M");
        assert_eq!(lines[3], "  Li    950K");
    }

    #[test]
    fn truncates_flex_column_to_width() {
        let mut t = Table::new("T", &["A", "Reason"], &[]);
        t.flex = Some(1);
        t.row(vec!["x".into(), "a very long reason ".repeat(10)]);
        let s = text(&t, 40, false);
        assert!(s.lines().all(|l| l.width() <= 40), "{s}");
        assert!(s.contains('…'));
    }

    #[test]
    fn markdown_defuses_autolinks_and_keeps_indentation() {
        assert_eq!(
            md_escape("see https://x.io, WWW.y.com or a@b.cn"),
            "see https\\://x.io, WWW\\.y.com or a\\@b.cn"
        );
        assert_eq!(md_escape("10:30 at www"), "10:30 at www");
        assert_eq!(md_cell("  张敏"), "\u{a0}\u{a0}张敏");
    }

    #[test]
    fn markdown_escapes_user_text() {
        assert_eq!(
            md_escape("a|b <script> *x*"),
            "a\\|b &lt;script&gt; \\*x\\*"
        );
    }
}
