//! The static site without a browser: every link and asset resolves and
//! nothing is absolute; hostile text stays text; the same input gives the
//! same bytes; a failed build leaves the old site alone (with the right
//! exit status); the documented templates are the embedded ones; snapshots
//! of the main content of a few pages.

use crate::common::{example, repo};
use dealbook::load::LoadOptions;
use dealbook::site::{self, Page, SiteInput, templates};
use dealbook::{analytics, load_and_check};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn evil() -> PathBuf {
    repo().join("tests/fixtures/site-evil")
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 15)
}

/// Renders a pipeline in-process.
fn render(dir: &Path, overrides: &templates::Overrides, base_url: Option<&str>) -> Vec<Page> {
    let checked = load_and_check(dir, &LoadOptions::default(), None, today());
    assert!(!checked.has_errors(), "{dir:?} has errors");
    let a = analytics::compute(
        &checked.pipeline,
        checked.as_of,
        &analytics::Options::default(),
    );
    site::render(&SiteInput {
        pipeline: &checked.pipeline,
        analytics: &a,
        diagnostics: &checked.diagnostics,
        overrides,
        base_url,
        history: None,
    })
    .expect("renders")
}

fn pages_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    render(dir, &templates::Overrides::default(), None)
        .into_iter()
        .map(|p| (p.path, p.bytes))
        .collect()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("pages are UTF-8")
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dealbook"))
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walk(dir) {
        let rel = e
            .strip_prefix(dir)
            .unwrap()
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        out.insert(rel, fs::read(&e).unwrap());
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

// ------------------------------------------------------------ HTML helpers

/// A start tag: name and attributes (values with entities decoded).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Inside a `<div class="prose">` (sanitised user Markdown).
    in_prose: bool,
}

fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The start tags of a page: a small parser that is enough for the
/// well-formed output of the templates (attribute values in double
/// quotes, text escaped), and strict enough to notice when they are not.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut prose_depth: Option<usize> = None;
    let mut div_depth = 0usize;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map(|k| i + k + 3).unwrap_or(b.len());
            continue;
        }
        let end = html[i..].find('>').map(|k| i + k).expect("tag closes");
        let inner = &html[i + 1..end];
        i = end + 1;
        if inner.starts_with('/') {
            if inner.trim_start_matches('/').starts_with("div") {
                div_depth = div_depth.saturating_sub(1);
                if prose_depth.is_some_and(|d| d > div_depth) {
                    prose_depth = None;
                }
            }
            continue;
        }
        if inner.starts_with('!') {
            continue;
        }
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut rest = &inner[name_end..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                break;
            }
            let k_end = rest
                .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
                .unwrap_or(rest.len());
            let key = rest[..k_end].to_ascii_lowercase();
            rest = &rest[k_end..];
            if let Some(r) = rest.strip_prefix("=\"") {
                let v_end = r.find('"').expect("attribute value closes");
                attrs.push((key, decode(&r[..v_end])));
                rest = &r[v_end + 1..];
            } else if rest.starts_with('=') {
                panic!("unquoted or single-quoted attribute {key} in <{inner}>");
            } else {
                attrs.push((key, String::new()));
            }
        }
        let is_prose = name == "div"
            && attrs
                .iter()
                .any(|(k, v)| k == "class" && v.split(' ').any(|c| c == "prose"));
        if name == "div" {
            div_depth += 1;
            if is_prose && prose_depth.is_none() {
                prose_depth = Some(div_depth);
            }
        }
        out.push(Tag {
            name,
            attrs,
            in_prose: prose_depth.is_some(),
        });
        // Skip the content of script and style elements.
        for raw in ["script", "style"] {
            if out.last().unwrap().name == raw {
                let close = format!("</{raw}");
                i = html[i..].find(&close).map(|k| i + k).unwrap_or(b.len());
            }
        }
    }
    out
}

fn attr<'t>(t: &'t Tag, k: &str) -> Option<&'t str> {
    t.attrs
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
}

