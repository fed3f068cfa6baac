//! What changed between two consecutive snapshots ("since last week"):
//! the waterfall of the open pipeline and of the trend period, computed
//! by `diff`'s own [`crate::diff::waterfall`] code over the
//! deals that changed, with the unchanged deals' amount counted in both
//! the start and the end (so the buckets still sum exactly, and equal what
//! `dealbook diff` between the two commits shows); the deals behind each
//! bucket; and the deals created, advanced, moved back, won, lost and
//! pushed.
//!
//! For one team or person, a deal counts while its owner is in the scope:
//! a deal handed to someone outside leaves as `removed`, one handed in
//! arrives as `new`.

use super::{History, Move, ScopeId, Step};
use crate::analytics::ScopeKind;
use crate::diff::compare::{self, ChangeKind, DealView, Pair, State};
use crate::diff::waterfall::{self, Bucket, Waterfall};
use crate::money::Money;
use jiff::civil::Date;
use serde::Serialize;

/// A deal in the week-over-week change.
#[derive(Debug, Clone, Serialize)]
pub struct DealMove {
    /// Id (at the later point).
    pub id: String,
    /// Name.
    pub name: String,
    /// Owner id (at the later point, else the earlier).
    pub owner: String,
    /// Owner's name.
    pub owner_name: String,
    /// Stage before (none: not there).
    pub stage_from: Option<String>,
    /// Stage after.
    pub stage_to: Option<String>,
    /// Amount before, reporting currency.
    pub amount_from: Option<Money>,
    /// Amount after.
    pub amount_to: Option<Money>,
    /// Close before.
    pub close_from: Option<Date>,
    /// Close after.
    pub close_to: Option<Date>,
    /// Whether the deal still exists at the later point.
    pub exists: bool,
}

/// A deal behind a bucket and its share of it.
#[derive(Debug, Clone, Serialize)]
pub struct BucketDeal {
    /// The deal.
    pub deal: DealMove,
    /// Its amount in the bucket.
    pub amount: Money,
}

/// The deals behind one bucket of a waterfall, with their share of it.
#[derive(Debug, Clone, Serialize)]
pub struct BucketDeals {
    /// Bucket name, as in the waterfall (`new`, `pulled_in`, …).
    pub bucket: &'static str,
    /// The bucket's total.
    pub total: Bucket,
    /// Each deal and its amount in the bucket, the largest first.
    pub deals: Vec<BucketDeal>,
}

/// The change between two snapshots, for one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Weekly {
    /// Earlier snapshot.
    pub from: Date,
    /// Later snapshot.
    pub to: Date,
    /// Its commit (short id) or "working tree".
    pub from_label: String,
    /// Likewise.
    pub to_label: String,
    /// Invalid snapshots skipped in between.
    pub skipped: usize,
    /// The whole open pipeline.
    pub pipeline: Waterfall,
    /// The trend period.
    pub period: Waterfall,
    /// Deals behind the period's buckets (buckets without deals left out).
    pub period_deals: Vec<BucketDeals>,
    /// Deals behind the whole pipeline's buckets.
    pub pipeline_deals: Vec<BucketDeals>,
    /// New deals.
    pub created: Vec<DealMove>,
    /// Open deals that moved to a later stage.
    pub advanced: Vec<DealMove>,
    /// Open deals that moved to an earlier stage.
    pub moved_back: Vec<DealMove>,
    /// Deals won.
    pub won: Vec<DealMove>,
    /// Deals lost.
    pub lost: Vec<DealMove>,
    /// Open deals whose close moved later.
    pub pushed: Vec<DealMove>,
}

/// Whether a deal owned by `owner` (in `team`) counts for the scope.
pub fn in_scope(scope: &ScopeId, owner: &str, team: Option<&str>) -> bool {
    match scope {
        (ScopeKind::Team, Some(t)) => team == Some(t.as_str()),
        (ScopeKind::Person, Some(p)) => owner == p,
        _ => true,
    }
}

fn deal_move(m: &Move, a: Option<&DealView>, b: Option<&DealView>) -> DealMove {
    let latest = b
        .or(a)
        .or(m.b.as_ref())
        .or(m.a.as_ref())
        .expect("a move has a side");
    DealMove {
        id: m.id.clone(),
        name: latest.name.clone(),
        owner: latest.owner.clone(),
        owner_name: latest.owner_name.clone(),
        stage_from: a.map(|v| v.stage_name.clone()),
        stage_to: b.map(|v| v.stage_name.clone()),
        amount_from: a.and_then(|v| v.amount),
        amount_to: b.and_then(|v| v.amount),
        close_from: a.and_then(|v| v.close),
        close_to: b.and_then(|v| v.close),
        exists: m.b.is_some(),
    }
}

/// Adds `b` to the bucket lists by the flows of `w` (one deal's waterfall).
fn collect(lists: &mut Vec<BucketDeals>, w: &Waterfall, d: &DealMove) {
    for (name, bucket, _) in w.flows() {
        if bucket.deals == 0 {
            continue;
        }
        let entry = BucketDeal {
            deal: d.clone(),
            amount: bucket.amount,
        };
        match lists.iter_mut().find(|l| l.bucket == name) {
            Some(l) => l.deals.push(entry),
            None => lists.push(BucketDeals {
                bucket: name,
                total: Bucket::default(),
                deals: vec![entry],
            }),
        }
    }
}

