//! `dealbook build`: check, compute, render the site and write it
//! atomically. Exit 1 when the pipeline (or one of its templates) has
//! errors, 2 when the output cannot be written.

use super::Failure;
use super::common::{
    AsOf, PipelineDir, Rev, load_at, one_shot, print_diagnostics, site_history, today,
};
use dealbook::site::{self, SiteError, SiteInput, output::Staging, templates};
use dealbook::{Exit, analytics};
use std::path::PathBuf;
use std::time::Instant;

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
    let mut times: Vec<(&str, std::time::Duration)> = Vec::new();
    // The history starts from the files the load reads (those unchanged
    // since a commit need no reading from git and no parsing again).
    let (seed_tx, seed_rx) = std::sync::mpsc::channel();
    let (loaded, early, speculative) = std::thread::scope(|s| {
        let at = root.as_path();
        let history = early_end.map(|end| {
            s.spawn(move || {
                let clock = Instant::now();
                let t = site_history(at, end, None, move || seed_rx.recv().unwrap_or_default());
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
        let early = history.map(|h| h.join().expect("reading the history panicked"));
        (loaded, early, speculative)
    });
    let early = early.map(|(end, t, took)| {
        times.push(("read the history (beside)", took));
        (end, t)
    });
    let mut checked = loaded?;
    if checked.has_errors() {
        print_diagnostics(&checked);
        return Err(Failure::invalid(
            "not building the site: the pipeline has errors",
        ));
    }
    let overrides = templates::read_overrides(&root.join("templates"))
        .map_err(|e| Failure::error(format!("cannot read the pipeline's templates: {e}")))?;
    for s in &overrides.skipped {
        eprintln!("warning: {}", dealbook::diag_out::printable(s));
    }
    let timeline = match early {
        _ if a.no_history => None,
        Some((end, t)) if end == checked.as_of => t,
        _ => site_history(&root, checked.as_of, a.rev.rev.clone(), Vec::new),
    };
    let clock = Instant::now();
    let history = timeline.map(|t| t.finish(&checked));
    let enriched = match &history {
        Some(h) => dealbook::history::enrich::stage_history(
            &mut checked.pipeline,
            &h.timeline.log,
            checked.as_of,
        ),
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
    let unchanged = |e: &dyn std::fmt::Display| {
        format!("{e}\nthe previous site in {} is unchanged", out.display())
    };
    let staging = Staging::begin(&out).map_err(|e| {
        Failure::error(if out.exists() {
            unchanged(&e)
        } else {
            e.to_string()
        })
    })?;
    let clock = Instant::now();
    let rendered = site::render_to(&input, |page| staging.write(&page));
    times.push(("render and write", clock.elapsed()));
    let pages = match rendered {
        Ok(n) => n,
        Err(SiteError::Io(e)) => return Err(Failure::error(unchanged(&e))),
        Err(e) => return Err(Failure::invalid(unchanged(&e))),
    };
    match staging.commit() {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("warning: {warning}"),
        Err(e) => return Err(Failure::error(unchanged(&e))),
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
    }
    // The process ends with this command: freeing the pipeline, its
    // analytics and history (a million small allocations at 10k deals)
    // would only make it end later.
    std::mem::forget((checked, analytics, history));
    Ok(Exit::Ok)
}
