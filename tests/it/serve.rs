//! `dealbook serve` end to end: the real binary on a free port against a
//! temporary copy of the example pipeline, over real HTTP (a minimal
//! client on `std::net`, so request targets go out exactly as written).
//! Nothing waits a fixed time to assert: every check polls with a deadline.

use crate::common;

use common::process::Serve;
use common::{dealbook, example_copy, set_name_in, wait_for};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DEAL: &str = "deals/open/anke-erp-2027.toml";
const DEAL_PAGE: &str = "/deals/anke-erp-2027.html";

struct Resp {
    status: u16,
    headers: String,
    body: String,
}

/// One request with a raw target, `Connection: close`.
fn request(port: u16, method: &str, target: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Resp {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(port: u16, target: &str) -> Resp {
    request(port, "GET", target)
}

/// An open event stream, collecting `(event, data)` pairs.
struct Events {
    events: Arc<Mutex<Vec<(String, String)>>>,
    _stream: TcpStream,
}

impl Events {
    fn open(port: u16, target: &str) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let reader = s.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut name = String::new();
            let mut data = String::new();
            let mut line = String::new();
            loop {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if let Some(v) = l.strip_prefix("event: ") {
                    name = v.to_string();
                } else if let Some(v) = l.strip_prefix("data: ") {
                    data = v.to_string();
                } else if l.is_empty() && !name.is_empty() {
                    sink.lock()
                        .unwrap()
                        .push((std::mem::take(&mut name), std::mem::take(&mut data)));
                }
            }
        });
        let e = Events { events, _stream: s };
        wait_for("the status event", || e.find("status", |_| true));
        e
    }

    fn all(&self) -> Vec<(String, String)> {
        self.events.lock().unwrap().clone()
    }

    fn find(
        &self,
        name: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> Option<serde_json::Value> {
        self.all().into_iter().find_map(|(n, d)| {
            let v: serde_json::Value = serde_json::from_str(&d).ok()?;
            (n == name && pred(&v)).then_some(v)
        })
    }

    fn wait(&self, name: &str, pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        wait_for(&format!("a {name} event"), || self.find(name, &pred))
    }
}

fn build_of(v: &serde_json::Value) -> u64 {
    v["build"].as_u64().unwrap()
}

