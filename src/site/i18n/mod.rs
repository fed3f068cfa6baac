//! The site's own words in `en` and `zh-CN` (chosen by `[org] locale`),
//! and the locale-aware number formats built on [`crate::fmt`]: money
//! with the currency's symbol and grouping, compact money for charts
//! (K/M/B in English, 万/亿 in Chinese), percentages and ISO dates.
//! Templates see the labels as the map `t` (`{{ t.won }}`).

use crate::fmt;
use crate::model::Locale;
use crate::money::{Money, Ratio, round};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::HashMap;

mod enum_labels;
mod history_labels;
mod labels;
mod page_labels;
mod winloss_labels;

pub use enum_labels::ENUM_LABELS;
pub use history_labels::HISTORY_LABELS;
pub use labels::LABELS;
pub use page_labels::PAGE_LABELS;
pub use winloss_labels::WINLOSS_LABELS;

/// Every label: the common words ([`LABELS`]), then the pages', the
/// Win/loss page's, the enums' and the history's tables.
pub fn all_labels() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    LABELS
        .iter()
        .chain(PAGE_LABELS)
        .chain(WINLOSS_LABELS)
        .chain(ENUM_LABELS)
        .chain(HISTORY_LABELS)
}

/// The word of `locale` from a row of the label tables.
fn pick(locale: Locale, en: &'static str, zh: &'static str) -> &'static str {
    if locale == Locale::ZhCn { zh } else { en }
}

/// Labels of one locale.
#[derive(Debug, Clone)]
pub struct I18n {
    locale: Locale,
    map: HashMap<&'static str, &'static str>,
}

impl I18n {
    /// The labels of `locale`.
    pub fn new(locale: Locale) -> I18n {
        let map = all_labels()
            .map(|(k, en, zh)| (*k, pick(locale, en, zh)))
            .collect();
        I18n { locale, map }
    }

    /// The locale.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The `lang` attribute of the pages.
    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    /// A label; "?" when there is none (a test keeps every key used by
    /// the site in the label tables).
    pub fn get(&self, key: &str) -> &'static str {
        match self.map.get(key) {
            Some(v) => v,
            None => {
                debug_assert!(false, "missing label {key}");
                "?"
            }
        }
    }

    /// A label with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A count with its noun, in the locale's plural form: the label
    /// `{key}_one` for exactly one where the locale has it ("1 deal"),
    /// else `key` ("0 deals", "3 deals"; Chinese has one form, "3 个商机").
    /// `{n}` is the count, grouped.
    pub fn count(&self, key: &str, n: usize) -> String {
        let one = format!("{key}_one");
        let key = if n == 1 && self.map.contains_key(one.as_str()) {
            one.as_str()
        } else {
            key
        };
        self.fill(key, &[("n", &fmt::group(Decimal::from(n)))])
    }

    /// The label of an enum value, e.g. `("role", "sales")`.
    pub fn of(&self, prefix: &str, value: &str) -> &'static str {
        let key = format!("{prefix}_{value}");
        match self.map.get(key.as_str()) {
            Some(v) => v,
            None => {
                debug_assert!(false, "missing label {key}");
                "?"
            }
        }
    }

    /// All labels in table order, for the templates' `t`.
    pub fn labels(&self) -> Vec<(&'static str, &'static str)> {
        all_labels()
            .map(|(k, en, zh)| (*k, pick(self.locale, en, zh)))
            .collect()
    }
}

/// Locale-aware formats of figures.
#[derive(Debug, Clone)]
pub struct Fmt {
    /// Reporting currency code.
    pub currency: String,
    /// Language of the labels.
    pub locale: Locale,
}

impl Fmt {
    /// Money in whole units with symbol and grouping: "¥1,234,568".
    pub fn money(&self, m: Money) -> String {
        fmt::money(m, &self.currency)
    }

    /// Optional money; "—" for none.
    pub fn opt_money(&self, m: Option<Money>) -> String {
        fmt::opt_money(m, &self.currency)
    }

    /// An amount in some currency (as written in a deal): "$120,000".
    pub fn money_in(&self, amount: Decimal, currency: &str) -> String {
        fmt::money(Money::cents(amount), currency)
    }

    /// Compact money for charts and narrow places: "¥1.23M" (en) or
    /// "¥123.5万" (zh-CN).
    pub fn compact(&self, m: Money) -> String {
        self.compact_in(m, &self.currency)
    }

    /// [`Fmt::compact`] in some currency (as written in a deal).
    pub fn compact_in(&self, m: Money, currency: &str) -> String {
        let sym = fmt::symbol(currency);
        let v = m.get();
        let sign = if v.is_sign_negative() && !v.is_zero() {
            "-"
        } else {
            ""
        };
        let a = v.abs();
        if self.locale == Locale::ZhCn {
            let (scaled, unit) = if a >= Decimal::from(100_000_000) {
                (a / Decimal::from(100_000_000), "亿")
            } else if a >= Decimal::from(10_000) {
                (a / Decimal::from(10_000), "万")
            } else {
                (a, "")
            };
            let dp = if unit.is_empty() || scaled >= Decimal::from(1000) {
                0
            } else if scaled >= Decimal::from(100) {
                1
            } else {
                2
            };
            let mut r = round(scaled, dp);
            r = r.normalize();
            format!("{sign}{sym}{r}{unit}")
        } else {
            let c = fmt::compact(Money::cents(a));
            format!("{sign}{sym}{c}")
        }
    }

