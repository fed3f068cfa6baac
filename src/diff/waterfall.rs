//! The open-pipeline waterfall: how the open amount of a period (or of the
//! whole pipeline) got from A to B.
//!
//! A deal is *in* a period at a revision when it is open there and its
//! `close` falls in the period (in that revision's fiscal calendar); it is
//! in the whole pipeline when it is open. Amounts are in the reporting
//! currency, each deal rounded to the cent, so every sum is exact.
//!
//! Each deal lands in buckets by these rules, applied in order:
//!
//! 1. in the period at both revisions: the difference of its amounts goes
//!    to `amount_up` or `amount_down`;
//! 2. in it at B only, and open at A (with a close elsewhere or none):
//!    `pulled_in` at its amount at A, and the difference of its amounts
//!    to `amount_up` or `amount_down`; a deal moved and re-priced is moved
//!    first, then re-priced;
//! 3. in it at B only, not open at A (added, reopened, or left out of A's
//!    numbers because its file had errors): `new` at its amount at B;
//! 4. in it at A only: at its amount at A, to `won` or `lost` when that is
//!    its status at B, to `pushed_out` when it is still open at B (closing
//!    in another period or without a close), and to `removed` when it is
//!    gone at B or left out of B's numbers because its file has errors.
//!
//! So for every deal, its share of the buckets is exactly its amount at B
//! minus its amount at A, and
//!
//! ```text
//! end = start + new + pulled_in − pushed_out + amount_up − amount_down
//!       − won − lost − removed
//! ```
//!
//! holds to the cent. For the whole pipeline `pulled_in` and `pushed_out`
//! are zero. Over periods that partition time (the quarters of a year)
//! what one period pushes out another pulls in.

use super::compare::{DealView, Pair, State};
use crate::money::Money;
use crate::period::{Calendar, Period};
use serde::Serialize;
use std::collections::HashMap;

/// An amount and the number of deals making it up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// Sum, reporting currency.
    pub amount: Money,
    /// Deals counted.
    pub deals: usize,
}

impl Bucket {
    fn add(&mut self, m: Money) {
        self.amount += m;
        self.deals += 1;
    }
}

/// The waterfall of one period, or of the whole open pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Waterfall {
    /// The period; none for the whole open pipeline.
    pub period: Option<Period>,
    /// Open amount at A.
    pub start: Bucket,
    /// Arrived, not open at A.
    pub new: Bucket,
    /// Arrived from another period (or from no close date).
    pub pulled_in: Bucket,
    /// Left for another period (or for no close date), still open.
    pub pushed_out: Bucket,
    /// Amount increases.
    pub amount_up: Bucket,
    /// Amount decreases (as a positive amount).
    pub amount_down: Bucket,
    /// Left as won.
    pub won: Bucket,
    /// Left as lost.
    pub lost: Bucket,
    /// Left because the deal is gone or its file has errors at B.
    pub removed: Bucket,
    /// Open amount at B.
    pub end: Bucket,
}

impl Waterfall {
    /// `start` plus the flows: equal to `end` by construction.
    pub fn computed_end(&self) -> Money {
        self.start.amount + self.new.amount + self.pulled_in.amount - self.pushed_out.amount
            + self.amount_up.amount
            - self.amount_down.amount
            - self.won.amount
            - self.lost.amount
            - self.removed.amount
    }

    /// Whether anything flowed (any bucket besides start and end).
    pub fn has_flows(&self) -> bool {
        [
            self.new,
            self.pulled_in,
            self.pushed_out,
            self.amount_up,
            self.amount_down,
            self.won,
            self.lost,
            self.removed,
        ]
        .iter()
        .any(|b| b.deals > 0)
    }

