//! Risk signals that a change introduces or clears: the signals of the
//! analytics at B that A did not have, and those of A that B no longer
//! has, matched by deal id and signal code. Both sides are computed for
//! the same `as_of`, so a signal never appears only because time passed.
//! A deal that is won, lost or removed clears all its signals.

use crate::analytics::risk::Risk;
use serde::Serialize;
use std::collections::HashSet;

/// Signals introduced and cleared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RiskChanges {
    /// At B, not at A (B's reasons).
    pub introduced: Vec<Risk>,
    /// At A, not at B (A's reasons).
    pub cleared: Vec<Risk>,
}

/// Compares two lists of signals; keeps each list's order (deal id, then
/// the signal order of PRODUCT.md).
pub fn compare(a: &[Risk], b: &[Risk]) -> RiskChanges {
    let ka: HashSet<(&str, &str)> = a.iter().map(|r| (r.deal.as_str(), r.code)).collect();
    let kb: HashSet<(&str, &str)> = b.iter().map(|r| (r.deal.as_str(), r.code)).collect();
    RiskChanges {
        introduced: b
            .iter()
            .filter(|r| !ka.contains(&(r.deal.as_str(), r.code)))
            .cloned()
            .collect(),
        cleared: a
            .iter()
            .filter(|r| !kb.contains(&(r.deal.as_str(), r.code)))
            .cloned()
            .collect(),
    }
}
