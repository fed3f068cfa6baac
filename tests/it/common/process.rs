//! A running `dealbook` (`watch`, `serve`) whose stderr is collected line
//! by line, stopped with Ctrl-C (so that it cleans up) and killed only if
//! that does not work.

use super::{BIN, wait_for};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Sends SIGINT (Ctrl-C) to `child`.
fn ctrl_c(child: &Child) -> std::io::Result<ExitStatus> {
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
}

/// Stops `child` if it still runs: Ctrl-C first, so that it cleans up
/// (serve's temporary folder), then, after 5 s, a kill.
pub fn stop(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = ctrl_c(child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A running `dealbook` process whose stderr is collected line by line;
/// stopped (see [`stop`]) when dropped.
pub struct Proc {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Proc {
    /// Starts `dealbook <args>` with `NO_COLOR=1`, no stdin, stdout dropped.
    pub fn start(args: &[&str]) -> Proc {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        Proc::spawn(cmd)
    }

    /// Starts `cmd` (which runs `dealbook` in the end, e.g. through `sh`
    /// with limits set) the same way.
    pub fn spawn(mut cmd: Command) -> Proc {
        let mut child = cmd
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let err = child.stderr.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines() {
                let Ok(l) = l else { break };
                sink.lock().unwrap().push(l);
            }
        });
        Proc { child, lines }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Every stderr line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// The first stderr line matching `pred`, waiting for it (see
    /// [`wait_for`]).
    pub fn wait_line(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        wait_for(what, || self.lines().into_iter().find(|l| pred(l)))
    }

    /// Ctrl-C, and the exit status once it has exited.
    pub fn interrupt(&mut self) -> ExitStatus {
        self.signal("INT")
    }

    /// Sends the signal `name` (`INT`, `TERM`, ...), and the exit status
    /// once it has exited.
    pub fn signal(&mut self, name: &str) -> ExitStatus {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        wait_for("the process to exit", || self.child.try_wait().unwrap())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// `dealbook serve` on a free port, its first build done.
pub struct Serve {
    pub proc: Proc,
    pub port: u16,
}

impl Serve {
    /// `dealbook serve <dir> --port 0 <extra>`; waits for the serving line
    /// (the port is read from it) and for the first build.
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut args = vec!["serve", dir.to_str().unwrap(), "--port", "0"];
        args.extend_from_slice(extra);
        let proc = Proc::start(&args);
        let line = proc.wait_line("the serving line", |l| l.starts_with("serving "));
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        proc.wait_line("the first build", |l| {
            l.contains("built ") || l.contains("first build")
        });
        Serve { proc, port }
    }
}