    /// Money on a card: the compact style of the charts, with one more
    /// digit where English would round to three ("¥12.29M", not "¥12.3M",
    /// so commit and weighted can be told apart), trailing zeros trimmed
    /// ("¥350K"). Chinese (万, 亿) is as [`Fmt::compact`].
    pub fn card(&self, m: Money) -> String {
        self.card_in(m, &self.currency)
    }

    /// [`Fmt::card`] in some currency (as written in a deal).
    pub fn card_in(&self, m: Money, currency: &str) -> String {
        if self.locale == Locale::ZhCn {
            return self.compact_in(m, currency);
        }
        let v = m.get();
        let sign = if v.is_sign_negative() && !v.is_zero() {
            "-"
        } else {
            ""
        };
        let a = v.abs();
        let (scaled, unit) = [(1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")]
            .into_iter()
            .find(|(n, _)| a >= Decimal::from(*n))
            .map(|(n, u)| (a / Decimal::from(n), u))
            .unwrap_or((a, ""));
        let dp = if unit.is_empty() {
            0
        } else if scaled >= Decimal::from(100) {
            1
        } else {
            2
        };
        let r = round(scaled, dp).normalize();
        format!("{sign}{}{}{unit}", fmt::symbol(currency), fmt::group(r))
    }

    /// Optional card money; "—" for none.
    pub fn opt_card(&self, m: Option<Money>) -> String {
        m.map(|m| self.card(m)).unwrap_or_else(|| fmt::NONE.into())
    }

    /// Optional compact money; "—" for none.
    pub fn opt_compact(&self, m: Option<Money>) -> String {
        m.map(|m| self.compact(m))
            .unwrap_or_else(|| fmt::NONE.into())
    }

    /// A ratio as a percentage with one decimal: "42.5%"; "—" for none.
    pub fn percent(&self, r: Option<Ratio>) -> String {
        fmt::percent(r)
    }

    /// A multiple: "2.4×".
    pub fn multiple(&self, r: Option<Ratio>) -> String {
        fmt::multiple(r)
    }

    /// A probability 0..=1 as a whole percentage: "60%".
    pub fn probability(&self, p: Decimal) -> String {
        let mut v = round(p * Decimal::ONE_HUNDRED, 0);
        v.rescale(0);
        format!("{v}%")
    }

    /// An optional ISO date; "—" for none.
    pub fn opt_date(&self, d: Option<Date>) -> String {
        d.map(|d| d.to_string()).unwrap_or_else(|| fmt::NONE.into())
    }

    /// Days: "45.5 d" / "45.5 天".
    pub fn days(&self, d: Option<Decimal>, i: &I18n) -> String {
        d.map(|d| format!("{d} {}", i.get("days_short")))
            .unwrap_or_else(|| fmt::NONE.into())
    }

    /// A count with grouping: "12,345".
    pub fn count(&self, n: usize) -> String {
        fmt::group(Decimal::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::str::FromStr;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = HashSet::new();
        for (k, en, zh) in all_labels() {
            assert!(seen.insert(*k), "duplicate label {k}");
            assert!(!en.is_empty() && !zh.is_empty(), "empty label {k}");
            assert!(
                k.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "label key {k} is not an identifier"
            );
            // The same placeholders in both languages.
            let ph = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|x| x.split_once('}').map(|(a, _)| a.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(ph(en), ph(zh), "placeholders of {k}");
        }
    }

    #[test]
    fn enum_labels_exist() {
        use crate::model::*;
        let i = I18n::new(Locale::ZhCn);
        let enums: [(&str, &[&str]); 8] = [
            ("role", Role::NAMES),
            ("tier", Tier::NAMES),
            ("influence", Influence::NAMES),
            ("touch", TouchKind::NAMES),
            ("buying", BuyingRole::NAMES),
            ("attitude", Attitude::NAMES),
            ("metric", Metric::NAMES),
            ("category", Category::NAMES),
        ];
        for (prefix, names) in enums {
            for v in names {
                i.of(prefix, v);
            }
        }
        // Closed deals: closed-won and closed-lost.
        for c in ["won", "lost"] {
            i.of("category", c);
        }
        for c in crate::analytics::risk::CODES {
            i.of("risk", c);
            i.get(&format!("risk_{c}_desc"));
        }
    }

    #[test]
    fn compact_money() {
        let m = |s: &str| Money::cents(Decimal::from_str(s).unwrap());
        let en = Fmt {
            currency: "CNY".into(),
            locale: Locale::En,
        };
        let zh = Fmt {
            currency: "CNY".into(),
            locale: Locale::ZhCn,
        };
        assert_eq!(en.compact(m("1234567")), "¥1.23M");
        assert_eq!(zh.compact(m("1234567")), "¥123.5万");
        assert_eq!(zh.compact(m("123456")), "¥12.35万");
        assert_eq!(zh.compact(m("250000000")), "¥2.5亿");
        assert_eq!(zh.compact(m("5000")), "¥5000");
        assert_eq!(en.compact(m("-2500000")), "-¥2.50M");
        assert_eq!(en.probability(Decimal::from_str("0.25").unwrap()), "25%");
        assert_eq!(en.card(m("12294500")), "¥12.29M");
        assert_eq!(en.card(m("350000")), "¥350K");
        assert_eq!(en.card(m("123456789")), "¥123.5M");
        assert_eq!(en.card(m("950.40")), "¥950");
        assert_eq!(en.card(m("2500000000")), "¥2.5B");
        assert_eq!(zh.card(m("12294500")), "¥1229万");
    }
}
