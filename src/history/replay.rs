//! One pipeline replayed through the history: each path of the pipeline
//! folder keeps one [`FileId`] for the whole run (its model values carry
//! spans with it), each version of a file is parsed once, and the pipeline
//! of a revision is the previous one patched with the files that changed,
//! so the cost grows with what changed, not with commits × files.
//!
//! Patching: a deal or account file changed in place (same id) replaces
//! its model value and resolves that deal's references again; one added or
//! removed is inserted or taken out of the id-sorted list, and the lookup
//! tables are rebuilt. Anything else (the settings, the team, a targets
//! file, two files with one id) rebuilds the pipeline from the cached
//! parses with [`load::Assembler`], as a fresh load of that revision would
//! build it. Either way the result is the pipeline a checkout of the
//! revision loads (up to the order of its files).

use crate::diag::Severity;
use crate::ix::DealIx;
use crate::load::{self, Content, FileKind, Item, Parsed};
use crate::model::Pipeline;
use crate::source::{FileId, SourceFile};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One version of a file, parsed.
pub struct Version {
    /// Its blob id (or "worktree" for a file of the working tree).
    pub oid: String,
    /// The parse.
    pub parsed: Parsed,
    /// Errors of the parse.
    pub errors: usize,
}

impl Version {
    /// Parses `content`, the version of the file `rel` (with id `id`).
    pub fn parse(id: FileId, rel: &str, kind: FileKind, oid: String, content: Content) -> Version {
        Version::of(oid, load::parse_file(id, rel, kind, content))
    }

    /// The version with blob id `oid` that parsed as `parsed`.
    pub fn of(oid: String, parsed: Parsed) -> Version {
        let errors = parsed
            .diags
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count();
        Version {
            oid,
            parsed,
            errors,
        }
    }

    /// The deal this version defines, if it is a readable deal file.
    pub fn deal(&self) -> Option<&crate::model::Deal> {
        match &self.parsed.item {
            Item::Deal(d) => Some(d),
            _ => None,
        }
    }
}

/// A path of the pipeline folder.
pub struct Slot {
    /// Relative path.
    pub rel: String,
    /// What it is.
    pub kind: FileKind,
    /// Its version now; none while it does not exist.
    pub now: Option<Arc<Version>>,
    /// The id of the deal or account it put into the pipeline.
    placed: Option<String>,
}

/// The replayed pipeline.
pub struct Replay {
    root: PathBuf,
    /// Every path seen, by [`FileId`].
    pub slots: Vec<Slot>,
    ids: HashMap<String, u32>,
    /// Deal file paths by stem (the deal id).
    deal_files: HashMap<String, Vec<u32>>,
    pipeline: Option<Pipeline>,
    dirty: BTreeSet<u32>,
    structural: bool,
    /// Present deal and account files by (is a deal, stem).
    stems: HashMap<(bool, String), u32>,
    /// Stems held by more than one file.
    duplicates: usize,
    /// Σ errors of the present files' parses.
    parse_errors: usize,
    /// Present `dealbook.toml` and `team.toml`.
    settings_files: usize,
    team_files: usize,
    /// Times the pipeline was rebuilt from all files (not patched).
    pub rebuilds: usize,
    /// The errors of the deal rules per deal file, kept from one snapshot
    /// to the next.
    pub deal_checks: DealChecks,
}

/// The errors of the [`Reach::Deal`] rules, per deal file: they change
/// only with that file or the files other than deals, so between two
/// snapshots only the deals whose files changed are checked again (all of
/// them after a change to the settings, the team or an account).
///
/// [`Reach::Deal`]: crate::check::Reach::Deal
#[derive(Debug, Default)]
pub struct DealChecks {
    /// Errors by deal file.
    errors: HashMap<u32, usize>,
    /// Deal files changed since they were last checked.
    dirty: BTreeSet<u32>,
    /// Check every deal (nothing checked yet, or a file other than a
    /// deal's changed).
    all: bool,
    /// Deals checked (for the statistics).
    pub checked: usize,
}

