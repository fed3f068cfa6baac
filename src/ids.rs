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

/// A slug close to `s`, to suggest in a hint (`"Huaxing Power"` → `"huaxing-power"`).
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
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
        assert_eq!(slugify("张敏"), "");
    }
}