/// Resolves a relative URL against a page path; `None` when it leaves the
/// site.
fn resolve(page: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn is_absolute(url: &str) -> bool {
    let l = url.trim().to_ascii_lowercase();
    l.starts_with("//")
        || l.starts_with('/')
        || l.starts_with('\\')
        || l.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Checks a drill-down link `v` (on `from`) to `target` with the query `q`
/// (after `#q=`): the target has a list that keeps its filter in the URL,
/// with a drop-down or a row key for every facet, and the values are ids,
/// codes or periods (no space, nothing to escape).
fn check_query(target: &str, html: &str, q: &str, v: &str, from: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !html.contains("data-url-state") {
        problems.push(format!("{from}: {v}: {target} keeps no filter in the URL"));
    }
    for part in q.split('+').filter(|p| !p.is_empty()) {
        let Some((facet, values)) = part.split_once(':') else {
            problems.push(format!("{from}: {v}: odd query part {part}"));
            continue;
        };
        if !html.contains(&format!("data-facet=\"{facet}\"")) {
            problems.push(format!("{from}: {v}: {target} has no facet {facet}"));
        }
        for value in values.split(',') {
            let ok = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
            if !ok {
                problems.push(format!("{from}: {v}: odd value {value:?}"));
            }
        }
    }
    problems
}

/// Checks every link and asset of a site; returns the problems.
fn check_links(pages: &BTreeMap<String, Vec<u8>>, base_url: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    let ids: BTreeMap<&str, BTreeSet<String>> = pages
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let ids = tags(text(b))
                .into_iter()
                .filter_map(|t| attr(&t, "id").map(str::to_string))
                .collect();
            (p.as_str(), ids)
        })
        .collect();
    for (path, bytes) in pages {
        if path.ends_with(".css") {
            let css = text(bytes);
            for (k, _) in css.match_indices("url(") {
                problems.push(format!("{path}: url() at {k} in CSS"));
            }
            if css.contains("@import") || css.contains("http:") || css.contains("https:") {
                problems.push(format!("{path}: external reference in CSS"));
            }
            continue;
        }
        if path == "search-index.js" {
            // Data only: one assignment of a JSON document.
            let js = text(bytes);
            let json = js
                .strip_prefix("window.dealbookSearch=")
                .and_then(|r| r.strip_suffix(";\n"));
            if json.is_none_or(|j| serde_json::from_str::<serde_json::Value>(j).is_err()) {
                problems.push(format!(
                    "{path}: not a JSON document assigned to window.dealbookSearch"
                ));
            }
            continue;
        }
        if path.ends_with(".js") {
            let js = text(bytes);
            for bad in [
                "http:",
                "https:",
                "fetch(",
                "XMLHttpRequest",
                "eval(",
                "innerHTML",
            ] {
                if js.contains(bad) {
                    problems.push(format!("{path}: {bad}"));
                }
            }
            continue;
        }
        if !path.ends_with(".html") {
            continue;
        }
        let html = text(bytes);
        let mut canonical = 0;
        for t in tags(html) {
            for (k, v) in &t.attrs {
                if k.starts_with("on") {
                    problems.push(format!("{path}: event handler {k} on <{}>", t.name));
                }
                if k == "style" {
                    problems.push(format!("{path}: style attribute on <{}>", t.name));
                }
                let is_url = matches!(
                    k.as_str(),
                    "href"
                        | "src"
                        | "action"
                        | "formaction"
                        | "srcset"
                        | "poster"
                        | "data"
                        | "xlink:href"
                        | "background"
                        | "cite"
                );
                if !is_url {
                    continue;
                }
                let v = v.trim();
                if t.name == "link" && attr(&t, "rel") == Some("canonical") {
                    canonical += 1;
                    match base_url {
                        Some(b) if v.starts_with(b) => continue,
                        _ => {
                            problems.push(format!("{path}: canonical link {v}"));
                            continue;
                        }
                    }
                }
                if let Some(frag) = v.strip_prefix('#') {
                    if !ids[path.as_str()].contains(frag) {
                        problems.push(format!("{path}: no element with id {v}"));
                    }
                    continue;
                }
                if let Some(mail) = v.strip_prefix("mailto:") {
                    if t.name != "a" || mail.contains('<') {
                        problems.push(format!("{path}: odd mailto {v}"));
                    }
                    continue;
                }
                if is_absolute(v) {
                    // Only links a user wrote in Markdown notes may point
                    // out of the site, and only over http(s), as plain
                    // navigation (never loaded by the page).
                    let user_link = t.in_prose
                        && t.name == "a"
                        && k == "href"
                        && (v.starts_with("https://") || v.starts_with("http://"))
                        && attr(&t, "rel").is_some_and(|r| r.contains("noopener"));
                    if !user_link {
                        problems.push(format!("{path}: absolute URL {k}={v} on <{}>", t.name));
                    }
                    continue;
                }
                let (file, frag) = v.split_once('#').unwrap_or((v, ""));
                match resolve(path, file) {
                    Some(target) if pages.contains_key(&target) => {
                        if let Some(q) = frag.strip_prefix("q=") {
                            // A filtered list: the page keeps its filter in
                            // the URL and knows every facet named.
                            problems.extend(check_query(
                                &target,
                                text(&pages[&target]),
                                q,
                                v,
                                path,
                            ));
                        } else if !frag.is_empty()
                            && ids.get(target.as_str()).is_some_and(|s| !s.contains(frag))
                        {
                            problems.push(format!("{path}: {v}: no id {frag} in {target}"));
                        }
                    }
                    _ => problems.push(format!("{path}: broken link {k}={v}")),
                }
            }
        }
        let want = usize::from(base_url.is_some());
        if canonical != want {
            problems.push(format!("{path}: {canonical} canonical links, want {want}"));
        }
    }
    problems
}

