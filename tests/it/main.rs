//! dealbook's integration tests, as one test binary: each file here is a
//! module (one concern each, as the separate binaries were), and `common`
//! holds what they share. One binary links once where 31 linked 31 times,
//! and its tests share the two cores for the whole run instead of binary
//! after binary (tests/README.md has the measurements). Run one file's
//! tests with `cargo test --test it <module>::`, e.g.
//! `cargo test --test it history::`.

mod common;

mod analytics;
mod analytics_props;
mod analytics_risks;
mod browser;
mod build_props;
mod check_hints;
mod check_output;
mod diff;
mod edit;
mod fmt;
mod format_docs;
mod fresh_machine;
mod history;
mod hostile;
mod import;
mod init;
mod invalid;
mod load_pool;
mod loader_props;
mod report;
mod report_options;
mod root;
mod schema;
mod serve;
mod serve_browser;
mod serve_hostile;
mod signals;
mod site;
mod site_figures;
mod watch;
mod winloss;
