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
    no_transparent_huge_pages();
    // A shell asking for completions (`COMPLETE=bash dealbook -- …`, set
    // by the script of `dealbook completions`): answer and exit.
    clap_complete::CompleteEnv::with_factory(<cmd::Cli as clap::CommandFactory>::command)
        .complete();
    let cli = cmd::Cli::parse();
    let code = cmd::run(cli);
    std::process::exit(code as i32);
}

/// Turns transparent huge pages off for this process (Linux). mimalloc asks
/// for huge pages on its arenas, and on the usual `madvise` setting the
/// kernel then zeroes a whole 2 MiB page wherever a thread first touches
/// one: measured with `perf` on `check` of 100k deals, a quarter of the CPU
/// time went to `clear_page_erms` (about 6 GB zeroed for 800 MB used). With
/// 4 KiB pages the same run takes about a fifth less CPU. The same as
/// `MIMALLOC_ALLOW_THP=0`, which mimalloc only reads before `main`.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_THP_DISABLE) takes plain integers and only sets
    // a flag of the calling process; a failure (an old kernel) is harmless.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
