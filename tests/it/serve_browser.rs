//! Live reload and the overlay in a real browser: headless Chromium over
//! WebDriver (chromedriver, spoken to with `ureq` by the client in
//! tests/it/common/webdriver.rs, which browser.rs uses too), with the
//! site opened through a small reverse proxy under a sub-path
//! (`/team/sales/` → `/`), so the script must find its event stream
//! relative to itself. No console errors allowed (a Content-Security-Policy
//! violation would be one).
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! is skipped, saying so on the terminal, unless `DEALBOOK_REQUIRE_BROWSER=1`
//! (set by `.ci/run`) makes it fail.

use crate::common;

use common::process::Serve;
use common::webdriver::{Driver, tools};
use common::{example_copy, set_name, wait_for};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

const PREFIX: &str = "/team/sales";

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

#[test]
fn live_reload_and_overlay_in_a_browser_under_a_sub_path() {
    let Some(t) = tools() else {
        return;
    };
    let (_dir, root) = example_copy();
    let serve = Serve::start(&root, &[]);
    let via = proxy(serve.port);

    let driver = Driver::start(&t);
    let s = driver.session(true, 1440);
    let url = format!("http://127.0.0.1:{via}{PREFIX}/deals/anke-erp-2027.html");
    s.goto(&url);
    assert!(
        s.js("return document.title;")
            .as_str()
            .unwrap()
            .contains("ERP with device history records")
    );
    // The stream is open once the server counts a client; mark the page
    // so that a reload shows.
    s.js("window.__mark = 1;");
    let deal = root.join("deals/open/anke-erp-2027.toml");
    let good = std::fs::read_to_string(&deal).unwrap();

    // A save: the page reloads by itself and shows the new name.
    std::fs::write(&deal, set_name(&good, "Seen in the browser")).unwrap();
    wait_for("the page to reload with the new name", || {
        let v = s.js("return [window.__mark === undefined, document.title];");
        (v[0] == json!(true) && v[1].as_str().unwrap_or("").contains("Seen in the browser"))
            .then_some(())
    });

    // A broken save: the overlay appears without a reload, naming file:line.
    s.js("window.__mark = 2;");
    let broken =
        set_name(&good, "Seen in the browser").replace("amount = 620_000", "amount = \"x\"");
    std::fs::write(&deal, &broken).unwrap();
    let overlay = wait_for("the overlay", || {
        let v = s.js(
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
        s.js("return getComputedStyle(document.getElementById('dealbook-overlay')).position;")
            == json!("fixed"),
        "the overlay's stylesheet applies"
    );

    // Fixed: reloaded, no overlay.
    std::fs::write(&deal, &good).unwrap();
    wait_for("the overlay to go", || {
        let v = s.js(
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

    let severe = s.errors();
    assert!(severe.is_empty(), "console errors: {severe:?}");
    s.quit();
    drop(serve);
}
