//! Trends: won revenue per month for the last 12 months, and per product
//! per fiscal quarter for the last 8 quarters, flagging a product whose
//! revenue fell by at least `decline_pct` against the previous quarter.
//! A deal with several products splits its amount equally among them (the
//! first products take the leftover cents, so the parts sum exactly).

use super::accounts::change_pct;
use super::facts::{Facts, ScopeKey, Status};
use crate::money::Money;
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Won revenue of one month.
#[derive(Debug, Clone, Serialize)]
pub struct MonthPoint {
    /// The month.
    pub month: Period,
    /// Won revenue closing in it.
    pub won: Money,
    /// Deals won in it.
    pub deals: usize,
}

/// One product in one quarter.
#[derive(Debug, Clone, Serialize)]
pub struct ProductQuarter {
    /// The quarter.
    pub quarter: Period,
    /// Won revenue of the product in it.
    pub won: Money,
    /// Change against the previous quarter, percent (none when that was 0).
    pub change_pct: Option<Decimal>,
    /// Fell by at least `decline_pct` against the previous quarter.
    pub decline: bool,
}

/// One product's quarters.
#[derive(Debug, Clone, Serialize)]
pub struct ProductTrend {
    /// Product name as written in deals ("(none)" for deals without products).
    pub product: String,
    /// The last 8 quarters, oldest first.
    pub quarters: Vec<ProductQuarter>,
    /// The last completed quarter fell by at least `decline_pct`.
    pub declining: bool,
}

/// All trends.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    /// The last 12 months, oldest first, ending with the month of `as_of`.
    pub monthly: Vec<MonthPoint>,
    /// The decline threshold used, percent.
    pub decline_pct: u32,
    /// The quarter whose change decides `declining` (the last completed one).
    pub decline_quarter: Period,
    /// Products, by name.
    pub products: Vec<ProductTrend>,
}

/// Placeholder product of deals without products.
pub const NO_PRODUCT: &str = "(none)";

/// Computes the trends of a scope.
pub fn trends(f: &Facts<'_>, scope: ScopeKey) -> Trends {
    let cal = f.cal;
    let mut months = vec![cal.month_of(f.as_of)];
    while months.len() < 12 {
        let m = cal.prev(*months.last().expect("non-empty"));
        months.push(m);
    }
    months.reverse();
    let mut quarters = vec![cal.quarter_of(f.as_of)];
    while quarters.len() < 8 {
        let q = cal.prev(*quarters.last().expect("non-empty"));
        quarters.push(q);
    }
    quarters.reverse();
    let mut by_month: BTreeMap<Period, (Money, usize)> = BTreeMap::new();
    let mut by_product: BTreeMap<&str, BTreeMap<Period, Money>> = BTreeMap::new();
    for d in f
        .deals
        .iter()
        .filter(|d| d.status == Status::Won && f.in_scope(d, scope))
    {
        let Some(c) = d.close else { continue };
        if c > f.as_of {
            continue;
        }
        let m = by_month.entry(cal.month_of(c)).or_default();
        m.0 += d.amount;
        m.1 += 1;
        let q = cal.quarter_of(c);
        let products = &f.p.deals[d.ix].products;
        if products.is_empty() {
            *by_product
                .entry(NO_PRODUCT)
                .or_default()
                .entry(q)
                .or_default() += d.amount;
        } else {
            for (name, part) in products.iter().zip(d.amount.split(products.len())) {
                *by_product
                    .entry(name.as_str())
                    .or_default()
                    .entry(q)
                    .or_default() += part;
            }
        }
    }
    let monthly = months
        .iter()
        .map(|&m| {
            let (won, deals) = by_month.get(&m).copied().unwrap_or_default();
            MonthPoint {
                month: m,
                won,
                deals,
            }
        })
        .collect();
    let threshold = Decimal::from(f.p.settings.rules.decline_pct);
    let decline_quarter = quarters[quarters.len() - 2];
    let products = by_product
        .into_iter()
        .map(|(product, qs)| {
            let mut prev: Option<Money> = None;
            let quarters: Vec<ProductQuarter> = quarters
                .iter()
                .map(|&q| {
                    let won = qs.get(&q).copied().unwrap_or_default();
                    let before = prev.filter(|p| !p.is_zero());
                    let change_pct = before.and_then(|p| change_pct(won, p));
                    // Exactly, not on the rounded percentage: a fall of
                    // 24.96 % shows as -25.0 but is less than 25 %.
                    let decline = before.is_some_and(|p| {
                        (p.get() - won.get()) * Decimal::ONE_HUNDRED >= threshold * p.get()
                    });
                    prev = Some(won);
                    ProductQuarter {
                        quarter: q,
                        won,
                        change_pct,
                        decline,
                    }
                })
                .collect();
            let declining = quarters
                .iter()
                .find(|pq| pq.quarter == decline_quarter)
                .is_some_and(|pq| pq.decline);
            ProductTrend {
                product: product.to_string(),
                quarters,
                declining,
            }
        })
        .collect();
    Trends {
        monthly,
        decline_pct: f.p.settings.rules.decline_pct,
        decline_quarter,
        products,
    }
}
