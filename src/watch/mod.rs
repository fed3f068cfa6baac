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
pub mod snapshot;
pub mod state;

use crate::diag::Severity;
use crate::diag_out::{self, Summary};
use crate::load::LoadOptions;
use crate::site::SiteError;
use crate::site::incremental::Memo;
use crate::site::templates::{self, Overrides, TemplateError};
use crate::{Checked, analytics};
use jiff::civil::Date;
use serde::Serialize;
use snapshot::{Built, Snapshot};
use state::{Delta, State};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// One problem, as the terminal and the browser overlay show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// "error" or "warning".
    pub severity: &'static str,
    /// Stable code (`E012`), or `template` for a template error.
    pub code: String,
    /// File relative to the pipeline root (`deals/a.toml`,
    /// `templates/deal.html`), or `built-in template deal.html`.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    fn from_template(e: &TemplateError) -> Problem {
        let file = e
            .file
            .clone()
            .unwrap_or_else(|| format!("built-in template {}", e.template));
        let mut message = format!("template error in {}", e.template);
        if let Some(p) = &e.page {
            message.push_str(&format!(" (rendering {p})"));
        }
        message.push_str(": ");
        message.push_str(&e.message);
        Problem {
            severity: "error",
            code: "template".into(),
            file,
            line: e.line.unwrap_or(0),
            column: e.column.unwrap_or(0),
            message,
            source_line: None,
            hint: None,
        }
    }
}

/// How a build ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The site was rendered and the output brought up to date (unless
    /// a newer save superseded it before every file was written).
    Built {
        /// Files in the site.
        pages: usize,
        /// Files written because they were new or different.
        written: usize,
        /// Files deleted.
        deleted: usize,
        /// Warnings of the check.
        warnings: usize,
        /// Whether every file was written (false: superseded by a newer
        /// save; the rest is written once things are quiet).
        complete: bool,
        /// Pages not rendered again (their input did not change).
        reused: usize,
    },
    /// The pipeline or a template has errors; nothing was written.
    Invalid {
        /// The errors (then the warnings), for the overlay.
        problems: Vec<Problem>,
        /// The diagnostics as `dealbook check` prints them.
        text: String,
        /// "2 errors, 1 warning in 63 files".
        summary: String,
    },
    /// The site could not be written (I/O).
    Failed(String),
}

/// Where the time of a build went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// From the first event of the burst to the start of the build (the
    /// quiet window, and a cancelled write finishing its pages in flight).
    pub waited: Duration,
    /// Walk, stat, read and parse what changed.
    pub refresh: Duration,
    /// Assemble the pipeline from the cached files.
    pub assemble: Duration,
    /// Check it (and compute the analytics alongside).
    pub check: Duration,
    /// Analytics (run alongside the check).
    pub analytics: Duration,
    /// Render the pages.
    pub render: Duration,
    /// Write the changed files.
    pub write: Duration,
}

/// What one build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// 1 for the first build, then counting up.
    pub number: u64,
    /// Files changed since the previous build.
    pub delta: Delta,
    /// Whether the pipeline's templates changed.
    pub templates_changed: bool,
    /// Files read and parsed.
    pub read: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// When the new site was ready to be served (before it was written),
    /// for a good build.
    pub live: Option<Duration>,
    /// Its parts.
    pub timings: Timings,
}

impl Report {
    /// Whether the site is up to date and free of errors.
    pub fn ok(&self) -> bool {
        matches!(self.outcome, Outcome::Built { .. })
    }

    /// What changed, in a few words: `deals/a.toml changed`,
    /// `2 files changed, 1 removed`, `templates changed`.
    pub fn what_changed(&self) -> String {
        let d = &self.delta;
        let mut parts = Vec::new();
        if d.files() == 1 {
            let (path, verb) = if let Some(p) = d.changed.first() {
                (p, "changed")
            } else if let Some(p) = d.added.first() {
                (p, "added")
            } else {
                (&d.removed[0], "removed")
            };
            parts.push(format!("{} {verb}", diag_out::printable(path)));
        } else if d.files() > 1 {
            let plural = |n: usize| if n == 1 { "file" } else { "files" };
            let mut first = true;
            for (n, verb) in [
                (d.changed.len(), "changed"),
                (d.added.len(), "added"),
                (d.removed.len(), "removed"),
            ] {
                if n == 0 {
                    continue;
                }
                parts.push(if first {
                    format!("{n} {} {verb}", plural(n))
                } else {
                    format!("{n} {verb}")
                });
                first = false;
            }
        }
        if self.templates_changed {
            parts.push("templates changed".into());
        }
        if parts.is_empty() && d.problems_changed {
            parts.push("folder layout changed".into());
        }
        if parts.is_empty() {
            parts.push("rebuilt".into());
        }
        parts.join(", ")
    }

