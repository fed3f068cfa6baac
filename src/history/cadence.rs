//! When snapshots are taken: every day, at the end of every week (on the
//! day `[history] week_ends` names, Sunday by default: the end of the ISO
//! week), at the end of every month, or at every commit; and the weeks of
//! a period, whose ends are the "calls" forecast accuracy is measured at.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::Serialize;

/// How often the history takes a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    /// At the end of every day.
    Day,
    /// At the end of every week (the default).
    Week,
    /// At the end of every month.
    Month,
    /// At every commit, as of its date.
    Commit,
}

/// The first day on or after `d` that is a `weekday`.
pub fn on_or_after(d: Date, weekday: Weekday) -> Date {
    let ahead = (weekday.to_monday_zero_offset() - d.weekday().to_monday_zero_offset() + 7) % 7;
    d.checked_add((ahead as i32).days()).unwrap_or(d)
}

/// The last day on or before `d` that is a `weekday`.
pub fn on_or_before(d: Date, weekday: Weekday) -> Date {
    let back = (d.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset() + 7) % 7;
    d.checked_sub((back as i32).days()).unwrap_or(d)
}

/// The snapshot dates from `from` up to, not including, `to` (the last
/// point of a history is `to` itself): each day, each week's end, or each
/// month's last day. Empty for [`Every::Commit`], whose points are the
/// commits.
pub fn dates(every: Every, week_ends: Weekday, from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = match every {
        Every::Day => from,
        Every::Week => on_or_after(from, week_ends),
        Every::Month => from.last_of_month(),
        Every::Commit => return out,
    };
    while d < to {
        out.push(d);
        let next = match every {
            Every::Day => d.tomorrow().ok(),
            Every::Week => d.checked_add(7.days()).ok(),
            _ => d
                .tomorrow()
                .ok()
                .map(|first_of_next| first_of_next.last_of_month()),
        };
        match next {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// The ends of the weeks of the period `[start, end)`: every `week_ends`
/// day in it. Week N of the period ends on the N-th of them; days after
/// the last one belong to no week of the period.
pub fn week_ends_in(start: Date, end: Date, week_ends: Weekday) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = on_or_after(start, week_ends);
    while d < end {
        out.push(d);
        match d.checked_add(7.days()) {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weeks_end_on_the_day_asked() {
        // 2026-11-15 is a Sunday.
        assert_eq!(date(2026, 11, 15).weekday(), Weekday::Sunday);
        assert_eq!(
            on_or_after(date(2026, 11, 11), Weekday::Sunday),
            date(2026, 11, 15)
        );
        assert_eq!(
            on_or_after(date(2026, 11, 15), Weekday::Sunday),
            date(2026, 11, 15)
        );
        assert_eq!(
            on_or_before(date(2026, 11, 14), Weekday::Friday),
            date(2026, 11, 13)
        );
        assert_eq!(
            dates(
                Every::Week,
                Weekday::Friday,
                date(2026, 11, 1),
                date(2026, 11, 20)
            ),
            [date(2026, 11, 6), date(2026, 11, 13)]
        );
        // The fourth quarter of 2026 has 13 Sundays, from 4 October to
        // 27 December.
        let w = week_ends_in(date(2026, 10, 1), date(2027, 1, 1), Weekday::Sunday);
        assert_eq!(w.len(), 13);
        assert_eq!(w[0], date(2026, 10, 4));
        assert_eq!(w[12], date(2026, 12, 27));
    }

    #[test]
    fn days_and_months() {
        assert_eq!(
            dates(
                Every::Day,
                Weekday::Sunday,
                date(2026, 2, 27),
                date(2026, 3, 2)
            ),
            [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]
        );
        assert_eq!(
            dates(
                Every::Month,
                Weekday::Sunday,
                date(2026, 1, 15),
                date(2026, 4, 30)
            ),
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
        );
        assert!(
            dates(
                Every::Commit,
                Weekday::Sunday,
                date(2026, 1, 1),
                date(2027, 1, 1)
            )
            .is_empty()
        );
    }
}
