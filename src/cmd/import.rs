//! `dealbook import FILE.csv… [--preset NAME | --rules FILE] [--dry-run]`:
//! deals and accounts from CRM exports (see `dealbook::import`). Prints the
//! problems of each row, what was created and updated, and with
//! `--dry-run` writes nothing and prints the change as a `dealbook diff`.

use super::Failure;
use super::common::{parse_date, print_stdout, today};
use dealbook::Exit;
use dealbook::diff::{self, markdown, revision::SideInfo};
use dealbook::edit::Snapshot;
use dealbook::import::{self, Input, rules::Rules};
use jiff::civil::Date;
use rayon::prelude::*;
use std::path::PathBuf;

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV exports (rows of all of them, in order).
    #[arg(required_unless_present = "print_preset")]
    files: Vec<PathBuf>,
    /// A rules file shipped with dealbook: salesforce, hubspot or pipedrive.
    #[arg(long, conflicts_with = "rules", value_parser = ["salesforce", "hubspot", "pipedrive"])]
    preset: Option<String>,
    /// A rules file (TOML, docs/import.md).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Write nothing; print what would be created and changed, as a diff.
    #[arg(long)]
    dry_run: bool,
    /// Print a preset's rules (to copy and adapt) and exit.
    #[arg(long, value_name = "NAME", value_parser = ["salesforce", "hubspot", "pipedrive"])]
    print_preset: Option<String>,
    /// The pipeline folder (or any folder inside it).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Date of history entries for changes the export has no date for
    /// (default: the pipeline's as_of, else today).
    #[arg(long, value_parser = parse_date)]
    date: Option<Date>,
}

/// Runs `import`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    if let Some(name) = &a.print_preset {
        let text = import::rules::preset(name).unwrap_or_default();
        print_stdout(text)?;
        return Ok(Exit::Ok);
    }
    let rules = match (&a.preset, &a.rules) {
        (Some(p), _) => Rules::parse(import::rules::preset(p).unwrap_or_default(), p),
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(t) => Rules::parse(&t, &path.display().to_string()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        },
        (None, None) => Err(
            "say how to read the files: --preset salesforce|hubspot|pipedrive, or --rules FILE"
                .into(),
        ),
    };
    let rules = rules.map_err(Failure::error)?;
    let root = super::common::existing_pipeline(&a.dir)?;
    let today = today();
    let snapshot = Snapshot::load(&root);
    let before = snapshot.check(&Default::default(), None, today);
    let date = a.date.unwrap_or(before.as_of);
    let inputs: Vec<Input> = a
        .files
        .iter()
        .map(|p| Input {
            path: p.clone(),
            name: p.display().to_string(),
        })
        .collect();
    let mut plan =
        import::plan(&snapshot, &before, &rules, &inputs, date).map_err(Failure::error)?;
    let after = import::verify(&snapshot, &before, &mut plan, today);
    import::sort_problems(&mut plan.problems);
    for p in &plan.problems {
        eprintln!("{p}");
    }
    for (file, cols) in &plan.unused_columns {
        eprintln!("note: {file}: columns not imported: {}", cols.join(", "));
    }
    let after = match after {
        Ok(c) => c,
        Err(errors) => {
            let mut m = String::from(
                "the import would leave the pipeline with new errors outside the imported files; nothing was written:",
            );
            for e in errors {
                m.push_str(&format!("\n  {e}"));
            }
            return Err(Failure::invalid(m));
        }
    };
    let summary = format!(
        "{} rows: {} deals created, {} updated, {} unchanged; {} accounts created, {} contacts added; {} rows skipped",
        plan.rows,
        plan.created.len(),
        plan.updated.len(),
        plan.unchanged,
        plan.accounts_created.len(),
        plan.contacts_added,
        plan.skipped()
    );
    if a.dry_run {
        let mut out = String::new();
        for rel in plan.accounts_created.iter().chain(&plan.created) {
            out.push_str(&format!("create {rel}\n"));
        }
        for (rel, fields) in &plan.updated {
            out.push_str(&format!("update {rel}: {}\n", fields.join(", ")));
        }
        for rel in &plan.accounts_changed {
            out.push_str(&format!("update {rel}: contact\n"));
        }
        out.push('\n');
        let side = |label: &str| SideInfo {
            kind: "folder",
            label: label.to_string(),
            commit: None,
            path: root.display().to_string(),
            files: 0,
            errors: 0,
            warnings: 0,
            missing: false,
            signals_off: Vec::new(),
        };
        let d = diff::compare(
            side("before the import"),
            &before,
            side("after the import (dry run)"),
            after.as_ref().unwrap_or(&before),
            None,
        );
        out.push_str(&markdown::markdown(&d, &markdown::Options::default()));
        print_stdout(&out)?;
        eprintln!("dry run, nothing written: {summary}");
    } else {
        let changes: Vec<(&String, &String)> = plan.changes.iter().collect();
        let results: Vec<Result<(), String>> = changes
            .par_iter()
            .with_min_len(64)
            .map(|&(rel, text)| {
                let path = root.join(rel);
                // New files are created (and never replace one that
                // appeared meanwhile); changed ones are replaced atomically.
                if snapshot.text(rel).is_some() {
                    dealbook::edit::write_atomic(&path, text.as_bytes())
                } else {
                    dealbook::edit::write_new(&path, text.as_bytes())
                }
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
            })
            .collect();
        if let Some(Err(e)) = results.into_iter().find(Result::is_err) {
            return Err(Failure::error(e));
        }
        eprintln!("{summary}");
    }
    std::mem::forget(after);
    std::mem::forget(before);
    Ok(if plan.has_errors() {
        Exit::Invalid
    } else {
        Exit::Ok
    })
}
