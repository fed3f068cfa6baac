//! The deal changes, one table per group (added, won, lost, slipped, …),
//! long groups and the housekeeping ones folded.

use super::{Ctx, FOLD_OVER, MAX_ROWS, block, note_cut, table};
use crate::diff::compare::{ChangeKind, DealDelta, DealView};
use crate::fmt as f;
use crate::report::table::md_escape;
use std::fmt::Write as _;

fn title(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "Added",
        ChangeKind::Removed => "Removed",
        ChangeKind::Won => "Won",
        ChangeKind::Lost => "Lost",
        ChangeKind::Reopened => "Reopened",
        ChangeKind::StageForward => "Stage forward",
        ChangeKind::StageBackward => "Stage backward",
        ChangeKind::CloseMoved => "Close date moved",
        ChangeKind::AmountChanged => "Amount changed",
        ChangeKind::OwnerChanged => "Owner changed",
        ChangeKind::CategoryChanged => "Forecast category changed",
        ChangeKind::ProbabilityChanged => "Probability changed",
        ChangeKind::Excluded => "Left out of the numbers: the file has errors",
        ChangeKind::Included => "Counted again: errors fixed",
        ChangeKind::Renamed => "Renamed: new id, same content",
        ChangeKind::Moved => "File moved to another folder",
        ChangeKind::Edited => "Other edits: notes, next steps, stakeholders, …",
    }
}

fn stage_move(v: (&DealView, &DealView)) -> String {
    format!(
        "{} → {}",
        md_escape(&v.0.stage_name),
        md_escape(&v.1.stage_name)
    )
}

fn close_text(c: Option<jiff::civil::Date>) -> String {
    c.map(|c| c.to_string()).unwrap_or_else(|| f::NONE.into())
}

fn both(d: &DealDelta) -> (&DealView, &DealView) {
    (
        d.before.as_ref().expect("both sides"),
        d.after.as_ref().expect("both sides"),
    )
}

