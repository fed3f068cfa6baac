//! Every command run inside a pipeline's sub-folder finds the root by
//! looking upward for `dealbook.toml`; `init` refuses a pipeline inside
//! another.

use crate::common;

use common::{dealbook, example_copy};

#[test]
fn check_and_report_from_a_sub_folder_find_the_root() {
    let (_tmp, p) = example_copy();
    let sub = p.join("deals/open");
    let check = dealbook(&["check", "--format", "json"], &sub);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    // All the example's files, not the deals of one folder.
    let at_root = dealbook(&["check", "--format", "json"], &p);
    let root_doc: serde_json::Value = serde_json::from_slice(&at_root.stdout).unwrap();
    assert_eq!(doc, root_doc);
    assert!(doc["summary"]["files"].as_u64().unwrap() > 100, "{doc}");
    // An explicit folder inside the pipeline works the same.
    let named = dealbook(&["check", "deals", "--format", "json"], &p);
    assert_eq!(named.stdout, at_root.stdout);
    let report = dealbook(&["report", "--format", "json"], &sub);
    assert_eq!(report.status.code(), Some(0));
    let at_root = dealbook(&["report", "--format", "json"], &p);
    assert_eq!(report.stdout, at_root.stdout);
}

#[test]
fn a_folder_outside_any_pipeline_is_still_reported_as_missing_its_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dealbook(&["check"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dealbook.toml is missing"));
}

#[test]
fn init_refuses_a_pipeline_inside_another() {
    let (_tmp, p) = example_copy();
    let out = dealbook(&["init", "nested"], &p.join("deals"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inside the pipeline at"), "{err}");
    assert!(!p.join("deals/nested").exists());
}
