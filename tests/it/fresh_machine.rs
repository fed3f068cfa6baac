//! The README's promise for a fresh machine: `cargo test` passes with no
//! browser installed, and the browser tests say on the terminal that they
//! were skipped.
//!
//! How, without doubling the time of the suite: the repository's tracked
//! files (what a `git clone` gives) are copied to a fixed folder under the
//! target folder, and only the copy's browser tests (the modules `browser`
//! and `serve_browser` of the test binary: the only tests that need a
//! browser) run there with `cargo test --test it -- browser::`, under a
//! `PATH` from which Chromium and chromedriver are removed, with the `DEALBOOK_*` browser variables unset, and with
//! `CARGO_TARGET_DIR` set to this build's target folder. Running the whole
//! suite of the copy would run every other test a second time for nothing:
//! they do not look for a browser. Sharing the target folder means the
//! dependencies are not compiled again; only the dealbook crate and the
//! test binary are (about a minute, once: the copy's folder is fixed and
//! its files keep their modification times, so a second run compiles
//! nothing).
//!
//! The copy's `.cargo/config.toml` gives the dealbook package a profile
//! setting of its own (`codegen-units`, which changes nothing that runs),
//! so that its artifacts are not this build's: cargo names a workspace
//! package's artifacts by its path relative to the workspace, the same for
//! the copy, and without that the copy's build would take over this
//! build's fingerprints and leave this build stale after an edit.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The programs that would let a browser test run.
const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "chromedriver",
];

/// This build's target folder: `CARGO_TARGET_DIR`, else the folder three
/// levels above this test binary (`<target>/debug/deps/<binary>`).
fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return std::path::absolute(PathBuf::from(d)).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

/// The files git tracks in the repository (what a clone has), and the new
/// files it would track (so the test sees uncommitted work too).
fn tracked(repo: &Path) -> Vec<PathBuf> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(repo)
        .output()
        .expect("run git ls-files");
    assert!(out.status.success(), "git ls-files failed");
    out.stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8(p.to_vec()).unwrap()))
        .filter(|p| repo.join(p).is_file())
        .collect()
}

/// Makes `to` hold exactly the tracked files of `from`, with their
/// modification times (so cargo sees unchanged files as unchanged).
fn sync_copy(from: &Path, to: &Path) {
    let files = tracked(from);
    let keep: BTreeSet<PathBuf> = files.iter().cloned().collect();
    for rel in &files {
        let (src, dst) = (from.join(rel), to.join(rel));
        let meta = std::fs::metadata(&src).unwrap();
        let same = std::fs::metadata(&dst)
            .is_ok_and(|m| m.len() == meta.len() && m.modified().ok() == meta.modified().ok())
            && std::fs::read(&dst).ok() == std::fs::read(&src).ok();
        if same {
            continue;
        }
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&dst);
        std::fs::copy(&src, &dst).unwrap();
        let f = std::fs::File::options().write(true).open(&dst).unwrap();
        f.set_modified(meta.modified().unwrap()).unwrap();
    }
    // Files of an earlier copy that are no longer tracked.
    let config = PathBuf::from(".cargo/config.toml");
    for e in walkdir::WalkDir::new(to).into_iter().flatten() {
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(to).unwrap();
            if !keep.contains(rel) && rel != config {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
    }
    // Artifacts of the copy's own (see the top of this file); written only
    // when missing, so that it stays unchanged for cargo.
    if !keep.contains(&config) && !to.join(&config).exists() {
        std::fs::create_dir_all(to.join(".cargo")).unwrap();
        std::fs::write(
            to.join(&config),
            "# Written by tests/it/fresh_machine.rs: this copy's artifacts apart from the original's.\n\
             [profile.dev.package.dealbook]\ncodegen-units = 255\n",
        )
        .unwrap();
    }
}

/// `PATH` with every folder that holds a browser or chromedriver replaced
/// by a folder of links to everything else in it.
fn path_without_browser(shadow_root: &Path) -> std::ffi::OsString {
    let _ = std::fs::remove_dir_all(shadow_root);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = Vec::new();
    for (i, dir) in std::env::split_paths(&path).enumerate() {
        if !BROWSERS.iter().any(|b| dir.join(b).exists()) {
            dirs.push(dir);
            continue;
        }
        let shadow = shadow_root.join(i.to_string());
        std::fs::create_dir_all(&shadow).unwrap();
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = e.file_name();
            if BROWSERS.iter().any(|b| name == *b) {
                continue;
            }
            std::os::unix::fs::symlink(e.path(), shadow.join(&name)).unwrap();
        }
        dirs.push(shadow);
    }
    std::env::join_paths(dirs).unwrap()
}

#[test]
#[cfg(unix)]
fn cargo_test_on_a_fresh_clone_without_a_browser_passes_and_says_it_skipped() {
    let target = target_dir();
    let work = target.join("fresh-machine");
    let copy = work.join("dealbook");
    sync_copy(&common::repo(), &copy);
    let path = path_without_browser(&work.join("path"));
    for b in BROWSERS {
        assert!(
            std::env::split_paths(&path).all(|d| !d.join(b).exists()),
            "{b} is still on the PATH of the copy"
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        // `browser::` also matches `serve_browser::`.
        .args(["test", "--test", "it", "--", "browser::"])
        .current_dir(&copy)
        .env("PATH", &path)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("DEALBOOK_REQUIRE_BROWSER")
        .env_remove("DEALBOOK_SKIP_BROWSER")
        .env_remove("DEALBOOK_CHROMIUM")
        .env_remove("DEALBOOK_CHROMEDRIVER")
        .output()
        .expect("run cargo test in the copy");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(
        out.status.success(),
        "cargo test failed in the copy\n{report}"
    );
    let tests: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... ok"))
        .collect();
    // Every browser test ran (and skipped): as many as the two modules hold.
    let want: usize = ["tests/it/browser.rs", "tests/it/serve_browser.rs"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(common::repo().join(f))
                .unwrap()
                .matches("#[test]")
                .count()
        })
        .sum();
    assert_eq!(tests.len(), want, "every browser test ran\n{report}");
    for t in &tests {
        let said = format!("skipped {t}: no chromium and chromedriver on PATH");
        assert!(
            stderr.contains(&said),
            "{t} did not say it skipped\n{report}"
        );
    }
    // The same run, required: it fails, and says what to install.
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["test", "--test", "it", "--", "serve_browser::"])
        .current_dir(&copy)
        .env("PATH", &path)
        .env("CARGO_TARGET_DIR", &target)
        .env("DEALBOOK_REQUIRE_BROWSER", "1")
        .env_remove("DEALBOOK_SKIP_BROWSER")
        .env_remove("DEALBOOK_CHROMIUM")
        .env_remove("DEALBOOK_CHROMEDRIVER")
        .output()
        .expect("run cargo test in the copy");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "required browser tests passed without a browser"
    );
    assert!(
        stdout.contains("DEALBOOK_REQUIRE_BROWSER=1 but no chromium and chromedriver on PATH")
            && stdout.contains("apt-get install chromium chromium-driver"),
        "{stdout}"
    );
}
