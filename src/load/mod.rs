//! Loading a pipeline folder: walk it, read and parse every `.toml` file in
//! parallel, and turn each into typed model values. Every problem (a file
//! that cannot be read, is not UTF-8, is too large, is not TOML, has the
//! wrong shape) becomes a diagnostic; loading never stops early and never
//! panics on user data.

mod convert;

use crate::diag::{Code, Diagnostic};
use crate::model::{Coverage, Index, Pipeline};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::spec::{self, Kind};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use convert::{Item, default_settings, stem_of};

/// Files larger than this are not read (a deal file is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Which part of the pipeline a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `dealbook.toml`.
    Settings,
    /// `team.toml`.
    Team,
    /// `accounts/**/<id>.toml`.
    Account,
    /// `deals/**/<id>.toml`.
    Deal,
    /// `targets/**/*.toml`.
    Targets,
}

impl FileKind {
    /// The spec the file is read against.
    pub fn spec(self) -> &'static Kind {
        match self {
            FileKind::Settings => &spec::SETTINGS,
            FileKind::Team => &spec::TEAM_FILE,
            FileKind::Account => &spec::ACCOUNT,
            FileKind::Deal => &spec::DEAL,
            FileKind::Targets => &spec::TARGETS_FILE,
        }
    }

    /// Classifies a path relative to the pipeline root (with `/`
    /// separators); `None` for `.toml` files outside the layout.
    pub fn of(rel: &str) -> Option<FileKind> {
        match rel {
            "dealbook.toml" => Some(FileKind::Settings),
            "team.toml" => Some(FileKind::Team),
            _ if rel.starts_with("accounts/") => Some(FileKind::Account),
            _ if rel.starts_with("deals/") => Some(FileKind::Deal),
            _ if rel.starts_with("targets/") => Some(FileKind::Targets),
            _ => None,
        }
    }
}

/// What to skip besides the defaults (`public/`, `templates/`, dot-folders).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Extra folders not to walk (e.g. a custom `--output` inside the pipeline).
    pub skip: Vec<PathBuf>,
    /// Free the text of every file that parses without a problem, to be
    /// read again only if a later check points into it (see
    /// [`SourceMap::restore`], which [`crate::finish`] calls). For one-shot
    /// commands on large pipelines; off by default.
    pub drop_clean_text: bool,
    /// Keep a copy of each file's parse with the git blob id of its bytes
    /// ([`Loaded::kept`]), for the history to start from instead of
    /// reading and parsing the same files again from git. Off by default.
    pub keep: bool,
}

/// A pipeline file found by the walk.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Absolute (or root-joined) path to read.
    pub path: PathBuf,
    /// What it is.
    pub kind: FileKind,
}

/// The raw bytes of a file, or why there are none.
pub enum Content {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// It could not be read: the diagnostic to report.
    Failed(Code, String),
}

/// The outcome of loading one file.
#[derive(Clone)]
pub struct Parsed {
    /// The text and path.
    pub source: SourceFile,
    /// The typed content.
    pub item: convert::Item,
    /// Problems found in it.
    pub diags: Vec<Diagnostic>,
}

/// A path the walk found that cannot be part of the pipeline (a symbolic
/// link out of the tree or in a loop, a folder named `*.toml`, a `.toml`
/// file outside the layout, an unreadable entry). It is reported against
/// the path, since such a file has no [`FileId`] yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    /// The path relative to the root, with `/` (empty: the root itself).
    pub rel: String,
    /// What is wrong.
    pub code: Code,
    /// The diagnostic's message.
    pub message: String,
}

impl PathProblem {
    /// A problem of `rel`.
    pub fn new(rel: String, code: Code, message: String) -> PathProblem {
        PathProblem { rel, code, message }
    }
}

/// Everything loading found.
pub struct Loaded {
    /// The pipeline (possibly partial).
    pub pipeline: Pipeline,
    /// Problems of the files themselves and their shape.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`LoadOptions::keep`]: each file read, in [`FileId`] order;
    /// empty otherwise.
    pub kept: Vec<Kept>,
}

/// A file's parse kept for the history ([`LoadOptions::keep`]).
#[derive(Clone)]
pub struct Kept {
    /// The git blob id of the bytes read (`git hash-object`'s SHA-1, in
    /// hex); none when the file could not be read.
    pub oid: Option<String>,
    /// A copy of the parse, its text kept.
    pub parsed: Parsed,
}

