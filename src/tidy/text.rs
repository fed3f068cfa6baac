//! The canonical text of single TOML values: how `dealbook fmt` writes
//! strings and numbers, and how `import` and the edit commands write the
//! values they set, so that what they write is already formatted.
//!
//! - Strings are basic strings in double quotes; a string holding a line
//!   break is a multi-line basic string starting on the next line. Only
//!   `\`, `"` and control characters are escaped; any other character
//!   (Chinese included) is written as it is.
//! - Integers and the whole part of decimals of five digits or more are
//!   grouped in thousands with `_` (`1_200_000`, `348_650.50`); shorter
//!   ones are not (`2026`, `0.10`). The digits after the point are kept as
//!   written. Hexadecimal, octal, binary and exponent forms, `inf` and
//!   `nan` are left as written.

use rust_decimal::Decimal;

/// Numbers with at least this many digits before the point are grouped.
const GROUP_FROM: usize = 5;

/// A string as a canonical TOML string literal.
pub fn string(s: &str) -> String {
    if s.contains('\n') {
        multi_line(s)
    } else {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c => escape_control(c, &mut out),
            }
        }
        out.push('"');
        out
    }
}

fn escape_control(c: char, out: &mut String) {
    match c {
        '\t' => out.push('\t'),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c if c.is_control() && (c as u32) < 0x80 => {
            out.push_str(&format!("\\u{:04X}", c as u32));
        }
        c => out.push(c),
    }
}

/// `"""` on its own line, the text, `"""`. A quote that would make three
/// in a row (or end the text next to the closing delimiter) is escaped.
fn multi_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("\"\"\"\n");
    let mut quotes = 0;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' => {
                let last = i + 1 == chars.len();
                if quotes == 2 || last {
                    out.push_str("\\\"");
                    quotes = 0;
                } else {
                    out.push('"');
                    quotes += 1;
                }
                continue;
            }
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            c => escape_control(c, &mut out),
        }
        quotes = 0;
    }
    out.push_str("\"\"\"");
    out
}

/// Groups a run of decimal digits in thousands with `_` when it is long
/// enough.
fn group(digits: &str) -> String {
    if digits.len() < GROUP_FROM {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// The canonical form of a TOML integer or float as written (`raw`).
/// Forms it does not touch come back unchanged.
pub fn number(raw: &str) -> String {
    let raw = raw.trim();
    let body = raw.strip_prefix('+').unwrap_or(raw);
    let (sign, body) = match body.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", body),
    };
    let plain = body.replace('_', "");
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(int)
        || frac.is_some_and(|f| !digits_only(f))
        || int.starts_with("0") && int.len() > 1
    {
        // 0x.., 0o.., 0b.., exponents, inf, nan: as written.
        return raw.to_string();
    }
    let mut out = format!("{sign}{}", group(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if out == "-0" {
        out = "0".into();
    }
    out
}

/// An amount of money: an integer when whole, else two decimal places;
/// grouped like every number.
pub fn money(d: Decimal) -> String {
    let d = d.normalize();
    if d.scale() == 0 {
        number(&d.to_string())
    } else {
        number(&format!("{:.2}", d.round_dp(2)))
    }
}

/// A decimal as written by [`Decimal`]'s display (trailing zeros kept),
/// grouped.
pub fn decimal(d: Decimal) -> String {
    number(&d.to_string())
}

/// A key: bare when it can be, else a quoted basic string.
pub fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        string(k).replace('\n', "\\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_from_five_digits() {
        assert_eq!(number("1200000"), "1_200_000");
        assert_eq!(number("1_2_0_0_000"), "1_200_000");
        assert_eq!(number("12000"), "12_000");
        assert_eq!(number("2026"), "2026");
        assert_eq!(number("+5"), "5");
        assert_eq!(number("-123456"), "-123_456");
        assert_eq!(number("348650.50"), "348_650.50");
        assert_eq!(number("0.10"), "0.10");
        assert_eq!(number("7.1"), "7.1");
        assert_eq!(number("0xff"), "0xff");
        assert_eq!(number("1e6"), "1e6");
        assert_eq!(number("inf"), "inf");
        assert_eq!(number("-0"), "0");
    }

    #[test]
    fn money_has_no_or_two_decimals() {
        assert_eq!(money("1234.5".parse().unwrap()), "1234.50");
        assert_eq!(money("1234.00".parse().unwrap()), "1234");
        assert_eq!(money("1234567.891".parse().unwrap()), "1_234_567.89");
    }

    #[test]
    fn strings_round_trip_through_toml() {
        for s in [
            "plain",
            "华星电力集团",
            "quote \" and back\\slash",
            "tab\there",
            "bell\u{7}",
            "two\nlines\n",
            "ends in a quote\n\"",
            "three \"\"\" quotes\n",
            "many \"\"\"\"\"\" quotes\n\"\"",
            "\r\n",
        ] {
            let doc = format!("v = {}\n", string(s));
            let t: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(t["v"].as_str(), Some(s), "{doc}");
        }
        assert_eq!(string("a"), "\"a\"");
        assert_eq!(string("a\nb"), "\"\"\"\na\nb\"\"\"");
    }

    #[test]
    fn keys_are_bare_when_they_can_be() {
        assert_eq!(key("name"), "name");
        assert_eq!(key("USD"), "USD");
        assert_eq!(key("a b"), "\"a b\"");
    }
}
