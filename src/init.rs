//! `dealbook init`: the files of a new pipeline that passes `check` at once
//! (settings with a standard stage list, a team, one account, one deal, one
//! target file, a `.gitignore`, and a GitHub Actions workflow that checks
//! pull requests, posts `dealbook diff` and builds the site on main; the
//! loader skips dot-folders, so the workflow is not part of the pipeline).
//! Dates are relative to the day it runs, so the example deal is open and
//! its history is not in the future.

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
        (
            "dealbook.toml",
            format!("{SETTINGS_HEAD}{STANDARD_STAGES}{}", signals_table()),
        ),
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
        (".github/workflows/dealbook.yml", workflow()),
    ]
}

/// `[rules.signals]` of a new pipeline: every risk signal, switched on,
/// with what it checks as a comment (the spec's doc of the switch), so a
/// team sees what it can switch off.
pub fn signals_table() -> String {
    let fields = crate::spec::SIGNALS.fields;
    let width = fields.iter().map(|f| f.key.len()).max().unwrap_or(0) + " = true".len();
    let mut s = String::from(
        "\n# Risk signals on open deals. Set one to false to switch it off: it is then\n\
         # not computed and shown nowhere. Thresholds: the [rules] above.\n\
         [rules.signals]\n",
    );
    for f in fields {
        let line = format!("{} = true", f.key);
        s.push_str(&format!("{line:<width$}  # {}\n", f.doc));
    }
    s
}

/// Where the workflow installs dealbook from: the package's repository
/// when the build knows it, else a placeholder the user must replace.
pub const DEALBOOK_REPO: &str = match env!("CARGO_PKG_REPOSITORY").as_bytes() {
    [] => "https://github.com/OWNER/dealbook",
    _ => env!("CARGO_PKG_REPOSITORY"),
};

/// The GitHub Actions workflow of a new pipeline.
pub fn workflow() -> String {
    WORKFLOW.replace("{repo}", DEALBOOK_REPO)
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

/// The settings of a new pipeline up to its stage list: organisation and
/// rates, with comments.
const SETTINGS_HEAD: &str = r#"# dealbook settings. Reference: docs/format.md of dealbook.
[org]
name = "My Sales Organisation"
currency = "CNY"            # reporting currency (ISO 4217)
fiscal_year_start = 1       # month the fiscal year starts
locale = "en"               # "en" or "zh-CN"
# as_of = 2026-11-15        # fix the date the numbers are for (else: today)

[rates]                     # 1 unit of each currency in the reporting currency
USD = 7.10

# The sales process, earliest stage first; outcomes last.
"#;

/// The standard stage list and rules of a new pipeline's `dealbook.toml`
/// (from the first `[[stage]]` to the end of `[rules]`), as TOML text. The
/// synthetic pipelines of `examples/gen.rs` use it too.
pub const STANDARD_STAGES: &str = r#"[[stage]]
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

/// `.github/workflows/dealbook.yml`; documented in docs/ci.md.
const WORKFLOW: &str = r#"# dealbook CI: validate every pull request, show what it does to the
# pipeline and the forecast, and build the site on main.
# Reference: docs/ci.md in the dealbook repository.
#
# Adapt before the first run:
# - DEALBOOK_REPO: the git repository dealbook is installed from;
#   DEALBOOK_REF: a release tag of it (empty: its default branch);
# - DEALBOOK_DIR: the pipeline folder when it is not the top of the
#   repository (this file must be in the top's .github/workflows/);
# - SITE_URL: where the built site is published, so the diff links deal
#   names to their pages (optional);
# - the branch name under `push`, when it is not main.
name: dealbook

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

env:
  DEALBOOK_REPO: {repo}
  DEALBOOK_REF: ""
  DEALBOOK_DIR: "."
  SITE_URL: ""

jobs:
  dealbook:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write # to post the diff as a comment
    steps:
      - uses: actions/checkout@v4

      # Install dealbook (cached per version).
      - name: Pick the dealbook version
        id: version
        run: |
          if [ -n "$DEALBOOK_REF" ]; then
            echo "key=$DEALBOOK_REF" >> "$GITHUB_OUTPUT"
            echo "args=--tag $DEALBOOK_REF" >> "$GITHUB_OUTPUT"
          else
            rev=$(git ls-remote "$DEALBOOK_REPO" HEAD | cut -f1)
            test -n "$rev"
            echo "key=$rev" >> "$GITHUB_OUTPUT"
            echo "args=--rev $rev" >> "$GITHUB_OUTPUT"
          fi
      - uses: actions/cache@v4
        id: cache
        with:
          path: ~/.cargo/bin/dealbook
          key: dealbook-${{ runner.os }}-${{ steps.version.outputs.key }}
      - name: Install dealbook
        if: steps.cache.outputs.cache-hit != 'true'
        env:
          ARGS: ${{ steps.version.outputs.args }}
        run: cargo install --locked --git "$DEALBOOK_REPO" $ARGS dealbook

      # Every run: errors become annotations on the changed lines.
      - name: Check
        run: dealbook check "$DEALBOOK_DIR" --format github

      # Pull requests: what the change does, as a job summary and a comment.
      - name: Diff against the base branch
        if: always() && github.event_name == 'pull_request'
        run: |
          git fetch --no-tags --depth=1 origin \
            "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF"
          rc=0
          dealbook diff "origin/$GITHUB_BASE_REF" HEAD --dir "$DEALBOOK_DIR" \
            ${SITE_URL:+--site-url "$SITE_URL"} > dealbook-diff.md || rc=$?
          cat dealbook-diff.md >> "$GITHUB_STEP_SUMMARY"
          # 1: the pull request has errors, which the Check step reports.
          [ "$rc" -le 1 ]
      - name: Comment on the pull request
        # Pull requests from forks get a read-only token: summary only.
        if: >-
          always() && github.event_name == 'pull_request' &&
          github.event.pull_request.head.repo.full_name == github.repository &&
          hashFiles('dealbook-diff.md') != ''
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          marker='<!-- dealbook-diff -->'
          run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
          { echo "$marker"; cat dealbook-diff.md; } > comment.md
          if [ "$(wc -c < comment.md)" -gt 60000 ]; then
            { echo "$marker"; head -n 8 dealbook-diff.md; echo
              echo "The full diff is too long for a comment: see the [job summary]($run_url)."
            } > comment.md
          fi
          id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR/comments" \
            --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | tail -n 1)
          if [ -n "$id" ]; then
            gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@comment.md > /dev/null
          else
            gh pr comment "$PR" --body-file comment.md
          fi

      # Main: build the site and keep it as an artifact.
      - name: Build the site
        if: github.event_name == 'push'
        run: dealbook build "$DEALBOOK_DIR"
      - uses: actions/upload-artifact@v4
        if: github.event_name == 'push'
        with:
          name: dealbook-site
          path: ${{ env.DEALBOOK_DIR }}/public
          if-no-files-found: error
"#;
