//! Ids as newtypes, so an account id can never be passed where a person id
//! is expected, and the one rule of what an id may look like (a slug).

use serde::Serialize;

/// Whether `s` is a slug: lowercase ASCII letters, digits, `-` and `_`,
/// starting with a letter or a digit.
pub fn is_slug(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A slug close to `s`, to suggest in a hint (`"Huaxing Power"` →
/// `"huaxing-power"`). Other scripts are transliterated first (by
/// `deunicode`: `"Müller"` → `"muller"`, `"张敏"` → `"zhang-min"`, a
/// Cyrillic `"аcme"` → `"acme"`), so no letter is simply dropped.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '_' && !out.is_empty() {
            out.push('_');
        } else if (c == '-' || c.is_whitespace()) && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// For a hint: the characters of `s` that look like ASCII letters or
/// digits but are not (a Cyrillic `а`, a `ü`), with their code points:
/// `"а" (U+0430)`. `None` when there are none.
pub fn lookalikes(s: &str) -> Option<String> {
    let mut found: Vec<char> = Vec::new();
    for c in s.chars() {
        if c.is_ascii() || found.contains(&c) {
            continue;
        }
        let t = deunicode::deunicode_char(c).unwrap_or("");
        if t.len() == 1 && t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return None;
    }
    let list: Vec<String> = found
        .iter()
        .take(3)
        .map(|c| format!("\"{c}\" (U+{:04X})", *c as u32))
        .collect();
    Some(format!(
        "{} {} not ASCII",
        list.join(", "),
        if found.len() == 1 { "is" } else { "are" }
    ))
}

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident;)*) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    )*};
}

id_type! {
    /// Id of an account (its file stem).
    AccountId;
    /// Id of a deal (its file stem).
    DealId;
    /// Id of a person in `team.toml`.
    PersonId;
    /// Id of a team in `team.toml`.
    TeamId;
    /// Id of a stage in `dealbook.toml`.
    StageId;
    /// Id of a contact, unique within its account.
    ContactId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["a", "huaxing-power", "q3_2026", "9lives"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "-a", "_a", "Huaxing", "a b", "张敏", "a.b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_suggests_a_slug() {
        assert_eq!(slugify("Huaxing Power"), "huaxing-power");
        assert_eq!(slugify("  ERP_2 "), "erp_2");
        assert_eq!(slugify("张敏"), "zhang-min");
        // A Cyrillic "а" that looks like an "a" is not dropped.
        assert_eq!(slugify("\u{430}cme"), "acme");
        assert_eq!(slugify("Müller GmbH"), "muller-gmbh");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(
            lookalikes("\u{430}cme").as_deref(),
            Some("\"\u{430}\" (U+0430) is not ASCII")
        );
        assert_eq!(lookalikes("acme"), None);
        assert_eq!(lookalikes("张敏"), None);
    }
}