    /// The one terminal line of a rebuild (the first build says what it
    /// built). `serving`: mention when the new site was live.
    pub fn line(&self, output: &Path, serving: bool) -> String {
        let took = fmt_duration(self.elapsed);
        let live = match (serving, self.live) {
            (true, Some(l)) => format!("live in {}", fmt_duration(l)),
            _ => format!("rebuilt in {took}"),
        };
        let head = if self.number == 1 {
            match &self.outcome {
                Outcome::Built { pages, .. } => {
                    format!("built {pages} files into {} in {took}", output.display())
                }
                _ => format!("first build in {took}"),
            }
        } else {
            format!("{} · {live}", self.what_changed())
        };
        let tail = match &self.outcome {
            Outcome::Built {
                written,
                deleted,
                warnings,
                complete,
                ..
            } => {
                let mut s = String::new();
                if self.number > 1 && !serving {
                    s.push_str(&format!(" · {written} written"));
                    if *deleted > 0 {
                        s.push_str(&format!(", {deleted} deleted"));
                    }
                }
                if !complete && !serving {
                    s.push_str(" (superseded by a newer save before every file was written)");
                }
                s.push_str(" · OK");
                match warnings {
                    0 => {}
                    1 => s.push_str(" (1 warning)"),
                    n => s.push_str(&format!(" ({n} warnings)")),
                }
                s
            }
            Outcome::Invalid { summary, .. } if self.number == 1 => {
                format!(" · {summary}; nothing built yet")
            }
            Outcome::Invalid { summary, .. } => {
                format!(" · {summary}; the last good site is kept")
            }
            Outcome::Failed(e) => format!(" · error: {e}"),
        };
        format!("{head}{tail}")
    }
}

/// Drops `value` on another thread: freeing a whole pipeline (millions
/// of small allocations at 100k deals) takes a noticeable time that no
/// one should wait for.
pub fn drop_later<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("dealbook-drop".into())
        .spawn(move || drop(value));
    // Without a thread, it is dropped here (the closure and its value
    // come back inside the error and go out of scope).
    drop(spawned);
}

/// `1.52 s`, `48 ms`.
pub fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The state of a watch session, and its builds.
pub struct Session {
    cfg: Config,
    /// Canonical root and output.
    root: PathBuf,
    output: PathBuf,
    state: State,
    overrides: Option<Overrides>,
    /// Whether the last build got as far as a result (good or with
    /// errors); if not (templates unreadable), the next one runs anyway.
    settled: bool,
    builds: u64,
    writer: output::SiteWriter,
    /// Fingerprints of the pages in the output folder (see
    /// [`crate::site::incremental::Memo`]).
    fingerprints: HashMap<String, u64>,
}

/// A good build, checked and prepared, not written yet.
pub struct Ready {
    /// Its number.
    pub number: u64,
    /// The site.
    pub site: Arc<Snapshot>,
    delta: Delta,
    templates_changed: bool,
    read: usize,
    warnings: usize,
    started: Instant,
    live: Duration,
    timings: Timings,
}

/// The first half of a build.
pub enum Step {
    /// Nothing changed since the last build.
    Unchanged,
    /// The pipeline or a template has errors (or the templates could not
    /// be read): the report says which.
    Stopped(Report),
    /// Good: serve it, then write it.
    Ready(Ready),
}

