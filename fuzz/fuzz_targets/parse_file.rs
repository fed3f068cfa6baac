//! Arbitrary bytes as every kind of pipeline file: parsing must not panic,
//! every diagnostic must point into the file on character boundaries, and
//! rendering the diagnostics must not panic either.
#![no_main]

use dealbook::load::{Content, FileKind, parse_file};
use dealbook::source::{FileId, SourceMap};
use libfuzzer_sys::fuzz_target;

const KINDS: &[(FileKind, &str)] = &[
    (FileKind::Settings, "dealbook.toml"),
    (FileKind::Team, "team.toml"),
    (FileKind::Account, "accounts/acme.toml"),
    (FileKind::Deal, "deals/acme-pilot.toml"),
    (FileKind::Targets, "targets/2026.toml"),
];

fuzz_target!(|data: &[u8]| {
    for &(kind, rel) in KINDS {
        let parsed = parse_file(FileId(0), rel, kind, Content::Bytes(data.to_vec()));
        let mut sources = SourceMap::new(std::path::Path::new("/pipeline"));
        sources.add(parsed.source);
        let text = &sources.get(FileId(0)).text;
        for d in &parsed.diags {
            assert_eq!(d.span.file, FileId(0));
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            assert!(
                s <= e && e <= text.len(),
                "{}: span {s}..{e} of {}",
                d.code,
                text.len()
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "{}",
                d.code
            );
        }
        let _ = dealbook::diag_out::human(&parsed.diags, &sources, false);
        let _ = dealbook::diag_out::json(&parsed.diags, &sources, 1);
    }
});