// ------------------------------------------------------------------ tests

#[test]
fn every_link_and_asset_resolves_and_nothing_is_absolute() {
    let pages = pages_of(&example());
    for must in [
        "index.html",
        "funnel.html",
        "forecast.html",
        "team.html",
        "accounts.html",
        "deals.html",
        "risks.html",
        "targets.html",
        "warnings.html",
        "data.json",
        "deals.csv",
        "forecast.csv",
        "performance.csv",
        "risks.csv",
        "accounts.csv",
        "assets/style.css",
        "assets/app.js",
        "assets/favicon.svg",
        "deals/beifang-erp.html",
        "accounts/huaxing-power.html",
        "people/zhang-min.html",
        "teams/east.html",
        "forecast/2026-Q4.html",
    ] {
        assert!(pages.contains_key(must), "missing {must}");
    }
    let problems = check_links(&pages, None);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The example's one outside link (a case study in an account's notes)
    // is there, as a user link.
    let acct = text(&pages["accounts/huaxing-power.html"]);
    assert!(acct.contains("href=\"https://example.com/cases/huaxing-power\""));
}

#[test]
fn base_url_only_adds_a_canonical_link() {
    let base = "https://sales.example.com/pipeline/";
    let pages: BTreeMap<String, Vec<u8>> = render(
        &example(),
        &templates::Overrides::default(),
        Some("https://sales.example.com/pipeline"),
    )
    .into_iter()
    .map(|p| (p.path, p.bytes))
    .collect();
    let problems = check_links(&pages, Some(base));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(text(&pages["deals/beifang-erp.html"]).contains(
        r#"<link rel="canonical" href="https://sales.example.com/pipeline/deals/beifang-erp.html">"#
    ));
}