/// How writing a build ended.
#[derive(Debug)]
pub enum Write {
    /// Every file is on disk.
    Complete(output::Written, usize),
    /// Stopped by the cancel flag (a newer save): what was written so far
    /// is whole and recorded, the rest is not.
    Cancelled(usize),
    /// An I/O error.
    Failed(String),
    /// Not started yet: written once things are quiet.
    Deferred,
}

impl Session {
    /// Checks the folders and prepares an empty state. Fails when the
    /// output folder would contain the pipeline.
    pub fn new(cfg: Config) -> Result<Session, String> {
        let root = crate::paths::absolute(&cfg.root);
        let output = crate::paths::absolute(&cfg.output);
        if root.starts_with(&output) {
            return Err(format!(
                "the output folder {} contains the pipeline; choose another --output",
                cfg.output.display()
            ));
        }
        let mut opts = LoadOptions::default();
        if output.starts_with(&root) && !output.starts_with(root.join("public")) {
            opts.skip.push(output.clone());
        }
        Ok(Session {
            state: State::new(&cfg.root, opts),
            writer: output::SiteWriter::new(&output),
            cfg,
            root,
            output,
            overrides: None,
            settled: false,
            builds: 0,
            fingerprints: HashMap::new(),
        })
    }

    /// The canonical pipeline root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The canonical output folder.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The first half of a build: refresh the state, assemble, check,
    /// compute, prepare the site. Does nothing when nothing changed since
    /// the last build (it always runs the first time). `hint`: the paths
    /// the events named (relative to the root), when they are all there
    /// is to know (see [`State::refresh_paths`]); `None` walks the folder.
    pub fn prepare(&mut self, hint: Option<&[String]>) -> Step {
        let started = Instant::now();
        let mut t = Timings::default();
        let delta = match hint {
            Some(rels) if self.settled => self.state.refresh_paths(rels),
            _ => self.state.refresh(),
        };
        let (read, _) = self.state.last_work();
        let overrides = templates::read_overrides(&self.cfg.root.join("templates"));
        let templates_changed = match (&overrides, &self.overrides) {
            (Ok(o), Some(old)) => old.templates != o.templates || old.assets != o.assets,
            (Ok(_), None) => false,
            (Err(_), _) => true,
        };
        t.refresh = started.elapsed();
        if self.settled && delta.is_empty() && !templates_changed {
            return Step::Unchanged;
        }
        self.builds += 1;
        let report = |outcome: Outcome, t: Timings| Report {
            number: self.builds,
            delta: delta.clone(),
            templates_changed,
            read,
            outcome,
            elapsed: started.elapsed(),
            live: None,
            timings: t,
        };
        let overrides = match overrides {
            Ok(o) => o,
            Err(e) => {
                self.overrides = None;
                self.settled = false;
                return Step::Stopped(report(
                    Outcome::Failed(format!(
                        "cannot read the pipeline's templates in {}: {e}",
                        self.cfg.root.join("templates").display()
                    )),
                    t,
                ));
            }
        };
        self.overrides = Some(overrides.clone());
        self.settled = true;
        let now = Instant::now();
        let loaded = self.state.assemble();
        t.assemble = now.elapsed();
        // Check and analytics are independent and each single-threaded:
        // run them side by side (what `crate::finish` does, then the
        // numbers). Analytics of a pipeline with errors are thrown away;
        // whatever they do with bad data must not take the loop down.
        let now = Instant::now();
        let crate::load::Loaded {
            pipeline,
            diagnostics,
        } = loaded;
        let as_of = crate::effective_as_of(&pipeline, self.cfg.as_of, (self.cfg.today)());
        let (found, numbers) = rayon::join(
            || crate::check::check(&pipeline, as_of),
            || {
                let started = Instant::now();
                let a = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analytics::compute(&pipeline, as_of, &analytics::Options::default())
                }));
                (a, started.elapsed())
            },
        );
        let mut list = crate::diag::Diagnostics::new();
        list.extend(diagnostics);
        list.extend(found);
        list.sort(&pipeline.sources);
        let checked = Checked {
            pipeline,
            diagnostics: list.into_vec(),
            as_of,
        };
        t.check = now.elapsed();
        t.analytics = numbers.1;
        if checked.has_errors() {
            let r = report(invalid(&checked, self.cfg.color), t);
            drop_later(checked);
            return Step::Stopped(r);
        }
        let analytics = match numbers.0 {
            Ok(a) => a,
            Err(_) => {
                return Step::Stopped(report(
                    Outcome::Failed("internal error: computing the analytics failed".into()),
                    t,
                ));
            }
        };
        let warnings = Summary::of(&checked.diagnostics, 0).warnings;
        let now = Instant::now();
        let site = Snapshot::new(Built {
            checked,
            analytics,
            overrides,
        });
        t.render = now.elapsed();
        match site {
            Ok(site) => Step::Ready(Ready {
                number: self.builds,
                site: Arc::new(site),
                delta,
                templates_changed,
                read,
                warnings,
                started,
                live: started.elapsed(),
                timings: t,
            }),
            Err(SiteError::Template(e)) => Step::Stopped(report(template_invalid(&e), t)),
            Err(e) => Step::Stopped(report(Outcome::Failed(e.to_string()), t)),
        }
    }

    /// The second half: renders every file and writes those that changed,
    /// stopping early when `cancel` becomes true.
    pub fn write(&mut self, site: &Snapshot, cancel: &AtomicBool) -> Write {
        if let Err(e) = self.writer.begin() {
            return Write::Failed(e.to_string());
        }
        // Pages whose input is what produced the file on disk are not
        // rendered again (only once the folder's content is known).
        let on_disk = if self.writer.synced() {
            self.fingerprints.clone()
        } else {
            HashMap::new()
        };
        let memo = Memo::new(site.site(), on_disk);
        let writer = &self.writer;
        let written = Mutex::new(Vec::new());
        let confirmed = Mutex::new(Vec::new());
        let rendered = site.site().render_changed(&memo, |page| {
            if cancel.load(Ordering::Relaxed) {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "superseded"));
            }
            let changed = writer.page(&page)?;
            let lock = |m: &'_ Mutex<Vec<String>>| {
                let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
                g.push(page.path.clone());
            };
            lock(&confirmed);
            if changed {
                lock(&written);
            }
            Ok(())
        });
        // What is on disk now, page by page.
        for path in confirmed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            match memo.fingerprint(&path) {
                Some(fp) => self.fingerprints.insert(path, fp),
                None => self.fingerprints.remove(&path),
            };
        }
        let mut written = written.into_inner().unwrap_or_else(|e| e.into_inner());
        match rendered {
            Ok(pages) => {
                let paths = site.site().paths().iter().map(String::as_str);
                let prepared = site.site();
                self.fingerprints.retain(|p, _| prepared.has(p));
                match self.writer.finish(paths) {
                    Ok(deleted) => {
                        written.sort();
                        Write::Complete(
                            output::Written {
                                written,
                                deleted,
                                reused: memo.skipped(),
                            },
                            pages,
                        )
                    }
                    Err(e) => Write::Failed(e.to_string()),
                }
            }
            Err(SiteError::Io(e)) if e.kind() == io::ErrorKind::Interrupted => {
                Write::Cancelled(written.len())
            }
            Err(e) => Write::Failed(e.to_string()),
        }
    }

    /// A whole build, never cancelled: [`Session::prepare`] then
    /// [`Session::write`]. `None` when nothing changed.
    pub fn build(&mut self) -> Option<Report> {
        match self.prepare(None) {
            Step::Unchanged => None,
            Step::Stopped(r) => Some(r),
            Step::Ready(ready) => {
                let w = self.write(&ready.site, &AtomicBool::new(false));
                Some(ready.report(w))
            }
        }
    }
}

