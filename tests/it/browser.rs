//! The built site in a real browser: headless Chromium driven over
//! WebDriver by chromedriver, spoken to over HTTP with `ureq` (the client
//! is tests/it/common/webdriver.rs; see tests/README.md). It opens every kind
//! of page of the example pipeline and checks that there are no console
//! errors, that the figures shown are the analytics' figures, that sorting
//! and filtering work, that the pages are complete with JavaScript off,
//! that the phone layout does not overflow, that hostile text runs
//! nothing, and that the site works over HTTP under a sub-path.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them). Without them the tests are skipped, saying so on the terminal,
//! unless `DEALBOOK_REQUIRE_BROWSER=1` (set by `.ci/run`) makes them fail.
//! `DEALBOOK_CHROMIUM` and `DEALBOOK_CHROMEDRIVER` override where they are
//! looked for.

use crate::common;

use common::repo;
use common::webdriver::{Driver, Session, tools};
use dealbook::analytics::ScopeKind;
use dealbook::analytics::{self, Analytics, Status};
use dealbook::load::LoadOptions;
use dealbook::site::i18n::Fmt;
use dealbook::{Checked, fmt, load_and_check};
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// Builds a pipeline with the command into a fresh folder.
fn build(pipeline: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    common::build(pipeline, &out.path().join("site"));
    out
}

/// The checked pipeline and its analytics (whose deals point into it).
fn analytics_of(pipeline: &Path) -> (Checked, Analytics) {
    let c = load_and_check(
        pipeline,
        &LoadOptions::default(),
        None,
        jiff::civil::date(2026, 11, 15),
    );
    let a = analytics::compute(&c.pipeline, c.as_of, &analytics::Options::default());
    (c, a)
}

/// A card's figure as shown and its tooltip (the exact figure).
fn card(s: &Session<'_>, key: &str) -> (String, String) {
    let sel = format!("[data-kpi=\"{key}\"] .kpi-value");
    let title = s.js(&format!(
        "return document.querySelector('{}').getAttribute('title') || '';",
        sel.replace('\'', "\\'")
    ));
    (s.text(&sel), title.as_str().unwrap_or_default().to_string())
}

fn file_url(dir: &Path, page: &str) -> String {
    format!("file://{}/{page}", dir.join("site").display())
}

/// Every kind of page, with its checks.
const PAGES: &[&str] = &[
    "index.html",
    "funnel.html",
    "forecast.html",
    "forecast/2026-Q4.html",
    "team.html",
    "teams/east.html",
    "people/zhang-min.html",
    "accounts.html",
    "accounts/huaxing-power.html",
    "deals.html",
    "deals/beifang-erp.html",
    "risks.html",
    "risks/backward.html",
    "targets.html",
    "winloss.html",
    "warnings.html",
];

/// The tables that scroll inside their box (cut off), by id.
const SCROLLING_TABLES: &str = "return Array.prototype.filter.call(document.querySelectorAll('.table-wrap'), function (w) { return w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1; }).map(function (w) { var t = w.querySelector('table'); return (t ? t.id : '?') + ' by ' + (w.scrollWidth - w.clientWidth); });";

/// On a phone: rows of lists that leave the screen, and deal cards whose
/// name, amount, close, stage or risks are not shown.
const PHONE_CARDS: &str = r#"
function shown(e) {
  if (!e) return false;
  var b = e.getBoundingClientRect();
  return b.width > 0 && b.height > 0 && b.left >= -1 && b.right <= window.innerWidth + 1 && getComputedStyle(e).visibility !== 'hidden';
}
var bad = [];
document.querySelectorAll('table.cards').forEach(function (t) {
  if (t.offsetParent === null || !t.tBodies.length) return;
  Array.prototype.forEach.call(t.tBodies[0].rows, function (r, i) {
    var b = r.getBoundingClientRect();
    if (b.left < -1 || b.right > window.innerWidth + 1) bad.push(t.id + ' row ' + i + ' leaves the screen');
    if (!t.classList.contains('deal-list')) return;
    ['.c-main a', '.c-amount', '.c-close'].forEach(function (sel) {
      if (!shown(r.querySelector(sel))) bad.push(t.id + ' row ' + i + ': ' + sel + ' not shown');
    });
    if (!shown(r.querySelector('.c-stage') || r.querySelector('.c-main .stage'))) bad.push(t.id + ' row ' + i + ': stage not shown');
    var risk = r.querySelector('[class*="risk-"]');
    if (risk && !shown(risk)) bad.push(t.id + ' row ' + i + ': risk not shown');
  });
});
return bad.slice(0, 10);
"#;

/// Forecast charts shown: value labels that overlap a target line or
/// another label.
const CHART_OVERLAPS: &str = r#"
function hit(a, b) { return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height; }
var bad = [];
document.querySelectorAll('svg.chart.forecast').forEach(function (svg) {
  if (getComputedStyle(svg).display === 'none') return;
  var labels = Array.prototype.map.call(svg.querySelectorAll('text.val'), function (t) { return [t.textContent, t.getBBox()]; });
  var lines = Array.prototype.map.call(svg.querySelectorAll('.bar line.target'), function (l) { var b = l.getBBox(); return { x: b.x - 1, y: b.y - 1, width: b.width + 2, height: b.height + 2 }; });
  labels.forEach(function (l, i) {
    lines.forEach(function (b) { if (hit(l[1], b)) bad.push(svg.id + ': ' + l[0] + ' on a target line'); });
    labels.slice(i + 1).forEach(function (m) { if (hit(l[1], m[1])) bad.push(svg.id + ': ' + l[0] + ' on ' + m[0]); });
  });
});
return bad;
"#;

