//! The site rendered while its history is read (`build`): the pages that
//! do not show the history at once, on a thread of their own, and the
//! others beside them as soon as the history comes, so that no core waits
//! for the history, nor for the last page of the first batch.

use super::{Page, SiteError, SiteInput, incremental::Prepared};
use crate::history::{History, enrich};
use std::time::{Duration, Instant};

/// What [`render`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Every file of the site with its history: this many.
    All(usize),
    /// Only the files rendered ahead of the history, this many: no
    /// history came, or it gives deals stage moves (so other analytics).
    /// The caller renders the whole site again, over them.
    Ahead(usize),
}

/// Renders the site of `input`, whose history is not known yet (none in
/// `input`), into `sink`: the pages that do not show the history on a
/// thread of their own at once ([`Prepared::render_ahead`]); meanwhile
/// `history` is called (it may wait for the history to be read: the
/// history with its latest point, none without one), and with a history
/// that does not give deals stage moves ([`enrich::stage_histories`]),
/// the other pages are rendered beside the first batch
/// ([`Prepared::render_rest`]). The pages are the bytes the site with that
/// history renders in one go.
///
/// Returns the history `history` gave, what was written (or the first
/// error of a template or of `sink`), and how long the pages rendered
/// ahead took.
pub fn render<F>(
    input: &SiteInput<'_>,
    history: impl FnOnce() -> Option<History>,
    sink: F,
) -> (Option<History>, Result<Written, SiteError>, Duration)
where
    F: Fn(Page) -> std::io::Result<()> + Sync,
{
    assert!(input.history.is_none(), "the history is not known yet");
    let (latest, ahead, rest) = std::thread::scope(|s| {
        let ahead = s.spawn(|| {
            let clock = Instant::now();
            let n = Prepared::ahead_of_history(input).and_then(|p| p.render_ahead(&sink));
            (n, clock.elapsed())
        });
        let latest = history();
        // The pages rendered ahead stand when the site has the history
        // they expected and the analytics they were rendered from.
        let rest = match &latest {
            Some(h)
                if enrich::stage_histories(
                    input.pipeline,
                    &h.timeline.log,
                    input.analytics.as_of,
                )
                .is_empty() =>
            {
                let with = SiteInput {
                    history: Some(h),
                    ..*input
                };
                Some(Prepared::new(&with).and_then(|p| p.render_rest(&sink)))
            }
            _ => None,
        };
        let ahead = ahead.join().expect("rendering the site panicked");
        (latest, ahead, rest)
    });
    let (ahead, took) = ahead;
    let written = ahead.and_then(|n| match rest {
        Some(r) => r.map(|m| Written::All(n + m)),
        None => Ok(Written::Ahead(n)),
    });
    (latest, written, took)
}
