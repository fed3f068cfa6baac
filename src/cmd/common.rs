//! What several commands share, kept in one place so that each command
//! stays thin: argument groups flattened into the commands' `Args` (same
//! flags, same help everywhere) and the helpers around them.

use super::Failure;
use dealbook::Exit;
use dealbook::watch::{self, Config, Outcome, Report, Watch};
use jiff::civil::Date;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// The pipeline folder, the first positional argument of check, report,
/// build, watch and serve.
#[derive(Debug, clap::Args)]
pub struct PipelineDir {
    /// The pipeline folder, or any folder inside it (the root is found by
    /// looking upward for dealbook.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

impl PipelineDir {
    /// The pipeline's root, found upward from the folder, checked to
    /// exist (see [`pipeline_dir`]).
    pub fn open(&self) -> Result<PathBuf, Failure> {
        pipeline_dir(&self.dir).map(|d| dealbook::root::discover(&d))
    }
}

/// `--as-of` of the commands that compute (report, build, watch, serve).
#[derive(Debug, clap::Args)]
pub struct AsOf {
    /// Compute as of this date, YYYY-MM-DD, instead of the settings' as_of
    /// or today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
}

/// The options of the rebuild loop, shared by watch and serve.
#[derive(Debug, clap::Args)]
pub struct LoopArgs {
    #[command(flatten)]
    pub as_of: AsOf,
    /// Poll the folder for changes instead of using the system's file
    /// events (network shares, some containers).
    #[arg(long)]
    pub poll: bool,
    /// Print where the time of each build went.
    #[arg(long, hide = true)]
    pub timings: bool,
    /// Leave out what the git history adds (the Trends page, "Since last
    /// week", the deals' changes).
    #[arg(long)]
    pub no_history: bool,
}

impl LoopArgs {
    /// The loop's configuration for these options.
    pub fn config(&self, root: PathBuf, output: PathBuf) -> Config {
        let mut cfg = Config::new(root, output, today);
        cfg.as_of = self.as_of.as_of;
        cfg.poll = self.poll.then_some(watch::POLL_EVERY);
        cfg.color = stderr_color();
        cfg.history = !self.no_history;
        cfg
    }

    /// `, polling` after the start line when polling.
    pub fn polling(&self) -> &'static str {
        if self.poll { ", polling" } else { "" }
    }
}

/// Today's date in the local time zone: the only place the clock is read.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Parses `--as-of`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let d = s
        .parse::<Date>()
        .map_err(|e| format!("expected a date like 2026-11-15: {e}"))?;
    if dealbook::limits::year_ok(d.year()) {
        Ok(d)
    } else {
        Err(dealbook::limits::years_text())
    }
}

/// Load options of the one-shot commands (check, report, build): texts of
/// files that parse cleanly are dropped and read again only for snippets.
pub fn one_shot() -> dealbook::load::LoadOptions {
    dealbook::load::LoadOptions {
        drop_clean_text: true,
        ..Default::default()
    }
}

/// `--rev` of `report` and `build`: the pipeline as it was at a git
/// revision (evaluated as of its date unless `--as-of`).
#[derive(Debug, clap::Args)]
pub struct Rev {
    /// Show the pipeline as it was at this git revision (a branch, tag,
    /// HEAD~4, a commit id), evaluated as of the day of that commit
    /// (--as-of overrides it).
    #[arg(long)]
    pub rev: Option<String>,
}

/// Loads and checks the pipeline: the folder as it is, or, with `--rev`,
/// as it was at that revision (saying so on stderr).
pub fn load_at(
    root: &Path,
    opts: &dealbook::load::LoadOptions,
    as_of: Option<Date>,
    rev: &Rev,
) -> Result<dealbook::Checked, Failure> {
    match &rev.rev {
        None => Ok(dealbook::load_and_check(root, opts, as_of, today())),
        Some(r) => match dealbook::history::at::load(root, r, as_of, today()) {
            Ok((checked, at)) => {
                eprintln!(
                    "the pipeline at {} ({}, {}), as of {}",
                    at.rev,
                    &at.commit[..at.commit.len().min(7)],
                    at.date,
                    checked.as_of
                );
                Ok(checked)
            }
            Err(e) => Err(Failure::error(e)),
        },
    }
}

/// The history of the site (`build`): none outside a git repository or
/// when it has no snapshot before the range's end `end` yet; a git
/// failure is a warning and the site is built without it. `rev`: the
/// revision it ends at. `seed`: the working tree's files as the load
/// read them, when it is the history's end
/// ([`dealbook::history::Timeline::read_seeded`]).
pub fn site_history(
    root: &Path,
    end: Date,
    rev: Option<String>,
    seed: impl FnOnce() -> Vec<dealbook::load::Kept>,
) -> Option<std::sync::Arc<dealbook::history::Timeline>> {
    let opts = dealbook::history::Options {
        exit_after: true,
        ..dealbook::history::site_options(root, end, rev)
    };
    match dealbook::history::Timeline::read_seeded(root, end, &opts, seed) {
        Ok(t) if t.has_snapshots() => Some(std::sync::Arc::new(t)),
        Ok(_) => {
            eprintln!(
                "note: the git history has no snapshot before {end}; the site is built without it"
            );
            None
        }
        Err(dealbook::history::Error::NoRepository(_)) => None,
        Err(e) => {
            eprintln!("warning: the site is built without its history: {e}");
            None
        }
    }
}

/// Checks that the pipeline folder exists, printing the I/O error if not.
pub fn pipeline_dir(dir: &Path) -> Result<PathBuf, Failure> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(dir.to_path_buf()),
        Ok(_) => Err(Failure::error(format!("{} is not a folder", dir.display()))),
        Err(e) => Err(Failure::error(format!(
            "cannot open the pipeline folder {}: {e}",
            dir.display()
        ))),
    }
}