/// The id git gives a blob of these bytes: the SHA-1 of `blob <len>\0`
/// and the bytes, in hex (as `git hash-object` prints it).
pub fn git_blob_id(bytes: &[u8]) -> String {
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize()
        .iter()
        .fold(String::with_capacity(40), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Walks `root` and returns the pipeline files, plus diagnostics for paths
/// that cannot be part of it (symlinks out of the tree, loops, folders named
/// `*.toml`, `.toml` files outside the layout), as [`PathProblem`]s.
pub fn walk(root: &Path, opts: &LoadOptions) -> (Vec<FoundFile>, Vec<PathProblem>) {
    let mut found = Vec::new();
    let problems = walk_each(root, opts, |f| found.push(f));
    (found, problems)
}

/// [`walk`], handing each pipeline file to `on_file` as soon as it is
/// found (in the same order), and returning the problems.
fn walk_each(
    root: &Path,
    opts: &LoadOptions,
    mut on_file: impl FnMut(FoundFile),
) -> Vec<PathProblem> {
    let mut problems: Vec<PathProblem> = Vec::new();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let skip: Vec<PathBuf> = opts
        .skip
        .iter()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()))
        .collect();
    let root_bytes = root.as_os_str().as_encoded_bytes();
    let rel_of = |p: &Path| -> String {
        // Fast path: walkdir joins plain names onto the root, so with `/`
        // as the separator the rest of the path's bytes after the root's
        // and a `/` are already the answer (`Path::strip_prefix` compares
        // component by component: 1% of check's CPU on 100k deals).
        if std::path::MAIN_SEPARATOR == '/'
            && let Some(r) = p.as_os_str().as_encoded_bytes().strip_prefix(root_bytes)
            && let Some(r) = r
                .strip_prefix(b"/")
                .or(root_bytes.ends_with(b"/").then_some(r))
            && let Ok(s) = std::str::from_utf8(r)
            && !s.is_empty()
            && !s.contains("//")
            && !s.starts_with('/')
            && !s.ends_with('/')
            && !s.split('/').any(|c| c == "." || c == "..")
        {
            return s.to_owned();
        }
        let rel = p.strip_prefix(root);
        rel.unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut link_problems: Vec<PathProblem> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        // By file name, as `sort_by_file_name` does, but comparing the
        // whole paths' bytes: siblings share their parent's path, so the
        // order is the same, without taking each name out of its path
        // (`Path::file_name`) at every comparison (walkdir's sort by
        // name cost `check` of 100k deals 2% of its CPU).
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            if e.depth() == 1 && e.file_type().is_dir() && (name == "public" || name == "templates")
            {
                return false;
            }
            if !skip.is_empty()
                && e.file_type().is_dir()
                && let Ok(c) = e.path().canonicalize()
                && skip.contains(&c)
            {
                return false;
            }
            if e.path_is_symlink() {
                match e.path().canonicalize() {
                    Ok(target) if target.starts_with(&canon_root) => {}
                    Ok(_) => {
                        link_problems.push(PathProblem::new(
                            rel_of(e.path()),
                            Code::SkippedLink,
                            "symbolic link leads outside the pipeline folder; skipped".into(),
                        ));
                        return false;
                    }
                    Err(_) => return true, // reported by the walk as an error below
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let rel = err.path().map(rel_of).unwrap_or_default();
                if err.loop_ancestor().is_some() {
                    problems.push(PathProblem::new(
                        rel,
                        Code::SkippedLink,
                        "symbolic link loop; skipped".into(),
                    ));
                } else if err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                {
                    problems.push(PathProblem::new(
                        rel,
                        Code::SkippedLink,
                        "broken symbolic link; skipped".into(),
                    ));
                } else if rel.ends_with(".toml") || err.depth() > 0 {
                    // The I/O error alone: walkdir's own message repeats the
                    // absolute path, which the diagnostic already names.
                    let why = match err.io_error() {
                        Some(io) => io.to_string(),
                        None => err.to_string(),
                    };
                    problems.push(PathProblem::new(
                        rel,
                        Code::CannotRead,
                        format!("cannot read: {why}"),
                    ));
                } else {
                    problems.push(PathProblem::new(
                        String::new(),
                        Code::CannotRead,
                        format!("cannot read the pipeline folder: {err}"),
                    ));
                }
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !name.ends_with(".toml") {
            continue;
        }
        let rel = rel_of(entry.path());
        let Some(kind) = FileKind::of(&rel) else {
            if entry.file_type().is_file() {
                problems.push(PathProblem::new(
                    rel,
                    Code::IgnoredFile,
                    "this .toml file is not part of the pipeline layout and is ignored".into(),
                ));
            }
            continue;
        };
        if !entry.file_type().is_file() {
            problems.push(PathProblem::new(
                rel,
                Code::NotAFile,
                "a folder (or special file) named *.toml; expected a file".into(),
            ));
            continue;
        }
        on_file(FoundFile {
            rel,
            path: entry.into_path(),
            kind,
        });
    }
    problems.extend(link_problems);
    problems
}

/// Reads a file's bytes, refusing ones that are too large or not files.
pub fn read_bytes(path: &Path) -> Content {
    let cannot =
        |e: std::io::Error| Content::Failed(Code::CannotRead, format!("cannot read file: {e}"));
    // Open first, then ask the open file its type and size (`fstat`): one
    // path lookup instead of two (a `stat` by path cost `check` of 100k
    // deals 5% of its time). Opened without blocking, so that a FIFO is
    // reported below instead of waiting for a writer.
    let file = match open_without_blocking(path) {
        Ok(f) => f,
        Err(e) => return cannot(e),
    };
    let len = match file.metadata() {
        Ok(m) if !m.is_file() => {
            return Content::Failed(Code::NotAFile, "not a regular file".into());
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Content::Failed(
                Code::TooLarge,
                format!(
                    "file is {} bytes; the limit is {} bytes",
                    m.len(),
                    MAX_FILE_BYTES
                ),
            );
        }
        Ok(m) => m.len(),
        Err(e) => return cannot(e),
    };
    // `std::fs::read` without its second `stat` and its `lseek`: the size
    // is known (`Take` reads to the end without asking for it again).
    let read = || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut buf = Vec::with_capacity(len as usize + 1);
        file.take(u64::MAX).read_to_end(&mut buf)?;
        Ok(buf)
    };
    match read() {
        Ok(b) if b.len() as u64 > MAX_FILE_BYTES => Content::Failed(
            Code::TooLarge,
            format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                b.len()
            ),
        ),
        Ok(b) => Content::Bytes(b),
        Err(e) => cannot(e),
    }
}

