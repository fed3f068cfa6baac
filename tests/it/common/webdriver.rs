//! Headless Chromium over the W3C WebDriver protocol: chromedriver, spoken
//! to with plain JSON over HTTP (`ureq`, no TLS, no WebDriver crate).
//!
//! [`tools`] finds the browser and the driver on `PATH`
//! (`DEALBOOK_CHROMIUM` and `DEALBOOK_CHROMEDRIVER` override the search).
//! When they are missing, a test is skipped and says so on the terminal,
//! unless `DEALBOOK_REQUIRE_BROWSER=1` (set by `.ci/run`) makes it fail.

use super::free_port;
use super::process::stop;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key of a web element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// The program named by the variable `env`, else the first of `names` on
/// `PATH`.
fn find(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The browser and driver, or `None` when the test is to be skipped: they
/// are missing (and `DEALBOOK_REQUIRE_BROWSER` is not `1`), or
/// `DEALBOOK_SKIP_BROWSER=1` asks to skip. A skip is written to the real
/// stderr, which the test harness does not capture, so it shows even when
/// the test passes. Panics when they are missing and required.
pub fn tools() -> Option<Tools> {
    let test = std::thread::current()
        .name()
        .unwrap_or("browser test")
        .to_string();
    if std::env::var("DEALBOOK_SKIP_BROWSER").as_deref() == Ok("1") {
        super::say(&format!(
            "skipped {test}: DEALBOOK_SKIP_BROWSER=1 skips the browser tests"
        ));
        return None;
    }
    let chromium = find(
        "DEALBOOK_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = find("DEALBOOK_CHROMEDRIVER", &["chromedriver"]);
    let (chromium, chromedriver) = match (chromium, chromedriver) {
        (Some(c), Some(d)) => (c, d),
        (c, d) => {
            let missing = [("chromium", c.is_none()), ("chromedriver", d.is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(" and ");
            let how = "install them with `apt-get install chromium chromium-driver` \
                       (or point DEALBOOK_CHROMIUM and DEALBOOK_CHROMEDRIVER at them)";
            if std::env::var("DEALBOOK_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("DEALBOOK_REQUIRE_BROWSER=1 but no {missing} on PATH: {how}");
            }
            super::say(&format!(
                "skipped {test}: no {missing} on PATH; {how} to run the browser tests"
            ));
            return None;
        }
    };
    Some(Tools {
        chromium,
        chromedriver,
    })
}

/// A running chromedriver on a free port; stopped when dropped.
pub struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
    chromium: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

impl Driver {
    /// Starts chromedriver and waits (20 s at most) until it is ready.
    pub fn start(t: &Tools) -> Driver {
        let port = free_port();
        let child = Command::new(&t.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", t.chromedriver.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let d = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
            chromium: t.chromium.clone(),
        };
        let started = Instant::now();
        loop {
            let ready = d
                .agent
                .get(format!("{}/status", d.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == json!(true));
            if ready {
                return d;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One WebDriver command; panics unless it succeeds, and returns the
    /// answer's `value`.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
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

    /// A new browser session, at `width`×900, with JavaScript on or off;
    /// console messages are kept (`goog:loggingPrefs`).
    pub fn session(&self, js: bool, width: u32) -> Session<'_> {
        let mut opts = json!({
            "binary": self.chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage",
                format!("--window-size={width},900"),
            ],
        });
        if width < 500 {
            // Desktop windows do not get narrower than 500px; emulate a
            // phone's screen instead.
            opts["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": 800, "pixelRatio": 2, "touch": true }
            });
        }
        if !js {
            opts["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let v = self.call(
            "POST",
            "/session",
            Some(json!({ "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": opts,
                "goog:loggingPrefs": { "browser": "ALL" },
            }}})),
        );
        Session {
            d: self,
            id: v["sessionId"].as_str().expect("session id").to_string(),
        }
    }
}

/// A browser session; deleted when dropped (quietly) or with
/// [`Session::quit`] (which checks that it worked).
pub struct Session<'d> {
    d: &'d Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if self.id.is_empty() {
            return;
        }
        let _ = self
            .d
            .agent
            .delete(format!("{}/session/{}", self.d.base, self.id))
            .call();
    }
}

impl Session<'_> {
    /// A command on this session (`path` after `/session/{id}`).
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.d
            .call(method, &format!("/session/{}{path}", self.id), body)
    }

    /// Deletes the session (closes the browser), panicking if that fails.
    pub fn quit(mut self) {
        self.call("DELETE", "", None);
        self.id.clear();
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs a script (its `return` value comes back).
    pub fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Browser console messages since the last call.
    pub fn logs(&self) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({ "type": "browser" })))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Console errors (level SEVERE) since the last call.
    pub fn errors(&self) -> Vec<String> {
        self.logs()
            .into_iter()
            .filter(|l| l["level"] == json!("SEVERE"))
            .map(|l| l["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub fn element(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v[ELEMENT].as_str().expect("element id").to_string()
    }

    /// A real click (pointer events), as a person would.
    pub fn click(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    /// Real key strokes into an element.
    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.element(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Key strokes to whatever has the focus (W3C actions): text, or
    /// WebDriver key codes such as `\u{E004}` (Tab), `\u{E007}` (Enter),
    /// `\u{E015}` (arrow down).
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                let v = c.to_string();
                [
                    json!({ "type": "keyDown", "value": v }),
                    json!({ "type": "keyUp", "value": v }),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
    }

    /// Emulates CSS media features, e.g. `[("prefers-color-scheme",
    /// "dark")]`, and the media type (`print`, or `""` for screen), over
    /// the DevTools protocol.
    pub fn emulate_media(&self, media: &str, features: &[(&str, &str)]) {
        let features: Vec<Value> = features
            .iter()
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect();
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "media": media, "features": features } })),
        );
    }

    /// The current URL.
    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn clear(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &format!("/element/{e}/clear"), Some(json!({})));
    }

    /// The trimmed text of the first element matching `css`; panics if
    /// there is none.
    pub fn text(&self, css: &str) -> String {
        let sel = serde_json::to_string(css).unwrap();
        self.js(&format!(
            "var e = document.querySelector({sel}); return e ? e.textContent.trim() : null;"
        ))
        .as_str()
        .unwrap_or_else(|| panic!("no element {css}"))
        .to_string()
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        let sel = serde_json::to_string(css).unwrap();
        self.js(&format!("return document.querySelectorAll({sel}).length;"))
            .as_u64()
            .unwrap() as usize
    }

    /// Rows of a table's body that are not hidden.
    pub fn visible_rows(&self, table: &str) -> usize {
        let sel = serde_json::to_string(&format!("{table} tbody tr")).unwrap();
        self.js(&format!(
            "return Array.prototype.filter.call(document.querySelectorAll({sel}), function (r) {{ return !r.hidden && r.offsetParent !== null; }}).length;"
        ))
        .as_u64()
        .unwrap() as usize
    }
}