#[test]
fn every_kind_of_page_in_a_real_browser() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let (c, a) = analytics_of(&example);
    let out = build(&example);
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    let cur = a.currency.as_str();

    for page in PAGES {
        s.goto(&file_url(out.path(), page));
        let errors = s.errors();
        assert!(errors.is_empty(), "{page}: console errors: {errors:?}");
        let title = s.js("return document.title;");
        assert!(
            title.as_str().unwrap().ends_with(&a.org),
            "{page}: title {title}"
        );
        assert!(!s.text("main h1").is_empty(), "{page}: no heading");
        // The script ran: every sortable table got its buttons.
        let sortable = s.count("table[data-sortable]");
        if sortable > 0 {
            assert!(s.count("th button.sort") > 0, "{page}: tables not enhanced");
        }
        // Charts have an accessible name.
        let unnamed = s.js(
            "return Array.prototype.filter.call(document.querySelectorAll('svg.chart'), function (c) { var t = c.querySelector('title'); return !t || !t.textContent.trim() || !c.getAttribute('aria-labelledby'); }).length;",
        );
        assert_eq!(unnamed, json!(0), "{page}: chart without a title");
        // Nothing sticks out of the page sideways, and no table is cut off
        // (none scrolls inside its box at 1440 px).
        let overflow = s.js("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{page}: page wider than the window by {overflow}"
        );
        assert_eq!(
            s.js(SCROLLING_TABLES),
            json!([]),
            "{page}: tables cut off at 1440 px"
        );
        // Charts' figures sit clear of the target lines and of each other.
        assert_eq!(
            s.js(CHART_OVERLAPS),
            json!([]),
            "{page}: chart labels overlap"
        );
    }

    // The dashboard shows the analytics' figures: money in the charts'
    // compact style (`Fmt::card`), the exact amount as the card's tooltip.
    s.goto(&file_url(out.path(), "index.html"));
    let k = &a.kpis;
    let fm = Fmt {
        currency: cur.to_string(),
        locale: dealbook::model::Locale::En,
    };
    for (key, m) in [
        ("won", k.won),
        ("commit", k.commit),
        ("weighted", k.weighted),
        ("open_deals", k.open_amount),
    ] {
        let (shown, exact) = card(&s, key);
        assert_eq!(shown, fm.card(m), "dashboard figure {key}");
        assert_eq!(exact, fmt::money(m, cur), "dashboard figure {key}, exact");
    }
    for (key, want) in [
        ("coverage", fmt::multiple(k.coverage)),
        ("win_rate", fmt::percent(k.win_rate)),
        ("open_risks", k.open_risks.to_string()),
        ("overdue_follow_ups", k.overdue_follow_ups.to_string()),
    ] {
        let shown = s.text(&format!("[data-kpi=\"{key}\"] .kpi-value"));
        assert_eq!(shown, want, "dashboard figure {key}");
    }
    let won_sub = s.text("[data-kpi=\"won\"] .kpi-sub");
    assert!(won_sub.contains(&fmt::percent(k.attainment)), "{won_sub}");
    assert!(won_sub.contains(&fm.opt_card(k.target)), "{won_sub}");

    // A period page shows that period's forecast.
    let q4 = a
        .forecast
        .iter()
        .find(|r| r.period.to_string() == "2026-Q4" && r.scope.kind == ScopeKind::Org)
        .unwrap();
    s.goto(&file_url(out.path(), "forecast/2026-Q4.html"));
    for (key, m) in [
        ("won", q4.won),
        ("commit", q4.commit),
        ("pipeline", q4.pipeline),
    ] {
        assert_eq!(card(&s, key), (fm.card(m), fmt::money(m, cur)), "{key}");
    }

    // A deal page shows the deal's amount; the funnel its totals.
    let p = &c.pipeline;
    let deal = a
        .deals
        .iter()
        .find(|x| p.deals[x.deal].id.as_str() == "beifang-erp")
        .unwrap();
    s.goto(&file_url(out.path(), "deals/beifang-erp.html"));
    assert_eq!(
        card(&s, "amount"),
        (
            fm.card(deal.amount_reporting),
            fmt::money(deal.amount_reporting, cur)
        )
    );
    s.goto(&file_url(out.path(), "funnel.html"));
    assert_eq!(
        s.text("#funnel tfoot td:nth-child(4)"),
        fmt::money(a.funnel.amount, cur)
    );

    // The deals list has every deal (the example fits one page).
    s.goto(&file_url(out.path(), "deals.html"));
    assert_eq!(s.visible_rows("#deals"), a.deals.len());

    // Sorting: by amount, largest first, then smallest first.
    let col = s
        .js("return Array.prototype.findIndex.call(document.querySelectorAll('#deals thead th'), function (th) { return th.textContent.indexOf('Amount') === 0; });")
        .as_u64()
        .expect("an Amount column") as usize;
    let amounts = |s: &Session<'_>| -> Vec<f64> {
        s.js(&format!(
            "return Array.prototype.map.call(document.querySelectorAll('#deals tbody tr'), function (r) {{ return parseFloat(r.cells[{col}].getAttribute('data-sort')); }});"
        ))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
    };
    let button = format!("#deals thead th:nth-child({}) button.sort", col + 1);
    s.click(&button);
    let v = amounts(&s);
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "not descending: {v:?}");
    assert_eq!(
        s.js(&format!(
            "return document.querySelectorAll('#deals thead th')[{col}].getAttribute('aria-sort');"
        )),
        json!("descending")
    );
    s.click(&button);
    let v = amounts(&s);
    assert!(v.windows(2).all(|w| w[0] <= w[1]), "not ascending: {v:?}");
    let max = a
        .deals
        .iter()
        .map(|d| d.amount_reporting.get())
        .max()
        .unwrap();
    assert_eq!(
        *v.last().unwrap(),
        max.to_string().parse::<f64>().unwrap(),
        "largest amount last"
    );
    // Sorting by a text column (deal name) also works.
    s.click("#deals thead th:nth-child(1) button.sort");
    let names: Vec<String> = s
        .js("return Array.prototype.map.call(document.querySelectorAll('#deals tbody tr'), function (r) { return r.cells[0].getAttribute('data-sort'); });")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_lowercase())
        .collect();
    assert_eq!(names.len(), a.deals.len());
    assert!(names.first() <= names.last(), "names not ascending");

    // Filtering: typing narrows the rows; a drop-down picks a stage.
    s.type_into("#deals-filter", "rail-equipment division");
    assert_eq!(s.visible_rows("#deals"), 1);
    assert!(
        s.text(".table-tools .shown")
            .contains(&format!("1 of {}", a.deals.len()))
    );
    s.clear("#deals-filter");
    s.type_into("#deals-filter", " ");
    assert_eq!(s.visible_rows("#deals"), a.deals.len());
    let negotiation = a
        .deals
        .iter()
        .filter(|d| p.settings.stages[d.stage].name == "Negotiation")
        .count();
    assert!(negotiation > 0);
    s.click("select[aria-label=\"Filter: Stage\"]");
    s.click("select[aria-label=\"Filter: Stage\"] option[value=\"negotiation\"]");
    assert_eq!(s.visible_rows("#deals"), negotiation);
    // Both at once: stage and text.
    s.type_into("#deals-filter", "zzz-no-such-deal");
    assert_eq!(s.visible_rows("#deals"), 0);
    assert!(s.count(".table-tools .nomatch:not([hidden])") == 1);

    // Filtering the risks of a person by signal.
    s.goto(&file_url(out.path(), "risks.html"));
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");

    let errors = s.errors();
    assert!(
        errors.is_empty(),
        "console errors after interacting: {errors:?}"
    );
}

