//! Mapping a request target to a file under the output folder, and
//! content types.
//!
//! The target is percent-decoded exactly once; then it must be valid
//! UTF-8 without NUL, backslashes or control characters, and no segment
//! may be `.` or `..` (so `%2e%2e`, `..%2f` and `%2e%2e%5c` are refused
//! after decoding, and a double-encoded `%252e%252e` stays the harmless
//! literal name `%2e%2e`, which no site has). Segments starting with a dot
//! are not served (the build marker, editors' files). The file found is
//! canonicalised and must still be inside the canonical output folder, so
//! a symbolic link pointing out is not followed.

use std::path::{Path, PathBuf};

/// What a request target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file to send.
    File(PathBuf),
    /// A folder requested without its trailing slash: redirect to this
    /// (relative) location.
    Redirect(String),
    /// The reserved `/__dealbook/<name>` endpoints.
    Reserved(String),
    /// Nothing there.
    NotFound,
    /// A malformed or malicious target.
    Bad(&'static str),
}

/// The prefix of the server's own endpoints (script, events, status).
pub const RESERVED: &str = "__dealbook";

/// Percent-decodes once. `None` for a malformed escape.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = b.get(i + 1).copied().and_then(hex)?;
            let lo = b.get(i + 2).copied().and_then(hex)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The path part of a request target (no query, no fragment), or `None`
/// when it is not an origin-form path.
pub fn path_of(target: &str) -> Option<&str> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    path.starts_with('/').then_some(path)
}

/// How many folders deep the requested page is: `/` and `/a.html` are 0,
/// `/deals/a.html` and `/deals/` are 1. (Counted on the path as the
/// browser sees it, so relative links from the page resolve the same.)
pub fn depth(path: &str) -> usize {
    path.matches('/').count().saturating_sub(1)
}

/// A request target, checked but not yet looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A path in the site: `rel` is `/`-separated without leading slash
    /// (empty for the root); `slash` whether the request ended with `/`.
    Path {
        /// The path relative to the site root.
        rel: String,
        /// The request named a folder (`/deals/`).
        slash: bool,
    },
    /// The reserved `/__dealbook/<name>` endpoints.
    Reserved(String),
    /// A hidden path (a segment starting with a dot).
    Hidden,
    /// A malformed or malicious target.
    Bad(&'static str),
}

impl Request {
    /// The site file a path request names: `index.html` for the root and
    /// for folders.
    pub fn file(rel: &str, slash: bool) -> String {
        match (rel.is_empty(), slash) {
            (true, _) => "index.html".into(),
            (false, true) => format!("{rel}/index.html"),
            (false, false) => rel.to_string(),
        }
    }
}

/// Checks and decodes a request target.
pub fn parse(target: &str) -> Request {
    let Some(raw) = path_of(target) else {
        return Request::Bad("the request target must be a path starting with /");
    };
    let Some(bytes) = percent_decode(raw) else {
        return Request::Bad("malformed percent-encoding");
    };
    let Ok(path) = String::from_utf8(bytes) else {
        return Request::Bad("the path is not UTF-8");
    };
    if path.chars().any(|c| c == '\\' || c.is_control()) {
        return Request::Bad("backslash or control character in the path");
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Request::Bad("dot segments are not allowed");
    }
    if segments.first() == Some(&RESERVED) {
        return Request::Reserved(segments[1..].join("/"));
    }
    if segments.iter().any(|s| s.starts_with('.')) {
        return Request::Hidden;
    }
    Request::Path {
        rel: segments.join("/"),
        slash: path.ends_with('/'),
    }
}

/// The redirect for a folder requested without its slash: relative, so
/// it works under a sub-path.
pub fn folder_redirect(rel: &str) -> String {
    let last = rel.rsplit('/').next().unwrap_or("");
    format!("{}/", encode_segment(last))
}

/// Looks a checked path up in the output folder `root` (canonical).
pub fn on_disk(root: &Path, rel: &str, slash: bool) -> Target {
    let mut file = root.to_path_buf();
    for s in rel.split('/').filter(|s| !s.is_empty()) {
        file.push(s);
    }
    let Ok(meta) = std::fs::metadata(&file) else {
        return Target::NotFound;
    };
    if meta.is_dir() {
        if !slash && !rel.is_empty() {
            return Target::Redirect(folder_redirect(rel));
        }
        file.push("index.html");
    }
    match file.canonicalize() {
        Ok(c) if c.starts_with(root) && c.is_file() => Target::File(c),
        _ => Target::NotFound,
    }
}

/// Resolves a request target against the output folder `root`
/// (canonical): [`parse`], then [`on_disk`].
pub fn resolve(root: &Path, target: &str) -> Target {
    match parse(target) {
        Request::Path { rel, slash } => on_disk(root, &rel, slash),
        Request::Reserved(name) => Target::Reserved(name),
        Request::Hidden => Target::NotFound,
        Request::Bad(why) => Target::Bad(why),
    }
}

/// Percent-encodes what cannot stand in a relative URL segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The content type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b").unwrap(), b"a b");
        assert_eq!(percent_decode("%2e%2E").unwrap(), b"..");
        assert!(percent_decode("%zz").is_none());
        assert!(percent_decode("%2").is_none());
    }

    #[test]
    fn depth_of_paths() {
        assert_eq!(depth("/"), 0);
        assert_eq!(depth("/index.html"), 0);
        assert_eq!(depth("/deals/a.html"), 1);
        assert_eq!(depth("/deals/"), 1);
        assert_eq!(depth("/a/b/c.html"), 2);
    }

    #[test]
    fn traversal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        std::fs::create_dir(root.join("deals")).unwrap();
        std::fs::write(root.join("deals/a.html"), "a").unwrap();
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
            "/deals/%2E%2E/%2E%2E/etc/passwd",
            "/a%00.html",
            "/a\\b",
            "/%zz",
            "etc/passwd",
        ] {
            assert!(matches!(resolve(&root, bad), Target::Bad(_)), "{bad}");
        }
        assert_eq!(
            resolve(&root, "/%252e%252e/%252e%252e/etc/passwd"),
            Target::NotFound
        );
        assert_eq!(resolve(&root, "/.dealbook-site"), Target::NotFound);
        assert_eq!(resolve(&root, "/"), Target::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/deals/a.html?x=1#y"),
            Target::File(root.join("deals/a.html"))
        );
        assert_eq!(resolve(&root, "/deals"), Target::Redirect("deals/".into()));
        assert_eq!(
            resolve(&root, "/__dealbook/events"),
            Target::Reserved("events".into())
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("s.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/s.txt"), Target::NotFound);
        assert_eq!(resolve(&root, "/up/secret.txt"), Target::NotFound);
    }
}
