//! Writing diagnostics for people and machines: `human` (a header line
//! `path:line:col: error[E012]: message`, the source line with a marker, the
//! hint), `json` (a versioned document), `github` (workflow commands that
//! become annotations on the pull request) and `gitlab` (a Code Quality
//! report that GitLab shows in the merge request). Notes (`N…`) are
//! written like the others, as `note` (`notice` for GitHub, `info` for
//! GitLab), and counted apart.

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;
use std::borrow::Cow;

/// Version of the JSON document of `check --format json`.
pub const CHECK_JSON_VERSION: u32 = 1;

/// A diagnostic with its position worked out, as the JSON output shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Located {
    /// "error", "warning" or "note".
    pub severity: Severity,
    /// Stable code, e.g. "E034".
    pub code: &'static str,
    /// Short title of the code.
    pub title: &'static str,
    /// What is wrong.
    pub message: String,
    /// File relative to the pipeline root, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 1-based line where the marked text ends.
    pub end_line: usize,
    /// 1-based column (characters) just after the marked text.
    pub end_column: usize,
    /// The text of `line`, when the file could be read.
    pub source_line: Option<String>,
    /// Label under the marker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Works out file, line and column of a diagnostic.
pub fn locate(d: &Diagnostic, sources: &SourceMap) -> Located {
    let f = sources.get(d.span.file);
    let (line, column) = f.line_col(d.span.start as usize);
    let (end_line, end_column) = f.line_col(d.span.end.max(d.span.start) as usize);
    let source_line = if f.text.is_empty() {
        None
    } else {
        Some(f.line_text(line).to_string())
    };
    Located {
        severity: d.severity(),
        code: d.code.as_str(),
        title: d.code.title(),
        message: d.message.clone(),
        file: f.rel_path.clone(),
        line,
        column,
        end_line,
        end_column,
        source_line,
        label: d.label.clone(),
        hint: d.hint_text(sources),
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of notes (advice; they never fail a check).
    pub notes: usize,
    /// Number of files read.
    pub files: usize,
}

impl Summary {
    /// Counts a list.
    pub fn of(diags: &[Diagnostic], files: usize) -> Summary {
        let count = |s: Severity| diags.iter().filter(|d| d.severity() == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files,
        }
    }

    /// "2 errors, 1 warning in 63 files"; "2 errors, 1 warning, 1 note in
    /// 63 files" when there are notes.
    pub fn line(&self) -> String {
        let plural = |n: usize, w: &str| {
            if n == 1 {
                format!("{n} {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        let notes = match self.notes {
            0 => String::new(),
            n => format!(", {}", plural(n, "note")),
        };
        format!(
            "{}, {}{notes} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.files, "file")
        )
    }
}

/// Text for a terminal or a log: control characters (which user data such
/// as ids, values and file names may hold) are shown as escapes, so they
/// cannot recolour the terminal, move the cursor or split a line.
pub fn printable(s: &str) -> Cow<'_, str> {
    if s.chars()
        .any(|c| c.is_control() || crate::bidi::is_control(c))
    {
        Cow::Owned(
            s.chars()
                .map(|c| {
                    if crate::bidi::is_control(c) {
                        c.escape_unicode().to_string()
                    } else if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Human-readable output. `color` adds ANSI styles.
pub fn human(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let loc = locate(d, sources);
        let (style, word) = match loc.severity {
            Severity::Error => (
                anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Red.into())),
                "error",
            ),
            Severity::Warning => (
                anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Yellow.into())),
                "warning",
            ),
            Severity::Note => (
                anstyle::Style::new()
                    .bold()
                    .fg_color(Some(anstyle::AnsiColor::Cyan.into())),
                "note",
            ),
        };
        let bold = anstyle::Style::new().bold();
        let (file, message) = (printable(&loc.file), printable(&loc.message));
        if color {
            out.push_str(&format!(
                "{bold}{file}:{}:{}:{bold:#} {style}{word}[{}]{style:#}{bold}: {message}{bold:#}\n",
                loc.line, loc.column, loc.code
            ));
        } else {
            out.push_str(&format!(
                "{file}:{}:{}: {word}[{}]: {message}\n",
                loc.line, loc.column, loc.code
            ));
        }
        let f = sources.get(d.span.file);
        let level = match loc.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let hint_text = d.hint_text(sources);
        let (label, hint) = (
            d.label.as_deref().map(printable),
            hint_text.as_deref().map(printable),
        );
        // Just the marked line(s), numbered as in the file. Bidi controls
        // would reorder the line on screen: shown as U+FFFD, which keeps
        // the byte offsets.
        let first = f.line_start(loc.line);
        let last_end = f.line_start(loc.end_line + 1).max(first);
        let snippet_text = if f.text.is_empty() {
            Cow::Borrowed("")
        } else {
            crate::bidi::defuse(&f.text[first..last_end])
        };
        let mut group = Group::with_level(level.clone());
        if !f.text.is_empty() {
            let start = (d.span.start as usize)
                .saturating_sub(first)
                .min(snippet_text.len());
            let end = (d.span.end as usize)
                .saturating_sub(first)
                .clamp(start, snippet_text.len());
            let mut ann = AnnotationKind::Primary.span(start..end);
            if let Some(l) = &label {
                ann = ann.label(l.as_ref());
            }
            group = group.element(
                Snippet::source(snippet_text.as_ref())
                    .line_start(loc.line)
                    .fold(false)
                    .annotation(ann),
            );
        }
        if let Some(h) = &hint {
            group = group.element(Level::HELP.message(h.as_ref()));
        }
        if !group.is_empty() {
            out.push_str(&renderer.render(&[group]));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The JSON document of `check --format json`.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Format version of this document.
    pub version: u32,
    /// Counts.
    pub summary: Summary,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Located>,
}

/// JSON output.
pub fn json(diags: &[Diagnostic], sources: &SourceMap, files: usize) -> String {
    let doc = CheckReport {
        version: CHECK_JSON_VERSION,
        summary: Summary::of(diags, files),
        diagnostics: diags.iter().map(|d| locate(d, sources)).collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("diagnostics serialise");
    s.push('\n');
    s
}

/// Escapes the message part of a workflow command.
pub fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands. `prefix` is the pipeline folder relative to
/// the repository root (as given on the command line), so annotations land
/// on the right files when the pipeline lives in a sub-folder.
pub fn github(diags: &[Diagnostic], sources: &SourceMap, files: usize, prefix: &str) -> String {
    github_changed_first(diags, sources, files, prefix, None)
}

/// [`github`], the diagnostics of the `changed` files (relative to the
/// pipeline) first. GitHub shows only 10 annotations of each severity per
/// step, so those of the files a pull request changed must come first; the
/// summary line has the full counts, and those of the changed files.
pub fn github_changed_first(
    diags: &[Diagnostic],
    sources: &SourceMap,
    files: usize,
    prefix: &str,
    changed: Option<&Changed>,
) -> String {
    let mut out = String::new();
    let located: Vec<Located> = diags.iter().map(|d| locate(d, sources)).collect();
    let mut order: Vec<&Located> = located.iter().collect();
    if let Some(c) = changed {
        // A stable sort: each group keeps the file and position order.
        order.sort_by_key(|l| !c.files.contains(&l.file));
    }
    for loc in order {
        let file = join_prefix(prefix, &printable(&loc.file));
        let mut msg = printable(&loc.message).into_owned();
        if let Some(h) = &loc.hint {
            msg.push_str("\nhint: ");
            msg.push_str(&printable(h));
        }
        // GitHub's three levels; a note is a `notice`.
        let level = match loc.severity {
            Severity::Note => "notice",
            s => s.as_str(),
        };
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            level,
            gh_escape_property(&file),
            loc.line,
            loc.column,
            loc.end_line,
            loc.end_column,
            gh_escape_property(&format!("{} {}", loc.code, loc.title)),
            gh_escape_data(&msg)
        ));
    }
    out.push_str(&format!(
        "dealbook check: {}",
        Summary::of(diags, files).line()
    ));
    if let Some(c) = changed {
        let n = |sev: Severity| {
            located
                .iter()
                .filter(|l| l.severity == sev && c.files.contains(&l.file))
                .count()
        };
        let (e, w) = (n(Severity::Error), n(Severity::Warning));
        out.push_str(&format!(
            "; in the {} changed since {}: {}, {}",
            plural(c.files.len(), "file"),
            printable(&c.since),
            plural(e, "error"),
            plural(w, "warning")
        ));
    }
    out.push('\n');
    out
}

/// The files changed since a revision (`check --changed-since`).
#[derive(Debug, Clone)]
pub struct Changed {
    /// The revision, as given.
    pub since: String,
    /// Paths relative to the pipeline folder, `/`-separated.
    pub files: std::collections::BTreeSet<String>,
}

fn plural(n: usize, w: &str) -> String {
    if n == 1 {
        format!("{n} {w}")
    } else {
        format!("{n} {w}s")
    }
}

/// A GitLab Code Quality report: the Code Climate JSON subset GitLab reads
/// (`description`, `check_name`, `fingerprint`, `severity`,
/// `location.path`, `location.lines.begin`), one entry per diagnostic,
/// paths prefixed with the pipeline folder like [`github`]. Errors are
/// `critical`, warnings `minor`, notes `info`. The fingerprint (which GitLab uses to
/// tell new problems from old ones between the merge request and its
/// target) is a hash of code, file and message, and of the rank of the
/// entry among identical ones: not of the line, so a problem that only
/// moved is not new.
pub fn gitlab(diags: &[Diagnostic], sources: &SourceMap, prefix: &str) -> String {
    let mut seen: std::collections::HashMap<(String, &'static str, String), usize> =
        std::collections::HashMap::new();
    let entries: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let loc = locate(d, sources);
            let path = join_prefix(prefix, &loc.file);
            let rank = seen
                .entry((path.clone(), loc.code, loc.message.clone()))
                .or_default();
            *rank += 1;
            let fingerprint = fnv1a(&[
                loc.code.as_bytes(),
                path.as_bytes(),
                loc.message.as_bytes(),
                rank.to_string().as_bytes(),
            ]);
            let mut description = format!("{}: {}", loc.code, loc.message);
            if let Some(h) = &loc.hint {
                description.push_str(&format!(" (hint: {h})"));
            }
            serde_json::json!({
                "description": description,
                "check_name": format!("dealbook {} {}", loc.code, loc.title),
                "fingerprint": format!("{fingerprint:016x}"),
                "severity": match loc.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                "location": {
                    "path": path,
                    "lines": { "begin": loc.line },
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&entries).expect("report serialises");
    s.push('\n');
    s
}

/// 64-bit FNV-1a of the parts, each followed by a 0 byte: a stable hash
/// (the standard library's may change between releases) for fingerprints.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn join_prefix(prefix: &str, rel: &str) -> String {
    let p = prefix.trim_end_matches('/');
    if p.is_empty() || p == "." {
        rel.to_string()
    } else {
        format!("{}/{}", p.trim_start_matches("./"), rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(gh_escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(gh_escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn prefix_join() {
        assert_eq!(join_prefix(".", "deals/a.toml"), "deals/a.toml");
        assert_eq!(
            join_prefix("./sales/", "deals/a.toml"),
            "sales/deals/a.toml"
        );
    }
}
