//! The static site of `dealbook build`: pages rendered from the analytics
//! with tera templates, inline SVG charts, sanitised Markdown notes, the
//! site's labels in `en` or `zh-CN`, and the exports (`data.json` and CSV).
//!
//! [`render`] is pure: it takes the checked pipeline, its analytics, the
//! check's diagnostics and the pipeline's template overrides, and returns
//! every page as a path and bytes; no clock, no I/O, so the same input
//! gives byte-for-byte the same site. [`render_to`] hands the pages to a
//! sink as they are rendered (in parallel), which is what `build` uses to
//! stream them to disk through [`output`]. Every link is relative, so the
//! site works from `file://`, under a sub-path and on any static host.
//!
//! One concern per module: [`views`] (what each page shows), [`templates`]
//! (built-in and overriding templates), [`charts`] (SVG), [`markdown`]
//! (notes), [`i18n`] (labels and number formats), [`output`] (writing a
//! build atomically, or only what changed).

pub mod beside;
pub mod charts;
pub mod i18n;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod search;
pub mod templates;
pub mod views;

use crate::analytics::Analytics;
use crate::diag::Diagnostic;
use crate::ix::{AccountIx, PersonIx, TeamIx, range};
use crate::model::Pipeline;
use crate::period::Period;
use crate::report::{self, CsvTable};
use serde::Serialize;
use std::collections::BTreeMap;
use templates::{Overrides, TemplateError};
use tera::{Context, Tera};
use views::{Site, paths};

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path relative to the site root, `/`-separated, e.g. `deals/x.html`.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What the site is built from.
#[derive(Debug, Clone, Copy)]
pub struct SiteInput<'a> {
    /// The checked pipeline (without errors).
    pub pipeline: &'a Pipeline,
    /// Its numbers.
    pub analytics: &'a Analytics,
    /// The check's diagnostics (the warnings are listed on a page).
    pub diagnostics: &'a [Diagnostic],
    /// The pipeline's own templates and assets.
    pub overrides: &'a Overrides,
    /// Where the site will be served, for `<link rel="canonical">` only.
    pub base_url: Option<&'a str>,
    /// The pipeline's git history (the Trends page, "Since last week",
    /// the deals' Changes); none outside git or with `--no-history`.
    pub history: Option<&'a crate::history::History>,
}

/// Why the site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template does not parse or fails on a page.
    #[error(transparent)]
    Template(Box<TemplateError>),
    /// An export could not be produced.
    #[error("cannot write an export: {0}")]
    Export(String),
    /// The sink refused a page (e.g. the disk is full).
    #[error(transparent)]
    Io(std::io::Error),
}

impl From<Box<TemplateError>> for SiteError {
    fn from(e: Box<TemplateError>) -> Self {
        SiteError::Template(e)
    }
}

/// The exports, linked from every page's footer.
pub const EXPORTS: &[(&str, &str)] = &[
    ("data.json", "export_data_json"),
    ("deals.csv", "export_deals_csv"),
    ("forecast.csv", "export_forecast_csv"),
    ("performance.csv", "export_performance_csv"),
    ("risks.csv", "export_risks_csv"),
    ("accounts.csv", "export_accounts_csv"),
    ("winloss.csv", "export_winloss_csv"),
];

/// Navigation: key, path, label key.
pub const NAV: &[(&str, &str, &str)] = &[
    ("dashboard", "index.html", "nav_dashboard"),
    ("funnel", "funnel.html", "nav_funnel"),
    ("forecast", "forecast.html", "nav_forecast"),
    ("team", "team.html", "nav_team"),
    ("accounts", "accounts.html", "nav_accounts"),
    ("deals", "deals.html", "nav_deals"),
    ("risks", "risks.html", "nav_risks"),
    ("winloss", "winloss.html", "nav_winloss"),
    ("targets", "targets.html", "nav_targets"),
];

#[derive(Serialize)]
struct NavItem {
    key: &'static str,
    href: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    org: &'a str,
    currency: &'a str,
    /// What money starts with: `¥`, `$`, `CHF `.
    symbol: String,
    as_of: String,
    lang: &'static str,
    base_url: Option<String>,
    quarter: String,
    year: String,
    warnings: usize,
}

