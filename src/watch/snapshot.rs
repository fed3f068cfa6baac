//! A good build, owned: the checked pipeline, its analytics and templates,
//! and the site prepared from them ([`Prepared`] borrows the rest, so the
//! two live together in one self-referential value, built with
//! `self_cell`). It can be shared between threads: the watch loop writes
//! it to disk while the preview server renders single pages of it on
//! request.

use crate::Checked;
use crate::analytics::Analytics;
use crate::site::incremental::Prepared;
use crate::site::templates::Overrides;
use crate::site::{Page, SiteError, SiteInput};
use std::sync::Arc;

/// What a good build is made of.
pub struct Built {
    /// The checked pipeline (without errors).
    pub checked: Checked,
    /// Its numbers.
    pub analytics: Analytics,
    /// The pipeline's templates (shared with the session, which keeps
    /// them until they change).
    pub overrides: Arc<Overrides>,
    /// The git history with this build as its latest point, if shown.
    pub history: Option<crate::history::History>,
}

self_cell::self_cell!(
    struct Cell {
        owner: Built,
        #[covariant]
        dependent: Prepared,
    }
);

/// A good build, ready to render page by page.
pub struct Snapshot(Cell);

impl Snapshot {
    /// Prepares the site of `built`; fails on a template that does not
    /// parse.
    pub fn new(built: Built) -> Result<Snapshot, SiteError> {
        Cell::try_new(built, |b| {
            Prepared::new(&SiteInput {
                pipeline: &b.checked.pipeline,
                analytics: &b.analytics,
                diagnostics: &b.checked.diagnostics,
                overrides: &b.overrides,
                base_url: None,
                history: b.history.as_ref(),
            })
        })
        .map(Snapshot)
    }

    /// The prepared site.
    pub fn site(&self) -> &Prepared<'_> {
        self.0.borrow_dependent()
    }

    /// What it was built from.
    pub fn built(&self) -> &Built {
        self.0.borrow_owner()
    }

    /// Renders one file, if the site has it.
    pub fn render(&self, path: &str) -> Option<Result<Page, SiteError>> {
        self.site().render(path)
    }
}
