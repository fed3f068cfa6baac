//! Risk signals that a change introduces or clears: the signals of the
//! analytics at B that A did not have, and those of A that B no longer
//! has, matched by deal id and signal code. Both sides are computed for
//! the same `as_of`, so a signal never appears only because time passed.
//! A deal that is won, lost or removed clears all its signals; each
//! cleared signal says why ([`Why`]): fixed on a deal still open at B, or
//! gone with its deal.

use crate::analytics::export::RiskRow;
use crate::analytics::risk::Risk;
use crate::analytics::{Analytics, Status};
use crate::model::Pipeline;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Signals introduced and cleared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RiskChanges {
    /// At B, not at A (B's reasons).
    pub introduced: Vec<RiskRow>,
    /// At A, not at B (A's reasons), with why.
    pub cleared: Vec<Cleared>,
}

/// Why a signal cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The deal is still open at B: the signal was fixed.
    Fixed,
    /// The deal was won.
    Won,
    /// The deal was lost.
    Lost,
    /// The deal is gone at B, or left out of its numbers (its file has
    /// errors).
    Removed,
}

impl Why {
    /// Whether the signal went with its deal (won, lost or removed)
    /// rather than being fixed.
    pub fn gone(self) -> bool {
        self != Why::Fixed
    }
}

/// A cleared signal: its row at A and why it cleared.
#[derive(Debug, Clone, Serialize)]
pub struct Cleared {
    /// The signal as it was at A.
    #[serde(flatten)]
    pub row: RiskRow,
    /// Why it is not at B.
    pub why: Why,
}

/// The deal id and code of a risk, the key both sides are matched by.
fn key<'p>(p: &'p Pipeline, r: &Risk) -> (&'p str, &'static str) {
    (p.deals[r.deal].id.as_str(), r.code())
}

/// Compares the signals of two sides (each with the pipeline it was
/// computed from); keeps each side's order (deal id, then the signal order
/// of PRODUCT.md). Only the rows that changed are written out.
pub fn compare(a: &Analytics, pa: &Pipeline, b: &Analytics, pb: &Pipeline) -> RiskChanges {
    let ka: HashSet<(&str, &str)> = a.risks.iter().map(|r| key(pa, r)).collect();
    let kb: HashSet<(&str, &str)> = b.risks.iter().map(|r| key(pb, r)).collect();
    // The status at B of every deal B counts, by id.
    let status_b: HashMap<&str, Status> = b
        .deals
        .iter()
        .map(|d| (pb.deals[d.deal].id.as_str(), d.status))
        .collect();
    RiskChanges {
        introduced: b
            .risks
            .iter()
            .filter(|r| !ka.contains(&key(pb, r)))
            .map(|r| RiskRow::new(pb, r))
            .collect(),
        cleared: a
            .risks
            .iter()
            .filter(|r| !kb.contains(&key(pa, r)))
            .map(|r| {
                let id = pa.deals[r.deal].id.as_str();
                let why = match status_b.get(id) {
                    Some(Status::Open) => Why::Fixed,
                    Some(Status::Won) => Why::Won,
                    Some(Status::Lost) => Why::Lost,
                    None => Why::Removed,
                };
                Cleared {
                    row: RiskRow::new(pa, r),
                    why,
                }
            })
            .collect(),
    }
}
