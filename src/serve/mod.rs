//! `dealbook serve`: a local HTTP server for the output folder, with live
//! reload and an error overlay. Serve = watch + a reload callback: the
//! watch loop ([`crate::watch`]) builds, and after every build the
//! command publishes the outcome to the [`live::Hub`], which the server's
//! event streams forward to the open pages.
//!
//! The server is a small HTTP/1.1 server on `std::net` (request heads
//! parsed by `httparse`): one thread per connection (at most
//! [`MAX_CONNECTIONS`] page requests and, counted apart, [`MAX_STREAMS`]
//! event streams; more get a 503), a deadline for each whole request head,
//! keep-alive with an idle timeout, `GET` and `HEAD` only, every response
//! with a length except the event stream, which is written as it happens
//! (`Connection: close`); an event stream notices within a quarter of a
//! second that its client went, and frees its slot. Requests must name
//! the server in `Host` (and event streams in `Origin`, if they send one):
//! a loopback name, an IP address, the `--bind` name or an `--allow-host`
//! ([`Hosts`]), so that a web page on another site cannot read the preview
//! through DNS rebinding. A good
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
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Most connections served at once, besides event streams.
pub const MAX_CONNECTIONS: usize = 512;

/// Most event streams (open pages) at once.
pub const MAX_STREAMS: usize = 128;

/// How long a request head may take to arrive, whole, from the moment
/// the server waits for it.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an idle keep-alive connection is kept.
const IDLE: Duration = Duration::from_secs(5);

/// How often an event stream checks that its client is still there.
const PEER_CHECK: Duration = Duration::from_millis(250);

/// How long one write may block before the client is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Interval of the keep-alive comments on event streams (they also find
/// clients that went away).
const PING: Duration = Duration::from_secs(15);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// The address does not resolve.
    #[error("cannot resolve the address {0}")]
    Address(String),
    /// The port is taken; a free one nearby, if any.
    #[error(
        "cannot serve on {addr}: the port {} is already in use (another dealbook serve?); {}",
        addr.port(),
        match suggestion {
            Some(p) => format!("try --port {p}"),
            None => "try another --port".to_string(),
        }
    )]
    InUse {
        /// What was asked for.
        addr: SocketAddr,
        /// A port that was free a moment ago.
        suggestion: Option<u16>,
    },
    /// Another error (permission denied, ...).
    #[error("cannot serve on {0}: {1}")]
    Io(SocketAddr, #[source] io::Error),
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

/// The host names a request may name in `Host` (and an event stream in
/// `Origin`): loopback names (`localhost`, `*.localhost`), any IP address
/// (a page can only send those when it was loaded from that address, so
/// they cannot be rebound), and the names added with [`Hosts::allow`]
/// (`--bind` when it is a name, `--allow-host`).
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// Also accepts `name` (case-insensitive, without a port).
    pub fn allow(&mut self, name: &str) {
        let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
        if !n.is_empty() && !self.names.contains(&n) {
            self.names.push(n);
        }
    }

    /// The host part of a `Host` value (`a.b:8000` → `a.b`, `[::1]:80` →
    /// `[::1]`), lowercased, without a trailing dot.
    fn host_part(value: &str) -> &str {
        let v = value.trim();
        let host = if v.starts_with('[') {
            v.split_inclusive(']').next().unwrap_or(v)
        } else {
            match v.rsplit_once(':') {
                Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
                _ => v,
            }
        };
        host.trim_end_matches('.')
    }

    /// Whether a `Host` header value names this server.
    pub fn accepts(&self, host_header: &str) -> bool {
        let host = Hosts::host_part(host_header).to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        let ip = host.trim_start_matches('[').trim_end_matches(']');
        if host.starts_with('[') == host.ends_with(']')
            && (host.starts_with('[') || !ip.contains(':'))
            && ip.parse::<std::net::IpAddr>().is_ok()
        {
            return true;
        }
        self.names.contains(&host)
    }

    /// Whether an `Origin` header value (`http://host:port`) names this
    /// server (`null` and other schemes do not).
    pub fn accepts_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|h| !h.contains('/') && self.accepts(h))
    }
}

/// The connection slots in use: page requests and event streams apart.
#[derive(Default)]
struct Slots {
    pages: AtomicUsize,
    streams: AtomicUsize,
}

/// One slot taken from a counter, given back when dropped (also when the
/// connection's thread panics).
struct Slot(Arc<Slots>, fn(&Slots) -> &AtomicUsize);

impl Slot {
    fn take(slots: &Arc<Slots>, which: fn(&Slots) -> &AtomicUsize, max: usize) -> Option<Slot> {
        let counter = which(slots);
        if counter.fetch_add(1, Ordering::SeqCst) >= max {
            counter.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(slots.clone(), which))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        (self.1)(&self.0).fetch_sub(1, Ordering::SeqCst);
    }
}

/// The server: the folder it serves and the hub it injects from.
pub struct Server {
    listener: TcpListener,
    /// Canonical output folder.
    root: PathBuf,
    hub: Arc<Hub>,
    hosts: Hosts,
    slots: Arc<Slots>,
}

impl Server {
    /// A server for `root` (the output folder; created if missing),
    /// accepting the host names of [`Hosts`] by default.
    pub fn new(listener: TcpListener, root: PathBuf, hub: Arc<Hub>) -> io::Result<Server> {
        std::fs::create_dir_all(&root)?;
        let root = root.canonicalize()?;
        Ok(Server {
            listener,
            root,
            hub,
            hosts: Hosts::default(),
            slots: Arc::new(Slots::default()),
        })
    }

