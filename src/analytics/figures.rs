//! Each usable deal's figures as the outputs show them (JSON, CSV, the
//! site's tables): its facts, the quarter of its close, its days in stage
//! and the codes of its risk signals. Its own module so that the facts
//! ([`super::facts`]) and the risk signals ([`super::risk`]), which reads
//! the facts, do not import each other.

use super::facts::{Facts, Status, days_in_stage};
use super::risk::{Codes, Risk};
use crate::model::Category;
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;

/// What the numbers say about one usable deal: figures and positions, no
/// text. Ids and names are in the pipeline at [`DealFigures::deal`] and are
/// joined in where a deal is shown or exported
/// ([`super::export::DealRow`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DealFigures {
    /// Position in [`Pipeline::deals`](crate::model::Pipeline::deals).
    pub deal: usize,
    /// Open, won or lost.
    pub status: Status,
    /// Position of the stage in the settings' stages.
    pub stage: usize,
    /// Position of the account in [`Pipeline::accounts`](crate::model::Pipeline::accounts).
    pub account: Option<usize>,
    /// Position of the owner in [`Pipeline::people`](crate::model::Pipeline::people).
    pub owner: Option<usize>,
    /// Position of the owner's team in [`Pipeline::teams`](crate::model::Pipeline::teams).
    pub team: Option<usize>,
    /// Amount in the reporting currency, to the cent.
    pub amount_reporting: Money,
    /// Effective probability (1 won, 0 lost; exported only for open deals).
    pub probability: Decimal,
    /// Effective forecast category (exported only for open deals).
    pub category: Category,
    /// Weighted amount (exported only for open deals).
    pub weighted: Money,
    /// Opened on.
    pub created: Date,
    /// Expected or actual close.
    pub close: Option<Date>,
    /// Fiscal quarter of the close.
    pub close_quarter: Option<Period>,
    /// Days in the current stage (open deals).
    pub days_in_stage: Option<i64>,
    /// Codes of the risk signals on the deal.
    pub risks: Codes,
}

/// The risks of each usable deal, in the order of [`Facts::deals`].
/// `risks` are in deal order, as [`super::risk::risks`] returns them (and
/// as the deals are), so both lists are walked in step.
fn risks_by_deal<'r>(f: &Facts<'_>, risks: &'r [Risk]) -> Vec<&'r [Risk]> {
    let mut next = 0;
    f.deals
        .iter()
        .map(|df| {
            while next < risks.len() && risks[next].deal < df.ix {
                next += 1;
            }
            let start = next;
            while next < risks.len() && risks[next].deal == df.ix {
                next += 1;
            }
            &risks[start..next]
        })
        .collect()
}

/// The figures of all usable deals, in [`Facts::deals`] order, with the
/// codes of their `risks`.
pub fn figures(f: &Facts<'_>, risks: &[Risk]) -> Vec<DealFigures> {
    f.deals
        .par_iter()
        .zip(risks_by_deal(f, risks))
        .map(|(df, deal_risks)| {
            let mut codes = Codes::default();
            for r in deal_risks {
                codes.insert(&r.signal);
            }
            DealFigures {
                deal: df.ix,
                status: df.status,
                stage: df.stage,
                account: df.account,
                owner: df.owner,
                team: df.team,
                amount_reporting: df.amount,
                probability: df.probability,
                category: df.category,
                weighted: df.weighted,
                created: df.created,
                close: df.close,
                close_quarter: df.close.map(|c| f.cal.quarter_of(c)),
                days_in_stage: (df.status == Status::Open).then(|| days_in_stage(f, df)),
                risks: codes,
            }
        })
        .collect()
}
