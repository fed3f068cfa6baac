//! Matching the deals of the two sides and naming what changed about each.
//!
//! Deals are matched by id (the file stem), so a deal file moved to another
//! sub-folder is the same deal (change `moved`), never an add plus a
//! remove. A deal whose id changed but whose file content did not (a pure
//! rename of the file) is matched too (change `renamed`). Everything else
//! present on one side only is `added` or `removed`.
//!
//! A matched deal gets every change that applies, so one deal can be in
//! several groups (`stage_forward` and `amount_changed` and `close_moved`):
//!
//! - `won`, `lost`: its status became won (lost) and was not before;
//!   `reopened`: it was won or lost and is open again;
//! - `stage_forward`, `stage_backward`: open on both sides, in a later
//!   (earlier) stage;
//! - `close_moved`: same status on both sides, a different `close` (for
//!   won and lost deals, a corrected actual close);
//! - `amount_changed`: a different amount in the reporting currency (a new
//!   rate or currency counts);
//! - `owner_changed`: a different owner id;
//! - `category_changed`: open on both sides, a different effective
//!   forecast category (from an override or from the stage);
//! - `probability_changed`: open on both sides in the same stage, a
//!   different effective probability (the override changed);
//! - `excluded`: counted before, left out of the numbers now because its
//!   file has errors; `included`: the reverse (the other status and number
//!   changes are not judged across an exclusion);
//! - `edited`: the file changed but none of the above did (notes, next
//!   step, stakeholders, …).

use crate::Checked;
use crate::analytics::{DealCategory, DealFact, Status};
use crate::ix::{DealIx, IxVec, StageIx, enumerate};
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Where a deal is, for the diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// In an open stage.
    Open,
    /// Won.
    Won,
    /// Lost.
    Lost,
    /// Left out of the numbers: its file has errors (unknown stage or
    /// currency, a required field missing).
    Excluded,
}

/// A deal at one revision.
#[derive(Debug, Clone, Serialize)]
pub struct DealView {
    /// File, relative to the pipeline folder.
    pub path: String,
    /// Human name.
    pub name: String,
    /// Open, won, lost or excluded.
    pub status: State,
    /// Stage id as written.
    pub stage: String,
    /// Stage name (the id when it does not resolve).
    pub stage_name: String,
    /// Owner id.
    pub owner: String,
    /// Owner name (the id when it does not resolve).
    pub owner_name: String,
    /// Account id.
    pub account: String,
    /// Account name (the id when it does not resolve).
    pub account_name: String,
    /// Amount in the reporting currency; none when excluded.
    pub amount: Option<Money>,
    /// Amount as written.
    pub amount_written: Decimal,
    /// Currency as written (or the reporting one).
    pub currency: String,
    /// Forecast category (closed-won or closed-lost once closed); none
    /// when excluded.
    pub category: Option<DealCategory>,
    /// Effective probability; none when closed or excluded.
    pub probability: Option<Decimal>,
    /// Weighted amount; none when closed or excluded.
    pub weighted: Option<Money>,
    /// Expected or actual close.
    pub close: Option<Date>,
    /// Fiscal quarter of the close.
    pub close_quarter: Option<Period>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// Position of the stage (for forward and backward).
    #[serde(skip)]
    pub stage_ix: Option<StageIx>,
    /// The file's text (for renames and edits).
    #[serde(skip)]
    pub text: Arc<str>,
}

/// A kind of change to a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only at B.
    Added,
    /// Only at A.
    Removed,
    /// Became won.
    Won,
    /// Became lost.
    Lost,
    /// Was won or lost, is open.
    Reopened,
    /// Open, later stage.
    StageForward,
    /// Open, earlier stage.
    StageBackward,
    /// Close date changed (same status).
    CloseMoved,
    /// Amount changed.
    AmountChanged,
    /// Owner changed.
    OwnerChanged,
    /// Effective forecast category changed (open deals).
    CategoryChanged,
    /// Effective probability changed in the same stage (open deals).
    ProbabilityChanged,
    /// Counted at A, left out at B (its file has errors).
    Excluded,
    /// Left out at A, counted at B.
    Included,
    /// Id (file name) changed, content identical.
    Renamed,
    /// File moved to another folder, same id.
    Moved,
    /// Nothing above, but the file changed.
    Edited,
}

impl ChangeKind {
    /// Every kind, in the order the Markdown shows the groups.
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::Won,
        ChangeKind::Lost,
        ChangeKind::Added,
        ChangeKind::Removed,
        ChangeKind::StageForward,
        ChangeKind::StageBackward,
        ChangeKind::Reopened,
        ChangeKind::CloseMoved,
        ChangeKind::AmountChanged,
        ChangeKind::OwnerChanged,
        ChangeKind::CategoryChanged,
        ChangeKind::ProbabilityChanged,
        ChangeKind::Excluded,
        ChangeKind::Included,
        ChangeKind::Renamed,
        ChangeKind::Moved,
        ChangeKind::Edited,
    ];
}

