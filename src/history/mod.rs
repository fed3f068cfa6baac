//! The pipeline through its git history: forecast trend, week-over-week
//! change, forecast accuracy of closed periods and each deal's change log.
//!
//! [`Timeline::read`] walks the first-parent line of the current branch
//! (merges of pull requests count when they landed), oldest first, with
//! each commit's committer date ([`log`]); reads every blob it needs
//! through one `git cat-file --batch`, parses each distinct version of a
//! file once, and replays the revisions into one pipeline patched with
//! what each commit changed ([`replay`]). At each snapshot — the last
//! commit on or before a date, evaluated as of that date — the checks
//! decide whether the revision is valid (an invalid one is kept with its
//! error count and skipped for figures) and the same pure analytics as
//! `report` give the forecast of the periods asked, per scope.
//!
//! [`Timeline::finish`] adds the latest point: the pipeline as it is now
//! (the working tree when it differs from `HEAD`), as of the range's end;
//! `build`, `watch` and `serve` call it on every build with the pipeline
//! they loaded, so the history is read once and the latest point follows
//! every save. What it returns ([`History`]) gives the trend ([`trend`]),
//! the week-over-week waterfalls ([`weekly`]), forecast accuracy
//! ([`accuracy`]) and the deal change logs ([`changes`]).

pub mod accuracy;
pub mod at;
pub mod cadence;
pub mod changes;
pub mod enrich;
pub mod json;
pub mod log;
pub mod render;
pub mod replay;
pub mod trend;
pub mod weekly;

use crate::Checked;
use crate::analytics::facts::{Facts, Status};
use crate::analytics::forecast::{self, Forecast};
use crate::analytics::targets::Targets;
use crate::diff::compare::{self, DealView};
use crate::diff::git::{GitError, Repo};
use crate::diff::revision::{Class, classify, sort_walk_order};
use crate::load::FileKind;
use crate::model::{Pipeline, WeekEnd};
use crate::period::{Calendar, Grain, Period};
pub use cadence::Every;
use changes::{After, ChangeLog, DealState};
use jiff::civil::Date;
use log::{Changes, Commit};
use rayon::prelude::*;
use replay::{Replay, Wanted};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Version of the JSON document of `dealbook history` (docs/history-json.md).
pub const HISTORY_VERSION: u32 = 1;

/// Why there is no history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The pipeline is not in a git repository (or it has no commits).
    NoRepository(String),
    /// Git failed.
    Git(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoRepository(m) | Error::Git(m) => f.write_str(m),
        }
    }
}

impl From<GitError> for Error {
    fn from(e: GitError) -> Self {
        Error::Git(e.0)
    }
}

/// What to read.
#[derive(Debug, Clone)]
pub struct Options {
    /// How often to take a snapshot.
    pub every: Every,
    /// Start at the last commit on or before this date.
    pub since: Option<Date>,
    /// The period of the trend (the quarter containing the end otherwise).
    pub period: Option<Period>,
    /// The grain of the periods whose forecast accuracy is measured.
    pub grain: Grain,
    /// Only what the site shows: the snapshots from the start of the
    /// trend period (and the one before it), and the last this-many closed
    /// periods' weeks. All snapshots of the range when none.
    pub recent: Option<usize>,
    /// The revision the history ends at (`HEAD` when none).
    pub rev: Option<String>,
    /// Check every snapshot in full as well, and panic when that finds
    /// another number of errors than the incremental check (for tests).
    pub verify: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            every: Every::Week,
            since: None,
            period: None,
            grain: Grain::Quarter,
            recent: None,
            rev: None,
            verify: false,
        }
    }
}

/// Who a figure is for, by id: `("org", None)`, `("team", Some(id))`,
/// `("person", Some(id))`.
pub type ScopeId = (&'static str, Option<String>);

/// Open amounts of one scope at a snapshot: of the whole pipeline and of
/// the trend period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Open {
    /// All open deals.
    pub whole: crate::diff::waterfall::Bucket,
    /// Open deals closing in the trend period.
    pub period: crate::diff::waterfall::Bucket,
}

/// One snapshot.
#[derive(Debug, Clone)]
pub struct Point {
    /// The snapshot's date, which it is evaluated as of.
    pub date: Date,
    /// Index of its commit in [`Timeline::commits`]; none for the working
    /// tree.
    pub commit: Option<usize>,
    /// Whether it is a point of the cadence (the trend and the
    /// week-over-week steps), not only a call for forecast accuracy.
    pub cadence: bool,
    /// Errors of the revision; figures only when none.
    pub errors: usize,
    /// Forecast rows of the periods asked at this point, every scope.
    pub forecast: Vec<Forecast>,
    /// Open amounts by scope.
    pub open: HashMap<ScopeId, Open>,
    /// The fiscal calendar of the revision.
    pub calendar: Calendar,
}

