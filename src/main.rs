//! The `dealbook` binary: parses the command line and hands over to one
//! module of `cmd/` per command. Exit status: 0 ok, 1 the pipeline has
//! errors, 2 usage or I/O error.

mod cmd;

/// mimalloc instead of the system allocator: loading a pipeline makes
/// millions of small allocations (ids, names, spans), and mimalloc's
/// per-thread free lists make them markedly cheaper on both cores.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() {
    // A shell asking for completions (`COMPLETE=bash dealbook -- …`, set
    // by the script of `dealbook completions`): answer and exit.
    clap_complete::CompleteEnv::with_factory(<cmd::Cli as clap::CommandFactory>::command)
        .complete();
    let cli = cmd::Cli::parse();
    let code = cmd::run(cli);
    std::process::exit(code as i32);
}
