//! The twelve risk signals on open deals. A [`Risk`] is a figure, not
//! text: the deal's position in the pipeline, its amount, and the
//! [`Signal`] that fired with the numbers, dates and positions that explain
//! it (46 days in the stage at position 3, limit 30). The one-line human
//! reason ("46 days in Negotiation, limit 30") is written from those and
//! the pipeline's names only where a risk is shown ([`Risk::reason`], in
//! English or Chinese: see [`reason`]). Thresholds come from `[rules]` and
//! the stages' `max_days`.

pub mod reason;

use super::facts::{BATCH, DealFact, Facts, Status, days_in_stage};
use crate::ix::{DealIx, StageIx, enumerate};
use crate::model::{Attitude, BuyingRole, Deal, Influence, Locale, Pipeline, Tier};
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

/// Every signal code, in the order of PRODUCT.md (the order of
/// [`Signal`]); declared with the switches of `[rules.signals]` in the
/// format spec.
pub const CODES: &[&str] = &crate::spec::SIGNAL_CODES;

/// The position of each signal in [`CODES`] (and of its switch).
pub mod ix {
    /// `overdue_close`.
    pub const OVERDUE_CLOSE: usize = 0;
    /// `no_next_step`.
    pub const NO_NEXT_STEP: usize = 1;
    /// `stale`.
    pub const STALE: usize = 2;
    /// `slipped`.
    pub const SLIPPED: usize = 3;
    /// `no_economic_buyer`.
    pub const NO_ECONOMIC_BUYER: usize = 4;
    /// `single_threaded`.
    pub const SINGLE_THREADED: usize = 5;
    /// `opponent`.
    pub const OPPONENT: usize = 6;
    /// `exit_criteria`.
    pub const EXIT_CRITERIA: usize = 7;
    /// `competitive_no_proof`.
    pub const COMPETITIVE_NO_PROOF: usize = 8;
    /// `large_early`.
    pub const LARGE_EARLY: usize = 9;
    /// `no_champion`.
    pub const NO_CHAMPION: usize = 10;
    /// `backward`.
    pub const BACKWARD: usize = 11;
}

/// A date that has passed, and how long ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Late {
    /// The date.
    pub date: Date,
    /// Days from it to `as_of` (at least 1).
    pub days: i64,
}

/// A move back to an earlier stage, between two history entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// Position of the stage left.
    pub from: StageIx,
    /// Position of the (earlier) stage entered.
    pub to: StageIx,
    /// When.
    pub on: Date,
}

/// An exit criterion of an earlier open stage that the deal leaves empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    /// Position of the stage that requires it.
    pub stage: StageIx,
    /// Position of the field in that stage's `requires`.
    pub field: usize,
}

/// What fired, with the figures that explain it. Positions are into the
/// pipeline the risks were computed from (stages in the settings, contacts
/// in the deal's account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// `overdue_close`: the expected close has passed.
    OverdueClose(Late),
    /// `no_next_step`: no next step (`None`), or its date has passed.
    NoNextStep(Option<Late>),
    /// `stale`: longer in the stage than its `max_days`.
    Stale {
        /// Position of the stage.
        stage: StageIx,
        /// Days in it.
        days: i64,
        /// Its `max_days`.
        limit: u32,
    },
    /// `slipped`: the close moved later twice, or out of its quarter.
    Slipped {
        /// The first expected close recorded.
        first: Date,
        /// The current one.
        last: Date,
        /// How many times it moved later.
        later_moves: usize,
        /// The first close's quarter, when the close left it.
        out_of: Option<Period>,
    },
    /// `no_economic_buyer`: a key account this far along without one.
    NoEconomicBuyer {
        /// Position of the deal's stage.
        stage: StageIx,
    },
    /// `single_threaded`: too few stakeholders.
    SingleThreaded {
        /// Stakeholders mapped.
        mapped: usize,
        /// `[rules] min_stakeholders`.
        expected: u32,
    },
    /// `opponent`: high-influence contacts oppose the deal.
    Opponent {
        /// Their positions in the account's contacts, in stakeholder order.
        contacts: Vec<usize>,
    },
    /// `exit_criteria`: fields earlier stages require are empty.
    ExitCriteria {
        /// Which, in stage order.
        missing: Vec<Missing>,
    },
    /// `competitive_no_proof`: competitors and no value proof this far
    /// along (the competitors are the deal's).
    CompetitiveNoProof {
        /// Position of the deal's stage.
        stage: StageIx,
    },
    /// `large_early`: a large deal in an early stage closing this quarter
    /// (the amount is the risk's).
    LargeEarly {
        /// Position of the deal's stage.
        stage: StageIx,
        /// The quarter of `as_of`.
        quarter: Period,
    },
    /// `no_champion`: no coach or champion this far along.
    NoChampion {
        /// Position of the deal's stage.
        stage: StageIx,
    },
    /// `backward`: the deal went back to earlier stages.
    Backward {
        /// Every move back, oldest first.
        moves: Vec<Move>,
    },
}

