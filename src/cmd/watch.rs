//! `dealbook watch`: build into the output folder, then rebuild on every
//! change until Ctrl-C (exit 0). The loop and the incremental state are in
//! the library ([`dealbook::watch`]); this prints one line per build.

use super::Failure;
use super::common::{
    LoopArgs, PipelineDir, print_report, run_until_stopped, start_watch, stop_on_ctrl_c,
    watcher_warning,
};
use dealbook::Exit;
use dealbook::watch::{Hooks, Report};
use std::path::PathBuf;

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Where to write the site (default: DIR/public). Only changed files
    /// are rewritten.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    looping: LoopArgs,
}

/// The terminal side of `watch`.
struct Terminal {
    output: PathBuf,
    timings: bool,
}

impl Hooks for Terminal {
    fn report(&mut self, r: &Report) {
        print_report(r, &self.output, false, self.timings);
    }

    fn watcher_error(&mut self, e: &str) {
        watcher_warning(e);
    }
}

/// Runs `watch`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let root = a.pipeline.open()?;
    let output = a.output.clone().unwrap_or_else(|| root.join("public"));
    let w = start_watch(a.looping.config(root.clone(), output.clone()))?;
    let signals = stop_on_ctrl_c()?;
    eprintln!(
        "watching {} (Ctrl-C to stop){}",
        root.display(),
        a.looping.polling()
    );
    run_until_stopped(
        w,
        Terminal {
            output,
            timings: a.looping.timings,
        },
        signals,
    )
}
