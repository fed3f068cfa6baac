//! Row problems: what an import reports about a row (or a file) of an
//! export, how it prints, and the order it is reported in.

use crate::diag::Severity;

/// A problem with one row (or one file) of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The CSV file as named on the command line.
    pub file: String,
    /// The row as a spreadsheet shows it.
    pub row: usize,
    /// The column (1-based) and its header, when one cell is at fault.
    pub column: Option<(usize, String)>,
    /// Error: the row was left out. Warning: imported anyway, or skipped
    /// on purpose (a duplicate).
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match &self.column {
            Some((c, h)) => write!(
                f,
                "{}:{}:{c}: {sev}: {} (column \"{h}\")",
                self.file, self.row, self.message
            )?,
            None => write!(f, "{}:{}: {sev}: {}", self.file, self.row, self.message)?,
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// Sorts the problems by file and row (errors first on a row).
pub fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by(|a, b| {
        (a.file.as_str(), a.row, a.severity != Severity::Error).cmp(&(
            b.file.as_str(),
            b.row,
            b.severity != Severity::Error,
        ))
    });
}
