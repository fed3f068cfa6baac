//! Bad input never panics: property tests of the loader and the checker.
//!
//! (a) arbitrary bytes, (b) arbitrary TOML documents built from the spec's
//! real keys plus junk, with values of every TOML type, and (c) whole small
//! pipelines written to a temporary folder. For each, loading (and, for
//! (c), checking) must not panic, and every diagnostic's span must lie
//! inside its file and on character boundaries, so that rendering it can
//! neither panic nor cut a character in half. The diagnostics are rendered
//! in every output format as part of the property.
//!
//! Cases: 256 per property by default ((c) writes files, so it runs a
//! quarter of that); set `PROPTEST_CASES` for a longer run, e.g.
//! `PROPTEST_CASES=200000 cargo test --release --test it loader_props::`.

use crate::common;

use common::diags::{assert_spans, render_all};
use dealbook::load::{Content, FileKind, LoadOptions, parse_file};
use dealbook::source::{FileId, SourceMap};
use dealbook::spec::{self, Kind, Ty};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use std::path::Path;

const KINDS: &[(FileKind, &str)] = &[
    (FileKind::Settings, "dealbook.toml"),
    (FileKind::Team, "team.toml"),
    (FileKind::Account, "accounts/acme.toml"),
    (FileKind::Deal, "deals/sub/acme-pilot.toml"),
    (FileKind::Targets, "targets/2026.toml"),
];

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

/// Parses `bytes` as every file kind and checks the result.
fn parse_as_every_kind(bytes: &[u8]) {
    for &(kind, rel) in KINDS {
        let parsed = parse_file(FileId(0), rel, kind, Content::Bytes(bytes.to_vec()));
        let mut sources = SourceMap::new(Path::new("/pipeline"));
        sources.add(parsed.source);
        assert_spans(&parsed.diags, &sources);
        render_all(&parsed.diags, &sources);
    }
}

// ------------------------------------------------------------ TOML builder