/// One deal that changed.
#[derive(Debug, Clone, Serialize)]
pub struct DealDelta {
    /// Id at B (at A when removed).
    pub id: String,
    /// Id at A when it was renamed.
    pub previous_id: Option<String>,
    /// What changed, in [`ChangeKind`] order.
    pub changes: Vec<ChangeKind>,
    /// The deal at A.
    pub before: Option<DealView>,
    /// The deal at B.
    pub after: Option<DealView>,
    /// Days the close moved (B − A), when both have one.
    pub close_days: Option<i64>,
    /// Amount at B − amount at A, reporting currency, when both count.
    pub amount_change: Option<Money>,
}

impl DealDelta {
    /// The latest view (B's, else A's).
    pub fn latest(&self) -> &DealView {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .expect("a delta has a side")
    }

    /// Whether it has a change of this kind.
    pub fn has(&self, k: ChangeKind) -> bool {
        self.changes.contains(&k)
    }
}

/// The deals of one side, by id. A duplicated id keeps its first
/// definition, as the model's index does (the duplicate is an error).
pub fn views(c: &Checked) -> HashMap<String, DealView> {
    let p = &c.pipeline;
    let f = crate::analytics::facts::Facts::new(p, c.as_of);
    let cal = p.settings.calendar();
    let mut by_ix: IxVec<DealIx, Option<&DealFact>> = IxVec::filled(p.deals.len(), None);
    for df in &f.deals {
        by_ix[df.ix] = Some(df);
    }
    let mut out = HashMap::with_capacity(p.deals.len());
    for (ix, d) in enumerate(&p.deals) {
        if p.index.deals.get(d.id.as_str()) != Some(&ix) {
            continue;
        }
        out.insert(d.id.to_string(), view(p, ix, by_ix[ix], &cal));
    }
    out
}

/// The view of the deal at position `ix` of the pipeline, with its facts
/// (none when it is left out of the numbers).
pub fn view(
    p: &crate::model::Pipeline,
    ix: DealIx,
    fact: Option<&DealFact>,
    cal: &crate::period::Calendar,
) -> DealView {
    let d = &p.deals[ix];
    let stage = d.refs.stage.map(|i| &p.settings.stages[i]);
    let source = p.sources.get(d.file);
    let close = d.close.as_ref().map(|c| c.value);
    let open = fact.filter(|x| x.status == Status::Open);
    DealView {
        path: source.rel_path.clone(),
        name: d.name.clone(),
        status: match fact.map(|x| x.status) {
            None => State::Excluded,
            Some(Status::Open) => State::Open,
            Some(Status::Won) => State::Won,
            Some(Status::Lost) => State::Lost,
        },
        stage: d.stage.value.to_string(),
        stage_name: stage
            .map(|s| s.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| d.stage.value.to_string()),
        owner: d.owner.value.to_string(),
        owner_name: d
            .refs
            .owner
            .map(|o| p.people[o].name.clone())
            .unwrap_or_else(|| d.owner.value.to_string()),
        account: d.account.value.to_string(),
        account_name: d
            .refs
            .account
            .map(|a| p.accounts[a].name.clone())
            .unwrap_or_else(|| d.account.value.to_string()),
        amount: fact.map(|x| x.amount),
        amount_written: d.amount.value,
        currency: d.currency_code(&p.settings).to_string(),
        category: fact.map(|x| DealCategory::of(x.status, x.category)),
        probability: open.map(|x| x.probability),
        weighted: open.map(|x| x.weighted),
        close,
        close_quarter: close.map(|c| cal.quarter_of(c)),
        lost_reason: d.lost_reason.clone(),
        stage_ix: d.refs.stage,
        text: source.text.clone(),
    }
}

/// A deal on each side: the pairs the diff compares.
pub struct Pair<'a> {
    /// Id at B (at A when removed).
    pub id: &'a str,
    /// Id at A when renamed.
    pub previous_id: Option<&'a str>,
    /// At A.
    pub a: Option<&'a DealView>,
    /// At B.
    pub b: Option<&'a DealView>,
}

/// Matches the deals of both sides: by id, then removed and added deals
/// whose files are byte-for-byte the same (renames). Sorted by id.
pub fn pair<'a, S: std::hash::BuildHasher>(
    a: &'a HashMap<String, DealView, S>,
    b: &'a HashMap<String, DealView, S>,
) -> Vec<Pair<'a>> {
    let mut out = Vec::with_capacity(b.len().max(a.len()));
    let mut removed: BTreeMap<&str, &DealView> = BTreeMap::new();
    for (id, v) in a {
        if !b.contains_key(id) {
            removed.insert(id, v);
        }
    }
    // Removed deals by their text, in id order, for the renames.
    let mut by_text: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, v) in &removed {
        if !v.text.is_empty() {
            by_text.entry(&v.text).or_default().push(id);
        }
    }
    let mut added: Vec<(&str, &DealView)> = b
        .iter()
        .filter(|(id, _)| !a.contains_key(*id))
        .map(|(id, v)| (id.as_str(), v))
        .collect();
    added.sort_by_key(|(id, _)| *id);
    for (id, v) in added {
        let old = by_text.get_mut(&*v.text).and_then(|ids| {
            if ids.is_empty() {
                None
            } else {
                Some(ids.remove(0))
            }
        });
        if let Some(old) = old {
            removed.remove(old);
        }
        out.push(Pair {
            id,
            previous_id: old,
            a: old.map(|o| &a[o]),
            b: Some(v),
        });
    }
    for (id, v) in removed {
        out.push(Pair {
            id,
            previous_id: None,
            a: Some(v),
            b: None,
        });
    }
    for (id, v) in b {
        if let Some(av) = a.get(id) {
            out.push(Pair {
                id,
                previous_id: None,
                a: Some(av),
                b: Some(v),
            });
        }
    }
    out.sort_by(|x, y| x.id.cmp(y.id));
    out
}

