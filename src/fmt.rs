//! Formatting numbers for people: money with the currency's symbol and
//! thousands grouping, compact money for narrow tables, percentages, days,
//! and "—" for undefined values. Shared by the terminal report and the site.

use crate::money::{Money, Ratio, round};
use rust_decimal::Decimal;

/// Shown for an undefined value (no target, no closed deals, …).
pub const NONE: &str = "—";

/// The symbol of a currency, or its code followed by a space.
pub fn symbol(currency: &str) -> String {
    match currency {
        "CNY" | "JPY" => "¥".into(),
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "HKD" => "HK$".into(),
        "KRW" => "₩".into(),
        "INR" => "₹".into(),
        other => format!("{other} "),
    }
}

/// Groups the integer part of a decimal string in thousands: 1234567.5 →
/// "1,234,567.5".
pub fn group(d: Decimal) -> String {
    let s = d.to_string();
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if neg { format!("-{out}") } else { out }
}

/// Money rounded to whole units with grouping and symbol: "¥1,234,568".
pub fn money(m: Money, currency: &str) -> String {
    let whole = round(m.get(), 0);
    let sign = if whole.is_sign_negative() && !whole.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{}{}", symbol(currency), group(whole.abs()))
}

/// Money with cents: "¥1,234,567.89".
pub fn money_cents(m: Money, currency: &str) -> String {
    let v = m.get();
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{}{}", symbol(currency), group(v.abs()))
}

/// Optional money, whole units.
pub fn opt_money(m: Option<Money>, currency: &str) -> String {
    m.map(|m| money(m, currency)).unwrap_or_else(|| NONE.into())
}

/// Money in at most ~6 characters for narrow tables: "1.23M", "850K",
/// "12.5K", "950" (no symbol).
pub fn compact(m: Money) -> String {
    let v = m.get();
    let a = v.abs();
    let sign = if v.is_sign_negative() && !v.is_zero() {
        "-"
    } else {
        ""
    };
    let (scaled, unit) = if a >= Decimal::from(1_000_000_000) {
        (a / Decimal::from(1_000_000_000), "B")
    } else if a >= Decimal::from(1_000_000) {
        (a / Decimal::from(1_000_000), "M")
    } else if a >= Decimal::from(1_000) {
        (a / Decimal::from(1_000), "K")
    } else {
        (a, "")
    };
    let dp = if unit.is_empty() || scaled >= Decimal::from(100) {
        0
    } else if scaled >= Decimal::from(10) {
        1
    } else {
        2
    };
    let mut r = round(scaled, dp);
    r.rescale(dp);
    format!("{sign}{r}{unit}")
}

/// Optional compact money.
pub fn opt_compact(m: Option<Money>) -> String {
    m.map(compact).unwrap_or_else(|| NONE.into())
}

/// A ratio as a percentage with one decimal: "42.5%".
pub fn percent(r: Option<Ratio>) -> String {
    r.map(|r| format!("{}%", r.percent()))
        .unwrap_or_else(|| NONE.into())
}

/// A ratio as a multiple: "2.4×" (coverage).
pub fn multiple(r: Option<Ratio>) -> String {
    r.map(|r| {
        let mut v = round(r.get(), 1);
        v.rescale(1);
        format!("{v}×")
    })
    .unwrap_or_else(|| NONE.into())
}

/// An optional decimal with a unit: "45.5 d".
pub fn opt_days(d: Option<Decimal>) -> String {
    d.map(|d| format!("{d} d")).unwrap_or_else(|| NONE.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn m(s: &str) -> Money {
        Money::cents(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn grouping_and_symbols() {
        assert_eq!(money(m("1234567.5"), "CNY"), "¥1,234,568");
        assert_eq!(money(m("-950"), "USD"), "-$950");
        assert_eq!(money(m("0"), "CHF"), "CHF 0");
        assert_eq!(money_cents(m("1234.5"), "EUR"), "€1,234.50");
        assert_eq!(group(Decimal::from(100)), "100");
        assert_eq!(group(Decimal::from(1000)), "1,000");
    }

    #[test]
    fn compact_money() {
        assert_eq!(compact(m("1234567")), "1.23M");
        assert_eq!(compact(m("850000")), "850K");
        assert_eq!(compact(m("12500")), "12.5K");
        assert_eq!(compact(m("950")), "950");
        assert_eq!(compact(m("-2500000")), "-2.50M");
    }

    #[test]
    fn none_values() {
        assert_eq!(percent(None), NONE);
        assert_eq!(percent(Ratio::of_counts(1, 8)), "12.5%");
        assert_eq!(multiple(Ratio::of_counts(12, 5)), "2.4×");
    }
}
