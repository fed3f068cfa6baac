//! The cells every page is made of (links, sortable numbers, badges,
//! headline cards, facts, pagers) and the small builders shared by all views.

use super::{LIST_PAGE_ROWS, SECTION_ROWS, Site};
use crate::analytics::Status;
use crate::money::{Money, Ratio};
use crate::period::{Grain, Period};
use crate::site::charts;
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

/// The footer of a list of deals: how many, and their amount and weighted
/// amount (`app.js` recomputes it for the rows a filter shows).
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// "107 deals".
    pub label: String,
    /// How many.
    pub count: usize,
    /// Their amount.
    pub amount: Num,
    /// Their weighted amount.
    pub weighted: Num,
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
    /// The window the figure is for: "This quarter · 2026-Q3", "All open
    /// deals, now", "Trailing 12 months"…
    pub window: String,
    /// The figure, money in the compact style of the locale (the style of
    /// the charts: "¥1.23M", "¥123.5万"; see [`Fmt::card`]).
    pub value: String,
    /// The exact figure, when `value` is rounded ("¥1,234,567"): the
    /// card's tooltip.
    pub exact: String,
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
    /// The note that the list is split, and that a filter covers all pages.
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

impl Link {
    /// A link to `href`.
    pub(super) fn to(text: impl Into<String>, href: String) -> Link {
        Link {
            text: text.into(),
            href: Some(href),
        }
    }

    /// Text that links nowhere.
    pub(super) fn text(text: impl Into<String>) -> Link {
        Link {
            text: text.into(),
            href: None,
        }
    }

    /// A link to `path(id)` when the item exists (`name` is its name), else
    /// the bare id as text.
    pub(super) fn named(name: Option<&str>, id: &str, path: fn(&str) -> String) -> Link {
        match name {
            Some(name) => Link::to(name, path(id)),
            None => Link::text(id),
        }
    }
}

impl Fact {
    /// A fact that links nowhere.
    pub(super) fn text(label: impl Into<String>, value: impl Into<String>) -> Fact {
        Fact {
            label: label.into(),
            value: value.into(),
            href: None,
        }
    }

    /// A fact shown as a link.
    pub(super) fn link(label: impl Into<String>, link: Link) -> Fact {
        Fact {
            label: label.into(),
            value: link.text,
            href: link.href,
        }
    }
}

impl Num {
    /// An empty cell (no value, nothing shown).
    pub(super) fn blank() -> Num {
        Num {
            v: String::new(),
            s: String::new(),
        }
    }
}

impl Tag {
    /// A badge without a longer explanation.
    pub(super) fn plain(code: impl Into<String>, text: impl Into<String>) -> Tag {
        Tag {
            code: code.into(),
            text: text.into(),
            title: String::new(),
        }
    }
}

impl Kpi {
    /// A neutral card that links nowhere and has no bar.
    pub(super) fn new(
        key: &'static str,
        label: impl Into<String>,
        value: String,
        sub: impl Into<String>,
    ) -> Kpi {
        Kpi {
            key,
            label: label.into(),
            window: String::new(),
            value,
            exact: String::new(),
            sub: sub.into(),
            tone: "",
            href: None,
            bar: String::new(),
        }
    }

    /// A card of an amount of money: compact, exact in the tooltip.
    pub(super) fn money(
        key: &'static str,
        label: impl Into<String>,
        fm: &Fmt,
        m: Money,
        sub: impl Into<String>,
    ) -> Kpi {
        Kpi {
            exact: fm.money(m),
            ..Kpi::new(key, label, fm.card(m), sub)
        }
    }

    /// The card with the window its figure is for.
    pub(super) fn window(self, window: impl Into<String>) -> Kpi {
        Kpi {
            window: window.into(),
            ..self
        }
    }

    /// The card with a tone ("good", "fair", "poor" or "").
    pub(super) fn tone(self, tone: &'static str) -> Kpi {
        Kpi { tone, ..self }
    }

