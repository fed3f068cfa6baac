//! docs/format.md carries the field reference generated from the format
//! spec; this test fails when they drift apart (UPDATE_DOCS=1 rewrites it).

use std::path::Path;

const BEGIN: &str = "<!-- BEGIN GENERATED";
const END: &str = "<!-- END GENERATED -->";

#[test]
fn field_reference_matches_the_spec() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md");
    let doc = std::fs::read_to_string(&path).expect("docs/format.md exists");
    let start = doc.find(BEGIN).expect("begin marker");
    let start = start + doc[start..].find("-->").expect("end of begin marker") + 3;
    let end = doc.find(END).expect("end marker");
    let current = doc[start..end].trim();
    let generated = dealbook::spec::reference_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let new = format!(
            "{}\n\n{}\n\n{}",
            &doc[..start],
            generated.trim(),
            &doc[end..]
        );
        std::fs::write(&path, new).expect("write docs/format.md");
        return;
    }
    assert_eq!(
        current,
        generated.trim(),
        "docs/format.md is out of date: run UPDATE_DOCS=1 cargo test --test it format_docs"
    );
}

#[test]
fn every_field_of_every_kind_is_documented() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md"))
        .unwrap();
    for (_, kind) in dealbook::spec::FILE_KINDS {
        for f in kind.fields {
            assert!(
                doc.contains(&format!("| `{}` |", f.key)),
                "field {} of {} undocumented",
                f.key,
                kind.name
            );
        }
    }
}
