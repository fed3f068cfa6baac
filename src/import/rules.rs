//! The rules file of `dealbook import` (TOML, in the spirit of hledger's
//! CSV rules): which column is which field, how CRM stage names and owners
//! map to the pipeline's ids, the date and number formats, defaults for
//! empty cells. Presets for the common CRM exports are shipped in the
//! binary and are ordinary rules files. Reference: docs/import.md.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The fields a column can fill, in the order docs/import.md lists them.
pub const FIELDS: &[(&str, &str)] = &[
    (
        "id",
        "the record's id in the CRM (source.id): how a re-import finds the deal again",
    ),
    ("name", "the deal's name"),
    (
        "account",
        "the customer's name; the account is found by name or id, or created",
    ),
    (
        "owner",
        "the owner: a person id, e-mail or name from team.toml (or [owners])",
    ),
    ("amount", "the amount"),
    ("currency", "ISO code of the amount's currency"),
    ("stage", "the CRM's stage (mapped by [stages])"),
    (
        "status",
        "open / won / lost, where the CRM keeps it apart from the stage ([status])",
    ),
    ("created", "when the deal was opened"),
    (
        "close",
        "expected close (open deals), actual close (won and lost)",
    ),
    ("won_date", "when it was won (the close of a won deal)"),
    ("lost_date", "when it was lost (the close of a lost deal)"),
    (
        "stage_date",
        "when it entered its current stage (the date of the history entry)",
    ),
    ("probability", "win probability (see [format] probability)"),
    ("forecast", "forecast category (mapped by [forecast])"),
    ("next_step", "the next step"),
    ("next_step_date", "when the next step is due"),
    ("lost_reason", "why it was lost"),
    ("products", "products, separated by [format] list_separator"),
    (
        "competitors",
        "competitors, separated by [format] list_separator",
    ),
    (
        "account_industry",
        "industry of an account created by the import",
    ),
    (
        "account_region",
        "region of an account created by the import",
    ),
    (
        "contact",
        "a contact's name: added to the account when missing",
    ),
    ("contact_email", "the contact's e-mail"),
    ("contact_title", "the contact's job title"),
    ("contact_phone", "the contact's phone number"),
];

/// Presets shipped in the binary: name and rules text.
pub const PRESETS: &[(&str, &str)] = &[
    ("salesforce", include_str!("presets/salesforce.toml")),
    ("hubspot", include_str!("presets/hubspot.toml")),
    ("pipedrive", include_str!("presets/pipedrive.toml")),
];

/// The text of a preset.
pub fn preset(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One alternative of a column: a header, or several whose values are
/// joined (with " / ") into one.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Alt {
    /// One header.
    One(String),
    /// Several headers, joined.
    Joined(Vec<String>),
}

/// Where a field comes from: a header, or alternatives (the first whose
/// headers are all in the file is used).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Column {
    /// One header.
    One(String),
    /// Alternatives.
    Any(Vec<Alt>),
}

impl Column {
    /// The alternatives, each as a list of headers.
    pub fn alternatives(&self) -> Vec<Vec<String>> {
        match self {
            Column::One(h) => vec![vec![h.clone()]],
            Column::Any(alts) => alts
                .iter()
                .map(|a| match a {
                    Alt::One(h) => vec![h.clone()],
                    Alt::Joined(hs) => hs.clone(),
                })
                .collect(),
        }
    }

    /// As written in a message.
    pub fn describe(&self) -> String {
        self.alternatives()
            .iter()
            .map(|a| {
                a.iter()
                    .map(|h| format!("\"{h}\""))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// `[csv]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvRules {
    /// The separator: one character; detected from the header line when absent.
    pub delimiter: Option<String>,
    /// The encoding when there is no byte-order mark (default UTF-8).
    pub encoding: Option<String>,
    /// Lines to skip before the header line.
    #[serde(default)]
    pub skip: usize,
}

/// `[optional]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Optional {
    /// Fields whose column may be missing from a file.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// `[status]`: values of the status column, matched ignoring case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// Values meaning won.
    #[serde(default = "won")]
    pub won: Vec<String>,
    /// Values meaning lost.
    #[serde(default = "lost")]
    pub lost: Vec<String>,
    /// Values of rows to leave out.
    #[serde(default = "skip")]
    pub skip: Vec<String>,
}

fn won() -> Vec<String> {
    vec!["won".into()]
}
fn lost() -> Vec<String> {
    vec!["lost".into()]
}
fn skip() -> Vec<String> {
    vec!["deleted".into()]
}

impl Default for Status {
    fn default() -> Self {
        Status {
            won: won(),
            lost: lost(),
            skip: skip(),
        }
    }
}

/// `[format]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// strftime formats of dates, tried in order.
    #[serde(default = "dates")]
    pub date: Vec<String>,
    /// "." or ",".
    #[serde(default = "dot")]
    pub decimal_mark: String,
    /// "percent" (0–100) or "fraction" (0–1).
    #[serde(default = "percent")]
    pub probability: String,
    /// Separator of list cells (products, competitors).
    #[serde(default = "semicolon")]
    pub list_separator: String,
}

fn dates() -> Vec<String> {
    vec!["%Y-%m-%d".into()]
}
fn dot() -> String {
    ".".into()
}
fn percent() -> String {
    "percent".into()
}
fn semicolon() -> String {
    ";".into()
}

impl Default for Format {
    fn default() -> Self {
        Format {
            date: dates(),
            decimal_mark: dot(),
            probability: percent(),
            list_separator: semicolon(),
        }
    }
}

/// `[ids]`: how the file names of new deals and accounts are made.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ids {
    /// Fields whose values, joined, make a new deal's id (slugged).
    #[serde(default = "deal_id")]
    pub deal: Vec<String>,
    /// Longest id made.
    #[serde(default = "max_len")]
    pub max_length: usize,
}

