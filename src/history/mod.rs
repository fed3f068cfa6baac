//! The pipeline through its git history: forecast trend, week-over-week
//! change, forecast accuracy of closed periods and each deal's change log.
//!
//! [`Timeline::read`] ([`timeline`]) walks the first-parent line of the
//! current branch (merges of pull requests count when they landed), oldest
//! first, with each commit's committer date ([`log`]); reads every blob it
//! needs through one `git cat-file --batch`, parses each distinct version
//! of a file once, and replays the revisions into one pipeline patched
//! with what each commit changed ([`replay`]). At each snapshot — the last
//! commit on or before a date, evaluated as of that date — the checks
//! decide whether the revision is valid (an invalid one is kept with its
//! error count and skipped for figures) and the same pure analytics as
//! `report` give the forecast of the periods asked, per scope
//! ([`snapshot`]).
//!
//! [`Timeline::finish`] ([`latest`]) adds the latest point: the pipeline as it is now
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
pub mod latest;
pub mod log;
pub mod render;
pub mod replay;
pub mod snapshot;
pub mod timeline;
pub mod trend;
pub mod weekly;

use crate::analytics::ScopeKind;
use crate::analytics::forecast::Forecast;
use crate::diff::compare::DealView;
use crate::diff::git::GitError;
use crate::load::FileKind;
use crate::period::{Calendar, Grain, Period};
pub use cadence::Every;
use jiff::civil::Date;
pub use latest::History;
use rustc_hash::FxHashMap as HashMap;
pub use snapshot::forecast_rows;
use std::path::Path;
pub use timeline::Timeline;

/// Version of the JSON document of `dealbook history` (docs/history-json.md).
pub const HISTORY_VERSION: u32 = 1;

/// Why there is no history.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The pipeline is not in a git repository (or it has no commits).
    #[error("{0}")]
    NoRepository(String),
    /// Git failed.
    #[error("{0}")]
    Git(String),
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
    /// The process exits soon after the read (`build`, `history`): the
    /// versions parsed and the replayed pipeline are left for the exit to
    /// free, instead of being freed on a thread of their own beside the
    /// rest of the work (as long as a snapshot or two, on a busy CPU).
    pub exit_after: bool,
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
            exit_after: false,
        }
    }
}

/// Who a figure is for, by id: `(Org, None)`, `(Team, Some(id))`,
/// `(Person, Some(id))`.
pub type ScopeId = (ScopeKind, Option<String>);

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
    /// File versions taken from the working tree as the load parsed it
    /// (the same blob at the same path), neither read from git nor parsed
    /// again ([`Timeline::read_seeded`]).
    pub from_worktree: usize,
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
    /// `git cat-file --batch`, with the versions parsed as they arrive
    /// (and the replay running meanwhile).
    pub blobs: std::time::Duration,
    /// How long the replay waited for versions to be parsed.
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

impl Stats {
    /// What was read and where the time went, two lines for `--timings`.
    pub fn describe(&self) -> String {
        let t = &self.timings;
        format!(
            "history: {} commits, {} paths, {} distinct blobs read, {} file versions parsed, {} taken from the working tree, {} snapshots, {} rebuilds\n    git log {:?}, cat-file {:?} (parsing as the blobs come), replay {:?} beside it (waited for parses {:?}, assemble {:?}, check {:?} ({} deals checked), figures {:?})",
            self.commits,
            self.files,
            self.blobs,
            self.parsed,
            self.from_worktree,
            self.points,
            self.rebuilds,
            t.log,
            t.blobs,
            t.replay,
            t.parse,
            t.assemble,
            t.check,
            self.deals_checked,
            t.figures
        )
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

/// Closed quarters whose forecast accuracy the site shows.
pub const SITE_QUARTERS: usize = 2;

/// What the site shows of the history of the pipeline at `root` up to
/// `end` (at `rev`, `HEAD` when none): weekly snapshots of the current
/// quarter, and the last [`SITE_QUARTERS`] closed quarters for forecast
/// accuracy, so the history is read from the start of the first of them
/// (the deals' changes on the site start there too). `dealbook history`
/// reads all of it.
pub fn site_options(root: &Path, end: Date, rev: Option<String>) -> Options {
    let cal = settings_of(root).map_or_else(Calendar::default, |s| s.calendar());
    let mut q = cal.quarter_of(end);
    for _ in 0..SITE_QUARTERS {
        q = cal.prev(q);
    }
    Options {
        recent: Some(SITE_QUARTERS),
        since: Some(cal.range(q).0),
        rev,
        ..Options::default()
    }
}
