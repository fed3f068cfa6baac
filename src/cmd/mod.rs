//! Command-line interface: the argument types (clap derive) and dispatch.
//! Each command lives in its own module and stays thin: parse arguments,
//! call the library, print, pick the exit status. A command returns
//! `Result<Exit, Failure>`; [`run`] is the one place a [`Failure`] is
//! printed (`error: …`) and turned into its exit status. What several of
//! them share (argument groups, helpers) is in `common.rs`.

mod build;
mod check;
mod common;
mod complete;
mod deal;
mod diff;
mod fmt;
mod history;
mod import;
mod init;
mod report;
mod schema;
mod serve;
mod watch;

use clap::{Parser, Subcommand};
use dealbook::Exit;

/// What the top-level help ends with: the exit statuses and the docs.
const AFTER_HELP: &str = concat!(
    "Exit status (every command): 0 ok; 1 the pipeline has errors (or warnings, with \
     --deny-warnings); 2 usage error or I/O failure.\n\n\
     Docs: `dealbook <COMMAND> --help` for a command's options; the file format, every \
     diagnostic code, the metrics, CI set-up: ",
    env!("CARGO_PKG_REPOSITORY"),
    "/tree/main/docs (format.md, errors.md, metrics.md, ci.md)"
);

/// Sales pipeline as code.
#[derive(Debug, Parser)]
#[command(name = "dealbook", version, about, long_about = None, after_help = AFTER_HELP)]
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
    #[command(long_about = init::LONG_ABOUT)]
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
    /// The pipeline through its git history: forecast trend, the last
    /// week's change, forecast accuracy of closed periods.
    History(history::Args),
    /// Rewrite every file in the canonical layout (comments kept); with
    /// --check, list the files that are not.
    Fmt(fmt::Args),
    /// Edit a deal in place: new, move, won, lost, push, set (each writes
    /// the [[history]] entry the change needs and refuses to break the
    /// pipeline).
    Deal(deal::DealArgs),
    /// Create and update deals and accounts from CRM exports (CSV), by a
    /// preset or a rules file; idempotent; keeps comments.
    Import(import::Args),
    /// Log a follow-up with an account (a [[touch]] entry).
    Touch(deal::TouchArgs),
    /// Print the shell completion script (completes ids too):
    /// `source <(dealbook completions bash)`.
    Completions(complete::Args),
}

/// Runs a parsed command line. Every command returns its exit status or
/// a [`Failure`]; this is the one place a failure is printed.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Init(a) => init::run(a),
        Command::Report(a) => report::run(a),
        Command::Build(a) => build::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Serve(a) => serve::run(a),
        Command::History(a) => history::run(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Import(a) => import::run(a),
        Command::Deal(a) => deal::run(a),
        Command::Touch(a) => deal::run_touch(a),
        Command::Completions(a) => complete::run(a),
    };
    match result {
        Ok(exit) => exit,
        Err(f) => {
            if let Some(m) = &f.message {
                eprintln!("error: {m}");
            }
            f.exit
        }
    }
}

/// Why a command stopped early: the exit status, and the message that
/// [`run`] prints on stderr as `error: …`.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub exit: Exit,
    /// What to print; none when the command has said why already (the
    /// pipeline's diagnostics) or there is nothing to say (stdout closed).
    pub message: Option<String>,
}

impl Failure {
    /// A usage or I/O error (exit 2).
    pub fn error(message: impl std::fmt::Display) -> Failure {
        Failure {
            exit: Exit::Failure,
            message: Some(message.to_string()),
        }
    }

    /// The pipeline has errors (exit 1), and the command says what it did
    /// not do because of them.
    pub fn invalid(message: impl std::fmt::Display) -> Failure {
        Failure {
            exit: Exit::Invalid,
            message: Some(message.to_string()),
        }
    }

    /// Exit with `exit`, printing nothing more.
    pub fn silent(exit: Exit) -> Failure {
        Failure {
            exit,
            message: None,
        }
    }
}
