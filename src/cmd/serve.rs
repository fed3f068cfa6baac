//! `dealbook serve`: `watch` plus a local HTTP server with live reload.
//! The site goes into a temporary folder (deleted on exit) unless
//! `--output` says otherwise, so a preview never touches `DIR/public`.
//! Ctrl-C exits 0; a port in use exits 2 with a free port to try.

use super::Failure;
use super::common::{
    LoopArgs, PipelineDir, print_report, run_until_stopped, start_watch, stop_on_ctrl_c,
    watcher_warning,
};
use dealbook::Exit;
use dealbook::serve::{self, Server, live::Hub};
use dealbook::watch::snapshot::Snapshot;
use dealbook::watch::{Hooks, Outcome, Problem, Report};
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pipeline: PipelineDir,
    /// Where to write the site (default: a temporary folder, deleted on
    /// exit).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, short, default_value_t = 8000)]
    port: u16,
    /// Address to listen on. Anything but a loopback address makes the
    /// preview visible to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Also answer requests that name this host (a name the preview is
    /// reached by through a proxy or DNS). Loopback names, IP addresses
    /// and the --bind name are always accepted. Repeatable.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Open the site in the default browser once it is built.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    looping: LoopArgs,
}

/// A temporary output folder, removed when dropped.
struct TempOut(PathBuf);

impl Drop for TempOut {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens `url` with the platform's opener, if there is one.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("note: cannot run {opener}; open {url} yourself");
    }
}

/// The server side of the watch loop: serve each good build at once,
/// reload the pages, show the problems of a bad one.
struct Live {
    hub: Arc<Hub>,
    output: PathBuf,
    url: String,
    open: bool,
    timings: bool,
}

impl Hooks for Live {
    fn live(&mut self, number: u64, site: &Arc<Snapshot>) {
        self.hub.serve_build(number, site.clone());
    }

    fn written(&mut self, number: u64) {
        self.hub.written(number);
    }

    fn report(&mut self, r: &Report) {
        print_report(r, &self.output, true, self.timings);
        match &r.outcome {
            // A write that failed before went through: the overlay goes.
            Outcome::Built { .. } if r.retry => self.hub.built(r.number),
            Outcome::Built { .. } => {}
            Outcome::Invalid {
                problems, summary, ..
            } => self.hub.failed(summary.clone(), problems.clone()),
            Outcome::Failed(e) => self.hub.failed(
                "the site could not be written".into(),
                vec![Problem {
                    severity: "error",
                    code: "io".into(),
                    file: self.output.display().to_string(),
                    line: 0,
                    column: 0,
                    message: e.clone(),
                    source_line: None,
                    hint: None,
                }],
            ),
        }
        if std::mem::take(&mut self.open) {
            open_browser(&self.url);
        }
    }

    fn watcher_error(&mut self, e: &str) {
        watcher_warning(e);
    }
}

/// Whether the server's URL is on an address other machines can reach
/// (not loopback).
fn server_addr_is_public(url: &str) -> bool {
    let host = url
        .trim_start_matches("http://")
        .rsplit_once(':')
        .map(|(h, _)| h.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or("");
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| !ip.is_loopback())
}

/// Runs `serve`.
pub fn run(a: Args) -> Result<Exit, Failure> {
    let root = a.pipeline.open()?;
    let listener = serve::bind(&a.bind, a.port).map_err(Failure::error)?;
    let (output, _temp) = match &a.output {
        Some(o) => (o.clone(), None),
        None => {
            let t = std::env::temp_dir().join(format!("dealbook-serve-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&t);
            (t.clone(), Some(TempOut(t)))
        }
    };
    let mut cfg = a.looping.config(root.clone(), output.clone());
    // Pages of a new build are served from memory at once; the folder is
    // written when the saves pause.
    cfg.defer_writes = Some(dealbook::watch::SERVE_WRITE_DELAY);
    let w = start_watch(cfg)?;
    let hub = Arc::new(Hub::new());
    let mut server = Server::new(listener, w.session().output().to_path_buf(), hub.clone())
        .map_err(|e| Failure::error(format!("cannot prepare {}: {e}", output.display())))?;
    server.allow_host(&a.bind);
    for h in &a.allow_host {
        server.allow_host(h);
    }
    let url = serve::url_of(server.local_addr().map_err(Failure::error)?);
    let signals = stop_on_ctrl_c()?;
    if let Err(e) = server.spawn() {
        return Err(Failure::error(format!("cannot start the server: {e}")));
    }
    eprintln!(
        "serving {} on {url} (Ctrl-C to stop){}",
        root.display(),
        a.looping.polling()
    );
    if server_addr_is_public(&url) {
        eprintln!(
            "note: listening on {}: the preview (every page, data.json, the whole pipeline) is visible to anyone who can reach this machine on the network; names other than IP addresses need --allow-host",
            a.bind
        );
    }
    run_until_stopped(
        w,
        Live {
            hub,
            output,
            url,
            open: a.open,
            timings: a.looping.timings,
        },
        signals,
    )
}
