//! `dealbook watch`: the real binary against a temporary copy of the
//! example pipeline, saving files the ways editors do; and the
//! incremental state against a fresh load (the same site, byte for byte,
//! after any sequence of changes). No fixed sleeps as assertions: every
//! check polls with a deadline.

use crate::common;

use common::process::Proc;
use common::{build, example_copy, repo, set_name, wait_for};
use dealbook::load::LoadOptions;
use dealbook::site::{self, SiteInput, templates::Overrides};
use dealbook::watch::state::State;
use dealbook::{analytics, finish, load_and_check};
use std::path::Path;
use std::time::Duration;

/// `dealbook watch <root> <extra>`, its first build done.
fn watch(root: &Path, extra: &[&str]) -> Proc {
    let mut args = vec!["watch", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let w = Proc::start(&args);
    w.wait_line("the first build", |l| l.contains("built "));
    w
}

fn page_contains(path: &Path, needle: &str) -> Option<()> {
    std::fs::read_to_string(path)
        .ok()
        .filter(|t| t.contains(needle))
        .map(|_| ())
}

#[test]
fn editor_saves_are_picked_up_and_scratch_files_ignored() {
    let (_dir, root) = example_copy();
    let mut w = watch(&root, &[]);
    let out = root.join("public");
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let page = out.join("deals/anke-erp-2027.html");
    assert!(page.is_file());
    let original = std::fs::read_to_string(&deal).unwrap();

    // Editor scratch files next to the deal: never a rebuild of their own,
    // never named in a line.
    let scratch = [
        ".anke-erp-2027.toml.swp",
        "anke-erp-2027.toml~",
        "4913",
        "#anke-erp-2027.toml#",
        ".#anke-erp-2027.toml",
        "anke-erp-2027.toml___jb_tmp___",
        "anke-erp-2027.toml.bak",
    ];
    for s in scratch {
        std::fs::write(deal.with_file_name(s), "garbage = [").unwrap();
    }

    // JetBrains / VS Code style: write a temporary file, rename it over.
    let tmp = deal.with_file_name("anke-erp-2027.toml___jb_tmp___");
    std::fs::write(&tmp, set_name(&original, "Renamed over")).unwrap();
    std::fs::rename(&tmp, &deal).unwrap();
    wait_for("the atomic save", || page_contains(&page, "Renamed over"));
    let line = w.wait_line("the rebuild line", |l| {
        l.contains("deals/open/anke-erp-2027.toml changed") && l.contains("OK")
    });
    // Only the pages whose content changed were written again.
    let first = w.wait_line("the first build", |l| l.contains("built "));
    let pages: usize = first
        .split("built ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page count in {first:?}"));
    let written: usize = line
        .split(" written")
        .next()
        .and_then(|r| r.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of written files in {line:?}"));
    assert!(
        written >= 1 && written < pages,
        "{written} of {pages} files written: {line}"
    );

    // Vim style (backupcopy=no): move the file to a backup, write a new
    // one, delete the backup.
    let backup = deal.with_file_name("anke-erp-2027.toml~");
    std::fs::rename(&deal, &backup).unwrap();
    std::fs::write(&deal, set_name(&original, "Vim save")).unwrap();
    std::fs::remove_file(&backup).unwrap();
    wait_for("the vim save", || page_contains(&page, "Vim save"));

    // Deleted and re-created.
    std::fs::remove_file(&deal).unwrap();
    std::fs::write(&deal, set_name(&original, "Recreated")).unwrap();
    wait_for("the re-created file", || page_contains(&page, "Recreated"));

    // A new subfolder with a new deal.
    std::fs::create_dir_all(root.join("deals/new/sub")).unwrap();
    std::fs::write(
        root.join("deals/new/sub/brand-new.toml"),
        set_name(&original, "Brand new deal"),
    )
    .unwrap();
    wait_for("the new deal's page", || {
        page_contains(&out.join("deals/brand-new.html"), "Brand new deal")
    });
    w.wait_line("the added line", |l| {
        l.contains("deals/new/sub/brand-new.toml added")
    });

    // A whole folder renamed: its deals keep their pages.
    std::fs::rename(root.join("deals/new"), root.join("deals/renamed")).unwrap();
    w.wait_line("the folder rename", |l| {
        l.contains("1 file added, 1 removed")
    });
    assert!(out.join("deals/brand-new.html").is_file());

    for l in w.lines() {
        for s in scratch {
            assert!(!l.contains(s), "a scratch file was reported: {l}");
        }
        assert!(
            !l.contains("public/"),
            "the output folder was reported: {l}"
        );
    }
    let status = w.interrupt();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn poll_mode_rebuilds_and_errors_keep_the_old_site() {
    let (dir, root) = example_copy();
    let out = dir.path().join("out");
    let mut w = watch(&root, &["--output", out.to_str().unwrap(), "--poll"]);
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let page = out.join("deals/anke-erp-2027.html");
    let original = std::fs::read_to_string(&deal).unwrap();
    std::fs::write(&deal, set_name(&original, "Polled")).unwrap();
    wait_for("the polled change", || page_contains(&page, "Polled"));
    // Broken: diagnostics in the terminal, the site stays.
    std::fs::write(&deal, original.replace("stage = ", "stage = 12 #")).unwrap();
    w.wait_line("the diagnostics", |l| {
        l.starts_with("deals/open/anke-erp-2027.toml:5:") && l.contains("error[")
    });
    w.wait_line("the failed build line", |l| {
        l.contains("the last good site is kept")
    });
    assert!(page_contains(&page, "Polled").is_some());
    let status = w.interrupt();
    assert_eq!(status.code(), Some(0));
}

/// The site from the incremental state equals the site from a fresh load.
fn assert_same_site(state: &mut State, root: &Path) {
    let today = jiff::civil::date(2026, 11, 15);
    let render = |c: &dealbook::Checked| {
        assert!(!c.has_errors());
        let a = analytics::compute(&c.pipeline, c.as_of, &analytics::Options::default());
        let o = Overrides::default();
        site::render(&SiteInput {
            pipeline: &c.pipeline,
            analytics: &a,
            diagnostics: &c.diagnostics,
            overrides: &o,
            base_url: None,
            history: None,
        })
        .unwrap()
    };
    state.refresh();
    let inc = finish(state.assemble(), None, today);
    let fresh = load_and_check(root, &LoadOptions::default(), None, today);
    // File ids differ (stable per session vs. walk order); places do not.
    let located = |c: &dealbook::Checked| -> Vec<_> {
        c.diagnostics
            .iter()
            .map(|d| dealbook::diag_out::locate(d, &c.pipeline.sources))
            .collect()
    };
    assert_eq!(located(&inc), located(&fresh));
    // Lists that follow the files' order come out in the same order.
    let targets = |c: &dealbook::Checked| -> Vec<(String, u32)> {
        c.pipeline
            .targets
            .iter()
            .map(|t| {
                let f = c.pipeline.sources.get(t.span.file);
                (f.rel_path.clone(), t.span.start)
            })
            .collect()
    };
    assert_eq!(targets(&inc), targets(&fresh));
    let (a, b) = (render(&inc), render(&fresh));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs", x.path);
    }
}

#[test]
fn incremental_state_matches_a_fresh_load() {
    let (_dir, root) = example_copy();
    let mut state = State::new(&root, LoadOptions::default());
    assert_same_site(&mut state, &root);
    let first = state.len();
    let id = state.id_of("deals/open/anke-erp-2027.toml").unwrap();

    // Nothing changed: nothing to do (files read again because their
    // stamps are too recent to trust are not parsed again).
    assert!(state.refresh().is_empty());
    assert_eq!(state.last_work().1, 0, "files parsed again");

    // A change, a new targets file that sorts first (its targets must come
    // first, as in a fresh load), a removal, a new subfolder.
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let text = std::fs::read_to_string(&deal).unwrap();
    std::fs::write(&deal, set_name(&text, "Changed")).unwrap();
    let targets = std::fs::read_to_string(root.join("targets/2026-org.toml")).unwrap();
    std::fs::write(root.join("targets/2026-org.toml"), "# moved\n").unwrap();
    std::fs::write(root.join("targets/0000-first.toml"), targets).unwrap();
    std::fs::remove_file(root.join("deals/2025/anke-erp-2025.toml")).unwrap();
    std::fs::create_dir_all(root.join("deals/z/new")).unwrap();
    std::fs::write(
        root.join("deals/z/new/fresh-one.toml"),
        set_name(&text, "Fresh"),
    )
    .unwrap();
    let delta = state.refresh();
    // Only the two changed and the two new files are parsed.
    assert_eq!(state.last_work().1, 4, "files parsed");
    assert_eq!(
        delta.changed,
        vec!["deals/open/anke-erp-2027.toml", "targets/2026-org.toml"]
    );
    assert_eq!(
        delta.added,
        vec!["deals/z/new/fresh-one.toml", "targets/0000-first.toml"]
    );
    assert_eq!(delta.removed, vec!["deals/2025/anke-erp-2025.toml"]);
    assert_same_site(&mut state, &root);
    // Ids are stable: the changed file kept its id, new ones got new ids,
    // the removed one left a placeholder.
    assert_eq!(state.id_of("deals/open/anke-erp-2027.toml"), Some(id));
    assert_eq!(state.len(), first + 2);

    // Events that name only known files: no walk, the same result.
    std::fs::write(&deal, set_name(&text, "Hinted")).unwrap();
    let delta = state.refresh_paths(&["deals/open/anke-erp-2027.toml".into()]);
    assert_eq!(state.last_work(), (1, 1), "files read and parsed");
    assert_eq!(delta.changed, vec!["deals/open/anke-erp-2027.toml"]);
    assert!(delta.added.is_empty() && delta.removed.is_empty());
    assert_same_site(&mut state, &root);
    // A path it does not know (a new file, a folder) means a walk.
    std::fs::write(
        root.join("deals/z/new/hinted-new.toml"),
        set_name(&text, "New"),
    )
    .unwrap();
    let delta = state.refresh_paths(&["deals/z/new".into()]);
    assert_eq!(delta.added, vec!["deals/z/new/hinted-new.toml"]);
    std::fs::remove_file(root.join("deals/z/new/hinted-new.toml")).unwrap();
    let delta = state.refresh_paths(&["deals/z/new/hinted-new.toml".into()]);
    assert_eq!(delta.removed, vec!["deals/z/new/hinted-new.toml"]);

    // Removed, then back with the same bytes it had.
    let back = std::fs::read_to_string(root.join("deals/z/new/fresh-one.toml")).unwrap();
    std::fs::remove_file(root.join("deals/z/new/fresh-one.toml")).unwrap();
    assert_same_site(&mut state, &root);
    std::fs::write(root.join("deals/z/new/fresh-one.toml"), back).unwrap();
    let delta = state.refresh();
    assert_eq!(delta.added, vec!["deals/z/new/fresh-one.toml"]);
    assert_same_site(&mut state, &root);
    assert_eq!(state.len(), first + 3);
}

/// Every file under `dir` (but the build marker), by relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != ".dealbook-site" {
                    out.insert(rel, std::fs::read(&p).unwrap_or_default());
                }
            }
        }
    }
    out
}