#[test]
fn hostile_text_stays_text() {
    let pages = pages_of(&evil());
    let problems = check_links(&pages, None);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (path, bytes) in pages.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = text(bytes);
        let scripts: Vec<_> = tags(html)
            .into_iter()
            .filter(|t| {
                matches!(
                    t.name.as_str(),
                    "script"
                        | "iframe"
                        | "object"
                        | "embed"
                        | "img"
                        | "style"
                        | "base"
                        | "form"
                        | "meta"
                        | "link"
                )
            })
            .filter(|t| {
                // The page's own script, stylesheet, icon and head meta.
                let own_script = t.name == "script"
                    && attr(t, "src").is_some_and(|s| s.ends_with("assets/app.js"));
                let own_link = t.name == "link"
                    && attr(t, "href").is_some_and(|s| {
                        s.ends_with("assets/style.css") || s.ends_with("assets/favicon.svg")
                    });
                !own_script && !own_link && t.name != "meta"
            })
            .collect();
        assert!(scripts.is_empty(), "{path}: {scripts:?}");
        for bad in [
            "javascript:",
            "data:text",
            "onerror",
            "onload",
            "onclick",
            "onmouseover",
        ] {
            for t in tags(html) {
                for (k, v) in &t.attrs {
                    let text_attr = matches!(
                        k.as_str(),
                        "title" | "data-sort" | "data-label" | "aria-label"
                    );
                    assert!(
                        !k.contains(bad) && (text_attr || !v.contains(bad)),
                        "{path}: {bad} in <{} {k}={v:?}>",
                        t.name
                    );
                }
            }
        }
        // Exactly one <script> element: the page's own.
        assert_eq!(html.matches("<script").count(), 1, "{path}");
        assert!(!html.contains("<style"), "{path}");
    }
    // The payloads are shown, escaped.
    let deal = text(&pages["deals/acme-deal.html"]);
    assert!(
        deal.contains("&lt;&#x2F;title&gt;&lt;script&gt;")
            || deal.contains("&lt;/title&gt;&lt;script&gt;"),
        "title payload"
    );
    assert!(deal.contains("{{ 7*7 }}"), "template syntax shown as text");
    assert!(deal.contains("{% for x in [1] %}X{% endfor %}"));
    let acct = text(&pages["accounts/acme.html"]);
    assert!(acct.contains("Fan {{ 7*7 }}"));
    assert!(
        acct.contains("{{ site.org }} {% include \"base.html\" %}")
            || acct.contains("{{ site.org }} {% include &quot;base.html&quot; %}")
    );
    // The sanitised notes keep the harmless link and drop the rest.
    assert!(acct.contains(r#"href="https://example.com/ok""#));
    assert!(!acct.contains("evil.example"));
    // The CSV exports defuse formulas and keep the text.
    let csv = text(&pages["deals.csv"]);
    assert!(csv.contains("<script>document.title='pwned'</script>Deal"));
}

#[test]
fn same_input_same_bytes() {
    let a = render(&example(), &templates::Overrides::default(), None);
    let b = render(&example(), &templates::Overrides::default(), None);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs between renders", x.path);
    }
    // And through the command, into two folders.
    let tmp = tempfile::tempdir().unwrap();
    for out in ["one", "two"] {
        let st = bin()
            .arg("build")
            .arg(example())
            .arg("--output")
            .arg(tmp.path().join(out))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    }
    let (one, two) = (tree(&tmp.path().join("one")), tree(&tmp.path().join("two")));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (k, v) in &one {
        assert!(v == &two[k], "{k} differs between builds");
    }
    // The in-process pages are the files, plus the site marker.
    let mut files: Vec<&String> = one.keys().collect();
    files.retain(|k| *k != site::output::MARKER);
    assert_eq!(files, a.iter().map(|p| &p.path).collect::<Vec<_>>());
}

/// Copies a pipeline folder.
fn copy_dir(from: &Path, to: &Path) {
    for f in walk(from) {
        let rel = f.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&f, &dest).unwrap();
    }
}