fn deal_id() -> Vec<String> {
    vec!["name".into()]
}
fn max_len() -> usize {
    60
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            deal: deal_id(),
            max_length: max_len(),
        }
    }
}

/// A whole rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Written as `source.system` of every deal.
    pub system: String,
    /// `[csv]`.
    #[serde(default)]
    pub csv: CsvRules,
    /// Field → column.
    pub columns: BTreeMap<String, Column>,
    /// `[optional]`.
    #[serde(default)]
    pub optional: Optional,
    /// Field → value for empty cells and unmapped fields.
    #[serde(default)]
    pub defaults: BTreeMap<String, toml::Value>,
    /// CRM stage → stage id.
    #[serde(default)]
    pub stages: BTreeMap<String, String>,
    /// CRM owner → person id.
    #[serde(default)]
    pub owners: BTreeMap<String, String>,
    /// CRM forecast category → category ("" for none).
    #[serde(default)]
    pub forecast: BTreeMap<String, String>,
    /// `[status]`.
    #[serde(default)]
    pub status: Status,
    /// `[format]`.
    #[serde(default)]
    pub format: Format,
    /// `[ids]`.
    #[serde(default)]
    pub ids: Ids,
}

/// Fields `[defaults]` may set besides the column fields.
const DEFAULT_ONLY: &[&str] = &["tier"];

impl Rules {
    /// Parses and checks a rules file (`name` for messages).
    pub fn parse(text: &str, name: &str) -> Result<Rules, String> {
        let r: Rules = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
        let known = |k: &str| FIELDS.iter().any(|(f, _)| *f == k);
        let unknown = |k: &str, section: &str| {
            let hint = crate::diag::did_you_mean(k, FIELDS.iter().map(|(f, _)| *f))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "; fields: {}",
                        FIELDS
                            .iter()
                            .map(|(f, _)| *f)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            format!("{name}: [{section}] `{k}` is not a field{hint}")
        };
        for k in r.columns.keys() {
            if !known(k) {
                return Err(unknown(k, "columns"));
            }
        }
        for k in &r.optional.columns {
            if !known(k) {
                return Err(unknown(k, "optional"));
            }
        }
        for k in r.defaults.keys() {
            if !known(k) && !DEFAULT_ONLY.contains(&k.as_str()) {
                return Err(unknown(k, "defaults"));
            }
        }
        if !r.columns.contains_key("id") {
            return Err(format!(
                "{name}: [columns] needs `id`: the column (or columns) that identify a record in the CRM, so that importing again updates the deal"
            ));
        }
        for f in &r.ids.deal {
            if !known(f) {
                return Err(unknown(f, "ids"));
            }
        }
        if r.format.decimal_mark != "." && r.format.decimal_mark != "," {
            return Err(format!("{name}: [format] decimal_mark is \".\" or \",\""));
        }
        if r.format.probability != "percent" && r.format.probability != "fraction" {
            return Err(format!(
                "{name}: [format] probability is \"percent\" or \"fraction\""
            ));
        }
        if let Some(d) = &r.csv.delimiter
            && d.chars().count() != 1
        {
            return Err(format!("{name}: [csv] delimiter is one character"));
        }
        if r.system.trim().is_empty() {
            return Err(format!("{name}: `system` is empty"));
        }
        Ok(r)
    }

    /// Whether a field's column may be missing.
    pub fn is_optional(&self, field: &str) -> bool {
        self.optional.columns.iter().any(|c| c == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse() {
        for (name, text) in PRESETS {
            let r = Rules::parse(text, name).unwrap();
            assert_eq!(r.system, *name);
        }
    }

    #[test]
    fn typos_are_caught() {
        let e = Rules::parse(
            "system = \"x\"\n[columns]\nid = \"ID\"\nnmae = \"Name\"\n",
            "r.toml",
        )
        .unwrap_err();
        assert!(e.contains("did you mean `name`"), "{e}");
        let e = Rules::parse("system = \"x\"\n[columns]\nname = \"Name\"\n", "r.toml").unwrap_err();
        assert!(e.contains("needs `id`"), "{e}");
        let e = Rules::parse("system = \"x\"\n[colums]\n", "r.toml").unwrap_err();
        assert!(e.contains("colums"), "{e}");
    }
}