#[test]
fn pages_are_complete_without_javascript() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let (_, a) = analytics_of(&example);
    let out = build(&example);
    let d = Driver::start(&t);
    let s = d.session(false, 1440);
    for page in PAGES {
        s.goto(&file_url(out.path(), page));
        let errors = s.errors();
        assert!(errors.is_empty(), "{page}: console errors: {errors:?}");
        // The script did not run: no buttons, no filter boxes…
        assert_eq!(s.count("button.sort"), 0, "{page}: JavaScript ran");
        assert_eq!(s.count(".table-tools"), 0, "{page}");
        assert!(!s.text("main h1").is_empty());
    }
    // …and yet every row and figure is there.
    s.goto(&file_url(out.path(), "deals.html"));
    assert_eq!(s.visible_rows("#deals"), a.deals.len());
    s.goto(&file_url(out.path(), "accounts.html"));
    assert_eq!(s.visible_rows("#accounts"), a.accounts.len());
    s.goto(&file_url(out.path(), "risks.html"));
    let at_risk = a.deals.iter().filter(|d| !d.risks.is_empty()).count();
    assert_eq!(s.visible_rows("#at-risk"), at_risk);
    // A filter in the URL does nothing without the script: every row.
    s.goto(&file_url(out.path(), "deals.html#q=cat:won"));
    assert_eq!(s.visible_rows("#deals"), a.deals.len());
    assert_eq!(s.count(".filters[hidden]"), 1, "the drop-downs stay hidden");
    assert_eq!(s.count("#search[hidden]"), 1, "so does the search box");
    s.goto(&file_url(out.path(), "index.html"));
    let fm = Fmt {
        currency: a.currency.clone(),
        locale: dealbook::model::Locale::En,
    };
    assert_eq!(
        card(&s, "won"),
        (fm.card(a.kpis.won), fmt::money(a.kpis.won, &a.currency))
    );
    // The phone menu is a checkbox and a label: it opens without script.
    let s = d.session(false, 375);
    s.goto(&file_url(out.path(), "index.html"));
    let nav_visible = "return getComputedStyle(document.getElementById('nav')).display !== 'none';";
    assert_eq!(s.js(nav_visible), json!(false), "menu closed at first");
    // (A click through the driver needs script in the page; toggling the
    // checkbox is what the label does natively.)
    assert_eq!(
        s.js("return document.querySelector('label.nav-toggle-label').htmlFor;"),
        json!("nav-toggle")
    );
    s.js("document.getElementById('nav-toggle').checked = true; return 0;");
    assert_eq!(s.js(nav_visible), json!(true), "menu opens");
    assert_eq!(
        a.deals.iter().filter(|d| d.status == Status::Open).count(),
        a.kpis.open_deals
    );
}

#[test]
fn phone_layout_fits_and_switches_charts() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let out = build(&example);
    let d = Driver::start(&t);
    let s = d.session(true, 375);
    for page in PAGES {
        s.goto(&file_url(out.path(), page));
        // Chromium's phone emulation settles the page scale a frame or
        // two after the load event (under load it can report a zoomed-out
        // window for a moment): wait for the width the page ends up with.
        let mut width = 0;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            width = s.js("return window.innerWidth;").as_i64().unwrap();
            if width == 375 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert_eq!(
            width, 375,
            "{page}: phone emulation (a wider window means the page is wider than the screen)"
        );
        let errors = s.errors();
        assert!(errors.is_empty(), "{page}: console errors: {errors:?}");
        // Neither the page nor any list scrolls sideways: every list is one
        // card per row, and a deal's card shows what matters.
        let overflow = s.js("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{page} at {width}px: page wider than the screen by {overflow}"
        );
        assert_eq!(
            s.js(SCROLLING_TABLES),
            json!([]),
            "{page}: a list scrolls sideways on a phone"
        );
        assert_eq!(
            s.js(PHONE_CARDS),
            json!([]),
            "{page}: a card hides what matters"
        );
        if s.count("svg.chart") > 0 {
            let shown = s.js("return Array.prototype.filter.call(document.querySelectorAll('svg.chart'), function (c) { return getComputedStyle(c).display !== 'none'; }).map(function (c) { return c.classList.contains('narrow'); });");
            let shown = shown.as_array().unwrap();
            assert!(!shown.is_empty(), "{page}: no chart shown");
            assert!(
                shown.iter().all(|n| n == &json!(true)),
                "{page}: wide chart on a phone"
            );
        }
    }
}

#[test]
fn hostile_text_runs_nothing_in_the_browser() {
    let Some(t) = tools() else { return };
    let fixture = repo().join("tests/fixtures/site-evil");
    let out = build(&fixture);
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    let mut pages: Vec<String> = Vec::new();
    let root = out.path().join("site");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                pages.push(
                    p.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    pages.sort();
    assert!(pages.len() > 20);
    for page in &pages {
        s.goto(&file_url(out.path(), page));
        // Move over and into everything, so mouse and focus handlers
        // would fire if there were any.
        s.js("document.querySelectorAll('main *').forEach(function (e) { ['mouseover', 'mouseenter', 'focus', 'click'].forEach(function (t) { try { if (t === 'click' && e.tagName === 'A') return; e.dispatchEvent(new Event(t)); } catch (x) {} }); }); return 0;");
        let title = s.js("return document.title;");
        let title = title.as_str().unwrap();
        assert_ne!(title, "pwned", "{page}: a payload ran");
        assert!(
            title.contains("Evil & Co"),
            "{page}: title changed: {title}"
        );
        assert_eq!(
            s.js("return typeof window.__pwned;"),
            json!("undefined"),
            "{page}: a payload ran"
        );
        assert_eq!(s.count("script"), 1, "{page}");
        assert_eq!(
            s.count("main iframe, main img, main style, main object, main embed"),
            0,
            "{page}"
        );
        // CSP violations would show up here too.
        let errors = s.errors();
        assert!(errors.is_empty(), "{page}: console errors: {errors:?}");
    }
    // The payloads are on the page as text.
    s.goto(&file_url(out.path(), "deals/acme-deal.html"));
    assert!(
        s.text("main h1")
            .contains("</title><script>document.title='pwned'</script>Deal")
    );
    assert!(
        s.text("#needs")
            .contains("<script>window.__pwned=1</script>pain")
    );
}

/// A tiny static file server for `dir` under `prefix`, on a thread.
fn serve(dir: PathBuf, prefix: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir, prefix));
        }
    });
    port
}

fn answer(mut stream: TcpStream, dir: &Path, prefix: &str) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let file = path
        .strip_prefix(prefix)
        .filter(|rest| !rest.split('/').any(|s| s == ".."))
        .map(|rest| dir.join(if rest.is_empty() { "index.html" } else { rest }));
    let (status, body, kind) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, b)) => {
            let kind = match f.extension().and_then(|x| x.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("svg") => "image/svg+xml",
                Some("json") => "application/json",
                Some("csv") => "text/csv",
                _ => "application/octet-stream",
            };
            ("200 OK", b, kind)
        }
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

#[test]
fn works_over_http_under_a_sub_path() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let out = build(&example);
    let port = serve(out.path().join("site"), "/team/sales/pipeline/");
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    let base = format!("http://127.0.0.1:{port}/team/sales/pipeline/");
    for page in PAGES {
        s.goto(&format!("{base}{page}"));
        let errors = s.errors();
        assert!(
            errors.is_empty(),
            "{page} over HTTP: console errors: {errors:?}"
        );
        assert!(s.count("th button.sort") > 0 || s.count("table[data-sortable]") == 0);
    }
    // Following links stays under the prefix.
    s.goto(&format!("{base}deals/beifang-erp.html"));
    s.click("header.page-head .eyebrow a[href$=\"accounts/beifang-rail.html\"]");
    let url = s.call("GET", "/url", None);
    assert_eq!(url, json!(format!("{base}accounts/beifang-rail.html")));
    s.click("nav#nav a[href$=\"risks.html\"]");
    let url = s.call("GET", "/url", None);
    assert_eq!(url, json!(format!("{base}risks.html")));
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");
}