impl DealChecks {
    /// The errors of the deal rules in `p` (the replay's pipeline now) as
    /// of `as_of`, checking only what may have changed.
    pub fn count(&mut self, p: &Pipeline, as_of: jiff::civil::Date) -> usize {
        use crate::check::{Reach, errors};
        if self.all {
            self.errors.clear();
            for e in errors(p, as_of, Reach::Deal, None) {
                *self.errors.entry(e.span.file.0).or_default() += 1;
            }
            self.checked += p.deals.len();
        } else if !self.dirty.is_empty() {
            let only: Vec<usize> = p
                .deals
                .iter()
                .enumerate()
                .filter(|(_, d)| self.dirty.contains(&d.file.0))
                .map(|(i, _)| i)
                .collect();
            for f in &self.dirty {
                self.errors.remove(f);
            }
            for e in errors(p, as_of, Reach::Deal, Some(&only)) {
                *self.errors.entry(e.span.file.0).or_default() += 1;
            }
            self.checked += only.len();
        }
        self.all = false;
        self.dirty.clear();
        self.errors.values().sum()
    }
}

fn empty_source() -> SourceFile {
    SourceFile::new(String::new(), Arc::from(""))
}

/// A path that does not exist at this revision: an empty source with an
/// empty path (no check iterates it) that places nothing.
fn placeholder() -> Parsed {
    Parsed {
        source: empty_source(),
        item: Item::Targets(Vec::new()),
        diags: Vec::new(),
    }
}

impl Replay {
    /// An empty replay of the pipeline folder `root` (for messages only).
    pub fn new(root: &Path) -> Replay {
        Replay {
            root: root.to_path_buf(),
            slots: Vec::new(),
            ids: HashMap::default(),
            deal_files: HashMap::default(),
            pipeline: None,
            dirty: BTreeSet::new(),
            structural: false,
            stems: HashMap::default(),
            duplicates: 0,
            parse_errors: 0,
            settings_files: 0,
            team_files: 0,
            rebuilds: 0,
            deal_checks: DealChecks {
                all: true,
                ..DealChecks::default()
            },
        }
    }

    /// The id of a path, creating it (absent) on first sight.
    pub fn slot(&mut self, rel: &str, kind: FileKind) -> FileId {
        if let Some(&id) = self.ids.get(rel) {
            return FileId(id);
        }
        let id = self.slots.len() as u32;
        self.slots.push(Slot {
            rel: rel.to_string(),
            kind,
            now: None,
            placed: None,
        });
        self.ids.insert(rel.to_string(), id);
        if kind == FileKind::Deal {
            self.deal_files
                .entry(load::stem_of(rel).to_string())
                .or_default()
                .push(id);
        }
        FileId(id)
    }

    /// Takes the files of the working tree, as the load read them (in
    /// [`FileId`] order, [`load::LoadOptions::keep`]), as the first
    /// slots, so that each keeps its id: the versions returned, by path id
    /// and blob id, then need no reading from git nor parsing when a
    /// commit has the same blob at the same path. Call it on a fresh
    /// replay, before any other slot.
    pub fn seed(&mut self, kept: Vec<load::Kept>) -> Versions {
        let mut out = Versions::default();
        for (i, k) in kept.into_iter().enumerate() {
            let Some(kind) = FileKind::of(&k.parsed.source.rel_path) else {
                break;
            };
            let id = self.slot(&k.parsed.source.rel_path, kind);
            if id.0 as usize != i {
                // Not a fresh replay: the ids would not match the parses'.
                break;
            }
            if let Some(oid) = k.oid {
                out.insert((id.0, oid.clone()), Arc::new(Version::of(oid, k.parsed)));
            }
        }
        out
    }

    /// The deal file paths with this stem (deal id), ever seen.
    pub fn deal_files(&self, stem: &str) -> impl Iterator<Item = &Slot> {
        self.deal_files
            .get(stem)
            .into_iter()
            .flatten()
            .map(|&i| &self.slots[i as usize])
    }

    /// The id of a path, if it was ever seen.
    pub fn id_of(&self, rel: &str) -> Option<FileId> {
        self.ids.get(rel).map(|&i| FileId(i))
    }

    fn count_stem(&mut self, slot: u32, delta: i32) {
        let s = &self.slots[slot as usize];
        let deal = match s.kind {
            FileKind::Deal => true,
            FileKind::Account => false,
            _ => return,
        };
        let key = (deal, load::stem_of(&s.rel).to_string());
        let n = self.stems.entry(key.clone()).or_default();
        let before = *n;
        *n = (*n as i32 + delta).max(0) as u32;
        match (before, *n) {
            (1, 2) => self.duplicates += 1,
            (2, 1) => self.duplicates -= 1,
            _ => {}
        }
        if *n == 0 {
            self.stems.remove(&key);
        }
    }

