//! Right-to-left text and bidirectional controls in user text. The
//! embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069)
//! change the order in which the characters *around* them are shown when
//! they are left open ("Trojan Source": a name holding U+202E makes the
//! rest of its line read backwards). So:
//!
//! - in HTML and Markdown, a user value that holds such a control or a
//!   right-to-left letter is wrapped in a first-strong isolate (U+2068 …
//!   U+2069, the plain-text form of `<bdi>`: the value takes its direction
//!   from its own first letter and cannot reorder its neighbours), with
//!   every embedding or isolate it leaves open closed first;
//! - in a terminal, the controls are shown as escapes (`\u{202e}`).
//!
//! Text without either is left exactly as it is (the common case costs one
//! scan of the bytes).

use std::borrow::Cow;

/// Whether `c` is an embedding, override or isolate control (or the
/// character that ends one).
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is a letter of a right-to-left script (Hebrew, Arabic,
/// Syriac, Thaana, N'Ko, Samaritan, Mandaic and their presentation forms,
/// and the right-to-left blocks of the supplementary planes).
fn is_rtl(c: char) -> bool {
    matches!(
        c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF
    )
}

/// Whether a value must be isolated when shown among other text.
pub fn needs_isolation(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(|c| is_control(c) || is_rtl(c))
}

/// The closers (U+202C, U+2069) for what `s` leaves open, innermost first.
fn closers(s: &str) -> String {
    #[derive(PartialEq)]
    enum Open {
        Embedding,
        Isolate,
    }
    let mut stack = Vec::new();
    for c in s.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => stack.push(Open::Embedding),
            '\u{202C}' if stack.last() == Some(&Open::Embedding) => {
                stack.pop();
            }
            '\u{2066}'..='\u{2068}' => stack.push(Open::Isolate),
            '\u{2069}' => {
                // Closes the innermost isolate and whatever it holds.
                if let Some(i) = stack.iter().rposition(|o| *o == Open::Isolate) {
                    stack.truncate(i);
                }
            }
            _ => {}
        }
    }
    stack
        .iter()
        .rev()
        .map(|o| match o {
            Open::Embedding => '\u{202C}',
            Open::Isolate => '\u{2069}',
        })
        .collect()
}

/// `s` isolated from the text around it, when it needs it (see the module
/// documentation); `escaped` is how `s` is written in the output (escaped
/// for HTML or Markdown), which the isolate marks are put around.
pub fn isolate(s: &str, escaped: String) -> String {
    if !needs_isolation(s) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 12);
    out.push('\u{2068}');
    out.push_str(&escaped);
    out.push_str(&closers(s));
    out.push('\u{2069}');
    out
}

/// `s` for a terminal: the controls shown as escapes (`\u{202e}`).
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_control(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `s` with every control replaced by U+FFFD, which takes the same three
/// bytes in UTF-8 (so byte offsets into it stay valid): for source lines
/// shown under a diagnostic.
pub fn defuse(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_control(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// Writes `s` HTML-escaped (as tera's default does: `& < > " '`) and
/// isolated when it needs it: tera's escape function for the site.
pub fn escape_html(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let isolated = needs_isolation(s);
    if isolated {
        out.write_all("\u{2068}".as_bytes())?;
    }
    let b = s.as_bytes();
    let mut start = 0;
    for (i, c) in b.iter().enumerate() {
        let rep: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&b[start..i])?;
        out.write_all(rep)?;
        start = i + 1;
    }
    out.write_all(&b[start..])?;
    if isolated {
        out.write_all(closers(s).as_bytes())?;
        out.write_all("\u{2069}".as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        let mut v = Vec::new();
        escape_html(s, &mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn plain_text_is_untouched() {
        for s in ["ACME <b> & 'x' \"y\"", "张敏 · 华兴电力", "Müller", ""] {
            assert!(!needs_isolation(s));
            assert_eq!(for_terminal(s), s);
        }
        assert_eq!(html("a<b>&'\""), "a&lt;b&gt;&amp;&#39;&quot;");
        assert_eq!(html("张敏"), "张敏");
    }

    #[test]
    fn controls_and_rtl_text_are_isolated_and_closed() {
        // An override left open is closed, then the isolate ends.
        assert_eq!(
            html("a\u{202E}b<"),
            "\u{2068}a\u{202E}b&lt;\u{202C}\u{2069}"
        );
        // Balanced: only the isolate around it.
        assert_eq!(
            html("\u{202B}x\u{202C}"),
            "\u{2068}\u{202B}x\u{202C}\u{2069}"
        );
        // Nested: innermost first.
        assert_eq!(closers("\u{2067}\u{202D}x"), "\u{202C}\u{2069}".to_string());
        // A stray PDI or PDF closes nothing of ours.
        assert_eq!(closers("\u{2069}\u{202C}"), "");
        // Right-to-left letters alone: isolated, nothing to close.
        assert_eq!(html("שלום"), "\u{2068}שלום\u{2069}");
        assert_eq!(isolate("مرحبا", "مرحبا".into()), "\u{2068}مرحبا\u{2069}");
    }

    #[test]
    fn terminals_see_escapes_and_offsets_survive() {
        assert_eq!(for_terminal("a\u{202E}b"), "a\\u{202e}b");
        let s = "x = \"\u{2066}abc\"";
        let d = defuse(s);
        assert_eq!(d.len(), s.len());
        assert_eq!(d, "x = \"\u{FFFD}abc\"");
    }
}
