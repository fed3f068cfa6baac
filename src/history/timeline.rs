//! [`Timeline::read`]: the history read from git, up to `HEAD`, every
//! snapshot taken. The commits' operations on the pipeline folder's paths,
//! every version parsed once ([`super::replay::read_and_parse`]), the
//! snapshots to take (the cadence's, the weeks of the closed periods
//! measured), then the replay: each commit applied, each snapshot taken
//! after its last commit (`snapshot::evaluate`).

use super::cadence::{self, Every};
use super::changes::{ChangeLog, DealState};
use super::log::{self, Changes, Commit};
use super::replay::{self, Replay, Wanted};
use super::snapshot::{Request, Views, Walk, evaluate, record_deals};
use super::{Error, Options, Point, Stats, Step, Timings};
use crate::diff::git::Repo;
use crate::diff::revision::{Class, classify, sort_walk_order};
use crate::load::FileKind;
use crate::model::WeekEnd;
use crate::period::{Calendar, Grain, Period};
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

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
    /// `HEAD`'s pipeline files by relative path, to tell whether the
    /// working tree differs.
    pub(super) head_files: HashMap<String, HeadFile>,
    /// Deal states at `HEAD` by id, for the uncommitted changes.
    pub(super) head_deals: HashMap<String, DealState>,
    pub(super) views: Views,
}

/// A pipeline file as `HEAD` has it.
#[derive(Debug, Clone)]
pub(super) struct HeadFile {
    /// Its text.
    pub text: Arc<str>,
    /// Its blob id.
    pub blob: String,
}

