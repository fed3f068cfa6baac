//! One snapshot of the replay, and what is compared between snapshots:
//! the check of the revision (the deal rules only on the deals that
//! changed), the forecast rows of the periods asked, the open amounts by
//! scope, and the deals' views with which consecutive snapshots are
//! compared ([`Move`]s, through `diff`'s own matching).

use super::changes::{After, ChangeLog, DealState};
use super::log::Commit;
use super::replay::Replay;
use super::{Move, Open, Point, ScopeId, Step, Timings};
use crate::analytics::ScopeKind;
use crate::analytics::facts::{Facts, Status};
use crate::analytics::forecast::{self, Forecast};
use crate::analytics::targets::Targets;
use crate::diff::compare::{self, DealView};
use crate::ix::{DealIx, enumerate};
use crate::model::Pipeline;
use crate::period::Period;
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// The forecast rows of `periods` for every reported scope, as
/// [`crate::analytics::compute`] gives them (the same functions, without
/// the other families).
pub fn forecast_rows(f: &Facts<'_>, periods: &[Period]) -> Vec<Forecast> {
    let acc = crate::analytics::sums::accumulate_closing(f, periods);
    let tgt = Targets::new(f);
    forecast::forecasts(f, &acc, &tgt, periods)
}

/// The team (id as written) of a person (id as written), if known.
pub(super) fn team_of(p: &Pipeline, person: &str) -> Option<String> {
    p.person(person)
        .and_then(|x| x.team.as_ref())
        .map(|t| t.value.to_string())
}

/// Open amounts by scope, for the whole pipeline and `period`: summed by
/// owner (as written), then rolled up into the owners' teams and the
/// organisation.
pub(super) fn open_amounts(f: &Facts<'_>, period: Period) -> HashMap<ScopeId, Open> {
    let p = f.p;
    let mut by_owner: HashMap<&str, Open> = HashMap::default();
    for d in f.deals.iter().filter(|d| d.status == Status::Open) {
        let o = by_owner
            .entry(p.deals[d.ix].owner.value.as_str())
            .or_default();
        o.whole.amount += d.amount;
        o.whole.deals += 1;
        if d.close.is_some_and(|c| f.cal.contains(period, c)) {
            o.period.amount += d.amount;
            o.period.deals += 1;
        }
    }
    let mut out: HashMap<ScopeId, Open> = HashMap::default();
    for (owner, o) in by_owner {
        let mut add = |k: ScopeId| {
            let x = out.entry(k).or_default();
            x.whole.amount += o.whole.amount;
            x.whole.deals += o.whole.deals;
            x.period.amount += o.period.amount;
            x.period.deals += o.period.deals;
        };
        add((ScopeKind::Org, None));
        if let Some(t) = team_of(p, owner) {
            add((ScopeKind::Team, Some(t)));
        }
        add((ScopeKind::Person, Some(owner.to_string())));
    }
    out
}

/// The views of `ids` (all deals when none) in the pipeline, with the
/// teams of their owners.
pub(super) fn views_of(
    f: &Facts<'_>,
    ids: Option<&BTreeSet<String>>,
) -> (HashMap<String, DealView>, HashMap<String, Option<String>>) {
    let p = f.p;
    let cal = p.settings.calendar();
    let fact = |ix: DealIx| {
        f.deals
            .binary_search_by_key(&ix, |d| d.ix)
            .ok()
            .map(|k| &f.deals[k])
    };
    let mut views = HashMap::default();
    let mut teams = HashMap::default();
    let mut add = |ix: DealIx| {
        let d = &p.deals[ix];
        views.insert(d.id.to_string(), compare::view(p, ix, fact(ix), &cal));
        teams.insert(d.id.to_string(), team_of(p, d.owner.value.as_str()));
    };
    match ids {
        Some(ids) => {
            for id in ids {
                if let Some(&ix) = p.index.deals.get(id.as_str()) {
                    add(ix);
                }
            }
        }
        None => {
            for (ix, d) in enumerate(&p.deals) {
                if p.index.deals.get(d.id.as_str()) == Some(&ix) {
                    add(ix);
                }
            }
        }
    }
    (views, teams)
}

/// The deals that changed between two sets of views (`a` and `b` hold
/// the same ids, or all deals), as [`Move`]s.
pub(super) fn moves(
    a: &HashMap<String, DealView>,
    ta: &HashMap<String, Option<String>>,
    b: &HashMap<String, DealView>,
    tb: &HashMap<String, Option<String>>,
) -> Vec<Move> {
    compare::pair(a, b)
        .into_iter()
        .filter(|pair| !compare::changes(pair).is_empty())
        .map(|pair| Move {
            id: pair.id.to_string(),
            previous_id: pair.previous_id.map(str::to_string),
            team_a: ta
                .get(pair.previous_id.unwrap_or(pair.id))
                .cloned()
                .flatten(),
            team_b: tb.get(pair.id).cloned().flatten(),
            a: pair.a.cloned(),
            b: pair.b.cloned(),
        })
        .collect()
}

/// The views of the deals at the last valid cadence point, and what has
/// changed since.
#[derive(Debug, Clone, Default)]
pub(super) struct Views {
    pub(super) views: HashMap<String, DealView>,
    pub(super) teams: HashMap<String, Option<String>>,
    /// Deal ids whose files changed since.
    pub(super) changed: BTreeSet<String>,
    /// A file other than a deal's or a targets file changed: every view
    /// may have changed.
    pub(super) all: bool,
    /// The point they are of.
    pub(super) at: Option<usize>,
    /// Invalid cadence points since.
    pub(super) skipped: usize,
}

