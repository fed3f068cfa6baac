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

/// Markdown to sanitised HTML; empty for blank notes.
pub fn render(md: &str) -> String {
    if md.trim().is_empty() {
        return String::new();
    }
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(md, opts).map(|e| match e {
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

#[cfg(test)]
mod tests {
    use super::render;

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
}
