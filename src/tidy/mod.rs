//! `dealbook fmt`: one canonical layout for every file kind, comments kept.
//! (Named `tidy` because [`crate::fmt`] formats numbers for people.)
//!
//! A file is parsed with `toml_edit`, which keeps every comment and blank
//! line, and written out again by [`render`]:
//!
//! - keys in the order of the format's spec ([`crate::spec`], the order of
//!   docs/format.md); keys the spec does not know keep their order, after
//!   the known ones; entries of a `[[table]]` list keep theirs;
//! - a table's own keys first, then its sub-tables, in spec order; exactly
//!   one blank line before every table header and none between keys (a
//!   blank line before a comment is kept);
//! - `key = value` with single spaces; bare keys where possible; values in
//!   the canonical text of [`text`] (double-quoted strings, `"""` for text
//!   with line breaks, numbers grouped in thousands with `_` from five
//!   digits); arrays on one line, or one item per line (indented four
//!   spaces, with a trailing comma) when they were written over several
//!   lines; inline tables as `{ a = 1, b = 2 }`;
//! - comments stay with the line they precede (or end); runs of blank
//!   lines become one; comments are not re-indented inside arrays;
//!   line endings become `\n`, and the file ends with one.
//!
//! Rendering is idempotent: [`tidy`] of its own output is that output. A
//! value is never changed: the result parses to the same TOML data, which
//! [`tidy`] verifies before it returns a changed text.

pub mod files;
pub mod text;

use crate::spec::{Kind, Ty};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

/// Why a file could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TidyError(pub String);

/// The canonical text of a TOML document of `kind` (`None`: a file the
/// spec does not describe; its keys keep their order). Errors when the
/// text is not TOML, or (a bug, never expected) when the canonical text
/// would not hold the same data.
pub fn tidy(source: &str, kind: Option<&'static Kind>) -> Result<String, TidyError> {
    let out = layout(source, kind)?;
    if out != source {
        verify(source, &out)?;
    }
    Ok(out)
}

/// The canonical text, without [`tidy`]'s check that the data is the same
/// (for `fmt --check`, which writes nothing: it only needs to know whether
/// the text would change).
pub fn layout(source: &str, kind: Option<&'static Kind>) -> Result<String, TidyError> {
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
        let at = e
            .span()
            .map(|s| {
                let (line, col) = line_col(body, s.start);
                format!(" at line {line}, column {col}")
            })
            .unwrap_or_default();
        let msg = e.message().lines().next().unwrap_or("").to_string();
        TidyError(format!("not valid TOML{at}: {msg} (run `dealbook check`)"))
    })?;
    Ok(render(&doc, kind))
}

/// Checks that `out` holds the same data as `source`.
fn verify(source: &str, out: &str) -> Result<(), TidyError> {
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let before: Result<toml::Table, _> = toml::from_str(body);
    let after: Result<toml::Table, _> = toml::from_str(out);
    // Line breaks inside multi-line strings of a CRLF file become `\n`.
    let crlf = body.contains('\r');
    match (before, after) {
        (Ok(a), Ok(b)) if same_data(&a, &b, crlf) => Ok(()),
        // toml_edit accepted what toml rejects: leave it alone.
        (Err(_), _) => Err(TidyError(
            "not valid TOML (run `dealbook check`)".to_string(),
        )),
        _ => Err(TidyError(
            "formatting would change the file's data; left as it is (please report this)"
                .to_string(),
        )),
    }
}

/// Whether two documents hold the same data (with `crlf`: up to `\r\n`
/// inside strings written as `\n`).
fn same_data(a: &toml::Table, b: &toml::Table, crlf: bool) -> bool {
    if !crlf {
        return a == b;
    }
    fn norm(v: &toml::Value) -> toml::Value {
        match v {
            toml::Value::String(s) => toml::Value::String(s.replace("\r\n", "\n")),
            toml::Value::Array(a) => toml::Value::Array(a.iter().map(norm).collect()),
            toml::Value::Table(t) => {
                toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), norm(v))).collect())
            }
            v => v.clone(),
        }
    }
    norm(&toml::Value::Table(a.clone())) == norm(&toml::Value::Table(b.clone()))
}