/// Every key the spec knows, of every kind of table.
fn spec_keys() -> Vec<&'static str> {
    fn walk(k: &'static Kind, out: &mut Vec<&'static str>) {
        for f in k.fields {
            if !out.contains(&f.key) {
                out.push(f.key);
            }
            match f.ty {
                Ty::Table(sub) | Ty::Tables(sub) => walk(sub, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (_, k) in spec::FILE_KINDS {
        walk(k, &mut out);
    }
    out
}

/// Keys: mostly real ones, some near misses and junk (quoted when needed).
fn key() -> impl Strategy<Value = String> {
    let real = proptest::sample::select(spec_keys()).prop_map(str::to_string);
    prop_oneof![
        6 => real.clone(),
        1 => real.prop_map(|k| format!("{k}s")),
        1 => real_case_junk(),
        1 => "[a-z_-]{1,12}",
        1 => any::<String>().prop_map(|s| toml_string(&s)),
        1 => Just("USD".to_string()),
        1 => Just("\"\"".to_string()),
    ]
}

fn real_case_junk() -> impl Strategy<Value = String> {
    proptest::sample::select(spec_keys()).prop_map(|k| k.to_uppercase())
}

/// A TOML basic string holding `s`, escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn text_value() -> impl Strategy<Value = String> {
    let words = proptest::sample::select(vec![
        "qualify",
        "needs-analysis",
        "proof",
        "won",
        "lost",
        "negotiation",
        "CNY",
        "USD",
        "usd",
        "key",
        "growth",
        "economic_buyer",
        "champion",
        "opponent",
        "high",
        "visit",
        "revenue",
        "win_rate",
        "2026",
        "2026-Q4",
        "2026-11",
        "2026-Q5",
        "9999-Q4",
        "2999-Q4",
        "1899",
        "2026-13",
        "rep",
        "manager",
        "acme",
        "cio",
        "张敏",
        "",
        " ",
        "a\u{301}",
        "🎉",
        "\u{feff}",
        "2026-02-30",
        "2026/11/30",
    ]);
    prop_oneof![
        4 => words.prop_map(toml_string),
        2 => any::<String>().prop_map(|s| toml_string(&s)),
        1 => "[a-z0-9 _-]{0,20}".prop_map(|s| format!("'{s}'")),
        1 => any::<String>().prop_map(|s| format!("\"\"\"\n{}\"\"\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        1 => "[^']{0,20}".prop_map(|s| format!("'''{s}'''")),
    ]
}

fn number_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        (0i64..=10).prop_map(|i| i.to_string()),
        (0u32..=100).prop_map(|i| format!("0.{i:02}")),
        any::<f64>().prop_map(|f| {
            let s = format!("{f:?}");
            if f.is_finite() { s } else { "nan".to_string() }
        }),
        proptest::sample::select(vec![
            "nan",
            "+nan",
            "-nan",
            "inf",
            "+inf",
            "-inf",
            "1e400",
            "-1e400",
            "1e-400",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "99999999999999999999999999999",
            "0x7fffffffffffffff",
            "0xffffffffffffffff",
            "0o777",
            "0b1010",
            "1_000_000",
            "1_200_000.50",
            "1.005",
            "-0.0",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
            "7.9228162514264337593543950335e28",
            "1e28",
            "1e29",
            "1e15",
            "1_000_000_000_000_000",
            "1000000000000000.01",
            "100000",
            "100000.01",
            "79e27",
            "12.345",
            "-1",
            "1.0",
            "100",
            "101",
            "3650",
            "3651",
            "0",
        ])
        .prop_map(str::to_string),
    ]
}

fn date_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (1900i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (0i32..=9999, 0u32..=99, 0u32..=99).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        proptest::sample::select(vec![
            "2026-02-29",
            "2024-02-29",
            "2026-02-30",
            "0000-01-01",
            "9999-12-31",
            "1900-01-01",
            "1899-12-31",
            "2999-12-31",
            "3000-01-01",
            "2026-11-15",
            "2026-11-15T10:00:00",
            "2026-11-15T10:00:00Z",
            "2026-11-15 10:00:00+08:00",
            "10:00:00",
            "10:00:00.123456789",
            "2026-11-15T25:00:00",
            "1979-05-27T07:32:00.999999-07:00",
            "-0001-01-01",
            "2026-1-1",
        ])
        .prop_map(str::to_string),
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text_value(),
        3 => number_value(),
        2 => date_value(),
        1 => any::<bool>().prop_map(|b| b.to_string()),
    ]
}

/// Values of every TOML type, nested (arrays, inline tables) a few levels.
fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            proptest::collection::vec((key(), inner), 0..5).prop_map(|kv| {
                let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", body.join(", "))
            }),
        ]
    })
}

/// Headers: real table and array-of-tables names (also nested), and junk.
fn header() -> impl Strategy<Value = String> {
    let tables = proptest::sample::select(vec![
        "org",
        "rates",
        "rules",
        "rules.follow_up_days",
        "market",
        "stage",
        "team",
        "person",
        "contact",
        "touch",
        "survey",
        "stakeholder",
        "member",
        "history",
        "target",
        "notes",
        "stage.requires",
        "org.name",
    ]);
    prop_oneof![
        3 => tables.clone().prop_map(|t| format!("[[{t}]]")),
        2 => tables.prop_map(|t| format!("[{t}]")),
        1 => key().prop_map(|k| format!("[{k}]")),
        1 => (key(), key()).prop_map(|(a, b)| format!("[[{a}.{b}]]")),
    ]
}

/// A line of a document: mostly `key = value`, sometimes dotted keys,
/// comments, blank lines or raw junk.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => (key(), key(), value()).prop_map(|(a, b, v)| format!("{a}.{b} = {v}")),
        1 => Just("# comment".to_string()),
        1 => Just(String::new()),
        1 => "[ -~]{0,30}",
    ]
}

/// A whole TOML document: top-level lines, then sections.
fn document() -> impl Strategy<Value = String> {
    let section = (header(), proptest::collection::vec(line(), 0..8));
    (
        proptest::collection::vec(line(), 0..10),
        proptest::collection::vec(section, 0..6),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(top, sections, nl)| {
            let mut s = top.join(nl);
            for (h, lines) in sections {
                s.push_str(nl);
                s.push_str(&h);
                s.push_str(nl);
                s.push_str(&lines.join(nl));
            }
            s.push_str(nl);
            s
        })
}

// ------------------------------------------------------- small pipelines

const AS_OF: &str = "2026-11-15";

fn pick<T: Clone + std::fmt::Debug + 'static>(
    items: &[T],
) -> impl Strategy<Value = T> + Clone + use<T> {
    proptest::sample::select(items.to_vec())
}

/// Either a plausible value (so that the checks past the reader run) or
/// an arbitrary one.
fn field(plausible: impl Strategy<Value = String> + 'static) -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => plausible.prop_map(Some),
        1 => value().prop_map(Some),
        1 => Just(None),
    ]
    .boxed()
}

fn quoted(items: &'static [&'static str]) -> impl Strategy<Value = String> {
    pick(items).prop_map(toml_string)
}

fn plausible_date() -> impl Strategy<Value = String> {
    prop_oneof![
        (2025i32..=2027, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        Just(AS_OF.to_string()),
    ]
}

const STAGES: &[&str] = &["qualify", "proof", "negotiation", "won", "lost", "nope"];
const PEOPLE: &[&str] = &["rep", "boss", "ghost"];
const ACCOUNTS: &[&str] = &["acme", "globex", "nobody"];
const CONTACTS: &[&str] = &["cio", "cfo", "stranger"];

fn render_fields(fields: &[(&str, Option<String>)]) -> String {
    let mut s = String::new();
    for (k, v) in fields {
        if let Some(v) = v {
            s.push_str(&format!("{k} = {v}\n"));
        }
    }
    s
}

fn settings_file() -> impl Strategy<Value = String> {
    let stage = (
        field(quoted(STAGES)),
        field(number_value()),
        field(quoted(&["pipeline", "best_case", "commit", "maybe"])),
        field((1u32..100).prop_map(|d| d.to_string())),
        field(quoted(&["won", "lost", "draw"])),
        field(
            pick(&[
                "[\"pains\"]",
                "[\"value_proof\", \"stakeholder\"]",
                "[\"nonsense\"]",
                "[]",
            ])
            .prop_map(str::to_string),
        ),
    )
        .prop_map(|(id, p, c, m, o, r)| {
            format!(
                "[[stage]]\n{}",
                render_fields(&[
                    ("id", id),
                    ("probability", p),
                    ("category", c),
                    ("max_days", m),
                    ("outcome", o),
                    ("requires", r),
                ])
            )
        });
    (
        field(quoted(&["CNY", "USD", "cny", "EURO"])),
        field(plausible_date()),
        field(quoted(&["en", "zh-CN", "fr"])),
        proptest::collection::vec(stage, 0..7),
        field(quoted(STAGES)),
        field(number_value()),
        proptest::collection::vec(
            (quoted(&["2026", "2026-Q4", "2026-13"]), number_value()),
            0..3,
        ),
    )
        .prop_map(|(cur, as_of, locale, stages, by, rate, markets)| {
            let mut s = format!(
                "[org]\nname = \"Org\"\n{}\n[rates]\nUSD = {}\n\n",
                render_fields(&[("currency", cur), ("as_of", as_of), ("locale", locale)]),
                rate.unwrap_or_else(|| "7.1".into())
            );
            for st in stages {
                s.push_str(&st);
                s.push('\n');
            }
            s.push_str(&format!(
                "[rules]\n{}\n",
                render_fields(&[("proof_by", by)])
            ));
            for (p, size) in markets {
                s.push_str(&format!("[[market]]\nperiod = {p}\nsize = {size}\n"));
            }
            s
        })
}

fn team_file() -> impl Strategy<Value = String> {
    let person = (
        field(quoted(PEOPLE)),
        field(quoted(&["east", "west"])),
        field(quoted(&["sales", "manager", "boss"])),
    )
        .prop_map(|(id, team, role)| {
            format!(
                "[[person]]\nname = \"P\"\n{}",
                render_fields(&[("id", id), ("team", team), ("role", role)])
            )
        });
    (
        field(quoted(PEOPLE)),
        proptest::collection::vec(person, 0..4),
    )
        .prop_map(|(mgr, people)| {
            let mut s = format!(
                "[[team]]\nid = \"east\"\nname = \"East\"\n{}\n",
                render_fields(&[("manager", mgr)])
            );
            for p in people {
                s.push_str(&p);
                s.push('\n');
            }
            s
        })
}

fn account_file() -> impl Strategy<Value = String> {
    let contact = (
        field(quoted(CONTACTS)),
        field(quoted(&["high", "low", "huge"])),
    )
        .prop_map(|(id, inf)| {
            format!(
                "[[contact]]\nname = \"C\"\n{}",
                render_fields(&[("id", id), ("influence", inf)])
            )
        });
    let touch = (
        field(plausible_date()),
        field(quoted(PEOPLE)),
        field(quoted(CONTACTS)),
    )
        .prop_map(|(d, by, c)| {
            format!(
                "[[touch]]\n{}",
                render_fields(&[("date", d), ("by", by), ("contact", c)])
            )
        });
    let survey = (
        field(plausible_date()),
        field((0i32..12).prop_map(|s| s.to_string())),
    )
        .prop_map(|(d, sc)| {
            format!(
                "[[survey]]\n{}",
                render_fields(&[("date", d), ("score", sc)])
            )
        });
    (
        field(quoted(PEOPLE)),
        field(quoted(&["key", "growth", "standard", "vip"])),
        proptest::collection::vec(contact, 0..4),
        proptest::collection::vec(touch, 0..3),
        proptest::collection::vec(survey, 0..3),
    )
        .prop_map(|(owner, tier, contacts, touches, surveys)| {
            let mut s = format!(
                "name = \"Acme 公司\"\n{}",
                render_fields(&[("owner", owner), ("tier", tier)])
            );
            for t in contacts.into_iter().chain(touches).chain(surveys) {
                s.push('\n');
                s.push_str(&t);
            }
            s
        })
}

fn deal_file() -> impl Strategy<Value = String> {
    let stakeholder = (
        field(quoted(CONTACTS)),
        field(quoted(&["economic_buyer", "coach", "boss"])),
        field(quoted(&["champion", "opponent", "meh"])),
    )
        .prop_map(|(c, r, a)| {
            format!(
                "[[stakeholder]]\n{}",
                render_fields(&[("contact", c), ("role", r), ("attitude", a)])
            )
        });
    let history = (
        field(plausible_date()),
        field(quoted(STAGES)),
        field(plausible_date()),
    )
        .prop_map(|(d, st, c)| {
            format!(
                "[[history]]\n{}",
                render_fields(&[("date", d), ("stage", st), ("close", c)])
            )
        });
    let member = field(quoted(PEOPLE))
        .prop_map(|p| format!("[[member]]\n{}", render_fields(&[("person", p)])));
    let head = (
        (
            field(quoted(ACCOUNTS)),
            field(quoted(PEOPLE)),
            field(number_value()),
            field(quoted(&["USD", "CNY", "EUR", "usd"])),
            field(quoted(STAGES)),
            field(plausible_date()),
            field(plausible_date()),
        ),
        (
            field(number_value()),
            field(quoted(&["pipeline", "commit", "later"])),
            field(pick(&["[\"erp\"]", "[]", "[\"\"]", "[1]"]).prop_map(str::to_string)),
            field(quoted(&["price", ""])),
            field(pick(&["[\"slow\"]", "[]"]).prop_map(str::to_string)),
            field(quoted(&["POC", " "])),
            field(plausible_date()),
        ),
    );
    (
        head,
        proptest::collection::vec(stakeholder, 0..4),
        proptest::collection::vec(member, 0..2),
        proptest::collection::vec(history, 0..5),
    )
        .prop_map(|((a, b), stakeholders, members, history)| {
            let (account, owner, amount, currency, stage, created, close) = a;
            let (probability, forecast, products, lost_reason, pains, value_proof, next) = b;
            let mut s = format!(
                "name = \"Deal\"\n{}",
                render_fields(&[
                    ("account", account),
                    ("owner", owner),
                    ("amount", amount),
                    ("currency", currency),
                    ("stage", stage),
                    ("created", created),
                    ("close", close),
                    ("probability", probability),
                    ("forecast", forecast),
                    ("products", products),
                    ("lost_reason", lost_reason),
                    ("pains", pains),
                    ("value_proof", value_proof),
                    ("next_step_date", next),
                ])
            );
            for t in stakeholders.into_iter().chain(members).chain(history) {
                s.push('\n');
                s.push_str(&t);
            }
            s
        })
}

fn targets_file() -> impl Strategy<Value = String> {
    let target = (
        field(quoted(&["2026", "2026-Q4", "2026-11", "2026-Q0", "26"])),
        field(quoted(PEOPLE)),
        field(quoted(&["east", "north"])),
        field(quoted(&["revenue", "win_rate", "profit"])),
        field(number_value()),
        field(number_value()),
    )
        .prop_map(|(period, person, team, metric, value, stretch)| {
            format!(
                "[[target]]\n{}",
                render_fields(&[
                    ("period", period),
                    ("person", person),
                    ("team", team),
                    ("metric", metric),
                    ("value", value),
                    ("stretch", stretch),
                ])
            )
        });
    proptest::collection::vec(target, 0..5).prop_map(|t| t.join("\n"))
}

/// A file's content: a plausible one, an arbitrary document, or raw bytes.
fn content(plausible: BoxedStrategy<String>) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        8 => plausible.prop_map(String::into_bytes),
        2 => document().prop_map(String::into_bytes),
        1 => proptest::collection::vec(any::<u8>(), 0..64),
    ]
    .boxed()
}

/// Relative path → bytes of a small pipeline; files may be missing.
fn pipeline() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let names = pick(&["acme", "globex", "nobody", "Bad Name", "x"]);
    (
        proptest::option::weighted(0.9, content(settings_file().boxed())),
        proptest::option::weighted(0.9, content(team_file().boxed())),
        proptest::collection::vec((names.clone(), content(account_file().boxed())), 0..4),
        proptest::collection::vec((names, any::<bool>(), content(deal_file().boxed())), 0..6),
        proptest::collection::vec(content(targets_file().boxed()), 0..3),
    )
        .prop_map(|(settings, team, accounts, deals, targets)| {
            let mut files = Vec::new();
            if let Some(s) = settings {
                files.push(("dealbook.toml".to_string(), s));
            }
            if let Some(t) = team {
                files.push(("team.toml".to_string(), t));
            }
            for (name, a) in accounts {
                files.push((format!("accounts/{name}.toml"), a));
            }
            for (i, (name, nested, d)) in deals.into_iter().enumerate() {
                let dir = if nested { "deals/2026" } else { "deals" };
                // Same stem in two folders now and then: a duplicate id.
                let stem = if i % 3 == 2 {
                    name.to_string()
                } else {
                    format!("{name}-{i}")
                };
                files.push((format!("{dir}/{stem}.toml"), d));
            }
            for (i, t) in targets.into_iter().enumerate() {
                files.push((format!("targets/t{i}.toml"), t));
            }
            files
        })
}

/// Odd things in a pipeline folder besides its files.
#[derive(Debug, Clone, Copy)]
enum Extra {
    /// A `.toml` file outside the layout.
    StrayToml,
    /// A folder named like a deal file.
    FolderNamedToml,
    /// A symbolic link to a folder outside the pipeline.
    LinkOut,
    /// A symbolic link to its own parent folder.
    LinkLoop,
    /// A broken symbolic link named like a deal file.
    LinkBroken,
    /// A symbolic link to another deal file, inside the pipeline.
    LinkInside,
}

fn extras() -> impl Strategy<Value = Vec<Extra>> {
    proptest::collection::vec(
        pick(&[
            Extra::StrayToml,
            Extra::FolderNamedToml,
            Extra::LinkOut,
            Extra::LinkLoop,
            Extra::LinkBroken,
            Extra::LinkInside,
        ]),
        0..3,
    )
}

fn write_pipeline(root: &Path, files: &[(String, Vec<u8>)]) {
    for (rel, bytes) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
}

fn write_extras(root: &Path, outside: &Path, extras: &[Extra]) {
    let deals = root.join("deals");
    std::fs::create_dir_all(&deals).unwrap();
    for (i, e) in extras.iter().enumerate() {
        let name = |ext: &str| deals.join(format!("extra-{i}{ext}"));
        match e {
            Extra::StrayToml => {
                std::fs::write(root.join(format!("stray-{i}.toml")), "x = 1").unwrap();
            }
            Extra::FolderNamedToml => std::fs::create_dir_all(name(".toml")).unwrap(),
            #[cfg(unix)]
            Extra::LinkOut => std::os::unix::fs::symlink(outside, name("")).unwrap(),
            #[cfg(unix)]
            Extra::LinkLoop => std::os::unix::fs::symlink(&deals, name("")).unwrap(),
            #[cfg(unix)]
            Extra::LinkBroken => {
                std::os::unix::fs::symlink(root.join("missing.toml"), name(".toml")).unwrap()
            }
            #[cfg(unix)]
            Extra::LinkInside => {
                std::fs::write(name("-target.txt"), "name = \"linked\"").unwrap();
                std::os::unix::fs::symlink(name("-target.txt"), name(".toml")).unwrap()
            }
            #[cfg(not(unix))]
            _ => {}
        }
    }
}

// ------------------------------------------------------------------ tests

proptest! {
    #![proptest_config(config(common::proptest_cases(256)))]

    /// (a) Arbitrary bytes, as every kind of file.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_as_every_kind(&bytes);
    }

    /// (a') Arbitrary text (valid UTF-8, any characters).
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        parse_as_every_kind(text.as_bytes());
    }

    /// (b) Arbitrary TOML documents from the spec's keys and junk.
    #[test]
    fn arbitrary_toml_never_panics(doc in document(), bom in any::<bool>()) {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend_from_slice(doc.as_bytes());
        parse_as_every_kind(&bytes);
    }

    /// (b') Plausible files with some fields arbitrary, as every kind.
    #[test]
    fn plausible_files_never_panic(
        doc in prop_oneof![
            settings_file().boxed(),
            team_file().boxed(),
            account_file().boxed(),
            deal_file().boxed(),
            targets_file().boxed(),
        ]
    ) {
        parse_as_every_kind(doc.as_bytes());
    }
}

proptest! {
    #![proptest_config(config((common::proptest_cases(256) / 4).max(1)))]

    /// (c) Whole small pipelines: loading and checking never panic, and
    /// every diagnostic points into its file.
    #[test]
    fn pipelines_never_panic(files in pipeline(), extras in extras()) {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("outside.toml"), "name = 1").unwrap();
        write_pipeline(dir.path(), &files);
        write_extras(dir.path(), outside.path(), &extras);
        let today = jiff::civil::date(2026, 11, 15);
        let checked = dealbook::load_and_check(dir.path(), &LoadOptions::default(), None, today);
        assert_spans(&checked.diagnostics, &checked.pipeline.sources);
        render_all(&checked.diagnostics, &checked.pipeline.sources);
    }
}

/// Inputs that once broke an invariant, kept as regression tests.
#[test]
fn regressions() {
    for input in [
        &b""[..],
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbfname = 1",
        b"name = \"\xe5\xbc\xa0\"\n\xff",
        b"created = 2026-02-30",
        b"[[history]]\ndate = 0000-00-00",
        b"amount = 1e400\nprobability = nan",
        b"amount = 79228162514264337593543950336",
        b"a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        b"\r\r\r\n[",
    ] {
        parse_as_every_kind(input);
    }
}

/// How much of the checker the generators reach: prints how often each
/// diagnostic code fires over a sample of pipelines. Run with
/// `cargo test --release --test it loader_props:: -- --ignored --nocapture`.
#[test]
#[ignore]
fn generator_coverage() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let n = 300;
    for _ in 0..n {
        let files = pipeline().new_tree(&mut runner).unwrap().current();
        let extras = extras().new_tree(&mut runner).unwrap().current();
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        write_pipeline(dir.path(), &files);
        write_extras(dir.path(), outside.path(), &extras);
        let today = jiff::civil::date(2026, 11, 15);
        let checked = dealbook::load_and_check(dir.path(), &LoadOptions::default(), None, today);
        let mut seen = std::collections::BTreeSet::new();
        for d in &checked.diagnostics {
            seen.insert(d.code.as_str().to_string());
        }
        for c in seen {
            *counts.entry(c).or_default() += 1;
        }
    }
    let all = dealbook::diag::Code::ALL.len();
    println!(
        "codes reached in {n} pipelines ({} of {all}):",
        counts.len()
    );
    for (c, k) in &counts {
        println!("  {c}: {k}");
    }
}
