//! The diff as Markdown for a pull-request comment or a CI job summary:
//! a title, a one-line headline, a warning at the top when B has errors,
//! then short tables (waterfall, forecast of the focus period, deal
//! changes by group, risks, validation). Long groups, the other periods
//! and the housekeeping groups (renamed, moved, edited) are folded in
//! `<details>`; a group never shows more than [`MAX_ROWS`] rows. Every
//! piece of user text goes through [`md_escape`]; deal names link to
//! `<site-url>/deals/<id>.html` when a site URL is given.

mod changes;
mod checks;
mod figures;
mod summary;

use super::Diff;
use super::compare::DealDelta;
use crate::fmt as f;
use crate::ids::is_slug;
use crate::money::Money;
use crate::period::Period;
use crate::report::table::md_escape;
use changes::deals_parts;
use checks::{files_section, risks_section, validation_section};
use figures::{forecast_section, waterfall_section};
use std::fmt::Write as _;
use summary::{headline, side_detail, side_label};

/// Rows shown per group before the rest is left to `--format json`.
pub const MAX_ROWS: usize = 100;

/// A group with more rows than this is folded.
pub const FOLD_OVER: usize = 10;

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Base URL of the published site; deal names link to its deal pages.
    pub site_url: Option<String>,
    /// Cut the document to at most this many characters (not bytes), at a
    /// section boundary: whole sections or deal-change groups are left
    /// out from the first that does not fit, never part of a table. The
    /// title, the headline and the footer are always kept.
    pub max_chars: Option<usize>,
    /// Where the full diff is (Markdown, written by whoever runs the
    /// command, e.g. a link to the CI run), for the line under a cut diff.
    pub full_diff: Option<String>,
}

struct Ctx<'a> {
    d: &'a Diff,
    site: Option<&'a str>,
}

impl Ctx<'_> {
    fn money(&self, m: Money) -> String {
        let v = m.get();
        if v.fract().is_zero() {
            f::money(m, &self.d.currency)
        } else {
            f::money_cents(m, &self.d.currency)
        }
    }

    fn opt_money(&self, m: Option<Money>) -> String {
        m.map(|m| self.money(m)).unwrap_or_else(|| f::NONE.into())
    }

    fn signed(&self, m: Money) -> String {
        if m.get().is_sign_positive() && !m.is_zero() {
            format!("+{}", self.money(m))
        } else {
            self.money(m)
        }
    }

    fn deal(&self, id: &str, name: &str) -> String {
        let shown = if name.trim().is_empty() { id } else { name };
        match self.site {
            Some(site) if is_slug(id) => format!("[{}]({site}/deals/{id}.html)", md_escape(shown)),
            _ if shown == id => md_escape(id),
            _ => format!("{} ({})", md_escape(shown), md_escape(id)),
        }
    }

    /// A deal by its name alone (its id only when it has no name), linked
    /// to its page when there is a site: for the risk tables, where the
    /// signal and the reason already say what is wrong.
    fn deal_name(&self, id: &str, name: &str) -> String {
        let shown = if name.trim().is_empty() { id } else { name };
        match self.site {
            Some(site) if is_slug(id) => format!("[{}]({site}/deals/{id}.html)", md_escape(shown)),
            _ => md_escape(shown),
        }
    }

    fn deal_of(&self, d: &DealDelta) -> String {
        self.deal(&d.id, &d.latest().name)
    }
}

