//! The two halves of a build, and what a session keeps between builds:
//! [`Session::prepare`] (refresh, assemble, check, analytics, prepare the
//! site) and [`Session::write`] (render and write what changed,
//! cancellably). The loop that drives them is in `run.rs`.

use super::Config;
use super::output;
use super::report::{Outcome, Report, Timings, invalid, template_invalid};
use super::snapshot::{Built, Snapshot};
use super::state::{Delta, State};
use crate::analytics;
use crate::diag_out::Summary;
use crate::load::LoadOptions;
use crate::site::SiteError;
use crate::site::incremental::Memo;
use crate::site::templates::{self, Overrides};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// The state of a watch session, and its builds.
pub struct Session {
    pub(super) cfg: Config,
    /// Canonical root and output.
    pub(super) root: PathBuf,
    pub(super) output: PathBuf,
    pub(super) state: State,
    overrides: Option<Arc<Overrides>>,
    /// Whether the last build got as far as a result (good or with
    /// errors); if not (templates unreadable), the next one runs anyway.
    settled: bool,
    builds: u64,
    writer: output::SiteWriter,
    /// Fingerprints of the pages in the output folder (see
    /// [`crate::site::incremental::Memo`]).
    fingerprints: HashMap<String, u64>,
    /// The git history up to `HEAD`, read at the first good build (and
    /// again when `HEAD` or the range's end moves).
    history: HistoryCache,
}

/// What the session knows of the git history.
#[derive(Default)]
struct HistoryCache {
    /// Read (none: not in git, or nothing to show yet).
    timeline: Option<Arc<crate::history::Timeline>>,
    /// `HEAD` and the range's end it was read for (none: never read).
    key: Option<(Option<String>, jiff::civil::Date)>,
}

impl HistoryCache {
    /// The history for a build whose range ends at `end`: read when never
    /// read, or when `HEAD` or the end moved since.
    fn get(
        &mut self,
        root: &Path,
        end: jiff::civil::Date,
    ) -> Option<Arc<crate::history::Timeline>> {
        let head = crate::diff::git::discover(root)
            .ok()
            .and_then(|r| r.resolve("HEAD").ok().flatten());
        let key = (head, end);
        if self.key.as_ref() != Some(&key) {
            self.timeline = if key.0.is_none() {
                None
            } else {
                let opts = crate::history::site_options(root, end, None);
                crate::history::Timeline::read(root, end, &opts)
                    .ok()
                    .filter(|t| t.has_snapshots())
                    .map(Arc::new)
            };
            self.key = Some(key);
        }
        self.timeline.clone()
    }
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
    pub(super) timings: Timings,
    notices: Vec<String>,
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
    /// output folder would contain the pipeline or lie in a folder it
    /// reads ([`crate::paths::output_conflict`]), or is a folder that is
    /// not a dealbook site (it is never replaced).
    pub fn new(cfg: Config) -> Result<Session, String> {
        let root = crate::paths::absolute(&cfg.root);
        let output = crate::paths::absolute(&cfg.output);
        if let Some(why) = crate::paths::output_conflict(&cfg.root, &cfg.output) {
            return Err(why);
        }
        output::SiteWriter::check(&output).map_err(|e| e.to_string())?;
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
            history: HistoryCache::default(),
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
        let hint = hint.filter(|_| self.settled);
        let delta = match hint {
            Some(rels) => self.state.refresh_paths(rels),
            None => self.state.refresh(),
        };
        let (read, _) = self.state.last_work();
        // The templates are read again only when the events named a path
        // under `templates/`, or when there are no such hints (a walk).
        let reread = hint.is_none_or(|rels| {
            rels.iter()
                .any(|r| r == "templates" || r.starts_with("templates/"))
        });
        let (overrides, templates_changed) = match &self.overrides {
            Some(old) if !reread => (Ok(old.clone()), false),
            old => {
                let new = templates::read_overrides(&self.cfg.root.join("templates"));
                let changed = match (&new, old) {
                    (Ok(o), Some(old)) => old.templates != o.templates || old.assets != o.assets,
                    (Ok(_), None) => false,
                    (Err(_), _) => true,
                };
                (new.map(Arc::new), changed)
            }
        };
        // Said whenever the templates were read (the first build, and
        // every change under templates/).
        let notices = match (&overrides, reread) {
            (Ok(o), true) => o.skipped.clone(),
            _ => Vec::new(),
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
            retry: false,
            notices: notices.clone(),
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
        let mut loaded = self.state.assemble();
        t.assemble = now.elapsed();
        // The git history (read at the first build, then kept): the stage
        // moves git saw go to the deals without [[history]] before the
        // numbers are computed.
        let now = Instant::now();
        let today = (self.cfg.today)();
        let timeline = if self.cfg.history {
            let end = crate::effective_as_of(&loaded.pipeline, self.cfg.as_of, today);
            let t = self.history.get(&self.cfg.root, end);
            if let Some(t) = &t {
                crate::history::enrich::stage_history(&mut loaded.pipeline, &t.log, end);
            }
            t
        } else {
            None
        };
        t.history = now.elapsed();
        // Check, and compute the analytics alongside. Analytics of a
        // pipeline with errors are thrown away; whatever they do with bad
        // data must not take the loop down.
        let now = Instant::now();
        let (checked, numbers) =
            crate::finish_alongside(loaded, self.cfg.as_of, today, |pipeline, as_of| {
                let started = Instant::now();
                let a = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analytics::compute(pipeline, as_of, &analytics::Options::default())
                }));
                (a, started.elapsed())
            });
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
        let history = timeline.map(|tl| tl.finish(&checked));
        t.history += now.elapsed();
        let now = Instant::now();
        let site = Snapshot::new(Built {
            checked,
            analytics,
            overrides,
            history,
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
                notices,
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
        let unchanged = Mutex::new(Vec::new());
        let rendered = site.site().render_changed(&memo, |page| {
            if cancel.load(Ordering::Relaxed) {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "superseded"));
            }
            let changed = writer.page(&page)?;
            let list = if changed { &written } else { &unchanged };
            list.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(page.path.clone());
            Ok(())
        });
        let take = |m: Mutex<Vec<String>>| m.into_inner().unwrap_or_else(|e| e.into_inner());
        let (mut written, unchanged) = (take(written), take(unchanged));
        // What is on disk now, page by page.
        let record = |fingerprints: &mut HashMap<String, u64>, paths: &[String]| {
            for path in paths {
                match memo.fingerprint(path) {
                    Some(fp) => fingerprints.insert(path.clone(), fp),
                    None => fingerprints.remove(path),
                };
            }
        };
        record(&mut self.fingerprints, &unchanged);
        match rendered {
            Ok(pages) => {
                if let Err(e) = self.writer.commit() {
                    // Some pages may be in place, some not: compare every
                    // page with the record next time.
                    self.fingerprints.clear();
                    return Write::Failed(e.to_string());
                }
                record(&mut self.fingerprints, &written);
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
                self.writer.discard();
                Write::Cancelled(0)
            }
            Err(e) => {
                self.writer.discard();
                Write::Failed(e.to_string())
            }
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
            retry: false,
            notices: self.notices.clone(),
        }
    }
}
