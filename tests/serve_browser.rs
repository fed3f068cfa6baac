//! Live reload and the overlay in a real browser: headless Chromium over
//! WebDriver (chromedriver, spoken to with `ureq`, as in tests/browser.rs),
//! with the site opened through a small reverse proxy under a sub-path
//! (`/team/sales/` → `/`), so the script must find its event stream
//! relative to itself. No console errors allowed (a Content-Security-Policy
//! violation would be one).
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! fails with a message saying so, unless `DEALBOOK_SKIP_BROWSER=1` is set.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);
const PREFIX: &str = "/team/sales";

fn find(env: &str, names: &[&str], extra: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    extra.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(
        "DEALBOOK_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
        &["/usr/lib/chromium/chromium"],
    );
    let driver = find(
        "DEALBOOK_CHROMEDRIVER",
        &["chromedriver"],
        &["/usr/lib/chromium/chromedriver"],
    );
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var("DEALBOOK_SKIP_BROWSER").as_deref() == Ok("1") => None,
        (c, d) => panic!(
            "this test needs Chromium and chromedriver (found {c:?}, {d:?}); \
             `apt-get install chromium chromium-driver`, or DEALBOOK_SKIP_BROWSER=1"
        ),
    }
}

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // Ctrl-C first, so that it cleans up (serve's temporary folder).
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .args(["-INT", &self.0.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A reverse proxy that serves `upstream` under [`PREFIX`]: one request
/// per connection, the path rewritten, the answer streamed back (event
/// streams included).
fn proxy(upstream: u16) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for c in l.incoming() {
            let Ok(mut client) = c else { continue };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut b = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match client.read(&mut b) {
                        Ok(1) => head.push(b[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let mut lines = head.split("\r\n");
                let first = lines.next().unwrap_or("");
                let mut parts = first.splitn(3, ' ');
                let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let Some(rest) = target.strip_prefix(PREFIX) else {
                    let _ = client.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    return;
                };
                let rest = if rest.is_empty() { "/" } else { rest };
                let mut up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                let mut out = format!("{method} {rest} HTTP/1.1\r\n");
                for l in lines.filter(|l| !l.is_empty()) {
                    if !l.to_ascii_lowercase().starts_with("connection:") {
                        out.push_str(l);
                        out.push_str("\r\n");
                    }
                }
                out.push_str("Connection: close\r\n\r\n");
                if up.write_all(out.as_bytes()).is_err() {
                    return;
                }
                let _ = std::io::copy(&mut up, &mut client);
            });
        }
    });
    port
}

struct Driver {
    _child: Killed,
    base: String,
    agent: ureq::Agent,
}

impl Driver {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self.agent.post(&url).send_json(b.unwrap_or(json!({}))),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let v: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {path}: {status}: {v}");
        v["value"].clone()
    }
}

fn set_name(text: &str, name: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("name = ") {
                format!("name = \"{name}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn live_reload_and_overlay_in_a_browser_under_a_sub_path() {
    let Some((chromium, chromedriver)) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-pipeline"),
        &root,
    );
    let mut serve = Command::new(env!("CARGO_BIN_EXE_dealbook"))
        .args(["serve", root.to_str().unwrap(), "--port", "0"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = serve.stderr.take().unwrap();
    let serve = Killed(serve);
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(l);
        }
    });
    let port: u16 = wait_for("the server", || {
        let ls = lines.lock().unwrap();
        let built = ls.iter().any(|l| l.contains("built "));
        ls.iter()
            .find_map(|l| l.split("http://127.0.0.1:").nth(1))
            .and_then(|r| r.split('/').next()?.parse().ok())
            .filter(|_| built)
    });
    let via = proxy(port);

    let dport = free_port();
    let driver = Driver {
        _child: Killed(
            Command::new(&chromedriver)
                .arg(format!("--port={dport}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        ),
        base: format!("http://127.0.0.1:{dport}"),
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into(),
    };
    wait_for("chromedriver", || {
        driver
            .agent
            .get(format!("{}/status", driver.base))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
            .filter(|v| v["value"]["ready"] == json!(true))
    });
    let session = driver.call(
        "POST",
        "/session",
        Some(json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-dev-shm-usage"],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}})),
    );
    let sid = session["sessionId"].as_str().unwrap().to_string();
    let js = |script: &str| -> Value {
        driver.call(
            "POST",
            &format!("/session/{sid}/execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
    };
    let url = format!("http://127.0.0.1:{via}{PREFIX}/deals/anke-erp-2027.html");
    driver.call(
        "POST",
        &format!("/session/{sid}/url"),
        Some(json!({ "url": url })),
    );
    assert!(
        js("return document.title;")
            .as_str()
            .unwrap()
            .contains("ERP with device history records")
    );
    // The stream is open once the server counts a client; mark the page
    // so that a reload shows.
    js("window.__mark = 1;");
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let good = std::fs::read_to_string(&deal).unwrap();

    // A save: the page reloads by itself and shows the new name.
    std::fs::write(&deal, set_name(&good, "Seen in the browser")).unwrap();
    wait_for("the page to reload with the new name", || {
        let v = js("return [window.__mark === undefined, document.title];");
        (v[0] == json!(true) && v[1].as_str().unwrap_or("").contains("Seen in the browser"))
            .then_some(())
    });

    // A broken save: the overlay appears without a reload, naming file:line.
    js("window.__mark = 2;");
    let broken =
        set_name(&good, "Seen in the browser").replace("amount = 620_000", "amount = \"x\"");
    std::fs::write(&deal, &broken).unwrap();
    let overlay = wait_for("the overlay", || {
        let v = js(
            "var o = document.getElementById('dealbook-overlay'); return o ? [window.__mark, o.textContent] : null;",
        );
        (!v.is_null()).then_some(v)
    });
    assert_eq!(overlay[0], json!(2), "no reload for a broken save");
    let text = overlay[1].as_str().unwrap();
    assert!(
        text.contains("deals/open/anke-erp-2027.toml:4:10"),
        "{text}"
    );
    assert!(text.contains("E012"), "{text}");
    assert!(
        js("return getComputedStyle(document.getElementById('dealbook-overlay')).position;")
            == json!("fixed"),
        "the overlay's stylesheet applies"
    );

    // Fixed: reloaded, no overlay.
    std::fs::write(&deal, &good).unwrap();
    wait_for("the overlay to go", || {
        let v = js(
            "return [window.__mark === undefined, !!document.getElementById('dealbook-overlay'), document.title];",
        );
        (v[0] == json!(true)
            && v[1] == json!(false)
            && v[2]
                .as_str()
                .unwrap_or("")
                .contains("ERP with device history records"))
        .then_some(())
    });

    let logs = driver.call(
        "POST",
        &format!("/session/{sid}/se/log"),
        Some(json!({ "type": "browser" })),
    );
    let severe: Vec<&Value> = logs
        .as_array()
        .map(|a| a.iter().filter(|l| l["level"] == json!("SEVERE")).collect())
        .unwrap_or_default();
    assert!(severe.is_empty(), "console errors: {severe:?}");
    let _ = driver.call("DELETE", &format!("/session/{sid}"), None);
    drop(serve);
}