#[test]
fn rapid_saves_end_with_the_same_site_as_build() {
    let (dir, root) = example_copy();
    let out = dir.path().join("watched");
    let mut w = watch(&root, &["--output", out.to_str().unwrap()]);
    // Saves in quick succession: a write in progress gives way to the
    // newer save; whatever happens, the folder ends up complete.
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let original = std::fs::read_to_string(&deal).unwrap();
    for i in 0..6 {
        std::fs::write(&deal, set_name(&original, &format!("Rapid {i}"))).unwrap();
        std::thread::sleep(Duration::from_millis(40 + 30 * i));
    }
    std::fs::remove_file(root.join("deals/2025/anke-erp-2025.toml")).unwrap();
    let built = dir.path().join("built");
    build(&root, &built);
    let expected = tree(&built);
    assert!(expected.contains_key("deals/anke-erp-2027.html"));
    assert!(!expected.contains_key("deals/anke-erp-2025.html"));
    wait_for("the watched folder to equal a fresh build", || {
        let got = tree(&out);
        (got == expected).then_some(())
    });
    assert_eq!(w.interrupt().code(), Some(0));
}

#[test]
fn a_template_override_re_renders_every_page() {
    let (dir, root) = example_copy();
    let out = dir.path().join("watched");
    let mut w = watch(&root, &["--output", out.to_str().unwrap()]);
    let base = std::fs::read_to_string(repo().join("templates/base.html")).unwrap();
    assert!(base.contains("</body>"));
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/base.html"),
        base.replace("</body>", "<p>OVERRIDE MARK</p></body>"),
    )
    .unwrap();
    for page in ["index.html", "deals/anke-erp-2027.html", "accounts.html"] {
        wait_for("the override on every page", || {
            page_contains(&out.join(page), "OVERRIDE MARK")
        });
    }
    std::fs::remove_file(root.join("templates/base.html")).unwrap();
    wait_for("the override gone", || {
        std::fs::read_to_string(out.join("deals/anke-erp-2027.html"))
            .ok()
            .filter(|t| !t.contains("OVERRIDE MARK"))
            .map(|_| ())
    });
    assert_eq!(w.interrupt().code(), Some(0));
}
