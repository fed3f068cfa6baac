//! The site one page at a time, for `dealbook serve` and `watch`, and all
//! at once for `build`.
//!
//! [`Prepared`] does the work every page shares once (the view index
//! [`Site`], the template engine with its global context, the list of
//! pages, and their paths when first asked for) and then renders any
//! single page by its path, or all of them in parallel (which is what
//! [`super::render_to`] does). The preview server uses it to answer
//! a request for a page of a build that is not on disk yet; the watch loop
//! uses it to write the whole build, in the background and cancellably.
//!
//! [`Prepared::render_changed`] skips the template of every page whose
//! input did not change since it was last written: a page's fingerprint
//! is a hash of everything its bytes are made from (the template name, the
//! page's path, section and title, its view data serialised, and a salt
//! covering the global context, the pipeline's templates and assets and
//! the base URL). The views are still computed (that is how a change is
//! seen, without tracking which page reads what), but the template, most
//! of the time of a page, runs only for pages that changed. Assets and
//! exports have no view and are always rendered.

use super::{Job, Page, Renderer, SiteError, SiteInput, global_context, job_path, jobs, templates};
use crate::site::views::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};
use tera::Tera;

/// A fast streaming 64-bit hash (change detection, not security): the
/// pages' input fingerprints here, and the written pages' bytes in
/// [`crate::watch::output`] ([`page_hash`]).
#[derive(Debug, Clone, Copy)]
struct Fp(u64);

/// The hash of a page's bytes, to tell whether a file must be written again
/// (change detection only).
pub fn page_hash(bytes: &[u8]) -> u64 {
    let mut h = Fp::new(0);
    h.bytes(bytes);
    h.finish()
}

impl Fp {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    fn new(seed: u64) -> Fp {
        Fp(seed ^ Self::K)
    }

    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(23) ^ w).wrapping_mul(Self::K);
    }

    fn bytes(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.word(u64::from_le_bytes(last));
        // The length ends every piece, so pieces cannot run together.
        self.word(b.len() as u64);
    }

    fn finish(self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

impl std::io::Write for Fp {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Which pages can be skipped in one pass of [`Prepared::render_changed`]:
/// the fingerprints of the pages as they are on disk, and what this pass
/// computed.
#[derive(Debug)]
pub struct Memo {
    salt: u64,
    previous: HashMap<String, u64>,
    current: Mutex<HashMap<String, u64>>,
    skipped: Mutex<HashSet<String>>,
}

impl Memo {
    /// A pass over `site` against the fingerprints of the files on disk.
    pub fn new(site: &Prepared<'_>, on_disk: HashMap<String, u64>) -> Memo {
        Memo {
            salt: site.salt,
            previous: on_disk,
            current: Mutex::new(HashMap::new()),
            skipped: Mutex::new(HashSet::new()),
        }
    }

    /// Whether a page's input equals what produced the file on disk
    /// (records its fingerprint either way).
    pub(super) fn unchanged<V: Serialize>(
        &self,
        template: &str,
        path: &str,
        section: &str,
        title: &str,
        view: &V,
    ) -> bool {
        let mut h = Fp::new(self.salt);
        for part in [template, path, section, title] {
            h.bytes(part.as_bytes());
        }
        if serde_json::to_writer(&mut h, view).is_err() {
            return false;
        }
        let fp = h.finish();
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), fp);
        let same = self.previous.get(path) == Some(&fp);
        if same {
            self.skipped
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_string());
        }
        same
    }

    fn was_skipped(&self, path: &str) -> bool {
        self.skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
    }

    /// The fingerprint this pass computed for a page (none for assets and
    /// exports, or a page not reached).
    pub fn fingerprint(&self, path: &str) -> Option<u64> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .copied()
    }

    /// Number of pages whose template was skipped.
    pub fn skipped(&self) -> usize {
        self.skipped.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// The paths of a [`Prepared`] site's pages, and the job of each.
struct Lookup {
    /// Path of each job, in job order.
    paths: Vec<String>,
    /// Job of each path.
    index: HashMap<String, usize>,
}

/// A site ready to render page by page.
pub struct Prepared<'a> {
    site: Site<'a>,
    tera: Tera,
    overrides: &'a templates::Overrides,
    jobs: Vec<Job>,
    /// The pages' paths and their jobs, found on first use (a full build
    /// does not need them).
    lookup: OnceLock<Lookup>,
    /// What every page depends on besides its own view.
    salt: u64,
}

