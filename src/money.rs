//! Exact money and ratios. Amounts are converted into the reporting
//! currency and rounded to the cent once per deal (half away from zero);
//! every total is a sum of such cents, so totals never drift. Ratios are
//! exact decimals rounded to 4 places; nothing here is ever a float.
//!
//! Nothing here panics on overflow. The bounds of [`crate::limits`] keep
//! every sum over a million deals exact; beyond that, sums saturate at the
//! largest (or smallest) amount with cents, and a ratio or percentage too
//! large to hold is undefined (`None`), shown like a division by zero.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount in the reporting currency, always a whole number of cents
/// (and always printed with two decimal places, zero included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Rounds to `dp` places, half away from zero.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

impl Money {
    /// Zero, as 0.00: sums start from it, so its scale is the cents'.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Rounds a decimal to the cent.
    pub fn cents(d: Decimal) -> Money {
        let mut r = round(d, 2);
        r.rescale(2);
        Money(r)
    }

    /// The largest amount with cents (about 7.9 × 10^26).
    pub const MAX: Money = Money(Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, false, 2));

    /// The smallest (negative) amount with cents.
    pub const MIN: Money = Money(Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 2));

    /// Rounds a decimal to the cent, saturating at [`Money::MAX`] /
    /// [`Money::MIN`] when it has no room for the cents.
    fn cents_saturating(d: Option<Decimal>) -> Money {
        match d {
            Some(d) if d.abs() <= Money::MAX.0 => Money::cents(d),
            Some(d) if d.is_sign_negative() => Money::MIN,
            Some(_) => Money::MAX,
            None => Money::MAX,
        }
    }

    /// An amount in some currency converted at `rate`, rounded to the cent.
    pub fn convert(amount: Decimal, rate: Decimal) -> Money {
        Money::cents_saturating(amount.checked_mul(rate))
    }

    /// This amount times a probability, rounded to the cent.
    pub fn weighted(self, probability: Decimal) -> Money {
        Money::cents_saturating(self.0.checked_mul(probability))
    }

    /// `self + o`, or `None` when the sum has no room for the cents.
    pub fn checked_add(self, o: Money) -> Option<Money> {
        // Both have two places; so does their sum, unless it lost places
        // for want of room (then it is beyond the largest amount).
        let s = self.0.checked_add(o.0)?;
        (s.scale() == 2).then_some(Money(s))
    }

    fn saturating_add(self, o: Money) -> Money {
        self.checked_add(o).unwrap_or(if o.0.is_sign_negative() {
            Money::MIN
        } else {
            Money::MAX
        })
    }

    /// The exact value.
    pub fn get(self) -> Decimal {
        self.0
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `self / other` as a ratio, none when `other` is zero.
    pub fn ratio(self, other: Money) -> Option<Ratio> {
        Ratio::of(self.0, other.0)
    }

    /// `self / n`, rounded to the cent; none when `n` is zero.
    pub fn div_count(self, n: usize) -> Option<Money> {
        if n == 0 {
            None
        } else {
            Some(Money::cents(self.0 / Decimal::from(n)))
        }
    }

    /// Splits into `n` parts that sum exactly to `self`: the first parts get
    /// the leftover cents.
    pub fn split(self, n: usize) -> Vec<Money> {
        if n == 0 {
            return Vec::new();
        }
        // Amounts are at most Money::MAX, whose cents (an integer of 96
        // bits) always fit.
        let mut cents = self.0;
        cents.set_scale(0).expect("scale 0 is valid");
        let cents = cents.trunc();
        let n_dec = Decimal::from(n);
        let base = (cents / n_dec).floor();
        let extra = cents - base * n_dec;
        (0..n)
            .map(|i| {
                let c = if Decimal::from(i) < extra {
                    base + Decimal::ONE
                } else {
                    base
                };
                Money::cents(c / Decimal::ONE_HUNDRED)
            })
            .collect()
    }
}

impl Default for Money {
    fn default() -> Money {
        Money::ZERO
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl Add for Money {
    type Output = Money;
    /// Saturating (see the module's documentation).
    fn add(self, o: Money) -> Money {
        self.saturating_add(o)
    }
}

impl Sub for Money {
    type Output = Money;
    /// Saturating (see the module's documentation).
    fn sub(self, o: Money) -> Money {
        self.saturating_add(-o)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        *self = *self + o;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        *self = *self - o;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + *b)
    }
}

/// A ratio (win rate, coverage, attainment, share), 4 decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(Decimal);

impl Ratio {
    /// The largest ratio held (10^20): room for 4 places, and for its
    /// percentage with one.
    const MAX: Decimal = Decimal::from_parts(1_661_992_960, 1_808_227_885, 5, false, 0);

