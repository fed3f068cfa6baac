//! `dealbook init`: the files of a new pipeline that passes `check` at once
//! (settings with a standard stage list, a team, one account, one deal, one
//! target file, a `.gitignore`, a GitHub Actions workflow that checks
//! pull requests, posts `dealbook diff` and builds the site on main, and
//! the editor set-up: `.taplo.toml` mapping each file kind to its JSON
//! Schema in `.schemas/`; the loader skips dot-folders and dot-files, so
//! none of these is part of the pipeline).
//! Dates are relative to the day it runs, so the example deal is open and
//! its history is not in the future.

use jiff::ToSpan;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// A file to write: path relative to the new pipeline, and content.
pub type Scaffold = Vec<(String, String)>;

/// The files of a new pipeline, for a given `today`, with the default
/// workflow.
pub fn files(today: Date) -> Scaffold {
    files_with(today, &Install::default())
}

/// The files of a new pipeline, for a given `today`, the workflow
/// installing dealbook as `install` says.
pub fn files_with(today: Date, install: &Install) -> Scaffold {
    let created = today.checked_sub(14.days()).unwrap_or(today);
    let qualified = today.checked_sub(7.days()).unwrap_or(today);
    let close = today.checked_add(60.days()).unwrap_or(today);
    let next = today.checked_add(7.days()).unwrap_or(today);
    let year = today.year();
    let files: Vec<(&str, String)> = vec![
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
        (".gitignore", GITIGNORE.to_string()),
        (".github/workflows/dealbook.yml", workflow_with(install)),
        (
            ".taplo.toml",
            crate::schema::taplo_config(crate::schema::SCHEMA_DIR),
        ),
    ];
    // The schemas `.taplo.toml` points at.
    let schemas = crate::schema::files()
        .into_iter()
        .map(|(name, text)| (format!("{}/{name}", crate::schema::SCHEMA_DIR), text));
    files
        .into_iter()
        .map(|(p, t)| (p.to_string(), t))
        .chain(schemas)
        .collect()
}

/// The scaffold's `.gitignore`: the default output folder, and the
/// temporary and old copies of a site that an interrupted `dealbook build`
/// leaves next to its output folder (the next build deletes them).
pub const GITIGNORE: &str = "/public/\n# left by an interrupted `dealbook build` (the next build deletes them)\n.*.tmp-*/\n.*.old-*/\n";

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

/// Where the CI workflow installs dealbook from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// crates.io, this exact version (`cargo install --locked dealbook
    /// --version =X`): the version of the dealbook that ran `init`.
    Crate(String),
    /// A git repository (`init --install-from URL`), at the commit of a
    /// tag, branch or commit id that the workflow resolves on each run.
    Git(String),
}

impl Default for Install {
    fn default() -> Install {
        Install::Crate(env!("CARGO_PKG_VERSION").to_string())
    }
}

/// Checks an `--install-from` URL: it goes into the workflow's YAML and
/// shell, so it must be plain (no spaces, quotes, backslashes, `$` or
/// control characters) and look like a git URL.
pub fn parse_install_url(s: &str) -> Result<String, String> {
    let plain = !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'\\`$".contains(c));
    let gitish = ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|p| s.starts_with(p))
        || (s.contains('@') && s.contains(':'));
    if plain && gitish {
        Ok(s.to_string())
    } else {
        Err("expected a git URL like https://github.com/ORG/dealbook \
             (no spaces, quotes, `$` or backslashes)"
            .into())
    }
}

/// The GitHub Actions workflow of a new pipeline, installing dealbook as
/// `install` says.
pub fn workflow_with(install: &Install) -> String {
    let (env, steps) = match install {
        Install::Crate(version) => (
            format!(
                "  # The dealbook release to install from crates.io (cargo install --locked).\n  \
                 DEALBOOK_VERSION: \"{version}\"\n"
            ),
            format!("{INSTALL_CRATE}{INSTALL_TAIL}"),
        ),
        Install::Git(url) => (
            format!(
                "  # The git repository dealbook is installed from, and a tag, branch or\n  \
                 # commit id of it (empty: its default branch).\n  \
                 DEALBOOK_GIT: \"{url}\"\n  DEALBOOK_GIT_REF: \"\"\n"
            ),
            format!("{INSTALL_GIT}{INSTALL_TAIL}"),
        ),
    };
    WORKFLOW
        .replace("{install_env}", &env)
        .replace("{install_steps}", &steps)
}