#[test]
fn failed_builds_leave_the_old_site_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    copy_dir(&example(), &pipe);
    let out = tmp.path().join("site");
    let build = |output: &Path| {
        bin()
            .arg("build")
            .arg(&pipe)
            .arg("--output")
            .arg(output)
            .output()
            .unwrap()
    };
    // Builds into `out`, which must succeed.
    let build_ok = || {
        let ok = build(&out);
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    // Builds into `out`, which must fail with exit 1; returns stderr.
    let build_fails = || {
        let failed = build(&out);
        let err = String::from_utf8_lossy(&failed.stderr).into_owned();
        assert_eq!(failed.status.code(), Some(1), "{err}");
        err
    };
    let override_deal_page = |template: &str| {
        fs::write(pipe.join("templates/deal.html"), template).unwrap();
    };
    build_ok();
    let before = tree(&out);

    // A broken override template: exit 1, the message names the file and
    // line, the old site is untouched, no temporary folder is left.
    fs::create_dir_all(pipe.join("templates")).unwrap();
    override_deal_page(
        "{% extends \"base.html\" %}\n{% block content %}\n{{ v.name | no_such_filter }}\n{% endblock content %}\n",
    );
    let err = build_fails();
    assert!(err.contains("templates/deal.html"), "{err}");
    assert!(err.contains(":3"), "line number in: {err}");
    assert_eq!(tree(&out), before, "old site changed");
    let names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "leftovers: {names:?}");

    // A template that fails while rendering (not while parsing).
    override_deal_page(
        "{% extends \"base.html\" %}\n{% block content %}\n\n{{ v.no_such_field.deeper }}\n{% endblock content %}\n",
    );
    let err = build_fails();
    assert!(err.contains("deal.html") && err.contains(":4"), "{err}");
    assert_eq!(tree(&out), before);

    // A working override replaces the built-in by name.
    override_deal_page(
        "{% extends \"base.html\" %}{% block content %}<p class=\"custom\">{{ v.name }}</p>{% endblock content %}",
    );
    fs::create_dir_all(pipe.join("templates/assets")).unwrap();
    fs::write(
        pipe.join("templates/assets/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    build_ok();
    let deal = fs::read_to_string(out.join("deals/beifang-erp.html")).unwrap();
    assert!(deal.contains("<p class=\"custom\">ERP for the rail-equipment division</p>"));
    assert!(out.join("assets/logo.svg").is_file());
    fs::remove_dir_all(pipe.join("templates")).unwrap();

    // Errors in the pipeline: exit 1, diagnostics on stderr, no build.
    let before = tree(&out);
    let deal_file = pipe.join("deals/open/beifang-erp.toml");
    let good = fs::read_to_string(&deal_file).unwrap();
    fs::write(
        &deal_file,
        good.replace("stage = \"solution\"", "stage = \"solutoin\""),
    )
    .unwrap();
    let err = build_fails();
    assert!(err.contains("solutoin"), "{err}");
    assert!(err.contains("beifang-erp.toml"), "{err}");
    assert_eq!(tree(&out), before);
    fs::write(&deal_file, good).unwrap();

    // An output that cannot be written: exit 2.
    fs::write(tmp.path().join("a-file"), "x").unwrap();
    let io = build(&tmp.path().join("a-file/site"));
    assert_eq!(
        io.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&io.stderr)
    );

    // A folder that is not a dealbook site is never replaced.
    let foreign = tmp.path().join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("keep.txt"), "precious").unwrap();
    let refused = build(&foreign);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn output_inside_the_pipeline_is_not_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    copy_dir(&example(), &pipe);
    for _ in 0..2 {
        let st = bin()
            .arg("build")
            .arg(&pipe)
            .arg("--output")
            .arg(pipe.join("site"))
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    }
    // A stray .toml in the output would be a warning if the loader read it.
    fs::write(pipe.join("site/stray.toml"), "x = 1").unwrap();
    let st = bin()
        .arg("build")
        .arg(&pipe)
        .arg("--output")
        .arg(pipe.join("site"))
        .output()
        .unwrap();
    assert!(st.status.success());
    let err = String::from_utf8_lossy(&st.stderr);
    let first_warnings = err.split("warnings").next().unwrap_or_default().to_string();
    assert!(!err.contains("stray.toml"), "{first_warnings}");
    // The default output folder works too.
    let st = bin().arg("build").arg(&pipe).output().unwrap();
    assert!(st.status.success());
    assert!(pipe.join("public/index.html").is_file());
}