impl Signal {
    /// Position of the signal's code in [`CODES`].
    pub fn index(&self) -> usize {
        match self {
            Signal::OverdueClose(_) => ix::OVERDUE_CLOSE,
            Signal::NoNextStep(_) => ix::NO_NEXT_STEP,
            Signal::Stale { .. } => ix::STALE,
            Signal::Slipped { .. } => ix::SLIPPED,
            Signal::NoEconomicBuyer { .. } => ix::NO_ECONOMIC_BUYER,
            Signal::SingleThreaded { .. } => ix::SINGLE_THREADED,
            Signal::Opponent { .. } => ix::OPPONENT,
            Signal::ExitCriteria { .. } => ix::EXIT_CRITERIA,
            Signal::CompetitiveNoProof { .. } => ix::COMPETITIVE_NO_PROOF,
            Signal::LargeEarly { .. } => ix::LARGE_EARLY,
            Signal::NoChampion { .. } => ix::NO_CHAMPION,
            Signal::Backward { .. } => ix::BACKWARD,
        }
    }

    /// The signal's code, one of [`CODES`].
    pub fn code(&self) -> &'static str {
        CODES[self.index()]
    }
}

/// One signal on one open deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    /// Position of the deal in [`Pipeline::deals`].
    pub deal: DealIx,
    /// The deal's amount in the reporting currency.
    pub amount: Money,
    /// What fired and why.
    pub signal: Signal,
}

impl Risk {
    /// The signal's code, one of [`CODES`].
    pub fn code(&self) -> &'static str {
        self.signal.code()
    }

    /// The one-line reason in `locale`, with the names of `p` (the
    /// pipeline the risk was computed from).
    pub fn reason(&self, p: &Pipeline, locale: Locale) -> String {
        reason::reason(self, p, locale)
    }
}

/// The codes of a deal's signals, as a set (at most one of each).
/// Serialises as the list of codes in signal order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Codes(u16);

impl Codes {
    /// Adds the code of a signal.
    pub fn insert(&mut self, s: &Signal) {
        self.0 |= 1 << s.index();
    }

    /// No signal.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many signals.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The codes, in signal order.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        CODES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, c)| *c)
    }
}

impl Serialize for Codes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A signal fires on this many open deals at least before it can be
/// noise ([`noisy`]).
pub const NOISE_MIN_DEALS: usize = 20;

/// A signal that fires on most open deals: more than half of them, and at
/// least [`NOISE_MIN_DEALS`]. Usually the team does not record what it
/// checks (next steps, stakeholders), and it drowns the other signals:
/// `check` says so in a note, and the site's risks page at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noise {
    /// The signal's code, one of [`CODES`].
    pub code: &'static str,
    /// Open deals it fires on.
    pub deals: usize,
    /// Open deals in all.
    pub open: usize,
}

impl Noise {
    /// `deals` ÷ `open`.
    pub fn share(&self) -> Option<crate::money::Ratio> {
        crate::money::Ratio::of_counts(self.deals, self.open)
    }
}

/// The noisy signals among `risks` (all the risks of a pipeline with
/// `open` open deals; a signal fires at most once per deal), in signal
/// order.
pub fn noisy(risks: &[Risk], open: usize) -> Vec<Noise> {
    let mut deals = [0usize; CODES.len()];
    for r in risks {
        deals[r.signal.index()] += 1;
    }
    CODES
        .iter()
        .zip(deals)
        .filter(|&(_, n)| n >= NOISE_MIN_DEALS && 2 * n > open)
        .map(|(&code, n)| Noise {
            code,
            deals: n,
            open,
        })
        .collect()
}