    /// Sets the version of a path (none: removed).
    pub fn set(&mut self, id: FileId, v: Option<Arc<Version>>) {
        let ix = id.0;
        let slot = &self.slots[ix as usize];
        if let (Some(a), Some(b)) = (&slot.now, &v)
            && Arc::ptr_eq(a, b)
        {
            return;
        }
        let was = slot.now.is_some();
        if let Some(old) = &slot.now {
            self.parse_errors -= old.errors;
        }
        if let Some(new) = &v {
            self.parse_errors += new.errors;
        }
        let kind = slot.kind;
        match (was, v.is_some()) {
            (true, false) => self.count_stem(ix, -1),
            (false, true) => self.count_stem(ix, 1),
            _ => {}
        }
        let counter = match kind {
            FileKind::Settings => Some(&mut self.settings_files),
            FileKind::Team => Some(&mut self.team_files),
            _ => None,
        };
        if let Some(c) = counter {
            match (was, v.is_some()) {
                (true, false) => *c -= 1,
                (false, true) => *c += 1,
                _ => {}
            }
        }
        if matches!(
            kind,
            FileKind::Settings | FileKind::Team | FileKind::Targets
        ) {
            self.structural = true;
        }
        self.slots[ix as usize].now = v;
        self.dirty.insert(ix);
        match kind {
            FileKind::Deal => {
                self.deal_checks.dirty.insert(ix);
            }
            FileKind::Targets => {}
            _ => self.deal_checks.all = true,
        }
    }

    /// Errors of the files themselves (their parses) and of the layout (a
    /// missing `dealbook.toml` or `team.toml`), before the checks.
    pub fn file_errors(&self) -> usize {
        self.parse_errors
            + usize::from(self.settings_files == 0)
            + usize::from(self.team_files == 0)
    }

    /// The pipeline as the slots are now.
    pub fn pipeline(&mut self) -> &Pipeline {
        let patched =
            self.pipeline.is_some() && !self.structural && self.duplicates == 0 && self.patch();
        if !patched {
            self.rebuild();
        }
        self.dirty.clear();
        self.structural = false;
        self.pipeline.as_ref().expect("built above")
    }

    /// Builds the pipeline from every file, in id order.
    fn rebuild(&mut self) {
        self.rebuilds += 1;
        let parsed: Vec<Parsed> = self
            .slots
            .par_iter()
            .with_min_len(256)
            .map(|s| {
                s.now
                    .as_ref()
                    .map_or_else(placeholder, |v| v.parsed.clone())
            })
            .collect();
        for s in &mut self.slots {
            s.placed = s.now.as_ref().and_then(|v| match &v.parsed.item {
                Item::Deal(d) => Some(d.id.to_string()),
                Item::Account(a) => Some(a.id.to_string()),
                _ => None,
            });
        }
        // The previous pipeline is freed on another thread: dropping 10k
        // deals takes as long as building them.
        if let Some(old) = self.pipeline.take() {
            rayon::spawn(move || drop(old));
        }
        let loaded = load::assemble(&self.root, parsed, Vec::new());
        self.pipeline = Some(loaded.pipeline);
    }