/// Renders the diff.
pub fn markdown(d: &Diff, opts: &Options) -> String {
    let site = opts
        .site_url
        .as_deref()
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| !s.is_empty());
    let cx = Ctx { d, site };
    let mut head = String::new();
    let _ = writeln!(
        head,
        "## dealbook diff: {} → {}\n",
        side_label(&d.a),
        side_label(&d.b)
    );
    if d.a.missing {
        let _ = writeln!(
            head,
            "🆕 **New pipeline**: {} has no pipeline{}, so everything below is new.\n",
            side_label(&d.a),
            if d.a.path == "." {
                String::new()
            } else {
                format!(" in {}", md_escape(&d.a.path))
            }
        );
    }
    if !d.valid {
        let _ = writeln!(
            head,
            "> [!CAUTION]\n> ❌ **This change breaks the pipeline: {}.** Deals in files with \
             errors are left out of the numbers below; the errors are listed under Validation.\n",
            plural(d.summary.errors, "error")
        );
    }
    let _ = writeln!(head, "{}\n", headline(&cx));
    // The body, in parts that can be left out whole: (name, text).
    let mut parts: Vec<(String, String)> = Vec::new();
    let section = |name: &str, f: &dyn Fn(&Ctx<'_>, &mut String)| {
        let mut t = String::new();
        f(&cx, &mut t);
        (name.to_string(), t)
    };
    parts.push(section("Open pipeline waterfall", &waterfall_section));
    parts.push(section("Forecast", &forecast_section));
    parts.extend(deals_parts(&cx));
    parts.push(section("Risk signals", &risks_section));
    parts.push(section("Validation", &validation_section));
    parts.push(section("Other files", &files_section));
    parts.retain(|(_, t)| !t.is_empty());
    let footer = format!(
        "<sub>dealbook diff · as of {} · amounts in {} · A: {} · B: {}</sub>\n",
        d.as_of,
        md_escape(&d.currency),
        side_detail(&d.a),
        side_detail(&d.b)
    );
    let mut out = head;
    match opts.max_chars {
        Some(max) => {
            let len = |s: &str| s.chars().count();
            // Room for the line that says what was cut and where the rest is.
            let note = |left_out: &[&str]| cut_note(max, left_out, opts.full_diff.as_deref());
            let all: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
            let reserve = len(&note(&all));
            let mut used = len(&out) + len(&footer);
            let mut kept = 0;
            for (_, t) in &parts {
                if used + len(t) + reserve > max {
                    break;
                }
                used += len(t);
                kept += 1;
            }
            for (_, t) in &parts[..kept] {
                out.push_str(t);
            }
            if kept < parts.len() {
                out.push_str(&note(&all[kept..]));
            }
        }
        None => {
            for (_, t) in &parts {
                out.push_str(t);
            }
        }
    }
    out.push_str(&footer);
    out
}

/// The line under a diff cut by `--max-chars`: what was left out and where
/// the full diff is.
fn cut_note(max: usize, left_out: &[&str], full: Option<&str>) -> String {
    let where_ = full.map(str::to_string).unwrap_or_else(|| {
        "run `dealbook diff` without `--max-chars` (or with `--format json`)".into()
    });
    format!(
        "✂️ **Cut to fit {max} characters.** Left out: {}. The full diff: {where_}.\n\n",
        left_out.join(", ")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A Markdown table; cells are already escaped.
fn table(headers: &[&str], right: &[usize], rows: &[Vec<String>]) -> String {
    let mut t = format!("| {} |\n|", headers.join(" | "));
    for i in 0..headers.len() {
        t.push_str(if right.contains(&i) { "---:|" } else { "---|" });
    }
    t.push('\n');
    for r in rows {
        let _ = writeln!(t, "| {} |", r.join(" | "));
    }
    t
}

/// The note under a table of a list of `total` rows cut at [`MAX_ROWS`];
/// `rest` says where to find the others.
fn note_cut(t: &mut String, total: usize, rest: &str) {
    if total > MAX_ROWS {
        let _ = writeln!(t, "\n_… and {} more; {rest}._", total - MAX_ROWS);
    }
}

/// A titled block, folded when asked.
fn block(out: &mut String, heading: &str, body: &str, fold: bool) {
    if fold {
        let _ = writeln!(
            out,
            "<details><summary>{heading}</summary>\n\n{body}\n</details>\n"
        );
    } else {
        let _ = writeln!(out, "**{heading}**\n\n{body}");
    }
}

fn period_label(p: Option<Period>) -> String {
    match p {
        None => "Open pipeline".into(),
        Some(Period::Year(y)) => format!("FY{y}"),
        Some(p) => p.to_string(),
    }
}