/// One operation of a commit on the replay.
#[derive(Debug, Clone)]
struct Op {
    id: crate::source::FileId,
    oid: Option<String>,
    renamed_from: Option<crate::source::FileId>,
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
        Self::read_seeded(dir, end, opts, Vec::new)
    }

    /// [`Timeline::read`], starting from the working tree's files as the
    /// load read them (`seed`, called once `git log` is read, may wait for
    /// the load: [`crate::load::LoadOptions::keep`]): a commit's file with
    /// the same blob at the same path is taken from there rather than read
    /// from git and parsed again. The result is the same.
    pub fn read_seeded(
        dir: &Path,
        end: Date,
        opts: &Options,
        seed: impl FnOnce() -> Vec<crate::load::Kept>,
    ) -> Result<Timeline, Error> {
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
        // The blobs surely read from git are read while the working tree
        // loads (`seed` may wait for it); the rest once it is known which
        // the working tree has.
        let older = log.older_blobs();
        let (seeded, (prefetched, prefetch_time)) = std::thread::scope(|s| {
            let fetch = s.spawn(|| {
                let clock = std::time::Instant::now();
                let refs: Vec<&str> = older.iter().map(String::as_str).collect();
                let mut got: replay::Fetched = replay::Fetched::default();
                // A failure leaves them to the reader, which says why.
                let _ = repo.blobs_each(&refs, |k, b| {
                    got.insert(older[k].clone(), b);
                });
                (got, clock.elapsed())
            });
            let seeded = seed();
            (seeded, fetch.join().expect("reading the blobs panicked"))
        });
        let mut t = Self::replay(dir, &repo, log, end, opts, seeded, prefetched)?;
        t.stats.timings.log = log_time;
        t.stats.timings.blobs += prefetch_time;
        Ok(t)
    }

    fn replay(
        dir: &Path,
        repo: &Repo,
        log: log::Log,
        end: Date,
        opts: &Options,
        seed: Vec<crate::load::Kept>,
        prefetched: replay::Fetched,
    ) -> Result<Timeline, Error> {
        let mut replay = Replay::new(dir);
        let seeded = replay.seed(seed);
        let mut from_worktree = 0;
        let mut notes = log.notes;
        // 1. Paths and versions: every commit's operations.
        let mut commits = Vec::with_capacity(log.commits.len());
        let mut ops: Vec<Vec<Op>> = Vec::with_capacity(log.commits.len());
        let mut wanted: Vec<Wanted> = Vec::new();
        let mut seen: rustc_hash::FxHashSet<(u32, String)> = Default::default();
        let mut uses: rustc_hash::FxHashSet<String> = Default::default();
        let mut present: BTreeSet<u32> = BTreeSet::new();
        let mut want = |replay: &mut Replay, rel: &str, kind: FileKind, oid: &str| {
            let id = replay.slot(rel, kind);
            let key = (id.0, oid.to_string());
            if seeded.contains_key(&key) {
                if seen.insert(key) {
                    from_worktree += 1;
                }
            } else if seen.insert(key) {
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
                    let removal = |id: crate::source::FileId| Op {
                        id,
                        oid: None,
                        renamed_from: None,
                    };
                    for c in changes {
                        let from = c.renamed_from.as_ref().and_then(|r| replay.id_of(r));
                        if let Some(f) = from {
                            list.push(removal(f));
                            present.remove(&f.0);
                        }
                        // The path's new content, when it is still a
                        // pipeline file; else it is gone.
                        let kept =
                            c.new
                                .as_ref()
                                .and_then(|(mode, oid)| match classify(&c.rel, mode) {
                                    Class::File(kind) => Some((kind, oid)),
                                    _ => None,
                                });
                        match kept {
                            Some((kind, oid)) => {
                                let id = want(&mut replay, &c.rel, kind, oid);
                                present.insert(id.0);
                                list.push(Op {
                                    id,
                                    oid: Some(oid.clone()),
                                    renamed_from: from,
                                });
                            }
                            None => {
                                if let Some(id) = replay.id_of(&c.rel) {
                                    present.remove(&id.0);
                                    list.push(removal(id));
                                }
                            }
                        }
                    }
                }
            }
            commits.push(commit);
            ops.push(list);
        }
        // 2. Every blob through one `git cat-file --batch` (the settings'
        // first, then in the order the commits need them), each version
        // parsed once, on the pool, as the blobs arrive; the replay takes
        // each as soon as it is there.
        let mut timings = Timings::default();
        let stats_blobs = uses.len();
        let stats_parsed = wanted.len();
        wanted.sort_by_key(|w| w.kind != FileKind::Settings);
        let (tx, rx) = std::sync::mpsc::channel();
        // The replay runs on a pool of its own, as many threads as cores:
        // what it computes side by side (a snapshot's figures and its
        // checks) then runs on it rather than waiting behind the parses
        // on the global pool.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let own = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Git(format!("cannot start a thread: {e}")))?;
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || replay::read_and_parse(repo, wanted, prefetched, tx));
            own.install(move || {
            let mut versions = replay::Arrivals::new(rx, seeded);
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
                            .and_then(|oid| versions.get(id.0, &oid))
                    })
                    .and_then(|v| match &v.parsed.item {
                        crate::load::Item::Settings(s, _) => Some((s.week_ends, s.calendar())),
                        _ => None,
                    })
            };
            let (week_ends, cal) =
                head_settings_week.unwrap_or((WeekEnd::Sunday, Calendar::default()));
            let weekday = week_ends.weekday();
            let period = opts.period.unwrap_or_else(|| cal.quarter_of(end));
            let start = match opts.since {
                Some(s) => s.max(commits[0].date),
                None => commits[0].date,
            };
            // When each commit landed on the branch: its date, or its
            // parent's when it is dated earlier (a wrong clock, a rebase
            // keeping old dates): it cannot have landed before its parent.
            let landed: Vec<Date> = commits
                .iter()
                .scan(None, |latest: &mut Option<Date>, c| {
                    let d = latest.map_or(c.date, |l| l.max(c.date));
                    *latest = Some(d);
                    Some(d)
                })
                .collect();
            let upto = |d: Date| landed.iter().rposition(|&l| l <= d);
            let mut requests: Vec<Request> = Vec::new();
            let cadence_dates: Vec<(usize, Date)> = match opts.every {
                Every::Commit => landed
                    .iter()
                    .copied()
                    .enumerate()
                    .take(commits.len().saturating_sub(1))
                    .filter(|&(_, d)| d >= start && d <= end)
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
            let accuracy_periods =
                closed_periods(cal, opts.grain, start, end, weekday, opts.recent);
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
                    let v = op.oid.as_ref().and_then(|oid| versions.get(op.id.0, oid));
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
            let head_files: HashMap<String, HeadFile> = replay
                .slots
                .iter()
                .filter_map(|s| {
                    let v = s.now.as_ref()?;
                    let head = HeadFile {
                        text: v.parsed.source.text.clone(),
                        blob: v.oid.clone(),
                    };
                    Some((s.rel.clone(), head))
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
            // Counted by when they landed, as the snapshots take them.
            let later = landed.iter().filter(|&&l| l > end).count();
            if later > 0 {
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
                from_worktree,
                points: points.len(),
                rebuilds: replay.rebuilds,
                deals_checked: replay.deal_checks.checked,
            };
            let folder = if repo.prefix.is_empty() {
                ".".to_string()
            } else {
                repo.prefix.clone()
            };
            // The reader has sent everything (or failed: then its error).
            let waited = versions.waited;
            // Freeing every version parsed and the replayed pipeline takes
            // as long as a snapshot or two: left to the exit when one comes
            // soon, otherwise on a thread of its own, off the way to the
            // result (inline if no thread can start).
            if opts.exit_after {
                std::mem::forget((versions, replay));
            } else {
                let _ = std::thread::Builder::new()
                    .name("history-free".into())
                    .spawn(move || drop((versions, replay)));
            }
            let read_time = reader.join().expect("reading the blobs panicked")?;
            let mut stats = stats;
            stats.timings.blobs = read_time;
            stats.timings.parse = waited;
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
            })
        })
    }

    /// Whether there is a valid snapshot of the cadence before the
    /// range's end: something to compare the latest point with. The site
    /// shows a history only then (a repository of one commit, or one
    /// whose commits are all dated after a fixed `as_of`, has none).
    pub fn has_snapshots(&self) -> bool {
        self.points.iter().any(|p| p.cadence && p.valid())
    }
}
