//! Loading a pipeline folder: walk it, read and parse every `.toml` file in
//! parallel, and turn each into typed model values. Every problem (a file
//! that cannot be read, is not UTF-8, is too large, is not TOML, has the
//! wrong shape) becomes a diagnostic; loading never stops early and never
//! panics on user data.

mod assemble;
mod convert;
mod read;
mod walk;

use crate::diag::{Code, Diagnostic};
use crate::model::Pipeline;
use crate::source::{FileId, SourceFile, Span};
use crate::spec::{self, Kind};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assemble::KindCounts;
pub use assemble::{Assembler, assemble};
pub use convert::{Item, default_settings, stem_of};
pub use read::{Content, MAX_FILE_BYTES, git_blob_id, read_bytes};
use walk::walk_each;
pub use walk::{FoundFile, PathProblem, walk};

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
    /// [`crate::source::SourceMap::restore`], which [`crate::finish`] calls). For one-shot
    /// commands on large pipelines; off by default.
    pub drop_clean_text: bool,
    /// Keep a copy of each file's parse with the git blob id of its bytes
    /// ([`Loaded::kept`]), for the history to start from instead of
    /// reading and parsing the same files again from git. Off by default.
    pub keep: bool,
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
