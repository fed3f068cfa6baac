//! Periods in the fiscal calendar: fiscal years, fiscal quarters and
//! calendar months. Fiscal year N is the one that *starts* in calendar year N
//! (with `fiscal_year_start = 4`, FY2026 runs from 2026-04-01 to 2027-03-31
//! and 2026-Q1 is April–June 2026). Months are plain calendar months:
//! `2026-11` is November 2026 whatever the fiscal calendar.

use jiff::civil::Date;
use serde::{Serialize, Serializer};
use std::fmt;

/// A year, quarter or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// Fiscal year N (starts in calendar year N).
    Year(i16),
    /// Quarter 1..=4 of fiscal year N.
    Quarter(i16, u8),
    /// Calendar month 1..=12 of calendar year N.
    Month(i16, u8),
}

/// The granularity of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    /// A fiscal year.
    Year,
    /// A fiscal quarter.
    Quarter,
    /// A calendar month.
    Month,
}

impl Period {
    /// Parses `2026`, `2026-Q4` (or `2026-q4`) and `2026-11`, in the years
    /// [`crate::limits::MIN_YEAR`]..=[`crate::limits::MAX_YEAR`].
    pub fn parse(s: &str) -> Option<Period> {
        Period::parse_any_year(s).filter(|p| crate::limits::year_ok(p.year()))
    }

