//! `dealbook watch`: build into the output folder, then rebuild on every
//! change until Ctrl-C (exit 0). The loop and the incremental state are in
//! the library ([`dealbook::watch`]); this prints one line per build.

use super::{parse_date, pipeline_dir, today};
use dealbook::Exit;
use dealbook::watch::{self, Config, Hooks, Outcome, Report, Watch};
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The pipeline folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Where to write the site (default: DIR/public). Only changed files
    /// are rewritten.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Compute as of this date instead of the settings' as_of or today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// Poll the folder for changes instead of using the system's file
    /// events (network shares, some containers).
    #[arg(long)]
    poll: bool,
    /// Print where the time of each build went.
    #[arg(long, hide = true)]
    timings: bool,
}

/// `[14:03:22] ` for the terminal lines.
pub fn clock() -> String {
    let now = jiff::ZonedDateTime::now();
    format!("[{}] ", now.strftime("%H:%M:%S"))
}

/// Prints a build's diagnostics (if any) and its one line.
pub fn print_report(r: &Report, output: &Path, serving: bool, timings: bool) {
    if let Outcome::Invalid { text, .. } = &r.outcome {
        eprint!("{text}");
    }
    eprintln!("{}{}", clock(), r.line(output, serving));
    if timings {
        let t = &r.timings;
        if let Outcome::Built { reused, .. } = r.outcome {
            eprintln!("    {reused} pages not rendered again (input unchanged)");
        }
        eprintln!(
            "    waited {:?}, refresh {:?} (read {}), assemble {:?}, check {:?}, analytics {:?}, prepare {:?}, live after {:?}, render+write {:?}",
            t.waited,
            t.refresh,
            r.read,
            t.assemble,
            t.check,
            t.analytics,
            t.render,
            r.live.unwrap_or_default(),
            t.write
        );
    }
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
        eprintln!("{}warning: file watcher: {e}", clock());
    }
}

/// The configuration shared by `watch` and `serve`.
pub fn config(root: PathBuf, output: PathBuf, as_of: Option<Date>, poll: bool) -> Config {
    let mut cfg = Config::new(root, output, today);
    cfg.as_of = as_of;
    cfg.poll = poll.then_some(watch::POLL_EVERY);
    cfg.color = super::stderr_color();
    cfg
}

/// Runs `watch`.
pub fn run(a: Args) -> Exit {
    let root = match pipeline_dir(&a.dir) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let output = a.output.clone().unwrap_or_else(|| root.join("public"));
    let w = match Watch::new(config(root.clone(), output.clone(), a.as_of, a.poll)) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failure;
        }
    };
    let stop = w.stopper();
    if let Err(e) = ctrlc::set_handler(move || stop.stop()) {
        eprintln!("error: cannot catch Ctrl-C: {e}");
        return Exit::Failure;
    }
    eprintln!(
        "watching {} (Ctrl-C to stop){}",
        root.display(),
        if a.poll { ", polling" } else { "" }
    );
    w.run(&mut Terminal {
        output,
        timings: a.timings,
    });
    eprintln!("stopped");
    Exit::Ok
}
