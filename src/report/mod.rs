//! `dealbook report`: the analytics as terminal tables, Markdown, CSV or
//! one JSON document, for a period and optionally one team or person.
//! Formatting only; every figure comes from [`crate::analytics`].

mod csv;
mod filter;
mod sections;
pub mod table;

use crate::analytics::Analytics;
use crate::model::Pipeline;
use crate::period::Period;

pub use self::csv::{BOM, CsvTable, csv};
pub use filter::{Filter, filter};
pub use sections::sections;

/// The name of a risk signal (`overdue_close` → "Close date passed"), as
/// the site shows it in English.
pub fn signal_name(code: &str) -> &'static str {
    use std::sync::OnceLock;
    static EN: OnceLock<crate::site::i18n::I18n> = OnceLock::new();
    EN.get_or_init(|| crate::site::i18n::I18n::new(crate::model::Locale::En))
        .of("risk", code)
}

/// The header line of the table and Markdown formats.
pub fn header(a: &Analytics, period: Period) -> String {
    format!(
        "{} · {} · as of {} · {}",
        if a.org.is_empty() {
            "dealbook"
        } else {
            a.org.as_str()
        },
        period,
        a.as_of,
        a.currency
    )
}

/// Terminal tables, fitting 80 columns.
pub fn text(a: &Analytics, p: &Pipeline, period: Period, color: bool) -> String {
    let mut out = format!("{}\n\n", table::truncate(&header(a, period), 80));
    for t in sections(a, p, period) {
        out.push_str(&table::text(&t, 80, color));
    }
    out
}

/// Markdown.
pub fn markdown(a: &Analytics, p: &Pipeline, period: Period) -> String {
    let mut out = format!("## {}\n\n", table::md_escape(&header(a, period)));
    for t in sections(a, p, period) {
        out.push_str(&table::markdown(&t));
    }
    out
}

/// User text for a CSV cell: a leading `=`, `+`, `-`, `@`, tab or CR
/// would make spreadsheets run it as a formula, so it gets a `'` prefix.
pub fn safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The JSON document (`p` is the pipeline `a` was computed from).
pub fn json(a: &Analytics, p: &Pipeline) -> String {
    let mut s = serde_json::to_string_pretty(&a.document(p)).expect("analytics serialise");
    s.push('\n');
    s
}