    /// Patches the dirty deal and account files into the pipeline; false
    /// when it cannot (then the caller rebuilds).
    fn patch(&mut self) -> bool {
        let Some(p) = self.pipeline.as_mut() else {
            return false;
        };
        let mut reindex = false;
        let mut replaced = Vec::new();
        for &ix in &self.dirty {
            let slot = &mut self.slots[ix as usize];
            let id = FileId(ix);
            let source = slot
                .now
                .as_ref()
                .map_or_else(empty_source, |v| v.parsed.source.clone());
            while p.sources.len() <= ix as usize {
                p.sources.add(empty_source());
            }
            p.sources.replace(id, source);
            let stem = load::stem_of(&slot.rel).to_string();
            let present = slot.now.is_some();
            let item = slot.now.as_ref().map(|v| &v.parsed.item);
            match slot.kind {
                FileKind::Deal => {
                    let new = match item {
                        Some(Item::Deal(d)) => Some(d),
                        _ => None,
                    };
                    let old = slot.placed.take();
                    let find = |p: &Pipeline, key: &str| {
                        p.deals.binary_search_by(|d| d.id.as_str().cmp(key))
                    };
                    match (old, new) {
                        (Some(o), Some(d)) if o == d.id.as_str() => {
                            let Ok(at) = find(p, &o) else { return false };
                            p.deals[at] = (**d).clone();
                            replaced.push(DealIx::new(at));
                            slot.placed = Some(o);
                        }
                        (old, new) => {
                            if let Some(o) = old {
                                let Ok(at) = find(p, &o) else { return false };
                                p.deals.remove(at);
                                reindex = true;
                            }
                            if let Some(d) = new {
                                let Err(at) = find(p, d.id.as_str()) else {
                                    return false;
                                };
                                p.deals.insert(at, (**d).clone());
                                slot.placed = Some(d.id.to_string());
                                reindex = true;
                            }
                        }
                    }
                }
                FileKind::Account => {
                    let new = match item {
                        Some(Item::Account(a)) => Some(a),
                        _ => None,
                    };
                    let old = slot.placed.take();
                    let find = |p: &Pipeline, key: &str| {
                        p.accounts.binary_search_by(|a| a.id.as_str().cmp(key))
                    };
                    match (old, new) {
                        (Some(o), Some(a)) if o == a.id.as_str() => {
                            let Ok(at) = find(p, &o) else { return false };
                            p.accounts[at] = (**a).clone();
                            slot.placed = Some(o);
                        }
                        (old, new) => {
                            if let Some(o) = old {
                                let Ok(at) = find(p, &o) else { return false };
                                p.accounts.remove(at);
                                reindex = true;
                            }
                            if let Some(a) = new {
                                let Err(at) = find(p, a.id.as_str()) else {
                                    return false;
                                };
                                p.accounts.insert(at, (**a).clone());
                                slot.placed = Some(a.id.to_string());
                                reindex = true;
                            }
                        }
                    }
                    if present {
                        p.coverage.account_stems.insert(stem);
                    } else {
                        p.coverage.account_stems.remove(&stem);
                    }
                }
                _ => return false,
            }
        }
        if reindex {
            p.resolve();
        } else {
            for at in replaced {
                p.resolve_deal(at);
            }
        }
        true
    }
}

/// What to parse: a path's id, kind and relative path, and the version's
/// blob id.
pub struct Wanted {
    /// The path's id.
    pub id: FileId,
    /// Its kind.
    pub kind: FileKind,
    /// Its relative path.
    pub rel: String,
    /// The blob.
    pub oid: String,
}

/// The content of a blob as a file's content: refused when too large.
fn content(b: Vec<u8>) -> Content {
    if b.len() as u64 > load::MAX_FILE_BYTES {
        Content::Failed(
            crate::diag::Code::TooLarge,
            format!(
                "file is {} bytes; the limit is {} bytes",
                b.len(),
                load::MAX_FILE_BYTES
            ),
        )
    } else {
        Content::Bytes(b)
    }
}

/// Parses a batch of versions.
fn parse_batch(batch: Vec<(Wanted, Content)>) -> Batch {
    batch
        .into_iter()
        .map(|(w, c)| {
            let v = Version::parse(w.id, &w.rel, w.kind, w.oid.clone(), c);
            ((w.id.0, w.oid), Arc::new(v))
        })
        .collect()
}

/// Every version parsed, by path id and blob id.
pub type Versions = HashMap<(u32, String), Arc<Version>>;

/// Versions parsed per job: enough to amortise the scheduling.
const BATCH: usize = 64;

/// A batch of versions parsed together.
pub type Batch = Vec<((u32, String), Arc<Version>)>;

/// Parsed versions as they arrive from [`read_and_parse`], waited for
/// one at a time.
pub struct Arrivals {
    rx: std::sync::mpsc::Receiver<Batch>,
    got: Versions,
    /// How long [`Arrivals::get`] waited, in all.
    pub waited: std::time::Duration,
}

