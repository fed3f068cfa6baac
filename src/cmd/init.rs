//! `dealbook init`: scaffold a new pipeline.

use super::Failure;
use super::common::today;
use dealbook::Exit;
use dealbook::init::{self, Install};
use std::path::PathBuf;

/// Arguments of `init`.
/// The long help of `init`: what it writes.
pub const LONG_ABOUT: &str = "Scaffold a new pipeline that passes `dealbook check` at once.\n\n\
It writes, into DIR (created if needed): dealbook.toml (settings and the standard \
stages), team.toml, accounts/acme.toml, deals/acme-pilot.toml, targets/targets.toml, \
.gitignore (ignores public/), .github/workflows/dealbook.yml (a GitHub Actions workflow \
that checks pull requests, comments the diff and builds the site on main; docs/ci.md), \
.taplo.toml and .schemas/*.schema.json (editor completion and validation; docs/format.md). \
It never overwrites a file: if any of them exists, nothing is written (exit 2).";

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of the new pipeline (created if needed).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Make the workflow install dealbook from this git repository (a fork,
    /// a private mirror) instead of the release of crates.io that matches
    /// this binary's version.
    #[arg(long, value_name = "URL", value_parser = init::parse_install_url)]
    install_from: Option<String>,
}

/// Runs `init`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let install = match a.install_from {
        Some(url) => Install::Git(url),
        None => Install::default(),
    };
    let written =
        init::init(&a.dir, &init::files_with(today(), &install)).map_err(Failure::error)?;
    for p in written {
        println!("created {}", p.display());
    }
    println!(
        "next: edit the files, then run `dealbook check {}`",
        a.dir.display()
    );
    Ok(Exit::Ok)
}