/// The workflow `init` writes by default: dealbook from crates.io, at the
/// version of the running binary.
pub fn workflow() -> String {
    workflow_with(&Install::default())
}

/// Why `init` did not write anything.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// These files exist already; nothing was written.
    #[error("refusing to overwrite existing files:{}", listed(.0))]
    Exists(Vec<PathBuf>),
    /// Writing failed.
    #[error("cannot write {}: {}", .0.display(), .1)]
    Io(PathBuf, #[source] std::io::Error),
    /// The folder is inside the pipeline at this root; nothing was written.
    #[error(
        "refusing to create a pipeline inside the pipeline at {} (its dealbook.toml \
         would be found first); choose a folder outside it",
        .0.display()
    )]
    Inside(PathBuf),
}

/// The paths of [`InitError::Exists`], one per line, indented.
fn listed(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("\n  {}", p.display()))
        .collect()
}

/// Writes the scaffold into `dir` (created if needed). Refuses, writing
/// nothing, when any of the files exists or `dir` is inside another
/// pipeline.
pub fn init(dir: &Path, files: &Scaffold) -> Result<Vec<PathBuf>, InitError> {
    if let Some(root) = crate::root::enclosing(dir) {
        return Err(InitError::Inside(root));
    }
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

/// `.github/workflows/dealbook.yml`, around its install steps; documented
/// in docs/ci.md.
const WORKFLOW: &str = r#"# dealbook CI: validate every pull request, show what it does to the
# pipeline and the forecast, and build the site on main.
# Written by `dealbook init`; reference: docs/ci.md in the dealbook
# repository.
#
# Adapt when needed:
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

# One run per pull request (or branch) at a time: a new push cancels the
# run still going, so quick pushes never post the comment twice.
concurrency:
  group: dealbook-${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: true

permissions:
  contents: read

env:
{install_env}  DEALBOOK_DIR: "."
  SITE_URL: ""

jobs:
  dealbook:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write # to post the diff as a comment
    steps:
      - uses: actions/checkout@v4

{install_steps}
      # Pull requests: the base branch, for --changed-since and the diff.
      - name: Fetch the base branch
        if: github.event_name == 'pull_request'
        run: |
          git fetch --no-tags --depth=1 origin \
            "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF"

      # Every run: problems become annotations on the changed lines, those
      # of the files the pull request changed first (GitHub shows 10 of
      # each severity per step); the last line has the full counts.
      - name: Check
        run: |
          dealbook check "$DEALBOOK_DIR" --format github \
            ${GITHUB_BASE_REF:+--changed-since "origin/$GITHUB_BASE_REF"}

      # Every run: the files are in `dealbook fmt`'s layout (lists the others).
      - name: Format
        if: ${{ !cancelled() && steps.ready.outcome == 'success' }}
        run: dealbook fmt "$DEALBOOK_DIR" --check

      # Pull requests: what the change does, as the job summary, an
      # artifact and a comment (cut by dealbook at a section boundary to
      # fit GitHub's 65,536 characters, saying where the rest is).
      - name: Diff against the base branch
        id: diff
        if: ${{ !cancelled() && steps.ready.outcome == 'success' && github.event_name == 'pull_request' }}
        run: |
          run_url="$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
          rc=0
          dealbook diff "origin/$GITHUB_BASE_REF" HEAD --dir "$DEALBOOK_DIR" \
            ${SITE_URL:+--site-url "$SITE_URL"} > dealbook-diff.md || rc=$?
          # 1: the pull request has errors, which the Check step reports.
          if [ "$rc" -gt 1 ]; then exit "$rc"; fi
          cat dealbook-diff.md >> "$GITHUB_STEP_SUMMARY"
          dealbook diff "origin/$GITHUB_BASE_REF" HEAD --dir "$DEALBOOK_DIR" \
            ${SITE_URL:+--site-url "$SITE_URL"} --max-chars 65000 \
            --full-diff "the job summary and the dealbook-diff artifact of [this run]($run_url)" \
            > dealbook-comment.md || rc=$?
          if [ "$rc" -gt 1 ]; then exit "$rc"; fi
          test -s dealbook-comment.md
      - name: Keep the full diff
        if: ${{ !cancelled() && steps.diff.outcome == 'success' }}
        uses: actions/upload-artifact@v4
        with:
          name: dealbook-diff
          path: dealbook-diff.md
      - name: Comment on the pull request
        # Pull requests from forks get a read-only token: summary only.
        if: >-
          ${{ !cancelled() && steps.diff.outcome == 'success' &&
          github.event.pull_request.head.repo.full_name == github.repository }}
        env:
          GH_TOKEN: ${{ github.token }}
          PR: ${{ github.event.pull_request.number }}
        run: |
          marker='<!-- dealbook-diff -->'
          { echo "$marker"; cat dealbook-comment.md; } > comment.md
          # The comment this workflow posted before (its bot's, with the marker).
          id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR/comments" \
            --jq ".[] | select(.user.login == \"github-actions[bot]\" and (.body | startswith(\"$marker\"))) | .id" \
            | tail -n 1)
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

/// The install steps from crates.io. The binary is cached per version,
/// runner OS and architecture, and saved right after it is built, so a
/// failing check does not lose it. A failed install fails the job with a
/// clear message, and no later step posts anything.
const INSTALL_CRATE: &str = r#"      # Install dealbook: from the cache, else built once and cached at once.
      - name: Restore dealbook from the cache
        id: cache
        uses: actions/cache/restore@v4
        with:
          path: ~/.cargo/bin/dealbook
          key: dealbook-${{ runner.os }}-${{ runner.arch }}-${{ env.DEALBOOK_VERSION }}
      - name: Install dealbook
        if: steps.cache.outputs.cache-hit != 'true'
        run: |
          if ! cargo install --locked dealbook --version "=$DEALBOOK_VERSION"; then
            echo "::error title=dealbook was not installed::cargo install dealbook $DEALBOOK_VERSION failed (see above). Nothing was checked and no comment is posted. Check DEALBOOK_VERSION, or install from git (docs/ci.md)."
            exit 1
          fi
"#;

/// The end of both install variants: the binary saved to the cache right
/// after a fresh install, and the `ready` step the later steps are gated
/// on (it runs only when the install did not fail).
const INSTALL_TAIL: &str = r#"      - name: Save dealbook to the cache
        if: steps.cache.outputs.cache-hit != 'true'
        uses: actions/cache/save@v4
        with:
          path: ~/.cargo/bin/dealbook
          key: ${{ steps.cache.outputs.cache-primary-key }}
      - name: dealbook is ready
        id: ready
        run: dealbook --version
"#;

/// The install steps from a git repository (`init --install-from`): the
/// ref is resolved to a commit on each run, and the binary cached per
/// commit, runner OS and architecture.
const INSTALL_GIT: &str = r#"      # Install dealbook: from the cache, else built once and cached at once.
      - name: Pick the dealbook commit
        id: version
        env:
          GIT_TERMINAL_PROMPT: "0"
        run: |
          ref="${DEALBOOK_GIT_REF:-HEAD}"
          if [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then
            rev="$ref"
          else
            rev=$(git ls-remote "$DEALBOOK_GIT" "$ref" "$ref^{}" | tail -n 1 | cut -f1)
          fi
          if [ -z "$rev" ]; then
            echo "::error title=dealbook was not installed::cannot find ${DEALBOOK_GIT_REF:-the default branch} in $DEALBOOK_GIT (a private repository needs credentials: see docs/ci.md). Nothing was checked and no comment is posted."
            exit 1
          fi
          echo "rev=$rev" >> "$GITHUB_OUTPUT"
      - name: Restore dealbook from the cache
        id: cache
        uses: actions/cache/restore@v4
        with:
          path: ~/.cargo/bin/dealbook
          key: dealbook-${{ runner.os }}-${{ runner.arch }}-${{ steps.version.outputs.rev }}
      - name: Install dealbook
        if: steps.cache.outputs.cache-hit != 'true'
        env:
          REV: ${{ steps.version.outputs.rev }}
          GIT_TERMINAL_PROMPT: "0"
        run: |
          if ! cargo install --locked --git "$DEALBOOK_GIT" --rev "$REV" dealbook; then
            echo "::error title=dealbook was not installed::cargo install from $DEALBOOK_GIT at $REV failed (see above). Nothing was checked and no comment is posted."
            exit 1
          fi
"#;
