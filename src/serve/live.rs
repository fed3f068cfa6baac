//! Live reload and the error overlay.
//!
//! The [`Hub`] holds the state of the last build (the number of the last
//! good build, and the problems of the latest one if it failed) and the
//! open event streams. Each stream has its own thread and channel: a
//! broadcast only pushes a shared string into every channel under the
//! lock, never touching a socket, so a slow or dead client cannot stall
//! another client or the build.
//!
//! Protocol (`text/event-stream` on `__dealbook/events`), every `data` a
//! JSON object `{"build": N, "ok": bool, "summary": "...",
//! "problems": [...]}` where `build` is the number of the last good build
//! (the site on disk) and `ok` whether the latest build succeeded:
//! - `status` right after connecting;
//! - `reload` after every successful build;
//! - `problems` after every failed build.
//!
//! Every HTML page served gets, before `</body>`, a stylesheet link, the
//! overlay itself when the latest build failed (so it shows even with
//! JavaScript off), and a script tag carrying the build number the page
//! belongs to. The script finds the event stream relative to its own URL,
//! so it works when the site is served under a sub-path; it reloads when
//! the build number moves on and draws or removes the overlay.

use crate::site::charts::esc;
use crate::watch::Problem;
use crate::watch::snapshot::Snapshot;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// Pages rendered on request are kept, up to this many per build.
const CACHE: usize = 64;

/// The overlay (and the events) carry the first this many problems, and
/// the count of the rest: every served page carries the overlay, so it
/// must not grow with the number of errors.
pub const MAX_PROBLEMS: usize = 50;

/// A good build that is not (completely) on disk yet: its pages are
/// rendered on request.
pub struct LivePages {
    number: u64,
    site: Arc<Snapshot>,
    cache: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl LivePages {
    /// Whether the build has files under the folder `rel` (as a folder on
    /// disk would exist).
    pub fn has_folder(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.site
            .site()
            .paths()
            .iter()
            .any(|p| p.starts_with(&prefix))
    }

    /// The bytes of the file at `path`, rendered now or earlier; `None`
    /// when the build has no such file.
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        let lock = || self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = lock().get(path) {
            return Some(Ok(b.clone()));
        }
        // Rendered without the lock: two requests for the same page may
        // both render it, which is harmless.
        let page = match self.site.render(path)? {
            Ok(p) => Arc::new(p.bytes),
            Err(e) => return Some(Err(e.to_string())),
        };
        let mut cache = lock();
        if cache.len() >= CACHE {
            cache.clear();
        }
        cache.insert(path.to_string(), page.clone());
        Some(Ok(page))
    }
}

/// The script injected in every HTML page.
pub const SCRIPT: &str = include_str!("live.js");

/// The overlay's stylesheet.
pub const STYLE: &str = include_str!("live.css");

/// The state published to the browsers.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct Status {
    /// Number of the last good build (0: none yet).
    pub build: u64,
    /// Whether the latest build succeeded.
    pub ok: bool,
    /// "1 error, 0 warnings in 40 files" when it did not.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Its problems, errors first: the first [`MAX_PROBLEMS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// How many more problems there are.
    #[serde(skip_serializing_if = "is_zero")]
    pub more: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

struct Inner {
    status: Status,
    json: Arc<str>,
    clients: Vec<Sender<Arc<str>>>,
    live: Option<Arc<LivePages>>,
}

