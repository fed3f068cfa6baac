//! Shell completion, with clap_complete's dynamic engine: the script that
//! `dealbook completions SHELL` prints calls `dealbook` back on every Tab
//! (`COMPLETE=SHELL dealbook -- …`), so ids are completed from the pipeline
//! the shell is in at that moment (found upward from the current folder):
//! deal and account ids from the file names, stages and people from
//! dealbook.toml and team.toml, with their names as descriptions. A static
//! script could only hold the subcommands and flags. The engine is behind
//! clap_complete's `unstable-dynamic` feature: the script must come from
//! the same dealbook version, hence the advice to generate it when the
//! shell starts (docs/edit.md).

use super::Failure;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};
use dealbook::Exit;
use dealbook::load::{self, FileKind, LoadOptions};
use std::path::PathBuf;

/// The pipeline around the current folder, if any.
fn root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    dealbook::root::find_upward(&cwd).map(|(_, r)| r)
}

fn stems(kind: FileKind) -> Vec<CompletionCandidate> {
    let Some(root) = root() else {
        return Vec::new();
    };
    let (found, _) = load::walk(&root, &LoadOptions::default());
    let mut ids: Vec<String> = found
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| load::stem_of(&f.rel).to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter().map(CompletionCandidate::new).collect()
}

/// `[[name]]` entries of a file at the root: their `id`, described by
/// their `name`.
fn entries(file: &str, list: &str) -> Vec<CompletionCandidate> {
    let Some(root) = root() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(root.join(file)) else {
        return Vec::new();
    };
    let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let Some(items) = doc.get(list).and_then(|v| v.as_array()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|t| {
            let id = t.get("id")?.as_str()?;
            let name = t
                .get("name")
                .and_then(|n| n.as_str())
                .map(|n| n.to_string().into());
            Some(CompletionCandidate::new(id).help(name))
        })
        .collect()
}

/// Deal ids.
pub fn deals() -> ArgValueCandidates {
    ArgValueCandidates::new(|| stems(FileKind::Deal))
}

/// Account ids.
pub fn accounts() -> ArgValueCandidates {
    ArgValueCandidates::new(|| stems(FileKind::Account))
}

/// Stage ids.
pub fn stages() -> ArgValueCandidates {
    ArgValueCandidates::new(|| entries("dealbook.toml", "stage"))
}

/// Person ids.
pub fn people() -> ArgValueCandidates {
    ArgValueCandidates::new(|| entries("team.toml", "person"))
}

/// The fields of a deal that `deal set` can change.
pub fn deal_fields() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        dealbook::spec::DEAL
            .fields
            .iter()
            .filter(|f| {
                !matches!(
                    f.ty,
                    dealbook::spec::Ty::Table(_) | dealbook::spec::Ty::Tables(_)
                )
            })
            .map(|f| CompletionCandidate::new(f.key).help(Some(f.doc.into())))
            .collect()
    })
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the registration script for the shell.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let shell: &dyn EnvCompleter = match a.shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
    };
    let mut buf = Vec::new();
    if let Err(e) =
        shell.write_registration("COMPLETE", "dealbook", "dealbook", "dealbook", &mut buf)
    {
        return Err(Failure::error(e));
    }
    super::common::print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Ok)
}