impl Ready {
    /// The report of this build once written (or not).
    pub fn report(&self, w: Write) -> Report {
        let mut t = self.timings;
        t.write = self.started.elapsed().saturating_sub(self.live);
        let outcome = match w {
            Write::Complete(c, pages) => Outcome::Built {
                pages,
                written: c.written.len(),
                deleted: c.deleted.len(),
                warnings: self.warnings,
                complete: true,
                reused: c.reused,
            },
            Write::Cancelled(written) => Outcome::Built {
                pages: self.site.site().len(),
                written,
                deleted: 0,
                warnings: self.warnings,
                complete: false,
                reused: 0,
            },
            Write::Deferred => Outcome::Built {
                pages: self.site.site().len(),
                written: 0,
                deleted: 0,
                warnings: self.warnings,
                complete: false,
                reused: 0,
            },
            Write::Failed(e) => Outcome::Failed(e),
        };
        Report {
            number: self.number,
            delta: self.delta.clone(),
            templates_changed: self.templates_changed,
            read: self.read,
            outcome,
            elapsed: self.started.elapsed(),
            live: Some(self.live),
            timings: t,
        }
    }
}

fn invalid(checked: &Checked, color: bool) -> Outcome {
    let sources = &checked.pipeline.sources;
    let mut problems: Vec<Problem> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let l = diag_out::locate(d, sources);
            Problem {
                severity: match l.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: l.code.to_string(),
                file: l.file,
                line: l.line,
                column: l.column,
                message: l.message,
                source_line: l.source_line,
                hint: l.hint,
            }
        })
        .collect();
    // Errors first (stable: by file and position within each severity).
    problems.sort_by_key(|p| p.severity != "error");
    let summary = Summary::of(&checked.diagnostics, checked.file_count()).line();
    Outcome::Invalid {
        problems,
        text: diag_out::human(&checked.diagnostics, sources, color),
        summary,
    }
}

