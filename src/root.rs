//! Where the pipeline is: every command run inside a pipeline's sub-folder
//! finds the pipeline's root by looking upward for `dealbook.toml`, as
//! cargo does for `Cargo.toml`; `init` uses the same search to refuse a
//! new pipeline inside another.

use std::path::{Component, Path, PathBuf};

/// The file that marks a pipeline's root.
pub const MARKER: &str = "dealbook.toml";

/// The root of the pipeline `dir` is in: `dir` itself when it holds
/// `dealbook.toml`, else its nearest ancestor that does, else `dir`
/// unchanged (so `check` reports the missing settings as before).
///
/// The result is written as close to `dir` as it can be: `dir` itself, or
/// `dir` with its last components removed (`deals/open` → `.` becomes
/// `..`/`../..` for `.`), so messages keep showing short relative paths.
pub fn discover(dir: &Path) -> PathBuf {
    match find_upward(dir) {
        Some((0, _)) | None => dir.to_path_buf(),
        Some((up, abs)) => relative_up(dir, up).unwrap_or(abs),
    }
}

/// The nearest folder at or above `dir` that holds `dealbook.toml`: how
/// many levels up it is, and its absolute path.
pub fn find_upward(dir: &Path) -> Option<(usize, PathBuf)> {
    let abs = crate::paths::absolute(dir);
    abs.ancestors()
        .enumerate()
        .find(|(_, a)| a.join(MARKER).is_file())
        .map(|(up, a)| (up, a.to_path_buf()))
}

/// The pipeline a new one at `dir` would be inside of: the nearest strict
/// ancestor of `dir` that holds `dealbook.toml` (`dir` need not exist).
pub fn enclosing(dir: &Path) -> Option<PathBuf> {
    let abs = crate::paths::absolute(dir);
    abs.ancestors()
        .skip(1)
        .find(|a| a.join(MARKER).is_file())
        .map(Path::to_path_buf)
}

/// `dir` with `up` trailing components taken off, when that can be done
/// by looking at the path alone; `..` segments are added for `.`.
fn relative_up(dir: &Path, up: usize) -> Option<PathBuf> {
    if dir.is_absolute() {
        let mut p = dir.to_path_buf();
        for _ in 0..up {
            if !p.pop() {
                return None;
            }
        }
        return Some(p);
    }
    let mut parts: Vec<Component<'_>> = dir
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let mut dots = 0;
    for _ in 0..up {
        match parts.last() {
            Some(Component::Normal(_)) => {
                parts.pop();
            }
            _ => dots += 1,
        }
    }
    let mut p: PathBuf = parts.iter().collect();
    for _ in 0..dots {
        p.push("..");
    }
    if p.as_os_str().is_empty() {
        p.push(".");
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_above_a_sub_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("p");
        std::fs::create_dir_all(root.join("deals/open")).unwrap();
        std::fs::write(root.join(MARKER), "").unwrap();
        assert_eq!(discover(&root), root);
        assert_eq!(discover(&root.join("deals/open")), root);
        // Not a pipeline, nothing above: unchanged.
        let other = tmp.path().join("q");
        std::fs::create_dir_all(&other).unwrap();
        assert_eq!(discover(&other), other);
        assert_eq!(enclosing(&root.join("deals/new")), Some(root.clone()));
        assert_eq!(enclosing(&root), None);
    }

    #[test]
    fn relative_paths_stay_relative() {
        assert_eq!(relative_up(Path::new("p/deals/open"), 2), Some("p".into()));
        assert_eq!(relative_up(Path::new("."), 1), Some("..".into()));
        assert_eq!(relative_up(Path::new("./deals"), 1), Some(".".into()));
        assert_eq!(relative_up(Path::new("../x"), 2), Some("../..".into()));
    }
}
