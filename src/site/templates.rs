//! The tera templates: the built-in ones (in `templates/`, embedded in the
//! binary) and a pipeline's own `templates/` folder, whose files replace
//! the built-in ones **by file name** (`templates/deal.html` replaces the
//! deal page; a new name can be included by an override). Files under
//! `templates/assets/` replace or add static assets the same way.
//!
//! Autoescaping is on for every template (all names end in `.html`), so
//! user text is always escaped; only sanitised Markdown (`notes_html`) and
//! generated SVG (`chart_*`, `bar`) are marked `| safe` by the built-in
//! templates. Errors name the template, its file when it is an override,
//! and the line and column. `docs/templates.md` lists every template and
//! the context it receives.

use std::fmt;
use std::path::Path;
use tera::{Context, ErrorKind, Tera};

/// The built-in templates: name and source.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "components.html",
        include_str!("../../templates/components.html"),
    ),
    (
        "history_parts.html",
        include_str!("../../templates/history_parts.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("funnel.html", include_str!("../../templates/funnel.html")),
    (
        "forecast.html",
        include_str!("../../templates/forecast.html"),
    ),
    ("period.html", include_str!("../../templates/period.html")),
    ("team.html", include_str!("../../templates/team.html")),
    (
        "team_detail.html",
        include_str!("../../templates/team_detail.html"),
    ),
    ("person.html", include_str!("../../templates/person.html")),
    (
        "accounts.html",
        include_str!("../../templates/accounts.html"),
    ),
    ("account.html", include_str!("../../templates/account.html")),
    ("deals.html", include_str!("../../templates/deals.html")),
    ("deal.html", include_str!("../../templates/deal.html")),
    ("risks.html", include_str!("../../templates/risks.html")),
    ("signal.html", include_str!("../../templates/signal.html")),
    ("targets.html", include_str!("../../templates/targets.html")),
    ("trends.html", include_str!("../../templates/trends.html")),
    ("winloss.html", include_str!("../../templates/winloss.html")),
    (
        "warnings.html",
        include_str!("../../templates/warnings.html"),
    ),
];

/// The built-in assets: name (under `assets/`) and bytes.
pub const ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../templates/assets/style.css"),
    ),
    ("app.js", include_bytes!("../../templates/assets/app.js")),
    (
        "favicon.svg",
        include_bytes!("../../templates/assets/favicon.svg"),
    ),
];

/// A pipeline's own templates and assets.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Template name (path under `templates/`, `/`-separated) and source.
    pub templates: Vec<(String, String)>,
    /// Asset name (path under `templates/assets/`) and bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Why files of the folder were not used (symbolic links that lead
    /// out of the pipeline, to a folder, or nowhere): one sentence each,
    /// for the commands to print as warnings.
    pub skipped: Vec<String>,
}

impl Overrides {
    /// Whether a template name comes from the pipeline.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.iter().any(|(n, _)| n == name)
    }
}

