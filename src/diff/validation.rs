//! The validation of revision B: every diagnostic of B, located, each
//! marked `new` when A did not have it (same code, file and message; the
//! line may have moved). A pull request that breaks the pipeline says so at
//! the top of the Markdown, and the command exits 1.

use crate::Checked;
use crate::diag_out::{Located, locate};
use serde::Serialize;
use std::collections::HashSet;

/// One diagnostic of B.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Where and what.
    #[serde(flatten)]
    pub located: Located,
    /// Not present at A.
    pub new: bool,
}

/// B's diagnostics, in B's order (file, position, code).
pub fn findings(a: &Checked, b: &Checked) -> Vec<Finding> {
    let key = |l: &Located| (l.code, l.file.clone(), l.message.clone());
    let before: HashSet<_> = a
        .diagnostics
        .iter()
        .map(|d| key(&locate(d, &a.pipeline.sources)))
        .collect();
    b.diagnostics
        .iter()
        .map(|d| {
            let located = locate(d, &b.pipeline.sources);
            Finding {
                new: !before.contains(&key(&located)),
                located,
            }
        })
        .collect()
}
