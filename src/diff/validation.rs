//! The validation of revision B: every error and warning of B, located, each
//! marked `new` when A did not have it (same code, file and message; the
//! line may have moved). A pull request that breaks the pipeline says so at
//! the top of the Markdown, and the command exits 1.

use crate::Checked;
use crate::diag::Severity;
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

/// B's errors and warnings, in B's order (file, position, code). Notes
/// are advice about the settings, not something a change is judged by:
/// they are left out.
pub fn findings(a: &Checked, b: &Checked) -> Vec<Finding> {
    let key = |l: &Located| (l.code, l.file.clone(), l.message.clone());
    let before: HashSet<_> = a
        .diagnostics
        .iter()
        .map(|d| key(&locate(d, &a.pipeline.sources)))
        .collect();
    b.diagnostics
        .iter()
        .filter(|d| d.severity() != Severity::Note)
        .map(|d| {
            let located = locate(d, &b.pipeline.sources);
            Finding {
                new: !before.contains(&key(&located)),
                located,
            }
        })
        .collect()
}
