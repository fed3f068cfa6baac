//! A pipeline file open for a format-preserving edit: values are set in
//! place (keeping the comment at the end of their line), new keys go where
//! the spec's order puts them, and `[[table]]` entries are appended after
//! the last one of their kind; everything else (comments, blank lines,
//! the order of hand-written keys) stays as written. Values are written in
//! `fmt`'s canonical text ([`crate::tidy::text`]).

use crate::spec::{Kind, Ty};
use crate::tidy::text;
use jiff::civil::Date;
use rust_decimal::Decimal;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Key, Table, Value};

/// A value to write, as canonical TOML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lit(pub String);

impl Lit {
    /// A string.
    pub fn str(s: &str) -> Lit {
        Lit(text::string(s))
    }

    /// A date.
    pub fn date(d: Date) -> Lit {
        Lit(d.to_string())
    }

    /// An amount of money.
    pub fn money(d: Decimal) -> Lit {
        Lit(text::money(d))
    }

    /// A decimal (probabilities, rates).
    pub fn decimal(d: Decimal) -> Lit {
        Lit(text::decimal(d))
    }

    /// A list of strings.
    pub fn list(items: &[String]) -> Lit {
        let items: Vec<String> = items.iter().map(|s| text::string(s)).collect();
        Lit(format!("[{}]", items.join(", ")))
    }

    /// An inline table of strings, in the given order.
    pub fn inline(pairs: &[(&str, &str)]) -> Lit {
        let parts: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{} = {}", text::key(k), text::string(v)))
            .collect();
        Lit(format!("{{ {} }}", parts.join(", ")))
    }

    fn value(&self) -> Value {
        let mut v: Value = self
            .0
            .parse()
            .unwrap_or_else(|e| panic!("canonical TOML text {:?} does not parse: {e}", self.0));
        v.decor_mut().set_prefix(" ");
        v.decor_mut().set_suffix("");
        v
    }
}

/// A parsed file of one kind.
pub struct Doc {
    doc: DocumentMut,
    kind: &'static Kind,
}

impl Doc {
    /// Parses a file's text.
    pub fn parse(text: &str, kind: &'static Kind) -> Result<Doc, String> {
        let doc: DocumentMut = text
            .strip_prefix('\u{feff}')
            .unwrap_or(text)
            .parse()
            .map_err(|e: toml_edit::TomlError| e.message().to_string())?;
        Ok(Doc { doc, kind })
    }

    /// The text, with every edit.
    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// The value of a top-level key as written, if it is one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.doc.get(key).and_then(Item::as_value)
    }

    /// Sets a top-level key (see [`set_in`]).
    pub fn set(&mut self, key: &str, value: &Lit) {
        set_in(self.doc.as_table_mut(), Some(self.kind), key, value);
    }

    /// Removes a top-level key; whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        self.doc.as_table_mut().remove(key).is_some()
    }

    /// Appends a `[[key]]` entry with these values (in the order given,
    /// which should be the spec's). Fails when `key` holds something else
    /// than a list of tables.
    pub fn push(&mut self, key: &str, values: &[(&str, Lit)]) -> Result<(), String> {
        let sub = sub_kind(self.kind, key);
        let root = self.doc.as_table_mut();
        if !root.contains_key(key) {
            root.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let Some(list) = root.get_mut(key).and_then(Item::as_array_of_tables_mut) else {
            return Err(format!(
                "`{key}` is not written as [[{key}]] tables; write it that way to add an entry"
            ));
        };
        let mut t = Table::new();
        for (k, v) in values {
            set_in(&mut t, sub, k, v);
        }
        list.push(t);
        Ok(())
    }

    /// Sets a key in the last `[[key]]` entry.
    pub fn set_in_last(&mut self, list: &str, key: &str, value: &Lit) -> Result<(), String> {
        let sub = sub_kind(self.kind, list);
        let t = self
            .doc
            .get_mut(list)
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|a| {
                let n = a.len();
                n.checked_sub(1).and_then(|i| a.get_mut(i))
            })
            .ok_or_else(|| format!("no [[{list}]] entry to change"))?;
        set_in(t, sub, key, value);
        Ok(())
    }
}