/// All signals of all open deals, by deal (in id order) then signal order.
/// Deals are evaluated in parallel, in batches; the result does not depend
/// on how the batches fall.
pub fn risks(f: &Facts<'_>) -> Vec<Risk> {
    let batches: Vec<Vec<Risk>> = f
        .deals
        .par_chunks(BATCH)
        .map(|batch| {
            let mut out = Vec::with_capacity(batch.len() * 2);
            for df in batch.iter().filter(|d| d.status == Status::Open) {
                signals(f, df, &f.p.deals[df.ix], &mut out);
            }
            out
        })
        .collect();
    batches.concat()
}

/// The signals that fire on one open deal, appended to `out` in signal
/// order (with the deal's position and amount).
pub fn signals(f: &Facts<'_>, df: &DealFact, d: &Deal, out: &mut Vec<Risk>) {
    let p = f.p;
    let rules = &p.settings.rules;
    // A signal switched off in [rules.signals] is not evaluated at all.
    let on = |ix: usize| rules.signals.is_on(ix);
    let stages = &p.settings.stages;
    let stage = &stages[df.stage];
    let as_of = f.as_of;
    let mut push = |signal: Signal| {
        out.push(Risk {
            deal: df.ix,
            amount: df.amount,
            signal,
        })
    };
    let late = |date: Date| Late {
        date,
        days: Facts::days(date, as_of),
    };

    // overdue_close
    if on(ix::OVERDUE_CLOSE)
        && let Some(c) = df.close
        && c < as_of
    {
        push(Signal::OverdueClose(late(c)));
    }

    // no_next_step
    match (&d.next_step, &d.next_step_date) {
        _ if !on(ix::NO_NEXT_STEP) => {}
        (None, _) => push(Signal::NoNextStep(None)),
        (Some(_), Some(nd)) if nd.value < as_of => push(Signal::NoNextStep(Some(late(nd.value)))),
        _ => {}
    }

    // stale
    if on(ix::STALE)
        && let Some(max) = stage.max_days
    {
        let days = days_in_stage(f, df);
        if days > max as i64 {
            push(Signal::Stale {
                stage: df.stage,
                days,
                limit: max,
            });
        }
    }

    // slipped
    if on(ix::SLIPPED)
        && let Some(s) = slipped(f, d)
    {
        push(s);
    }

    let eb_by = p.stage_ix(rules.economic_buyer_by.value.as_str());
    let proof_by = p.stage_ix(rules.proof_by.value.as_str());
    let account = p.account_of(d);

    // no_economic_buyer
    if on(ix::NO_ECONOMIC_BUYER)
        && let (Some(eb), Some(a)) = (eb_by, account)
        && a.tier == Tier::Key
        && df.stage >= eb
        && !d
            .stakeholders
            .iter()
            .any(|s| s.role == BuyingRole::EconomicBuyer)
    {
        push(Signal::NoEconomicBuyer { stage: df.stage });
    }

    // single_threaded
    let n = d.stakeholders.len();
    if on(ix::SINGLE_THREADED) && (n as u32) < rules.min_stakeholders {
        push(Signal::SingleThreaded {
            mapped: n,
            expected: rules.min_stakeholders,
        });
    }

    // opponent
    if on(ix::OPPONENT)
        && let Some(a) = account
    {
        let contacts: Vec<usize> = d
            .stakeholders
            .iter()
            .filter(|s| s.attitude == Attitude::Opponent)
            .filter_map(|s| {
                let id = s.contact.value.as_str();
                a.contacts.iter().position(|c| c.id.value.as_str() == id)
            })
            .filter(|&c| a.contacts[c].influence == Influence::High)
            .collect();
        if !contacts.is_empty() {
            push(Signal::Opponent { contacts });
        }
    }

    // exit_criteria
    let criteria = if on(ix::EXIT_CRITERIA) {
        &stages[..df.stage.get()]
    } else {
        &[]
    };
    let missing: Vec<Missing> = enumerate(criteria)
        .filter(|(_, s): &(StageIx, _)| s.is_open())
        .flat_map(|(si, s)| {
            s.requires
                .iter()
                .enumerate()
                .map(move |(fi, r)| (si, fi, r))
        })
        .filter(|(_, _, r)| !d.is_filled(&r.value))
        .map(|(stage, field, _)| Missing { stage, field })
        .collect();
    if !missing.is_empty() {
        push(Signal::ExitCriteria { missing });
    }

    let at_proof = proof_by.is_some_and(|pb| df.stage >= pb);

    // competitive_no_proof
    if on(ix::COMPETITIVE_NO_PROOF)
        && at_proof
        && !d.competitors.is_empty()
        && !d.is_filled("value_proof")
    {
        push(Signal::CompetitiveNoProof { stage: df.stage });
    }

    // large_early
    let open_pos = f.open_stages.iter().position(|&i| i == df.stage);
    let first_half = open_pos.is_some_and(|pos| pos < f.open_stages.len() / 2);
    let this_quarter = f.cal.quarter_of(as_of);
    if on(ix::LARGE_EARLY)
        && df.amount.get() >= rules.large_deal
        && first_half
        && df.close.is_some_and(|c| f.cal.contains(this_quarter, c))
    {
        push(Signal::LargeEarly {
            stage: df.stage,
            quarter: this_quarter,
        });
    }

    // no_champion
    if on(ix::NO_CHAMPION)
        && at_proof
        && !d
            .stakeholders
            .iter()
            .any(|s| s.role == BuyingRole::Coach || s.attitude == Attitude::Champion)
    {
        push(Signal::NoChampion { stage: df.stage });
    }

    // backward
    let history = if on(ix::BACKWARD) {
        &d.history[..]
    } else {
        &[]
    };
    let moves: Vec<Move> = history
        .windows(2)
        .filter_map(|w| match (w[0].stage_ix, w[1].stage_ix) {
            (Some(from), Some(to)) if to < from => Some(Move {
                from,
                to,
                on: w[1].date.value,
            }),
            _ => None,
        })
        .collect();
    if !moves.is_empty() {
        push(Signal::Backward { moves });
    }
}

