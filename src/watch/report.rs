//! What a build tells the terminal and the browser: the [`Report`] of one
//! build with its [`Outcome`] and [`Problem`]s, and the one terminal line
//! it makes ([`Report::line`]). Kept apart from the session so the wording
//! can change without touching the build.

use super::state::Delta;
use crate::Checked;
use crate::diag::Severity;
use crate::diag_out::{self, Summary};
use crate::site::templates::TemplateError;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// One problem, as the terminal and the browser overlay show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// "error" or "warning".
    pub severity: &'static str,
    /// Stable code (`E012`), or `template` for a template error.
    pub code: String,
    /// File relative to the pipeline root (`deals/a.toml`,
    /// `templates/deal.html`), or `built-in template deal.html`.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    fn from_template(e: &TemplateError) -> Problem {
        let file = e
            .file
            .clone()
            .unwrap_or_else(|| format!("built-in template {}", e.template));
        let mut message = format!("template error in {}", e.template);
        if let Some(p) = &e.page {
            message.push_str(&format!(" (rendering {p})"));
        }
        message.push_str(": ");
        message.push_str(&e.message);
        Problem {
            severity: "error",
            code: "template".into(),
            file,
            line: e.line.unwrap_or(0),
            column: e.column.unwrap_or(0),
            message,
            source_line: None,
            hint: None,
        }
    }
}

/// How a build ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The site was rendered and the output brought up to date (unless
    /// a newer save superseded it before every file was written).
    Built {
        /// Files in the site.
        pages: usize,
        /// Files written because they were new or different.
        written: usize,
        /// Files deleted.
        deleted: usize,
        /// Warnings of the check.
        warnings: usize,
        /// Whether every file was written (false: superseded by a newer
        /// save; the rest is written once things are quiet).
        complete: bool,
        /// Pages not rendered again (their input did not change).
        reused: usize,
    },
    /// The pipeline or a template has errors; nothing was written.
    Invalid {
        /// The errors (then the warnings), for the overlay.
        problems: Vec<Problem>,
        /// The diagnostics as `dealbook check` prints them.
        text: String,
        /// "2 errors, 1 warning in 63 files".
        summary: String,
    },
    /// The site could not be written (I/O).
    Failed(String),
}

/// Where the time of a build went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// From the first event of the burst to the start of the build (the
    /// quiet window, and a cancelled write finishing its pages in flight).
    pub waited: Duration,
    /// Walk, stat, read and parse what changed.
    pub refresh: Duration,
    /// Assemble the pipeline from the cached files.
    pub assemble: Duration,
    /// The git history: read (the first build), the stage moves git saw
    /// given to the deals, and the latest point (every build).
    pub history: Duration,
    /// Check it (and compute the analytics alongside).
    pub check: Duration,
    /// Analytics (run alongside the check).
    pub analytics: Duration,
    /// Render the pages.
    pub render: Duration,
    /// Write the changed files.
    pub write: Duration,
}

/// What one build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// 1 for the first build, then counting up.
    pub number: u64,
    /// Files changed since the previous build.
    pub delta: Delta,
    /// Whether the pipeline's templates changed.
    pub templates_changed: bool,
    /// Files read and parsed.
    pub read: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// When the new site was ready to be served (before it was written),
    /// for a good build.
    pub live: Option<Duration>,
    /// Its parts.
    pub timings: Timings,
    /// The write of an earlier attempt failed (a full disk); this is a
    /// later attempt to write the same build.
    pub retry: bool,
    /// Warnings that are not diagnostics of the pipeline (template files
    /// that were not used), printed before the line; set when the
    /// templates were read.
    pub notices: Vec<String>,
}

impl Report {
    /// Whether the site is up to date and free of errors.
    pub fn ok(&self) -> bool {
        matches!(self.outcome, Outcome::Built { .. })
    }