/// The table of one group.
fn group_table(cx: &Ctx<'_>, k: ChangeKind, list: &[&DealDelta]) -> String {
    let owner = |v: &DealView| md_escape(&v.owner_name);
    let amount = |v: &DealView| cx.opt_money(v.amount);
    let mut rows = Vec::new();
    let (headers, right): (&[&str], &[usize]) = match k {
        ChangeKind::Added => (&["Deal", "Owner", "Stage", "Amount", "Close"], &[3]),
        ChangeKind::Removed => (&["Deal", "Owner", "Stage", "Amount"], &[3]),
        ChangeKind::Won => (&["Deal", "Owner", "Amount", "Closed"], &[2]),
        ChangeKind::Lost => (&["Deal", "Owner", "Amount", "Reason"], &[2]),
        ChangeKind::Reopened
        | ChangeKind::StageForward
        | ChangeKind::StageBackward
        | ChangeKind::CategoryChanged
        | ChangeKind::ProbabilityChanged => (&["Deal", "Owner", "Amount", "Change"], &[2]),
        ChangeKind::CloseMoved => (&["Deal", "Owner", "Amount", "Close", "Moved"], &[2]),
        ChangeKind::AmountChanged => (&["Deal", "Owner", "Before", "After", "Change"], &[2, 3, 4]),
        ChangeKind::OwnerChanged => (&["Deal", "Before", "After"], &[]),
        ChangeKind::Excluded | ChangeKind::Included => (&["Deal", "File"], &[]),
        ChangeKind::Renamed => (&["Deal", "Previous id", "File"], &[]),
        ChangeKind::Moved => (&["Deal", "From", "To"], &[]),
        ChangeKind::Edited => (&["Deal", "Owner", "File"], &[]),
    };
    for d in list.iter().take(MAX_ROWS) {
        let v = d.latest();
        let deal = cx.deal_of(d);
        let row = match k {
            ChangeKind::Added => vec![
                deal,
                owner(v),
                md_escape(&v.stage_name),
                amount(v),
                close_text(v.close),
            ],
            ChangeKind::Removed => vec![deal, owner(v), md_escape(&v.stage_name), amount(v)],
            ChangeKind::Won => vec![deal, owner(v), amount(v), close_text(v.close)],
            ChangeKind::Lost => vec![
                deal,
                owner(v),
                amount(d.before.as_ref().unwrap_or(v)),
                md_escape(v.lost_reason.as_deref().unwrap_or(f::NONE)),
            ],
            ChangeKind::Reopened | ChangeKind::StageForward | ChangeKind::StageBackward => {
                vec![deal, owner(v), amount(v), stage_move(both(d))]
            }
            ChangeKind::CategoryChanged => {
                let (a, b) = both(d);
                let cat = |v: &DealView| {
                    v.category
                        .map(|c| c.as_str().replace('_', " "))
                        .unwrap_or_else(|| f::NONE.into())
                };
                vec![
                    deal,
                    owner(v),
                    amount(v),
                    format!("{} → {}", cat(a), cat(b)),
                ]
            }
            ChangeKind::ProbabilityChanged => {
                let (a, b) = both(d);
                let p = |v: &DealView| {
                    v.probability
                        .map(|p| {
                            format!("{}%", (p * rust_decimal::Decimal::ONE_HUNDRED).normalize())
                        })
                        .unwrap_or_else(|| f::NONE.into())
                };
                vec![deal, owner(v), amount(v), format!("{} → {}", p(a), p(b))]
            }
            ChangeKind::CloseMoved => {
                let (a, b) = both(d);
                let mut moved = match d.close_days {
                    Some(n) if n > 0 => format!("+{n} d"),
                    Some(n) => format!("{n} d"),
                    None => String::new(),
                };
                if a.close_quarter != b.close_quarter {
                    if let Some(q) = b.close_quarter {
                        let _ = write!(moved, ", into {q}");
                    } else {
                        moved.push_str("close removed");
                    }
                }
                vec![
                    deal,
                    owner(v),
                    amount(v),
                    format!("{} → {}", close_text(a.close), close_text(b.close)),
                    moved.trim_start_matches(", ").to_string(),
                ]
            }
            ChangeKind::AmountChanged => {
                let (a, b) = both(d);
                vec![
                    deal,
                    owner(v),
                    amount(a),
                    amount(b),
                    d.amount_change.map(|m| cx.signed(m)).unwrap_or_default(),
                ]
            }
            ChangeKind::OwnerChanged => {
                let (a, b) = both(d);
                vec![deal, owner(a), owner(b)]
            }
            ChangeKind::Excluded | ChangeKind::Included => vec![deal, md_escape(&v.path)],
            ChangeKind::Renamed => vec![
                deal,
                md_escape(d.previous_id.as_deref().unwrap_or_default()),
                md_escape(&v.path),
            ],
            ChangeKind::Moved => {
                let (a, b) = both(d);
                vec![deal, md_escape(&a.path), md_escape(&b.path)]
            }
            ChangeKind::Edited => vec![deal, owner(v), md_escape(&v.path)],
        };
        rows.push(row);
    }
    let mut t = table(headers, right, &rows);
    note_cut(&mut t, list.len(), "see `dealbook diff --format json`");
    t
}

/// The deal changes as parts that a cut can leave out one by one: the
/// section heading goes with the first group.
pub(super) fn deals_parts(cx: &Ctx<'_>) -> Vec<(String, String)> {
    let d = cx.d;
    let mut heading = format!("### Deal changes ({})\n\n", d.summary.deals_changed);
    if d.deals.is_empty() {
        heading.push_str("_No deal changed._\n\n");
        return vec![("Deal changes".into(), heading)];
    }
    let mut parts = Vec::new();
    for &k in ChangeKind::ALL {
        let list: Vec<&DealDelta> = d.deals.iter().filter(|x| x.has(k)).collect();
        if list.is_empty() {
            continue;
        }
        let housekeeping = matches!(
            k,
            ChangeKind::Renamed | ChangeKind::Moved | ChangeKind::Edited
        );
        let title = format!("{} ({})", title(k), list.len());
        let mut out = std::mem::take(&mut heading);
        block(
            &mut out,
            &title,
            &group_table(cx, k, &list),
            housekeeping || list.len() > FOLD_OVER,
        );
        parts.push((format!("deal changes: {title}"), out));
    }
    parts
}
