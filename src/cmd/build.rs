//! `dealbook build`: check, compute, render the site and write it
//! atomically. Exit 1 when the pipeline (or one of its templates) has
//! errors, 2 when the output cannot be written.

use super::Failure;
use super::common::{
    AsOf, PipelineDir, Rev, load_at, one_shot, print_diagnostics, site_history, today,
};
use dealbook::history::{History, Timeline, enrich};
use dealbook::site::beside::Written;
use dealbook::site::{self, SiteError, SiteInput, output::Staging, templates};
use dealbook::{Checked, Exit, analytics};
use jiff::civil::Date;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::ScopedJoinHandle;
use std::time::{Duration, Instant};

/// Arguments of `build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Where to write the site (default: DIR/public). Replaced as a whole.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    as_of: AsOf,
    /// Public address of the site; only used for <link rel="canonical">.
    #[arg(long, value_parser = parse_base_url)]
    base_url: Option<String>,
    #[command(flatten)]
    rev: Rev,
    /// Leave out what the git history adds (the Trends page, "Since last
    /// week", the deals' changes).
    #[arg(long)]
    no_history: bool,
    /// Print where the time went.
    #[arg(long, hide = true)]
    timings: bool,
}

fn parse_base_url(s: &str) -> Result<String, String> {
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s.to_string())
    } else {
        Err("expected an absolute http(s) URL like https://sales.example.com/pipeline/".into())
    }
}

/// What the history's thread gives: the range's end it read to, the
/// history (none outside git), and how long it took.
type Read = (Date, Option<Arc<Timeline>>, Duration);

/// The site as far as it was rendered while the history was read
/// ([`render_beside`]).
struct Beside {
    overrides: templates::Overrides,
    /// Where the pages were written.
    staging: Staging,
    /// The history as read.
    read: Read,
    /// The site's history with its latest point, when the history was
    /// read to the pipeline's date (otherwise it is read again).
    latest: Option<Option<History>>,
    /// How many files, when every one was written; none when only those
    /// rendered ahead of the history were, which then have to be
    /// rendered again (the history gave deals stage moves, so other
    /// analytics, or there was no history after all).
    done: Option<usize>,
    /// How long the pages that do not show the history took.
    ahead: Duration,
}

/// Renders and writes the site of the checked pipeline `c`, with its
/// analytics `an`, while `history` is read ([`site::beside`]).
fn render_beside(
    root: &Path,
    out: &Path,
    c: &Checked,
    an: &analytics::Analytics,
    base_url: Option<&str>,
    history: ScopedJoinHandle<'_, Read>,
) -> Result<Beside, Failure> {
    let overrides = read_overrides(root)?;
    let staging = begin(out)?;
    let input = SiteInput {
        pipeline: &c.pipeline,
        analytics: an,
        diagnostics: &c.diagnostics,
        overrides: &overrides,
        base_url,
        history: None,
    };
    let mut read = None;
    let (latest, written, ahead) = site::beside::render(
        &input,
        || {
            let r: Read = history.join().expect("reading the history panicked");
            // Read to another date than the pipeline's: read again later.
            let latest = (r.0 == c.as_of)
                .then(|| r.1.as_ref().map(|t| t.finish(c)))
                .flatten();
            read = Some(r);
            latest
        },
        |page| staging.write(&page),
    );
    let read = read.expect("the history was waited for");
    let latest = (read.0 == c.as_of).then_some(latest);
    let done = match written.map_err(|e| site_failure(out, e))? {
        Written::All(n) => Some(n),
        Written::Ahead(_) => None,
    };
    Ok(Beside {
        overrides,
        staging,
        read,
        latest,
        done,
        ahead,
    })
}

