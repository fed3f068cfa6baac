//! `warnings.html`: the warnings of the check, located in the source files,
//! each linked to the page of the record it is about.

use super::cells::Link;
use super::{Site, paths};
use crate::diag::Diagnostic;
use crate::diag_out::locate;
use crate::source::FileId;
use serde::Serialize;
use std::collections::HashMap;

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
    /// The message in pieces, the `code` spans marked.
    pub message_parts: Vec<Part>,
    /// How to fix it.
    pub hint: String,
    /// The hint in pieces.
    pub hint_parts: Vec<Part>,
    /// The source line.
    pub source_line: String,
    /// The page of the record it is about (deal, account, person, team,
    /// targets), if it has one.
    pub record: Option<Link>,
}

/// A piece of a message: text, or a `code` span (written between
/// backticks in the message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The text (without the backticks).
    pub text: String,
    /// Whether it was a code span.
    pub code: bool,
}

/// Splits text at its backticks: every other piece is a code span. An
/// unmatched backtick stays as text.
pub fn parts(s: &str) -> Vec<Part> {
    let pieces: Vec<&str> = s.split('`').collect();
    let mut out: Vec<Part> = Vec::new();
    let even = pieces.len() % 2 == 1;
    for (n, p) in pieces.iter().enumerate() {
        // With an odd number of backticks the last one has no partner.
        let last_unmatched = !even && n == pieces.len() - 1;
        let code = n % 2 == 1 && !last_unmatched;
        let text = if last_unmatched {
            format!("`{p}")
        } else {
            p.to_string()
        };
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(prev) if !prev.code && !code => prev.text.push_str(&text),
            _ => out.push(Part { text, code }),
        }
    }
    out
}

impl Site<'_> {
    /// The records with a page, by file: deals and accounts by their file;
    /// people and teams (all in `team.toml`) by where their id is written,
    /// so a warning belongs to the last one that starts before it.
    fn record_of(&self, d: &Diagnostic, files: &HashMap<FileId, Link>) -> Option<Link> {
        if let Some(l) = files.get(&d.span.file) {
            return Some(l.clone());
        }
        let at = d.span.start;
        let people = self.p.people.iter().map(|x| {
            (
                x.id.span,
                Link::to(x.name.as_str(), paths::person(x.id.value.as_str())),
            )
        });
        let teams = self.p.teams.iter().map(|t| {
            (
                t.id.span,
                Link::to(t.name.as_str(), paths::team(t.id.value.as_str())),
            )
        });
        let in_team_file = people
            .chain(teams)
            .filter(|(s, _)| s.file == d.span.file && s.start <= at)
            .max_by_key(|(s, _)| s.start)
            .map(|(_, l)| l);
        if in_team_file.is_some() {
            return in_team_file;
        }
        self.p
            .targets
            .iter()
            .any(|t| t.span.file == d.span.file)
            .then(|| Link::to(self.i.get("targets_title"), "targets.html".into()))
    }

    /// The warnings page.
    pub fn warnings_page(&self) -> WarningsView {
        let mut files: HashMap<FileId, Link> = HashMap::new();
        for f in &self.a.deals {
            let d = &self.p.deals[f.deal];
            files.insert(
                d.file,
                Link::to(d.name.as_str(), paths::deal(d.id.as_str())),
            );
        }
        for a in &self.p.accounts {
            files.insert(
                a.file,
                Link::to(a.name.as_str(), paths::account(a.id.as_str())),
            );
        }
        WarningsView {
            rows: self
                .warnings
                .iter()
                .map(|d| {
                    let l = locate(d, &self.p.sources);
                    let hint = l.hint.unwrap_or_default();
                    WarningLine {
                        code: l.code.to_string(),
                        title: l.title.to_string(),
                        location: format!("{}:{}:{}", l.file, l.line, l.column),
                        file: l.file,
                        line: l.line,
                        message_parts: parts(&l.message),
                        message: l.message,
                        hint_parts: parts(&hint),
                        hint,
                        source_line: l.source_line.unwrap_or_default().trim_end().to_string(),
                        record: self.record_of(d, &files),
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(ps: &[Part]) -> String {
        ps.iter()
            .map(|p| {
                if p.code {
                    format!("<{}>", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn code_spans_are_found() {
        assert_eq!(
            show(&parts("deal is won but has no `close` date")),
            "deal is won but has no <close> date"
        );
        assert_eq!(show(&parts("`a` and `b`")), "<a> and <b>");
        assert_eq!(show(&parts("no ticks")), "no ticks");
        assert_eq!(show(&parts("one ` tick")), "one ` tick");
        assert_eq!(show(&parts("`x` then ` alone")), "<x> then ` alone");
        assert!(parts("").is_empty());
    }
}