impl Arrivals {
    /// Versions that will arrive through `rx`, besides those `got`
    /// already.
    pub fn new(rx: std::sync::mpsc::Receiver<Batch>, got: Versions) -> Arrivals {
        Arrivals {
            rx,
            got,
            waited: std::time::Duration::ZERO,
        }
    }

    /// The version of path `id` with blob `oid`, waiting until it is
    /// parsed; none when it never comes (git failed: the reader says why).
    pub fn get(&mut self, id: u32, oid: &str) -> Option<Arc<Version>> {
        let key = (id, oid.to_string());
        loop {
            if let Some(v) = self.got.get(&key) {
                return Some(v.clone());
            }
            let clock = std::time::Instant::now();
            let batch = self.rx.recv();
            self.waited += clock.elapsed();
            match batch {
                Ok(batch) => self.got.extend(batch),
                Err(_) => return None,
            }
        }
    }
}

/// Blobs already read from git, by blob id.
pub type Fetched = HashMap<String, Vec<u8>>;

/// Reads every wanted version's blob (those not `fetched` already) through
/// one `git cat-file --batch`, in the order wanted, and parses each
/// version once, on the thread pool, while git sends the next ones; each
/// batch parsed goes to `sink` (so the replay can start on the first
/// commits while the last are read). Returns how long git took.
pub fn read_and_parse(
    repo: &crate::diff::git::Repo,
    wanted: Vec<Wanted>,
    mut fetched: Fetched,
    sink: std::sync::mpsc::Sender<Batch>,
) -> Result<std::time::Duration, crate::diff::git::GitError> {
    // Each blob, with the paths that want it (usually one; the same
    // content at two paths is parsed for each, since a file's id is its
    // name), in the order first wanted.
    let mut by_oid: HashMap<String, Vec<Wanted>> = HashMap::default();
    let mut oids: Vec<String> = Vec::new();
    for w in wanted {
        let e = by_oid.entry(w.oid.clone()).or_default();
        if e.is_empty() {
            oids.push(w.oid.clone());
        }
        e.push(w);
    }
    // Those read already, in the order wanted, then the others from git.
    let (have, refs): (Vec<&str>, Vec<&str>) = oids
        .iter()
        .map(String::as_str)
        .partition(|o| fetched.contains_key(*o));
    let started = std::time::Instant::now();
    if rayon::current_thread_index().is_some() {
        // On a pool thread, waiting for git while the pool parses could
        // leave no thread to parse: read everything, then parse.
        let blobs = repo.blobs(&refs)?;
        let read_time = started.elapsed();
        let mut jobs: Vec<(Wanted, Content)> = Vec::new();
        let have = have
            .iter()
            .map(|o| (*o, fetched.remove(*o).unwrap_or_default()));
        for (oid, bytes) in have.chain(refs.iter().copied().zip(blobs)) {
            for w in by_oid.remove(oid).unwrap_or_default() {
                jobs.push((w, content(bytes.clone())));
            }
        }
        let parsed: Batch = jobs
            .into_par_iter()
            .with_min_len(BATCH)
            .map(|j| parse_batch(vec![j]))
            .flatten()
            .collect();
        let _ = sink.send(parsed);
        return Ok(read_time);
    }
    let mut read_time = std::time::Duration::ZERO;
    rayon::in_place_scope(|scope| {
        let mut batch: Vec<(Wanted, Content)> = Vec::with_capacity(BATCH);
        let spawn = |batch: Vec<(Wanted, Content)>| {
            let sink = sink.clone();
            scope.spawn(move |_| {
                // A closed receiver: the replay stopped; nothing to do.
                let _ = sink.send(parse_batch(batch));
            });
        };
        let mut each = |oid: &str, bytes: Vec<u8>| {
            let mut ws = by_oid.remove(oid).unwrap_or_default();
            let last = ws.pop();
            for w in ws {
                batch.push((w, content(bytes.clone())));
            }
            if let Some(w) = last {
                batch.push((w, content(bytes)));
            }
            if batch.len() >= BATCH {
                spawn(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        };
        for oid in have {
            each(oid, fetched.remove(oid).unwrap_or_default());
        }
        let r = repo.blobs_each(&refs, |k, bytes| each(refs[k], bytes));
        read_time = started.elapsed();
        if !batch.is_empty() {
            spawn(batch);
        }
        r
    })?;
    Ok(read_time)
}
