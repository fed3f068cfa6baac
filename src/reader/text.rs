//! Small pure helpers of the reader: names of TOML and spec types for
//! messages, exact numbers and dates from TOML values, and the currency and
//! slug rules with their hints.

use crate::spec::Ty;
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use toml::de::DeValue;

pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

pub(super) fn expected_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Text | Ty::Markdown | Ty::Id | Ty::Ref | Ty::Currency | Ty::Enum(_) | Ty::Period => {
            "a string"
        }
        Ty::Int { .. } => "an integer",
        Ty::Money | Ty::Decimal | Ty::Probability => "a number",
        Ty::Date => "a date (YYYY-MM-DD, without quotes)",
        Ty::EnumList(_) | Ty::TextList => "a list of strings",
        Ty::Table(_) | Ty::Rates => "a table",
        Ty::Tables(_) => "a list of tables ([[...]])",
        Ty::Bool => "true or false",
    }
}

/// Parses a TOML number literal (as toml hands it over: no underscores,
/// no radix prefix) into an exact decimal.
pub(super) fn exact_decimal(v: &DeValue<'_>) -> Option<Decimal> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(Decimal::from),
        DeValue::Float(f) => {
            let s = f.as_str();
            Decimal::from_str(s)
                .ok()
                .or_else(|| Decimal::from_scientific(s).ok())
        }
        _ => None,
    }
}

pub(super) fn toml_date(v: &DeValue<'_>) -> Result<Date, String> {
    let DeValue::Datetime(dt) = v else {
        return Err("not a date".into());
    };
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| format!("{e}"))
        }
        (Some(_), _, _) => Err("expected a date without a time of day".into()),
        (None, _, _) => Err("expected a date, found a time of day".into()),
    }
}

pub(super) fn slug_hint(sug: &str) -> String {
    if sug.is_empty() {
        "ids use lowercase ASCII letters, digits, `-` and `_`; put the human name in `name`".into()
    } else {
        format!(
            "ids use lowercase ASCII letters, digits, `-` and `_`, e.g. \"{sug}\"; put the human name in `name`"
        )
    }
}

/// Everyday names and symbols of currencies that are not their ISO 4217
/// codes, with the code to write instead. Matched after trimming, ASCII
/// letters in any case.
const ALIASES: &[(&str, &str)] = &[
    ("RMB", "CNY"),
    ("人民币", "CNY"),
    ("元", "CNY"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("US$", "USD"),
    ("$", "USD"),
    ("美元", "USD"),
    ("€", "EUR"),
    ("欧元", "EUR"),
    ("£", "GBP"),
    ("英镑", "GBP"),
    ("HK$", "HKD"),
    ("港币", "HKD"),
    ("港元", "HKD"),
    ("日元", "JPY"),
    ("円", "JPY"),
];

/// The ISO 4217 code of an everyday currency name ("RMB", "人民币", "US$").
pub fn currency_alias(s: &str) -> Option<&'static str> {
    let s = s.trim();
    ALIASES
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(s))
        .map(|(_, code)| *code)
}

/// Three ASCII capital letters, and not an everyday name that looks like a
/// code ("RMB" is the renminbi's name; its code is "CNY").
pub fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) && currency_alias(s).is_none()
}

pub(super) fn currency_hint(s: &str) -> String {
    if let Some(code) = currency_alias(s) {
        let yen = if code == "CNY" && s.trim().chars().all(|c| c == '¥' || c == '￥') {
            " (or \"JPY\" for the yen)"
        } else {
            ""
        };
        return format!(
            "\"{}\" is an everyday name; its ISO 4217 code is \"{code}\"{yen}",
            s.trim()
        );
    }
    let up = s.trim().to_ascii_uppercase();
    if is_currency(&up) {
        format!("currency codes are three capital letters: \"{up}\"")
    } else {
        "currency codes are three capital letters, e.g. \"CNY\", \"USD\", \"EUR\"".into()
    }
}

/// The hint of a bad exchange rate of `code`: what a rate means.
pub(super) fn rate_hint(code: &str) -> String {
    format!("{code} = 7.10 means 1 {code} is worth 7.10 of the reporting currency")
}

/// The number in a text such as `"¥50,000"`, `"50 000 元"`, `"US$ 1,200.50"`,
/// `"50万"` or (for a probability) `"35%"`, written as TOML wants it
/// (`50_000`, `500_000`, `0.35`); none when the text is not a number with
/// some decoration.
pub fn number_in_text(s: &str, probability: bool) -> Option<String> {
    let mut t = s.trim().to_string();
    // Currency names and symbols, longest first ("US$" before "$").
    let mut names: Vec<&str> = ALIASES.iter().map(|(a, _)| *a).collect();
    names.extend(["CNY", "USD", "EUR", "GBP", "HKD", "JPY"]);
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for n in names {
        t = t.replace(n, "").replace(&n.to_ascii_lowercase(), "");
    }
    let mut scale = Decimal::ONE;
    if let Some(rest) = t.trim().strip_suffix('万') {
        t = rest.to_string();
        scale = Decimal::from(10_000);
    } else if let Some(rest) = t.trim().strip_suffix('%') {
        if !probability {
            return None;
        }
        t = rest.to_string();
        scale = Decimal::new(1, 2);
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{3000}'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let n = (Decimal::from_str(&digits).ok()? * scale).normalize();
    let text = n.to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('_');
        }
        grouped.push(c);
    }
    if let Some(f) = frac {
        grouped = format!("{grouped}.{f}");
    }
    Some(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_text() {
        let n = |s| number_in_text(s, false);
        assert_eq!(n("¥50,000").as_deref(), Some("50_000"));
        assert_eq!(n("50 000 元").as_deref(), Some("50_000"));
        assert_eq!(n("US$ 1,200.50").as_deref(), Some("1_200.5"));
        assert_eq!(n("50万").as_deref(), Some("500_000"));
        assert_eq!(n("RMB 300").as_deref(), Some("300"));
        assert_eq!(n("1200000").as_deref(), Some("1_200_000"));
        assert_eq!(n("35%"), None);
        assert_eq!(number_in_text("35%", true).as_deref(), Some("0.35"));
        assert_eq!(n("about 5k"), None);
        assert_eq!(n(""), None);
        assert_eq!(n("¥"), None);
    }

    #[test]
    fn everyday_currency_names() {
        assert_eq!(currency_alias(" rmb "), Some("CNY"));
        assert_eq!(currency_alias("US$"), Some("USD"));
        assert!(!is_currency("RMB"));
        assert!(is_currency("CNY"));
    }
}