/// The root of the pipeline `dir` is in, for the commands that write
/// (import, deal, touch): found upward; an error when there is none.
pub fn existing_pipeline(dir: &Path) -> Result<PathBuf, Failure> {
    let root = dealbook::root::discover(&pipeline_dir(dir)?);
    if root.join(dealbook::root::MARKER).is_file() {
        Ok(root)
    } else {
        Err(Failure::error(format!(
            "{} is not inside a pipeline (no dealbook.toml here or above); `dealbook init` makes one",
            dir.display()
        )))
    }
}

/// Prints a check's diagnostics to stderr in the human format (coloured on
/// a terminal), with the summary line.
pub fn print_diagnostics(checked: &dealbook::Checked) {
    let color = stderr_color();
    let text = dealbook::diag_out::human(&checked.diagnostics, &checked.pipeline.sources, color);
    let summary = dealbook::diag_out::Summary::of(&checked.diagnostics, checked.file_count());
    eprint!("{text}");
    eprintln!("{}", summary.line());
}

/// Whether to colour what goes to stdout: anstream's rules (a terminal
/// that supports colour; never with `NO_COLOR`; `CLICOLOR_FORCE` forces it).
pub fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// The same for stderr.
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Parses `--period`.
pub fn parse_period(s: &str) -> Result<dealbook::period::Period, String> {
    use dealbook::period::Period;
    Period::parse(s).ok_or_else(|| match Period::parse_any_year(s) {
        Some(_) => dealbook::limits::years_text(),
        None => "expected a period like 2026, 2026-Q4 or 2026-11".to_string(),
    })
}

/// Writes a command's output to stdout; a failure (a closed pipe) is
/// exit 2, with nothing more said.
pub fn print_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|_| Failure::silent(Exit::Failure))
}

/// `[14:03:22] ` for the terminal lines.
pub fn clock() -> String {
    let now = jiff::ZonedDateTime::now();
    format!("[{}] ", now.strftime("%H:%M:%S"))
}

/// Prints a build's diagnostics (if any) and its one line.
pub fn print_report(r: &Report, output: &Path, serving: bool, timings: bool) {
    for n in &r.notices {
        eprintln!("{}warning: {}", clock(), dealbook::diag_out::printable(n));
    }
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
            "    waited {:?}, refresh {:?} (read {}), assemble {:?}, history {:?}, check {:?}, analytics {:?}, prepare {:?}, live after {:?}, render+write {:?}",
            t.waited,
            t.refresh,
            r.read,
            t.assemble,
            t.history,
            t.check,
            t.analytics,
            t.render,
            r.live.unwrap_or_default(),
            t.write
        );
    }
}

/// Starts a watch session, printing why it cannot start.
pub fn start_watch(cfg: Config) -> Result<Watch, Failure> {
    Watch::new(cfg).map_err(Failure::error)
}

/// What the main thread of `watch` and `serve` waits for.
pub enum Wake {
    /// Ctrl-C or SIGTERM.
    Signal,
    /// The loop ended by itself.
    Done,
}

/// Catches Ctrl-C and SIGTERM: each becomes a [`Wake::Signal`] on the
/// returned channel (see [`run_until_stopped`]).
pub fn stop_on_ctrl_c() -> Result<(Sender<Wake>, Receiver<Wake>), Failure> {
    let (tx, rx) = mpsc::channel();
    let signals = tx.clone();
    ctrlc::set_handler(move || {
        let _ = signals.send(Wake::Signal);
    })
    .map_err(|e| Failure::error(format!("cannot catch Ctrl-C: {e}")))?;
    Ok((tx, rx))
}

/// The terminal line of a file watcher problem.
pub fn watcher_warning(e: &str) {
    eprintln!("{}warning: file watcher: {e}", clock());
}

/// How long a stopped loop may take to finish the build it is in before
/// it is abandoned.
const GRACE: Duration = Duration::from_millis(300);

/// Runs the loop on a worker thread until Ctrl-C or SIGTERM (exit 0). The
/// main thread only waits: on a signal it asks the loop to stop, gives it
/// [`GRACE`] to finish, and otherwise abandons it (a template that loops
/// for hours cannot be interrupted), deleting the temporary files of the
/// pages being written; returning then ends the process. The caller
/// cleans up what it owns (serve's temporary folder).
pub fn run_until_stopped<H: watch::Hooks + Send + 'static>(
    w: Watch,
    mut hooks: H,
    (tx, rx): (Sender<Wake>, Receiver<Wake>),
) -> Result<Exit, Failure> {
    let stopper = w.stopper();
    let worker = std::thread::Builder::new()
        .name("dealbook-watch".into())
        .spawn(move || {
            w.run(&mut hooks);
            let _ = tx.send(Wake::Done);
        });
    if let Err(e) = worker {
        return Err(Failure::error(format!("cannot start the watch loop: {e}")));
    }
    match rx.recv() {
        Ok(Wake::Done) | Err(_) => {}
        Ok(Wake::Signal) => {
            stopper.stop();
            // A second Ctrl-C does not wait.
            if !matches!(rx.recv_timeout(GRACE), Ok(Wake::Done)) {
                dealbook::site::output::abandon_writes();
                eprintln!(
                    "stopped (the build in progress was abandoned; the output folder keeps the last complete build)"
                );
                return Ok(Exit::Ok);
            }
        }
    }
    eprintln!("stopped");
    Ok(Exit::Ok)
}