/// The pipeline's own templates and assets; warns of those skipped.
fn read_overrides(root: &Path) -> Result<templates::Overrides, Failure> {
    let overrides = templates::read_overrides(&root.join("templates"))
        .map_err(|e| Failure::error(format!("cannot read the pipeline's templates: {e}")))?;
    for s in &overrides.skipped {
        eprintln!("warning: {}", dealbook::diag_out::printable(s));
    }
    Ok(overrides)
}

/// An error and the reassurance that the previous site in `out` is
/// unchanged.
fn unchanged(out: &Path, e: &dyn std::fmt::Display) -> String {
    format!("{e}\nthe previous site in {} is unchanged", out.display())
}

/// Starts writing the site into a folder beside `out`.
fn begin(out: &Path) -> Result<Staging, Failure> {
    Staging::begin(out).map_err(|e| {
        Failure::error(if out.exists() {
            unchanged(out, &e)
        } else {
            e.to_string()
        })
    })
}

/// Why rendering failed: exit 2 when a page could not be written, 1 when
/// a template failed.
fn site_failure(out: &Path, e: SiteError) -> Failure {
    match e {
        SiteError::Io(e) => Failure::error(unchanged(out, &e)),
        e => Failure::invalid(unchanged(out, &e)),
    }
}

/// Runs `build`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let started = Instant::now();
    let root = a.pipeline.open()?;
    let out = a.output.clone().unwrap_or_else(|| root.join("public"));
    if let Some(why) = dealbook::paths::output_conflict(&root, &out) {
        return Err(Failure::error(why));
    }
    let mut opts = one_shot();
    if dealbook::paths::is_within(&out, &root)
        && !dealbook::paths::is_within(&out, &root.join("public"))
    {
        opts.skip.push(out.clone());
    }
    // The history is read while the pipeline loads (at a revision, once
    // its date is known).
    let early_end = (!a.no_history && a.rev.rev.is_none())
        .then(|| dealbook::history::range_end(&root, a.as_of.as_of, today()));
    let mut times: Vec<(&str, Duration)> = Vec::new();
    // The history starts from the files the load reads (those unchanged
    // since a commit need no reading from git and no parsing again).
    let (seed_tx, seed_rx) = std::sync::mpsc::channel();
    // The history asks for them once it has found commits to read: then
    // it is coming (outside git, it gives up without asking).
    let (coming_tx, coming_rx) = std::sync::mpsc::channel::<()>();
    let (loaded, early, speculative, beside) = std::thread::scope(|s| {
        let at = root.as_path();
        let history = early_end.map(|end| {
            s.spawn(move || {
                let clock = Instant::now();
                let seed = move || {
                    let _ = coming_tx.send(());
                    seed_rx.recv().unwrap_or_default()
                };
                let t = site_history(at, end, None, seed);
                (end, t, clock.elapsed())
            })
        });
        let clock = Instant::now();
        let loaded = match history {
            Some(_) => Ok(dealbook::load_and_check_keeping(
                &root,
                &opts,
                a.as_of.as_of,
                today(),
                |kept| {
                    let _ = seed_tx.send(kept);
                },
            )),
            None => load_at(&root, &opts, a.as_of.as_of, &a.rev),
        };
        times.push(("load and check", clock.elapsed()));
        // While the history is read: the analytics of the pipeline as
        // loaded. They stand unless the history gives deals stage moves
        // (`enrich`, below), and are computed again then.
        let clock = Instant::now();
        let speculative = match (&loaded, &history) {
            (Ok(c), Some(_)) if !c.has_errors() => Some((
                analytics::compute(&c.pipeline, c.as_of, &analytics::Options::default()),
                c.as_of,
            )),
            _ => None,
        };
        if speculative.is_some() {
            times.push(("analytics (beside the history)", clock.elapsed()));
        }
        // Then, when a history is coming and cannot change these
        // analytics (every deal has its `[[history]]`, so git's stage
        // moves are not used), the site beside it.
        let beside = match (&loaded, &speculative, history) {
            (Ok(c), Some((an, _)), Some(h))
                if !enrich::may_apply(&c.pipeline) && coming_rx.recv().is_ok() =>
            {
                Some(render_beside(&root, &out, c, an, a.base_url.as_deref(), h))
            }
            (_, _, h) => {
                let early = h.map(|h| h.join().expect("reading the history panicked"));
                return (loaded, early, speculative, None);
            }
        };
        (loaded, None, speculative, beside)
    });
    let mut checked = loaded?;
    if checked.has_errors() {
        print_diagnostics(&checked);
        return Err(Failure::invalid(
            "not building the site: the pipeline has errors",
        ));
    }
    let (overrides, staging, early, latest, done) = match beside {
        Some(b) => {
            let b = b?;
            times.push(("render and write ahead (beside the history)", b.ahead));
            (b.overrides, Some(b.staging), Some(b.read), b.latest, b.done)
        }
        None => (read_overrides(&root)?, None, early, None, None),
    };
    if let Some((_, _, took)) = &early {
        times.push(("read the history (beside)", *took));
    }
    let clock = Instant::now();
    let history = match latest {
        Some(h) => h,
        None => {
            let timeline = match early {
                _ if a.no_history => None,
                Some((end, t, _)) if end == checked.as_of => t,
                _ => site_history(&root, checked.as_of, a.rev.rev.clone(), Vec::new),
            };
            timeline.map(|t| t.finish(&checked))
        }
    };
    let staging = match staging {
        Some(s) => s,
        None => begin(&out)?,
    };
    let (pages, analytics) = match done {
        // Every page is written (beside the history).
        Some(pages) => {
            let (an, _) = speculative.expect("the site was rendered from these");
            (pages, an)
        }
        None => {
            let enriched = match &history {
                Some(h) => {
                    enrich::stage_history(&mut checked.pipeline, &h.timeline.log, checked.as_of)
                }
                None => 0,
            };
            times.push(("the history's latest point", clock.elapsed()));
            let clock = Instant::now();
            let analytics = match speculative {
                Some((a, as_of)) if enriched == 0 && as_of == checked.as_of => a,
                _ => analytics::compute(
                    &checked.pipeline,
                    checked.as_of,
                    &analytics::Options::default(),
                ),
            };
            times.push(("analytics", clock.elapsed()));
            let input = SiteInput {
                pipeline: &checked.pipeline,
                analytics: &analytics,
                diagnostics: &checked.diagnostics,
                overrides: &overrides,
                base_url: a.base_url.as_deref(),
                history: history.as_ref(),
            };
            // Every page, over any rendered ahead of the history.
            let clock = Instant::now();
            let rendered = site::render_to(&input, |page| staging.write(&page));
            times.push(("render and write", clock.elapsed()));
            (rendered.map_err(|e| site_failure(&out, e))?, analytics)
        }
    };
    match staging.commit() {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("warning: {warning}"),
        Err(e) => return Err(Failure::error(unchanged(&out, &e))),
    }
    let warnings = dealbook::diag_out::Summary::of(&checked.diagnostics, 0).warnings;
    eprintln!(
        "built {pages} files into {}{} in {:.2?}{}",
        out.display(),
        match &history {
            Some(h) => format!(" with the history of {} commits", h.timeline.commits.len()),
            None => String::new(),
        },
        started.elapsed(),
        match warnings {
            0 => String::new(),
            1 => " (1 warning: see warnings.html)".into(),
            n => format!(" ({n} warnings: see warnings.html)"),
        }
    );
    if a.timings {
        for (what, took) in &times {
            eprintln!("    {what}: {took:.2?}");
        }
        if let Some(h) = &history {
            eprintln!("{}", h.timeline.stats.describe());
        }
    }
    // The process ends with this command: freeing the pipeline, its
    // analytics and history (a million small allocations at 10k deals)
    // would only make it end later.
    std::mem::forget((checked, analytics, history));
    Ok(Exit::Ok)
}