/// The history's pages of a pipeline in git (the repository of
/// tests/it/history.rs): the Trends page shows `dealbook history`'s figures
/// (each snapshot of the quarter's trend, the chart's points, "Since last
/// week", forecast accuracy of the closed quarter), a deal page its
/// changes; with JavaScript and without, on a wide screen and a phone.
#[test]
fn the_trends_page_shows_the_history() {
    let Some(t) = tools() else { return };
    let r = common::scenario::scenario();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let b = r.dealbook(&["build", ".", "--output", site.to_str().unwrap()]);
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let h = r.dealbook(&["history", ".", "--format", "json"]);
    assert!(h.status.success(), "{}", String::from_utf8_lossy(&h.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&h.stdout).unwrap();
    let org = doc["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scope"]["kind"] == "org")
        .unwrap()["points"]
        .as_array()
        .unwrap()
        .clone();
    let url = |page: &str| format!("file://{}/{page}", site.display());
    let d = Driver::start(&t);
    for (js, width) in [(true, 1440), (false, 375)] {
        let s = d.session(js, width);
        s.goto(&url("trends.html"));
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        let overflow = s.js("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{width}px: wider by {overflow}"
        );
        // The menu has the page.
        assert_eq!(s.count("#nav a[href=\"trends.html\"]"), 1);
        // Every snapshot's figures, as the history computed them: the raw
        // values of the cells are the JSON's.
        let rows = s.js(
            "return Array.prototype.map.call(document.querySelectorAll('#chart-trend-table tbody tr'), function (r) { return { date: r.getAttribute('data-date'), invalid: r.classList.contains('invalid'), cells: Array.prototype.map.call(r.querySelectorAll('td[data-sort]'), function (c) { return c.getAttribute('data-sort'); }) }; });",
        );
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), org.len());
        for (row, p) in rows.iter().zip(&org) {
            assert_eq!(row["date"], p["date"]);
            if p["errors"].as_u64().unwrap() > 0 {
                assert_eq!(row["invalid"], true, "{}", p["date"]);
                continue;
            }
            let want: Vec<String> = [
                "won",
                "commit",
                "best_case",
                "pipeline",
                "weighted",
                "target",
                "open_deals",
            ]
            .iter()
            .map(|k| match &p[k] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                v => v.to_string(),
            })
            .collect();
            let got: Vec<String> = row["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            assert_eq!(got, want, "{}", p["date"]);
        }
        // The chart (the one shown at this width) has a point per valid
        // snapshot on each line.
        let valid = org.iter().filter(|p| p["errors"] == 0).count() as u64;
        let shown = if width < 500 {
            "#chart-trend-n"
        } else {
            "#chart-trend"
        };
        assert_eq!(
            s.js(&format!(
                "return document.querySelectorAll('{shown} g.series.tl-won .mk').length;"
            )),
            json!(valid)
        );
        assert_eq!(
            s.js(&format!(
                "return getComputedStyle(document.querySelector('{shown}')).display !== 'none';"
            )),
            json!(true)
        );
        // Since last week: every bucket of the quarter, as computed.
        let last = doc["weekly"].as_array().unwrap().last().unwrap();
        let buckets = s.js(
            "return Array.prototype.map.call(document.querySelectorAll('#since-table tbody tr'), function (r) { return [r.getAttribute('data-bucket'), r.querySelector('td.num').getAttribute('data-sort')]; });",
        );
        let buckets = buckets.as_array().unwrap();
        assert_eq!(buckets.first().unwrap()[0], "start");
        assert_eq!(buckets.last().unwrap()[0], "end");
        for b in buckets {
            let key = b[0].as_str().unwrap();
            assert_eq!(b[1], last["period"][key]["amount"], "bucket {key}");
        }
        assert!(s.text("#since-table").contains("Delta CRM"));
        // Forecast accuracy of Q3: the organisation's row.
        let q3 = &doc["accuracy"]["periods"][0];
        let org_acc = &q3["scopes"][0];
        let cells = s.js(
            "return Array.prototype.map.call(document.querySelectorAll('#accuracy-2026-Q3 tbody tr:first-child td[data-sort]'), function (c) { return c.getAttribute('data-sort'); });",
        );
        let cells = cells.as_array().unwrap();
        assert_eq!(cells[0], org_acc["actual"]);
        let n = cells.len();
        assert_eq!(cells[n - 4], org_acc["commit_mae"]);
        assert_eq!(cells[n - 3], org_acc["commit_bias"]);
        assert_eq!(cells[n - 2], org_acc["weighted_mae"]);
        assert_eq!(cells[n - 1], org_acc["weighted_bias"]);
        // A deal's changes: one row per entry of its log.
        s.goto(&url("deals/gamma.html"));
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        let gamma = doc["deals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "gamma")
            .unwrap();
        assert_eq!(
            s.count("#changes-table tbody tr"),
            gamma["entries"].as_array().unwrap().len()
        );
        assert!(s.text("#changes").contains("2026-11-15 → 2026-12-20"));
        // The dashboard has the panel; a team page its trend.
        s.goto(&url("index.html"));
        assert_eq!(s.count("#since-last-week"), 1);
        s.goto(&url("teams/west.html"));
        assert_eq!(s.count("#trend svg.chart"), 2);
        let overflow = s.js("return document.documentElement.scrollWidth - window.innerWidth;");
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "team page at {width}px: wider by {overflow}"
        );
        // The pages the history adds to keep the site's rules: no list
        // cut off on a wide screen or sideways on a phone, cards that show
        // what matters, text that contrasts in light and dark.
        for page in [
            "trends.html",
            "index.html",
            "forecast.html",
            "deals/gamma.html",
            "teams/west.html",
            "people/li-wei.html",
        ] {
            s.goto(&url(page));
            assert_eq!(
                s.js(SCROLLING_TABLES),
                json!([]),
                "{page} at {width}px: a list cut off"
            );
            if width < 500 {
                assert_eq!(
                    s.js(PHONE_CARDS),
                    json!([]),
                    "{page}: a card hides what matters"
                );
            }
            for scheme in ["light", "dark"] {
                s.emulate_media("", &[("prefers-color-scheme", scheme)]);
                s.goto(&url(page));
                assert_eq!(
                    s.js(LOW_CONTRAST),
                    json!([]),
                    "{page} ({scheme}, {width} px): text under 4.5:1"
                );
            }
            s.emulate_media("", &[]);
        }
    }
}