/// Puts the bucket lists in the waterfall's order, with their totals,
/// each list largest first.
fn finish_lists(mut lists: Vec<BucketDeals>, w: &Waterfall) -> Vec<BucketDeals> {
    let order: Vec<(&str, Bucket)> = w.flows().iter().map(|(n, b, _)| (*n, *b)).collect();
    for l in &mut lists {
        l.total = order
            .iter()
            .find(|(n, _)| *n == l.bucket)
            .map(|(_, b)| *b)
            .unwrap_or_default();
        l.deals.sort_by(|x, y| {
            y.amount
                .cmp(&x.amount)
                .then_with(|| x.deal.id.cmp(&y.deal.id))
        });
    }
    lists.sort_by_key(|l| order.iter().position(|(n, _)| *n == l.bucket));
    lists
}

/// `w`, computed over the changed deals only, with the unchanged deals'
/// open amount (`start` minus the changed deals' start) added to its
/// start and end.
fn with_unchanged(mut w: Waterfall, start: Bucket) -> Waterfall {
    let amount = start.amount - w.start.amount;
    let deals = start.deals.saturating_sub(w.start.deals);
    w.start = start;
    w.end.amount += amount;
    w.end.deals += deals;
    w
}

/// The change of one step for one scope.
pub fn weekly(h: &History, step: &Step, scope: &ScopeId) -> Weekly {
    let (a, b) = (h.point(step.from), h.point(step.to));
    let period = h.timeline.period;
    fn side<'m>(
        scope: &ScopeId,
        v: &'m Option<DealView>,
        team: &Option<String>,
    ) -> Option<&'m DealView> {
        v.as_ref()
            .filter(|v| in_scope(scope, &v.owner, team.as_deref()))
    }
    let kept: Vec<(&Move, Option<&DealView>, Option<&DealView>)> = step
        .moves
        .iter()
        .map(|m| {
            (
                m,
                side(scope, &m.a, &m.team_a),
                side(scope, &m.b, &m.team_b),
            )
        })
        .filter(|(_, x, y)| x.is_some() || y.is_some())
        .collect();
    let pairs: Vec<Pair<'_>> = kept
        .iter()
        .map(|(m, x, y)| Pair {
            id: &m.id,
            previous_id: m.previous_id.as_deref().filter(|_| x.is_some()),
            a: *x,
            b: *y,
        })
        .collect();
    let (whole, per) = waterfall::waterfalls(&pairs, &[period], &a.calendar, &b.calendar);
    let open_a = a.open.get(scope).copied().unwrap_or_default();
    let pipeline = with_unchanged(whole, open_a.whole);
    let period_w = with_unchanged(per.into_iter().next().unwrap_or_default(), open_a.period);
    let mut out = Weekly {
        from: a.date,
        to: b.date,
        from_label: h.label(a),
        to_label: h.label(b),
        skipped: step.skipped,
        pipeline,
        period: period_w,
        period_deals: Vec::new(),
        pipeline_deals: Vec::new(),
        created: Vec::new(),
        advanced: Vec::new(),
        moved_back: Vec::new(),
        won: Vec::new(),
        lost: Vec::new(),
        pushed: Vec::new(),
    };
    let mut period_lists = Vec::new();
    let mut pipeline_lists = Vec::new();
    for (pair, (m, x, y)) in pairs.iter().zip(&kept) {
        let d = deal_move(m, *x, *y);
        let (w, per) = waterfall::waterfalls(
            std::slice::from_ref(pair),
            &[period],
            &a.calendar,
            &b.calendar,
        );
        collect(&mut pipeline_lists, &w, &d);
        if let Some(pw) = per.first() {
            collect(&mut period_lists, pw, &d);
        }
        let kinds = compare::changes(pair);
        let has = |k: ChangeKind| kinds.contains(&k);
        if has(ChangeKind::Added) {
            out.created.push(d.clone());
        }
        if has(ChangeKind::StageForward) {
            out.advanced.push(d.clone());
        }
        if has(ChangeKind::StageBackward) {
            out.moved_back.push(d.clone());
        }
        if has(ChangeKind::Won) {
            out.won.push(d.clone());
        }
        if has(ChangeKind::Lost) {
            out.lost.push(d.clone());
        }
        if has(ChangeKind::CloseMoved)
            && let (Some(va), Some(vb)) = (x, y)
            && va.status == State::Open
            && matches!((va.close, vb.close), (Some(c1), Some(c2)) if c2 > c1)
        {
            out.pushed.push(d.clone());
        }
    }
    out.period_deals = finish_lists(period_lists, &out.period);
    out.pipeline_deals = finish_lists(pipeline_lists, &out.pipeline);
    out
}

/// The latest step's change (into the latest point), if there is one.
pub fn last(h: &History, scope: &ScopeId) -> Option<Weekly> {
    h.steps().last().map(|s| weekly(h, s, scope))
}