/// One page to render.
#[derive(Debug, Clone)]
enum Job {
    Dashboard,
    Funnel,
    Forecast,
    Trends,
    Period(Period),
    Team,
    TeamPage(TeamIx),
    Person(PersonIx),
    Accounts(usize),
    Account(AccountIx),
    Deals(usize),
    Deal(usize),
    Risks,
    Signal(&'static str, usize),
    Targets,
    WinLoss,
    Warnings,
    Asset(usize),
    Export(usize),
    SearchIndex,
    /// Every row of a list split into pages ([`views::rows`]).
    DealRows,
    AccountRows,
    SignalRows(&'static str),
}

impl Job {
    /// Whether the page shows the git history (its view asks
    /// [`Site::history`]): the pages `build` cannot render before the
    /// history is read ([`incremental::Prepared::ahead_of_history`]).
    fn needs_history(&self) -> bool {
        matches!(
            self,
            Job::Dashboard
                | Job::Forecast
                | Job::Trends
                | Job::TeamPage(_)
                | Job::Person(_)
                | Job::Deal(_)
        )
    }
}

/// A base URL for the canonical link: `None` when not given; always ends
/// in `/`.
fn canonical_base(b: Option<&str>) -> Option<String> {
    let b = b?.trim();
    if b.is_empty() {
        return None;
    }
    Some(if b.ends_with('/') {
        b.to_string()
    } else {
        format!("{b}/")
    })
}

fn global_context(site: &Site<'_>, base_url: Option<&str>) -> Context {
    let i = &site.i;
    let labels: BTreeMap<&str, &str> = i.labels().into_iter().collect();
    let mut nav: Vec<NavItem> = NAV
        .iter()
        .map(|(key, href, label)| NavItem {
            key,
            href,
            label: i.get(label),
        })
        .collect();
    if site.shows_history {
        // After the forecast.
        let at = nav
            .iter()
            .position(|n| n.key == "forecast")
            .map_or(0, |k| k + 1);
        nav.insert(
            at,
            NavItem {
                key: "trends",
                href: "trends.html",
                label: i.get("nav_trends"),
            },
        );
    }
    let exports: Vec<NavItem> = EXPORTS
        .iter()
        .map(|(href, label)| NavItem {
            key: href,
            href,
            label: i.get(label),
        })
        .collect();
    let mut g = Context::new();
    g.insert("t", &labels);
    g.insert("nav", &nav);
    g.insert("exports", &exports);
    g.insert(
        "site",
        &SiteInfo {
            org: &site.a.org,
            currency: &site.a.currency,
            symbol: crate::fmt::symbol(&site.a.currency),
            as_of: site.a.as_of.to_string(),
            lang: i.lang(),
            base_url: canonical_base(base_url),
            quarter: site.a.current.quarter.to_string(),
            year: site.a.current.year.to_string(),
            warnings: site.warnings.len(),
        },
    );
    g
}

/// Renders every page and returns them sorted by path.
pub fn render(input: &SiteInput<'_>) -> Result<Vec<Page>, SiteError> {
    let pages = std::sync::Mutex::new(Vec::new());
    render_to(input, |p| {
        pages.lock().expect("no panics while holding").push(p);
        Ok(())
    })?;
    let mut pages = pages.into_inner().expect("no panics while holding");
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// Renders every page in parallel and hands each to `sink` as soon as it
/// is ready (in no particular order); returns how many there were. Stops
/// at the first error (of a template, an export or the sink).
pub fn render_to<F>(input: &SiteInput<'_>, sink: F) -> Result<usize, SiteError>
where
    F: Fn(Page) -> std::io::Result<()> + Sync,
{
    incremental::Prepared::new(input)?.render_all(sink)
}

fn jobs(site: &Site<'_>, o: &Overrides) -> Vec<Job> {
    let mut v = vec![
        Job::Dashboard,
        Job::Funnel,
        Job::Forecast,
        Job::Team,
        Job::Risks,
        Job::Targets,
        Job::WinLoss,
        Job::Warnings,
    ];
    if site.shows_history {
        v.push(Job::Trends);
    }
    v.extend(site.periods.iter().map(|p| Job::Period(*p)));
    v.extend(range(site.p.teams.len()).map(Job::TeamPage));
    v.extend(range(site.p.people.len()).map(Job::Person));
    v.extend((1..=Site::page_count(site.a.accounts.len())).map(Job::Accounts));
    if Site::page_count(site.a.accounts.len()) > 1 {
        v.push(Job::AccountRows);
    }
    v.extend(range(site.p.accounts.len()).map(Job::Account));
    v.extend((1..=Site::page_count(site.a.deals.len())).map(Job::Deals));
    if Site::page_count(site.a.deals.len()) > 1 {
        v.push(Job::DealRows);
    }
    for (code, rows) in site.signals() {
        v.extend((1..=Site::page_count(rows.len())).map(|n| Job::Signal(code, n)));
        if Site::page_count(rows.len()) > 1 {
            v.push(Job::SignalRows(code));
        }
    }
    v.extend((0..EXPORTS.len()).map(Job::Export));
    v.push(Job::SearchIndex);
    let extra_assets = o
        .assets
        .iter()
        .filter(|(n, _)| !templates::ASSETS.iter().any(|(b, _)| b == n))
        .count();
    v.extend((0..templates::ASSETS.len() + extra_assets).map(Job::Asset));
    // Deal pages last: the big batch, which rayon splits evenly.
    v.extend((0..site.a.deals.len()).map(Job::Deal));
    v
}

struct Renderer<'r, 'a> {
    site: &'r Site<'a>,
    tera: &'r Tera,
    overrides: &'r Overrides,
    /// Skips pages whose input did not change ([`incremental::Memo`]).
    memo: Option<&'r incremental::Memo>,
}

impl Renderer<'_, '_> {
    fn page<V: Serialize>(
        &self,
        template: &str,
        path: String,
        section: &'static str,
        title: String,
        view: &V,
    ) -> Result<Page, SiteError> {
        if let Some(m) = self.memo
            && m.unchanged(template, &path, section, &title, view)
        {
            return Ok(Page {
                path,
                bytes: Vec::new(),
            });
        }
        // What templates receive besides the view (see docs/templates.md).
        let root = if path.contains('/') { "../" } else { "" };
        let mut ctx = Context::new();
        ctx.insert("root", root);
        ctx.insert("path", &path);
        ctx.insert("section", section);
        ctx.insert("title", &title);
        ctx.insert("v", view);
        let bytes = templates::render(self.tera, template, &ctx, &path, self.overrides)?;
        Ok(Page { path, bytes })
    }

    fn job(&self, job: &Job) -> Result<Page, SiteError> {
        let s = self.site;
        let i = &s.i;
        let path = job_path(s, self.overrides, job);
        match job {
            Job::Dashboard => self.page(
                "index.html",
                path,
                "dashboard",
                i.get("dashboard_title").into(),
                &s.dashboard(),
            ),
            Job::Funnel => self.page(
                "funnel.html",
                path,
                "funnel",
                i.get("funnel_title").into(),
                &s.funnel(),
            ),
            Job::Forecast => self.page(
                "forecast.html",
                path,
                "forecast",
                i.get("forecast_title").into(),
                &s.forecast_page(),
            ),
            Job::Trends => self.page(
                "trends.html",
                path,
                "trends",
                i.get("trends_title").into(),
                &s.trends_page(),
            ),
            Job::Period(p) => self.page(
                "period.html",
                path,
                "forecast",
                i.fill("forecast_for", &[("period", &p.to_string())]),
                &s.period_page(*p),
            ),
            Job::Team => self.page(
                "team.html",
                path,
                "team",
                i.get("team_title").into(),
                &s.team_board(),
            ),
            Job::TeamPage(ix) => {
                let v = s.team_page(*ix);
                self.page("team_detail.html", path, "team", v.name.clone(), &v)
            }
            Job::Person(ix) => {
                let v = s.person_page(*ix);
                self.page("person.html", path, "team", v.name.clone(), &v)
            }
            Job::Accounts(n) => self.page(
                "accounts.html",
                path,
                "accounts",
                i.get("accounts_title").into(),
                &s.accounts_list(*n),
            ),
            Job::Account(ix) => {
                let v = s.account_page(*ix);
                self.page("account.html", path, "accounts", v.name.clone(), &v)
            }
            Job::Deals(n) => self.page(
                "deals.html",
                path,
                "deals",
                i.get("deals_title").into(),
                &s.deals_list(*n),
            ),
            Job::Deal(k) => {
                let v = s.deal_page(*k);
                self.page("deal.html", path, "deals", v.name.clone(), &v)
            }
            Job::Risks => self.page(
                "risks.html",
                path,
                "risks",
                i.get("risks_title").into(),
                &s.risks_page(),
            ),
            Job::Signal(code, n) => {
                let rows = s
                    .signals()
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, r)| r.as_slice())
                    .unwrap_or(&[]);
                let v = s.signal_page(code, rows, *n);
                self.page("signal.html", path, "risks", v.signal.text.clone(), &v)
            }
            Job::Targets => self.page(
                "targets.html",
                path,
                "targets",
                i.get("targets_title").into(),
                &s.targets_page(),
            ),
            Job::WinLoss => self.page(
                "winloss.html",
                path,
                "winloss",
                i.get("winloss_title").into(),
                &s.winloss_page(),
            ),
            Job::Warnings => self.page(
                "warnings.html",
                path,
                "warnings",
                i.get("warnings_title").into(),
                &s.warnings_page(),
            ),
            Job::Asset(k) => Ok(Page {
                path,
                bytes: asset(self.overrides, *k).1.to_vec(),
            }),
            Job::Export(k) => export(s.a, s.p, *k),
            Job::SearchIndex => Ok(Page {
                path,
                bytes: search::index(s),
            }),
            Job::DealRows => Ok(Page {
                path,
                bytes: s.deal_rows(),
            }),
            Job::AccountRows => Ok(Page {
                path,
                bytes: s.account_rows(),
            }),
            Job::SignalRows(code) => Ok(Page {
                path,
                bytes: s.signal_rows(code),
            }),
        }
    }
}

/// The path of a job's page, without rendering it.
fn job_path(site: &Site<'_>, o: &Overrides, job: &Job) -> String {
    match job {
        Job::Dashboard => "index.html".into(),
        Job::Funnel => "funnel.html".into(),
        Job::Forecast => "forecast.html".into(),
        Job::Trends => "trends.html".into(),
        Job::Team => "team.html".into(),
        Job::Risks => "risks.html".into(),
        Job::Targets => "targets.html".into(),
        Job::WinLoss => "winloss.html".into(),
        Job::Warnings => "warnings.html".into(),
        Job::Period(p) => paths::period(&p.to_string()),
        Job::TeamPage(ix) => paths::team(site.p.teams[*ix].id.value.as_str()),
        Job::Person(ix) => paths::person(site.p.people[*ix].id.value.as_str()),
        Job::Accounts(n) => paths::list("accounts", *n),
        Job::Account(ix) => paths::account(site.p.accounts[*ix].id.as_str()),
        Job::Deals(n) => paths::list("deals", *n),
        Job::Deal(k) => paths::deal(site.p.deals[site.a.deals[*k].deal].id.as_str()),
        Job::Signal(code, n) => paths::signal(code, *n),
        Job::Asset(k) => format!("assets/{}", asset(o, *k).0),
        Job::Export(k) => EXPORTS[*k].0.to_string(),
        Job::SearchIndex => search::PATH.to_string(),
        Job::DealRows => views::rows::path("deals"),
        Job::AccountRows => views::rows::path("accounts"),
        Job::SignalRows(code) => views::rows::path(&views::rows::signal_list(code)),
    }
}

/// Asset `k` (its name and bytes): the built-in ones (replaced by
/// overrides of the same name), then the pipeline's extra assets.
fn asset(o: &Overrides, k: usize) -> (&str, &[u8]) {
    let builtin = templates::ASSETS;
    if k < builtin.len() {
        let (n, b) = builtin[k];
        match o.assets.iter().find(|(x, _)| x == n) {
            Some((_, ob)) => (n, ob.as_slice()),
            None => (n, b),
        }
    } else {
        let (n, b) = o
            .assets
            .iter()
            .filter(|(n, _)| !builtin.iter().any(|(b, _)| b == n))
            .nth(k - builtin.len())
            .expect("asset job within range");
        (n.as_str(), b.as_slice())
    }
}

fn export(a: &Analytics, p: &Pipeline, k: usize) -> Result<Page, SiteError> {
    let (name, _) = EXPORTS[k];
    let text = match name {
        "data.json" => report::json(a, p),
        other => {
            let table = match other {
                "deals.csv" => CsvTable::Deals,
                "forecast.csv" => CsvTable::Forecast,
                "performance.csv" => CsvTable::Performance,
                "risks.csv" => CsvTable::Risks,
                "winloss.csv" => CsvTable::Winloss,
                _ => CsvTable::Accounts,
            };
            // A byte order mark, so that Excel reads the file as UTF-8.
            let csv = report::csv(a, p, table).map_err(|e| SiteError::Export(e.to_string()))?;
            format!("{}{csv}", report::BOM)
        }
    };
    Ok(Page {
        path: name.to_string(),
        bytes: text.into_bytes(),
    })
}
