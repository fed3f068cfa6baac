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

/// The folders of a pipeline that dealbook reads, besides its top-level
/// files: the records, and the template overrides.
pub const READ_FOLDERS: &[&str] = &["accounts", "deals", "targets", "templates"];

/// Why `out` cannot be the output folder of the pipeline at `root`, if it
/// cannot: it contains the pipeline, or it is (or lies inside) a folder
/// the pipeline reads, so that the next build would read the site back
/// (pages under `templates/` become template overrides; tera would run
/// the pipeline's text as templates).
pub fn output_conflict(root: &Path, out: &Path) -> Option<String> {
    let (root, out_abs) = (absolute(root), absolute(out));
    if root.starts_with(&out_abs) {
        return Some(format!(
            "the output folder {} contains the pipeline; choose another --output",
            out.display()
        ));
    }
    let folder = READ_FOLDERS
        .iter()
        .find(|f| out_abs.starts_with(root.join(f)))?;
    Some(format!(
        "the output folder {} is inside {folder}/, which the pipeline reads; choose another --output (the default is {})",
        out.display(),
        root.join("public").display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_folders_the_pipeline_reads_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("p");
        std::fs::create_dir_all(root.join("templates")).unwrap();
        for bad in [
            "p",
            ".",
            "p/templates",
            "p/templates/x",
            "p/deals",
            "p/deals/2026/site",
            "p/accounts/",
            "p/targets",
            "p/./templates/../deals",
        ] {
            assert!(
                output_conflict(&root, &dir.path().join(bad)).is_some(),
                "{bad}"
            );
        }
        for good in ["p/public", "p/site", "site", "p/templates-site", "p/dealsx"] {
            assert_eq!(
                output_conflict(&root, &dir.path().join(good)),
                None,
                "{good}"
            );
        }
        // Through a symbolic link into the pipeline.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("templates"), dir.path().join("link")).unwrap();
            assert!(output_conflict(&root, &dir.path().join("link/site")).is_some());
        }
    }
}