/// The slippage, when the expected close moved later at least twice, or
/// out of its original quarter into a later one. The sequence of expected
/// closes is the `close` of each history entry that has one, then the
/// deal's current `close`.
pub fn slipped(f: &Facts<'_>, d: &Deal) -> Option<Signal> {
    let closes = d
        .history
        .iter()
        .filter_map(|h| h.close.as_ref().map(|c| c.value))
        .chain(d.close.as_ref().map(|c| c.value));
    let (mut first, mut last, mut later_moves) = (None, None, 0);
    for c in closes {
        first.get_or_insert(c);
        if last.is_some_and(|l| c > l) {
            later_moves += 1;
        }
        last = Some(c);
    }
    let (first, last) = (first?, last?);
    let q0 = f.cal.quarter_of(first);
    let out_of_quarter = last > first && f.cal.quarter_of(last) != q0;
    (later_moves >= 2 || out_of_quarter).then_some(Signal::Slipped {
        first,
        last,
        later_moves,
        out_of: out_of_quarter.then_some(q0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_name_their_codes() {
        let named = [
            (ix::OVERDUE_CLOSE, "overdue_close"),
            (ix::NO_NEXT_STEP, "no_next_step"),
            (ix::STALE, "stale"),
            (ix::SLIPPED, "slipped"),
            (ix::NO_ECONOMIC_BUYER, "no_economic_buyer"),
            (ix::SINGLE_THREADED, "single_threaded"),
            (ix::OPPONENT, "opponent"),
            (ix::EXIT_CRITERIA, "exit_criteria"),
            (ix::COMPETITIVE_NO_PROOF, "competitive_no_proof"),
            (ix::LARGE_EARLY, "large_early"),
            (ix::NO_CHAMPION, "no_champion"),
            (ix::BACKWARD, "backward"),
        ];
        assert_eq!(named.len(), CODES.len());
        for (i, code) in named {
            assert_eq!(CODES[i], code);
        }
    }
}
