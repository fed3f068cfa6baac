//! Writing rebuilds: only the files whose bytes changed.
//!
//! The first build of a session goes through
//! [`crate::site::output::write_changed`], which compares every page with
//! the file on disk (so a folder left by an earlier `build` or session is
//! brought in line, and refused if it is not a dealbook site). It also
//! remembers a 64-bit hash and the length of every file it wrote or kept.
//! Later builds compare against those instead of reading the whole site
//! back: a changed page is written to a temporary dot-file in its folder
//! and renamed over the old one (a reader never sees half a file, and the
//! server never serves dot-files); a page that is gone is deleted, and
//! folders left empty are removed.
//!
//! Files changed behind the session's back (by hand, or by a `build` into
//! the same folder) are not noticed until the page changes again or the
//! session restarts.

use crate::site::Page;
use crate::site::output::write_changed;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// What one write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (new or different), sorted.
    pub written: Vec<String>,
    /// Files deleted, sorted.
    pub deleted: Vec<String>,
}

/// A fast non-cryptographic hash of page bytes (change detection only).
pub fn page_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (b.len() as u64).wrapping_mul(K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(23) ^ w).wrapping_mul(K);
    }
    for &x in chunks.remainder() {
        h = (h.rotate_left(23) ^ x as u64).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// The output folder of a session and what is in it.
#[derive(Debug)]
pub struct SiteWriter {
    out: PathBuf,
    /// Path → (hash, length) of every file of the site; `None` until the
    /// first write.
    known: Option<HashMap<String, (u64, usize)>>,
}

fn file_of(out: &Path, path: &str) -> io::Result<PathBuf> {
    let rel = Path::new(path);
    if path.is_empty()
        || path.contains('\\')
        || !rel.components().all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("page path {path:?} is not a relative path inside the site"),
        ));
    }
    Ok(out.join(rel))
}

fn replace(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = file.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let create = || fs::File::create(&tmp);
    let mut f = match create() {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent)?;
            }
            create()?
        }
        Err(e) => return Err(e),
    };
    f.write_all(bytes)?;
    drop(f);
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

impl SiteWriter {
    /// A writer for `out`.
    pub fn new(out: &Path) -> SiteWriter {
        SiteWriter {
            out: out.to_path_buf(),
            known: None,
        }
    }

    /// Brings the folder in line with `pages` (the whole site). After an
    /// error the next write compares with the disk again.
    pub fn write(&mut self, pages: &[Page]) -> io::Result<Written> {
        let r = self.write_inner(pages);
        if r.is_err() {
            self.known = None;
        }
        r
    }

    fn write_inner(&mut self, pages: &[Page]) -> io::Result<Written> {
        let hashes: Vec<(u64, usize)> = pages
            .par_iter()
            .with_min_len(64)
            .map(|p| (page_hash(&p.bytes), p.bytes.len()))
            .collect();
        let Some(known) = &mut self.known else {
            let c = write_changed(&self.out, pages)?;
            self.known = Some(
                pages
                    .iter()
                    .zip(&hashes)
                    .map(|(p, h)| (p.path.clone(), *h))
                    .collect(),
            );
            return Ok(Written {
                written: c.written,
                deleted: c.deleted,
            });
        };
        let out = &self.out;
        let changed: Vec<usize> = (0..pages.len())
            .filter(|&i| known.get(&pages[i].path) != Some(&hashes[i]))
            .collect();
        changed.par_iter().try_for_each(|&i| -> io::Result<()> {
            let p = &pages[i];
            let file = file_of(out, &p.path)?;
            replace(&file, &p.bytes).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot write {}: {e}", file.display()))
            })
        })?;
        let mut written: Vec<String> = changed.iter().map(|&i| pages[i].path.clone()).collect();
        for &i in &changed {
            known.insert(pages[i].path.clone(), hashes[i]);
        }
        let live: std::collections::HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let mut deleted: Vec<String> = known
            .keys()
            .filter(|k| !live.contains(k.as_str()))
            .cloned()
            .collect();
        for d in &deleted {
            known.remove(d);
            let file = file_of(out, d)?;
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("cannot delete {}: {e}", file.display()),
                    ));
                }
            }
            // Remove folders left empty, up to the output folder.
            let mut dir = file.parent();
            while let Some(d) = dir {
                if d == out.as_path() || fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        written.sort();
        deleted.sort();
        Ok(Written { written, deleted })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, s: &str) -> Page {
        Page {
            path: path.into(),
            bytes: s.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_only_changes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut w = SiteWriter::new(&out);
        let c = w
            .write(&[page("index.html", "a"), page("d/x/y.html", "y")])
            .unwrap();
        assert_eq!(c.written, vec!["d/x/y.html", "index.html"]);
        let c = w
            .write(&[page("index.html", "b"), page("e.html", "e")])
            .unwrap();
        assert_eq!(c.written, vec!["e.html", "index.html"]);
        assert_eq!(c.deleted, vec!["d/x/y.html"]);
        assert!(!out.join("d").exists());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "b");
        let c = w
            .write(&[page("index.html", "b"), page("e.html", "e")])
            .unwrap();
        assert_eq!(c, Written::default());
        assert!(w.write(&[page("../x.html", "x")]).is_err());
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn hash_sees_small_changes() {
        assert_ne!(page_hash(b"abcdefgh1"), page_hash(b"abcdefgh2"));
        assert_ne!(page_hash(b"abc"), page_hash(b"abc\0"));
        assert_ne!(page_hash(b"12345678"), page_hash(b"12345679"));
    }
}
