//! The watch loop: a first build, then wait for file-system events, let
//! each burst settle (debounce), rebuild and tell the [`Hooks`]; and the
//! [`Stopper`] that ends it from another thread.

use super::session::{Ready, Session, Step, Write, drop_later};
use super::snapshot::Snapshot;
use super::{Config, Report, events};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// The first wait before a failed write is tried again.
pub const RETRY_FIRST: Duration = Duration::from_secs(1);

/// The longest wait between two tries of a failed write.
pub const RETRY_MAX: Duration = Duration::from_secs(30);

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
    /// A write that fails (a full disk) leaves the last complete build in
    /// the folder and is tried again after a back-off (1 s, doubling up to
    /// `RETRY_MAX`), or at the next change.
    pub fn run(mut self, hooks: &mut impl Hooks) {
        let quiet = self.session.cfg.quiet;
        let max_delay = self.session.cfg.max_delay;
        let mut pending: Option<Ready> = None;
        // After a failed write: when to try again, and the back-off.
        let mut retry: Option<(Instant, Duration)> = None;
        let mut dirty = true;
        let mut woke: Option<Instant> = None;
        // The paths named by the events of the burst; `None`: walk.
        let mut hint: Option<Vec<String>> = None;
        // A failed write: report it, keep the build, schedule a retry.
        // `again`: this was a retry of the same build.
        let failed = |hooks: &mut dyn FnMut(&Report),
                      ready: &Ready,
                      e: String,
                      retry: &mut Option<(Instant, Duration)>,
                      again: bool| {
            let wait = retry.map_or(RETRY_FIRST, |(_, b)| (b * 2).min(RETRY_MAX));
            *retry = Some((Instant::now() + wait, wait));
            let mut r = ready.report(Write::Failed(format!(
                "{e}; the output folder keeps the last complete build; trying again in {} s or at the next change",
                wait.as_secs()
            )));
            r.retry = again;
            hooks(&r);
        };
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
                            drop_later(pending.take());
                            match w {
                                Write::Failed(e) => {
                                    failed(&mut |r| hooks.report(r), &ready, e, &mut retry, false);
                                    pending = Some(ready);
                                }
                                Write::Cancelled(_) => {
                                    hooks.report(&ready.report(w));
                                    pending = Some(ready);
                                }
                                w => {
                                    let done = matches!(w, Write::Complete(..));
                                    hooks.report(&ready.report(w));
                                    if done {
                                        retry = None;
                                        hooks.written(ready.number);
                                    }
                                    drop_later(ready);
                                }
                            }
                        }
                    }
                }
            }
            // Wait for the first event of a burst; with a build still to
            // write, only for the quiet window.
            let first = if pending.is_some() {
                let idle = match retry {
                    Some((at, _)) => at.saturating_duration_since(Instant::now()),
                    None => self.session.cfg.defer_writes.unwrap_or(quiet).max(quiet),
                };
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
                            w @ Write::Complete(..) => {
                                if retry.take().is_some() {
                                    let mut r = ready.report(w);
                                    r.retry = true;
                                    hooks.report(&r);
                                }
                                hooks.written(ready.number);
                                drop_later(ready);
                            }
                            Write::Cancelled(_) | Write::Deferred => pending = Some(ready),
                            Write::Failed(e) => {
                                let again = retry.is_some();
                                failed(&mut |r| hooks.report(r), &ready, e, &mut retry, again);
                                pending = Some(ready);
                            }
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
