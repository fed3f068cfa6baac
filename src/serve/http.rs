//! Just enough HTTP/1.1 for a local preview server: read a request head
//! (parsed by `httparse`) within a deadline for the whole head, write a
//! response with a known length, keep the connection alive between
//! requests, and hand a connection over for an event stream. Only `GET`
//! and `HEAD`; request bodies are not read (a request that announces one
//! gets its answer and the connection closed). Lines may end in CRLF or a
//! bare LF.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

/// Largest request head accepted.
pub const MAX_HEAD: usize = 16 * 1024;

/// A parsed request head.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target as sent (`/deals/a.html?x=1`).
    pub target: String,
    /// Whether the client wants the connection kept open.
    pub keep_alive: bool,
    /// Whether the request announced a body.
    pub has_body: bool,
    /// HTTP/1.x minor version (0 or 1).
    pub version: u8,
    /// The `Host` header, if any.
    pub host: Option<String>,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The connection closed (or timed out) before a request started.
    Closed,
    /// The head did not arrive completely before the deadline: answer 408
    /// and close.
    TooSlow,
    /// The head is malformed or too large: answer 400 and close.
    Bad(String),
    /// Reading failed mid-request.
    Io(io::Error),
}

/// Reads one request head from `stream`. `buf` holds bytes already read
/// (a pipelined request) and keeps what follows the head. The first byte
/// must come by `first_byte` and the whole head by `whole` (a read
/// timeout alone would let a client that sends a byte at a time hold the
/// connection for hours).
pub fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    first_byte: Instant,
    whole: Instant,
) -> Result<Request, ReadError> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find_head_end(buf) {
            let head: Vec<u8> = buf.drain(..end).collect();
            return parse(&head);
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad("request head too large".into()));
        }
        let started = buf.iter().any(|b| !b.is_ascii_whitespace());
        let deadline = if started {
            whole
        } else {
            first_byte.min(whole)
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(if started {
                ReadError::TooSlow
            } else {
                ReadError::Closed
            });
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut chunk) {
            Ok(0) => {
                return if buf.iter().all(|b| b.is_ascii_whitespace()) {
                    Err(ReadError::Closed)
                } else {
                    Err(ReadError::Bad("connection closed mid-request".into()))
                };
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            // A timeout: the deadline is checked at the top of the loop.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if buf.is_empty() && e.kind() == io::ErrorKind::ConnectionReset => {
                return Err(ReadError::Closed);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}

/// The end of a complete head in `buf`: an empty line, ended by CRLF or
/// a bare LF (RFC 9112 lets a server accept both), after any blank lines
/// that precede the request line.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    let mut i = start;
    while let Some(at) = buf[i..].iter().position(|b| *b == b'\n') {
        let nl = i + at;
        match buf.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if buf.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            Some(b'\r') if nl + 2 == buf.len() => return None,
            None => return None,
            _ => i = nl + 1,
        }
    }
    None
}

fn parse(head: &[u8]) -> Result<Request, ReadError> {
    // Tolerate blank lines before a request (RFC 9112, 2.2).
    let start = head
        .iter()
        .position(|b| *b != b'\r' && *b != b'\n')
        .unwrap_or(head.len());
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(&head[start..]) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(ReadError::Bad("incomplete head".into())),
        Err(e) => return Err(ReadError::Bad(e.to_string())),
    }
    let method = req.method.unwrap_or("").to_string();
    let target = req.path.unwrap_or("").to_string();
    let version = req.version.unwrap_or(0);
    let mut keep_alive = version == 1;
    let mut has_body = false;
    let (mut host, mut origin) = (None, None);
    for h in req.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        let value = String::from_utf8_lossy(h.value).to_ascii_lowercase();
        match name.as_str() {
            "host" if host.is_some() => {
                return Err(ReadError::Bad("more than one Host header".into()));
            }
            "host" => host = Some(value.trim().to_string()),
            "origin" => origin = Some(value.trim().to_string()),
            "connection" => {
                if value.split(',').any(|t| t.trim() == "close") {
                    keep_alive = false;
                } else if value.split(',').any(|t| t.trim() == "keep-alive") {
                    keep_alive = true;
                }
            }
            "content-length" => has_body |= value.trim() != "0",
            "transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    Ok(Request {
        method,
        target,
        keep_alive,
        has_body,
        version,
        host,
        origin,
    })
}

/// A complete response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Extra headers (besides length, connection and the fixed ones).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a body and a content type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, body: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// The reason phrase of the status codes used here.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `r` (without the body for `HEAD`).
pub fn write_response(
    stream: &mut TcpStream,
    r: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    head.push_str("Cache-Control: no-store\r\n");
    head.push_str("X-Content-Type-Options: nosniff\r\n");
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    if head_only || r.body.is_empty() {
        stream.write_all(head.as_bytes())?;
    } else {
        // One write for small responses (fewer packets), two otherwise.
        if r.body.len() < 16 * 1024 {
            let mut all = head.into_bytes();
            all.extend_from_slice(&r.body);
            stream.write_all(&all)?;
        } else {
            stream.write_all(head.as_bytes())?;
            stream.write_all(&r.body)?;
        }
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads() {
        let r = parse(b"GET /a/b.html?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, "/a/b.html?x=1");
        assert!(r.keep_alive);
        let r = parse(b"\r\nGET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!r.keep_alive);
        let r = parse(b"GET / HTTP/1.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\n").unwrap();
        assert!(!r.keep_alive && r.has_body);
        assert!(matches!(
            parse(b"GET /\0 HTTP/1.1\r\n\r\n"),
            Err(ReadError::Bad(_))
        ));
        let r = parse(b"GET / HTTP/1.1\nHost: LocalHost:8000\nOrigin: http://a.b\n\n").unwrap();
        assert_eq!(r.host.as_deref(), Some("localhost:8000"));
        assert_eq!(r.origin.as_deref(), Some("http://a.b"));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Err(ReadError::Bad(_))
        ));
    }

    #[test]
    fn heads_end_at_an_empty_line_with_or_without_cr() {
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"),
            Some(27)
        );
        assert_eq!(find_head_end(b"GET / HTTP/1.1\nHost: x\n\nrest"), Some(24));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: x\n\n"), Some(25));
        assert_eq!(find_head_end(b"\r\n\r\nGET / HTTP/1.1\n\n"), Some(20));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r"), None);
        assert_eq!(find_head_end(b"\r\n"), None);
    }
}