    /// Also accepts requests naming `name` in `Host` (`--allow-host`, or
    /// the `--bind` name).
    pub fn allow_host(&mut self, name: &str) {
        self.hosts.allow(name);
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
            hosts: self.hosts,
            slots: self.slots,
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
            let accepted = Instant::now();
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let Some(slot) = Slot::take(&shared.slots, |s| &s.pages, MAX_CONNECTIONS) else {
                let r = Response::text(503, "too many connections\n");
                let _ = http::write_response(&mut stream, &r, false, false);
                continue;
            };
            let shared = shared.clone();
            // Without a thread, the closure (and the slot) is dropped.
            let _ = std::thread::Builder::new()
                .name("dealbook-conn".into())
                .spawn(move || shared.connection(stream, slot, accepted));
        }
    }
}

struct Shared {
    root: PathBuf,
    hub: Arc<Hub>,
    hosts: Hosts,
    slots: Arc<Slots>,
}

impl Shared {
    /// Serves the requests of one connection; `slot` is its page slot.
    fn connection(&self, mut stream: TcpStream, slot: Slot, accepted: Instant) {
        let mut buf = Vec::new();
        let mut waiting_since = accepted;
        let mut first = true;
        loop {
            let idle = if first { HEAD_TIMEOUT } else { IDLE };
            first = false;
            let req = match http::read_request(
                &mut stream,
                &mut buf,
                waiting_since + idle,
                waiting_since + HEAD_TIMEOUT,
            ) {
                Ok(r) => r,
                Err(ReadError::Closed) | Err(ReadError::Io(_)) => return,
                Err(ReadError::TooSlow) => {
                    let r = Response::text(408, "the request head took too long\n");
                    let _ = http::write_response(&mut stream, &r, false, false);
                    return;
                }
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
            if let Some(refused) = self.refuse_host(&req) {
                let _ = http::write_response(&mut stream, &refused, head_only, false);
                return;
            }
            let response = match files::parse(&req.target) {
                files::Request::Reserved(name) if name == "events" => {
                    if let Some(refused) = self.refuse_origin(&req) {
                        let _ = http::write_response(&mut stream, &refused, head_only, false);
                        return;
                    }
                    let Some(stream_slot) = Slot::take(&self.slots, |s| &s.streams, MAX_STREAMS)
                    else {
                        let r = Response::text(503, "too many live-reload streams\n");
                        let _ = http::write_response(&mut stream, &r, head_only, false);
                        return;
                    };
                    // The page slot is free for others from now on.
                    drop(slot);
                    self.events(stream, head_only);
                    drop(stream_slot);
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
            waiting_since = Instant::now();
        }
    }

    /// A 400 for an HTTP/1.1 request without `Host`, a 403 for one whose
    /// `Host` does not name this server (DNS rebinding).
    fn refuse_host(&self, req: &http::Request) -> Option<Response> {
        match &req.host {
            None if req.version >= 1 => Some(Response::text(
                400,
                "bad request: an HTTP/1.1 request needs a Host header\n",
            )),
            None => None,
            Some(h) if self.hosts.accepts(h) => None,
            Some(h) => Some(Response::text(
                403,
                &format!(
                    "forbidden: this preview server does not answer to the host name {:?}; start `dealbook serve` with --allow-host {} to allow it\n",
                    Hosts::host_part(h),
                    Hosts::host_part(h)
                ),
            )),
        }
    }

    /// A 403 for an event stream requested from a page of another site.
    fn refuse_origin(&self, req: &http::Request) -> Option<Response> {
        let origin = req.origin.as_deref()?;
        (!self.hosts.accepts_origin(origin)).then(|| {
            Response::text(
                403,
                "forbidden: the live-reload stream is only for the preview's own pages\n",
            )
        })
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

    /// An event stream: runs until the client goes away (`HEAD`: the head
    /// only).
    fn events(&self, mut stream: TcpStream, head_only: bool) {
        let head = "HTTP/1.1 200 OK\r\n\
            Content-Type: text/event-stream; charset=utf-8\r\n\
            Cache-Control: no-store\r\n\
            X-Content-Type-Options: nosniff\r\n\
            X-Accel-Buffering: no\r\n\
            Connection: close\r\n\r\n";
        let send = |stream: &mut TcpStream, s: &str| -> io::Result<()> {
            stream.write_all(s.as_bytes())?;
            stream.flush()
        };
        if head_only {
            let _ = send(&mut stream, head);
            return;
        }
        let (first, rx) = self.hub.subscribe();
        if send(&mut stream, head).is_err()
            || send(&mut stream, "retry: 1000\n\n").is_err()
            || send(&mut stream, &first).is_err()
        {
            return;
        }
        // Reads only to notice that the client went (end of stream);
        // anything it sends is dropped.
        let _ = stream.set_read_timeout(Some(Duration::from_millis(1)));
        let mut last_sent = Instant::now();
        loop {
            let msg = match rx.recv_timeout(PEER_CHECK) {
                Ok(m) => Some(m),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            };
            if !peer_is_there(&mut stream) {
                return;
            }
            let msg = match msg {
                Some(m) => m,
                None if last_sent.elapsed() >= PING => Arc::from(": ping\n\n"),
                None => continue,
            };
            if send(&mut stream, &msg).is_err() {
                return;
            }
            last_sent = Instant::now();
        }
    }
}

/// Whether the client of an event stream is still connected: a read that
/// finds the end of the stream (or an error) says it went; one that times
/// out says it is there.
fn peer_is_there(stream: &mut TcpStream) -> bool {
    let mut sink = [0u8; 512];
    for _ in 0..64 {
        match stream.read(&mut sink) {
            Ok(0) => return false,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return true;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
    // Still sending: certainly there.
    true
}