    /// The flows in display order, with their names in JSON and their sign.
    pub fn flows(&self) -> [(&'static str, Bucket, i8); 8] {
        [
            ("new", self.new, 1),
            ("pulled_in", self.pulled_in, 1),
            ("pushed_out", self.pushed_out, -1),
            ("amount_up", self.amount_up, 1),
            ("amount_down", self.amount_down, -1),
            ("won", self.won, -1),
            ("lost", self.lost, -1),
            ("removed", self.removed, -1),
        ]
    }
}

/// A deal's open amount when it counts for the period at a revision.
fn member(v: &DealView, period: Option<Period>, cal: &Calendar) -> Option<Money> {
    if v.status != State::Open {
        return None;
    }
    let amount = v.amount?;
    match period {
        None => Some(amount),
        Some(p) => v.close.filter(|c| cal.contains(p, *c)).map(|_| amount),
    }
}

fn reprice(w: &mut Waterfall, from: Money, to: Money) {
    if to > from {
        w.amount_up.add(to - from);
    } else if to < from {
        w.amount_down.add(from - to);
    }
}

/// Adds one deal to the waterfall of a period (none: the whole pipeline).
fn apply(w: &mut Waterfall, p: &Pair<'_>, cal_a: &Calendar, cal_b: &Calendar) {
    let in_a = p.a.and_then(|v| member(v, w.period, cal_a));
    let in_b = p.b.and_then(|v| member(v, w.period, cal_b));
    if let Some(x) = in_a {
        w.start.add(x);
    }
    if let Some(y) = in_b {
        w.end.add(y);
    }
    match (in_a, in_b) {
        (Some(x), Some(y)) => reprice(w, x, y),
        (None, Some(y)) => match p
            .a
            .filter(|v| v.status == State::Open)
            .and_then(|v| v.amount)
        {
            Some(x) => {
                w.pulled_in.add(x);
                reprice(w, x, y);
            }
            None => w.new.add(y),
        },
        (Some(x), None) => match p.b.map(|v| v.status) {
            Some(State::Won) => w.won.add(x),
            Some(State::Lost) => w.lost.add(x),
            Some(State::Open) => w.pushed_out.add(x),
            Some(State::Excluded) | None => w.removed.add(x),
        },
        (None, None) => {}
    }
}

/// The waterfall of the whole open pipeline and of each period, in one
/// pass: a deal can only count for the year, quarter and month of its
/// close at A and at B, so only those periods are visited per deal.
pub fn waterfalls(
    pairs: &[Pair<'_>],
    periods: &[Period],
    cal_a: &Calendar,
    cal_b: &Calendar,
) -> (Waterfall, Vec<Waterfall>) {
    let mut whole = Waterfall::default();
    let mut by_period: HashMap<Period, Waterfall> = periods
        .iter()
        .map(|&p| {
            (
                p,
                Waterfall {
                    period: Some(p),
                    ..Waterfall::default()
                },
            )
        })
        .collect();
    let mut near: Vec<Period> = Vec::with_capacity(6);
    for p in pairs {
        apply(&mut whole, p, cal_a, cal_b);
        near.clear();
        for (v, cal) in [(p.a, cal_a), (p.b, cal_b)] {
            if let Some(c) = v.filter(|v| v.status == State::Open).and_then(|v| v.close) {
                near.extend([cal.year_of(c), cal.quarter_of(c), cal.month_of(c)]);
            }
        }
        near.sort();
        near.dedup();
        for period in &near {
            if let Some(w) = by_period.get_mut(period) {
                apply(w, p, cal_a, cal_b);
            }
        }
    }
    let list = periods
        .iter()
        .map(|p| by_period.remove(p).unwrap_or_default())
        .collect();
    (whole, list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use rust_decimal::Decimal;
    use std::sync::Arc;

    fn view(status: State, amount: i64, close: Option<(i16, i8, i8)>) -> DealView {
        DealView {
            path: String::new(),
            name: String::new(),
            status,
            stage: String::new(),
            stage_name: String::new(),
            owner: String::new(),
            owner_name: String::new(),
            account: String::new(),
            account_name: String::new(),
            amount: (status != State::Excluded).then(|| Money::cents(Decimal::from(amount))),
            amount_written: Decimal::from(amount),
            currency: "CNY".into(),
            category: None,
            probability: None,
            weighted: None,
            close: close.map(|(y, m, d)| date(y, m, d)),
            close_quarter: None,
            lost_reason: None,
            stage_ix: None,
            text: Arc::from(""),
        }
    }

    /// The waterfall of one period, looking at every deal: the reference
    /// [`waterfalls`] (one pass over many periods) must agree with.
    fn waterfall(
        pairs: &[Pair<'_>],
        period: Option<Period>,
        cal_a: &Calendar,
        cal_b: &Calendar,
    ) -> Waterfall {
        let mut w = Waterfall {
            period,
            ..Waterfall::default()
        };
        for p in pairs {
            apply(&mut w, p, cal_a, cal_b);
        }
        w
    }

    fn m(n: i64) -> Money {
        Money::cents(Decimal::from(n))
    }

    #[test]
    fn every_rule_and_the_balance() {
        use State::*;
        let q4 = Period::Quarter(2026, 4);
        let dec = Some((2026, 12, 1));
        let jan = Some((2027, 1, 10));
        let views = [
            // unchanged in Q4
            (Some(view(Open, 100, dec)), Some(view(Open, 100, dec))),
            // re-priced in Q4
            (Some(view(Open, 100, dec)), Some(view(Open, 130, dec))),
            (Some(view(Open, 100, dec)), Some(view(Open, 60, dec))),
            // pulled in from Q1 and re-priced: pulled in at 50, up 20
            (Some(view(Open, 50, jan)), Some(view(Open, 70, dec))),
            // pulled in from no close date
            (Some(view(Open, 5, None)), Some(view(Open, 5, dec))),
            // pushed out (re-priced elsewhere): out at 100
            (Some(view(Open, 100, dec)), Some(view(Open, 900, jan))),
            // new: added, reopened, no longer excluded
            (None, Some(view(Open, 10, dec))),
            (Some(view(Won, 11, dec)), Some(view(Open, 12, dec))),
            (Some(view(Excluded, 0, dec)), Some(view(Open, 13, dec))),
            // won, lost (at their amount at A), removed, excluded
            (Some(view(Open, 200, dec)), Some(view(Won, 250, dec))),
            (Some(view(Open, 300, dec)), Some(view(Lost, 300, dec))),
            (Some(view(Open, 400, dec)), None),
            (Some(view(Open, 500, dec)), Some(view(Excluded, 0, dec))),
            // never in Q4
            (Some(view(Open, 7, jan)), Some(view(Open, 8, jan))),
        ];
        let pairs: Vec<Pair<'_>> = views
            .iter()
            .map(|(a, b)| Pair {
                id: "x",
                previous_id: None,
                a: a.as_ref(),
                b: b.as_ref(),
            })
            .collect();
        let cal = Calendar::new(1);
        let w = waterfall(&pairs, Some(q4), &cal, &cal);
        assert_eq!(
            w.start.amount,
            m(100 + 100 + 100 + 100 + 200 + 300 + 400 + 500)
        );
        assert_eq!(w.pulled_in.amount, m(55));
        assert_eq!(w.amount_up.amount, m(30 + 20));
        assert_eq!(w.amount_down.amount, m(40));
        assert_eq!(w.pushed_out.amount, m(100));
        assert_eq!(w.new.amount, m(10 + 12 + 13));
        assert_eq!(w.won.amount, m(200));
        assert_eq!(w.lost.amount, m(300));
        assert_eq!(w.removed.amount, m(900));
        assert_eq!(w.removed.deals, 2);
        assert_eq!(w.end.amount, m(100 + 130 + 60 + 70 + 5 + 10 + 12 + 13));
        assert_eq!(w.computed_end(), w.end.amount);
        // The one-pass version agrees, and the whole pipeline balances too.
        let (whole, list) = waterfalls(&pairs, &[q4, Period::Quarter(2027, 1)], &cal, &cal);
        assert_eq!(list[0], w);
        assert_eq!(whole.computed_end(), whole.end.amount);
        assert!(whole.pulled_in.amount.is_zero() && whole.pushed_out.amount.is_zero());
        let q1 = &list[1];
        assert_eq!(q1.pushed_out.amount, m(50));
        assert_eq!(q1.pulled_in.amount, m(100));
        assert_eq!(q1.computed_end(), q1.end.amount);
        // What Q4 pushes out, Q1 pulls in (and the other way round).
        assert_eq!(w.pushed_out.amount, q1.pulled_in.amount);
    }
}
