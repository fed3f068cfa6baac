//! The cells every page is made of (links, sortable numbers, badges,
//! headline cards, facts, pagers) and the small builders shared by all views.

use super::{LIST_PAGE_ROWS, SECTION_ROWS, Site};
use crate::analytics::Status;
use crate::money::{Money, Ratio};
use crate::site::i18n::Fmt;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

/// A list on a page, cut to a size a page can hold.
#[derive(Debug, Clone, Serialize)]
pub struct Section<T> {
    /// The rows shown.
    pub rows: Vec<T>,
    /// How many there are in all.
    pub total: usize,
    /// "Showing the first 500 of 1,234." when cut, else empty.
    pub note: String,
}

/// A link: the text and, when the target exists, its path from the root.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Text shown.
    pub text: String,
    /// Path relative to the site root; none when there is no page.
    pub href: Option<String>,
}

/// A table value: shown text and the raw value to sort by.
#[derive(Debug, Clone, Serialize)]
pub struct Num {
    /// Raw sort value (a number or ISO date; empty when undefined).
    pub v: String,
    /// Text shown.
    pub s: String,
}

/// A badge: code (for styling), text and a longer explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    /// Machine code, e.g. a risk signal or a status.
    pub code: String,
    /// Label.
    pub text: String,
    /// Tooltip.
    pub title: String,
}

/// A headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    /// Stable key (tests find cards by it: `data-kpi`).
    pub key: &'static str,
    /// Label.
    pub label: String,
    /// The figure.
    pub value: String,
    /// A line of context under it.
    pub sub: String,
    /// "good", "fair", "poor" or "" (neutral).
    pub tone: &'static str,
    /// Page with the detail.
    pub href: Option<String>,
    /// Progress bar SVG (may be empty).
    pub bar: String,
}

/// Links between the pages of a split list.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// Every page.
    pub pages: Vec<PagerItem>,
    /// The previous page.
    pub prev: Option<String>,
    /// The next page.
    pub next: Option<String>,
    /// "Rows 1–1000 of 60,000".
    pub range: String,
    /// The note that sorting and filtering apply to the page shown.
    pub note: String,
}

/// One page of a split list.
#[derive(Debug, Clone, Serialize)]
pub struct PagerItem {
    /// 1-based.
    pub n: usize,
    /// Path from the root.
    pub href: String,
    /// Whether it is the page shown.
    pub current: bool,
}

/// A label and a value (facts of a deal or an account).
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Label.
    pub label: String,
    /// Value.
    pub value: String,
    /// Where it links, if anywhere.
    pub href: Option<String>,
}

/// The page's place: what templates receive besides the view.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// The page's own path, e.g. `deals/x.html`.
    pub path: String,
    /// `""` at the top level, `"../"` one folder down: prefix of every link.
    pub root: &'static str,
    /// The nav entry to highlight.
    pub section: &'static str,
    /// Title of the page (without the organisation).
    pub title: String,
}

pub(super) fn num_money(fm: &Fmt, m: Money) -> Num {
    Num {
        v: m.to_string(),
        s: fm.money(m),
    }
}

pub(super) fn num_opt_money(fm: &Fmt, m: Option<Money>) -> Num {
    Num {
        v: m.map(|m| m.to_string()).unwrap_or_default(),
        s: fm.opt_money(m),
    }
}

pub(super) fn num_ratio(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: r.map(|r| r.to_string()).unwrap_or_default(),
        s: fm.percent(r),
    }
}

pub(super) fn num_multiple(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: r.map(|r| r.to_string()).unwrap_or_default(),
        s: fm.multiple(r),
    }
}

pub(super) fn num_count(fm: &Fmt, n: usize) -> Num {
    Num {
        v: n.to_string(),
        s: fm.count(n),
    }
}

pub(super) fn num_date(d: Option<Date>) -> Num {
    Num {
        v: d.map(|d| d.to_string()).unwrap_or_default(),
        s: d.map(|d| d.to_string())
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

pub(super) fn num_int(n: Option<i64>) -> Num {
    Num {
        v: n.map(|n| n.to_string()).unwrap_or_default(),
        s: n.map(|n| n.to_string())
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

pub(super) fn num_dec(d: Option<Decimal>, unit: &str) -> Num {
    Num {
        v: d.map(|d| d.to_string()).unwrap_or_default(),
        s: d.map(|d| format!("{d}{unit}"))
            .unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

impl Site<'_> {
    pub(super) fn signal_tag(&self, code: &str) -> Tag {
        Tag {
            code: code.to_string(),
            text: self.i.of("risk", code).to_string(),
            title: self.i.get(&format!("risk_{code}_desc")).to_string(),
        }
    }

    pub(super) fn status_tag(&self, s: Status) -> Tag {
        let code = match s {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        };
        Tag {
            code: code.into(),
            text: self.i.of("status", code).into(),
            title: String::new(),
        }
    }

    pub(super) fn pager(
        &self,
        n: usize,
        total_rows: usize,
        href: impl Fn(usize) -> String,
    ) -> Option<Pager> {
        let pages = total_rows.div_ceil(LIST_PAGE_ROWS);
        if pages <= 1 {
            return None;
        }
        let from = (n - 1) * LIST_PAGE_ROWS + 1;
        let to = (n * LIST_PAGE_ROWS).min(total_rows);
        Some(Pager {
            pages: (1..=pages)
                .map(|k| PagerItem {
                    n: k,
                    href: href(k),
                    current: k == n,
                })
                .collect(),
            prev: (n > 1).then(|| href(n - 1)),
            next: (n < pages).then(|| href(n + 1)),
            range: self.i.fill(
                "rows_range",
                &[
                    ("from", &self.fm.count(from)),
                    ("to", &self.fm.count(to)),
                    ("total", &self.fm.count(total_rows)),
                ],
            ),
            note: self
                .i
                .fill("paged_note", &[("n", &self.fm.count(LIST_PAGE_ROWS))]),
        })
    }

    /// The first [`SECTION_ROWS`] of a list, with the note when cut.
    pub(super) fn section<T>(&self, ix: &[usize], line: impl Fn(usize) -> T) -> Section<T> {
        let total = ix.len();
        Section {
            rows: ix.iter().take(SECTION_ROWS).map(|&k| line(k)).collect(),
            total,
            note: if total > SECTION_ROWS {
                self.i.fill(
                    "show_first",
                    &[
                        ("n", &self.fm.count(SECTION_ROWS)),
                        ("total", &self.fm.count(total)),
                    ],
                )
            } else {
                String::new()
            },
        }
    }
}