/// The Win/loss page of tests/fixtures/winloss-small shows the analytics'
/// figures: the cards, every competitor and lost reason, every cell of the
/// chart, and a link to each won and lost deal of the year.
#[test]
fn winloss_page_shows_the_analytics() {
    let Some(t) = tools() else { return };
    let fixture = repo().join("tests/fixtures/winloss-small");
    let (c, a) = analytics_of(&fixture);
    let out = build(&fixture);
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    s.goto(&file_url(out.path(), "winloss.html"));
    let errors = s.errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    let cur = a.currency.as_str();
    let year = a.current.year;
    let w = a
        .winloss
        .iter()
        .find(|w| w.period == year && w.scope.kind == ScopeKind::Org)
        .unwrap();
    assert_eq!(
        s.text("[data-kpi=\"win_rate\"] .kpi-value"),
        fmt::percent(w.win_rate)
    );
    let fm = Fmt {
        currency: cur.to_string(),
        locale: dealbook::model::Locale::En,
    };
    assert_eq!(
        card(&s, "lost"),
        (fm.card(w.lost_amount), fmt::money(w.lost_amount, cur))
    );
    // The competitors table, row by row.
    let cells = |table: &str| -> Vec<Vec<String>> {
        serde_json::from_value(s.js(&format!(
            "return Array.prototype.map.call(document.querySelectorAll('#{table} tbody tr'), function (r) {{ return Array.prototype.map.call(r.cells, function (c) {{ return c.textContent.trim(); }}); }});"
        )))
        .unwrap()
    };
    let rows = cells("competitors-table");
    assert_eq!(rows.len(), w.competitors.len());
    for (row, c) in rows.iter().zip(&w.competitors) {
        assert_eq!(
            row,
            &[
                c.competitor.clone(),
                c.open_deals.to_string(),
                fmt::money(c.open_amount, cur),
                c.won.to_string(),
                c.lost.to_string(),
                fmt::percent(c.win_rate),
                fmt::money(c.lost_amount, cur),
            ]
        );
    }
    let rows = cells("reasons-table");
    assert_eq!(rows.len(), w.lost_reasons.len());
    for (row, r) in rows.iter().zip(&w.lost_reasons) {
        assert_eq!(
            row[..3],
            [
                r.reason.clone(),
                r.deals.to_string(),
                fmt::money(r.amount, cur)
            ]
        );
    }
    // The chart: a bar for each competitor and quarter with closed deals,
    // its tooltip the analytics' figures.
    let tips: Vec<String> = serde_json::from_value(s.js(
        "return Array.prototype.map.call(document.querySelectorAll('svg#chart-winrate rect.s-won title'), function (t) { return t.textContent; });",
    ))
    .unwrap();
    let cal = c.pipeline.settings.calendar();
    let mut quarters = cal.children(a.current.previous_year);
    quarters.extend(cal.children(year));
    let mut want = Vec::new();
    for name in w.competitors.iter().map(|c| &c.competitor) {
        for q in &quarters {
            let row = a
                .winloss
                .iter()
                .find(|x| x.period == *q && x.scope.kind == ScopeKind::Org)
                .unwrap();
            if let Some(x) = row.competitors.iter().find(|x| &x.competitor == name)
                && x.win_rate.is_some()
            {
                want.push(format!(
                    "{name} · {q}: {} won, {} lost, win rate {}",
                    x.won,
                    x.lost,
                    fmt::percent(x.win_rate)
                ));
            }
        }
    }
    assert!(!want.is_empty());
    assert_eq!(tips, want);
    // Every won and lost deal of the year links to its page.
    let closed: Vec<String> = a
        .deals
        .iter()
        .filter(|d| d.status != Status::Open && d.close.is_some_and(|x| cal.contains(year, x)))
        .map(|d| format!("deals/{}.html", c.pipeline.deals[d.deal].id))
        .collect();
    let mut links: Vec<String> = serde_json::from_value(s.js(
        "return Array.prototype.map.call(document.querySelectorAll('#closed-table tbody tr td:first-child a'), function (a) { return a.getAttribute('href'); });",
    ))
    .unwrap();
    links.sort();
    let mut closed = closed;
    closed.sort();
    assert_eq!(links, closed);
    s.click("#closed-table tbody tr td:first-child a");
    assert!(s.text("main h1").len() > 1);
    let errors = s.errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

/// The deals of the commit of `period`: won, and open in commit, closing
/// in it.
fn commit_deals<'a>(
    a: &'a Analytics,
    cal: &dealbook::period::Calendar,
    period: dealbook::period::Period,
) -> Vec<&'a dealbook::analytics::figures::DealFigures> {
    a.deals
        .iter()
        .filter(|d| d.close.is_some_and(|x| cal.contains(period, x)))
        .filter(|d| {
            d.status == Status::Won
                || (d.status == Status::Open && d.category == dealbook::model::Category::Commit)
        })
        .collect()
}

/// The text of the cells of a table's footer with `data-total` (amount,
/// weighted…), by name.
fn footer_total(s: &Session<'_>, table: &str, name: &str) -> String {
    s.text(&format!("{table} tfoot [data-total=\"{name}\"]"))
}

