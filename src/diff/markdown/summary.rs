//! The top of the review: the sides' labels, the one-line headline
//! under the title, and the footer's side details.

use super::{Ctx, plural};
use crate::analytics::ScopeKind;
use crate::diff::SideInfo;
use crate::diff::compare::ChangeKind;
use crate::diff::forecast::Figures;
use crate::money::Money;
use crate::report::table::md_escape;
use std::fmt::Write as _;

/// The label as given, a full commit id shortened.
pub(super) fn side_label(s: &SideInfo) -> String {
    if s.commit.as_deref() == Some(s.label.as_str()) {
        short(&s.label).to_string()
    } else {
        md_escape(&s.label)
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

pub(super) fn side_detail(s: &SideInfo) -> String {
    let mut t = side_label(s);
    if let Some(c) = s.commit.as_deref().filter(|c| *c != s.label) {
        let _ = write!(t, " ({})", short(c));
    }
    if s.kind == "git" && s.path != "." {
        let _ = write!(t, " in {}", md_escape(&s.path));
    }
    t
}
fn arrow(cx: &Ctx<'_>, a: Money, b: Money) -> String {
    if a == b {
        format!("{} (no change)", cx.money(b))
    } else {
        format!("{} → {} ({})", cx.money(a), cx.money(b), cx.signed(b - a))
    }
}

/// The one-line summary under the title.
pub(super) fn headline(cx: &Ctx<'_>) -> String {
    let d = cx.d;
    let mut parts = Vec::new();
    if let Some(r) = d
        .forecast
        .iter()
        .find(|r| r.period == d.period && r.scope.kind == ScopeKind::Org)
    {
        let zero = |x: &Option<Figures>| x.as_ref().map(|v| v.weighted).unwrap_or_default();
        parts.push(format!(
            "**{} weighted {}**",
            d.period,
            arrow(cx, zero(&r.before), zero(&r.after))
        ));
    }
    let w = &d.waterfall.pipeline;
    parts.push(format!(
        "open pipeline {}",
        arrow(cx, w.start.amount, w.end.amount)
    ));
    let s = &d.summary;
    if s.deals_changed == 0 {
        parts.push("no deal changed".into());
    } else {
        let mut kinds = Vec::new();
        for &k in ChangeKind::ALL {
            let n = s.count(k);
            if n == 0 {
                continue;
            }
            kinds.push(match k {
                ChangeKind::Won => format!("{n} won ({})", cx.money(s.won_amount)),
                ChangeKind::Lost => format!("{n} lost ({})", cx.money(s.lost_amount)),
                _ => format!("{n} {}", short_title(k)),
            });
        }
        parts.push(format!(
            "{}: {}",
            if s.deals_changed == 1 {
                "1 deal changed".to_string()
            } else {
                format!("{} deals changed", s.deals_changed)
            },
            kinds.join(", ")
        ));
    }
    if s.risks_introduced + s.risks_cleared > 0 {
        let mut risks = format!("risks: {} new, {} fixed", s.risks_introduced, s.risks_fixed);
        if s.risks_gone > 0 {
            let _ = write!(
                risks,
                ", {} gone with won, lost or removed deals",
                s.risks_gone
            );
        }
        parts.push(risks);
    }
    parts.push(if d.valid {
        "✅ no errors".into()
    } else {
        format!("❌ {}", plural(s.errors, "error"))
    });
    parts.join(" · ")
}

fn short_title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Won => "won",
        ChangeKind::Lost => "lost",
        ChangeKind::Reopened => "reopened",
        ChangeKind::StageForward => "moved forward",
        ChangeKind::StageBackward => "moved back",
        ChangeKind::CloseMoved => "close date moved",
        ChangeKind::AmountChanged => "amount changed",
        ChangeKind::OwnerChanged => "new owner",
        ChangeKind::CategoryChanged => "forecast category changed",
        ChangeKind::ProbabilityChanged => "probability changed",
        ChangeKind::Excluded => "left out (errors)",
        ChangeKind::Included => "counted again",
        ChangeKind::Renamed => "renamed",
        ChangeKind::Moved => "file moved",
        ChangeKind::Edited => "other edits",
    }
}
