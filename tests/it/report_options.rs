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

#[test]
fn table_without_csv_is_refused() {
    for format in [None, Some("table"), Some("markdown"), Some("json")] {
        let mut args = vec!["--table", "risks"];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        let out = report(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} printed something");
        assert_eq!(
            stderr(&out),
            "error: --table picks one table of --format csv; add --format csv, or leave --table out for the whole report\n",
            "{args:?}"
        );
    }
    // With CSV it is the table asked for.
    let out = report(&["--format", "csv", "--table", "risks"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("code,deal,"));
}