#[test]
fn chinese_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    copy_dir(&example(), &pipe);
    let settings = pipe.join("dealbook.toml");
    let s = fs::read_to_string(&settings).unwrap();
    fs::write(
        &settings,
        s.replace("locale = \"en\"", "locale = \"zh-CN\""),
    )
    .unwrap();
    let pages = pages_of(&pipe);
    let index = text(&pages["index.html"]);
    assert!(index.contains("<html lang=\"zh-CN\">"));
    assert!(index.contains("销售总览"));
    assert!(index.contains("本季度 · "));
    assert!(!index.contains("Sales dashboard"));
    // Risk reasons are written in the site's language too.
    let risks = text(&pages["risks.html"]);
    assert!(risks.contains("阶段已停留"), "{risks}");
    assert!(!risks.contains(" days in "), "{risks}");
    let problems = check_links(&pages, None);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_template_is_documented() {
    let doc = fs::read_to_string(repo().join("docs/templates.md")).unwrap();
    for (name, _) in templates::BUILTIN {
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/templates.md does not list {name}"
        );
    }
    for (name, _) in templates::ASSETS {
        assert!(doc.contains(name), "docs/templates.md does not list {name}");
    }
    // And every template on disk is embedded.
    let on_disk: BTreeSet<String> = fs::read_dir(repo().join("templates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    let embedded: BTreeSet<String> = templates::BUILTIN
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn every_label_the_templates_use_exists() {
    let keys: BTreeSet<&str> = site::i18n::all_labels().map(|(k, ..)| *k).collect();
    for (name, src) in templates::BUILTIN {
        for (at, _) in src.match_indices("t.") {
            let before = src[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = src[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(keys.contains(key.as_str()), "{name}: unknown label t.{key}");
        }
    }
}

/// The `<main>` of a page, with SVG charts cut to their titles so the
/// snapshots stay readable.
fn main_content(html: &str) -> String {
    let start = html.find("<main").expect("main");
    let end = html.find("</main>").expect("/main") + "</main>".len();
    let mut s = html[start..end].to_string();
    while let Some(a) = s.find("<svg") {
        let b = s[a..].find("</svg>").map(|k| a + k + 6).unwrap_or(s.len());
        let title = s[a..b]
            .find("<title")
            .and_then(|t| {
                let t = a + t;
                let open_end = s[t..].find('>')? + t + 1;
                let close = s[open_end..].find("</title>")? + open_end;
                Some(s[open_end..close].to_string())
            })
            .unwrap_or_default();
        s.replace_range(a..b, &format!("[svg: {title}]"));
    }
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshots_of_main_content() {
    let pages = pages_of(&example());
    for page in [
        "index.html",
        "funnel.html",
        "deals/beifang-erp.html",
        "accounts/beifang-rail.html",
        "risks.html",
        "warnings.html",
    ] {
        let name = page.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("site_{name}"), main_content(text(&pages[page])));
    }
}

#[test]
fn an_asset_override_replaces_the_built_in_one_by_name() {
    let o = templates::Overrides {
        templates: vec![],
        assets: vec![
            ("style.css".into(), b"body { color: teal; }".to_vec()),
            ("logo.svg".into(), b"<svg/>".to_vec()),
        ],
        skipped: vec![],
    };
    let pages = render(&example(), &o, None);
    let assets: Vec<&Page> = pages
        .iter()
        .filter(|p| p.path.starts_with("assets/"))
        .collect();
    // The built-in ones once each (one of them replaced), plus the new one.
    assert_eq!(assets.len(), templates::ASSETS.len() + 1);
    let get = |path: &str| &assets.iter().find(|p| p.path == path).unwrap().bytes;
    assert_eq!(get("assets/style.css"), b"body { color: teal; }");
    assert_eq!(get("assets/logo.svg"), b"<svg/>");
    let builtin_js = templates::ASSETS.iter().find(|(n, _)| *n == "app.js");
    assert_eq!(get("assets/app.js"), builtin_js.unwrap().1);
}

/// A list over 1,000 rows is split into pages (`deals.html`,
/// `deals-2.html`) that link to each other, each with its own rows, and
/// every deal is on exactly one of them.
#[test]
fn long_lists_are_split_into_linked_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    copy_dir(&example(), &pipe);
    // 107 deals in the example + 1,000 lost copies of one = 1,107 rows.
    let deal = fs::read_to_string(pipe.join("deals/2025/anke-erp-2025.toml")).unwrap();
    let bulk = pipe.join("deals/bulk");
    fs::create_dir_all(&bulk).unwrap();
    for i in 0..1000 {
        fs::write(bulk.join(format!("bulk-{i:04}.toml")), &deal).unwrap();
    }
    let pages = pages_of(&pipe);
    assert!(!pages.contains_key("deals-3.html"));
    let first = text(&pages["deals.html"]);
    let second = text(&pages["deals-2.html"]);
    let rows = |html: &str| html.matches("href=\"deals/").count();
    assert_eq!(rows(first), 1000, "first page: 1,000 deal links");
    assert_eq!(rows(second), 107, "second page: the rest");
    assert!(first.contains("Rows 1–1,000 of 1,107"), "{first}");
    assert!(second.contains("Rows 1,001–1,107 of 1,107"));
    assert!(first.contains("rel=\"next\" href=\"deals-2.html\""));
    assert!(second.contains("rel=\"prev\" href=\"deals.html\""));
    // Each deal is listed once over the two pages.
    let ids = |html: &str| -> BTreeSet<String> {
        html.split("href=\"deals/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let (a, b) = (ids(first), ids(second));
    assert_eq!(a.len() + b.len(), 1107);
    assert!(a.is_disjoint(&b));
    let problems = check_links(&pages, None);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The rows of both pages are written as data for a filter (only for
    // the list that is split), in the list's order, each with the filter
    // keys of its row as built.
    assert!(first.contains("data-rows=\"rows/deals.js\""));
    assert!(!first.contains("href=\"rows/"), "no page links to the data");
    assert!(!pages.contains_key("rows/accounts.js"));
    let js = text(&pages["rows/deals.js"]);
    let json = js
        .split_once("]=")
        .map(|(_, j)| j.trim_end().trim_end_matches(';'))
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["kind"], "deals");
    let (t, r) = (data["t"].as_array().unwrap(), data["r"].as_array().unwrap());
    assert_eq!(r.len(), 1107);
    let built_keys = |html: &str| -> Vec<(String, BTreeSet<String>)> {
        html.split("data-keys=\"")
            .skip(1)
            .map(|s| {
                let (keys, rest) = s.split_once('"').unwrap();
                let id = rest.split("href=\"deals/").nth(1).unwrap();
                let id = id.split(".html").next().unwrap().to_string();
                (id, keys.split(' ').map(String::from).collect())
            })
            .collect()
    };
    let mut built = built_keys(first);
    built.extend(built_keys(second));
    assert_eq!(built.len(), 1107);
    for (row, (id, keys)) in r.iter().zip(&built) {
        assert_eq!(row[0].as_str().unwrap(), id, "the list's order");
        let data_keys: BTreeSet<String> = row[18]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| t[g.as_u64().unwrap() as usize].as_str().unwrap().split(' '))
            .map(String::from)
            .collect();
        assert_eq!(&data_keys, keys, "{id}");
    }
    // The example alone fits on a page: no data.
    let small = pages_of(&example());
    assert!(!small.keys().any(|k| k.starts_with("rows/")));
    assert!(!text(&small["deals.html"]).contains("data-rows"));
}
