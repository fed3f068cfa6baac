//! JSON Schema (draft-07) of every file kind, generated from the format
//! spec so it can never drift from what the loader accepts. Editors use it
//! for completion and validation (taplo / Even Better TOML).

use crate::spec::{FILE_KINDS, Field, Kind, Ty};
use serde_json::{Map, Value, json};

/// Schema file names, by file kind.
pub const SCHEMA_FILES: &[(&str, &str)] = &[
    ("settings", "dealbook.schema.json"),
    ("team_file", "team.schema.json"),
    ("account", "account.schema.json"),
    ("deal", "deal.schema.json"),
    ("targets_file", "targets.schema.json"),
];

/// Short names accepted by `dealbook schema KIND`.
pub const KIND_NAMES: &[&str] = &["settings", "team", "account", "deal", "targets"];

/// The kind for a short name.
pub fn kind_by_name(name: &str) -> Option<&'static Kind> {
    let i = KIND_NAMES.iter().position(|n| *n == name)?;
    Some(FILE_KINDS[i].1)
}

/// Pattern of ids.
pub const SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9_-]*$";
/// Pattern of periods (years 1900 to 2999, see [`crate::limits`]).
pub const PERIOD_PATTERN: &str = "^(19[0-9]{2}|2[0-9]{3})(-[Qq][1-4]|-(0[1-9]|1[0-2]))?$";

/// A maximum of [`crate::limits`] as a JSON number.
fn max_number(d: rust_decimal::Decimal) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    json!(d.to_u64().unwrap_or(u64::MAX))
}

fn field_schema(f: &Field, defs: &mut Map<String, Value>) -> Value {
    let mut v = match f.ty {
        Ty::Text | Ty::Ref => json!({"type": "string", "minLength": 1}),
        Ty::Markdown => json!({"type": "string", "maxLength": crate::limits::MAX_NOTE_CHARS}),
        Ty::Id => json!({"type": "string", "pattern": SLUG_PATTERN}),
        Ty::Currency => json!({"type": "string", "pattern": "^[A-Z]{3}$"}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Money | Ty::Decimal => {
            json!({"type": "number", "minimum": 0, "maximum": max_number(crate::limits::MAX_AMOUNT)})
        }
        Ty::Probability => json!({"type": "number", "minimum": 0, "maximum": 1}),
        Ty::Date => json!({"type": "string", "format": "date"}),
        Ty::Enum(values) => json!({"type": "string", "enum": values}),
        Ty::EnumList(values) => {
            json!({"type": "array", "items": {"type": "string", "enum": values}})
        }
        Ty::TextList => json!({"type": "array", "items": {"type": "string", "minLength": 1}}),
        Ty::Period => json!({"type": "string", "pattern": PERIOD_PATTERN}),
        Ty::Table(k) => {
            define(k, defs);
            json!({"$ref": format!("#/definitions/{}", k.name)})
        }
        Ty::Tables(k) => {
            define(k, defs);
            json!({"type": "array", "items": {"$ref": format!("#/definitions/{}", k.name)}})
        }
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Rates => json!({
            "type": "object",
            "propertyNames": {"pattern": "^[A-Z]{3}$"},
            "additionalProperties": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": max_number(crate::limits::MAX_RATE)
            }
        }),
    };
    v.as_object_mut()
        .expect("schema is an object")
        .insert("description".into(), Value::String(f.doc.into()));
    v
}

fn object_schema(k: &Kind, defs: &mut Map<String, Value>) -> Value {
    let mut props = Map::new();
    for f in k.fields {
        props.insert(f.key.into(), field_schema(f, defs));
    }
    let required: Vec<&str> = k
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    json!({
        "type": "object",
        "description": k.doc,
        "properties": props,
        "required": required,
        "additionalProperties": false
    })
}

fn define(k: &Kind, defs: &mut Map<String, Value>) {
    if defs.contains_key(k.name) {
        return;
    }
    defs.insert(k.name.into(), Value::Null);
    let s = object_schema(k, defs);
    defs.insert(k.name.into(), s);
}

/// The schema of one file kind, self-contained.
pub fn schema_for(k: &Kind) -> Value {
    let mut defs = Map::new();
    let mut root = object_schema(k, &mut defs);
    let obj = root.as_object_mut().expect("object");
    obj.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    obj.insert("title".into(), json!(format!("dealbook {}", k.name)));
    if !defs.is_empty() {
        obj.insert("definitions".into(), Value::Object(defs));
    }
    root
}

/// Every file kind's schema, keyed by file name pattern.
pub fn bundle() -> Value {
    let mut m = Map::new();
    for (pattern, k) in FILE_KINDS {
        m.insert((*pattern).into(), schema_for(k));
    }
    json!({ "version": 1, "schemas": m })
}

/// The schema file name of a kind.
pub fn file_name(k: &Kind) -> &'static str {
    SCHEMA_FILES
        .iter()
        .find(|(n, _)| *n == k.name)
        .map(|(_, f)| *f)
        .expect("every file kind has a schema file name")
}

/// The folder `init` writes the schemas into and `.taplo.toml` points at.
pub const SCHEMA_DIR: &str = ".schemas";

/// A `.taplo.toml` for a pipeline: each file kind's glob (from the format
/// spec) mapped to its schema in `schema_dir` (relative to the pipeline's
/// top), so taplo and VS Code's Even Better TOML complete and validate
/// every file with no `#:schema` line in it.
pub fn taplo_config(schema_dir: &str) -> String {
    let mut out = String::from(
        "# Editor completion and validation of the pipeline's files, for taplo and\n\
         # VS Code's Even Better TOML (which uses taplo). The schemas are written\n\
         # by `dealbook schema --out .schemas`: run it again after upgrading\n\
         # dealbook. `dealbook check` remains the authority: the editor cannot see\n\
         # references between files, dates written as strings, and the rules.\n",
    );
    let globs: Vec<String> = FILE_KINDS
        .iter()
        .map(|(pattern, _)| pattern.replace("<id>", "*"))
        .collect();
    out.push_str(&format!(
        "include = [{}]\n",
        globs
            .iter()
            .map(|g| format!("\"{g}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for ((_, k), glob) in FILE_KINDS.iter().zip(&globs) {
        out.push_str(&format!(
            "\n[[rule]]\ninclude = [\"{glob}\"]\n[rule.schema]\npath = \"{schema_dir}/{}\"\n",
            file_name(k)
        ));
    }
    out
}

/// Every schema file: its name and its text (pretty JSON), as
/// `dealbook schema --out` and `init` write them.
pub fn files() -> Vec<(&'static str, String)> {
    FILE_KINDS
        .iter()
        .map(|(_, k)| {
            (
                file_name(k),
                serde_json::to_string_pretty(&schema_for(k)).expect("schema serialises") + "\n",
            )
        })
        .collect()
}
