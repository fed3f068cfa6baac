//! `fmt` over a pipeline folder: every file of the layout (found by the
//! same walk as `check`), formatted in parallel.

use super::{TidyError, kind_of, layout, tidy};
use crate::load::{self, Content, LoadOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What formatting one file gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Already canonical.
    Same,
    /// The canonical text differs: here it is.
    Changed(String),
    /// It cannot be formatted (unreadable, not UTF-8, not TOML).
    Failed(String),
}

/// One pipeline file and its status.
#[derive(Debug, Clone)]
pub struct FileStatus {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Path to write.
    pub path: PathBuf,
    /// The outcome.
    pub status: Status,
}

/// Formats every pipeline file under `root` in memory (nothing is written).
/// With `verify`, a changed text is checked to hold the same data (as
/// before writing it); without, only whether it would change is known.
pub fn check(root: &Path, verify: bool) -> Vec<FileStatus> {
    let (found, _) = load::walk(root, &LoadOptions::default());
    found
        .into_par_iter()
        .with_min_len(32)
        .map(|f| {
            let status = match load::read_bytes(&f.path) {
                Content::Failed(_, msg) => Status::Failed(msg),
                Content::Bytes(b) => match String::from_utf8(b) {
                    Err(_) => Status::Failed("file is not valid UTF-8".into()),
                    Ok(text) => match if verify {
                        tidy(&text, kind_of(&f.rel))
                    } else {
                        layout(&text, kind_of(&f.rel))
                    } {
                        Ok(out) if out == text => Status::Same,
                        Ok(out) => Status::Changed(out),
                        Err(TidyError(e)) => Status::Failed(e),
                    },
                },
            };
            FileStatus {
                rel: f.rel,
                path: f.path,
                status,
            }
        })
        .collect()
}
