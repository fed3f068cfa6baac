//! `dealbook fmt`: rewrite every pipeline file in the canonical layout
//! (see `dealbook::tidy`), or with `--check` list the files that are not.

use super::Failure;
use super::common::{PipelineDir, print_stdout};
use dealbook::Exit;
use dealbook::tidy::files::{self, Status};

/// Arguments of `fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Write nothing; list the files that are not formatted and exit 1 if
    /// there are any (for CI).
    #[arg(long)]
    check: bool,
}

/// Runs `fmt`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let root = a.pipeline.open()?;
    let results = files::check(&root, !a.check);
    let mut failed = 0;
    let mut changed = 0;
    let mut listed = String::new();
    for f in &results {
        match &f.status {
            Status::Same => {}
            Status::Failed(why) => {
                failed += 1;
                eprintln!("error: {}: {why}", f.rel);
            }
            Status::Changed(text) => {
                changed += 1;
                if a.check {
                    listed.push_str(&f.rel);
                    listed.push('\n');
                } else if let Err(e) = dealbook::edit::write_atomic(&f.path, text.as_bytes()) {
                    return Err(Failure::error(format!(
                        "cannot write {}: {e}",
                        f.path.display()
                    )));
                }
            }
        }
    }
    let total = results.len();
    print_stdout(&listed)?;
    if a.check {
        if changed > 0 {
            eprintln!(
                "{changed} of {total} files are not formatted; run `dealbook fmt {}`",
                a.pipeline.dir.display()
            );
        } else if failed == 0 {
            eprintln!("ok: {total} files formatted");
        }
    } else {
        eprintln!("formatted {changed} of {total} files");
    }
    Ok(if failed > 0 || (a.check && changed > 0) {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}
