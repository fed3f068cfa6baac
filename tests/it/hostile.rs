//! Hostile input against the one-shot commands, each a case that once
//! crashed, hung or lost data (issue 9), run through the real binary:
//! numbers at and beyond the documented maxima, years at the end of the
//! calendar, Markdown shaped to be slow to render, output folders inside
//! the pipeline, an output folder that cannot be replaced, and temporary
//! folders left by interrupted builds. (Signals, sockets and full disks
//! against `watch` and `serve` are in `serve_hostile.rs`.)

use crate::common;

use common::{dealbook, valid_base};
use std::path::Path;
use std::process::Output;

/// Replaces the first `old` in the file `rel` of `root` by `new`.
fn edit(root: &Path, rel: &str, old: &str, new: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{rel} has no {old:?}");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

fn run(root: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.insert(1, root.to_str().unwrap());
    dealbook(&all, root.parent().unwrap())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit status, and no panic message.
fn code(o: &Output) -> i32 {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "crashed: {err}"
    );
    o.status.code().expect("exited, not killed by a signal")
}

/// The codes of `check --format json` (which must exit 1).
fn check_codes(root: &Path) -> Vec<String> {
    let out = run(root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Total size of the files under `dir`.
fn size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

/// Writes deals `big-1` … `big-n` like the base deal, with `amount`,
/// `currency` and `close` as given.
fn deals(root: &Path, n: usize, amount: &str, currency: &str, close: &str, stage: &str) {
    for i in 1..=n {
        std::fs::write(
            root.join(format!("deals/big-{i}.toml")),
            format!(
                "name = \"Big {i}\"\naccount = \"acme\"\nowner = \"bob\"\namount = {amount}\ncurrency = \"{currency}\"\nstage = \"{stage}\"\ncreated = 2026-01-10\nclose = {close}\n\n[[history]]\ndate = 2026-01-10\nstage = \"{stage}\"\n"
            ),
        )
        .unwrap();
    }
}

// ------------------------------------------------------- 1. huge amounts

/// Amounts beyond the maximum are errors of `check` (they used to pass it
/// and make `build` abort, allocate gigabytes or panic on overflow).
#[test]
fn amounts_beyond_the_maximum_are_diagnostics() {
    let (_t, root) = valid_base();
    deals(&root, 2, "7e28", "CNY", "2026-05-30", "won");
    assert_eq!(check_codes(&root), ["E023", "E023"]);
    for (amount, currency, rate) in [
        ("2e28", "USD", "7.1"),
        ("1e22", "CNY", "7.1"),
        ("1_000_000_000_000_000.01", "CNY", "7.1"),
        ("1000", "USD", "100_000.5"),
    ] {
        let (_t, root) = valid_base();
        edit(
            &root,
            "dealbook.toml",
            "USD = 7.10",
            &format!("USD = {rate}"),
        );
        deals(&root, 1, amount, currency, "2026-05-30", "won");
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 1, "{amount} {currency}: {}", stderr(&out));
        assert!(stderr(&out).contains("E023"), "{}", stderr(&out));
        assert!(!root.parent().unwrap().join("site").exists());
    }
}

/// A pipeline at the maxima (amounts of 10^15 at a rate of 10^5, a
/// target and a market size of a cent) builds a site of normal size and
/// reports in every format: no overflow, no runaway chart axis.
#[test]
fn a_pipeline_at_the_maxima_builds_and_reports() {
    let (_t, root) = valid_base();
    edit(&root, "dealbook.toml", "USD = 7.10", "USD = 100_000");
    edit(
        &root,
        "dealbook.toml",
        "[rules]",
        "[[market]]\nperiod = \"2026\"\nsize = 0.01\n\n[rules]\nlarge_deal = 1_000_000_000_000_000",
    );
    edit(
        &root,
        "targets/2026.toml",
        "value = 1_000_000",
        "value = 0.01",
    );
    std::fs::write(
        root.join("targets/q.toml"),
        "[[target]]\nperiod = \"2026-Q2\"\nvalue = 1_000_000_000_000_000\nstretch = 1_000_000_000_000_000\n",
    )
    .unwrap();
    deals(
        &root,
        3,
        "1_000_000_000_000_000",
        "USD",
        "2026-05-30",
        "won",
    );
    for i in 4..=6 {
        std::fs::write(
            root.join(format!("deals/open-{i}.toml")),
            format!("name = \"Open {i}\"\naccount = \"acme\"\nowner = \"bob\"\namount = 999_999_999_999_999.99\ncurrency = \"USD\"\nstage = \"proposal\"\ncreated = 2026-01-10\nclose = 2026-0{i}-28\nprobability = 0.99\n\n[[history]]\ndate = 2026-01-10\nstage = \"proposal\"\n"),
        )
        .unwrap();
    }
    let out = run(&root, &["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run(&root, &["build", "-o", "site"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let site = root.parent().unwrap().join("site");
    // The example pipeline's site is about 2 MB; this one has 6 deals.
    assert!(size(&site) < 3_000_000, "{} bytes", size(&site));
    let won = std::fs::read_to_string(site.join("forecast/2026-Q2.html")).unwrap();
    assert!(
        won.contains("300,000,000,000,000,000,000"),
        "3 × 10^15 USD at 10^5 is 3 × 10^20"
    );
    for format in ["table", "json", "csv", "markdown"] {
        let out = run(&root, &["report", "--format", format]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
    }
    let out = run(&root, &["report", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"300000000000000000000.00\""), "won in full");
}

// --------------------------------------------------------- 2. year 9999

/// Years beyond the calendar's end are refused where they are read: a
/// usage error (exit 2) on the command line, a diagnostic in a file. They
/// used to pass and panic at the end of the year's range.
#[test]
fn years_at_the_end_of_the_calendar() {
    let (_t, root) = valid_base();
    for args in [
        &["build", "--as-of", "9999-01-01"][..],
        &["report", "--period", "9999"],
        &["report", "--as-of", "3000-01-01"],
        &["check", "--as-of", "9999-12-31"],
    ] {
        let out = run(&root, args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("1900 to 2999"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = dealbook(
        &[
            "diff",
            root.to_str().unwrap(),
            root.to_str().unwrap(),
            "--period",
            "9999-Q4",
        ],
        root.parent().unwrap(),
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    edit(
        &root,
        "dealbook.toml",
        "as_of = 2026-06-30",
        "as_of = 9999-06-01",
    );
    let out = run(&root, &["build"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("E014"), "{}", stderr(&out));
    edit(
        &root,
        "dealbook.toml",
        "as_of = 9999-06-01",
        "as_of = 2026-06-30",
    );
    std::fs::write(
        root.join("targets/late.toml"),
        "[[target]]\nperiod = \"9999-Q4\"\nvalue = 1\n",
    )
    .unwrap();
    edit(
        &root,
        "dealbook.toml",
        "[rules]",
        "[[market]]\nperiod = \"9999\"\nsize = 1\n\n[rules]",
    );
    assert_eq!(check_codes(&root), ["E050", "E050"]);
}

/// The last years that are allowed compute and render, whatever month the
/// fiscal year starts in.
#[test]
fn the_last_allowed_year_builds() {
    for start in [1, 4, 12] {
        let (_t, root) = valid_base();
        edit(
            &root,
            "dealbook.toml",
            "as_of = 2026-06-30",
            &format!("as_of = 2999-12-31\nfiscal_year_start = {start}"),
        );
        edit(&root, "targets/2026.toml", "\"2026\"", "\"2999\"");
        std::fs::write(
            root.join("targets/last.toml"),
            "[[target]]\nperiod = \"2999-Q4\"\nvalue = 5\n\n[[target]]\nperiod = \"2999-12\"\nvalue = 5\n\n[[target]]\nperiod = \"1900\"\nvalue = 5\n",
        )
        .unwrap();
        deals(&root, 1, "100", "CNY", "2999-12-31", "qualify");
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
        let out = run(&root, &["report", "--period", "2999-Q4"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
        let out = run(&root, &["report", "--period", "1900"]);
        assert_eq!(code(&out), 0, "start {start}: {}", stderr(&out));
    }
}

// ------------------------------------------------- 3. quadratic Markdown

/// Notes shaped to be slow to render (nested quotes, lists, emphasis, HTML
/// elements): at the limits (32 deep, 65,536 characters) they build; past
/// them `check` reports E018 at once, also for a file of the maximum size
/// filled with one shape. (Before the limits, a 200 KB note took a minute
/// to build, and `check` saw nothing.)
#[test]
fn worst_markdown_shapes_at_the_limits() {
    let limit = dealbook::limits::MAX_NOTE_CHARS;
    let depth = dealbook::limits::MAX_NOTE_DEPTH;
    // (shape at the depth limit, repeated to fill the size limit; the
    // same shape nested too deep)
    let shapes: Vec<(&str, String, String)> = vec![
        (
            "quotes",
            format!("{}x\n\n", "> ".repeat(depth - 1)),
            format!("{}x", "> ".repeat(depth + 1)),
        ),
        (
            "divs",
            format!(
                "{}x{}\n\n",
                "<div>".repeat(depth - 1),
                "</div>".repeat(depth - 1)
            ),
            "<div>".repeat(depth + 1),
        ),
        (
            "spans",
            format!(
                "x {}y{} z\n\n",
                "<span>".repeat(depth - 2),
                "</span>".repeat(depth - 2)
            ),
            format!("x {}", "<b>".repeat(depth + 1)),
        ),
        (
            "lists",
            format!("{}x\n\n", "1. ".repeat(depth / 2 - 1)),
            format!("{}x", "- > ".repeat(depth / 2 + 1)),
        ),
        (
            "emphasis",
            format!("{}a{}\n\n", "*".repeat(depth - 1), "*".repeat(depth - 1)),
            format!("{}a{}", "*".repeat(2 * depth), "*".repeat(2 * depth)),
        ),
        ("brackets", "[".repeat(1000) + "\n\n", String::new()),
        (
            "table",
            format!("|{}\n|{}\n", "a|".repeat(200), "-|".repeat(200)),
            String::new(),
        ),
    ];
    let file_limit = dealbook::load::MAX_FILE_BYTES as usize;
    for (name, unit, too_deep) in &shapes {
        let (_t, root) = valid_base();
        let mut note = unit.repeat(limit / unit.len() + 1);
        note.truncate(limit);
        let fits = |s: &str| dealbook::site::markdown::depth(s) <= depth;
        assert!(fits(&note), "{name}: the note at the limit must pass");
        edit(
            &root,
            "deals/pilot.toml",
            "close = 2026-09-30\n",
            &format!("close = 2026-09-30\nnotes = '''\n{note}'''\n"),
        );
        let out = run(&root, &["build", "-o", "site"]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        // One character more is too long.
        edit(
            &root,
            "deals/pilot.toml",
            "notes = '''\n",
            "notes = '''\nxx",
        );
        let out = run(&root, &["check"]);
        assert_eq!(code(&out), 1, "{name}: one character over the limit");
        assert!(String::from_utf8_lossy(&out.stdout).contains("E018"));
        if too_deep.is_empty() {
            continue;
        }
        // Too deep, once; and the shape filling a whole file of the
        // maximum size.
        for note in [
            too_deep.clone(),
            too_deep.repeat(file_limit / too_deep.len()),
        ] {
            let (_t, root) = valid_base();
            let mut note = note;
            note.truncate(file_limit - 400);
            edit(
                &root,
                "deals/pilot.toml",
                "close = 2026-09-30\n",
                &format!("close = 2026-09-30\nnotes = '''\n{note}'''\n"),
            );
            let out = run(&root, &["check", "--format", "json"]);
            assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(json["diagnostics"][0]["code"], "E018", "{name}: {json}");
        }
    }
}

// ------------------------------------- 5. output inside what is read

/// Runs `dealbook <args>` and waits for it to exit by itself (killing it
/// and failing at the deadline: `watch` and `serve` that accept the folder
/// would run forever).
fn exits_by_itself(args: &[&str], cwd: &Path) -> Output {
    let child = std::process::Command::new(common::BIN)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = done.clone();
    let guard = std::thread::spawn(move || {
        let start = std::time::Instant::now();
        while start.elapsed() < common::DEADLINE {
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &id.to_string()])
            .status();
        true
    });
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(!guard.join().unwrap(), "{args:?} was still running");
    out
}

/// An output folder in a folder the pipeline reads is refused by build,
/// watch and serve (exit 2, nothing written). `build -o DIR/templates`
/// used to be accepted: the next build read the pages as template
/// overrides, froze the numbers and ran pipeline text as tera.
#[test]
fn output_inside_a_folder_the_pipeline_reads_is_refused() {
    let (_t, root) = valid_base();
    std::fs::create_dir(root.join("templates")).unwrap();
    edit(&root, "deals/pilot.toml", "ACME pilot", "{{ 7 * 191 }}");
    let before = common::files(&root);
    for out in [
        "templates",
        "templates/site",
        "deals",
        "deals/site",
        "accounts/x",
        "targets",
    ] {
        let target = root.join(out);
        let t = target.to_str().unwrap();
        let p = root.to_str().unwrap();
        for args in [
            vec!["build", p, "-o", t],
            vec!["watch", p, "-o", t],
            vec!["serve", p, "-o", t, "--port", "0"],
        ] {
            let o = exits_by_itself(&args, root.parent().unwrap());
            assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("which the pipeline reads"),
                "{args:?}: {}",
                stderr(&o)
            );
            assert_eq!(
                common::files(&root),
                before,
                "{args:?} wrote into the pipeline"
            );
        }
    }
    // The default output is fine, and the deal's name stays text.
    let o = run(&root, &["build"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = std::fs::read_to_string(root.join("public/deals/pilot.html")).unwrap();
    assert!(page.contains("{{ 7 * 191 }}") && !page.contains("1337"));
}

/// `watch` and `serve` given an output folder that is not a dealbook site
/// stop at once with exit 2 (they used to go on running, failing every
/// build).
#[test]
fn watch_and_serve_stop_when_the_output_is_refused() {
    let (t, root) = valid_base();
    let foreign = t.path().join("home");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.tex"), "keep me").unwrap();
    let (p, f) = (root.to_str().unwrap(), foreign.to_str().unwrap());
    for args in [
        vec!["watch", p, "-o", f],
        vec!["serve", p, "-o", f, "--port", "0"],
    ] {
        let o = exits_by_itself(&args, t.path());
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("refusing to replace it"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read_dir(&foreign).unwrap().count(),
        1,
        "nothing written"
    );
}

/// Names in `dir` that contain `.tmp-` or `.old-`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect()
}

// -------------------------------------------------- 9. read-only output

/// An output folder with a read-only folder in it: the old site cannot be
/// deleted, so `build` refuses before swapping (exit 2) and leaves the
/// previous site exactly as it was, with no copy or temporary folder
/// next to it. (It used to swap the new site in, fail to delete the old,
/// exit 2 anyway and leave a `.out.old-PID` copy each run.)
#[cfg(unix)]
#[test]
fn a_read_only_output_is_left_exactly_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let (t, root) = valid_base();
    let o = run(&root, &["build", "-o", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = t.path().join("out");
    let locked = out.join("deals");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = common::files(&out);
    edit(
        &root,
        "deals/pilot.toml",
        "ACME pilot",
        "ACME pilot, renamed",
    );
    let o = run(&root, &["build", "-o", "out"]);
    let status = code(&o);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(status, 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert!(stderr(&o).contains("unchanged"), "{}", stderr(&o));
    assert_eq!(common::files(&out), before, "the previous site changed");
    assert_eq!(leftovers(t.path()), Vec::<String>::new());
    // Writable again: the build goes through.
    let o = run(&root, &["build", "-o", "out"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(out.join("deals/pilot.html"))
            .unwrap()
            .contains("ACME pilot, renamed")
    );
    assert_eq!(leftovers(t.path()), Vec::<String>::new());
}

// ------------------------------------------ 10. interrupted builds

/// A template that takes hours to render (10^10 loop turns) on every page.
pub const SLOW_BASE: &str = "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}{% block content %}{% endblock %}";

/// A build killed while rendering leaves its temporary folder; the next
/// build deletes it (only those of processes that are gone), and the
/// `.gitignore` that `init` writes ignores such folders.
#[cfg(unix)]
#[test]
fn an_interrupted_build_is_cleaned_up_by_the_next() {
    let (t, root) = valid_base();
    let o = run(&root, &["build"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/base.html"), SLOW_BASE).unwrap();
    let mut child = std::process::Command::new(common::BIN)
        .args(["build", root.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let tmp = root.join(format!(".public.tmp-{}", child.id()));
    common::wait_for("the temporary folder", || {
        tmp.join(".dealbook-site").is_file().then_some(())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        tmp.is_dir(),
        "killed mid-build, the temporary folder is left"
    );
    // A temporary folder of a build that still runs is not touched.
    let alive = root.join(format!(".public.tmp-{}", std::process::id()));
    std::fs::create_dir(&alive).unwrap();
    std::fs::write(alive.join(".dealbook-site"), "x").unwrap();
    std::fs::remove_file(root.join("templates/base.html")).unwrap();
    let o = run(&root, &["build"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!tmp.exists(), "the stale temporary folder is deleted");
    assert!(alive.exists(), "a live process's folder is kept");
    std::fs::remove_dir_all(&alive).unwrap();

    // The scaffold's .gitignore ignores them (real git).
    let o = dealbook(&["init", "fresh"], t.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let fresh = t.path().join("fresh");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&fresh)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    for dir in [".public.tmp-123", ".site.old-77", "public"] {
        std::fs::create_dir_all(fresh.join(dir)).unwrap();
        std::fs::write(fresh.join(dir).join("index.html"), "x").unwrap();
        let o = git(&["check-ignore", "-q", &format!("{dir}/index.html")]);
        assert!(o.status.success(), "{dir} is not ignored");
    }
    let o = git(&["check-ignore", "-q", "deals/acme-pilot.toml"]);
    assert!(!o.status.success(), "pipeline files are not ignored");
}

// ------------------------------------------------------------- smaller

/// Bidi controls (U+202E and friends) in user text cannot reorder the
/// text around them: in the site each such value is isolated (U+2068 …
/// U+2069, with what it leaves open closed), in the terminal they are
/// escapes, and in Markdown isolated too. (They used to reach the HTML and
/// the terminal raw.)
#[test]
fn bidi_controls_are_isolated_and_escaped() {
    let (_t, root) = valid_base();
    let evil = "Pilot \u{202E}gnp.exe";
    edit(&root, "deals/pilot.toml", "ACME pilot", evil);
    edit(
        &root,
        "accounts/acme.toml",
        "name = \"ACME\"",
        "name = \"שלום ACME\"",
    );
    let o = run(&root, &["build", "-o", "site"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page =
        std::fs::read_to_string(root.parent().unwrap().join("site/deals/pilot.html")).unwrap();
    assert!(
        page.contains("\u{2068}Pilot \u{202E}gnp.exe\u{202C}\u{2069}"),
        "the name is isolated and its override closed"
    );
    assert!(
        !page
            .replace("\u{2068}Pilot \u{202E}gnp.exe\u{202C}\u{2069}", "")
            .contains('\u{202E}'),
        "no raw override anywhere else"
    );
    assert!(
        page.contains("\u{2068}שלום ACME\u{2069}"),
        "right-to-left text is isolated"
    );
    // Terminal: the tables of `report` (a person's name) and the
    // diagnostics of `check`; Markdown.
    edit(
        &root,
        "team.toml",
        "name = \"Bob\"",
        "name = \"Bob \u{202E}live\"",
    );
    let o = run(&root, &["report", "--format", "table"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("Bob \\u{202e}live"), "{table}");
    assert!(!table.contains('\u{202E}'));
    let o = run(&root, &["report", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("\u{2068}Bob \u{202E}live\u{202C}\u{2069}"),
        "{md}"
    );
    edit(
        &root,
        "deals/pilot.toml",
        "stage = \"qualify\"",
        "stage = \"q\u{202E}ualify\"",
    );
    let o = run(&root, &["check"]);
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(human.contains("q\\u{202e}ualify"), "{human}");
    assert!(!human.contains('\u{202E}'), "{human}");
}

/// A file named with a Cyrillic "а" gets a rename hint that keeps the
/// letter (as an "a") and says which character is not ASCII (the hint
/// used to drop it: "cme.toml").
#[test]
fn lookalike_letters_get_a_useful_rename_hint() {
    let (_t, root) = valid_base();
    std::fs::rename(
        root.join("deals/pilot.toml"),
        root.join("deals/\u{430}cme-pilot.toml"),
    )
    .unwrap();
    let o = run(&root, &["check"]);
    let human = String::from_utf8_lossy(&o.stdout);
    assert!(
        human.contains("rename it to \"acme-pilot.toml\""),
        "{human}"
    );
    assert!(human.contains("U+0430"), "{human}");
}

/// A template override that is a symbolic link out of the pipeline (or to
/// nowhere) is not used, and `build` and `watch` say so (it used to be
/// ignored silently); a link to a file inside the pipeline is used.
#[cfg(unix)]
#[test]
fn symlinked_template_overrides_are_reported() {
    let (t, root) = valid_base();
    let templates = root.join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(t.path().join("outside.html"), "OUTSIDE").unwrap();
    std::fs::write(
        root.join("mine.html"),
        "{% extends \"base.html\" %}{% block content %}INSIDE{% endblock %}",
    )
    .unwrap();
    std::os::unix::fs::symlink(t.path().join("outside.html"), templates.join("deals.html"))
        .unwrap();
    std::os::unix::fs::symlink(root.join("gone.html"), templates.join("risks.html")).unwrap();
    std::os::unix::fs::symlink(root.join("mine.html"), templates.join("targets.html")).unwrap();
    let o = run(&root, &["build", "-o", "site"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: templates/deals.html is a symbolic link that leads outside the pipeline folder; it is not used"),
        "{err}"
    );
    assert!(
        err.contains("templates/risks.html is a symbolic link that leads nowhere"),
        "{err}"
    );
    assert!(!err.contains("targets.html"), "{err}");
    let site = root.parent().unwrap().join("site");
    assert!(
        !std::fs::read_to_string(site.join("deals.html"))
            .unwrap()
            .contains("OUTSIDE")
    );
    assert!(
        std::fs::read_to_string(site.join("targets.html"))
            .unwrap()
            .contains("INSIDE")
    );
    // watch says it on its first build.
    let mut p = common::process::Proc::start(&[
        "watch",
        root.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
    ]);
    p.wait_line("the warning", |l| {
        l.contains("templates/deals.html is a symbolic link")
    });
    p.wait_line("the first build", |l| l.contains("built "));
    assert_eq!(p.interrupt().code(), Some(0));
}
