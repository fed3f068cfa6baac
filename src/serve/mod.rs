//! `dealbook serve`: a local HTTP server for the output folder, with live
//! reload and an error overlay. Serve = watch + a reload callback: the
//! watch loop ([`crate::watch`]) builds, and after every build the
//! command publishes the outcome to the [`live::Hub`], which the server's
//! event streams forward to the open pages.
//!
//! The server is a small HTTP/1.1 server on `std::net` (request heads
//! parsed by `httparse`): one thread per connection (at most
//! [`MAX_CONNECTIONS`]; more get a 503), keep-alive with an idle timeout,
//! `GET` and `HEAD` only, every response with a length except the event
//! stream, which is written as it happens (`Connection: close`). A good
//! build that is not completely on disk yet is served from memory (its
//! pages rendered on request, [`live::LivePages`]); otherwise only files
//! under the output folder are served ([`files`]). Request targets are
//! checked the same way for both. HTML pages get the live-reload script
//! injected ([`live`]); the server's own endpoints live under
//! `/__dealbook/`: `live.js`, `live.css`, `events` (the event stream) and
//! `status` (the same JSON, once).

pub mod files;
pub mod http;
pub mod live;

use http::{ReadError, Response};
use live::Hub;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Most connections served at once.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a connection may take to send its first request head.
const FIRST_REQUEST: Duration = Duration::from_secs(10);

/// How long an idle keep-alive connection is kept.
const IDLE: Duration = Duration::from_secs(5);

/// How long one write may block before the client is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Interval of the keep-alive comments on event streams (they also find
/// clients that went away).
const PING: Duration = Duration::from_secs(15);

/// Why the server could not start.
#[derive(Debug)]
pub enum BindError {
    /// The address does not resolve.
    Address(String),
    /// The port is taken; a free one nearby, if any.
    InUse {
        /// What was asked for.
        addr: SocketAddr,
        /// A port that was free a moment ago.
        suggestion: Option<u16>,
    },
    /// Another error (permission denied, ...).
    Io(SocketAddr, io::Error),
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Address(a) => write!(f, "cannot resolve the address {a}"),
            BindError::InUse { addr, suggestion } => {
                write!(
                    f,
                    "cannot serve on {addr}: the port {} is already in use (another dealbook serve?)",
                    addr.port()
                )?;
                match suggestion {
                    Some(p) => write!(f, "; try --port {p}"),
                    None => write!(f, "; try another --port"),
                }
            }
            BindError::Io(addr, e) => write!(f, "cannot serve on {addr}: {e}"),
        }
    }
}

/// Binds `bind:port` (port 0: any free port).
pub fn bind(bind: &str, port: u16) -> Result<TcpListener, BindError> {
    let addr = (bind, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| BindError::Address(bind.to_string()))?;
    match TcpListener::bind(addr) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            let suggestion = (1..=50u16)
                .filter_map(|d| port.checked_add(d))
                .find(|p| TcpListener::bind(SocketAddr::new(addr.ip(), *p)).is_ok());
            Err(BindError::InUse { addr, suggestion })
        }
        Err(e) => Err(BindError::Io(addr, e)),
    }
}

/// The URL a listener answers on.
pub fn url_of(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("http://{}:{}/", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    }
}

/// The server: the folder it serves and the hub it injects from.
pub struct Server {
    listener: TcpListener,
    /// Canonical output folder.
    root: PathBuf,
    hub: Arc<Hub>,
    active: Arc<AtomicUsize>,
}

