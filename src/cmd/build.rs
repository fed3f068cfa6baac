//! `dealbook build`: check, compute, render the site and write it
//! atomically. Exit 1 when the pipeline (or one of its templates) has
//! errors, 2 when the output cannot be written.

use super::common::{AsOf, PipelineDir, one_shot, print_diagnostics, today};
use dealbook::site::{self, SiteError, SiteInput, output::Staging, templates};
use dealbook::{Exit, analytics, load_and_check};
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
pub fn run(a: Args) -> Exit {
    let started = Instant::now();
    let root = match a.pipeline.open() {
        Ok(r) => r,
        Err(e) => return e,
    };
    let out = a.output.clone().unwrap_or_else(|| root.join("public"));
    if let Some(why) = dealbook::paths::output_conflict(&root, &out) {
        eprintln!("error: {why}");
        return Exit::Failure;
    }
    let mut opts = one_shot();
    if dealbook::paths::is_within(&out, &root)
        && !dealbook::paths::is_within(&out, &root.join("public"))
    {
        opts.skip.push(out.clone());
    }
    let checked = load_and_check(&root, &opts, a.as_of.as_of, today());
    if checked.has_errors() {
        print_diagnostics(&checked);
        eprintln!("error: not building the site: the pipeline has errors");
        return Exit::Invalid;
    }
    let overrides = match templates::read_overrides(&root.join("templates")) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: cannot read the pipeline's templates: {e}");
            return Exit::Failure;
        }
    };
    for s in &overrides.skipped {
        eprintln!("warning: {}", dealbook::diag_out::printable(s));
    }
    let analytics = analytics::compute(
        &checked.pipeline,
        checked.as_of,
        &analytics::Options::default(),
    );
    let input = SiteInput {
        pipeline: &checked.pipeline,
        analytics: &analytics,
        diagnostics: &checked.diagnostics,
        overrides: &overrides,
        base_url: a.base_url.as_deref(),
    };
    let staging = match Staging::begin(&out) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            if out.exists() {
                eprintln!("the previous site in {} is unchanged", out.display());
            }
            return Exit::Failure;
        }
    };
    let pages = match site::render_to(&input, |page| staging.write(&page)) {
        Ok(n) => n,
        Err(SiteError::Io(e)) => {
            eprintln!("error: {e}");
            eprintln!("the previous site in {} is unchanged", out.display());
            return Exit::Failure;
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("the previous site in {} is unchanged", out.display());
            return Exit::Invalid;
        }
    };
    match staging.commit() {
        Ok(None) => {}
        Ok(Some(warning)) => eprintln!("warning: {warning}"),
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("the previous site in {} is unchanged", out.display());
            return Exit::Failure;
        }
    }
    let warnings = dealbook::diag_out::Summary::of(&checked.diagnostics, 0).warnings;
    eprintln!(
        "built {pages} files into {} in {:.2?}{}",
        out.display(),
        started.elapsed(),
        match warnings {
            0 => String::new(),
            1 => " (1 warning: see warnings.html)".into(),
            n => format!(" ({n} warnings: see warnings.html)"),
        }
    );
    Exit::Ok
}