/// Reads a pipeline's `templates/` folder (`dir`); empty when it does not
/// exist. Templates are the `.html` files in it and its subfolders except
/// `assets/`; every file under `assets/` is an asset. Sorted by name. A
/// symbolic link to a file inside the pipeline (the folder above `dir`) is
/// read like the file; other links are not used, and
/// [`Overrides::skipped`] says so.
pub fn read_overrides(dir: &Path) -> std::io::Result<Overrides> {
    let mut o = Overrides::default();
    if !dir.is_dir() {
        return Ok(o);
    }
    let inside = dir
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .unwrap_or_else(|| dir.to_path_buf());
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel: Vec<String> = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if rel.iter().any(|c| c.starts_with('.')) {
            continue;
        }
        if entry.path_is_symlink() {
            let why = match entry.path().canonicalize() {
                Err(_) => Some("leads nowhere"),
                Ok(t) if !t.starts_with(&inside) => Some("leads outside the pipeline folder"),
                Ok(t) if !t.is_file() => Some("leads to a folder (not followed)"),
                Ok(_) => None,
            };
            if let Some(why) = why {
                o.skipped.push(format!(
                    "templates/{} is a symbolic link that {why}; it is not used",
                    rel.join("/")
                ));
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        if rel.first().map(String::as_str) == Some("assets") && rel.len() > 1 {
            o.assets
                .push((rel[1..].join("/"), std::fs::read(entry.path())?));
        } else if rel.last().is_some_and(|n| n.ends_with(".html")) {
            let text = std::fs::read_to_string(entry.path()).map_err(|e| {
                std::io::Error::new(e.kind(), format!("{}: {e}", entry.path().display()))
            })?;
            o.templates.push((rel.join("/"), text));
        }
    }
    Ok(o)
}

/// A template that does not parse or fails to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Template name, e.g. `deal.html`.
    pub template: String,
    /// The file, when the template is the pipeline's own
    /// (`templates/deal.html`).
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
    /// The page being rendered, for rendering errors.
    pub page: Option<String>,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = self
            .file
            .clone()
            .unwrap_or_else(|| format!("built-in template {}", self.template));
        write!(f, "{place}")?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": template error in {}", self.template)?;
        if let Some(p) = &self.page {
            write!(f, " (rendering {p})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TemplateError {}

/// Turns a tera error into a [`TemplateError`]. `fallback` names the
/// template when the error does not.
pub fn describe(e: &tera::Error, fallback: &str, o: &Overrides) -> TemplateError {
    let (template, line, column, message) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let name = if r.filename().is_empty() {
                fallback.to_string()
            } else {
                r.filename().to_string()
            };
            let mut msg = r.message().to_string();
            // Errors from a filter or function carry their cause.
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            (
                name,
                Some(r.span().start_line),
                Some(r.span().start_col + 1),
                msg,
            )
        }
        ErrorKind::MissingParent { current, .. } => (current.clone(), None, None, e.to_string()),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            (tpl.clone(), None, None, e.to_string())
        }
        _ => {
            // Checks across templates (unknown filters, components, …)
            // come as one message holding tera's reports, each with a
            // `--> name:line:col` line; the first one names the place.
            let msg = e.to_string();
            match report_location(&msg) {
                Some((name, line, col)) => (name, Some(line), Some(col), first_report(&msg)),
                None => (fallback.to_string(), None, None, msg),
            }
        }
    };
    TemplateError {
        file: o
            .has_template(&template)
            .then(|| format!("templates/{template}")),
        template,
        line,
        column,
        message,
        page: None,
    }
}

/// The first ` --> name:line:col` of a tera report.
fn report_location(msg: &str) -> Option<(String, usize, usize)> {
    let at = msg.find("--> ")? + 4;
    let loc = msg[at..].lines().next()?.trim();
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    Some((name, line, col))
}

/// The headline of the first report: `error: Unknown filter …` without
/// the `error: ` prefix.
fn first_report(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg).trim();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

/// The template engine: built-ins replaced by the overrides, autoescape on
/// for `.html`, `global` visible to every template.
pub fn engine(o: &Overrides, global: Context) -> Result<Tera, Box<TemplateError>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html"]);
    // Escaping also isolates right-to-left text and bidi controls.
    tera.set_escape_fn(crate::bidi::escape_html);
    let mut all: Vec<(&str, &str)> = BUILTIN
        .iter()
        .filter(|(n, _)| !o.has_template(n))
        .copied()
        .collect();
    all.extend(o.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())));
    // Parse one by one first, so a syntax error names its template even
    // when tera's report would not.
    for (name, src) in &all {
        let mut probe = Tera::new();
        if let Err(e) = probe.add_raw_template(name, src)
            && matches!(e.kind(), ErrorKind::SyntaxError(_))
        {
            return Err(Box::new(describe(&e, name, o)));
        }
    }
    tera.add_raw_templates(all)
        .map_err(|e| Box::new(describe(&e, "", o)))?;
    *tera.global_context() = global;
    Ok(tera)
}

/// Renders one page.
pub fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    page: &str,
    o: &Overrides,
) -> Result<Vec<u8>, Box<TemplateError>> {
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out).map_err(|e| {
        let mut d = describe(&e, template, o);
        d.page = Some(page.to_string());
        Box::new(d)
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_name_template_and_line() {
        let o = Overrides {
            templates: vec![("deal.html".into(), "line one\n{% if %}\n".into())],
            ..Overrides::default()
        };
        let e = engine(&o, Context::new()).unwrap_err();
        assert_eq!(e.template, "deal.html");
        assert_eq!(e.file.as_deref(), Some("templates/deal.html"));
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("templates/deal.html:2:"), "{e}");
    }

    #[test]
    fn rendering_errors_name_template_and_line() {
        let o = Overrides {
            templates: vec![(
                "warnings.html".into(),
                "ok\n\n{{ no_such_variable.field }}".into(),
            )],
            ..Overrides::default()
        };
        let tera = engine(&o, Context::new()).unwrap();
        let e = render(&tera, "warnings.html", &Context::new(), "warnings.html", &o).unwrap_err();
        assert_eq!(e.template, "warnings.html");
        assert_eq!(e.line, Some(3));
        assert_eq!(e.page.as_deref(), Some("warnings.html"));
    }

    #[test]
    fn builtins_parse() {
        engine(&Overrides::default(), Context::new()).unwrap();
    }
}
