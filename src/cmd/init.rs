//! `dealbook init`: scaffold a new pipeline.

use super::common::today;
use dealbook::Exit;
use dealbook::init;
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder of the new pipeline (created if needed).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

/// Runs `init`.
pub fn run(a: Args) -> Exit {
    match init::init(&a.dir, &init::files(today())) {
        Ok(written) => {
            for p in written {
                println!("created {}", p.display());
            }
            println!(
                "next: edit the files, then run `dealbook check {}`",
                a.dir.display()
            );
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Failure
        }
    }
}