/// Opens a file for reading without waiting: opening a FIFO for reading
/// blocks until something writes to it, unless `O_NONBLOCK` is given
/// (which regular files ignore).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// Elsewhere there are no FIFOs to wait on.
#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Decodes, parses and converts one file's content. Pure: no I/O.
pub fn parse_file(id: FileId, rel: &str, kind: FileKind, content: Content) -> Parsed {
    let mut diags = Vec::new();
    let text: Arc<str> = match content {
        Content::Failed(code, msg) => {
            diags.push(Diagnostic::new(code, Span::file_start(id), msg));
            Arc::from("")
        }
        Content::Bytes(bytes) => match String::from_utf8(bytes) {
            Ok(mut s) => {
                if s.starts_with('\u{feff}') {
                    s.drain(..3);
                }
                Arc::from(s)
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                // Keep the valid prefix so the diagnostic can show where it
                // breaks; without a byte-order mark, as for valid files, so
                // the column does not count it.
                let bom = if bytes.starts_with(b"\xef\xbb\xbf") {
                    3
                } else {
                    0
                };
                let prefix = String::from_utf8_lossy(&bytes[bom..at]).into_owned();
                let text: Arc<str> = Arc::from(prefix);
                let (line, col) = SourceFile::new(rel.to_string(), text.clone()).line_col(at - bom);
                diags.push(
                    Diagnostic::new(
                        Code::NotUtf8,
                        Span::new(id, at - bom..at - bom),
                        format!("file is not valid UTF-8 (byte {at}, line {line}, column {col})"),
                    )
                    .hint("save the file as UTF-8"),
                );
                let source = SourceFile::new(rel.to_string(), text);
                return Parsed {
                    source,
                    item: convert::Item::Failed(kind),
                    diags,
                };
            }
        },
    };
    let failed = !diags.is_empty();
    let item = if failed {
        convert::Item::Failed(kind)
    } else {
        let record = crate::reader::read_document(&text, id, kind.spec(), &mut diags);
        match record {
            Some(r) => convert::convert(id, rel, kind, r, &mut diags),
            None => convert::Item::Failed(kind),
        }
    };
    Parsed {
        source: SourceFile::new(rel.to_string(), text),
        item,
        diags,
    }
}

