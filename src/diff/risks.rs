//! Risk signals that a change introduces or clears: the signals of the
//! analytics at B that A did not have, and those of A that B no longer
//! has, matched by deal id and signal code. Both sides are computed for
//! the same `as_of`, so a signal never appears only because time passed.
//! A deal that is won, lost or removed clears all its signals.

use crate::analytics::Analytics;
use crate::analytics::export::RiskRow;
use crate::analytics::risk::Risk;
use crate::model::Pipeline;
use serde::Serialize;
use std::collections::HashSet;

/// Signals introduced and cleared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RiskChanges {
    /// At B, not at A (B's reasons).
    pub introduced: Vec<RiskRow>,
    /// At A, not at B (A's reasons).
    pub cleared: Vec<RiskRow>,
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
            .map(|r| RiskRow::new(pa, r))
            .collect(),
    }
}
