//! The JSON Schema of `dealbook schema` accepts every file of the example
//! pipeline and rejects what `check` rejects for shape (unknown fields,
//! wrong enum values), so editors flag the same mistakes.

use crate::common;

use dealbook::schema;
use dealbook::spec::FILE_KINDS;
use serde_json::Value;
use std::path::Path;

/// TOML → JSON as editors see it (taplo turns dates into strings).
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn kind_of(rel: &str) -> &'static dealbook::spec::Kind {
    let kind = dealbook::load::FileKind::of(rel).expect("pipeline file");
    kind.spec()
}

fn validate(kind: &'static dealbook::spec::Kind, text: &str) -> Vec<String> {
    let schema = schema::schema_for(kind);
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let doc = to_json(&toml::Value::Table(
        toml::from_str(text).expect("valid TOML"),
    ));
    validator.iter_errors(&doc).map(|e| e.to_string()).collect()
}

#[test]
fn every_example_file_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-pipeline");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".toml") || rel.starts_with("public/") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let errors = validate(kind_of(&rel), &text);
        assert!(errors.is_empty(), "{rel}: {errors:?}");
        n += 1;
    }
    assert!(n > 100, "only {n} files checked");
}

#[test]
fn the_scaffold_validates() {
    for (rel, text) in dealbook::init::files(jiff::civil::date(2026, 11, 27)) {
        if rel.ends_with(".toml") && !rel.starts_with('.') {
            assert!(validate(kind_of(&rel), &text).is_empty(), "{rel}");
        }
    }
}

#[test]
fn schema_rejects_shape_errors() {
    let deal = "name = \"x\"\naccount = \"a\"\nowner = \"o\"\namount = 1\nstage = \"s\"\ncreated = 2026-01-01\n";
    let k = kind_of("deals/x.toml");
    assert!(validate(k, deal).is_empty());
    assert!(
        !validate(k, &format!("{deal}amunt = 2\n")).is_empty(),
        "unknown field"
    );
    assert!(
        !validate(k, &format!("{deal}forecast = \"sure\"\n")).is_empty(),
        "enum"
    );
    assert!(
        !validate(k, &format!("{deal}probability = 1.5\n")).is_empty(),
        "range"
    );
    assert!(!validate(k, "name = \"x\"\n").is_empty(), "required");
}

#[test]
fn every_kind_has_a_schema_file_name_and_the_bundle_lists_them() {
    let bundle = schema::bundle();
    for (pattern, k) in FILE_KINDS {
        assert!(schema::file_name(k).ends_with(".schema.json"));
        assert!(bundle["schemas"][*pattern].is_object(), "{pattern}");
    }
}

/// The editor set-up `init` writes (`.taplo.toml` mapping each file kind's
/// glob to its schema, and the schemas of `dealbook schema --out
/// .schemas`) makes taplo validate every file of the example pipeline with
/// no `#:schema` line; and taplo does report a typo through it.
#[test]
fn taplo_validates_the_example_with_the_init_config() {
    let Some(taplo) = common::tools::taplo() else {
        return;
    };
    let (_tmp, root) = common::example_copy();
    let config = dealbook::init::files(jiff::civil::date(2026, 11, 27))
        .into_iter()
        .find(|(rel, _)| rel == ".taplo.toml")
        .expect("init writes .taplo.toml")
        .1;
    std::fs::write(root.join(".taplo.toml"), &config).unwrap();
    let out = common::dealbook(&["schema", "--out", ".schemas"], &root);
    assert!(out.status.success());
    let check = |root: &Path| {
        std::process::Command::new(&taplo)
            .arg("check")
            .current_dir(root)
            .env("RUST_LOG", "info")
            .output()
            .unwrap()
    };
    let out = check(&root);
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{log}");
    // Every file of the pipeline was looked at.
    let files = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| {
            let rel = e.path().strip_prefix(&root).unwrap();
            e.file_type().is_file()
                && rel.extension().is_some_and(|x| x == "toml")
                && !rel.to_string_lossy().starts_with('.')
        })
        .count();
    assert!(files > 100);
    assert!(log.contains(&format!("found files total={files}")), "{log}");
    // A typo in a deal under deals/…/ is caught through the mapping.
    let deal = walkdir::WalkDir::new(root.join("deals"))
        .into_iter()
        .flatten()
        .find(|e| e.depth() == 2 && e.file_type().is_file())
        .unwrap()
        .into_path();
    let text = std::fs::read_to_string(&deal).unwrap();
    std::fs::write(&deal, format!("amunt = 1\n{text}")).unwrap();
    let out = check(&root);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{log}");
    assert!(log.contains("'amunt' was unexpected"), "{log}");
}

/// `[rules.signals]`: every signal code, each `true` or `false`; the
/// schema lists the codes (editors complete them) and rejects what
/// `check` rejects.
#[test]
fn schema_validates_the_signal_switches() {
    let k = kind_of("dealbook.toml");
    let base = "[org]\nname = \"x\"\ncurrency = \"CNY\"\n\n[[stage]]\nid = \"open\"\n\n[[stage]]\nid = \"won\"\noutcome = \"won\"\n\n[rules.signals]\n";
    let codes = dealbook::spec::SIGNAL_CODES;
    assert_eq!(codes.len(), 12);
    let every: String = codes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = {}\n", i % 2 == 0))
        .collect();
    assert_eq!(validate(k, &format!("{base}{every}")), Vec::<String>::new());
    assert_eq!(validate(k, base), Vec::<String>::new(), "empty table");
    let listed = &schema::schema_for(k)["definitions"]["signals"]["properties"];
    let keys: Vec<&str> = listed
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = codes.to_vec();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "the schema lists every code");
    assert!(
        !validate(k, &format!("{base}no_nxt_step = false\n")).is_empty(),
        "unknown code"
    );
    assert!(
        !validate(k, &format!("{base}stale = \"false\"\n")).is_empty(),
        "a string, not a boolean"
    );
    assert!(
        !validate(k, &format!("{base}stale = 0\n")).is_empty(),
        "a number, not a boolean"
    );
}
