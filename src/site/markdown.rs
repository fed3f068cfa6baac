//! Markdown notes of accounts and deals: pulldown-cmark renders them, then
//! ammonia keeps only harmless HTML. No script, no `style`, no event
//! handlers, no `javascript:`/`data:` URLs, no images (they would load
//! from the internet), no relative links (they would point nowhere in the
//! site). Links to `http`, `https` and `mailto` stay, marked
//! `rel="noopener noreferrer nofollow"`. Headings are moved down two levels
//! so a note's `#` does not compete with the page's own headings. The
//! result is the only user-derived HTML the templates mark `| safe`.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::OnceLock;

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.rm_tags(["img", "picture", "source", "audio", "video", "map", "area"])
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true);
        b
    })
}

fn lower(l: HeadingLevel) -> HeadingLevel {
    match l {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The Markdown extensions notes may use.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Markdown to sanitised HTML; empty for blank notes. Linear in the size
/// of a note within [`crate::limits`] (the reader reports the others).
pub fn render(md: &str) -> String {
    if md.trim().is_empty() {
        return String::new();
    }
    let events = Parser::new_ext(md, OPTIONS).map(|e| match e {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    });
    let mut html = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitizer().clean(&html).to_string()
}

/// How deeply a note nests once rendered: Markdown containers and inline
/// spans (block quotes, lists, emphasis, links, ...) plus the HTML elements
/// it writes itself, counted together, as the sanitiser's HTML parser sees
/// them (its cost grows with the square of this depth). One pass of the
/// Markdown parser (linear) and one over the HTML it passes through.
pub fn depth(md: &str) -> usize {
    let mut blocks = 0usize;
    let mut html = HtmlDepth::default();
    let mut max = 0usize;
    for e in Parser::new_ext(md, OPTIONS) {
        match e {
            Event::Start(_) => blocks += 1,
            Event::End(_) => blocks = blocks.saturating_sub(1),
            Event::Html(s) | Event::InlineHtml(s) => {
                html.scan(&s, |d| max = max.max(blocks + d));
            }
            _ => {}
        }
        max = max.max(blocks + html.depth);
    }
    max
}

/// The nesting of raw HTML tags, followed across the chunks of a note:
/// `<x>` opens (except void elements, comments and `<x/>`), `</x>` closes.
/// An approximation of what an HTML parser builds, in one pass.
#[derive(Default)]
struct HtmlDepth {
    depth: usize,
    tag: Option<OpenTag>,
}

/// A tag being read.
struct OpenTag {
    closing: bool,
    /// Its name, lowercased (the first 16 characters).
    name: String,
    /// Whether the name is complete (an attribute or space followed it).
    named: bool,
    /// The last byte read.
    prev: u8,
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

impl HtmlDepth {
    fn scan(&mut self, s: &str, mut seen: impl FnMut(usize)) {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            i += 1;
            if c == b'<' {
                // A `<` inside an unfinished tag starts a new one.
                let next = b.get(i).copied().unwrap_or(b' ');
                let closing = next == b'/';
                if closing {
                    i += 1;
                }
                let opens = closing || next.is_ascii_alphabetic() || next == b'!' || next == b'?';
                self.tag = opens.then(|| OpenTag {
                    closing,
                    name: String::new(),
                    named: false,
                    prev: c,
                });
                continue;
            }
            let Some(t) = &mut self.tag else {
                continue;
            };
            if c == b'>' {
                let void = VOID.contains(&t.name.as_str())
                    || t.name.starts_with(['!', '?'])
                    || t.prev == b'/';
                if t.closing {
                    self.depth = self.depth.saturating_sub(1);
                } else if !void {
                    self.depth += 1;
                    seen(self.depth);
                }
                self.tag = None;
                continue;
            }
            if !t.named {
                if c.is_ascii_alphanumeric() || (t.name.is_empty() && (c == b'!' || c == b'?')) {
                    if t.name.len() < 16 {
                        t.name.push(c.to_ascii_lowercase() as char);
                    }
                } else {
                    t.named = true;
                }
            }
            t.prev = c;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{depth, render};

    #[test]
    fn keeps_formatting() {
        let h = render("# Plan\n\n**bold** and [site](https://example.com)\n\n- a\n- b");
        assert!(h.contains("<h3>Plan</h3>"), "{h}");
        assert!(h.contains("<strong>bold</strong>"));
        assert!(h.contains(r#"href="https://example.com""#));
        assert!(h.contains("noopener"));
        assert!(h.contains("<li>a</li>"));
    }

    #[test]
    fn strips_everything_active() {
        let evil = r#"<script>alert(1)</script>

<img src=x onerror="alert(2)">

<a href="javascript:alert(3)">x</a>

[y](javascript:alert(4)) [z](data:text/html,hi) [w](JaVaScRiPt:alert(5))

<style>body{display:none}</style>

<p style="color:red" onclick="alert(5)">p</p>

<iframe src="https://evil.example"></iframe><svg onload="alert(6)"></svg>

![pic](https://tracker.example/pixel.png) [rel](../../etc/passwd)"#;
        let h = render(evil);
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "onload",
            "href=\"javascript",
            "href=\"JaVa",
            "href=\"data:",
            "<style",
            "style=",
            "<iframe",
            "<img",
            "tracker.example",
            "passwd\"",
        ] {
            assert!(!h.contains(bad), "{bad} survived: {h}");
        }
        assert!(h.contains(">y</a>"), "the link text stays: {h}");
    }

    #[test]
    fn blank_is_empty() {
        assert_eq!(render("  \n"), "");
    }

    #[test]
    fn depth_counts_markdown_and_html_nesting() {
        assert_eq!(depth("plain"), 1);
        assert_eq!(depth("> > > x"), 4);
        assert_eq!(depth("- a\n  - b\n    - c"), 6);
        assert_eq!(depth(&"<div>".repeat(100)), 101);
        assert_eq!(depth(&"<div></div>".repeat(100)), 2);
        assert_eq!(depth("a<br>b<br/>c<img src=x><hr>"), 1);
        assert_eq!(depth("x <b>bold <i>it</i></b> <!-- c --> y"), 3);
        assert_eq!(depth(&"<a ".repeat(1000)), 1);
        assert_eq!(depth(&format!("> {}", "<span>".repeat(40))), 42);
    }
}