/// A file's parse, and the copy kept for the history when asked.
type ParsedFile = (Parsed, Option<Kept>);

/// Reads and parses a found file, dropping its text afterwards when asked
/// and nothing was wrong with it; with a copy of the parse when asked to
/// keep one ([`LoadOptions::keep`]).
fn parse_found(id: FileId, f: FoundFile, opts: &LoadOptions) -> ParsedFile {
    let content = read_bytes(&f.path);
    let oid = match &content {
        Content::Bytes(b) if opts.keep => Some(git_blob_id(b)),
        _ => None,
    };
    let mut p = parse_file(id, &f.rel, f.kind, content);
    p.source.blob = oid.clone();
    let kept = opts.keep.then(|| Kept {
        oid,
        parsed: p.clone(),
    });
    if opts.drop_clean_text && p.diags.is_empty() {
        p.source.drop_text(f.path);
    }
    (p, kept)
}

/// Files per parallel job: enough to amortise the scheduling, few enough to
/// keep both cores busy to the end.
const CHUNK: usize = 64;

/// Loads the pipeline at `root`: walk, read and parse in parallel, assemble.
///
/// The work overlaps: while this thread walks the folder, every `CHUNK`
/// files found go to the thread pool to be read and parsed; once the walk
/// is done, this thread assembles the parsed files in [`FileId`] order as
/// they arrive, while the pool parses the rest.
pub fn load(root: &Path, opts: &LoadOptions) -> Loaded {
    if rayon::current_thread_index().is_some() {
        // Called from a pool thread (e.g. inside `rayon::join`): blocking
        // that thread on the channel below could leave no thread to run
        // the parse jobs, so load without overlapping walk and parse.
        return load_on_pool(root, opts);
    }
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<ParsedFile>)>();
    rayon::in_place_scope(|scope| {
        let mut counts = KindCounts::default();
        let mut batch: Vec<FoundFile> = Vec::with_capacity(CHUNK);
        let mut first = 0u32;
        let mut chunks = 0usize;
        let spawn = |batch: Vec<FoundFile>, first: u32, chunk: usize| {
            let tx = tx.clone();
            scope.spawn(move |_| {
                let parsed = batch
                    .into_iter()
                    .zip(first..)
                    .map(|(f, id)| parse_found(FileId(id), f, opts))
                    .collect();
                // The receiver outlives the scope's jobs; a failed send
                // cannot happen.
                let _ = tx.send((chunk, parsed));
            });
        };
        let problems = walk_each(root, opts, |f| {
            counts.add(f.kind);
            batch.push(f);
            if batch.len() == CHUNK {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(CHUNK));
                spawn(full, first, chunks);
                first += CHUNK as u32;
                chunks += 1;
            }
        });
        if !batch.is_empty() {
            spawn(batch, first, chunks);
            chunks += 1;
        }
        drop(tx);
        let mut asm = Assembler::new(root);
        asm.reserve(&counts);
        let mut kept = Vec::new();
        // Chunks finish roughly in order; hold the early arrivals.
        let mut pending: Vec<Option<Vec<ParsedFile>>> = (0..chunks).map(|_| None).collect();
        let mut next = 0;
        for (chunk, parsed) in rx {
            pending[chunk] = Some(parsed);
            while let Some(parsed) = pending.get_mut(next).and_then(Option::take) {
                for (p, k) in parsed {
                    asm.push(p);
                    kept.extend(k);
                }
                next += 1;
            }
        }
        // All senders are gone: every job has finished (or panicked, and
        // the scope re-raises the panic when it ends).
        let mut loaded = asm.finish(problems);
        loaded.kept = kept;
        loaded
    })
}