/// The views at the last valid cadence point and the steps found so far,
/// while replaying.
#[derive(Default)]
pub(super) struct Walk {
    pub(super) views: Views,
    pub(super) steps: Vec<Step>,
    /// [`super::Options::verify`].
    pub(super) verify: bool,
}

/// A snapshot to take.
#[derive(Debug, Clone)]
pub(super) struct Request {
    /// The last commit to apply.
    pub(super) upto: usize,
    pub(super) date: Date,
    pub(super) cadence: bool,
    pub(super) periods: Vec<Period>,
}

/// Records in the change log what one commit did to the deals it touched:
/// `touched` holds each deal file's id after the commit and, for a rename,
/// the id before.
pub(super) fn record_deals(
    log: &mut ChangeLog,
    replay: &Replay,
    touched: &[(String, Option<String>)],
    commit: Option<&Commit>,
    date: Date,
) {
    if touched.is_empty() {
        return;
    }
    // What each touched id is after the commit: the first present file
    // with that stem (a duplicate id is an error of its own). The new ids
    // of renames first, so they take over the old ids' logs.
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let mut from_of: HashMap<&str, &str> = HashMap::default();
    let mut to_of: HashMap<&str, &str> = HashMap::default();
    for (stem, from) in touched {
        ids.insert(stem);
        if let Some(f) = from {
            ids.insert(f);
            if f != stem {
                from_of.insert(stem, f);
                to_of.insert(f, stem);
            }
        }
    }
    let (first, rest): (Vec<&str>, Vec<&str>) =
        ids.into_iter().partition(|id| from_of.contains_key(id));
    for id in first.into_iter().chain(rest) {
        let after = state_of(replay, id);
        log.record(
            id,
            after,
            commit,
            date,
            from_of.get(id).copied(),
            to_of.get(id).copied(),
        );
    }
}

/// What the deal `id` is in the replay now.
pub(super) fn state_of(replay: &Replay, id: &str) -> After {
    let mut unreadable = None;
    for s in replay.deal_files(id) {
        let Some(v) = &s.now else { continue };
        match v.deal() {
            Some(d) => return After::Present(DealState::of(d, &s.rel)),
            None => unreadable = Some(v.errors.max(1)),
        }
    }
    unreadable.map_or(After::Absent, After::Unreadable)
}

/// Takes one snapshot: the replay's pipeline as of `req.date`.
pub(super) fn evaluate(
    replay: &mut Replay,
    req: &Request,
    commit: usize,
    period: Period,
    walk: &mut Walk,
    index: usize,
    timings: &mut Timings,
) -> Point {
    let Walk {
        views,
        steps,
        verify,
    } = walk;
    let verify = *verify;
    let file_errors = replay.file_errors();
    let mut deal_checks = std::mem::take(&mut replay.deal_checks);
    let clock = std::time::Instant::now();
    let p = replay.pipeline();
    timings.assemble += clock.elapsed();
    let as_of = req.date;
    let want_views = req.cadence;
    let changed = (!views.all && views.at.is_some()).then(|| views.changed.clone());
    let ((check_errors, check_time), (forecast, open, new_views, calendar, fig_time)) = rayon::join(
        || {
            // The errors of the rules that look at the whole pipeline,
            // and of the deal rules on the deals that changed (the
            // others' are kept).
            let clock = std::time::Instant::now();
            let (whole, deals) = rayon::join(
                || crate::check::errors(p, as_of, crate::check::Reach::Pipeline, None).len(),
                || deal_checks.count(p, as_of),
            );
            if verify {
                let full = crate::check::check(p, as_of)
                    .iter()
                    .filter(|d| d.severity() == crate::diag::Severity::Error)
                    .count();
                assert_eq!(
                    whole + deals,
                    full,
                    "the history's check of the snapshot {as_of} differs from a full check"
                );
            }
            (whole + deals, clock.elapsed())
        },
        || {
            let clock = std::time::Instant::now();
            let f = Facts::new(p, as_of);
            let forecast = forecast_rows(&f, &req.periods);
            let open = if want_views {
                open_amounts(&f, period)
            } else {
                HashMap::default()
            };
            let v = want_views.then(|| views_of(&f, changed.as_ref()));
            (forecast, open, v, p.settings.calendar(), clock.elapsed())
        },
    );
    replay.deal_checks = deal_checks;
    timings.check += check_time;
    timings.figures += fig_time;
    let errors = file_errors + check_errors;
    let valid = errors == 0;
    if req.cadence {
        match (valid, new_views) {
            (true, Some((vb, tb))) => {
                if let Some(at) = views.at {
                    let (va, ta) = match &changed {
                        Some(ids) => {
                            let mut va = HashMap::default();
                            let mut ta = HashMap::default();
                            for id in ids {
                                if let Some(v) = views.views.remove(id) {
                                    va.insert(id.clone(), v);
                                }
                                if let Some(t) = views.teams.remove(id) {
                                    ta.insert(id.clone(), t);
                                }
                            }
                            (va, ta)
                        }
                        None => (
                            std::mem::take(&mut views.views),
                            std::mem::take(&mut views.teams),
                        ),
                    };
                    steps.push(Step {
                        from: at,
                        to: index,
                        skipped: views.skipped,
                        moves: moves(&va, &ta, &vb, &tb),
                    });
                } else {
                    views.views.clear();
                    views.teams.clear();
                }
                views.views.extend(vb);
                views.teams.extend(tb);
                views.changed.clear();
                views.all = false;
                views.at = Some(index);
                views.skipped = 0;
            }
            _ => views.skipped += 1,
        }
    }
    Point {
        date: as_of,
        commit: Some(commit),
        cadence: req.cadence,
        errors,
        forecast: if valid { forecast } else { Vec::new() },
        open,
        calendar,
    }
}