fn atomic_write(path: &Path, text: &str) {
    // As editors do: a temporary file next to the target, renamed over it.
    let tmp: PathBuf = path.with_file_name(format!(
        ".{}.tmp-save",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn edit_reload_errors_overlay_and_delete() {
    let (_dir, root) = example_copy();
    let s = Serve::start(&root, &[]);
    let port = s.port;

    // A page, with the live-reload script injected relative to it.
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(
        home.headers
            .contains("content-type: text/html; charset=utf-8")
    );
    assert!(
        home.body
            .contains("src=\"__dealbook/live.js\" data-build=\"1\"")
    );
    let page = get(port, DEAL_PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("ERP with device history records"));
    assert!(page.body.contains("src=\"../__dealbook/live.js\""));
    assert!(!page.body.contains("dealbook-overlay"));
    let js = get(port, "/__dealbook/live.js");
    assert_eq!(js.status, 200);
    assert!(js.body.contains("new URL(\"events\", me.src)"));

    let events = Events::open(port, "/__dealbook/events");
    let deal = root.join(DEAL);

    // A plain write.
    std::fs::write(&deal, set_name_in(&deal, "Plain write 一")).unwrap();
    let b = build_of(&events.wait("reload", |v| v["build"].as_u64() > Some(1)));
    wait_for("the new name", || {
        get(port, DEAL_PAGE)
            .body
            .contains("Plain write 一")
            .then_some(())
    });
    let line = s
        .proc
        .wait_line("the rebuild line", |l| l.contains(" · live in "));
    assert!(
        line.contains("deals/open/anke-erp-2027.toml changed"),
        "{line}"
    );
    assert!(line.contains("OK"), "{line}");
    // Served from memory until written: folders still redirect, missing
    // pages are still 404.
    assert_eq!(get(port, "/deals").status, 301);
    assert_eq!(get(port, "/deals/nope.html").status, 404);

    // An atomic save (temporary file renamed over the deal).
    atomic_write(&deal, &set_name_in(&deal, "Atomic save 二"));
    wait_for("the renamed content", || {
        get(port, DEAL_PAGE)
            .body
            .contains("Atomic save 二")
            .then_some(())
    });
    events.wait("reload", |v| v["build"].as_u64() > Some(b));

    // A broken save: the overlay names file:line, the old content stays.
    let good = std::fs::read_to_string(&deal).unwrap();
    let broken = good.replace("amount = 620_000", "amount = \"lots\"");
    assert_ne!(broken, good);
    std::fs::write(&deal, &broken).unwrap();
    let p = events.wait("problems", |v| v["ok"] == false);
    let b = build_of(&p);
    let first = &p["problems"][0];
    assert_eq!(first["file"], "deals/open/anke-erp-2027.toml");
    assert_eq!(first["line"], 4);
    assert_eq!(first["severity"], "error");
    let status: serde_json::Value =
        serde_json::from_str(&get(port, "/__dealbook/status").body).unwrap();
    assert_eq!(status["ok"], false);
    let page = get(port, DEAL_PAGE);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Atomic save 二"),
        "the last good site is served"
    );
    assert!(page.body.contains("id=\"dealbook-overlay\""));
    assert!(page.body.contains("deals/open/anke-erp-2027.toml:4:10"));
    // Every HTML page, not only the broken deal's.
    assert!(get(port, "/funnel.html").body.contains("dealbook-overlay"));
    // A page's own build number is the last good one: no reload loop.
    assert!(page.body.contains(&format!("data-build=\"{b}\"")));
    s.proc.wait_line("the error in the terminal", |l| {
        l.contains("anke-erp-2027.toml:4:10: error[E012]")
    });

    // Fixed: the overlay goes and pages reload.
    std::fs::write(&deal, &good).unwrap();
    let b = build_of(&events.wait("reload", |v| v["build"].as_u64() > Some(b)));
    let page = get(port, DEAL_PAGE);
    assert!(!page.body.contains("dealbook-overlay"));
    assert!(page.body.contains(&format!("data-build=\"{b}\"")));

    // Deleted: its page goes.
    std::fs::remove_file(&deal).unwrap();
    wait_for("the deleted deal's page to go", || {
        (get(port, DEAL_PAGE).status == 404).then_some(())
    });
    events.wait("reload", |v| v["build"].as_u64() > Some(b));
    s.proc.wait_line("the removal line", |l| {
        l.contains("anke-erp-2027.toml removed")
    });
}

#[test]
fn traversal_and_bad_requests_are_refused() {
    let (dir, root) = example_copy();
    // A secret next to the output folder, and a link pointing at it.
    let out = dir.path().join("site");
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    let s = Serve::start(&root, &["--output", out.to_str().unwrap()]);
    let port = s.port;
    for target in [
        "/../../etc/passwd",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/secret.txt",
        "/..%2f..%2fetc%2fpasswd",
        "/deals/..%2f..%2fsecret.txt",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/%25%32%65%25%32%65/secret.txt",
        "/index.html%00.txt",
        "/%zz",
        "//etc/passwd",
        "/.dealbook-site",
    ] {
        let r = get(port, target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(!r.body.contains("root:"), "{target}");
        assert!(!r.body.contains("TOP SECRET"), "{target}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("leak.txt")).unwrap();
        let r = get(port, "/leak.txt");
        assert_eq!(r.status, 404);
        assert!(!r.body.contains("TOP SECRET"));
    }
    // Not a path at all, a method that is not served, garbage.
    assert_eq!(get(port, "http://example.com/").status, 400);
    assert_eq!(request(port, "POST", "/").status, 405);
    let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.write_all(b"\x16\x03\x01 not http\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = raw.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    // Still serving.
    assert_eq!(get(port, "/").status, 200);
}

#[test]
fn content_types_and_head() {
    let (_dir, root) = example_copy();
    let s = Serve::start(&root, &[]);
    let port = s.port;
    for (path, ct) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
        ("/deals.csv", "text/csv; charset=utf-8"),
        ("/__dealbook/live.css", "text/css; charset=utf-8"),
    ] {
        let r = get(port, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.headers.contains(&format!("content-type: {ct}\r\n")),
            "{path}: {}",
            r.headers
        );
    }
    let h = request(port, "HEAD", "/index.html");
    assert_eq!(h.status, 200);
    assert!(h.body.is_empty());
    // A folder without its slash is redirected (relatively, for sub-paths).
    let r = get(port, "/deals");
    assert_eq!(r.status, 301);
    assert!(r.headers.contains("location: deals/"));
    let missing = get(port, "/deals/nope.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("../__dealbook/live.js"));
}

#[test]
fn many_event_streams_and_clients_that_vanish() {
    let (_dir, root) = example_copy();
    let s = Serve::start(&root, &[]);
    let port = s.port;
    // Clients that connect and go away mid-stream, or mid-request.
    for _ in 0..20 {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.write_all(b"GET /__dealbook/events HTTP/1.1\r\n\r\n")
            .unwrap();
        drop(c);
    }
    let stalled: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
            c.write_all(b"GET /index.html HTTP/1.1\r\nHost:").unwrap();
            c
        })
        .collect();
    // Streams that are never read, and ones that are.
    let idle: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
            c.write_all(b"GET /__dealbook/events HTTP/1.1\r\n\r\n")
                .unwrap();
            c
        })
        .collect();
    let readers: Vec<Events> = (0..3)
        .map(|_| Events::open(port, "/__dealbook/events"))
        .collect();
    // A page requested and dropped before its body was read.
    for _ in 0..10 {
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        c.write_all(b"GET /deals.csv HTTP/1.1\r\n\r\n").unwrap();
        drop(c);
    }
    let deal = root.join(DEAL);
    std::fs::write(&deal, set_name_in(&deal, "Many clients")).unwrap();
    for r in &readers {
        r.wait("reload", |v| v["build"].as_u64() > Some(1));
    }
    assert_eq!(get(port, "/").status, 200);
    // Keep-alive: two requests on one connection.
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(b"GET /assets/favicon.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut all = String::new();
    c.read_to_string(&mut all).unwrap();
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2);
    drop((stalled, idle));
}

#[test]
fn port_taken_is_a_clear_error_and_ctrl_c_exits_0() {
    let (dir, root) = example_copy();
    let mut first = Serve::start(&root, &[]);
    let port = first.port.to_string();
    let second = dealbook(
        &["serve", root.to_str().unwrap(), "--port", &port],
        dir.path(),
    );
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("try --port "), "{err}");
    // The first one is unaffected; Ctrl-C stops it cleanly.
    assert_eq!(get(first.port, "/").status, 200);
    let status = first.proc.interrupt();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn template_errors_show_in_the_overlay() {
    let (_dir, root) = example_copy();
    let s = Serve::start(&root, &[]);
    let port = s.port;
    let events = Events::open(port, "/__dealbook/events");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/deal.html"),
        "{% extends \"base.html\" %}\n{% block content %}\n{{ v.name | nosuchfilter }}\n{% endblock %}\n",
    )
    .unwrap();
    let p = events.wait("problems", |v| v["ok"] == false);
    let first = &p["problems"][0];
    assert_eq!(first["file"], "templates/deal.html", "{p}");
    assert!(
        first["message"].as_str().unwrap().contains("deal.html"),
        "{p}"
    );
    let page = get(port, "/index.html");
    assert!(page.body.contains("dealbook-overlay"));
    assert!(page.body.contains("templates/deal.html"));
    std::fs::remove_file(root.join("templates/deal.html")).unwrap();
    events.wait("reload", |v| v["ok"] == true && v["build"] != 1);
    assert!(!get(port, "/index.html").body.contains("dealbook-overlay"));
}

#[test]
fn the_output_folder_catches_up_and_the_temporary_one_goes() {
    let (dir, root) = example_copy();
    let out = dir.path().join("site");
    let mut s = Serve::start(&root, &["--output", out.to_str().unwrap()]);
    let deal = root.join(DEAL);
    std::fs::write(&deal, set_name_in(&deal, "Written later")).unwrap();
    // Served at once, written to the folder once the saves pause.
    wait_for("the served page", || {
        get(s.port, DEAL_PAGE)
            .body
            .contains("Written later")
            .then_some(())
    });
    wait_for("the written page", || {
        std::fs::read_to_string(out.join("deals/anke-erp-2027.html"))
            .ok()
            .filter(|t| t.contains("Written later"))
            .map(|_| ())
    });
    assert_eq!(s.proc.interrupt().code(), Some(0));
    assert!(out.join("index.html").is_file(), "--output is kept");

    // Without --output: a temporary folder, removed on exit.
    let mut s = Serve::start(&root, &[]);
    let tmp = std::env::temp_dir().join(format!("dealbook-serve-{}", s.proc.id()));
    assert!(tmp.join("index.html").is_file());
    assert_eq!(s.proc.interrupt().code(), Some(0));
    assert!(!tmp.exists());
}