#[test]
fn a_filter_set_in_the_url_shows_its_rows_and_totals() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let (c, a) = analytics_of(&example);
    let out = build(&example);
    let cur = a.currency.as_str();
    let cal = c.pipeline.settings.calendar();
    let q4 = dealbook::period::Period::parse("2026-Q4").unwrap();
    let org = a
        .forecast
        .iter()
        .find(|r| r.period == q4 && r.scope.kind == ScopeKind::Org)
        .unwrap();
    // This quarter's commit: its won and open commit deals.
    let commit = commit_deals(&a, &cal, q4);
    let weighted: dealbook::money::Money = commit.iter().map(|d| d.weighted).sum();
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    s.goto(&file_url(
        out.path(),
        "deals.html#q=period:2026-Q4+cat:won,commit",
    ));
    assert_eq!(s.visible_rows("#deals"), commit.len());
    assert_eq!(
        footer_total(&s, "#deals", "amount"),
        fmt::money(org.commit, cur)
    );
    assert_eq!(
        footer_total(&s, "#deals", "weighted"),
        fmt::money(weighted, cur)
    );
    assert_eq!(
        s.text("#deals tfoot th"),
        format!("Total ({})", commit.len()),
        "the count of the rows shown"
    );
    // The drop-downs show the state, a value list as one option.
    assert_eq!(
        s.js("return document.querySelector('select[data-facet=\"period\"]').value;"),
        json!("2026-Q4")
    );
    assert_eq!(
        s.js("return document.querySelector('select[data-facet=\"cat\"]').value;"),
        json!("won,commit")
    );
    // Narrowing by owner through the drop-down updates rows, totals and URL.
    let tom: Vec<_> = commit
        .iter()
        .filter(|d| c.pipeline.deals[d.deal].owner.value.as_str() == "tom-wu")
        .collect();
    assert!(!tom.is_empty() && tom.len() < commit.len());
    s.js("var x = document.querySelector('select[data-facet=\"owner\"]'); x.value = 'tom-wu'; x.dispatchEvent(new Event('change')); return 0;");
    assert_eq!(s.visible_rows("#deals"), tom.len());
    let tom_amount: dealbook::money::Money = tom.iter().map(|d| d.amount_reporting).sum();
    assert_eq!(
        footer_total(&s, "#deals", "amount"),
        fmt::money(tom_amount, cur)
    );
    assert!(
        s.url()
            .ends_with("#q=period:2026-Q4+cat:won,commit+owner:tom-wu"),
        "{}",
        s.url()
    );
    // Another query in the address (a link on the same page) applies too.
    s.js("location.hash = '#q=risk:stale'; return 0;");
    let stale = a
        .deals
        .iter()
        .filter(|d| d.risks.iter().any(|r| r == "stale"))
        .count();
    common::wait_for("the hash to apply", || {
        (s.visible_rows("#deals") == stale).then_some(())
    });
    // Clear shows every row again and empties the query.
    s.click(".table-tools button.clear");
    assert_eq!(s.visible_rows("#deals"), a.deals.len());
    assert!(!s.url().contains("#q="), "{}", s.url());
    let all: dealbook::money::Money = a.deals.iter().map(|d| d.amount_reporting).sum();
    assert_eq!(footer_total(&s, "#deals", "amount"), fmt::money(all, cur));
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_funnel_stage_drills_down_to_exactly_its_deals() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let (_, a) = analytics_of(&example);
    let out = build(&example);
    let cur = a.currency.as_str();
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    for (page, link) in [
        (
            "funnel.html",
            "#funnel tbody a[href*=\"stage:negotiation\"]",
        ),
        ("index.html", "#chart-funnel a[href*=\"stage:negotiation\"]"),
    ] {
        s.goto(&file_url(out.path(), page));
        s.click(link);
        assert!(
            s.url().ends_with("deals.html#q=cat:open+stage:negotiation"),
            "{page}: {}",
            s.url()
        );
        let stage = a
            .funnel
            .stages
            .iter()
            .find(|x| x.stage == "negotiation")
            .unwrap();
        assert_eq!(s.visible_rows("#deals"), stage.count, "{page}");
        let stages: Vec<String> = s
            .js("return Array.prototype.filter.call(document.querySelectorAll('#deals tbody tr'), function (r) { return !r.hidden; }).map(function (r) { return r.querySelector('.c-stage').textContent.trim() + '/' + r.className; });")
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert!(
            stages
                .iter()
                .all(|x| x.starts_with("Negotiation/status-open")),
            "{page}: {stages:?}"
        );
        assert_eq!(
            footer_total(&s, "#deals", "amount"),
            fmt::money(stage.amount, cur)
        );
        assert_eq!(
            footer_total(&s, "#deals", "weighted"),
            fmt::money(stage.weighted, cur)
        );
    }
    // A KPI card drills down the same way: the dashboard's commit lists
    // the deals that sum to it.
    s.goto(&file_url(out.path(), "index.html"));
    s.click("[data-kpi=\"commit\"] .kpi-label a");
    assert_eq!(
        footer_total(&s, "#deals", "amount"),
        fmt::money(a.kpis.commit, cur)
    );
    s.goto(&file_url(out.path(), "index.html"));
    s.click("[data-kpi=\"weighted\"] .kpi-label a");
    assert_eq!(
        footer_total(&s, "#deals", "weighted"),
        fmt::money(a.kpis.weighted, cur)
    );
    // And the risks page's count of a signal.
    s.goto(&file_url(out.path(), "risks.html"));
    s.click("#signals a[href*=\"risk:stale\"]");
    let stale = a
        .deals
        .iter()
        .filter(|d| d.risks.iter().any(|r| r == "stale"))
        .count();
    assert_eq!(s.visible_rows("#deals"), stale);
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn search_finds_a_chinese_account_and_a_deal_id() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let out = build(&example);
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    s.goto(&file_url(out.path(), "deals.html"));
    // `/` focuses the box (from anywhere but a text field).
    s.keys("/");
    assert_eq!(
        s.js("return document.activeElement && document.activeElement.id;"),
        json!("search-input")
    );
    s.keys("华星电力");
    let first = common::wait_for("search results", || {
        let v = s.js("var li = document.querySelector('#search-results li[role=option]'); return li ? li.textContent : null;");
        v.as_str().map(str::to_string)
    });
    assert!(first.contains("华星电力集团"), "{first}");
    assert!(first.contains("Account"), "{first}");
    // Enter opens the chosen result.
    s.keys("\u{E007}");
    common::wait_for("the account page", || {
        s.url()
            .ends_with("accounts/huaxing-power.html")
            .then_some(())
    });
    // A deal by its id, one level down (links stay relative): arrows move.
    s.keys("/");
    s.keys("beifang-erp");
    common::wait_for("a deal", || {
        s.js("var li = document.querySelector('#search-results li[role=option]'); return li ? li.textContent : '';")
            .as_str()
            .is_some_and(|t| t.contains("ERP for the rail-equipment division"))
            .then_some(())
    });
    let n = s.count("#search-results li[role=option]");
    if n > 1 {
        s.keys("\u{E015}");
        assert_eq!(
            s.js("return document.querySelector('#search-results li[aria-selected=true]').id;"),
            json!("search-result-1")
        );
        s.keys("\u{E013}");
    }
    s.keys("\u{E007}");
    common::wait_for("the deal page", || {
        s.url().ends_with("deals/beifang-erp.html").then_some(())
    });
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn the_call_view_adds_up_to_the_forecast() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let (_, a) = analytics_of(&example);
    let out = build(&example);
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    let quarter = a.current.quarter;
    for (page, period, kind, id) in [
        ("forecast/2026-Q4.html", quarter, ScopeKind::Org, None),
        ("forecast/2026.html", a.current.year, ScopeKind::Org, None),
        ("teams/east.html", quarter, ScopeKind::Team, Some("east")),
        ("teams/north.html", quarter, ScopeKind::Team, Some("north")),
        (
            "people/tom-wu.html",
            quarter,
            ScopeKind::Person,
            Some("tom-wu"),
        ),
        (
            "people/zhang-min.html",
            quarter,
            ScopeKind::Person,
            Some("zhang-min"),
        ),
    ] {
        let f = a
            .forecast
            .iter()
            .find(|r| r.period == period && r.scope.kind == kind && r.scope.id.as_deref() == id)
            .unwrap_or_else(|| panic!("no forecast for {page}"));
        s.goto(&file_url(out.path(), page));
        let v = |cat: &str, col: usize| -> String {
            s.js(&format!(
                "return document.querySelector('#call-summary tr[data-cat=\"{cat}\"] td:nth-of-type({col})').getAttribute('data-v');"
            ))
            .as_str()
            .unwrap()
            .to_string()
        };
        let money = |x: dealbook::money::Money| x.to_string();
        // Running totals are the forecast's figures.
        assert_eq!(v("won", 4), money(f.won), "{page}: won");
        assert_eq!(v("commit", 4), money(f.commit), "{page}: commit");
        assert_eq!(v("best_case", 4), money(f.best_case), "{page}: best case");
        assert_eq!(v("pipeline", 4), money(f.pipeline), "{page}: pipeline");
        // The weighted subtotals add up to the weighted forecast.
        let w = s
            .js("return document.querySelector('#call-summary tfoot td:nth-of-type(3)').getAttribute('data-v');")
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(w, money(f.weighted), "{page}: weighted");
        // Each group lists its deals (all of them in the example).
        for cat in ["won", "commit", "best_case", "pipeline"] {
            let n: usize = v(cat, 1).parse().unwrap();
            let rows = if n == 0 {
                0
            } else {
                s.visible_rows(&format!("#call-{cat}-deals"))
            };
            assert_eq!(rows, n, "{page}: rows of {cat}");
        }
        // The cards on the period page are the same figures.
        if page.starts_with("forecast/") {
            let fm = Fmt {
                currency: a.currency.clone(),
                locale: dealbook::model::Locale::En,
            };
            assert_eq!(
                card(&s, "commit"),
                (fm.card(f.commit), fmt::money(f.commit, &a.currency))
            );
        }
    }
}

/// Text whose colour is under 4.5:1 against what is behind it (3:1 for
/// large text), on the page shown: `[element, text, ratio]`.
const LOW_CONTRAST: &str = r#"
function parse(c) {
  var m = /rgba?\(([^)]+)\)/.exec(c || "");
  if (!m) return null;
  var p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
}
function over(t, b) { var a = t.a; return { r: t.r * a + b.r * (1 - a), g: t.g * a + b.g * (1 - a), b: t.b * a + b.b * (1 - a), a: 1 }; }
function lum(c) {
  function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}