impl Server {
    /// A server for `root` (the output folder; created if missing).
    pub fn new(listener: TcpListener, root: PathBuf, hub: Arc<Hub>) -> io::Result<Server> {
        std::fs::create_dir_all(&root)?;
        let root = root.canonicalize()?;
        Ok(Server {
            listener,
            root,
            hub,
            active: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections on a background thread, for the life of the
    /// process.
    pub fn spawn(self) -> io::Result<std::thread::JoinHandle<()>> {
        std::thread::Builder::new()
            .name("dealbook-serve".into())
            .spawn(move || self.accept_loop())
    }

    fn accept_loop(self) {
        let shared = Arc::new(Shared {
            root: self.root,
            hub: self.hub,
        });
        for conn in self.listener.incoming() {
            let mut stream = match conn {
                Ok(s) => s,
                Err(_) => {
                    // Out of file descriptors and the like: back off.
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            };
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let n = self.active.fetch_add(1, Ordering::SeqCst);
            if n >= MAX_CONNECTIONS {
                self.active.fetch_sub(1, Ordering::SeqCst);
                let r = Response::text(503, "too many connections\n");
                let _ = http::write_response(&mut stream, &r, false, false);
                continue;
            }
            let shared = shared.clone();
            let active = self.active.clone();
            let spawned = std::thread::Builder::new()
                .name("dealbook-conn".into())
                .spawn(move || {
                    // Counted down even if the handler panics.
                    struct Done(Arc<AtomicUsize>);
                    impl Drop for Done {
                        fn drop(&mut self) {
                            self.0.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                    let _done = Done(active);
                    shared.connection(stream);
                });
            if spawned.is_err() {
                self.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

struct Shared {
    root: PathBuf,
    hub: Arc<Hub>,
}

impl Shared {
    fn connection(&self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        let mut first = true;
        loop {
            let _ = stream.set_read_timeout(Some(if first { FIRST_REQUEST } else { IDLE }));
            first = false;
            let req = match http::read_request(&mut stream, &mut buf) {
                Ok(r) => r,
                Err(ReadError::Closed) | Err(ReadError::Io(_)) => return,
                Err(ReadError::Bad(why)) => {
                    let r = Response::text(400, &format!("bad request: {why}\n"));
                    let _ = http::write_response(&mut stream, &r, false, false);
                    return;
                }
            };
            let head_only = req.method == "HEAD";
            let keep_alive = req.keep_alive && !req.has_body;
            if req.method != "GET" && !head_only {
                let r = Response::text(405, "only GET and HEAD\n").header("Allow", "GET, HEAD");
                let _ = http::write_response(&mut stream, &r, false, false);
                return;
            }
            let response = match files::parse(&req.target) {
                files::Request::Reserved(name) if name == "events" && !head_only => {
                    self.events(stream);
                    return;
                }
                files::Request::Reserved(name) => self.reserved(&name),
                files::Request::Path { rel, slash } => self.path(&req.target, &rel, slash),
                files::Request::Hidden => self.not_found(&req.target),
                files::Request::Bad(why) => Response::text(400, &format!("bad request: {why}\n")),
            };
            let keep_alive = keep_alive && response.status != 400;
            if http::write_response(&mut stream, &response, head_only, keep_alive).is_err()
                || !keep_alive
            {
                return;
            }
        }
    }

    fn root_of(target: &str) -> String {
        "../".repeat(files::depth(files::path_of(target).unwrap_or("/")))
    }

    /// A path of the site: from the live build if there is one (rendered
    /// on request), else from the output folder.
    fn path(&self, target: &str, rel: &str, slash: bool) -> Response {
        let Some(live) = self.hub.live() else {
            return match files::on_disk(&self.root, rel, slash) {
                files::Target::File(path) => self.file(target, &path),
                files::Target::Redirect(to) => {
                    Response::text(301, "moved\n").header("Location", to)
                }
                _ => self.not_found(target),
            };
        };
        let file = files::Request::file(rel, slash);
        match live.get(&file) {
            Some(Ok(bytes)) => self.bytes(target, std::path::Path::new(&file), &bytes),
            Some(Err(e)) => Response::text(500, &format!("cannot render {file}: {e}\n")),
            None if !slash && !rel.is_empty() && live.has_folder(rel) => {
                Response::text(301, "moved\n").header("Location", files::folder_redirect(rel))
            }
            None => self.not_found(target),
        }
    }

    fn bytes(&self, target: &str, path: &std::path::Path, bytes: &[u8]) -> Response {
        let ct = files::content_type(path);
        if ct.starts_with("text/html") {
            Response::new(200, ct, self.hub.inject(bytes, &Self::root_of(target)))
        } else {
            Response::new(200, ct, bytes.to_vec())
        }
    }

    fn file(&self, target: &str, path: &std::path::Path) -> Response {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            // Deleted between the lookup and the read.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return self.not_found(target),
            Err(e) => return Response::text(500, &format!("cannot read the file: {e}\n")),
        };
        self.bytes(target, path, &bytes)
    }

    fn not_found(&self, target: &str) -> Response {
        let root = Self::root_of(target);
        let page = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\
             <body><h1>Not found</h1><p>No page at this address in the current build.</p>\
             <p><a href=\"{root}index.html\">Dashboard</a></p></body></html>\n"
        );
        let body = self.hub.inject(page.as_bytes(), &root);
        Response::new(404, "text/html; charset=utf-8", body)
    }

    fn reserved(&self, name: &str) -> Response {
        match name {
            "live.js" => Response::new(
                200,
                "text/javascript; charset=utf-8",
                live::SCRIPT.as_bytes().to_vec(),
            ),
            "live.css" => Response::new(
                200,
                "text/css; charset=utf-8",
                live::STYLE.as_bytes().to_vec(),
            ),
            "status" => Response::new(
                200,
                "application/json",
                self.hub.status_json().as_bytes().to_vec(),
            ),
            _ => Response::text(404, "not found\n"),
        }
    }

    /// An event stream: runs until the client goes away.
    fn events(&self, mut stream: TcpStream) {
        let (first, rx) = self.hub.subscribe();
        let head = "HTTP/1.1 200 OK\r\n\
            Content-Type: text/event-stream; charset=utf-8\r\n\
            Cache-Control: no-store\r\n\
            X-Accel-Buffering: no\r\n\
            Connection: close\r\n\r\n\
            retry: 1000\n\n";
        let send = |stream: &mut TcpStream, s: &str| -> io::Result<()> {
            stream.write_all(s.as_bytes())?;
            stream.flush()
        };
        if send(&mut stream, head).is_err() || send(&mut stream, &first).is_err() {
            return;
        }
        // Nothing more is read; a closed socket shows up as a failed write.
        loop {
            let msg = match rx.recv_timeout(PING) {
                Ok(m) => m,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Arc::from(": ping\n\n"),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if send(&mut stream, &msg).is_err() {
                return;
            }
        }
    }
}
