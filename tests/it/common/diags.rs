//! Checks every diagnostic of a run must pass: its span lies inside its
//! file on character boundaries, and rendering it in every output format
//! does not panic. (The property tests of the loader and of the build.)

use dealbook::diag::Diagnostic;
use dealbook::source::SourceMap;

/// Every span points into its file, with both ends on char boundaries.
pub fn assert_spans(diags: &[Diagnostic], sources: &SourceMap) {
    for d in diags {
        let file = d.span.file.0 as usize;
        assert!(
            file < sources.len(),
            "{}: span names file {file} of {}",
            d.code,
            sources.len()
        );
        let text = &sources.get(d.span.file).text;
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "{} ({}): span {start}..{end} outside a text of {} bytes",
            d.code,
            d.message,
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{} ({}): span {start}..{end} cuts a character",
            d.code,
            d.message
        );
    }
}

/// Renders the diagnostics every way the CLI can; none may panic.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap) {
    let n = sources.len();
    let _ = dealbook::diag_out::human(diags, sources, false);
    let _ = dealbook::diag_out::human(diags, sources, true);
    let _ = dealbook::diag_out::json(diags, sources, n);
    let _ = dealbook::diag_out::github(diags, sources, n, "pipe line");
}
