//! `warnings.html`: the warnings of the check, located in the source files.

use super::Site;
use crate::diag_out::locate;
use serde::Serialize;

/// `warnings.html`.
#[derive(Debug, Serialize)]
pub struct WarningsView {
    /// One row per warning.
    pub rows: Vec<WarningLine>,
}

/// A warning of the check.
#[derive(Debug, Serialize)]
pub struct WarningLine {
    /// Code, e.g. W001.
    pub code: String,
    /// Title of the code.
    pub title: String,
    /// File relative to the pipeline.
    pub file: String,
    /// `file:line:column`.
    pub location: String,
    /// Line (sorts).
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The source line.
    pub source_line: String,
}

impl Site<'_> {
    /// The warnings page.
    pub fn warnings_page(&self) -> WarningsView {
        WarningsView {
            rows: self
                .warnings
                .iter()
                .map(|d| {
                    let l = locate(d, &self.p.sources);
                    WarningLine {
                        code: l.code.to_string(),
                        title: l.title.to_string(),
                        location: format!("{}:{}:{}", l.file, l.line, l.column),
                        file: l.file,
                        line: l.line,
                        message: l.message,
                        hint: l.hint.unwrap_or_default(),
                        source_line: l.source_line.unwrap_or_default().trim_end().to_string(),
                    }
                })
                .collect(),
        }
    }
}