function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
function background(el) {
  var layers = [];
  for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
    var c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  var bg = { r: 255, g: 255, b: 255, a: 1 };
  if (layers.length === 0 || layers[layers.length - 1].a < 1) bg = parse(getComputedStyle(document.documentElement).backgroundColor) || bg;
  if (bg.a < 1) bg = { r: 255, g: 255, b: 255, a: 1 };
  for (var i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
}
function visible(el) {
  var r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1) return false;
  for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
    var s = getComputedStyle(e);
    if (s.display === "none" || s.visibility === "hidden" || parseFloat(s.opacity) === 0) return false;
  }
  return true;
}
var bad = [];
document.querySelectorAll("body *").forEach(function (el) {
  var tag = el.tagName.toLowerCase();
  if (el.closest("svg") && tag !== "text") return;
  var own = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
  if (!own || !visible(el) || el.closest("[disabled]")) return;
  var s = getComputedStyle(el);
  var fg, bg;
  if (tag === "text") {
    fg = parse(s.fill);
    var g = el.parentElement;
    var rect = g && g.classList.contains("seg") ? g.querySelector("rect") : null;
    bg = rect ? parse(getComputedStyle(rect).fill) : background(el.closest("svg").parentElement);
  } else {
    fg = parse(s.color);
    bg = background(el);
  }
  if (!fg || !bg) return;
  if (fg.a < 1) fg = over(fg, bg);
  var size = parseFloat(s.fontSize), weight = parseInt(s.fontWeight, 10);
  var need = size >= 24 || (size >= 18.66 && weight >= 700) ? 3 : 4.5;
  var r = ratio(fg, bg);
  if (r < need) bad.push([tag + "." + String(el.getAttribute("class") || ""), el.textContent.trim().slice(0, 30), Math.round(r * 100) / 100]);
});
return bad.slice(0, 8);
"#;

#[test]
fn every_text_colour_contrasts_in_light_and_dark() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let out = build(&example);
    let d = Driver::start(&t);
    for width in [1440, 375] {
        let s = d.session(true, width);
        for scheme in ["light", "dark"] {
            s.emulate_media("", &[("prefers-color-scheme", scheme)]);
            for page in PAGES {
                s.goto(&file_url(out.path(), page));
                let dark = s.js("return matchMedia('(prefers-color-scheme: dark)').matches;");
                assert_eq!(dark, json!(scheme == "dark"), "emulation of {scheme}");
                assert_eq!(
                    s.js(LOW_CONTRAST),
                    json!([]),
                    "{page} ({scheme}, {width} px): text under 4.5:1"
                );
            }
        }
    }
    // The forecast series stay apart in both schemes: won and commit at
    // least 2:1 from each other, each at least 3:1 from the card.
    let s = d.session(true, 1440);
    for scheme in ["light", "dark"] {
        s.emulate_media("", &[("prefers-color-scheme", scheme)]);
        s.goto(&file_url(out.path(), "index.html"));
        let fills = s.js(&format!(
            "{}\n{}",
            LOW_CONTRAST.split("var bad = [];").next().unwrap(),
            "var svg = document.querySelector('#chart-forecast'); var won = parse(getComputedStyle(svg.querySelector('.s-won')).fill); var commit = parse(getComputedStyle(svg.querySelector('.s-commit')).fill); var card = background(svg.parentElement); return [ratio(won, commit), ratio(won, card), ratio(commit, card), lum(won) < lum(commit)];"
        ));
        let f = fills.as_array().unwrap();
        assert!(
            f[0].as_f64().unwrap() >= 2.0,
            "{scheme}: won vs commit {fills}"
        );
        assert!(
            f[1].as_f64().unwrap() >= 3.0,
            "{scheme}: won vs card {fills}"
        );
        assert!(
            f[2].as_f64().unwrap() >= 3.0,
            "{scheme}: commit vs card {fills}"
        );
        assert_eq!(
            f[3],
            json!(true),
            "{scheme}: won is the darker, as in light mode"
        );
    }
}

#[test]
fn every_tab_stop_is_visible() {
    let Some(t) = tools() else { return };
    let example = common::example();
    let out = build(&example);
    let d = Driver::start(&t);
    for (width, page) in [
        (1440, "index.html"),
        (1440, "deals/beifang-erp.html"),
        (375, "index.html"),
    ] {
        let s = d.session(true, width);
        s.goto(&file_url(out.path(), page));
        let mut order = Vec::new();
        for _ in 0..40 {
            s.keys("\u{E004}");
            let v = s.js("var e = document.activeElement; if (!e || e === document.body) return null; var r = e.getBoundingClientRect(); var st = getComputedStyle(e); var hidden = false; for (var x = e; x && x.nodeType === 1; x = x.parentElement) { var cs = getComputedStyle(x); if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) hidden = true; } var label = e.id ? document.querySelector('label[for=\"' + e.id + '\"]') : null; if (hidden && label) { var lr = label.getBoundingClientRect(); hidden = lr.width < 2 || lr.height < 2; r = lr; } return [(e.id || e.className || e.tagName) + ':' + (e.textContent || e.value || '').trim().slice(0, 20), !hidden && r.width >= 2 && r.height >= 2 && r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth];");
            if v.is_null() {
                break;
            }
            let (name, ok) = (v[0].as_str().unwrap().to_string(), v[1] == json!(true));
            assert!(
                ok,
                "{page} at {width}px: invisible tab stop {name} (after {order:?})"
            );
            order.push(name);
        }
        assert!(
            order[0].starts_with("skip"),
            "{page}: the skip link first: {order:?}"
        );
        assert!(
            order.iter().any(|n| n.starts_with("search-input")),
            "{page}: the search box is a tab stop: {order:?}"
        );
        if width > 820 {
            // Printed: no sort arrows, no search box, no menu.
            s.emulate_media("print", &[]);
            assert_eq!(
                s.js("return Array.prototype.filter.call(document.querySelectorAll('th .sort .arrow, #search, #nav'), function (e) { return getComputedStyle(e).display !== 'none'; }).length;"),
                json!(0),
                "{page}: sort arrows, search or menu on paper"
            );
            s.emulate_media("", &[]);
            assert!(
                !order.iter().any(|n| n.starts_with("nav-toggle")),
                "{page}: the phone menu's checkbox on a wide screen: {order:?}"
            );
        } else {
            assert!(
                order.iter().any(|n| n.starts_with("nav-toggle")),
                "{order:?}"
            );
        }
    }
}

/// The example with 1,000 more open deals (copies of one closing in 2027):
/// 1,107 deals, so the list is split into two pages, and the deals closed
/// this quarter (won, and in the dashboard's commit) are on the second.
fn split_pipeline() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    common::copy_dir(&common::example(), &pipe);
    let deal = std::fs::read_to_string(pipe.join("deals/open/anke-erp-2027.toml")).unwrap();
    let bulk = pipe.join("deals/bulk");
    std::fs::create_dir_all(&bulk).unwrap();
    for i in 0..1000 {
        std::fs::write(bulk.join(format!("bulk-{i:04}.toml")), &deal).unwrap();
    }
    (tmp, pipe)
}

/// The deal pages a built list page links to.
fn deal_links(html: &str) -> std::collections::BTreeSet<String> {
    html.split("href=\"deals/")
        .skip(1)
        .map(|s| format!("deals/{}", s.split('"').next().unwrap()))
        .collect()
}