impl<'a> Prepared<'a> {
    /// Prepares `input`; fails on a template that does not parse.
    pub fn new(input: &SiteInput<'a>) -> Result<Prepared<'a>, SiteError> {
        let site = Site::new(input.pipeline, input.analytics, input.diagnostics)
            .with_history(input.history);
        Self::of(site, input)
    }

    /// Prepares `input` (whose `history` is not known yet, so none) as the
    /// site it will be once its history is read: the navigation links the
    /// Trends page. Only [`Prepared::render_ahead`] may render it; the
    /// pages that show the history come later, from
    /// [`Prepared::render_rest`] on the site with its history.
    pub fn ahead_of_history(input: &SiteInput<'a>) -> Result<Prepared<'a>, SiteError> {
        assert!(
            input.history.is_none(),
            "a site ahead of its history has none yet"
        );
        let site =
            Site::new(input.pipeline, input.analytics, input.diagnostics).expecting_history();
        Self::of(site, input)
    }

    fn of(site: Site<'a>, input: &SiteInput<'a>) -> Result<Prepared<'a>, SiteError> {
        let global = global_context(&site, input.base_url);
        let mut salt = Fp::new(1);
        salt.bytes(format!("{global:?}").as_bytes());
        for (name, text) in &input.overrides.templates {
            salt.bytes(name.as_bytes());
            salt.bytes(text.as_bytes());
        }
        for (name, bytes) in &input.overrides.assets {
            salt.bytes(name.as_bytes());
            salt.bytes(bytes);
        }
        salt.bytes(input.base_url.unwrap_or("").as_bytes());
        let tera = templates::engine(input.overrides, global)?;
        let jobs = jobs(&site, input.overrides);
        Ok(Prepared {
            site,
            tera,
            overrides: input.overrides,
            jobs,
            lookup: OnceLock::new(),
            salt: salt.finish(),
        })
    }

    fn renderer<'r>(&'r self, memo: Option<&'r Memo>) -> Renderer<'r, 'a> {
        Renderer {
            site: &self.site,
            tera: &self.tera,
            overrides: self.overrides,
            memo,
        }
    }