fn template_invalid(e: &TemplateError) -> Outcome {
    let p = Problem::from_template(e);
    let text = format!("{e}\n");
    Outcome::Invalid {
        problems: vec![p],
        text,
        summary: "1 template error".into(),
    }
}

/// Stops a running [`Watch`] from another thread (a Ctrl-C handler).
#[derive(Debug, Clone)]
pub struct Stopper(Sender<events::Msg>, Arc<AtomicBool>);

impl Stopper {
    /// Asks the loop to stop (a build in progress is cut short).
    pub fn stop(&self) {
        self.1.store(true, Ordering::SeqCst);
        let _ = self.0.send(events::Msg::Stop);
    }
}

/// What the loop tells its owner. Only [`Hooks::report`] is required.
pub trait Hooks {
    /// A good build is ready, before it is written (serve starts serving
    /// it and tells the browsers to reload).
    fn live(&mut self, _number: u64, _site: &Arc<Snapshot>) {}
    /// Every file of this build is on disk.
    fn written(&mut self, _number: u64) {}
    /// A build is over (one line in the terminal).
    fn report(&mut self, report: &Report);
    /// The file watcher reported a problem.
    fn watcher_error(&mut self, _message: &str) {}
}

/// A watch session with its event source.
pub struct Watch {
    session: Session,
    tx: Sender<events::Msg>,
    rx: Receiver<events::Msg>,
    /// Set by every relevant event (and by a stop): a write in progress
    /// gives way to the newer save.
    cancel: Arc<AtomicBool>,
    _watcher: events::Watcher,
}

impl Watch {
    /// Starts watching (before the first build, so that no save made
    /// while it runs is missed).
    pub fn new(cfg: Config) -> Result<Watch, String> {
        let session = Session::new(cfg)?;
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let out_inside = session.output.starts_with(&session.root);
        let filter = events::Filter::new(
            session.root.clone(),
            out_inside.then(|| session.output.clone()),
        );
        let watcher = events::start(
            &session.root,
            filter,
            session.cfg.poll,
            tx.clone(),
            cancel.clone(),
        )
        .map_err(|e| format!("cannot watch {}: {e}", session.cfg.root.display()))?;
        Ok(Watch {
            session,
            tx,
            rx,
            cancel,
            _watcher: watcher,
        })
    }

    /// Adds the paths of an event to the burst's hint; an event without
    /// paths (a rescan: events were lost) or outside the root means the
    /// folder must be walked.
    fn add_hint(&self, hint: &mut Option<Vec<String>>, paths: Vec<PathBuf>) {
        let Some(h) = hint else {
            return;
        };
        if paths.is_empty() {
            *hint = None;
            return;
        }
        for p in paths {
            let Ok(rel) = p.strip_prefix(&self.session.root) else {
                *hint = None;
                return;
            };
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if rel.is_empty() {
                *hint = None;
                return;
            }
            h.push(rel.join("/"));
        }
    }

