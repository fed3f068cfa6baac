//! `dealbook schema`: print (or write) the JSON Schema of the file kinds.

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
pub fn run(a: Args) -> Exit {
    if let Some(dir) = a.out {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return Exit::Failure;
        }
        for (name, text) in schema::files() {
            let path = dir.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Failure;
            }
            println!("wrote {}", path.display());
        }
        return Exit::Ok;
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
    Exit::Ok
}
