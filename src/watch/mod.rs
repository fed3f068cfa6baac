//! `dealbook watch`: build, then rebuild on every change until stopped.
//!
//! [`Session`] owns what is kept between builds ([`state::State`]: the
//! parsed files with stable ids, so one saved file costs one read and one
//! parse; [`output::SiteWriter`]: what is in the output folder). A build
//! has two halves:
//! - [`Session::prepare`]: refresh the state (a walk, or only the files
//!   the events named), assemble the pipeline, check it and compute the
//!   analytics side by side, and prepare the site
//!   ([`crate::site::incremental::Prepared`]) into a [`snapshot::Snapshot`]
//!   that owns all of it. A build with errors (in the pipeline or in one
//!   of its templates) stops here: nothing is served or written, the last
//!   good site stays.
//! - [`Session::write`]: render every page in parallel and write those
//!   whose bytes changed, cancellably.
//!
//! [`Watch::run`] is the loop: a first build, then wait for a file-system
//! event ([`events`]), let the burst settle (a quiet window, so one save
//! that is several events makes one rebuild), rebuild, and tell the
//! [`Hooks`]. `serve` is this loop with hooks that serve each good
//! snapshot at once and tell the browsers to reload (see
//! [`crate::serve`]), writing the folder only when the saves pause;
//! `watch` writes right away. A newer save cancels a write in progress;
//! an unfinished good build is written once things are quiet, so the
//! folder always ends up complete.

pub mod events;
pub mod output;
mod report;
mod run;
mod session;
pub mod snapshot;
pub mod state;

pub use report::{Outcome, Problem, Report, Timings, fmt_duration};
pub use run::{Hooks, Stopper, Watch};
pub use session::{Ready, Session, Step, Write, drop_later};

use jiff::civil::Date;
use std::path::PathBuf;
use std::time::Duration;

/// How a watch session is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The pipeline folder.
    pub root: PathBuf,
    /// Where the site goes.
    pub output: PathBuf,
    /// `--as-of`, if given.
    pub as_of: Option<Date>,
    /// Today's date, read again for every build (the clock is the
    /// binary's business).
    pub today: fn() -> Date,
    /// Poll at this interval instead of using the system's events.
    pub poll: Option<Duration>,
    /// Rebuild once no event came for this long.
    pub quiet: Duration,
    /// ... or at the latest this long after the first event of a burst.
    pub max_delay: Duration,
    /// Colour the diagnostics' text.
    pub color: bool,
    /// Write good builds to disk only once no event came for this long
    /// (`serve`, which serves a new build from memory at once), instead of
    /// right away (`watch`).
    pub defer_writes: Option<Duration>,
    /// Show the git history (read once, at the first good build; the
    /// latest point follows every build).
    pub history: bool,
}

impl Config {
    /// A configuration with the default timings.
    pub fn new(root: PathBuf, output: PathBuf, today: fn() -> Date) -> Config {
        Config {
            root,
            output,
            as_of: None,
            today,
            poll: None,
            quiet: QUIET,
            max_delay: MAX_DELAY,
            color: false,
            defer_writes: None,
            history: true,
        }
    }
}

/// Default quiet window: the events of one save (an editor's write,
/// rename and chmod) arrive within a millisecond or two of each other.
pub const QUIET: Duration = Duration::from_millis(20);

/// Default longest wait in a continuous stream of events.
pub const MAX_DELAY: Duration = Duration::from_millis(400);

/// How long `serve` waits for quiet before writing a build to disk.
pub const SERVE_WRITE_DELAY: Duration = Duration::from_millis(1000);

/// Default polling interval for `--poll`.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
