//! File-system events: only a trigger for a rebuild, never a description
//! of what changed (the rebuild walks and stats the folder itself, see
//! [`super::state`]). So there is no need to pair renames or to track
//! single files: the pipeline root is watched recursively (folders, so new
//! subfolders and files created by renames are seen), and every event on a
//! path that is not ignored wakes the loop. With `--poll` a timer wakes it
//! instead.
//!
//! Ignored: the output folder (writing the site must never trigger a
//! rebuild), anything under a dot-folder or named with a leading dot
//! (`.git`, vim's `.x.toml.swp`, emacs's `.#x.toml` locks), and the
//! temporary and backup files of editors: `*~`, `*.swp`, `*.swx`, `*.swo`,
//! vim's `4913` probe, emacs's `#x.toml#`, JetBrains' `*___jb_tmp___` and
//! `*___jb_old___`, `*.bak`, `*.tmp`, `*.orig`. Access events (a file opened
//! or read, which the rebuild itself causes) are ignored too.

use notify::event::{AccessKind, AccessMode, EventKind};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// What the event source tells the loop.
#[derive(Debug)]
pub enum Msg {
    /// Something relevant happened at these paths.
    Changed(Vec<PathBuf>),
    /// The watcher reported an error (the loop keeps going).
    Error(String),
    /// Polling: time to look again (`--poll`).
    Poll,
    /// Stop watching (Ctrl-C).
    Stop,
}

/// Whether a file name is an editor's temporary, swap or backup file.
pub fn is_scratch_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || [".swp", ".swx", ".swo", ".bak", ".tmp", ".orig"]
            .iter()
            .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// Decides which event paths matter.
#[derive(Debug, Clone)]
pub struct Filter {
    root: PathBuf,
    output: Option<PathBuf>,
}

impl Filter {
    /// A filter for the pipeline at `root` (canonical) writing into
    /// `output` (canonical, if it is inside the root).
    pub fn new(root: PathBuf, output: Option<PathBuf>) -> Filter {
        Filter { root, output }
    }

    /// Whether an event at `path` should trigger a rebuild.
    pub fn relevant(&self, path: &Path) -> bool {
        if let Some(out) = &self.output
            && path.starts_with(out)
        {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            // Outside the root (e.g. the root folder itself was moved).
            return true;
        };
        for c in rel.components() {
            match c {
                Component::Normal(n) => {
                    let n = n.to_string_lossy();
                    if n.starts_with('.') {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        match rel.file_name() {
            Some(n) => !is_scratch_name(&n.to_string_lossy()),
            None => true,
        }
    }

    /// Whether an event of this kind can mean a change.
    pub fn relevant_kind(kind: &EventKind) -> bool {
        match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        }
    }
}

/// A running watcher; dropping it stops the events.
pub struct Watcher {
    _inner: Option<Box<dyn notify::Watcher + Send>>,
    _ticker: Option<Ticker>,
}

/// The polling thread; dropping it stops it.
struct Ticker(Arc<AtomicBool>);

impl Drop for Ticker {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Starts watching `root` recursively, sending [`Msg::Changed`] for every
/// batch of relevant paths and setting `dirty` (which cancels a write in
/// progress).
///
/// `poll` sends [`Msg::Poll`] at that interval instead, and the loop's
/// refresh (which stats every file with nanosecond stamps anyway) finds
/// what changed. notify's `PollWatcher` is not used: it compares
/// modification times in whole seconds, so a save in the same second as
/// its previous scan would go unseen, unless it hashed every file on every
/// scan.
pub fn start(
    root: &Path,
    filter: Filter,
    poll: Option<Duration>,
    tx: Sender<Msg>,
    dirty: Arc<AtomicBool>,
) -> notify::Result<Watcher> {
    if let Some(every) = poll {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("dealbook-poll".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    if stopped.load(Ordering::SeqCst) || tx.send(Msg::Poll).is_err() {
                        break;
                    }
                }
            })
            .map_err(notify::Error::io)?;
        return Ok(Watcher {
            _inner: None,
            _ticker: Some(Ticker(stop)),
        });
    }
    let handler = move |res: notify::Result<notify::Event>| {
        let msg = match res {
            Ok(ev) => {
                if !Filter::relevant_kind(&ev.kind) {
                    return;
                }
                let paths: Vec<PathBuf> = ev
                    .paths
                    .into_iter()
                    .filter(|p| filter.relevant(p))
                    .collect();
                if paths.is_empty() {
                    // A rescan request has no paths: it matters.
                    if !ev
                        .attrs
                        .flag()
                        .is_some_and(|f| f == notify::event::Flag::Rescan)
                    {
                        return;
                    }
                }
                dirty.store(true, Ordering::SeqCst);
                Msg::Changed(paths)
            }
            Err(e) => Msg::Error(e.to_string()),
        };
        let _ = tx.send(msg);
    };
    let mut inner = notify::recommended_watcher(handler)?;
    notify::Watcher::watch(&mut inner, root, notify::RecursiveMode::Recursive)?;
    Ok(Watcher {
        _inner: Some(Box::new(inner)),
        _ticker: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files() {
        for n in [
            ".a.toml.swp",
            "a.toml.swp",
            "a.toml.swx",
            "a.toml~",
            "4913",
            "#a.toml#",
            ".#a.toml",
            "a.toml___jb_tmp___",
            "a.toml___jb_old___",
            "a.toml.bak",
            "a.toml.tmp",
        ] {
            assert!(is_scratch_name(n), "{n}");
        }
        for n in ["a.toml", "dealbook.toml", "deal.html", "style.css", "tmp"] {
            assert!(!is_scratch_name(n), "{n}");
        }
    }

    #[test]
    fn filter_ignores_output_and_dot_folders() {
        let f = Filter::new("/p".into(), Some("/p/public".into()));
        assert!(f.relevant(Path::new("/p/deals/a.toml")));
        assert!(f.relevant(Path::new("/p/deals/new-folder")));
        assert!(f.relevant(Path::new("/p/templates/deal.html")));
        assert!(!f.relevant(Path::new("/p/public/index.html")));
        assert!(!f.relevant(Path::new("/p/public")));
        assert!(!f.relevant(Path::new("/p/.git/index")));
        assert!(!f.relevant(Path::new("/p/deals/.a.toml.swp")));
        assert!(!f.relevant(Path::new("/p/deals/a.toml~")));
        assert!(!f.relevant(Path::new("/p/deals/4913")));
        assert!(f.relevant(Path::new("/p")));
    }
}
