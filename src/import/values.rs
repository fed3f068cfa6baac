//! Cell values as CRMs and spreadsheets write them: amounts with currency
//! symbols or codes, thousands separators and a decimal point or comma
//! (`¥1,234.50`, `1.234,50 €`, `USD 1 200`); dates in the formats the
//! rules name; probabilities as percent or fraction.

use jiff::civil::Date;
use rust_decimal::Decimal;

/// Currency symbols and the code each stands for (`$` is taken as USD).
const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("CN¥", "CNY"),
    ("RMB", "CNY"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("元", "CNY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
];

/// An amount and the currency its text named, if any.
pub fn amount(raw: &str, decimal_mark: char) -> Result<(Decimal, Option<String>), String> {
    let mut s = raw.trim().to_string();
    let mut currency = None;
    for (sym, code) in SYMBOLS {
        if s.contains(sym) {
            s = s.replace(sym, "");
            currency = Some(code.to_string());
            break;
        }
    }
    // An ISO code before or after the number: "USD 1,200.00", "1.200,00 EUR".
    let trimmed = s.trim();
    let code_at = |t: &str| {
        t.len() >= 3 && t.is_char_boundary(3) && t[..3].bytes().all(|b| b.is_ascii_uppercase())
    };
    if code_at(trimmed) {
        currency = Some(trimmed[..3].to_string());
        s = trimmed[3..].to_string();
    } else if trimmed.len() >= 3
        && trimmed.is_char_boundary(trimmed.len() - 3)
        && trimmed[trimmed.len() - 3..]
            .bytes()
            .all(|b| b.is_ascii_uppercase())
    {
        currency = Some(trimmed[trimmed.len() - 3..].to_string());
        s = trimmed[..trimmed.len() - 3].to_string();
    }
    let s = s.trim();
    if s.starts_with('-') || s.starts_with('(') && s.ends_with(')') {
        return Err(format!("\"{raw}\" is negative; amounts are ≥ 0"));
    }
    let mut digits = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            c if c == decimal_mark => digits.push('.'),
            ',' | '.' | '\'' | '_' | ' ' | '\u{a0}' | '\u{202f}' => {}
            '+' => {}
            _ => return Err(format!("\"{raw}\" is not an amount")),
        }
    }
    let d: Decimal = digits
        .parse()
        .map_err(|_| format!("\"{raw}\" is not an amount"))?;
    if d.normalize().scale() > 2 {
        return Err(format!("\"{raw}\" has more than two decimals"));
    }
    Ok((d, currency))
}

/// A date in one of `formats` (strftime), or the date part of a date and
/// time in one of them, or ISO `YYYY-MM-DD` at the start.
pub fn date(raw: &str, formats: &[String]) -> Result<Date, String> {
    let s = raw.trim();
    for f in formats {
        if let Ok(t) = jiff::fmt::strtime::parse(f, s)
            && let Ok(d) = t.to_date()
        {
            return Ok(d);
        }
    }
    let head = s
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or(s);
    for f in formats {
        if let Ok(t) = jiff::fmt::strtime::parse(f, head)
            && let Ok(d) = t.to_date()
        {
            return Ok(d);
        }
    }
    if let Ok(d) = head.parse::<Date>() {
        return Ok(d);
    }
    Err(format!(
        "\"{raw}\" is not a date in the rules' formats ({})",
        formats.join(", ")
    ))
}

/// A probability: `percent` reads 0–100 (a `%` sign is allowed), else
/// 0–1; the result is a fraction, checked to be in 0..=1.
pub fn probability(raw: &str, percent: bool, decimal_mark: char) -> Result<Decimal, String> {
    let s = raw.trim();
    let (num, sign) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let num = if decimal_mark == ',' {
        num.replace(',', ".")
    } else {
        num.to_string()
    };
    let mut d: Decimal = num
        .parse()
        .map_err(|_| format!("\"{raw}\" is not a probability"))?;
    if percent || sign {
        d /= Decimal::from(100);
    }
    if d < Decimal::ZERO || d > Decimal::ONE {
        return Err(format!(
            "\"{raw}\" is not a probability between 0 and {}",
            if percent { "100" } else { "1" }
        ));
    }
    Ok(d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn amounts() {
        assert_eq!(
            amount("¥1,234.50", '.').unwrap(),
            (dec("1234.50"), Some("CNY".into()))
        );
        assert_eq!(
            amount("1.234,50 €", ',').unwrap(),
            (dec("1234.50"), Some("EUR".into()))
        );
        assert_eq!(
            amount("USD 1 200", '.').unwrap(),
            (dec("1200"), Some("USD".into()))
        );
        assert_eq!(amount("1200000", '.').unwrap(), (dec("1200000"), None));
        assert_eq!(amount("1 234,5", ',').unwrap(), (dec("1234.5"), None));
        assert!(amount("-5", '.').is_err());
        assert!(amount("abc", '.').is_err());
        assert!(amount("1.234", '.').is_err());
    }

    #[test]
    fn dates() {
        let f = vec!["%m/%d/%Y".to_string()];
        assert_eq!(date("3/5/2026", &f).unwrap(), jiff::civil::date(2026, 3, 5));
        assert_eq!(
            date("03/05/2026 14:22", &f).unwrap(),
            jiff::civil::date(2026, 3, 5)
        );
        assert_eq!(
            date("2026-03-05T10:00:00Z", &f).unwrap(),
            jiff::civil::date(2026, 3, 5)
        );
        assert!(date("31/12/2026", &f).is_err());
    }

    #[test]
    fn probabilities() {
        assert_eq!(probability("70", true, '.').unwrap(), dec("0.7"));
        assert_eq!(probability("70%", false, '.').unwrap(), dec("0.7"));
        assert_eq!(probability("0,25", false, ',').unwrap(), dec("0.25"));
        assert!(probability("170", true, '.').is_err());
    }
}
