//! The closing sections: risks raised and cleared (and signals switched
//! off or on), validation findings (errors and warnings new, fixed or
//! still there), and the files that changed.

use super::{Ctx, FOLD_OVER, MAX_ROWS, block, note_cut, plural, table};
use crate::analytics::export::RiskRow;
use crate::diag::Severity;
use crate::diff::validation::Finding;
use crate::report::table::md_escape;
use std::fmt::Write as _;

fn risk_rows(cx: &Ctx<'_>, list: &[RiskRow]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .take(MAX_ROWS)
        .map(|r| {
            vec![
                cx.deal_name(&r.deal, &r.deal_name),
                md_escape(crate::report::signal_name(r.code)),
                md_escape(&r.reason),
            ]
        })
        .collect();
    let mut t = table(&["Deal", "Signal", "Why"], &[], &rows);
    note_cut(&mut t, list.len(), "see `dealbook diff --format json`");
    t
}

/// The signals off at `x` and on at `y`, as `` `code` `` items.
fn switched(x: &[&str], y: &[&str]) -> Vec<String> {
    x.iter()
        .filter(|c| !y.contains(c))
        .map(|c| format!("`{c}`"))
        .collect()
}

pub(super) fn risks_section(cx: &Ctx<'_>, out: &mut String) {
    let r = &cx.d.risks;
    let (a, b) = (&cx.d.a.signals_off, &cx.d.b.signals_off);
    if r.introduced.is_empty() && r.cleared.is_empty() && a == b {
        return;
    }
    let _ = writeln!(out, "### Risk signals\n");
    let off = switched(b, a);
    if !off.is_empty() {
        let _ = writeln!(
            out,
            "Switched off in `[rules.signals]` by this change: {}. Neither side shows them.\n",
            off.join(", ")
        );
    }
    let on = switched(a, b);
    if !on.is_empty() {
        let _ = writeln!(
            out,
            "Switched on in `[rules.signals]` by this change: {}. Both sides are judged with them, so only the risks the change makes are listed.\n",
            on.join(", ")
        );
    }
    if !r.introduced.is_empty() {
        block(
            out,
            &format!("New ({})", r.introduced.len()),
            &risk_rows(cx, &r.introduced),
            r.introduced.len() > FOLD_OVER,
        );
    }
    // Fixed on a live deal, then gone with a won, lost or removed one.
    for (gone, title) in [
        (false, "Fixed on open deals"),
        (true, "Gone with won, lost or removed deals"),
    ] {
        let rows: Vec<RiskRow> = r
            .cleared
            .iter()
            .filter(|c| c.why.gone() == gone)
            .map(|c| c.row.clone())
            .collect();
        if !rows.is_empty() {
            block(
                out,
                &format!("{title} ({})", rows.len()),
                &risk_rows(cx, &rows),
                rows.len() > FOLD_OVER,
            );
        }
    }
}

fn finding_rows(list: &[&Finding]) -> String {
    let rows: Vec<Vec<String>> = list
        .iter()
        .take(MAX_ROWS)
        .map(|x| {
            let l = &x.located;
            let mut msg = md_escape(&l.message);
            if let Some(h) = &l.hint {
                let _ = write!(msg, " (hint: {})", md_escape(h));
            }
            vec![
                format!("{}:{}:{}", md_escape(&l.file), l.line, l.column),
                l.code.to_string(),
                msg,
            ]
        })
        .collect();
    let mut t = table(&["Where", "Code", "Problem"], &[], &rows);
    note_cut(&mut t, list.len(), "run `dealbook check`");
    t
}

pub(super) fn validation_section(cx: &Ctx<'_>, out: &mut String) {
    let d = cx.d;
    let s = &d.summary;
    let _ = writeln!(out, "### Validation\n");
    let errors: Vec<&Finding> = d
        .diagnostics
        .iter()
        .filter(|x| x.located.severity == Severity::Error)
        .collect();
    let new_warnings: Vec<&Finding> = d
        .diagnostics
        .iter()
        .filter(|x| x.located.severity == Severity::Warning && x.new)
        .collect();
    if errors.is_empty() {
        let _ = writeln!(
            out,
            "✅ B passes `dealbook check`: no errors, {} ({} new).\n",
            plural(s.warnings, "warning"),
            new_warnings.len()
        );
    } else {
        let _ = writeln!(
            out,
            "❌ B has {} and {} ({} of them new).\n",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            s.new_diagnostics
        );
        block(
            out,
            &format!("Errors ({})", errors.len()),
            &finding_rows(&errors),
            errors.len() > FOLD_OVER,
        );
    }
    if !new_warnings.is_empty() {
        block(
            out,
            &format!("New warnings ({})", new_warnings.len()),
            &finding_rows(&new_warnings),
            new_warnings.len() > FOLD_OVER,
        );
    }
}

pub(super) fn files_section(cx: &Ctx<'_>, out: &mut String) {
    let fc = &cx.d.files;
    if fc.is_empty() {
        return;
    }
    let list = |v: &[String]| {
        v.iter()
            .take(MAX_ROWS)
            .map(|p| md_escape(p))
            .collect::<Vec<_>>()
            .join(", ")
            + if v.len() > MAX_ROWS { ", …" } else { "" }
    };
    let _ = writeln!(out, "### Other files\n");
    for (what, v) in [
        ("Modified", &fc.modified),
        ("Added", &fc.added),
        ("Removed", &fc.removed),
    ] {
        if !v.is_empty() {
            let _ = writeln!(out, "- {what}: {}", list(v));
        }
    }
    out.push('\n');
}