    /// A handle that stops [`Watch::run`].
    pub fn stopper(&self) -> Stopper {
        Stopper(self.tx.clone(), self.cancel.clone())
    }

    /// The session (its folders).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Builds, then rebuilds after every burst of changes, until stopped.
    ///
    /// A good build is handed to [`Hooks::live`] as soon as it is
    /// prepared, then written; a save during the write cancels it (the
    /// newer build follows at once), and a good build that could not be
    /// finished is written later, once no event came for the quiet window.
    pub fn run(mut self, hooks: &mut impl Hooks) {
        let quiet = self.session.cfg.quiet;
        let max_delay = self.session.cfg.max_delay;
        let mut pending: Option<Ready> = None;
        let mut dirty = true;
        let mut woke: Option<Instant> = None;
        // The paths named by the events of the burst; `None`: walk.
        let mut hint: Option<Vec<String>> = None;
        loop {
            if dirty {
                dirty = false;
                self.cancel.store(false, Ordering::SeqCst);
                let waited = woke.take().map(|w| w.elapsed()).unwrap_or_default();
                let step = self.session.prepare(hint.take().as_deref());
                match step {
                    Step::Unchanged => {}
                    Step::Stopped(mut r) => {
                        r.timings.waited = waited;
                        hooks.report(&r)
                    }
                    Step::Ready(mut ready) => {
                        ready.timings.waited = waited;
                        hooks.live(ready.number, &ready.site);
                        // Copy the parsed files for the next build now,
                        // while nobody waits.
                        self.session.state.refill(&self.cancel);
                        // The first build is always written at once.
                        if self.session.cfg.defer_writes.is_some() && ready.number > 1 {
                            hooks.report(&ready.report(Write::Deferred));
                            drop_later(pending.replace(ready));
                        } else {
                            let w = self.session.write(&ready.site, &self.cancel);
                            let done = matches!(w, Write::Complete(..));
                            let cancelled = matches!(w, Write::Cancelled(_));
                            hooks.report(&ready.report(w));
                            if done {
                                hooks.written(ready.number);
                            }
                            drop_later(pending.take());
                            if cancelled {
                                pending = Some(ready);
                            } else {
                                drop_later(ready);
                            }
                        }
                    }
                }
            }
            // Wait for the first event of a burst; with a build still to
            // write, only for the quiet window.
            let first = if pending.is_some() {
                let idle = self.session.cfg.defer_writes.unwrap_or(quiet).max(quiet);
                match self.rx.recv_timeout(idle) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match self.rx.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return,
                }
            };
            match first {
                None => {
                    if let Some(ready) = pending.take() {
                        self.cancel.store(false, Ordering::SeqCst);
                        match self.session.write(&ready.site, &self.cancel) {
                            Write::Complete(..) => {
                                hooks.written(ready.number);
                                drop_later(ready);
                            }
                            Write::Cancelled(_) | Write::Deferred => pending = Some(ready),
                            Write::Failed(e) => hooks.report(&ready.report(Write::Failed(e))),
                        }
                    }
                    continue;
                }
                Some(events::Msg::Stop) => return,
                Some(events::Msg::Error(e)) => {
                    hooks.watcher_error(&e);
                    continue;
                }
                Some(events::Msg::Poll) => {
                    // Look now (nothing to settle: a poll is not a burst).
                    dirty = true;
                    hint = None;
                    continue;
                }
                Some(events::Msg::Changed(paths)) => {
                    hint = Some(Vec::new());
                    self.add_hint(&mut hint, paths);
                }
            }
            // Let the burst settle.
            let start = Instant::now();
            woke = Some(start);
            loop {
                let left = max_delay.saturating_sub(start.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.rx.recv_timeout(quiet.min(left)) {
                    Ok(events::Msg::Changed(paths)) => self.add_hint(&mut hint, paths),
                    Ok(events::Msg::Poll) => hint = None,
                    Ok(events::Msg::Error(e)) => hooks.watcher_error(&e),
                    Ok(events::Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => break,
                }
            }
            dirty = true;
        }
    }
}
