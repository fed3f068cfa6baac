//! The parsed pipeline kept between rebuilds.
//!
//! Every path keeps its [`FileId`] for the whole session: the cached model
//! values carry spans with that id, so a file that did not change is never
//! read or parsed again. A path that disappears leaves a placeholder (an
//! empty source with an empty path, which no check iterates and no
//! diagnostic points at); a new path gets the next free id.
//!
//! On every [`State::refresh`] the folder is walked again and every file is
//! stat'ed; only files whose stamp (modification and change time in
//! nanoseconds, length, inode, device) changed are read again, and only
//! those whose bytes changed are parsed again, in parallel. Because the
//! walk is the truth and events are only a trigger, every way an editor
//! saves (in place, write-temporary-then-rename, delete and re-create,
//! backup copies) and every new or renamed subfolder is handled the same.
//!
//! File-system timestamps are coarse (a kernel tick): a file written twice
//! within one tick with the same length keeps its stamp. So a file whose
//! modification time was less than [`RACY`] old when it was read is
//! "racy" and is read again (and compared byte for byte) on the next
//! refresh, as git does for its index.

use crate::load::{self, Content, FileKind, LoadOptions, Loaded, Parsed};
use crate::source::{FileId, SourceFile};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How recent a modification must be for the file to be read again on the
/// next refresh even when its stamp did not change.
pub const RACY: Duration = Duration::from_secs(2);

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    mtime_ns: i128,
    ctime_ns: i128,
    len: u64,
    ino: u64,
    dev: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                mtime_ns: m.mtime() as i128 * 1_000_000_000 + m.mtime_nsec() as i128,
                ctime_ns: m.ctime() as i128 * 1_000_000_000 + m.ctime_nsec() as i128,
                len: m.len(),
                ino: m.ino(),
                dev: m.dev(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: std::io::Result<SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128)
            };
            Stamp {
                mtime_ns: ns(m.modified()),
                ctime_ns: ns(m.created()),
                len: m.len(),
                ino: 0,
                dev: 0,
            }
        }
    }

    fn modified(&self) -> SystemTime {
        let ns = self.mtime_ns.max(0) as u128;
        SystemTime::UNIX_EPOCH
            + Duration::new((ns / 1_000_000_000) as u64, (ns % 1_000_000_000) as u32)
    }
}

/// One path seen during the session.
struct Entry {
    rel: String,
    kind: FileKind,
    /// Found by the last walk.
    present: bool,
    /// Stamp when last read (`None`: could not be stat'ed).
    stamp: Option<Stamp>,
    /// Hash of the bytes last read (or of the read error).
    hash: u64,
    /// Read within [`RACY`] of its modification: read again next time.
    racy: bool,
    /// The parsed file.
    parsed: Option<Parsed>,
    /// A copy of `parsed`, made ahead of time ([`State::refill`]), that the
    /// next assembly moves into its pipeline instead of cloning then.
    spare: Option<Parsed>,
}

/// What changed since the previous refresh, by relative path (sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Files whose content changed.
    pub changed: Vec<String>,
    /// Files that appeared.
    pub added: Vec<String>,
    /// Files that disappeared.
    pub removed: Vec<String>,
    /// Whether the walk's own problems (skipped links, stray `.toml`
    /// files) changed.
    pub problems_changed: bool,
}

impl Delta {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && !self.problems_changed
    }

    /// Number of files that changed, appeared or disappeared.
    pub fn files(&self) -> usize {
        self.changed.len() + self.added.len() + self.removed.len()
    }
}

/// The parsed pipeline between rebuilds.
pub struct State {
    root: PathBuf,
    opts: LoadOptions,
    ids: HashMap<String, FileId>,
    entries: Vec<Entry>,
    /// Walk order of the present files, by id.
    order: Vec<FileId>,
    problems: Vec<crate::load::PathProblem>,
    /// Files read by the last refresh (for statistics and tests).
    last_read: usize,
    /// Files parsed by the last refresh.
    last_parsed: usize,
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.hash(&mut h);
    h.finish()
}

/// Reads a file's bytes (as [`load::read_bytes`] does) and hashes them.
fn read(path: &Path) -> (Content, u64) {
    let c = load::read_bytes(path);
    let h = match &c {
        Content::Bytes(b) => hash_bytes(b),
        Content::Failed(code, msg) => {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            1u8.hash(&mut h);
            code.as_str().hash(&mut h);
            msg.hash(&mut h);
            h.finish()
        }
    };
    (c, h)
}

