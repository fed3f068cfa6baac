//! `dealbook schema`: print (or write) the JSON Schema of the file kinds.

use super::Failure;
use dealbook::Exit;
use dealbook::schema::{self, KIND_NAMES};
use std::path::PathBuf;

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One file kind: settings, team, account, deal or targets. All when omitted.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(KIND_NAMES))]
    kind: Option<String>,
    /// Write one `<kind>.schema.json` file per kind into this folder instead of printing.
    #[arg(long, value_name = "DIR", conflicts_with = "kind")]
    out: Option<PathBuf>,
}

/// Runs `schema`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    if let Some(dir) = a.out {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return Err(Failure::error(format!(
                "cannot create {}: {e}",
                dir.display()
            )));
        }
        for (name, text) in schema::files() {
            let path = dir.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                return Err(Failure::error(format!(
                    "cannot write {}: {e}",
                    path.display()
                )));
            }
            println!("wrote {}", path.display());
        }
        return Ok(Exit::Ok);
    }
    let value = match a.kind.as_deref() {
        Some(name) => {
            schema::schema_for(schema::kind_by_name(name).expect("clap checked the name"))
        }
        None => schema::bundle(),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&value).expect("schema serialises")
    );
    Ok(Exit::Ok)
}
