//! `dealbook init`: the files of a new pipeline that passes `check` at once
//! (settings with a standard stage list, a team, one account, one deal, one
//! target file, a `.gitignore`). Dates are relative to the day it runs, so
//! the example deal is open and its history is not in the future.

use jiff::ToSpan;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// A file to write: path relative to the new pipeline, and content.
pub type Scaffold = Vec<(&'static str, String)>;

/// The files of a new pipeline, for a given `today`.
pub fn files(today: Date) -> Scaffold {
    let created = today.checked_sub(14.days()).unwrap_or(today);
    let qualified = today.checked_sub(7.days()).unwrap_or(today);
    let close = today.checked_add(60.days()).unwrap_or(today);
    let next = today.checked_add(7.days()).unwrap_or(today);
    let year = today.year();
    vec![
        ("dealbook.toml", SETTINGS.to_string()),
        ("team.toml", TEAM.to_string()),
        (
            "accounts/acme.toml",
            ACCOUNT.replace("{touch}", &qualified.to_string()),
        ),
        (
            "deals/acme-pilot.toml",
            DEAL.replace("{created}", &created.to_string())
                .replace("{qualified}", &qualified.to_string())
                .replace("{close}", &close.to_string())
                .replace("{next}", &next.to_string()),
        ),
        (
            "targets/targets.toml",
            TARGETS.replace("{year}", &year.to_string()),
        ),
        (".gitignore", "/public/\n".to_string()),
    ]
}

/// Why `init` did not write anything.
#[derive(Debug)]
pub enum InitError {
    /// These files exist already; nothing was written.
    Exists(Vec<PathBuf>),
    /// Writing failed.
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Exists(paths) => {
                write!(f, "refusing to overwrite existing files:")?;
                for p in paths {
                    write!(f, "\n  {}", p.display())?;
                }
                Ok(())
            }
            InitError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

/// Writes the scaffold into `dir` (created if needed). Refuses, writing
/// nothing, when any of the files exists.
pub fn init(dir: &Path, files: &Scaffold) -> Result<Vec<PathBuf>, InitError> {
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.exists() || p.is_symlink())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::new();
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // create_new: never clobber a file that appeared since the check.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| InitError::Io(path.clone(), e))?;
        std::io::Write::write_all(&mut f, content.as_bytes())
            .map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(path);
    }
    Ok(written)
}

const SETTINGS: &str = r#"# dealbook settings. Reference: docs/format.md of dealbook.
[org]
name = "My Sales Organisation"
currency = "CNY"            # reporting currency (ISO 4217)
fiscal_year_start = 1       # month the fiscal year starts
locale = "en"               # "en" or "zh-CN"
# as_of = 2026-11-15        # fix the date the numbers are for (else: today)

[rates]                     # 1 unit of each currency in the reporting currency
USD = 7.10

# The sales process, earliest stage first; outcomes last.
[[stage]]
id = "qualify"
name = "Qualification"
probability = 0.10
category = "pipeline"
max_days = 30
requires = ["pains"]

[[stage]]
id = "needs-analysis"
name = "Needs analysis"
probability = 0.20
category = "pipeline"
max_days = 30
requires = ["decision_process", "stakeholder"]

[[stage]]
id = "solution"
name = "Solution"
probability = 0.40
category = "best_case"
max_days = 45

[[stage]]
id = "proof"
name = "Value proof"
probability = 0.60
category = "best_case"
max_days = 45
requires = ["value_proof"]

[[stage]]
id = "negotiation"
name = "Negotiation"
probability = 0.80
category = "commit"
max_days = 30

[[stage]]
id = "won"
name = "Won"
outcome = "won"

[[stage]]
id = "lost"
name = "Lost"
outcome = "lost"

[rules]
min_stakeholders = 2
large_deal = 1_000_000
economic_buyer_by = "solution"
proof_by = "proof"
decline_pct = 20
"#;

const TEAM: &str = r#"[[team]]
id = "sales"
name = "Sales"
manager = "manager"

[[person]]
id = "manager"
name = "Sales Manager"
team = "sales"
role = "manager"

[[person]]
id = "rep"
name = "Sales Rep"
team = "sales"
role = "sales"
"#;

const ACCOUNT: &str = r#"name = "ACME Corporation"
industry = "Manufacturing"
tier = "key"
owner = "rep"
notes = """
Key account. Write **Markdown** here.
"""

# Tables come last: every key after a [[...]] header belongs to that entry.
[[contact]]
id = "cio"
name = "Chris Doe"
title = "CIO"
influence = "high"

[[contact]]
id = "it-lead"
name = "Sam Lee"
title = "IT lead"
influence = "medium"

[[touch]]
date = {touch}
by = "rep"
kind = "visit"
contact = "cio"
note = "First meeting"
"#;

const DEAL: &str = r#"name = "ACME pilot"
account = "acme"
owner = "rep"
amount = 250_000
stage = "needs-analysis"
created = {created}
close = {close}
products = ["platform"]
next_step = "Workshop with the IT team"
next_step_date = {next}
pains = ["Month-end reporting takes two weeks"]
decision_process = "IT lead evaluates, CIO approves"
notes = """
What we know so far.
"""

# Tables come last: every key after a [[...]] header belongs to that entry.
[[stakeholder]]
contact = "cio"
role = "economic_buyer"
attitude = "supporter"

[[stakeholder]]
contact = "it-lead"
role = "technical_buyer"
attitude = "neutral"

[[history]]
date = {created}
stage = "qualify"

[[history]]
date = {qualified}
stage = "needs-analysis"
"#;

const TARGETS: &str = r#"[[target]]
period = "{year}"
metric = "revenue"
value = 10_000_000
stretch = 12_000_000

[[target]]
period = "{year}"
person = "rep"
metric = "revenue"
value = 5_000_000
"#;