/// [`load`] for callers already on a rayon pool thread: walk, then parse
/// in parallel, then assemble, never blocking a pool thread.
fn load_on_pool(root: &Path, opts: &LoadOptions) -> Loaded {
    let (found, problems) = walk(root, opts);
    let (parsed, kept): (Vec<Parsed>, Vec<Option<Kept>>) = found
        .par_iter()
        .enumerate()
        .map(|(i, f)| parse_found(FileId(i as u32), f.clone(), opts))
        .unzip();
    let mut loaded = assemble(root, parsed, problems);
    loaded.kept = kept.into_iter().flatten().collect();
    loaded
}

/// How many files of each kind the walk found, to size the pipeline's lists.
#[derive(Debug, Default, Clone, Copy)]
struct KindCounts {
    files: usize,
    accounts: usize,
    deals: usize,
}

impl KindCounts {
    fn add(&mut self, kind: FileKind) {
        self.files += 1;
        match kind {
            FileKind::Account => self.accounts += 1,
            FileKind::Deal => self.deals += 1,
            _ => {}
        }
    }
}

/// Builds the pipeline from parsed files (in [`FileId`] order) and the
/// walk's problems. Shared by [`load`], watch mode and `diff`.
pub fn assemble(root: &Path, parsed: Vec<Parsed>, problems: Vec<PathProblem>) -> Loaded {
    let mut asm = Assembler::new(root);
    let mut counts = KindCounts::default();
    for p in &parsed {
        counts.files += 1;
        match p.item {
            convert::Item::Account(_) => counts.accounts += 1,
            convert::Item::Deal(_) => counts.deals += 1,
            _ => {}
        }
    }
    asm.reserve(&counts);
    for p in parsed {
        asm.push(p);
    }
    asm.finish(problems)
}

/// Builds a pipeline from parsed files handed over one at a time, in
/// [`FileId`] order, then the walk's problems ([`Assembler::finish`]).
pub struct Assembler {
    pipeline: Pipeline,
    diagnostics: Vec<Diagnostic>,
    seen_settings: bool,
    seen_team: bool,
}

impl Assembler {
    /// An empty pipeline at `root`.
    pub fn new(root: &Path) -> Assembler {
        Assembler {
            pipeline: Pipeline {
                root: root.to_path_buf(),
                sources: SourceMap::new(root),
                settings: default_settings(FileId(0)),
                teams: Vec::new(),
                people: Vec::new(),
                accounts: Vec::new(),
                deals: Vec::new(),
                targets: Vec::new(),
                coverage: Coverage::default(),
                index: Index::default(),
            },
            diagnostics: Vec::new(),
            seen_settings: false,
            seen_team: false,
        }
    }

    fn reserve(&mut self, counts: &KindCounts) {
        let p = &mut self.pipeline;
        p.sources.reserve(counts.files);
        p.accounts.reserve_exact(counts.accounts);
        p.deals.reserve_exact(counts.deals);
    }

    /// Adds the next file; its [`FileId`] is the number of files added before.
    pub fn push(&mut self, p: Parsed) {
        convert::place(
            &mut self.pipeline,
            &p.source.rel_path,
            p.item,
            &mut self.seen_settings,
            &mut self.seen_team,
        );
        self.pipeline.sources.add(p.source);
        self.diagnostics.extend(p.diags);
    }

