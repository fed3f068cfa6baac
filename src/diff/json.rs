//! The diff as one versioned JSON document (`docs/diff-json.md`): the
//! [`super::Diff`] serialised as is. Money and ratios are decimal strings,
//! so no consumer rounds through a float.

use super::Diff;

/// Pretty-printed JSON, ending with a newline.
pub fn json(d: &Diff) -> String {
    let mut s = serde_json::to_string_pretty(d).expect("the diff serialises");
    s.push('\n');
    s
}