fn sub_kind(kind: &'static Kind, key: &str) -> Option<&'static Kind> {
    match kind.fields[kind.index_of(key)?].ty {
        Ty::Table(s) | Ty::Tables(s) => Some(s),
        _ => None,
    }
}

/// Sets `key` in `table`: an existing value is replaced in place (its
/// comment kept); a new key goes before the first written key that comes
/// after it in the spec's order (at the end when none does).
pub fn set_in(table: &mut Table, kind: Option<&'static Kind>, key: &str, value: &Lit) {
    let new = value.value();
    if let Some(item) = table.get_mut(key) {
        match item {
            Item::Value(old) => {
                let decor = old.decor().clone();
                *old = new;
                *old.decor_mut() = decor;
            }
            other => *other = Item::Value(new),
        }
        return;
    }
    let rank = |k: &str| kind.and_then(|kd| kd.index_of(k)).unwrap_or(usize::MAX);
    let mine = rank(key);
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let at = keys
        .iter()
        .position(|k| table.get(k).is_some_and(Item::is_value) && rank(k) > mine);
    let Some(at) = at else {
        table.insert(key, Item::Value(new));
        return;
    };
    let tail: Vec<(Key, Item)> = keys[at..]
        .iter()
        .filter_map(|k| table.remove_entry(k))
        .collect();
    table.insert(key, Item::Value(new));
    for (k, item) in tail {
        table.insert_formatted(&k, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::DEAL;

    const DEAL_TEXT: &str = "\
# A deal.
name = \"Pilot\"
account = \"acme\"
owner = \"rep\"
amount = 250_000   # list price
stage = \"qualify\"
created = 2026-01-05
x-mine = \"kept\"

[[stakeholder]]
contact = \"cio\"
role = \"coach\"
attitude = \"neutral\"

# How it went.
[[history]]
date = 2026-01-05
stage = \"qualify\"
";

    #[test]
    fn edits_keep_everything_else() {
        let mut d = Doc::parse(DEAL_TEXT, &DEAL).unwrap();
        d.set("amount", &Lit::money("300000".parse().unwrap()));
        d.set("stage", &Lit::str("proof"));
        d.set("close", &Lit::date(jiff::civil::date(2026, 12, 1)));
        d.set("source", &Lit::inline(&[("system", "crm"), ("id", "7")]));
        d.push(
            "history",
            &[
                ("date", Lit::date(jiff::civil::date(2026, 2, 1))),
                ("stage", Lit::str("proof")),
            ],
        )
        .unwrap();
        let want = "\
# A deal.
name = \"Pilot\"
account = \"acme\"
owner = \"rep\"
amount = 300_000   # list price
stage = \"proof\"
created = 2026-01-05
close = 2026-12-01
source = { system = \"crm\", id = \"7\" }
x-mine = \"kept\"

[[stakeholder]]
contact = \"cio\"
role = \"coach\"
attitude = \"neutral\"

# How it went.
[[history]]
date = 2026-01-05
stage = \"qualify\"

[[history]]
date = 2026-02-01
stage = \"proof\"
";
        assert_eq!(d.text(), want);
        // Already in fmt's layout.
        assert_eq!(crate::tidy::tidy(want, Some(&DEAL)).unwrap(), want);
    }

    #[test]
    fn a_first_history_entry_goes_last() {
        let text = "name = \"P\"\n\n[[stakeholder]]\ncontact = \"c\"\nrole = \"coach\"\nattitude = \"neutral\"\n";
        let mut d = Doc::parse(text, &DEAL).unwrap();
        d.push(
            "history",
            &[("date", Lit::date(jiff::civil::date(2026, 2, 1)))],
        )
        .unwrap();
        assert!(
            d.text()
                .ends_with("attitude = \"neutral\"\n\n[[history]]\ndate = 2026-02-01\n"),
            "{}",
            d.text()
        );
    }
}