    /// The card linking to `href` (none: nowhere).
    pub(super) fn href(self, href: impl Into<Option<String>>) -> Kpi {
        Kpi {
            href: href.into(),
            ..self
        }
    }

    /// The card with a progress bar.
    pub(super) fn bar(self, bar: String) -> Kpi {
        Kpi { bar, ..self }
    }
}

/// The sort value of a figure that may be undefined (empty then).
fn sort_value<T: ToString>(x: Option<T>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// A figure that may be undefined, shown by `show`, or "—".
pub(super) fn num_or_none<T: ToString + Copy>(x: Option<T>, show: impl Fn(T) -> String) -> Num {
    Num {
        v: sort_value(x),
        s: x.map(show).unwrap_or_else(|| crate::fmt::NONE.into()),
    }
}

pub(super) fn num_money(fm: &Fmt, m: Money) -> Num {
    Num {
        v: m.to_string(),
        s: fm.money(m),
    }
}

pub(super) fn num_opt_money(fm: &Fmt, m: Option<Money>) -> Num {
    Num {
        v: sort_value(m),
        s: fm.opt_money(m),
    }
}

pub(super) fn num_ratio(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: sort_value(r),
        s: fm.percent(r),
    }
}

pub(super) fn num_multiple(fm: &Fmt, r: Option<Ratio>) -> Num {
    Num {
        v: sort_value(r),
        s: fm.multiple(r),
    }
}

pub(super) fn num_count(fm: &Fmt, n: usize) -> Num {
    Num {
        v: n.to_string(),
        s: fm.count(n),
    }
}

pub(super) fn num_probability(fm: &Fmt, p: Decimal) -> Num {
    Num {
        v: p.to_string(),
        s: fm.probability(p),
    }
}

pub(super) fn num_date(d: Option<Date>) -> Num {
    num_or_none(d, |d| d.to_string())
}

pub(super) fn num_int(n: Option<i64>) -> Num {
    num_or_none(n, |n| n.to_string())
}

pub(super) fn num_dec(d: Option<Decimal>, unit: &str) -> Num {
    num_or_none(d, |d| format!("{d}{unit}"))
}

/// A satisfaction score out of 10.
pub(super) fn num_score(s: Option<u8>) -> Num {
    num_or_none(s, |s| format!("{s}/10"))
}

