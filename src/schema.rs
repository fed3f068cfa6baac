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
/// Pattern of periods.
pub const PERIOD_PATTERN: &str = "^[0-9]{4}(-[Qq][1-4]|-(0[1-9]|1[0-2]))?$";

fn field_schema(f: &Field, defs: &mut Map<String, Value>) -> Value {
    let mut v = match f.ty {
        Ty::Text | Ty::Ref => json!({"type": "string", "minLength": 1}),
        Ty::Markdown => json!({"type": "string"}),
        Ty::Id => json!({"type": "string", "pattern": SLUG_PATTERN}),
        Ty::Currency => json!({"type": "string", "pattern": "^[A-Z]{3}$"}),
        Ty::Int { min, max } => json!({"type": "integer", "minimum": min, "maximum": max}),
        Ty::Money | Ty::Decimal => json!({"type": "number", "minimum": 0}),
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
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0}
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