    /// Adds the walk's problems, reports missing files and resolves the
    /// references.
    pub fn finish(self, problems: Vec<PathProblem>) -> Loaded {
        let Assembler {
            mut pipeline,
            mut diagnostics,
            mut seen_settings,
            mut seen_team,
        } = self;
        // dealbook.toml or team.toml that the walk already reported as
        // unreadable is not also "missing".
        for PathProblem { rel, code, message } in problems {
            if code.severity() == crate::diag::Severity::Error {
                seen_settings |= rel == "dealbook.toml";
                seen_team |= rel == "team.toml";
            }
            let id = pipeline.sources.add(SourceFile::new(rel, Arc::from("")));
            diagnostics.push(Diagnostic::new(code, Span::file_start(id), message));
        }
        for (seen, name, what) in [
            (
                seen_settings,
                "dealbook.toml",
                "settings: [org], [[stage]] and [rules]",
            ),
            (
                seen_team,
                "team.toml",
                "the people and teams: [[person]] and [[team]]",
            ),
        ] {
            if !seen {
                let id = pipeline
                    .sources
                    .add(SourceFile::new(name.to_string(), Arc::from("")));
                diagnostics.push(
                    Diagnostic::new(
                        Code::MissingFile,
                        Span::file_start(id),
                        format!("{name} is missing"),
                    )
                    .hint(format!(
                        "{name} holds {what}; `dealbook init` writes a starting point"
                    )),
                );
            }
        }
        pipeline.resolve();
        Loaded {
            pipeline,
            diagnostics,
            kept: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Content, MAX_FILE_BYTES, read_bytes};
    use crate::diag::Code;

    fn failure(c: Content) -> Option<(Code, String)> {
        match c {
            Content::Bytes(_) => None,
            Content::Failed(code, why) => Some((code, why)),
        }
    }

    #[test]
    fn read_bytes_reads_files_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert!(matches!(read_bytes(&file), Content::Bytes(b) if b == b"x = 1\n"));

        let (code, why) = failure(read_bytes(dir.path())).unwrap();
        assert_eq!((code, why.as_str()), (Code::NotAFile, "not a regular file"));

        let (code, why) = failure(read_bytes(&dir.path().join("missing.toml"))).unwrap();
        assert_eq!(code, Code::CannotRead);
        assert!(why.starts_with("cannot read file: "), "{why}");

        let big = dir.path().join("big.toml");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        let (code, why) = failure(read_bytes(&big)).unwrap();
        assert_eq!(code, Code::TooLarge);
        assert_eq!(
            why,
            format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES} bytes",
                MAX_FILE_BYTES + 1
            )
        );
    }

    /// A FIFO (watch mode reads paths it is told about, of any type) is
    /// refused at once, not waited on until something writes to it.
    #[cfg(unix)]
    #[test]
    fn read_bytes_does_not_wait_on_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            std::io::Write::write_all(&mut std::io::stderr(), b"skipped: no mkfifo\n").unwrap();
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(failure(read_bytes(&fifo))));
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("read_bytes waited on a FIFO");
        assert_eq!(got.map(|(c, _)| c), Some(Code::NotAFile));
    }

    /// The walk lists files in walkdir's order by file name.
    #[test]
    fn the_walk_is_in_file_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "a.toml", "a-b.toml", "a0.toml", "A.toml", "ab.toml", "a.b.toml", "é.toml", "z.toml",
            "_x.toml", "a b.toml", "10.toml", "9.toml",
        ];
        for sub in [
            "deals",
            "deals/x",
            "deals/x-y",
            "deals/x.y",
            "deals/xy",
            "accounts",
        ] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for n in names {
                std::fs::write(dir.path().join(sub).join(n), "").unwrap();
            }
        }
        let (found, _) = super::walk(dir.path(), &super::LoadOptions::default());
        let got: Vec<_> = found.iter().map(|f| f.path.clone()).collect();
        let want: Vec<_> = walkdir::WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| got.contains(p))
            .collect();
        assert_eq!(got.len(), 6 * names.len(), "{got:?}");
        assert_eq!(got, want);
    }

    /// The files' paths relative to the root do not depend on how the
    /// root is spelled.
    #[test]
    fn relative_paths_do_not_depend_on_the_roots_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pipe");
        std::fs::create_dir_all(root.join("deals/q1")).unwrap();
        std::fs::write(root.join("deals/q1/a.toml"), "").unwrap();
        std::fs::write(root.join("dealbook.toml"), "").unwrap();
        let rels = |r: &std::path::Path| -> Vec<String> {
            let (found, _) = super::walk(r, &super::LoadOptions::default());
            found.into_iter().map(|f| f.rel).collect()
        };
        let want = vec!["dealbook.toml".to_string(), "deals/q1/a.toml".to_string()];
        let s = root.to_str().unwrap();
        for spelled in [
            s.to_string(),
            format!("{s}/"),
            format!("{s}/."),
            format!("{s}//"),
            format!("{s}/../pipe"),
            format!("{}/./pipe", dir.path().to_str().unwrap()),
        ] {
            assert_eq!(rels(std::path::Path::new(&spelled)), want, "root {spelled}");
        }
    }

    #[test]
    fn git_blob_ids_are_gits() {
        // `git hash-object` of an empty file and of "hello\n".
        assert_eq!(
            super::git_blob_id(b""),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            super::git_blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }
}