/// What changed about one pair; empty when nothing did.
pub fn changes(p: &Pair<'_>) -> Vec<ChangeKind> {
    use ChangeKind as K;
    let mut out = Vec::new();
    let (a, b) = match (p.a, p.b) {
        (None, Some(_)) => return vec![K::Added],
        (Some(_), None) => return vec![K::Removed],
        (Some(a), Some(b)) => (a, b),
        (None, None) => return out,
    };
    if p.previous_id.is_some() {
        out.push(K::Renamed);
    } else if a.path != b.path {
        out.push(K::Moved);
    }
    match (a.status, b.status) {
        (State::Excluded, State::Excluded) => {}
        (State::Excluded, _) => out.push(K::Included),
        (_, State::Excluded) => out.push(K::Excluded),
        (sa, sb) => {
            match (sa, sb) {
                (State::Open, State::Open) => {
                    match b.stage_ix.cmp(&a.stage_ix) {
                        std::cmp::Ordering::Greater => out.push(K::StageForward),
                        std::cmp::Ordering::Less => out.push(K::StageBackward),
                        std::cmp::Ordering::Equal => {}
                    }
                    if a.category != b.category {
                        out.push(K::CategoryChanged);
                    }
                    if a.stage_ix == b.stage_ix && a.probability != b.probability {
                        out.push(K::ProbabilityChanged);
                    }
                }
                (_, State::Won) if sa != State::Won => out.push(K::Won),
                (_, State::Lost) if sa != State::Lost => out.push(K::Lost),
                (State::Won | State::Lost, State::Open) => out.push(K::Reopened),
                _ => {}
            }
            if sa == sb && a.close != b.close {
                out.push(K::CloseMoved);
            }
            if a.amount != b.amount {
                out.push(K::AmountChanged);
            }
        }
    }
    if a.owner != b.owner {
        out.push(K::OwnerChanged);
    }
    if out.is_empty() && a.text != b.text {
        out.push(K::Edited);
    }
    out.sort();
    out
}

/// The changed deals, sorted by id.
pub fn deltas(pairs: &[Pair<'_>]) -> Vec<DealDelta> {
    pairs
        .iter()
        .filter_map(|p| {
            let changes = changes(p);
            if changes.is_empty() {
                return None;
            }
            let both = p.a.zip(p.b);
            Some(DealDelta {
                id: p.id.to_string(),
                previous_id: p.previous_id.map(str::to_string),
                close_days: both.and_then(|(a, b)| match (a.close, b.close) {
                    (Some(x), Some(y)) if x != y => Some((y - x).get_days() as i64),
                    _ => None,
                }),
                amount_change: both.and_then(|(a, b)| match (a.amount, b.amount) {
                    (Some(x), Some(y)) if x != y => Some(y - x),
                    _ => None,
                }),
                changes,
                before: p.a.cloned(),
                after: p.b.cloned(),
            })
        })
        .collect()
}

/// A pipeline file other than a deal that was added, removed or changed.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FileChanges {
    /// Only at B.
    pub added: Vec<String>,
    /// Only at A.
    pub removed: Vec<String>,
    /// At both, different.
    pub modified: Vec<String>,
}

impl FileChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }
}

/// The settings, team, account and target files that changed (deal files
/// are in the deal changes).
pub fn other_files(a: &Checked, b: &Checked) -> FileChanges {
    fn files(c: &Checked) -> BTreeMap<&str, &Arc<str>> {
        c.pipeline
            .sources
            .iter()
            .map(|(_, f)| f)
            .filter(|f| !f.text.is_empty())
            .filter(|f| {
                crate::load::FileKind::of(&f.rel_path)
                    .is_some_and(|k| k != crate::load::FileKind::Deal)
            })
            .map(|f| (f.rel_path.as_str(), &f.text))
            .collect()
    }
    let (fa, fb) = (files(a), files(b));
    let mut out = FileChanges::default();
    for (rel, text) in &fb {
        match fa.get(rel) {
            None => out.added.push(rel.to_string()),
            Some(t) if ***t != ***text => out.modified.push(rel.to_string()),
            Some(_) => {}
        }
    }
    out.removed = fa
        .keys()
        .filter(|rel| !fb.contains_key(*rel))
        .map(|r| r.to_string())
        .collect();
    out
}