impl Point {
    /// Whether the revision has no errors.
    pub fn valid(&self) -> bool {
        self.errors == 0
    }

    /// The forecast row of a period and scope.
    pub fn row(&self, period: Period, scope: &ScopeId) -> Option<&Forecast> {
        self.forecast.iter().find(|r| {
            r.period == period
                && r.scope.kind == scope.0
                && r.scope.id.as_deref() == scope.1.as_deref()
        })
    }
}

/// A deal between two consecutive valid cadence points, when it changed.
#[derive(Debug, Clone)]
pub struct Move {
    /// Id at the later point (at the earlier one when removed).
    pub id: String,
    /// Id at the earlier point when renamed.
    pub previous_id: Option<String>,
    /// At the earlier point.
    pub a: Option<DealView>,
    /// At the later point.
    pub b: Option<DealView>,
    /// Team of the owner at the earlier point.
    pub team_a: Option<String>,
    /// Team of the owner at the later point.
    pub team_b: Option<String>,
}

/// What changed between two consecutive valid cadence points.
#[derive(Debug, Clone)]
pub struct Step {
    /// Index of the earlier point.
    pub from: usize,
    /// Index of the later point (`points.len()` for the latest point of a
    /// [`History`]).
    pub to: usize,
    /// Invalid cadence points skipped in between.
    pub skipped: usize,
    /// The deals that changed.
    pub moves: Vec<Move>,
}

/// What reading the history cost, for the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Commits read.
    pub commits: usize,
    /// Paths of the pipeline folder seen.
    pub files: usize,
    /// Distinct blobs read from git.
    pub blobs: usize,
    /// File versions parsed (each distinct blob at each path once).
    pub parsed: usize,
    /// Snapshots evaluated.
    pub points: usize,
    /// Times the replayed pipeline was rebuilt rather than patched.
    pub rebuilds: usize,
    /// Deals the deal rules checked, over all snapshots (the others'
    /// errors were kept from the snapshot before).
    pub deals_checked: usize,
    /// Where the time went, for `--timings`.
    pub timings: Timings,
}

/// Wall time of the phases of [`Timeline::read`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// `git log` (both passes) and `git ls-tree`.
    pub log: std::time::Duration,
    /// `git cat-file --batch`, with the versions parsed as they arrive.
    pub blobs: std::time::Duration,
    /// Parsing what was left once git had sent the last blob.
    pub parse: std::time::Duration,
    /// Replaying the commits (everything below included).
    pub replay: std::time::Duration,
    /// Patching or rebuilding the pipeline at the snapshots.
    pub assemble: std::time::Duration,
    /// The checks at the snapshots (beside the figures).
    pub check: std::time::Duration,
    /// Forecast rows, open amounts and views at the snapshots.
    pub figures: std::time::Duration,
}

/// The views of the deals at the last valid cadence point, and what has
/// changed since.
#[derive(Debug, Clone, Default)]
struct Views {
    views: HashMap<String, DealView>,
    teams: HashMap<String, Option<String>>,
    /// Deal ids whose files changed since.
    changed: BTreeSet<String>,
    /// A file other than a deal's or a targets file changed: every view
    /// may have changed.
    all: bool,
    /// The point they are of.
    at: Option<usize>,
    /// Invalid cadence points since.
    skipped: usize,
}

/// The history read from git, up to `HEAD`.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// The range's end: the latest point's date.
    pub end: Date,
    /// The range's start (the first commit's date, or `--since`).
    pub start: Date,
    /// Snapshot cadence.
    pub every: Every,
    /// The day weeks end on.
    pub week_ends: WeekEnd,
    /// The trend period.
    pub period: Period,
    /// The grain of the accuracy periods.
    pub grain: Grain,
    /// The pipeline folder, as the repository names it ("." for its top).
    pub folder: String,
    /// Commits read, oldest first.
    pub commits: Vec<Commit>,
    /// What the reader should know (where the history starts and why).
    pub notes: Vec<String>,
    /// Snapshots, in date order.
    pub points: Vec<Point>,
    /// Between consecutive valid cadence points.
    pub steps: Vec<Step>,
    /// Closed periods whose accuracy is measured, with their week ends.
    pub accuracy_periods: Vec<(Period, Vec<Date>)>,
    /// Every deal's changes, up to `HEAD`.
    pub log: ChangeLog,
    /// What it cost.
    pub stats: Stats,
    /// `HEAD`'s pipeline files (relative path → text), to tell whether
    /// the working tree differs.
    head_files: HashMap<String, Arc<str>>,
    /// Deal states at `HEAD` by id, for the uncommitted changes.
    head_deals: HashMap<String, DealState>,
    views: Views,
}