    /// `num / den` rounded to 4 places; none when `den` is zero, or when
    /// the quotient is beyond ±10^20 (possible only with amounts near the
    /// maxima and a denominator of a cent).
    pub fn of(num: Decimal, den: Decimal) -> Option<Ratio> {
        if den.is_zero() {
            return None;
        }
        let q = num.checked_div(den).filter(|q| q.abs() <= Ratio::MAX)?;
        let mut r = round(q, 4);
        r.rescale(4);
        Some(Ratio(r))
    }

    /// `a / b` for counts.
    pub fn of_counts(a: usize, b: usize) -> Option<Ratio> {
        Ratio::of(Decimal::from(a), Decimal::from(b))
    }

    /// The exact value.
    pub fn get(self) -> Decimal {
        self.0
    }

    /// As a percentage with one decimal place, e.g. 42.5.
    pub fn percent(self) -> Decimal {
        let mut p = round(self.0 * Decimal::ONE_HUNDRED, 1);
        p.rescale(1);
        p
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Mean of whole days, one decimal place; none for an empty list.
pub fn mean_days(days: &[i64]) -> Option<Decimal> {
    if days.is_empty() {
        return None;
    }
    let sum: i64 = days.iter().sum();
    let mut m = round(Decimal::from(sum) / Decimal::from(days.len()), 1);
    m.rescale(1);
    Some(m)
}

/// Median of whole days, one decimal place (mean of the middle two for an
/// even count); none for an empty list.
pub fn median_days(days: &[i64]) -> Option<Decimal> {
    if days.is_empty() {
        return None;
    }
    let mut v = days.to_vec();
    v.sort_unstable();
    let n = v.len();
    let m = if n % 2 == 1 {
        Decimal::from(v[n / 2])
    } else {
        (Decimal::from(v[n / 2 - 1]) + Decimal::from(v[n / 2])) / Decimal::TWO
    };
    let mut m = round(m, 1);
    m.rescale(1);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_the_cent() {
        assert_eq!(Money::cents(d("0.125")).to_string(), "0.13");
        assert_eq!(Money::cents(d("0.135")).to_string(), "0.14");
        assert_eq!(Money::cents(d("7")).to_string(), "7.00");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::default().to_string(), "0.00");
        assert_eq!([Money::ZERO; 0].iter().sum::<Money>().to_string(), "0.00");
        // 333.33 × 0.7 = 233.331 → 233.33
        assert_eq!(
            Money::cents(d("333.33")).weighted(d("0.7")).to_string(),
            "233.33"
        );
        // USD 12,345.67 at 7.1 = 87,654.257 → 87,654.26
        assert_eq!(
            Money::convert(d("12345.67"), d("7.1")).to_string(),
            "87654.26"
        );
    }

    #[test]
    fn split_sums_exactly() {
        let parts = Money::cents(d("100")).split(3);
        assert_eq!(
            parts.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            ["33.34", "33.33", "33.33"]
        );
        assert_eq!(parts.iter().sum::<Money>(), Money::cents(d("100")));
        let parts = Money::MAX.split(7);
        assert_eq!(parts.iter().sum::<Money>(), Money::MAX);
    }

    #[test]
    fn sums_and_ratios_never_overflow() {
        let big = Money::convert(crate::limits::MAX_AMOUNT, crate::limits::MAX_RATE);
        assert_eq!(big.to_string(), "100000000000000000000.00");
        // A million of the largest deals: exact.
        let total: Money = std::iter::repeat_n(big, 1_000_000).sum();
        assert_eq!(total.to_string(), "100000000000000000000000000.00");
        // Ten times as many saturate instead of panicking.
        let more: Money = std::iter::repeat_n(total, 10).sum();
        assert_eq!(more, Money::MAX);
        assert_eq!(Money::ZERO - more - more, Money::MIN);
        assert_eq!(Money::convert(d("7e28"), d("100000")), Money::MAX);
        assert_eq!(Ratio::of(Money::MAX.get(), d("0.01")), None);
        assert_eq!(Ratio::of(total.get(), d("0.01")), None);
        let r = Ratio::of(d("1e20"), Decimal::ONE).unwrap();
        assert_eq!(r.percent().to_string(), "10000000000000000000000.0");
        assert_eq!(
            Ratio::of(d("-1e20"), Decimal::ONE).unwrap().get(),
            d("-1e20")
        );
    }

    #[test]
    fn ratios_and_undefined_values() {
        assert_eq!(Ratio::of_counts(1, 3).unwrap().to_string(), "0.3333");
        assert_eq!(
            Ratio::of_counts(2, 3).unwrap().percent().to_string(),
            "66.7"
        );
        assert_eq!(Ratio::of_counts(1, 0), None);
        assert_eq!(Money::ZERO.div_count(0), None);
        assert_eq!(mean_days(&[]), None);
        assert_eq!(median_days(&[10, 20, 30, 41]).unwrap().to_string(), "25.0");
        assert_eq!(mean_days(&[10, 20, 31]).unwrap().to_string(), "20.3");
    }
}