impl State {
    /// An empty state for the pipeline at `root`; the first
    /// [`State::refresh`] reads everything.
    pub fn new(root: &Path, opts: LoadOptions) -> State {
        State {
            root: root.to_path_buf(),
            opts,
            ids: HashMap::new(),
            entries: Vec::new(),
            order: Vec::new(),
            problems: Vec::new(),
            last_read: 0,
            last_parsed: 0,
        }
    }

    /// Number of ids handed out (present files and placeholders).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True before the first refresh found anything.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Files read and parsed by the last refresh.
    pub fn last_work(&self) -> (usize, usize) {
        (self.last_read, self.last_parsed)
    }

    /// The id a path has in this session, if it was ever seen.
    pub fn id_of(&self, rel: &str) -> Option<FileId> {
        self.ids.get(rel).copied()
    }

    /// Walks the folder again, re-reads what changed and reports it.
    pub fn refresh(&mut self) -> Delta {
        let (found, problems) = load::walk(&self.root, &self.opts);
        let mut delta = Delta {
            problems_changed: problems != self.problems,
            ..Delta::default()
        };
        self.problems = problems;
        let was_present: Vec<bool> = self.entries.iter().map(|e| e.present).collect();
        for e in &mut self.entries {
            e.present = false;
        }
        self.order.clear();
        let mut paths: Vec<(FileId, PathBuf)> = Vec::with_capacity(found.len());
        for f in found {
            let id = match self.ids.get(&f.rel) {
                Some(&id) => id,
                None => {
                    let id = FileId(self.entries.len() as u32);
                    self.ids.insert(f.rel.clone(), id);
                    self.entries.push(Entry {
                        rel: f.rel.clone(),
                        kind: f.kind,
                        present: false,
                        stamp: None,
                        hash: 0,
                        racy: false,
                        parsed: None,
                        spare: None,
                    });
                    id
                }
            };
            let e = &mut self.entries[id.0 as usize];
            if e.present {
                // The walk never yields a path twice; be safe anyway.
                continue;
            }
            e.present = true;
            e.kind = f.kind;
            self.order.push(id);
            paths.push((id, f.path));
        }
        self.update(&paths, &was_present, &mut delta);
        for (ix, e) in self.entries.iter_mut().enumerate() {
            let was = ix < was_present.len() && was_present[ix];
            if was && !e.present {
                delta.removed.push(e.rel.clone());
                // Forget the content: a file re-created with the same
                // bytes is read and parsed again.
                e.parsed = None;
                e.spare = None;
                e.stamp = None;
                e.racy = false;
            } else if !was && e.present {
                delta.added.push(e.rel.clone());
            }
        }
        delta.changed.sort();
        delta.added.sort();
        delta.removed.sort();
        delta
    }

    /// Stats `paths` (present files, by id), reads those whose stamp
    /// changed (or that are racy or new), parses those whose bytes
    /// changed, and records them in `delta.changed` when they were present
    /// before (`was_present`).
    fn update(&mut self, paths: &[(FileId, PathBuf)], was_present: &[bool], delta: &mut Delta) {
        // Stat everything in parallel; decide what to read.
        let stamps: Vec<Option<Stamp>> = paths
            .par_iter()
            .with_min_len(256)
            .map(|(_, p)| std::fs::metadata(p).ok().map(|m| Stamp::of(&m)))
            .collect();
        let mut to_read: Vec<(FileId, &Path, Option<Stamp>)> = Vec::new();
        for ((id, path), stamp) in paths.iter().zip(stamps) {
            let e = &self.entries[id.0 as usize];
            if e.parsed.is_none() || e.racy || stamp.is_none() || e.stamp != stamp {
                to_read.push((*id, path.as_path(), stamp));
            }
        }
        let now = SystemTime::now();
        let read_now: Vec<(FileId, Option<Stamp>, Content, u64)> = to_read
            .into_par_iter()
            .with_min_len(16)
            .map(|(id, path, stamp)| {
                let (c, h) = read(path);
                (id, stamp, c, h)
            })
            .collect();
        self.last_read = read_now.len();
        let mut to_parse: Vec<(FileId, Content)> = Vec::new();
        for (id, stamp, content, hash) in read_now {
            let e = &mut self.entries[id.0 as usize];
            e.stamp = stamp;
            e.racy = stamp.is_none_or(|s| {
                now.duration_since(s.modified())
                    .map_or(true, |age| age < RACY)
            });
            if e.parsed.is_some() && e.hash == hash {
                continue;
            }
            e.hash = hash;
            to_parse.push((id, content));
        }
        self.last_parsed = to_parse.len();
        let entries = &self.entries;
        let parsed: Vec<(FileId, Parsed)> = to_parse
            .into_par_iter()
            .with_min_len(16)
            .map(|(id, content)| {
                let e = &entries[id.0 as usize];
                (id, load::parse_file(id, &e.rel, e.kind, content))
            })
            .collect();
        for (id, p) in parsed {
            let e = &mut self.entries[id.0 as usize];
            let ix = id.0 as usize;
            if ix < was_present.len() && was_present[ix] && e.parsed.is_some() {
                delta.changed.push(e.rel.clone());
            }
            e.parsed = Some(p);
            e.spare = None;
        }
    }

