//! Save-to-reload latency of `dealbook serve`: starts the server on a free
//! port, listens on its event stream, edits one deal file N times the way
//! editors save (temporary file renamed over the deal) and measures from
//! the rename to the `reload` event, then prints every latency and the
//! median.
//!
//! ```text
//! cargo run --release --example serve_bench -- --bin target/release/dealbook DIR
//! ```
//!
//! `--edit amount` (default) changes the deal's amount, which moves the
//! forecast and every total; `--edit name` only renames it. `--pause MS`
//! (default 1000) is the time between a reload event and the next save.
//! The deal file is restored at the end. See `bench/serve.sh`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Args {
    bin: PathBuf,
    dir: PathBuf,
    edits: usize,
    edit: String,
    timings: bool,
    pause: u64,
}

fn args() -> Args {
    let mut a = Args {
        bin: PathBuf::from("target/release/dealbook"),
        dir: PathBuf::new(),
        edits: 20,
        edit: "amount".into(),
        timings: false,
        pause: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--bin" => a.bin = it.next().expect("--bin PATH").into(),
            "--edits" => a.edits = it.next().and_then(|n| n.parse().ok()).expect("--edits N"),
            "--edit" => a.edit = it.next().expect("--edit amount|name"),
            "--timings" => a.timings = true,
            "--pause" => a.pause = it.next().and_then(|n| n.parse().ok()).expect("--pause MS"),
            _ => a.dir = x.into(),
        }
    }
    assert!(
        a.dir.is_dir(),
        "usage: serve_bench [--bin PATH] [--edits N] [--edit amount|name] DIR"
    );
    a
}

fn first_deal(dir: &Path) -> PathBuf {
    let mut stack = vec![dir.join("deals")];
    let mut best: Option<PathBuf> = None;
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml")
                && best.as_ref().is_none_or(|b| p < *b)
            {
                best = Some(p);
            }
        }
    }
    best.expect("a deal file")
}

fn edited(original: &str, edit: &str, i: usize) -> String {
    let mut out = String::new();
    for l in original.lines() {
        if edit == "amount" && l.starts_with("amount = ") {
            let n: String = l["amount = ".len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '_')
                .filter(|c| *c != '_')
                .collect();
            let n: u64 = n.parse().unwrap_or(1000);
            out.push_str(&format!("amount = {}\n", n + 1 + i as u64));
        } else if edit == "name" && l.starts_with("name = ") {
            out.push_str(&format!("name = \"Benchmark edit {i}\"\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

fn main() {
    let a = args();
    let deal = first_deal(&a.dir);
    let original = std::fs::read_to_string(&deal).unwrap();
    let mut cmd = Command::new(&a.bin);
    cmd.args(["serve", a.dir.to_str().unwrap(), "--port", "0"]);
    if a.timings {
        cmd.arg("--timings");
    }
    let mut child = cmd
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dealbook serve");
    let (line_tx, line_rx) = mpsc::channel::<String>();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines() {
            let Ok(l) = l else { break };
            let _ = line_tx.send(l);
        }
    });
    let started = Instant::now();
    let mut port = 0u16;
    loop {
        let l = line_rx
            .recv_timeout(Duration::from_secs(600))
            .expect("server output");
        if let Some(rest) = l.split("http://127.0.0.1:").nth(1) {
            port = rest.split('/').next().unwrap().parse().unwrap();
        }
        if l.contains("built ") {
            eprintln!("{l}");
            break;
        }
        if l.contains("first build") || l.starts_with("error") {
            panic!("first build failed: {l}");
        }
    }
    let first_build = started.elapsed();
    let echo = std::thread::spawn(move || {
        let mut kept = Vec::new();
        while let Ok(l) = line_rx.recv() {
            kept.push(l);
        }
        kept
    });

    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /__dealbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let (ev_tx, ev_rx) = mpsc::channel::<(Instant, String, String)>();
    let reader = s.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut r = BufReader::new(reader);
        let (mut name, mut line) = (String::new(), String::new());
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let l = line.trim_end();
            if let Some(v) = l.strip_prefix("event: ") {
                name = v.to_string();
            } else if let Some(v) = l.strip_prefix("data: ") {
                let _ = ev_tx.send((Instant::now(), std::mem::take(&mut name), v.to_string()));
            }
        }
    });
    // The status event on connecting.
    ev_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("status event");

    let mut lat = Vec::new();
    for i in 0..a.edits {
        let text = edited(&original, &a.edit, i);
        let tmp = deal.with_file_name(".serve-bench.tmp");
        std::fs::write(&tmp, &text).unwrap();
        std::fs::rename(&tmp, &deal).unwrap();
        let t0 = Instant::now();
        let (t, name, data) = ev_rx
            .recv_timeout(Duration::from_secs(600))
            .expect("an event after the edit");
        assert_eq!(name, "reload", "unexpected event {name}: {data}");
        let ms = t.duration_since(t0).as_secs_f64() * 1000.0;
        eprintln!("edit {:>2}: {ms:8.1} ms", i + 1);
        lat.push(ms);
        // The next save comes a while after the page reloaded, as a person
        // would make it.
        std::thread::sleep(Duration::from_millis(a.pause));
    }
    std::fs::write(&deal, &original).unwrap();
    // Wait for the restoring rebuild, so the folder is left as found.
    let _ = ev_rx.recv_timeout(Duration::from_secs(600));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let lines = echo.join().unwrap_or_default();
    if a.timings {
        for l in lines.iter().rev().take(40).rev() {
            eprintln!("{l}");
        }
    }
    lat.sort_by(|x, y| x.total_cmp(y));
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "edits {}  median {:.1} ms  p90 {:.1} ms  min {:.1} ms  max {:.1} ms  (first build {:.2} s, exit {})",
        lat.len(),
        pct(0.5),
        pct(0.9),
        lat[0],
        lat[lat.len() - 1],
        first_build.as_secs_f64(),
        status.code().unwrap_or(-1)
    );
}
