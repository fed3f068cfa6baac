//! `dealbook report` options used the wrong way: a display name given to
//! `--person` or `--team`, `--table` without `--format csv`. Each is a
//! usage error (exit status 2) that says what to write instead.

use std::path::PathBuf;
use std::process::{Command, Output};

fn report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dealbook"))
        .arg("report")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("example-pipeline"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dealbook")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_display_name_says_which_id_has_it() {
    let out = report(&["--person", "张敏"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "error: unknown person \"张敏\" (\"张敏\" is the name of person \"zhang-min\": use --person zhang-min)\n"
    );
    let out = report(&["--team", "north china"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown team \"north china\" (\"north china\" is the name of team \"north\": use --team north)\n"
    );
}