impl Site<'_> {
    /// A risk signal's badge, explained.
    pub(super) fn signal_tag(&self, code: &str) -> Tag {
        Tag {
            code: code.to_string(),
            text: self.i.of("risk", code).to_string(),
            title: self.i.get(&format!("risk_{code}_desc")).to_string(),
        }
    }

    /// A badge for `code`, labelled from the `group` labels (`tier`,
    /// `buying`, `attitude`…).
    pub(super) fn label_tag(&self, group: &str, code: &str) -> Tag {
        Tag::plain(code, self.i.of(group, code))
    }

    pub(super) fn status_tag(&self, s: Status) -> Tag {
        let code = match s {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        };
        self.label_tag("status", code)
    }

    /// The window of a figure for `period`: "This quarter · 2026-Q3",
    /// "This fiscal year · 2026", else "Quarter 2026-Q4", "Fiscal year
    /// 2025", "Month 2026-11".
    pub(super) fn window_of(&self, period: Period) -> String {
        let p = period.to_string();
        let cur = &self.a.current;
        let key = if period == cur.quarter {
            "window_this_quarter"
        } else if period == cur.year {
            "window_this_year"
        } else {
            match period.grain() {
                Grain::Year => "window_year",
                Grain::Quarter => "window_quarter",
                Grain::Month => "window_month",
            }
        };
        self.i.fill(key, &[("period", &p)])
    }

    /// The footer of a list of the deals in rows `rows` of the analytics:
    /// their count and amount, and the weighted total as the forecast
    /// counts it (won + Σ open amount × probability: a closed deal shows
    /// no weighted amount of its own, but a won one counts in full).
    pub(super) fn deal_totals(&self, rows: &[usize]) -> Totals {
        let (amount, weighted) = rows.iter().fold((Money::ZERO, Money::ZERO), |(a, w), &k| {
            let d = &self.a.deals[k];
            (a + d.amount_reporting, w + d.weighted)
        });
        Totals {
            label: self.i.fill("n_deals", &[("n", &self.fm.count(rows.len()))]),
            count: rows.len(),
            amount: num_money(&self.fm, amount),
            weighted: num_money(&self.fm, weighted),
        }
    }

    /// Pages of a list of `rows` rows.
    pub fn page_count(rows: usize) -> usize {
        rows.div_ceil(LIST_PAGE_ROWS).max(1)
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

    /// The note under a list that shows `shown` of `total` rows (`key`
    /// words it), empty when it shows them all.
    pub(super) fn cut_note(&self, key: &str, shown: usize, total: usize) -> String {
        if shown < total {
            self.i.fill(
                key,
                &[
                    ("n", &self.fm.count(shown)),
                    ("total", &self.fm.count(total)),
                ],
            )
        } else {
            String::new()
        }
    }

    /// The first [`SECTION_ROWS`] of a list, with the note when cut.
    pub(super) fn section<T>(&self, ix: &[usize], line: impl Fn(usize) -> T) -> Section<T> {
        let total = ix.len();
        Section {
            rows: ix.iter().take(SECTION_ROWS).map(|&k| line(k)).collect(),
            total,
            note: self.cut_note("show_first", total.min(SECTION_ROWS), total),
        }
    }

    /// "72% of $1.2M target" under a won amount, or "no target".
    pub(super) fn target_sub(&self, attainment: Option<Ratio>, target: Option<Money>) -> String {
        let (fm, i) = (&self.fm, &self.i);
        match target {
            Some(t) => i.fill(
                "of_target",
                &[("pct", &fm.percent(attainment)), ("target", &fm.card(t))],
            ),
            None => i.get("no_target").into(),
        }
    }

    /// A card of the amount won against its target, with the attainment bar.
    pub(super) fn won_card(
        &self,
        key: &'static str,
        label: impl Into<String>,
        won: Money,
        target: Option<Money>,
        attainment: Option<Ratio>,
    ) -> Kpi {
        Kpi::money(
            key,
            label,
            &self.fm,
            won,
            self.target_sub(attainment, target),
        )
        .bar(charts::progress(attainment))
    }

    /// A card of the commit against the target: "82% of ¥1.2M target ·
    /// won + open commit".
    pub(super) fn commit_card(&self, commit: Money, target: Option<Money>) -> Kpi {
        let against = target.and_then(|t| commit.ratio(t));
        Kpi::money(
            "commit",
            self.i.get("commit"),
            &self.fm,
            commit,
            format!(
                "{} · {}",
                self.target_sub(against, target),
                self.i.get("commit_sub")
            ),
        )
        .bar(charts::progress(against))
    }

    /// The coverage card: the multiple, and the gap to the target it covers.
    pub(super) fn coverage_card(&self, coverage: Option<Ratio>, gap: Option<Money>) -> Kpi {
        let (fm, i) = (&self.fm, &self.i);
        let sub = match gap {
            Some(g) if g.get() > Decimal::ZERO => i.fill("coverage_sub", &[("gap", &fm.card(g))]),
            _ => i.get("coverage_none").into(),
        };
        Kpi::new("coverage", i.get("coverage"), fm.multiple(coverage), sub)
    }
}

/// The rows of page `n` (1-based) of a list split in pages.
pub(super) fn on_page<I: Iterator>(rows: I, n: usize) -> impl Iterator<Item = I::Item> {
    rows.skip((n - 1) * LIST_PAGE_ROWS).take(LIST_PAGE_ROWS)
}