    /// Like [`State::refresh`], but only for the files named by events
    /// (`rels`, relative to the root): when every one is a file already
    /// known and still there (saved in place or replaced by a rename),
    /// only those are stat'ed and read, and the folder is not walked.
    /// Anything else (a new, removed or renamed path, a folder, a file
    /// outside the layout) needs a walk: then this is [`State::refresh`].
    /// `templates/` paths are not the state's business and are skipped.
    pub fn refresh_paths(&mut self, rels: &[String]) -> Delta {
        let mut paths: Vec<(FileId, PathBuf)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for rel in rels {
            if rel == "templates" || rel.starts_with("templates/") {
                continue;
            }
            let Some(&id) = self.ids.get(rel) else {
                return self.refresh();
            };
            if !seen.insert(id) {
                continue;
            }
            if !self.entries[id.0 as usize].present {
                return self.refresh();
            }
            let path = self.root.join(rel);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => paths.push((id, path)),
                _ => return self.refresh(),
            }
        }
        let was_present: Vec<bool> = self.entries.iter().map(|e| e.present).collect();
        let mut delta = Delta::default();
        self.update(&paths, &was_present, &mut delta);
        delta.changed.sort();
        delta
    }

    /// Copies every cached file ahead of the next [`State::assemble`], so
    /// that it only has to move them (copying is most of the cost of an
    /// assembly). Stops early when `cancel` becomes true; what is not
    /// copied then is copied by the assembly.
    pub fn refill(&mut self, cancel: &std::sync::atomic::AtomicBool) {
        use std::sync::atomic::Ordering;
        self.entries.par_iter_mut().with_min_len(256).for_each(|e| {
            if e.spare.is_none() && e.present && !cancel.load(Ordering::Relaxed) {
                e.spare = e.parsed.as_ref().map(copy);
            }
        });
    }

    /// Assembles the pipeline from the cached files, as
    /// [`load::load`] would from the folder as it was at the last refresh.
    ///
    /// Files are handed to the assembler in id order (its contract); the
    /// one list whose order follows the files, the targets, is then put in
    /// walk order, so the result matches a fresh load. (Which of two files
    /// defining the same id counts as "first" in an error message may
    /// differ from a fresh load; neither builds a site.)
    pub fn assemble(&mut self) -> Loaded {
        let parsed: Vec<Parsed> = self
            .entries
            .par_iter_mut()
            .with_min_len(256)
            .map(|e| match (&e.parsed, e.present) {
                (Some(p), true) => e.spare.take().unwrap_or_else(|| copy(p)),
                _ => placeholder(),
            })
            .collect();
        let mut loaded = load::assemble(&self.root, parsed, self.problems.clone());
        if self.order.windows(2).any(|w| w[0] > w[1]) {
            let mut rank = vec![u32::MAX; self.entries.len()];
            for (r, id) in self.order.iter().enumerate() {
                rank[id.0 as usize] = r as u32;
            }
            let rank_of = |f: FileId| rank.get(f.0 as usize).copied().unwrap_or(u32::MAX);
            loaded
                .pipeline
                .targets
                .sort_by_key(|t| rank_of(t.span.file));
        }
        loaded
    }
}

/// A copy of a parsed file (the text itself is shared).
fn copy(p: &Parsed) -> Parsed {
    Parsed {
        source: p.source.clone(),
        item: p.item.clone(),
        diags: p.diags.clone(),
    }
}

/// A removed path: an empty source with an empty path, and an item that
/// places nothing (an empty targets file).
fn placeholder() -> Parsed {
    let mut p = load::parse_file(FileId(0), "", FileKind::Targets, Content::Bytes(Vec::new()));
    p.source = SourceFile::new(String::new(), Arc::from(""));
    p.diags.clear();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_places_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load::assemble(dir.path(), vec![placeholder()], Vec::new());
        assert!(loaded.pipeline.targets.is_empty());
        assert!(loaded.pipeline.deals.is_empty());
        assert_eq!(loaded.pipeline.sources.get(FileId(0)).rel_path, "");
    }
}
