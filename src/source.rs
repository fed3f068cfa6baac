//! Source files of a pipeline and the byte spans that point into them, so
//! every diagnostic can name a file, a 1-based line and a 1-based column
//! counted in characters (not bytes), and quote the offending line.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span over `range` in `file`.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// The span of a whole file's first position, for file-level problems.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }

    /// The byte range as a `Range<usize>`.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value together with the span it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Sp<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Sp<T> {
        Sp { value, span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One file of the pipeline as it was read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the pipeline root, with `/` separators.
    pub rel_path: String,
    /// The text (empty when the file could not be read as UTF-8, and when
    /// it was dropped to save memory: see [`SourceFile::drop_text`]).
    pub text: Arc<str>,
    /// Where to read the text again when it was dropped after a clean
    /// parse; `None` while the text is held.
    pub dropped_from: Option<PathBuf>,
    /// The git blob id of the bytes read, when the load computed it
    /// ([`crate::load::LoadOptions::keep`]): tells whether the file is as
    /// a commit has it without reading it again.
    pub blob: Option<String>,
    /// Byte offsets at which lines start, computed on first use: most
    /// files of a large pipeline never need them (no diagnostic).
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A source file with its text.
    pub fn new(rel_path: String, text: Arc<str>) -> SourceFile {
        SourceFile {
            rel_path,
            text,
            dropped_from: None,
            blob: None,
            line_starts: OnceLock::new(),
        }
    }

    /// Whether the file was read with content (its text may have been
    /// dropped since). False for empty, unreadable and placeholder files.
    pub fn has_content(&self) -> bool {
        !self.text.is_empty() || self.dropped_from.is_some()
    }

    /// Frees the text of a file that parsed without a problem; `path` is
    /// where [`SourceMap::restore`] reads it again should a later check
    /// point into it. A large pipeline's texts are most of `check`'s
    /// memory, and hardly any of them is ever quoted.
    pub fn drop_text(&mut self, path: PathBuf) {
        self.text = Arc::from("");
        self.line_starts = OnceLock::new();
        self.dropped_from = Some(path);
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect()
        })
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line] as usize;
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let start = start as usize;
        let end = line_starts
            .get(line)
            .map(|&e| e as usize)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Byte offset at which a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.saturating_sub(1))
            .map(|&s| s as usize)
            .unwrap_or(self.text.len())
    }
}

/// All files of one pipeline, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// The pipeline's root folder (for messages; files carry relative paths).
    pub root: PathBuf,
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map for the pipeline at `root`.
    pub fn new(root: &Path) -> SourceMap {
        SourceMap {
            root: root.to_path_buf(),
            files: Vec::new(),
        }
    }

    /// Makes room for `additional` more files.
    pub fn reserve(&mut self, additional: usize) {
        self.files.reserve(additional);
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// Puts `file` in the place of the file with this id (the history
    /// replays revisions into one pipeline, each path keeping its id).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file has been added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Reads again the dropped texts of the given files (those a
    /// diagnostic points into), so snippets can be shown. A file that can
    /// no longer be read keeps an empty text: its diagnostics show no
    /// snippet.
    pub fn restore(&mut self, ids: impl IntoIterator<Item = FileId>) {
        for id in ids {
            let f = &mut self.files[id.0 as usize];
            let Some(path) = f.dropped_from.take() else {
                continue;
            };
            if let Ok(bytes) = std::fs::read(&path)
                && let Ok(mut s) = String::from_utf8(bytes)
            {
                if s.starts_with('\u{feff}') {
                    s.drain(..3);
                }
                f.text = Arc::from(s);
                f.line_starts = OnceLock::new();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.toml".into(), Arc::from("name = \"张敏\"\nx = 1\n"));
        // byte offset of the closing quote: `name = "` is 8 bytes, 张敏 is 6 bytes
        assert_eq!(f.line_col(14), (1, 11));
        assert_eq!(f.line_col(16), (2, 1));
        assert_eq!(f.line_text(2), "x = 1");
        assert_eq!(f.line_text(1), "name = \"张敏\"");
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let f = SourceFile::new("a.toml".into(), Arc::from("张x"));
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.line_col(3), (1, 2));
    }
}