/// The rows of `#deals` by the page they link to, as markup without the
/// attributes only built rows have (`data-keys`) or that filtering sets.
const ROWS_HTML: &str = "var o = {}; document.querySelectorAll('#deals tbody tr').forEach(function (r) { var c = r.cloneNode(true); c.removeAttribute('data-keys'); c.removeAttribute('hidden'); o[r.querySelector('.c-main a').getAttribute('href')] = c.outerHTML.replace(/>\\s+</g, '><'); }); return o;";

/// The deal pages linked from the rows shown of a table.
fn shown_links(s: &Session<'_>, table: &str) -> Vec<String> {
    s.js(&format!("return Array.prototype.filter.call(document.querySelectorAll('{table} tbody tr'), function (r) {{ return !r.hidden; }}).map(function (r) {{ return r.querySelector('.c-main a').getAttribute('href'); }});"))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// On a list split into pages, a drill-down shows the matching deals of
/// every page and its totals row equals the figure it came from; a filter
/// matching more than a page draws the first 1,000 and counts them all;
/// clear gives the page back as built.
#[test]
fn a_drill_down_on_a_split_list_covers_every_page() {
    let Some(t) = tools() else { return };
    let (_tmp, pipe) = split_pipeline();
    let (c, a) = analytics_of(&pipe);
    let out = build(&pipe);
    let cur = a.currency.as_str();
    let site = out.path().join("site");
    let page2 = deal_links(&std::fs::read_to_string(site.join("deals-2.html")).unwrap());
    assert_eq!(page2.len(), a.deals.len() - 1000);
    assert!(site.join("rows/deals.js").exists());
    // The dashboard's commit: won and open commit deals closing this quarter.
    let cal = c.pipeline.settings.calendar();
    let quarter = a.current.quarter;
    let commit = commit_deals(&a, &cal, quarter);
    let commit_ids: std::collections::BTreeSet<String> = commit
        .iter()
        .map(|d| format!("deals/{}.html", c.pipeline.deals[d.deal].id.as_str()))
        .collect();
    let on_page2 = commit_ids.intersection(&page2).count();
    assert!(
        on_page2 > 0 && on_page2 < commit.len(),
        "the fixture spreads the commit over both pages"
    );
    let weighted: dealbook::money::Money = commit.iter().map(|d| d.weighted).sum();
    let d = Driver::start(&t);
    let s = d.session(true, 1440);
    // Rows drawn from the data are the rows as built: page 2's, drawn on
    // page 1 by a filter that matches them all (closed deals).
    s.goto(&file_url(out.path(), "deals-2.html"));
    let built = s.js(ROWS_HTML);
    s.goto(&file_url(out.path(), "deals.html#q=cat:won,lost"));
    common::wait_for("the rows of all pages", || {
        (s.count(".pager:not([hidden])") == 0).then_some(())
    });
    let drawn = s.js(ROWS_HTML);
    let built = built.as_object().unwrap();
    let drawn = drawn.as_object().unwrap();
    let mut compared = 0;
    for (href, html) in built {
        if let Some(d) = drawn.get(href) {
            assert_eq!(d, html, "{href}: drawn unlike built");
            compared += 1;
        }
    }
    assert!(compared > 50, "{compared} rows compared");
    // As built: page 1's rows and their totals.
    s.goto(&file_url(out.path(), "deals.html"));
    assert_eq!(s.visible_rows("#deals"), 1000);
    let built_amount = footer_total(&s, "#deals", "amount");
    let built_first = shown_links(&s, "#deals")[0].clone();
    // The commit card drills down to every commit deal, on both pages.
    s.goto(&file_url(out.path(), "index.html"));
    s.click("[data-kpi=\"commit\"] .kpi-label a");
    let want = fmt::money(a.kpis.commit, cur);
    common::wait_for("the rows of all pages", || {
        (footer_total(&s, "#deals", "amount") == want).then_some(())
    });
    let shown: std::collections::BTreeSet<String> = shown_links(&s, "#deals").into_iter().collect();
    assert_eq!(shown, commit_ids, "exactly the commit deals, of both pages");
    assert_eq!(
        footer_total(&s, "#deals", "weighted"),
        fmt::money(weighted, cur)
    );
    assert_eq!(
        s.text("#deals tfoot th"),
        format!("Total ({})", commit.len())
    );
    assert_eq!(
        s.js("return Array.prototype.every.call(document.querySelectorAll('.pager'), function (p) { return p.offsetParent === null; });"),
        json!(true),
        "no pager while the list shows the matches of all pages"
    );
    assert_eq!(s.count(".table-tools .drawn:not([hidden])"), 0);
    // Narrowing through a drop-down keeps looking through all pages.
    s.js("var x = document.querySelector('select[data-facet=\"cat\"]'); x.value = 'won'; x.dispatchEvent(new Event('change')); return 0;");
    let won: Vec<_> = commit.iter().filter(|d| d.status == Status::Won).collect();
    assert_eq!(s.visible_rows("#deals"), won.len());
    let won_amount: dealbook::money::Money = won.iter().map(|d| d.amount_reporting).sum();
    assert_eq!(
        footer_total(&s, "#deals", "amount"),
        fmt::money(won_amount, cur)
    );
    // A filter matching more than a page: the first 1,000 drawn, all counted.
    s.goto(&file_url(out.path(), "deals.html#q=cat:open"));
    let open: Vec<_> = a
        .deals
        .iter()
        .filter(|d| d.status == Status::Open)
        .collect();
    assert!(open.len() > 1000);
    let open_amount: dealbook::money::Money = open.iter().map(|d| d.amount_reporting).sum();
    let want = fmt::money(open_amount, cur);
    common::wait_for("the rows of all pages", || {
        (footer_total(&s, "#deals", "amount") == want).then_some(())
    });
    assert_eq!(s.visible_rows("#deals"), 1000);
    assert_eq!(
        s.text("#deals tfoot th"),
        format!("Total ({})", fmt::group(open.len().into()))
    );
    let note = s.text(".table-tools .drawn");
    assert!(
        note.contains(&format!("1,000 of {}", fmt::group(open.len().into()))),
        "{note}"
    );
    // Clear: the page as built, with its pager.
    s.click(".table-tools button.clear");
    assert_eq!(s.visible_rows("#deals"), 1000);
    assert_eq!(footer_total(&s, "#deals", "amount"), built_amount);
    assert_eq!(shown_links(&s, "#deals")[0], built_first);
    assert!(!s.url().contains("#q="), "{}", s.url());
    assert_eq!(s.count(".pager:not([hidden])"), 2);
    assert_eq!(s.count(".table-tools .drawn:not([hidden])"), 0);
    let errors = s.errors();
    assert!(errors.is_empty(), "{errors:?}");
    // On a phone the drawn rows are cards that fit the screen.
    let p = d.session(true, 375);
    p.goto(&file_url(
        out.path(),
        &format!("deals.html#q=period:{quarter}+cat:won,commit"),
    ));
    let want = fmt::money(a.kpis.commit, cur);
    common::wait_for("the rows of all pages", || {
        (footer_total(&p, "#deals", "amount") == want).then_some(())
    });
    let overflow = p.js("return document.documentElement.scrollWidth - window.innerWidth;");
    assert!(overflow.as_i64().unwrap() <= 0, "wider by {overflow}");
    assert_eq!(p.js(PHONE_CARDS), json!([]));
    let errors = p.errors();
    assert!(errors.is_empty(), "{errors:?}");
}
