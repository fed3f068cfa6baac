//! Paths given on the command line, made comparable: absolute, without
//! `.`/`..`, and canonical as far as they exist (so an output folder that
//! does not exist yet can still be compared with the pipeline folder).

use std::path::{Component, Path, PathBuf};

/// Absolute, with `.` and `..` removed lexically and the longest existing
/// prefix canonicalised (the path need not exist).
pub fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut clean = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut c = existing.canonicalize().unwrap_or(existing);
    for n in rest.iter().rev() {
        c.push(n);
    }
    c
}

/// Whether `inner` is `outer` or lies inside it (either may not exist yet).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    absolute(inner).starts_with(absolute(outer))
}