fn line_col(s: &str, at: usize) -> (usize, usize) {
    let before = &s[..at.min(s.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// The canonical layout of a parsed document.
pub fn render(doc: &DocumentMut, kind: Option<&'static Kind>) -> String {
    let mut w = Writer::default();
    let root = doc.as_table();
    w.key_values(root, kind, &[]);
    w.tables(root, kind, &mut Vec::new());
    // Comments after the last entry.
    let lines = comment_lines(doc.trailing().as_str().unwrap_or(""));
    if lines.iter().any(|l| l.is_some()) {
        let lead = lines.first() == Some(&None);
        let lines = trim_blanks(lines, true);
        if lead && !w.out.is_empty() {
            w.out.push('\n');
        }
        w.lines(&lines);
    }
    let mut out = w.out;
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// One line of a prefix: `None` for a blank line, else a comment (trimmed).
type Line = Option<String>;

/// The whole lines of a decor prefix (blank or comment); what follows the
/// last line break (indentation) is dropped.
fn comment_lines(raw: &str) -> Vec<Line> {
    let mut parts: Vec<&str> = raw.split('\n').collect();
    parts.pop();
    let mut out: Vec<Line> = Vec::with_capacity(parts.len());
    for p in parts {
        let t = p.trim();
        if t.is_empty() {
            if out.last() != Some(&None) {
                out.push(None);
            }
        } else {
            out.push(Some(t.to_string()));
        }
    }
    out
}

/// Drops leading blank lines, and trailing ones when `drop_trailing`.
fn trim_blanks(mut lines: Vec<Line>, drop_trailing: bool) -> Vec<Line> {
    while lines.first() == Some(&None) {
        lines.remove(0);
    }
    if drop_trailing {
        while lines.last() == Some(&None) {
            lines.pop();
        }
    }
    lines
}

/// A comment after a value or header on the same line, or nothing: the
/// spacing before `#` is kept (people align these), at least one space.
fn end_comment(suffix: Option<&str>) -> String {
    let Some(s) = suffix else {
        return String::new();
    };
    let Some(hash) = s.find('#') else {
        return String::new();
    };
    let space = &s[..hash];
    let space = if space.is_empty() || space.contains('\n') {
        " "
    } else {
        space
    };
    format!("{space}{}", s[hash..].trim_end())
}

fn rank(kind: Option<&Kind>, key: &str) -> usize {
    kind.and_then(|k| k.index_of(key)).unwrap_or(usize::MAX)
}

fn sub_kind(kind: Option<&'static Kind>, key: &str) -> Option<&'static Kind> {
    let k = kind?;
    match k.fields[k.index_of(key)?].ty {
        Ty::Table(s) | Ty::Tables(s) => Some(s),
        _ => None,
    }
}

fn raw(r: Option<&toml_edit::RawString>) -> &str {
    r.and_then(|r| r.as_str()).unwrap_or("")
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn lines(&mut self, lines: &[Line]) {
        for l in lines {
            if let Some(c) = l {
                self.out.push_str(c);
            }
            self.out.push('\n');
        }
    }

    /// The key/value lines of a table (values and dotted sub-tables), in
    /// spec order.
    fn key_values(&mut self, table: &Table, kind: Option<&'static Kind>, dotted: &[String]) {
        let mut entries: Vec<(&str, &Item)> = table
            .iter()
            .filter(|(_, item)| match item {
                Item::Value(_) => true,
                Item::Table(t) => t.is_dotted(),
                _ => false,
            })
            .collect();
        entries.sort_by_key(|(k, _)| rank(kind, k));
        for (i, (k, item)) in entries.into_iter().enumerate() {
            let key = table.key(k).expect("key of an entry");
            let first = i == 0 && dotted.is_empty();
            let prefix = comment_lines(raw(key.leaf_decor().prefix()));
            let has_comment = prefix.iter().any(Option::is_some);
            let lead = prefix.first() == Some(&None) && has_comment && !first;
            let mut lines = trim_blanks(prefix, false);
            if !has_comment {
                lines.clear();
            }
            if lead && !self.out.is_empty() {
                self.out.push('\n');
            }
            self.lines(&lines);
            let mut path = dotted.to_vec();
            path.push(text::key(k));
            match item {
                Item::Value(v) => {
                    self.out.push_str(&path.join("."));
                    self.out.push_str(" = ");
                    self.out.push_str(&value(v, kind, k));
                    self.out
                        .push_str(&end_comment(v.decor().suffix().and_then(|s| s.as_str())));
                    self.out.push('\n');
                }
                Item::Table(t) => self.key_values(t, sub_kind(kind, k), &path),
                _ => {}
            }
        }
    }

    /// The sub-tables of a table, in spec order, each with its header,
    /// its keys and its own sub-tables.
    fn tables(&mut self, table: &Table, kind: Option<&'static Kind>, path: &mut Vec<String>) {
        let mut entries: Vec<(&str, &Item)> = table
            .iter()
            .filter(|(_, item)| match item {
                Item::Table(t) => !t.is_dotted(),
                Item::ArrayOfTables(_) => true,
                _ => false,
            })
            .collect();
        entries.sort_by_key(|(k, _)| rank(kind, k));
        for (k, item) in entries {
            let sub = sub_kind(kind, k);
            path.push(text::key(k));
            match item {
                Item::Table(t) => {
                    let has_values = t.iter().any(|(_, i)| match i {
                        Item::Value(_) => true,
                        Item::Table(t) => t.is_dotted(),
                        _ => false,
                    });
                    if !t.is_implicit() || has_values {
                        self.header(t, path, false);
                        self.key_values(t, sub, &[]);
                    }
                    self.tables(t, sub, path);
                }
                Item::ArrayOfTables(a) => {
                    for t in a.iter() {
                        self.header(t, path, true);
                        self.key_values(t, sub, &[]);
                        self.tables(t, sub, path);
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }

    fn header(&mut self, t: &Table, path: &[String], array: bool) {
        let mut lines = comment_lines(raw(t.decor().prefix()));
        // Comments right under the previous line, followed by a blank
        // line, end the previous table (a commented-out key): they stay
        // there, and the blank line comes after them.
        if lines.first().is_some_and(Option::is_some) && lines.contains(&None) {
            let blank = lines.iter().position(Option::is_none).unwrap_or(0);
            let rest = lines.split_off(blank);
            self.lines(&lines);
            lines = rest;
        }
        let lines = trim_blanks(lines, false);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.lines(&lines);
        let (open, close) = if array { ("[[", "]]") } else { ("[", "]") };
        self.out.push_str(open);
        self.out.push_str(&path.join("."));
        self.out.push_str(close);
        self.out
            .push_str(&end_comment(t.decor().suffix().and_then(|s| s.as_str())));
        self.out.push('\n');
    }
}

/// The canonical text of a value (without its surrounding decor).
fn value(v: &Value, kind: Option<&'static Kind>, key: &str) -> String {
    match v {
        Value::String(s) => {
            let mut val = s.value().clone();
            // Line breaks that came from a CRLF file, not from escapes.
            if val.contains("\r\n") && s.display_repr().contains('\r') {
                val = val.replace("\r\n", "\n");
            }
            text::string(&val)
        }
        Value::Integer(i) => text::number(&i.display_repr()),
        Value::Float(f) => text::number(&f.display_repr()),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
        Value::Array(a) => array(a).unwrap_or_else(|| as_written(v)),
        Value::InlineTable(t) => inline(t, sub_kind(kind, key)).unwrap_or_else(|| as_written(v)),
    }
}

/// A value as written, without its surrounding decor.
fn as_written(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    v.to_string().trim().to_string()
}

/// Arrays: one line, or one item per line when written over several.
/// `None` (left as written) when a comment sits where it cannot be kept.
fn array(a: &Array) -> Option<String> {
    let multi = a.iter().any(|v| raw(v.decor().prefix()).contains('\n'))
        || a.trailing().as_str().unwrap_or("").contains('\n');
    if a.iter().any(|v| raw(v.decor().suffix()).contains('#')) {
        return None;
    }
    let item = |v: &Value| match v {
        Value::Array(inner) if inner_has_comment(inner) => None,
        Value::Array(inner) => Some(single_line(inner)),
        _ => Some(value(v, None, "")),
    };
    if !multi {
        if a.iter().any(|v| raw(v.decor().prefix()).contains('#')) {
            return None;
        }
        let items: Option<Vec<String>> = a.iter().map(item).collect();
        return Some(format!("[{}]", items?.join(", ")));
    }
    let mut out = String::from("[");
    let comments = |raw_prefix: &str, out: &mut String| {
        let (same_line, rest) = raw_prefix.split_once('\n').unwrap_or((raw_prefix, ""));
        if let Some(h) = same_line.find('#') {
            out.push(' ');
            out.push_str(same_line[h..].trim_end());
        }
        let mut rest: Vec<&str> = rest.split('\n').collect();
        rest.pop();
        for l in rest {
            let t = l.trim();
            if t.starts_with('#') {
                out.push_str("\n    ");
                out.push_str(t);
            }
        }
    };
    for v in a.iter() {
        comments(&format!("{}\n", raw(v.decor().prefix())), &mut out);
        out.push_str("\n    ");
        out.push_str(&item(v)?);
        out.push(',');
    }
    comments(a.trailing().as_str().unwrap_or(""), &mut out);
    out.push_str("\n]");
    Some(out)
}

fn inner_has_comment(a: &Array) -> bool {
    as_written(&Value::Array(a.clone())).contains('#')
}

fn single_line(a: &Array) -> String {
    let items: Vec<String> = a
        .iter()
        .map(|v| match v {
            Value::Array(inner) => single_line(inner),
            _ => value(v, None, ""),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// `{ a = 1, b = 2 }`, keys in spec order; `None` (as written) when it
/// holds a comment or a line break (TOML 1.1).
fn inline(t: &InlineTable, kind: Option<&'static Kind>) -> Option<String> {
    let written = as_written(&Value::InlineTable(t.clone()));
    if written.contains('#') || written.contains('\n') {
        return None;
    }
    if t.is_empty() {
        return Some("{}".into());
    }
    let mut flat: Vec<(String, &Value, usize)> = Vec::new();
    for (k, v) in t.iter() {
        let r = rank(kind, k);
        match v {
            Value::InlineTable(sub) if sub.is_dotted() => {
                let mut inner = Vec::new();
                dotted_inline(sub, &text::key(k), &mut inner);
                flat.extend(inner.into_iter().map(|(p, v)| (p, v, r)));
            }
            _ => flat.push((text::key(k), v, r)),
        }
    }
    flat.sort_by_key(|(_, _, r)| *r);
    let parts: Vec<String> = flat
        .iter()
        .map(|(p, v, _)| {
            let leaf = p.rsplit('.').next().unwrap_or(p);
            format!("{p} = {}", value(v, kind, leaf))
        })
        .collect();
    Some(format!("{{ {} }}", parts.join(", ")))
}

fn dotted_inline<'a>(t: &'a InlineTable, prefix: &str, out: &mut Vec<(String, &'a Value)>) {
    for (k, v) in t.iter() {
        let p = format!("{prefix}.{}", text::key(k));
        match v {
            Value::InlineTable(sub) if sub.is_dotted() => dotted_inline(sub, &p, out),
            _ => out.push((p, v)),
        }
    }
}

/// The spec of the file at `rel` (relative to the pipeline root), if it is
/// part of the pipeline layout.
pub fn kind_of(rel: &str) -> Option<&'static Kind> {
    crate::load::FileKind::of(rel).map(|k| k.spec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::DEAL;

    fn fmt(s: &str) -> String {
        tidy(s, Some(&DEAL)).unwrap()
    }

    #[test]
    fn orders_keys_and_tables_and_keeps_comments() {
        let src = "\
# A deal.
stage =  'proof'   # moved in May
name = \"X\"

[[history]]
date = 2026-01-02
stage = \"proof\"
# who
[[stakeholder]]
role = \"coach\"
contact = \"c\"
attitude = \"neutral\"
x-custom = 1


# at the end
";
        let want = "\
name = \"X\"
# A deal.
stage = \"proof\"   # moved in May

# who
[[stakeholder]]
contact = \"c\"
role = \"coach\"
attitude = \"neutral\"
x-custom = 1

[[history]]
date = 2026-01-02
stage = \"proof\"

# at the end
";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn arrays_keep_their_shape() {
        let src = "products = [ 'a',\"b\" ]\npains = [\n  \"x\", # first\n  # then\n  \"y\"\n]\n";
        let want =
            "products = [\"a\", \"b\"]\npains = [\n    \"x\", # first\n    # then\n    \"y\",\n]\n";
        assert_eq!(fmt(src), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn inline_tables_and_numbers() {
        let src = "amount=1200000.5\nsource={id=\"7\",system=\"crm\"}\n";
        let want = "amount = 1_200_000.5\nsource = { system = \"crm\", id = \"7\" }\n";
        assert_eq!(fmt(src), want);
    }

    #[test]
    fn crlf_and_bom_become_plain() {
        let src = "\u{feff}name = \"X\"\r\nnotes = \"\"\"\r\nline\r\n\"\"\"\r\n";
        assert_eq!(fmt(src), "name = \"X\"\nnotes = \"\"\"\nline\n\"\"\"\n");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let e = tidy("name = \n", Some(&DEAL)).unwrap_err();
        assert!(e.0.contains("line 1"), "{e}");
    }
}