    /// What changed, in a few words: `deals/a.toml changed`,
    /// `2 files changed, 1 removed`, `templates changed`.
    pub fn what_changed(&self) -> String {
        let d = &self.delta;
        let mut parts = Vec::new();
        if d.files() == 1 {
            let (path, verb) = if let Some(p) = d.changed.first() {
                (p, "changed")
            } else if let Some(p) = d.added.first() {
                (p, "added")
            } else {
                (&d.removed[0], "removed")
            };
            parts.push(format!("{} {verb}", diag_out::printable(path)));
        } else if d.files() > 1 {
            let plural = |n: usize| if n == 1 { "file" } else { "files" };
            let mut first = true;
            for (n, verb) in [
                (d.changed.len(), "changed"),
                (d.added.len(), "added"),
                (d.removed.len(), "removed"),
            ] {
                if n == 0 {
                    continue;
                }
                parts.push(if first {
                    format!("{n} {} {verb}", plural(n))
                } else {
                    format!("{n} {verb}")
                });
                first = false;
            }
        }
        if self.templates_changed {
            parts.push("templates changed".into());
        }
        if parts.is_empty() && d.problems_changed {
            parts.push("folder layout changed".into());
        }
        if parts.is_empty() {
            parts.push("rebuilt".into());
        }
        parts.join(", ")
    }

    /// The one terminal line of a rebuild (the first build says what it
    /// built). `serving`: mention when the new site was live.
    pub fn line(&self, output: &Path, serving: bool) -> String {
        let took = fmt_duration(self.elapsed);
        let live = match (serving, self.live) {
            (true, Some(l)) => format!("live in {}", fmt_duration(l)),
            _ => format!("rebuilt in {took}"),
        };
        let head = if self.retry && self.ok() {
            "written after the earlier failure".to_string()
        } else if self.retry {
            "tried writing again".to_string()
        } else if self.number == 1 {
            match &self.outcome {
                Outcome::Built { pages, .. } => {
                    format!("built {pages} files into {} in {took}", output.display())
                }
                _ => format!("first build in {took}"),
            }
        } else {
            format!("{} · {live}", self.what_changed())
        };
        let tail = match &self.outcome {
            Outcome::Built {
                written,
                deleted,
                warnings,
                complete,
                ..
            } => {
                let mut s = String::new();
                if self.number > 1 && !serving {
                    s.push_str(&format!(" · {written} written"));
                    if *deleted > 0 {
                        s.push_str(&format!(", {deleted} deleted"));
                    }
                }
                if !complete && !serving {
                    s.push_str(" (superseded by a newer save before every file was written)");
                }
                s.push_str(" · OK");
                match warnings {
                    0 => {}
                    1 => s.push_str(" (1 warning)"),
                    n => s.push_str(&format!(" ({n} warnings)")),
                }
                s
            }
            Outcome::Invalid { summary, .. } if self.number == 1 => {
                format!(" · {summary}; nothing built yet")
            }
            Outcome::Invalid { summary, .. } => {
                format!(" · {summary}; the last good site is kept")
            }
            Outcome::Failed(e) => format!(" · error: {e}"),
        };
        format!("{head}{tail}")
    }
}

/// `1.52 s`, `48 ms`.
pub fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

pub(super) fn invalid(checked: &Checked, color: bool) -> Outcome {
    let sources = &checked.pipeline.sources;
    // The overlay lists what stops the build; notes (advice about the
    // settings) stay in the terminal's text.
    let mut problems: Vec<Problem> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() != Severity::Note)
        .map(|d| {
            let l = diag_out::locate(d, sources);
            Problem {
                severity: l.severity.as_str(),
                code: l.code.to_string(),
                file: l.file,
                line: l.line,
                column: l.column,
                message: l.message,
                source_line: l.source_line,
                hint: l.hint,
            }
        })
        .collect();
    // Errors first (stable: by file and position within each severity).
    problems.sort_by_key(|p| p.severity != "error");
    let summary = Summary::of(&checked.diagnostics, checked.file_count()).line();
    Outcome::Invalid {
        problems,
        text: diag_out::human(&checked.diagnostics, sources, color),
        summary,
    }
}

pub(super) fn template_invalid(e: &TemplateError) -> Outcome {
    let p = Problem::from_template(e);
    let text = format!("{e}\n");
    Outcome::Invalid {
        problems: vec![p],
        text,
        summary: "1 template error".into(),
    }
}