/// The views at the last valid cadence point and the steps found so far,
/// while replaying.
#[derive(Default)]
struct Walk {
    views: Views,
    steps: Vec<Step>,
    /// [`Options::verify`].
    verify: bool,
}

/// One operation of a commit on the replay.
#[derive(Debug, Clone)]
struct Op {
    id: crate::source::FileId,
    oid: Option<String>,
    renamed_from: Option<crate::source::FileId>,
}

/// The forecast rows of `periods` for every reported scope, as
/// [`crate::analytics::compute`] gives them (the same functions, without
/// the other families).
pub fn forecast_rows(f: &Facts<'_>, periods: &[Period]) -> Vec<Forecast> {
    let acc = forecast::accumulate(f);
    let tgt = Targets::new(f);
    forecast::forecasts(f, &acc, &tgt, periods)
}

/// The team (id as written) of a person (id as written), if known.
fn team_of(p: &Pipeline, person: &str) -> Option<String> {
    p.person(person)
        .and_then(|x| x.team.as_ref())
        .map(|t| t.value.to_string())
}

/// Open amounts by scope, for the whole pipeline and `period`: summed by
/// owner (as written), then rolled up into the owners' teams and the
/// organisation.
fn open_amounts(f: &Facts<'_>, period: Period) -> HashMap<ScopeId, Open> {
    let p = f.p;
    let mut by_owner: HashMap<&str, Open> = HashMap::new();
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
    let mut out: HashMap<ScopeId, Open> = HashMap::new();
    for (owner, o) in by_owner {
        let mut add = |k: ScopeId| {
            let x = out.entry(k).or_default();
            x.whole.amount += o.whole.amount;
            x.whole.deals += o.whole.deals;
            x.period.amount += o.period.amount;
            x.period.deals += o.period.deals;
        };
        add(("org", None));
        if let Some(t) = team_of(p, owner) {
            add(("team", Some(t)));
        }
        add(("person", Some(owner.to_string())));
    }
    out
}