    /// Like [`Period::parse`], for any four-digit year (to tell a
    /// well-formed period outside the years allowed from a malformed one).
    pub fn parse_any_year(s: &str) -> Option<Period> {
        let s = s.trim();
        let year_ok = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
        if year_ok(s) {
            return Some(Period::Year(s.parse().ok()?));
        }
        let (y, rest) = s.split_once('-')?;
        if !year_ok(y) {
            return None;
        }
        let year: i16 = y.parse().ok()?;
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let q: u8 = q.parse().ok()?;
            if q.to_string() == rest[1..] && (1..=4).contains(&q) {
                return Some(Period::Quarter(year, q));
            }
            return None;
        }
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
            let m: u8 = rest.parse().ok()?;
            if (1..=12).contains(&m) {
                return Some(Period::Month(year, m));
            }
        }
        None
    }

    /// The year in its name (fiscal for years and quarters, calendar for
    /// months).
    pub fn year(&self) -> i16 {
        match *self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// Year, quarter or month.
    pub fn grain(&self) -> Grain {
        match self {
            Period::Year(_) => Grain::Year,
            Period::Quarter(..) => Grain::Quarter,
            Period::Month(..) => Grain::Month,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The fiscal calendar of a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Month (1..=12) the fiscal year starts in.
    pub start_month: u8,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar { start_month: 1 }
    }
}

fn first_of(year: i32, month0: i32) -> Date {
    // month0 may run past 11; carry into the year
    let y = year + month0.div_euclid(12);
    let m = month0.rem_euclid(12) + 1;
    // Years the reader accepts are far inside the calendar's range; a year
    // outside it (only through the library) saturates instead of panicking.
    match i16::try_from(y)
        .ok()
        .and_then(|y| Date::new(y, m as i8, 1).ok())
    {
        Some(d) => d,
        None if y < 0 => Date::MIN,
        None => Date::MAX,
    }
}

impl Calendar {
    /// A calendar whose year starts in `start_month` (clamped to 1..=12).
    pub fn new(start_month: u8) -> Calendar {
        Calendar {
            start_month: start_month.clamp(1, 12),
        }
    }

    /// First day of a period and the first day after it.
    pub fn range(&self, p: Period) -> (Date, Date) {
        let s0 = self.start_month as i32 - 1;
        match p {
            Period::Year(y) => (first_of(y as i32, s0), first_of(y as i32, s0 + 12)),
            Period::Quarter(y, q) => {
                let m = s0 + (q as i32 - 1) * 3;
                (first_of(y as i32, m), first_of(y as i32, m + 3))
            }
            Period::Month(y, m) => (
                first_of(y as i32, m as i32 - 1),
                first_of(y as i32, m as i32),
            ),
        }
    }

    /// Whether `d` falls in `p`.
    pub fn contains(&self, p: Period, d: Date) -> bool {
        let (a, b) = self.range(p);
        a <= d && d < b
    }

    /// The fiscal year containing `d`.
    pub fn year_of(&self, d: Date) -> Period {
        let y = d.year();
        if (d.month() as u8) >= self.start_month {
            Period::Year(y)
        } else {
            Period::Year(y - 1)
        }
    }

    /// The fiscal quarter containing `d`.
    pub fn quarter_of(&self, d: Date) -> Period {
        let Period::Year(fy) = self.year_of(d) else {
            unreachable!("year_of returns a year")
        };
        let offset = (d.month() as i32 - self.start_month as i32).rem_euclid(12);
        Period::Quarter(fy, (offset / 3 + 1) as u8)
    }

    /// The calendar month containing `d`.
    pub fn month_of(&self, d: Date) -> Period {
        Period::Month(d.year(), d.month() as u8)
    }

    /// The period of the same grain containing `d`.
    pub fn of_grain(&self, g: Grain, d: Date) -> Period {
        match g {
            Grain::Year => self.year_of(d),
            Grain::Quarter => self.quarter_of(d),
            Grain::Month => self.month_of(d),
        }
    }

    /// The period before `p`, of the same grain.
    pub fn prev(&self, p: Period) -> Period {
        let (start, _) = self.range(p);
        self.of_grain(p.grain(), start.yesterday().unwrap_or(start))
    }

    /// The period after `p`, of the same grain.
    pub fn next(&self, p: Period) -> Period {
        let (_, end) = self.range(p);
        self.of_grain(p.grain(), end)
    }

    /// The quarters of a year, or the months of a quarter; empty for a month.
    pub fn children(&self, p: Period) -> Vec<Period> {
        match p {
            Period::Year(y) => (1..=4).map(|q| Period::Quarter(y, q)).collect(),
            Period::Quarter(..) => {
                let (start, _) = self.range(p);
                (0..3)
                    .map(|i| {
                        let d = first_of(start.year() as i32, start.month() as i32 - 1 + i);
                        self.month_of(d)
                    })
                    .collect()
            }
            Period::Month(..) => Vec::new(),
        }
    }

    /// The year containing a period, and the quarter for a month.
    pub fn parents(&self, p: Period) -> Vec<Period> {
        let (start, _) = self.range(p);
        match p {
            Period::Year(_) => Vec::new(),
            Period::Quarter(y, _) => vec![Period::Year(y)],
            Period::Month(..) => vec![self.quarter_of(start), self.year_of(start)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_and_prints() {
        for s in ["2026", "2026-Q4", "2026-01", "2026-12"] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Period::parse("2026-q2"), Some(Period::Quarter(2026, 2)));
        for bad in [
            "26", "2026-Q5", "2026-Q0", "2026-13", "2026-1", "2026-00", "Q4-2026", "2026-Q04", "",
            "2026-", "9999", "9999-Q4", "3000-01", "1899",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Period::parse_any_year("9999-Q4"),
            Some(Period::Quarter(9999, 4))
        );
        assert_eq!(Period::parse("2999-12"), Some(Period::Month(2999, 12)));
        assert_eq!(Period::parse("1900"), Some(Period::Year(1900)));
    }

    #[test]
    fn calendar_year_fiscal() {
        let c = Calendar::new(1);
        assert_eq!(c.quarter_of(date(2026, 11, 15)), Period::Quarter(2026, 4));
        assert_eq!(
            c.range(Period::Quarter(2026, 4)),
            (date(2026, 10, 1), date(2027, 1, 1))
        );
        assert_eq!(c.prev(Period::Quarter(2026, 1)), Period::Quarter(2025, 4));
        assert_eq!(c.next(Period::Quarter(2026, 4)), Period::Quarter(2027, 1));
    }

    #[test]
    fn april_fiscal_year_is_named_by_its_start() {
        let c = Calendar::new(4);
        assert_eq!(c.year_of(date(2026, 4, 1)), Period::Year(2026));
        assert_eq!(c.year_of(date(2027, 3, 31)), Period::Year(2026));
        assert_eq!(c.quarter_of(date(2026, 4, 1)), Period::Quarter(2026, 1));
        assert_eq!(c.quarter_of(date(2027, 2, 10)), Period::Quarter(2026, 4));
        assert_eq!(
            c.range(Period::Year(2026)),
            (date(2026, 4, 1), date(2027, 4, 1))
        );
        assert_eq!(
            c.range(Period::Quarter(2026, 4)),
            (date(2027, 1, 1), date(2027, 4, 1))
        );
        assert_eq!(
            c.children(Period::Quarter(2026, 4)),
            vec![
                Period::Month(2027, 1),
                Period::Month(2027, 2),
                Period::Month(2027, 3)
            ]
        );
        assert_eq!(
            c.parents(Period::Month(2027, 2)),
            vec![Period::Quarter(2026, 4), Period::Year(2026)]
        );
        assert!(c.contains(Period::Year(2026), date(2027, 3, 31)));
        assert!(!c.contains(Period::Year(2026), date(2026, 3, 31)));
    }

    #[test]
    fn the_last_years_do_not_panic() {
        for start in 1..=12 {
            let c = Calendar::new(start);
            for p in [
                Period::Year(9999),
                Period::Quarter(9999, 4),
                Period::Month(9999, 12),
            ] {
                let (a, b) = c.range(p);
                assert!(a <= b);
                let _ = (c.next(p), c.prev(p), c.children(p), c.parents(p));
            }
            let last = c.range(Period::Year(crate::limits::MAX_YEAR));
            assert!(last.1 < Date::MAX, "{last:?}");
            let _ = c.prev(Period::Year(crate::limits::MIN_YEAR));
        }
    }
}
