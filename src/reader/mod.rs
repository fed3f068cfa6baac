//! Reads a parsed TOML document against a [`Kind`] of the format spec and
//! reports every problem of shape at once: unknown fields (with
//! did-you-mean), missing fields, wrong types, values outside their enum or
//! range, bad dates, ids that are not slugs. What is left is a [`Record`] of
//! checked values with their spans, from which the loader builds typed
//! structs without further checks of shape.
//!
//! We read toml's spanned `DeTable` ourselves instead of deriving
//! `Deserialize`, because serde stops at the first error of a file and loses
//! the spans of everything but the failing key.

mod record;
mod text;
mod value;

pub use record::{Record, Val};
pub use text::is_currency;

use crate::diag::{Code, Diagnostic, did_you_mean, quote_list};
use crate::source::{FileId, Span};
use crate::spec::Kind;
use toml::Spanned;
use toml::de::DeTable;

/// Reads a whole file's text as a document of `kind`. Returns `None` when
/// the file is empty or not valid TOML (the diagnostic says which).
pub fn read_document(
    text: &str,
    file: FileId,
    kind: &'static Kind,
    diags: &mut Vec<Diagnostic>,
) -> Option<Record> {
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::new(Code::EmptyFile, Span::file_start(file), "file is empty").hint(
                format!(
                    "a {} file needs at least: {}",
                    kind.name,
                    required_keys(kind)
                ),
            ),
        );
        return None;
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    if let Some(e) = errors.first() {
        // Later errors are mostly the parser's recovery noise; the first is the one to fix.
        let range = e.span().unwrap_or(0..0);
        // TOML itself rejects dates like 2026-02-30; that is a bad date to
        // the user, not a stray character.
        let d = if e.message().starts_with("invalid date") {
            Diagnostic::new(
                Code::BadDate,
                Span::new(file, range),
                format!("{} (the rest of the file is not read)", e.message()),
            )
            .hint("write a date that exists, as YYYY-MM-DD without quotes: 2026-11-30")
        } else {
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, range.clone()),
                format!("TOML syntax: {}", e.message()),
            )
            .maybe_hint(
                comma_number_hint(line_at(text, range.start)).or_else(|| syntax_hint(e.message())),
            )
        };
        diags.push(d);
        return None;
    }
    let mut r = Reader { file, diags };
    Some(r.table(table.get_ref(), Span::file_start(file), kind, None))
}

fn required_keys(kind: &Kind) -> String {
    let keys: Vec<&str> = kind
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    if keys.is_empty() {
        "nothing (it may hold only comments)".to_string()
    } else {
        quote_list(&keys)
    }
}

/// The line of `text` that holds byte `at`.
fn line_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// The hint for a number written with thousands commas, `amount =
/// 50,000` (which TOML reads as a number followed by stray text): the same
/// number with `_` between the groups.
fn comma_number_hint(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split('#').next()?.trim();
    let (int, frac) = match value.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (value, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let well_grouped = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if key.is_empty() || !well_grouped {
        return None;
    }
    let mut number = groups.join("_");
    if let Some(f) = frac {
        number = format!("{number}.{f}");
    }
    Some(format!(
        "TOML numbers have no thousands commas: write {key} = {number}"
    ))
}

fn syntax_hint(msg: &str) -> Option<String> {
    if msg.contains("string values must be quoted") {
        Some("put text in double quotes: name = \"ACME\"".into())
    } else if msg.contains("duplicate key") {
        Some("each key may appear once per table; for a list of tables use [[name]]".into())
    } else {
        None
    }
}

struct Reader<'a> {
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn span(&self, s: &Spanned<impl Sized>) -> Span {
        Span::new(self.file, s.span())
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn table(
        &mut self,
        table: &DeTable<'_>,
        anchor: Span,
        kind: &'static Kind,
        parent: Option<&'static Kind>,
    ) -> Record {
        let n = kind.fields.len();
        let mut rec = Record {
            kind,
            span: anchor,
            vals: vec![None; n],
            written: vec![None; n],
            unknown_keys: false,
        };
        // Fields that an unknown key was taken for a typo of: the "did you
        // mean" says it all, so they are not also reported as missing.
        let mut suggested: Vec<&str> = Vec::new();
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            match kind.index_of(k) {
                Some(i) => {
                    rec.written[i] = Some(self.span(value));
                    rec.vals[i] = self.value(value, &kind.fields[i], kind);
                }
                None if std::ptr::eq(kind, &crate::spec::SIGNALS) => {
                    rec.unknown_keys = true;
                    self.unknown_signal(key);
                }
                None => {
                    rec.unknown_keys = true;
                    let misplaced = parent.is_some_and(|p| p.index_of(k).is_some());
                    let hint = match did_you_mean(k, kind.keys()) {
                        _ if misplaced => format!(
                            "`{k}` is a field of the {0}, but here it sits under a [[{1}]] header, so TOML puts it into that {1}; move it above the first [[...]] header of the file",
                            parent.map(|p| p.name).unwrap_or_default(),
                            kind.name
                        ),
                        Some(c) => {
                            suggested.push(c);
                            format!("did you mean `{c}`?")
                        }
                        None => format!(
                            "fields of {}: {}",
                            kind.name,
                            kind.keys().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    let span = self.span(key);
                    self.push(
                        Diagnostic::new(
                            Code::UnknownField,
                            span,
                            format!("unknown field `{k}` in {}", kind.name),
                        )
                        .label("not a field of this table")
                        .hint(hint),
                    );
                }
            }
        }
        for (i, f) in kind.fields.iter().enumerate() {
            if f.required && rec.written[i].is_none() && !suggested.contains(&f.key) {
                self.push(
                    Diagnostic::new(
                        Code::MissingField,
                        anchor,
                        format!("missing required field `{}` in {}", f.key, kind.name),
                    )
                    .hint(format!("add `{} = …`: {}", f.key, f.doc)),
                );
            }
        }
        rec
    }

    /// A key of `[rules.signals]` that names no risk signal.
    fn unknown_signal(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>) {
        let k: &str = key.get_ref();
        let codes = crate::spec::SIGNALS.keys();
        let hint = match did_you_mean(k, codes.clone()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("the risk signals: {}", codes.collect::<Vec<_>>().join(", ")),
        };
        let span = self.span(key);
        self.push(
            Diagnostic::new(
                Code::UnknownSignal,
                span,
                format!("unknown risk signal `{k}` in [rules.signals]"),
            )
            .label("not a risk signal")
            .hint(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::comma_number_hint;

    #[test]
    fn thousands_commas() {
        assert_eq!(
            comma_number_hint("amount = 50,000").as_deref(),
            Some("TOML numbers have no thousands commas: write amount = 50_000")
        );
        assert_eq!(
            comma_number_hint("  value = 1,200,000.50  # target").as_deref(),
            Some("TOML numbers have no thousands commas: write value = 1_200_000.50")
        );
        assert_eq!(comma_number_hint("products = [\"a\", \"b\"]"), None);
        assert_eq!(comma_number_hint("amount = 50,00"), None);
        assert_eq!(comma_number_hint("x = 1234,567"), None);
    }
}