/// The views of `ids` (all deals when none) in the pipeline, with the
/// teams of their owners.
fn views_of(
    f: &Facts<'_>,
    ids: Option<&BTreeSet<String>>,
) -> (HashMap<String, DealView>, HashMap<String, Option<String>>) {
    let p = f.p;
    let cal = p.settings.calendar();
    let fact = |ix: usize| {
        f.deals
            .binary_search_by_key(&ix, |d| d.ix)
            .ok()
            .map(|k| &f.deals[k])
    };
    let mut views = HashMap::new();
    let mut teams = HashMap::new();
    let mut add = |ix: usize| {
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
            for (ix, d) in p.deals.iter().enumerate() {
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
fn moves(
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
            team_a: pair
                .previous_id
                .unwrap_or(pair.id)
                .to_string()
                .pipe(|id| ta.get(&id).cloned().flatten()),
            team_b: tb.get(pair.id).cloned().flatten(),
            a: pair.a.cloned(),
            b: pair.b.cloned(),
        })
        .collect()
}

/// `x.pipe(f)` = `f(x)`, to keep a chain readable.
trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

/// A snapshot to take.
#[derive(Debug, Clone)]
struct Request {
    /// The last commit to apply.
    upto: usize,
    date: Date,
    cadence: bool,
    periods: Vec<Period>,
}

/// The periods of `grain` that ended on or before `end` and have a week
/// end on or after `start`, the latest `recent` of them when given.
fn closed_periods(
    cal: Calendar,
    grain: Grain,
    start: Date,
    end: Date,
    week_ends: jiff::civil::Weekday,
    recent: Option<usize>,
) -> Vec<(Period, Vec<Date>)> {
    let mut out = Vec::new();
    let mut p = cal.prev(cal.of_grain(grain, end));
    loop {
        let (s, e) = cal.range(p);
        if e <= start {
            break;
        }
        let weeks: Vec<Date> = cadence::week_ends_in(s, e, week_ends)
            .into_iter()
            .filter(|w| *w >= start && *w < end)
            .collect();
        if !weeks.is_empty() {
            out.push((p, cadence::week_ends_in(s, e, week_ends)));
        }
        if recent.is_some_and(|n| out.len() >= n) || out.len() >= 400 {
            break;
        }
        p = cal.prev(p);
    }
    out.reverse();
    out
}

impl Timeline {
    /// Reads the history of the pipeline folder `dir` up to `HEAD`, with
    /// snapshots up to (not including) `end`, the range's end.
    pub fn read(dir: &Path, end: Date, opts: &Options) -> Result<Timeline, Error> {
        let repo = crate::diff::git::discover(dir).map_err(|e| Error::NoRepository(e.0))?;
        let head = match &opts.rev {
            None => repo
                .resolve("HEAD")?
                .ok_or_else(|| Error::NoRepository("the repository has no commits yet".into()))?,
            Some(rev) => repo
                .resolve(rev)?
                .ok_or_else(|| Error::Git(format!("\"{rev}\" is not a git revision")))?,
        };
        let started = std::time::Instant::now();
        let log = log::read(
            &repo,
            &log::Range {
                head,
                since: opts.since,
            },
        )
        .map_err(|e| {
            if e.0.starts_with("no commit") {
                Error::NoRepository(e.0)
            } else {
                Error::Git(e.0)
            }
        })?;
        let log_time = started.elapsed();
        let mut t = Self::replay(dir, &repo, log, end, opts)?;
        t.stats.timings.log = log_time;
        Ok(t)
    }

    fn replay(
        dir: &Path,
        repo: &Repo,
        log: log::Log,
        end: Date,
        opts: &Options,
    ) -> Result<Timeline, Error> {
        let mut replay = Replay::new(dir);
        let mut notes = log.notes;
        // 1. Paths and versions: every commit's operations.
        let mut commits = Vec::with_capacity(log.commits.len());
        let mut ops: Vec<Vec<Op>> = Vec::with_capacity(log.commits.len());
        let mut wanted: Vec<Wanted> = Vec::new();
        let mut seen: std::collections::HashSet<(u32, String)> = Default::default();
        let mut uses: std::collections::HashSet<String> = Default::default();
        let mut present: BTreeSet<u32> = BTreeSet::new();
        let mut want = |replay: &mut Replay, rel: &str, kind: FileKind, oid: &str| {
            let id = replay.slot(rel, kind);
            if seen.insert((id.0, oid.to_string())) {
                wanted.push(Wanted {
                    id,
                    kind,
                    rel: rel.to_string(),
                    oid: oid.to_string(),
                });
                uses.insert(oid.to_string());
            }
            id
        };
        for (commit, changes) in log.commits {
            let mut list = Vec::new();
            match changes {
                Changes::Listing(mut files) => {
                    sort_walk_order(&mut files, |f| &f.rel);
                    let mut now = BTreeSet::new();
                    for f in &files {
                        if let Class::File(kind) = classify(&f.rel, &f.mode) {
                            let id = want(&mut replay, &f.rel, kind, &f.oid);
                            now.insert(id.0);
                            list.push(Op {
                                id,
                                oid: Some(f.oid.clone()),
                                renamed_from: None,
                            });
                        }
                    }
                    for gone in present.difference(&now) {
                        list.push(Op {
                            id: crate::source::FileId(*gone),
                            oid: None,
                            renamed_from: None,
                        });
                    }
                    present = now;
                }
                Changes::Diff(changes) => {
                    for c in changes {
                        let from = c.renamed_from.as_ref().and_then(|r| replay.id_of(r));
                        if let Some(f) = from {
                            list.push(Op {
                                id: f,
                                oid: None,
                                renamed_from: None,
                            });
                            present.remove(&f.0);
                        }
                        match &c.new {
                            Some((mode, oid)) => match classify(&c.rel, mode) {
                                Class::File(kind) => {
                                    let id = want(&mut replay, &c.rel, kind, oid);
                                    present.insert(id.0);
                                    list.push(Op {
                                        id,
                                        oid: Some(oid.clone()),
                                        renamed_from: from,
                                    });
                                }
                                _ => {
                                    if let Some(id) = replay.id_of(&c.rel) {
                                        present.remove(&id.0);
                                        list.push(Op {
                                            id,
                                            oid: None,
                                            renamed_from: None,
                                        });
                                    }
                                }
                            },
                            None => {
                                if let Some(id) = replay.id_of(&c.rel) {
                                    present.remove(&id.0);
                                    list.push(Op {
                                        id,
                                        oid: None,
                                        renamed_from: None,
                                    });
                                }
                            }
                        }
                    }
                }
            }
            commits.push(commit);
            ops.push(list);
        }
        // 2. Every blob through one `git cat-file --batch`, each version
        // parsed once, in parallel, as the blobs arrive.
        let mut timings = Timings::default();
        let stats_blobs = uses.len();
        let stats_parsed = wanted.len();
        let clock = std::time::Instant::now();
        let (versions, read_time) = replay::read_and_parse(repo, wanted)?;
        timings.blobs = read_time;
        timings.parse = clock.elapsed().saturating_sub(read_time);
        let replay_clock = std::time::Instant::now();

        // 4. What to evaluate.
        let head_settings_week = {
            // The week end is the latest revision's: replay HEAD's
            // dealbook.toml version, if any.
            replay
                .id_of("dealbook.toml")
                .and_then(|id| {
                    ops.iter()
                        .rev()
                        .flat_map(|l| l.iter().rev())
                        .find(|o| o.id == id)
                        .and_then(|o| o.oid.clone())
                        .and_then(|oid| versions.get(&(id.0, oid)))
                })
                .and_then(|v| match &v.parsed.item {
                    crate::load::Item::Settings(s, _) => Some((s.week_ends, s.calendar())),
                    _ => None,
                })
        };
        let (week_ends, cal) = head_settings_week.unwrap_or((WeekEnd::Sunday, Calendar::default()));
        let weekday = week_ends.weekday();
        let period = opts.period.unwrap_or_else(|| cal.quarter_of(end));
        let start = match opts.since {
            Some(s) => s.max(commits[0].date),
            None => commits[0].date,
        };
        let upto = |d: Date| commits.iter().rposition(|c| c.date <= d);
        let mut requests: Vec<Request> = Vec::new();
        let cadence_dates: Vec<(usize, Date)> = match opts.every {
            Every::Commit => commits
                .iter()
                .enumerate()
                .take(commits.len().saturating_sub(1))
                .filter(|(_, c)| c.date >= start && c.date <= end)
                .map(|(k, c)| (k, c.date))
                .collect(),
            every => cadence::dates(every, weekday, start, end)
                .into_iter()
                .filter_map(|d| upto(d).map(|k| (k, d)))
                .collect(),
        };
        let cadence_dates = match opts.recent {
            Some(_) => {
                let from = cal.range(period).0;
                let last_before = cadence_dates.iter().rev().find(|(_, d)| *d < end).copied();
                cadence_dates
                    .into_iter()
                    .filter(|(_, d)| *d >= from || Some(*d) == last_before.map(|x| x.1))
                    .collect()
            }
            None => cadence_dates,
        };
        for (k, d) in cadence_dates {
            requests.push(Request {
                upto: k,
                date: d,
                cadence: true,
                periods: vec![period],
            });
        }
        let accuracy_periods = closed_periods(cal, opts.grain, start, end, weekday, opts.recent);
        for (q, weeks) in &accuracy_periods {
            for &w in weeks.iter().filter(|w| **w >= start && **w < end) {
                if let Some(k) = upto(w) {
                    requests.push(Request {
                        upto: k,
                        date: w,
                        cadence: false,
                        periods: vec![*q],
                    });
                }
            }
        }
        requests.sort_by_key(|r| (r.upto, r.date, !r.cadence));
        let mut merged: Vec<Request> = Vec::with_capacity(requests.len());
        for r in requests {
            match merged.last_mut() {
                Some(m) if m.upto == r.upto && m.date == r.date => {
                    m.cadence |= r.cadence;
                    for p in r.periods {
                        if !m.periods.contains(&p) {
                            m.periods.push(p);
                        }
                    }
                }
                _ => merged.push(r),
            }
        }

        // 5. Replay.
        let mut changelog = ChangeLog::default();
        let mut walk = Walk {
            verify: opts.verify,
            ..Walk::default()
        };
        let mut points: Vec<Point> = Vec::with_capacity(merged.len());
        let mut next = merged.into_iter().peekable();
        for (k, list) in ops.iter().enumerate() {
            let commit = &commits[k];
            // Deal ids before and after this commit's changes.
            let mut touched: Vec<(String, Option<String>)> = Vec::new();
            for op in list {
                let slot = &replay.slots[op.id.0 as usize];
                match slot.kind {
                    FileKind::Deal => {
                        let stem = crate::load::stem_of(&slot.rel).to_string();
                        let from = op.renamed_from.map(|f| {
                            crate::load::stem_of(&replay.slots[f.0 as usize].rel).to_string()
                        });
                        touched.push((stem, from));
                    }
                    FileKind::Targets => {}
                    _ => walk.views.all = true,
                }
                let v = op
                    .oid
                    .as_ref()
                    .and_then(|oid| versions.get(&(op.id.0, oid.clone())).cloned());
                replay.set(op.id, v);
            }
            for (stem, from) in &touched {
                walk.views.changed.insert(stem.clone());
                if let Some(f) = from {
                    walk.views.changed.insert(f.clone());
                }
            }
            record_deals(&mut changelog, &replay, &touched, Some(commit), commit.date);
            while let Some(req) = next.next_if(|r| r.upto == k) {
                let point = evaluate(
                    &mut replay,
                    &req,
                    k,
                    period,
                    &mut walk,
                    points.len(),
                    &mut timings,
                );
                points.push(point);
            }
        }
        let head_files: HashMap<String, Arc<str>> = replay
            .slots
            .iter()
            .filter_map(|s| {
                s.now
                    .as_ref()
                    .map(|v| (s.rel.clone(), v.parsed.source.text.clone()))
            })
            .collect();
        let head_deals: HashMap<String, DealState> = replay
            .slots
            .iter()
            .filter_map(|s| {
                let v = s.now.as_ref()?;
                let d = v.deal()?;
                Some((d.id.to_string(), DealState::of(d, &s.rel)))
            })
            .collect();
        if let Some(last) = commits.last()
            && last.date > end
        {
            let later = commits.iter().filter(|c| c.date > end).count();
            notes.push(format!(
                "{later} commit{} dated after the range's end ({end}); the latest point shows them as of {end}",
                if later == 1 { " is" } else { "s are" }
            ));
        }
        changelog.seen_until(end);
        timings.replay = replay_clock.elapsed();
        let stats = Stats {
            timings,
            commits: commits.len(),
            files: replay.slots.len(),
            blobs: stats_blobs,
            parsed: stats_parsed,
            points: points.len(),
            rebuilds: replay.rebuilds,
            deals_checked: replay.deal_checks.checked,
        };
        let folder = if repo.prefix.is_empty() {
            ".".to_string()
        } else {
            repo.prefix.clone()
        };
        Ok(Timeline {
            end,
            start,
            every: opts.every,
            week_ends,
            period,
            grain: opts.grain,
            folder,
            commits,
            notes,
            points,
            steps: walk.steps,
            accuracy_periods,
            log: changelog,
            stats,
            head_files,
            head_deals,
            views: walk.views,
        })
    }

    /// Whether there is a valid snapshot of the cadence before the
    /// range's end: something to compare the latest point with. The site
    /// shows a history only then (a repository of one commit, or one
    /// whose commits are all dated after a fixed `as_of`, has none).
    pub fn has_snapshots(&self) -> bool {
        self.points.iter().any(|p| p.cadence && p.valid())
    }

    /// The pipeline files of `p` (the working tree) that are not as at
    /// `HEAD`: new or changed, and gone. Texts dropped after a clean parse
    /// are read again.
    pub fn changed_from_head(&self, p: &Pipeline) -> (Vec<String>, Vec<String>) {
        let files: Vec<&crate::source::SourceFile> = p
            .sources
            .iter()
            .map(|(_, f)| f)
            .filter(|f| f.has_content() && FileKind::of(&f.rel_path).is_some())
            .collect();
        let mut changed: Vec<String> = files
            .par_iter()
            .filter(|f| {
                let Some(head) = self.head_files.get(&f.rel_path) else {
                    return true;
                };
                match &f.dropped_from {
                    None => f.text != *head,
                    Some(path) => match std::fs::read(path) {
                        Ok(bytes) => {
                            let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
                            b != head.as_bytes()
                        }
                        Err(_) => true,
                    },
                }
            })
            .map(|f| f.rel_path.clone())
            .collect();
        changed.sort();
        let now: std::collections::HashSet<&str> =
            files.iter().map(|f| f.rel_path.as_str()).collect();
        let mut gone: Vec<String> = self
            .head_files
            .keys()
            .filter(|r| !now.contains(r.as_str()))
            .cloned()
            .collect();
        gone.sort();
        (changed, gone)
    }

    /// Whether the pipeline `p` (the working tree) has other files, or
    /// other text in them, than `HEAD`.
    pub fn differs_from_head(&self, p: &Pipeline) -> bool {
        let (changed, gone) = self.changed_from_head(p);
        !changed.is_empty() || !gone.is_empty()
    }

    /// The history with its latest point: `current`, the pipeline as it is
    /// now (checked as of the range's end), which is the working tree when
    /// it differs from `HEAD`.
    pub fn finish(self: &Arc<Self>, current: &Checked) -> History {
        let p = &current.pipeline;
        let (changed, gone) = self.changed_from_head(p);
        let worktree = !changed.is_empty() || !gone.is_empty();
        // Deals whose views may differ from those of the last valid
        // cadence point: changed by commits since, or in the working
        // tree; all of them when another file changed.
        let mut ids = self.views.changed.clone();
        let mut all = self.views.all;
        for rel in changed.iter().chain(&gone) {
            match FileKind::of(rel) {
                Some(FileKind::Deal) => {
                    ids.insert(crate::load::stem_of(rel).to_string());
                }
                Some(FileKind::Targets) | None => {}
                Some(_) => all = true,
            }
        }
        let errors = current
            .diagnostics
            .iter()
            .filter(|d| d.severity() == crate::diag::Severity::Error)
            .count();
        let as_of = self.end;
        let f = Facts::new(p, as_of);
        let mut periods: Vec<Period> = vec![self.period];
        periods.extend(self.accuracy_periods.iter().map(|(q, _)| *q));
        periods.sort();
        periods.dedup();
        let valid = errors == 0;
        let last = Point {
            date: as_of,
            commit: (!worktree).then(|| self.commits.len() - 1),
            cadence: true,
            errors,
            forecast: if valid {
                forecast_rows(&f, &periods)
            } else {
                Vec::new()
            },
            open: if valid {
                open_amounts(&f, self.period)
            } else {
                HashMap::new()
            },
            calendar: p.settings.calendar(),
        };
        let step = match (valid, self.views.at) {
            (true, Some(at)) => {
                let moves = if all {
                    let (vb, tb) = views_of(&f, None);
                    moves(&self.views.views, &self.views.teams, &vb, &tb)
                } else {
                    let va: HashMap<String, DealView> = ids
                        .iter()
                        .filter_map(|id| Some((id.clone(), self.views.views.get(id)?.clone())))
                        .collect();
                    let ta: HashMap<String, Option<String>> = ids
                        .iter()
                        .filter_map(|id| Some((id.clone(), self.views.teams.get(id)?.clone())))
                        .collect();
                    let (vb, tb) = views_of(&f, Some(&ids));
                    moves(&va, &ta, &vb, &tb)
                };
                Some(Step {
                    from: at,
                    to: self.points.len(),
                    skipped: self.views.skipped,
                    moves,
                })
            }
            _ => None,
        };
        // Uncommitted changes to deals: those of the deal files that are
        // not as at HEAD.
        let mut uncommitted: Vec<(String, After)> = Vec::new();
        let stems: BTreeSet<String> = changed
            .iter()
            .chain(&gone)
            .filter(|r| FileKind::of(r) == Some(FileKind::Deal))
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        for id in stems {
            let after = match p.deal(&id) {
                Some(d) => After::Present(DealState::of(d, &p.sources.get(d.file).rel_path)),
                None => {
                    // A deal file that did not give a deal: its errors.
                    let n = p
                        .sources
                        .iter()
                        .filter(|(_, s)| {
                            FileKind::of(&s.rel_path) == Some(FileKind::Deal)
                                && crate::load::stem_of(&s.rel_path) == id
                                && s.has_content()
                        })
                        .map(|(fid, _)| {
                            current
                                .diagnostics
                                .iter()
                                .filter(|d| {
                                    d.span.file == fid
                                        && d.severity() == crate::diag::Severity::Error
                                })
                                .count()
                        })
                        .sum::<usize>();
                    if n > 0 {
                        After::Unreadable(n)
                    } else {
                        After::Absent
                    }
                }
            };
            let same = match (&after, self.head_deals.get(&id)) {
                (After::Present(a), Some(b)) => a == b,
                (After::Absent, None) => true,
                _ => false,
            };
            if !same {
                uncommitted.push((id, after));
            }
        }
        // The logs of the deals with uncommitted changes, over the
        // timeline's.
        let mut overlay = ChangeLog::default();
        for (id, after) in uncommitted {
            if let Some(l) = self.log.deals.get(&id) {
                overlay.deals.insert(id.clone(), l.clone());
            }
            overlay.record(&id, after, None, self.end, None, None);
        }
        History {
            timeline: Arc::clone(self),
            last,
            step,
            worktree,
            overlay,
        }
    }
}

/// Records in the change log what one commit did to the deals it touched:
/// `touched` holds each deal file's id after the commit and, for a rename,
/// the id before.
fn record_deals(
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
    let mut from_of: HashMap<&str, &str> = HashMap::new();
    let mut to_of: HashMap<&str, &str> = HashMap::new();
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
fn state_of(replay: &Replay, id: &str) -> After {
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
fn evaluate(
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
                HashMap::new()
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
                            let mut va = HashMap::new();
                            let mut ta = HashMap::new();
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

/// The history with its latest point.
#[derive(Debug, Clone)]
pub struct History {
    /// What was read from git.
    pub timeline: Arc<Timeline>,
    /// The latest point: the pipeline now, as of the range's end.
    pub last: Point,
    /// From the last valid cadence point to the latest point.
    pub step: Option<Step>,
    /// Whether the latest point is the working tree (it differs from
    /// `HEAD`); otherwise it is `HEAD`.
    pub worktree: bool,
    /// The change logs of the deals with uncommitted changes (the others
    /// are the timeline's).
    overlay: ChangeLog,
}

impl History {
    /// Every point, the latest last.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.timeline
            .points
            .iter()
            .chain(std::iter::once(&self.last))
    }

    /// The point at `ix` (`timeline.points.len()` is the latest).
    pub fn point(&self, ix: usize) -> &Point {
        self.timeline.points.get(ix).unwrap_or(&self.last)
    }

    /// Every step, the one to the latest point last.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.timeline.steps.iter().chain(self.step.iter())
    }

    /// A deal's change log, with its uncommitted changes.
    pub fn log(&self, id: &str) -> Option<&changes::DealLog> {
        self.overlay
            .deals
            .get(id)
            .or_else(|| self.timeline.log.deals.get(id))
    }

    /// Every deal's change log, by id.
    pub fn logs(&self) -> impl Iterator<Item = &changes::DealLog> {
        let mut ids: BTreeSet<&String> = self.timeline.log.deals.keys().collect();
        ids.extend(self.overlay.deals.keys());
        ids.into_iter().filter_map(|id| self.log(id))
    }

    /// A label for a point: its commit's short id, or "working tree".
    pub fn label(&self, p: &Point) -> String {
        match p.commit {
            Some(k) => self.timeline.commits[k].short().to_string(),
            None => "working tree".into(),
        }
    }
}

/// The settings of the pipeline at `root` (its `dealbook.toml` alone),
/// when readable.
fn settings_of(root: &Path) -> Option<crate::model::Settings> {
    let content = crate::load::read_bytes(&root.join("dealbook.toml"));
    let parsed = crate::load::parse_file(
        crate::source::FileId(0),
        "dealbook.toml",
        FileKind::Settings,
        content,
    );
    match parsed.item {
        crate::load::Item::Settings(s, _) => Some(*s),
        _ => None,
    }
}

/// The range's end for the pipeline at `root`: `cli` (`--as-of`), else
/// the `as_of` of its `dealbook.toml`, else `today`; the date the pipeline
/// itself is checked as of ([`crate::effective_as_of`]), known without
/// loading the rest, so the history can be read while the pipeline loads.
pub fn range_end(root: &Path, cli: Option<Date>, today: Date) -> Date {
    cli.or_else(|| settings_of(root).and_then(|s| s.org.as_of.map(|d| d.value)))
        .unwrap_or(today)
}

/// What the site shows of the history of the pipeline at `root` up to
/// `end` (at `rev`, `HEAD` when none): weekly snapshots of the current
/// quarter, and the last [`accuracy::BIAS_PERIODS`] closed quarters for
/// forecast accuracy, so the history is read from the start of the first
/// of them (the deals' changes on the site start there too).
pub fn site_options(root: &Path, end: Date, rev: Option<String>) -> Options {
    let cal = settings_of(root).map_or_else(Calendar::default, |s| s.calendar());
    let mut q = cal.quarter_of(end);
    for _ in 0..accuracy::BIAS_PERIODS {
        q = cal.prev(q);
    }
    Options {
        recent: Some(accuracy::BIAS_PERIODS),
        since: Some(cal.range(q).0),
        rev,
        ..Options::default()
    }
}

/// Reads the history for the pipeline at `root` and finishes it with
/// `current` (loaded and checked as of the range's end).
pub fn read(root: &Path, current: &Checked, opts: &Options) -> Result<History, Error> {
    let t = Arc::new(Timeline::read(root, current.as_of, opts)?);
    Ok(t.finish(current))
}