/// Shared between the watch loop (which publishes) and the server
/// threads (which subscribe and inject).
pub struct Hub {
    inner: Mutex<Inner>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

fn event(name: &str, json: &str) -> Arc<str> {
    Arc::from(format!("event: {name}\ndata: {json}\n\n"))
}

impl Hub {
    /// No build yet.
    pub fn new() -> Hub {
        let status = Status {
            build: 0,
            ok: true,
            ..Status::default()
        };
        let json = Arc::from(serde_json::to_string(&status).unwrap_or_default());
        Hub {
            inner: Mutex::new(Inner {
                status,
                json,
                clients: Vec::new(),
                live: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the server down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.lock().status.clone()
    }

    /// The current status as JSON.
    pub fn status_json(&self) -> Arc<str> {
        self.lock().json.clone()
    }

    /// Number of open event streams.
    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    /// A good build is ready: serve its pages (rendered on request) until
    /// it is on disk, and tell everyone to reload.
    pub fn serve_build(&self, number: u64, site: Arc<Snapshot>) {
        let old = self.lock().live.replace(Arc::new(LivePages {
            number,
            site,
            cache: Mutex::new(HashMap::new()),
        }));
        self.built(number);
        // Freeing a big build takes a while: not on this thread.
        crate::watch::drop_later(old);
    }

    /// Build `number` is completely on disk: serve files again (unless a
    /// newer build is live).
    pub fn written(&self, number: u64) {
        let mut inner = self.lock();
        if inner.live.as_ref().is_some_and(|l| l.number == number) {
            crate::watch::drop_later(inner.live.take());
        }
    }

    /// The build whose pages are rendered on request, if any.
    pub fn live(&self) -> Option<Arc<LivePages>> {
        self.lock().live.clone()
    }

    /// A successful build: everyone reloads.
    pub fn built(&self, build: u64) {
        self.publish(
            "reload",
            Status {
                build,
                ok: true,
                ..Status::default()
            },
        );
    }

    /// A failed build: everyone shows the overlay (with the first
    /// [`MAX_PROBLEMS`] problems).
    pub fn failed(&self, summary: String, mut problems: Vec<Problem>) {
        let build = self.lock().status.build;
        let more = problems.len().saturating_sub(MAX_PROBLEMS);
        problems.truncate(MAX_PROBLEMS);
        self.publish(
            "problems",
            Status {
                build,
                ok: false,
                summary,
                problems,
                more,
            },
        );
    }

    fn publish(&self, name: &str, status: Status) {
        let json: Arc<str> = Arc::from(serde_json::to_string(&status).unwrap_or_default());
        let msg = event(name, &json);
        let mut inner = self.lock();
        inner.status = status;
        inner.json = json;
        inner.clients.retain(|c| c.send(msg.clone()).is_ok());
    }

    /// A new event stream: the `status` event to send first, and the
    /// channel of later events.
    pub fn subscribe(&self) -> (Arc<str>, Receiver<Arc<str>>) {
        let (tx, rx) = mpsc::channel();
        let mut inner = self.lock();
        inner.clients.push(tx);
        (event("status", &inner.json), rx)
    }

    /// Adds the stylesheet, the overlay (when the latest build failed) and
    /// the script to an HTML page. `root` leads from the page to the site
    /// root (`""`, `"../"`, ...).
    pub fn inject(&self, html: &[u8], root: &str) -> Vec<u8> {
        let status = self.status();
        let mut tail = format!("<link rel=\"stylesheet\" href=\"{root}__dealbook/live.css\">\n");
        if !status.ok {
            tail.push_str(&overlay_html(&status));
        }
        tail.push_str(&format!(
            "<script src=\"{root}__dealbook/live.js\" data-build=\"{}\" defer></script>\n",
            status.build
        ));
        insert_before_body_end(html, tail.as_bytes())
    }
}

/// Inserts `tail` before the last `</body>` (any case), or at the end.
pub fn insert_before_body_end(html: &[u8], tail: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tail.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tail);
    out.extend_from_slice(&html[at..]);
    out
}

/// `file:line:col` of a problem (as much as is known).
pub fn place(p: &Problem) -> String {
    match (p.line, p.column) {
        (0, _) => p.file.clone(),
        (l, 0) => format!("{}:{l}", p.file),
        (l, c) => format!("{}:{l}:{c}", p.file),
    }
}

/// The line under the overlay's heading.
fn note(build: u64) -> &'static str {
    if build == 0 {
        "There is no good build yet. This goes away once the errors are fixed."
    } else {
        "You are looking at the last good build. This goes away once the errors are fixed."
    }
}

/// The overlay as HTML, the same markup the script draws.
pub fn overlay_html(s: &Status) -> String {
    let mut h = String::from(
        "<div id=\"dealbook-overlay\" role=\"alert\"><div class=\"dbo-box\">\
         <div class=\"dbo-head\"><strong>dealbook: the build failed</strong> \
         <span class=\"dbo-sum\">",
    );
    h.push_str(&esc(&s.summary));
    h.push_str(
        "</span><button type=\"button\" class=\"dbo-close\" aria-label=\"hide\">×</button></div>\
         <p class=\"dbo-note\">",
    );
    h.push_str(note(s.build));
    h.push_str("</p><ol>");
    for p in &s.problems {
        h.push_str(&format!(
            "<li class=\"dbo-{}\"><div><span class=\"dbo-at\">{}</span> <span class=\"dbo-code\">{}[{}]</span> <span class=\"dbo-msg\">{}</span></div>",
            esc(p.severity),
            esc(&place(p)),
            esc(p.severity),
            esc(&p.code),
            esc(&p.message)
        ));
        if let Some(l) = &p.source_line {
            h.push_str(&format!("<pre>{}</pre>", esc(l)));
        }
        if let Some(hint) = &p.hint {
            h.push_str(&format!("<div class=\"dbo-hint\">{}</div>", esc(hint)));
        }
        h.push_str("</li>");
    }
    h.push_str("</ol>");
    if s.more > 0 {
        h.push_str(&format!("<p class=\"dbo-more\">{}</p>", more_text(s.more)));
    }
    h.push_str("</div></div>\n");
    h
}

/// The line under a cut list of problems (the script writes the same).
fn more_text(n: usize) -> String {
    format!(
        "… and {n} more {}: run dealbook check to see them all.",
        if n == 1 { "problem" } else { "problems" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_body_end() {
        let out = insert_before_body_end(b"<html><body>x</BODY></html>", b"<s>");
        assert_eq!(out, b"<html><body>x<s></BODY></html>");
        let out = insert_before_body_end(b"x", b"<s>");
        assert_eq!(out, b"x<s>");
    }

    #[test]
    fn broadcast_and_overlay() {
        let hub = Hub::new();
        let (first, rx) = hub.subscribe();
        assert!(first.starts_with("event: status\n"));
        hub.built(1);
        assert!(rx.recv().unwrap().contains("\"build\":1"));
        hub.failed(
            "1 error".into(),
            vec![Problem {
                severity: "error",
                code: "E002".into(),
                file: "deals/<a>.toml".into(),
                line: 3,
                column: 7,
                message: "bad & worse".into(),
                source_line: None,
                hint: None,
            }],
        );
        let m = rx.recv().unwrap();
        assert!(m.starts_with("event: problems\n") && m.contains("\"build\":1"));
        let page = String::from_utf8(hub.inject(b"<body></body>", "../")).unwrap();
        assert!(page.contains("deals/&lt;a&gt;.toml:3:7"));
        assert!(page.contains("bad &amp; worse"));
        assert!(page.contains("src=\"../__dealbook/live.js\" data-build=\"1\""));
        // Many problems: the first MAX_PROBLEMS, and a count.
        let many: Vec<Problem> = (0..1150)
            .map(|i| Problem {
                severity: "error",
                code: "E034".into(),
                file: format!("deals/d{i}.toml"),
                line: 1,
                column: 1,
                message: "unknown stage".into(),
                source_line: Some("stage = \"x\"".into()),
                hint: None,
            })
            .collect();
        hub.failed("1150 errors".into(), many);
        let s = hub.status();
        assert_eq!((s.problems.len(), s.more), (MAX_PROBLEMS, 1100));
        let page = String::from_utf8(hub.inject(b"<body></body>", "")).unwrap();
        assert_eq!(page.matches("<li ").count(), MAX_PROBLEMS);
        assert!(page.contains("… and 1100 more problems"));
        assert!(page.len() < 20_000, "{}", page.len());
        assert!(rx.recv().unwrap().contains("\"more\":1100"));
        drop(rx);
        hub.built(2);
        assert_eq!(hub.clients(), 0);
        let page = String::from_utf8(hub.inject(b"<body></body>", "")).unwrap();
        assert!(!page.contains("dealbook-overlay"));
    }
}
