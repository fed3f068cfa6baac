//! Command-line interface: the argument types (clap derive) and dispatch.
//! Each command lives in its own module and stays thin: parse arguments,
//! call the library, print, pick the exit status.

mod build;
mod check;
mod diff;
mod init;
mod report;
mod schema;
mod serve;
mod watch;

use clap::{Parser, Subcommand};
use dealbook::Exit;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// Sales pipeline as code.
#[derive(Debug, Parser)]
#[command(name = "dealbook", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a pipeline and report every problem.
    Check(check::Args),
    /// Print the JSON Schema of the file kinds (for editors).
    Schema(schema::Args),
    /// Scaffold a new pipeline that passes `check`.
    Init(init::Args),
    /// Print funnel, forecast, performance, risks and account health.
    Report(report::Args),
    /// Check, compute and render the static HTML site.
    Build(build::Args),
    /// What a change does to the pipeline: waterfall, forecast delta, deal
    /// changes, risks and errors between two git revisions or folders.
    Diff(diff::Args),
    /// Build, then rebuild the site on every change until Ctrl-C.
    Watch(watch::Args),
    /// Build, serve the site on 127.0.0.1 and reload open pages on every
    /// change.
    Serve(serve::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Init(a) => init::run(a),
        Command::Report(a) => report::run(a),
        Command::Build(a) => build::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Serve(a) => serve::run(a),
    }
}

/// Today's date in the local time zone: the only place the clock is read.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Parses `--as-of`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("expected a date like 2026-11-15: {e}"))
}

/// Load options of the one-shot commands (check, report, build): texts of
/// files that parse cleanly are dropped and read again only for snippets.
pub fn one_shot() -> dealbook::load::LoadOptions {
    dealbook::load::LoadOptions {
        drop_clean_text: true,
        ..Default::default()
    }
}

/// Checks that the pipeline folder exists, printing the I/O error if not.
pub fn pipeline_dir(dir: &Path) -> Result<PathBuf, Exit> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(dir.to_path_buf()),
        Ok(_) => {
            eprintln!("error: {} is not a folder", dir.display());
            Err(Exit::Failure)
        }
        Err(e) => {
            eprintln!(
                "error: cannot open the pipeline folder {}: {e}",
                dir.display()
            );
            Err(Exit::Failure)
        }
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
