//! The documented maxima of the format, in one place so that the reader
//! (which enforces them with diagnostics), the schema, the command line and
//! the docs agree. They are far above any real pipeline and are chosen so
//! that nothing computed from a pipeline that passes `check` can overflow
//! or run away:
//!
//! - **Money.** An amount (in any currency), a market size, a target and a
//!   rule threshold are at most [`MAX_AMOUNT`] = 10^15; a rate is at most
//!   [`MAX_RATE`] = 10^5. So one deal converted into the reporting currency
//!   is at most 10^20, and the sum of a million of them at most 10^26, below
//!   the largest decimal with two places (about 7.9 × 10^26). Sums are also
//!   saturating ([`crate::money::Money`]), and ratios that would not fit are
//!   undefined rather than a crash.
//! - **Years.** Dates, periods and `--as-of` lie in the years
//!   [`MIN_YEAR`]..=[`MAX_YEAR`], so that every period, the one after it and
//!   the year before it are dates the calendar can hold.
//! - **Markdown notes.** At most [`MAX_NOTE_CHARS`] characters and
//!   [`MAX_NOTE_DEPTH`] levels of nesting (block quotes, lists, emphasis and
//!   HTML elements together), so rendering and sanitising a note is linear
//!   in its size (the HTML sanitiser is quadratic in nesting depth).

use rust_decimal::Decimal;

/// The largest amount, market size, target value or rule threshold: 10^15.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The largest conversion rate: 10^5.
pub const MAX_RATE: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// The earliest year of a date or period.
pub const MIN_YEAR: i16 = 1900;

/// The latest year of a date or period.
pub const MAX_YEAR: i16 = 2999;

/// The most characters a Markdown note may hold.
pub const MAX_NOTE_CHARS: usize = 65_536;

/// The deepest nesting of a Markdown note (block quotes, lists, emphasis,
/// links and HTML elements, counted together).
pub const MAX_NOTE_DEPTH: usize = 32;

/// Whether a year is inside [`MIN_YEAR`]..=[`MAX_YEAR`].
pub fn year_ok(year: i16) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

/// The message part saying which years are allowed.
pub fn years_text() -> String {
    format!("dates and periods must lie in the years {MIN_YEAR} to {MAX_YEAR}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_what_the_docs_say() {
        assert_eq!(MAX_AMOUNT, Decimal::from(1_000_000_000_000_000i64));
        assert_eq!(MAX_RATE, Decimal::from(100_000));
        // A million deals at the largest amount and rate, with cents, fit.
        let one = MAX_AMOUNT * MAX_RATE;
        let mut total = Decimal::new(0, 2);
        total.set_scale(2).unwrap();
        let all = one.checked_mul(Decimal::from(1_000_000)).unwrap();
        assert!(all.checked_add(total).is_some());
        let mut cents = all;
        cents.rescale(2);
        assert_eq!(cents.scale(), 2, "{cents}");
    }
}
