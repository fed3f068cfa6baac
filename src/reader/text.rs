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
