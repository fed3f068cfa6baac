//! The site one page at a time, for `dealbook serve` and `watch`.
//!
//! [`Prepared`] does the work every page shares once (the view index
//! [`Site`], the template engine with its global context, the list of
//! pages and their paths) and then renders any single page by its path,
//! or all of them in parallel (exactly what [`super::render_to`] does,
//! page for page and byte for byte). The preview server uses it to answer
//! a request for a page of a build that is not on disk yet; the watch loop
//! uses it to write the whole build, in the background and cancellably.

use super::{EXPORTS, paths};
use super::{Job, Page, Renderer, SiteError, SiteInput, global_context, jobs, templates};
use crate::site::views::Site;
use rayon::prelude::*;
use std::collections::HashMap;
use tera::Tera;

/// A site ready to render page by page.
pub struct Prepared<'a> {
    site: Site<'a>,
    tera: Tera,
    overrides: &'a templates::Overrides,
    jobs: Vec<Job>,
    signals: Vec<(&'static str, Vec<usize>)>,
    paths: Vec<String>,
    index: HashMap<String, usize>,
}

impl<'a> Prepared<'a> {
    /// Prepares `input`; fails on a template that does not parse.
    pub fn new(input: &SiteInput<'a>) -> Result<Prepared<'a>, SiteError> {
        let site = Site::new(input.pipeline, input.analytics, input.diagnostics);
        let tera = templates::engine(input.overrides, global_context(&site, input.base_url))?;
        let jobs = jobs(&site, input.overrides);
        let signals = site.signals();
        let paths: Vec<String> = jobs
            .iter()
            .map(|j| job_path(&site, input.overrides, j))
            .collect();
        let index = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        Ok(Prepared {
            site,
            tera,
            overrides: input.overrides,
            jobs,
            signals,
            paths,
            index,
        })
    }

    fn renderer(&self) -> Renderer<'_, 'a> {
        Renderer {
            site: &self.site,
            tera: &self.tera,
            overrides: self.overrides,
            signals: &self.signals,
        }
    }

    /// Every file of the site, by path (in rendering order).
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// True for a site without files (never: there are always assets).
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Whether the site has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.index.contains_key(path)
    }

    /// Renders the file at `path`, if the site has one.
    pub fn render(&self, path: &str) -> Option<Result<Page, SiteError>> {
        let &i = self.index.get(path)?;
        Some(self.renderer().job(&self.jobs[i]))
    }

    /// Renders every file in parallel, handing each to `sink` as soon as
    /// it is ready; stops at the first error (a sink can stop it by
    /// failing). Returns how many files there were.
    pub fn render_all<F>(&self, sink: F) -> Result<usize, SiteError>
    where
        F: Fn(Page) -> std::io::Result<()> + Sync,
    {
        let r = self.renderer();
        self.jobs.par_iter().with_min_len(16).try_for_each(|job| {
            let page = r.job(job)?;
            sink(page).map_err(SiteError::Io)
        })?;
        Ok(self.jobs.len())
    }
}

/// The path a job's page will have, without rendering it.
fn job_path(site: &Site<'_>, o: &templates::Overrides, job: &Job) -> String {
    match job {
        Job::Dashboard => "index.html".into(),
        Job::Funnel => "funnel.html".into(),
        Job::Forecast => "forecast.html".into(),
        Job::Team => "team.html".into(),
        Job::Risks => "risks.html".into(),
        Job::Targets => "targets.html".into(),
        Job::Warnings => "warnings.html".into(),
        Job::Period(p) => paths::period(&p.to_string()),
        Job::TeamPage(ix) => paths::team(site.p.teams[*ix].id.value.as_str()),
        Job::Person(ix) => paths::person(site.p.people[*ix].id.value.as_str()),
        Job::Accounts(n) => paths::list("accounts", *n),
        Job::Account(ix) => paths::account(site.p.accounts[*ix].id.as_str()),
        Job::Deals(n) => paths::list("deals", *n),
        Job::Deal(k) => paths::deal(site.a.deals[*k].id.as_str()),
        Job::Signal(code, n) => paths::signal(code, *n),
        Job::Asset(k) => super::asset(o, *k).path,
        Job::Export(k) => EXPORTS[*k].0.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

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
    }
}