    fn lookup(&self) -> &Lookup {
        self.lookup.get_or_init(|| {
            let paths: Vec<String> = self
                .jobs
                .iter()
                .map(|j| job_path(&self.site, self.overrides, j))
                .collect();
            let index = paths
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), i))
                .collect();
            Lookup { paths, index }
        })
    }

    /// Every file of the site, by path (in rendering order).
    pub fn paths(&self) -> &[String] {
        &self.lookup().paths
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True for a site without files (never: there are always assets).
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Whether the site has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.lookup().index.contains_key(path)
    }

    /// Renders the file at `path`, if the site has one.
    pub fn render(&self, path: &str) -> Option<Result<Page, SiteError>> {
        let &i = self.lookup().index.get(path)?;
        Some(self.renderer(None).job(&self.jobs[i]))
    }

    /// Renders every file in parallel, handing each to `sink` as soon as
    /// it is ready; stops at the first error (a sink can stop it by
    /// failing). Returns how many files there were.
    pub fn render_all<F>(&self, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        self.render_with(None, sink)
    }

    /// [`Prepared::render_all`], but pages whose fingerprint equals the
    /// one in `memo` (the file on disk) are not rendered and not handed to
    /// `sink`.
    pub fn render_changed<F>(&self, memo: &Memo, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        self.render_with(Some(memo), |page| {
            if page.bytes.is_empty() && memo.was_skipped(&page.path) {
                Ok(())
            } else {
                sink(page)
            }
        })
    }

    /// Renders, in parallel, the files of a site prepared
    /// [ahead of its history](Prepared::ahead_of_history) that do not
    /// show it (all but the dashboard, the forecast, the Trends, team,
    /// person and deal pages), handing each to `sink`; returns how many.
    /// `build` renders them while the history is read. With the same
    /// pipeline and analytics, they are the same bytes as the site with
    /// its history renders; [`Prepared::render_rest`] renders the others.
    pub fn render_ahead<F>(&self, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        assert!(
            self.site.awaits_history(),
            "render_ahead is for a site prepared ahead of its history"
        );
        self.render_jobs(None, |j| !j.needs_history(), sink)
    }

    /// Renders the files of a site with its history that
    /// [`Prepared::render_ahead`] leaves out (those that show the
    /// history); returns how many.
    pub fn render_rest<F>(&self, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        assert!(
            self.site.history().is_some(),
            "render_rest is for a site with its history"
        );
        self.render_jobs(None, Job::needs_history, sink)
    }

    fn render_with<F>(&self, memo: Option<&Memo>, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        self.render_jobs(memo, |_| true, sink)
    }

    fn render_jobs<F>(
        &self,
        memo: Option<&Memo>,
        which: impl Fn(&Job) -> bool + Sync,
        sink: F,
    ) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        let r = self.renderer(memo);
        let jobs: Vec<&Job> = self.jobs.iter().filter(|j| which(j)).collect();
        jobs.par_iter().with_min_len(16).try_for_each(|job| {
            let page = r.job(job)?;
            sink(page).map_err(SiteError::Io)
        })?;
        Ok(jobs.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    #[test]
    fn hash_sees_small_changes() {
        assert_ne!(page_hash(b"abcdefgh1"), page_hash(b"abcdefgh2"));
        assert_ne!(page_hash(b"abc"), page_hash(b"abc\0"));
        assert_ne!(page_hash(b"12345678"), page_hash(b"12345679"));
    }

    #[test]
    fn page_by_page_is_the_whole_site() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-pipeline");
        let c = crate::load_and_check(
            &root,
            &LoadOptions::default(),
            None,
            jiff::civil::date(2026, 11, 15),
        );
        let a =
            crate::analytics::compute(&c.pipeline, c.as_of, &crate::analytics::Options::default());
        let o = templates::Overrides::default();
        let input = SiteInput {
            pipeline: &c.pipeline,
            analytics: &a,
            diagnostics: &c.diagnostics,
            overrides: &o,
            base_url: None,
            history: None,
        };
        let all = super::super::render(&input).unwrap();
        let p = Prepared::new(&input).unwrap();
        assert_eq!(p.len(), all.len());
        for page in &all {
            let one = p.render(&page.path).expect("a path of the site").unwrap();
            assert_eq!(one.path, page.path);
            assert!(one.bytes == page.bytes, "{} differs", page.path);
        }
        assert!(p.render("nope.html").is_none());
        let n = std::sync::atomic::AtomicUsize::new(0);
        p.render_all(|_| {
            n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
        assert_eq!(n.into_inner(), all.len());

        // Against fingerprints of the same build, only assets and exports
        // are rendered; against none, everything.
        let first = Memo::new(&p, HashMap::new());
        let got = Mutex::new(Vec::new());
        p.render_changed(&first, |page| {
            got.lock().unwrap().push(page.path);
            Ok(())
        })
        .unwrap();
        assert_eq!(got.into_inner().unwrap().len(), all.len());
        let fps: HashMap<String, u64> = all
            .iter()
            .filter_map(|pg| Some((pg.path.clone(), first.fingerprint(&pg.path)?)))
            .collect();
        assert!(fps.len() > all.len() / 2);
        let second = Memo::new(&p, fps.clone());
        let got = Mutex::new(Vec::new());
        p.render_changed(&second, |page| {
            got.lock().unwrap().push(page.path);
            Ok(())
        })
        .unwrap();
        let got = got.into_inner().unwrap();
        assert_eq!(got.len() + second.skipped(), all.len());
        assert!(
            got.iter()
                .all(|g| g.starts_with("assets/") || !g.ends_with(".html"))
        );
    }
}
