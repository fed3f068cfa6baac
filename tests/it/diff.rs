//! `dealbook diff` on real git repositories built in temporary folders by
//! the tests (the real `git` binary, with the host's configuration shut
//! out): a base commit of a small pipeline, then one commit per kind of
//! change. Checks the waterfall arithmetic, the forecast delta against the
//! analytics computed separately on a copy of each revision, every group
//! of deal changes, the risks, the Markdown (snapshot), and the edges: a
//! pipeline in a sub-folder, revisions and folders that do not exist, a
//! deal file moved to a new sub-folder, two plain folders, and that the
//! working tree and the index are left alone.

use dealbook::analytics;
use dealbook::load::LoadOptions;
use dealbook::period::Period;
use jiff::civil::{Date, date};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

const BIN: &str = env!("CARGO_BIN_EXE_dealbook");
const AS_OF: Date = date(2026, 11, 15);

/// Environment that keeps the host's git configuration out.
fn git_env(cmd: &mut Command, home: &Path) {
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-15T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-15T10:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
}

/// `dealbook diff args` run in `dir`, with the host's git configuration
/// kept out (`home`: the test's own home folder).
fn diff_command(args: &[&str], dir: &Path, home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("diff").args(args).current_dir(dir);
    git_env(&mut c, home);
    c
}

/// `git args` run in `dir`, likewise.
fn git_command(args: &[&str], dir: &Path, home: &Path) -> Command {
    let mut c = Command::new("git");
    c.args(args).current_dir(dir);
    git_env(&mut c, home);
    c
}

/// A git repository in a temporary folder, with the pipeline in `pipe`
/// (the top of the repository, or a sub-folder) and a copy of the
/// pipeline saved at each commit.
struct Repo {
    tmp: tempfile::TempDir,
    /// Pipeline folder, relative to the repository top ("" for the top).
    sub: String,
    commits: Vec<String>,
}

impl Repo {
    fn new(sub: &str) -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo")).unwrap();
        let r = Repo {
            tmp,
            sub: sub.into(),
            commits: Vec::new(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn top(&self) -> PathBuf {
        self.tmp.path().join("repo")
    }

    fn pipe(&self) -> PathBuf {
        if self.sub.is_empty() {
            self.top()
        } else {
            self.top().join(&self.sub)
        }
    }

    fn snapshot(&self, n: usize) -> PathBuf {
        self.tmp.path().join(format!("snap{n}"))
    }

    fn git(&self, args: &[&str]) -> String {
        let out = git_command(args, &self.top(), self.tmp.path())
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.pipe().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.pipe().join(rel)).unwrap();
    }

    /// Commits everything and saves a copy of the pipeline; returns the
    /// commit's index.
    fn commit(&mut self, msg: &str) -> usize {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        let id = self.git(&["rev-parse", "HEAD"]).trim().to_string();
        self.commits.push(id);
        let n = self.commits.len() - 1;
        copy_dir(&self.pipe(), &self.snapshot(n));
        n
    }

    fn rev(&self, n: usize) -> &str {
        &self.commits[n]
    }

    /// Runs `dealbook diff` in the repository top with `args`.
    fn diff(&self, args: &[&str]) -> Output {
        let out = diff_command(args, &self.top(), self.tmp.path())
            .output()
            .expect("run dealbook");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        out
    }

    /// `dealbook diff A B --format json` between two commits.
    fn json(&self, a: usize, b: usize) -> Value {
        let dir = if self.sub.is_empty() { "." } else { &self.sub };
        let out = self.diff(&[self.rev(a), self.rev(b), "--dir", dir, "--format", "json"]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("valid JSON")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_name() == ".git" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The test pipeline's settings. Its stages have the ids, names,
/// probabilities and categories of the standard list `dealbook init`
/// writes (`dealbook::init::STANDARD_STAGES`), but deliberately not its
/// rules: no `max_days`, no `requires`, one stakeholder is enough, no
/// large-deal or buyer rules. So the only risk signals and diagnostics are
/// the ones the scenario's edits cause, and a change to the scaffold's
/// defaults does not move these tests or their snapshots.
fn settings() -> String {
    crate::common::settings(
        "[org]\nname = \"Test Org\"\ncurrency = \"CNY\"\nfiscal_year_start = 1\nas_of = 2026-11-15\n\n[rates]\nUSD = 7.10\n",
        "[rules]\nmin_stakeholders = 1\n",
    )
}

const TEAM: &str = r#"[[team]]
id = "east"
name = "East"
manager = "li-wei"

[[person]]
id = "li-wei"
name = "李伟"
team = "east"
role = "manager"

[[person]]
id = "zhang-min"
name = "张敏"
team = "east"
role = "sales"

[[person]]
id = "chen-jie"
name = "Chen | Jie"
team = "east"
role = "sales"
"#;

const ACME: &str = r#"name = "ACME <Corp>"
tier = "standard"
owner = "zhang-min"

[[contact]]
id = "cio"
name = "Chris"
influence = "high"
"#;

const HUAXING: &str = r#"name = "华星电力"
tier = "key"
owner = "chen-jie"

[[contact]]
id = "wang"
name = "王总"
influence = "high"
"#;

const TARGETS: &str = r#"[[target]]
period = "2026-Q4"
metric = "revenue"
value = 5_000_000

[[target]]
period = "2026-Q4"
person = "zhang-min"
metric = "revenue"
value = 2_000_000
"#;

/// A deal file. `extra` lines go before the stakeholder table.
fn deal(
    name: &str,
    account: &str,
    owner: &str,
    amount: &str,
    stage: &str,
    close: &str,
    extra: &str,
) -> String {
    let contact = if account == "acme" { "cio" } else { "wang" };
    format!(
        "name = \"{name}\"\naccount = \"{account}\"\nowner = \"{owner}\"\namount = {amount}\n\
         stage = \"{stage}\"\ncreated = 2026-09-01\nclose = {close}\n\
         next_step = \"Call\"\nnext_step_date = 2026-11-20\n{extra}\n\
         [[stakeholder]]\ncontact = \"{contact}\"\nrole = \"economic_buyer\"\nattitude = \"champion\"\n"
    )
}

/// The base pipeline.
fn base(r: &Repo) {
    r.write("dealbook.toml", &settings());
    r.write("team.toml", TEAM);
    r.write("accounts/acme.toml", ACME);
    r.write("accounts/key/huaxing.toml", HUAXING);
    r.write("targets/2026.toml", TARGETS);
    r.write(
        "deals/alpha.toml",
        &deal(
            "Alpha ERP",
            "acme",
            "zhang-min",
            "1_000_000",
            "solution",
            "2026-12-10",
            "",
        ),
    );
    r.write(
        "deals/beta.toml",
        &deal(
            "Beta *MES*",
            "acme",
            "zhang-min",
            "500_000",
            "negotiation",
            "2026-12-20",
            "",
        ),
    );
    r.write(
        "deals/gamma.toml",
        &deal(
            "Gamma [IoT]",
            "huaxing",
            "chen-jie",
            "800_000",
            "proof",
            "2026-11-30",
            "value_proof = \"POC\"",
        ),
    );
    r.write(
        "deals/delta.toml",
        &deal(
            "Delta",
            "huaxing",
            "chen-jie",
            "300_000",
            "qualify",
            "2027-02-15",
            "",
        ),
    );
    r.write(
        "deals/eps.toml",
        &deal(
            "Epsilon 云",
            "acme",
            "zhang-min",
            "200_000",
            "needs-analysis",
            "2026-12-31",
            "currency = \"USD\"",
        ),
    );
    r.write(
        "deals/east/zeta.toml",
        &deal(
            "Zeta",
            "huaxing",
            "zhang-min",
            "400_000",
            "negotiation",
            "2026-12-05",
            "",
        ),
    );
    r.write(
        "deals/old-win.toml",
        &deal(
            "Old win",
            "acme",
            "zhang-min",
            "600_000",
            "won",
            "2026-10-10",
            "",
        ),
    );
    r.write(".gitignore", "/public/\n");
}

/// Replaces `from` by `to` in a pipeline file (exactly once).
fn edit(r: &Repo, rel: &str, from: &str, to: &str) {
    let p = r.pipe().join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{rel}: {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// The commits of the main scenario, by name.
struct Scenario {
    repo: Repo,
    base: usize,
    added: usize,
    stages: usize,
    closed: usize,
    slipped: usize,
    amount_owner: usize,
    broken: usize,
}

fn scenario(sub: &str) -> Scenario {
    let mut r = Repo::new(sub);
    base(&r);
    let base_c = r.commit("base");
    r.write(
        "deals/new-one.toml",
        &deal(
            "New one",
            "acme",
            "chen-jie",
            "250_000",
            "qualify",
            "2026-12-15",
            "",
        ),
    );
    let added = r.commit("add a deal");
    edit(
        &r,
        "deals/alpha.toml",
        "stage = \"solution\"",
        "stage = \"proof\"\nvalue_proof = \"Pilot\"",
    );
    edit(
        &r,
        "deals/gamma.toml",
        "stage = \"proof\"",
        "stage = \"solution\"",
    );
    let stages = r.commit("stage forward and back");
    edit(
        &r,
        "deals/beta.toml",
        "stage = \"negotiation\"",
        "stage = \"won\"",
    );
    edit(
        &r,
        "deals/beta.toml",
        "close = 2026-12-20",
        "close = 2026-11-10",
    );
    edit(
        &r,
        "deals/delta.toml",
        "stage = \"qualify\"",
        "stage = \"lost\"\nlost_reason = \"price | too high\"",
    );
    edit(
        &r,
        "deals/delta.toml",
        "close = 2027-02-15",
        "close = 2026-11-12",
    );
    let closed = r.commit("win and lose");
    edit(
        &r,
        "deals/eps.toml",
        "close = 2026-12-31",
        "close = 2027-01-20",
    );
    let slipped = r.commit("slip across the quarter");
    edit(
        &r,
        "deals/alpha.toml",
        "amount = 1_000_000",
        "amount = 1_200_000",
    );
    edit(
        &r,
        "deals/gamma.toml",
        "owner = \"chen-jie\"",
        "owner = \"zhang-min\"",
    );
    let amount_owner = r.commit("amount and owner");
    edit(
        &r,
        "deals/east/zeta.toml",
        "stage = \"negotiation\"",
        "stage = \"negotation\"",
    );
    let broken = r.commit("break a file");
    Scenario {
        repo: r,
        base: base_c,
        added,
        stages,
        closed,
        slipped,
        amount_owner,
        broken,
    }
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("money string, got {v}")),
    )
    .unwrap()
}

fn money(v: &Value, bucket: &str) -> Decimal {
    dec(&v[bucket]["amount"])
}

/// Every waterfall of a diff balances to the cent, and its start and end
/// are the open amounts the forecast reports.
fn assert_waterfalls_balance(j: &Value) {
    let mut all = vec![&j["waterfall"]["pipeline"]];
    all.extend(j["waterfall"]["periods"].as_array().unwrap());
    for w in all {
        let end = money(w, "start") + money(w, "new") + money(w, "pulled_in")
            - money(w, "pushed_out")
            + money(w, "amount_up")
            - money(w, "amount_down")
            - money(w, "won")
            - money(w, "lost")
            - money(w, "removed");
        assert_eq!(end, money(w, "end"), "waterfall {w}");
    }
    assert_eq!(
        dec(&j["waterfall"]["pipeline"]["pulled_in"]["amount"]),
        Decimal::ZERO
    );
}

fn waterfall<'a>(j: &'a Value, period: &str) -> &'a Value {
    j["waterfall"]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["period"] == period)
        .unwrap_or_else(|| panic!("no waterfall for {period}"))
}

/// The entry of deal `id` in the diff's deal changes, if it has one.
fn find_deal<'a>(j: &'a Value, id: &str) -> Option<&'a Value> {
    j["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
}

/// The entry of deal `id` in the diff's deal changes.
fn deal_entry<'a>(j: &'a Value, id: &str) -> &'a Value {
    find_deal(j, id).unwrap_or_else(|| panic!("no deal change for {id}"))
}

/// The organisation's forecast row of `period`.
fn org_forecast<'a>(j: &'a Value, period: &str) -> &'a Value {
    j["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == period && r["scope"]["kind"] == "org")
        .unwrap_or_else(|| panic!("no org forecast row for {period}"))
}

fn deal_changes(j: &Value, id: &str) -> Vec<String> {
    find_deal(j, id)
        .map(|d| {
            d["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn ids(j: &Value) -> Vec<String> {
    j["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

/// The forecast rows of the diff against `analytics::compute` run on the
/// saved copy of each revision.
fn assert_forecast_matches_analytics(r: &Repo, j: &Value, a: usize, b: usize) {
    let load = |n: usize| {
        dealbook::load_and_check(&r.snapshot(n), &LoadOptions::default(), Some(AS_OF), AS_OF)
    };
    let (ca, cb) = (load(a), load(b));
    let mut checked = 0;
    for row in j["forecast"].as_array().unwrap() {
        let period = Period::parse(row["period"].as_str().unwrap()).unwrap();
        let opts = analytics::Options {
            periods: vec![period],
            period: Some(period),
            focus: None,
        };
        for (side, c) in [("before", &ca), ("after", &cb)] {
            let an = analytics::compute(&c.pipeline, AS_OF, &opts);
            let scope = &row["scope"];
            let f = an.forecast.iter().find(|f| {
                f.period == period
                    && f.scope.kind.as_str() == scope["kind"].as_str().unwrap()
                    && f.scope.id.as_deref() == scope["id"].as_str()
            });
            let got = &row[side];
            match f {
                None => assert!(got.is_null(), "{period} {scope} {side}"),
                Some(f) => {
                    for (name, want) in [
                        ("won", f.won),
                        ("commit", f.commit),
                        ("best_case", f.best_case),
                        ("pipeline", f.pipeline),
                        ("weighted", f.weighted),
                        ("open_amount", f.open_amount),
                    ] {
                        assert_eq!(
                            dec(&got[name]),
                            want.get(),
                            "{period} {scope} {side} {name}"
                        );
                    }
                    assert_eq!(
                        got["attainment"]
                            .as_str()
                            .map(|s| Decimal::from_str(s).unwrap()),
                        f.attainment.map(|r| r.get()),
                        "{period} {side} attainment"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 2);
    // Start and end of every period's waterfall are the open amounts.
    for w in j["waterfall"]["periods"].as_array().unwrap() {
        let row = org_forecast(j, w["period"].as_str().unwrap());
        assert_eq!(
            money(w, "start"),
            dec(&row["before"]["open_amount"]),
            "{}",
            w["period"]
        );
        assert_eq!(
            money(w, "end"),
            dec(&row["after"]["open_amount"]),
            "{}",
            w["period"]
        );
    }
}

#[test]
fn every_step_balances_and_matches_the_analytics() {
    let s = scenario("");
    let r = &s.repo;
    let steps = [
        (s.base, s.added),
        (s.added, s.stages),
        (s.stages, s.closed),
        (s.closed, s.slipped),
        (s.slipped, s.amount_owner),
        (s.amount_owner, s.broken),
        (s.base, s.amount_owner),
        (s.base, s.broken),
        (s.broken, s.base),
    ];
    for (a, b) in steps {
        let j = r.json(a, b);
        assert_eq!(j["version"], 1);
        assert_eq!(j["as_of"], "2026-11-15");
        assert_waterfalls_balance(&j);
        if b != s.broken && a != s.broken {
            assert_forecast_matches_analytics(r, &j, a, b);
        }
    }
}

#[test]
fn grouped_changes_and_waterfall_buckets() {
    let s = scenario("");
    let r = &s.repo;
    let cny = |s: &str| Decimal::from_str(s).unwrap();

    // Added.
    let j = r.json(s.base, s.added);
    assert_eq!(ids(&j), ["new-one"]);
    assert_eq!(deal_changes(&j, "new-one"), ["added"]);
    let q4 = waterfall(&j, "2026-Q4");
    assert_eq!(money(q4, "new"), cny("250000.00"));
    assert_eq!(q4["new"]["deals"], 1);
    assert_eq!(j["summary"]["changes"]["added"], 1);
    assert_eq!(j["valid"], true);

    // Stage forward and back; the forecast category follows the stage.
    let j = r.json(s.added, s.stages);
    assert_eq!(deal_changes(&j, "alpha"), ["stage_forward"]);
    assert_eq!(deal_changes(&j, "gamma"), ["stage_backward"]);
    let alpha = deal_entry(&j, "alpha");
    assert_eq!(alpha["before"]["stage"], "solution");
    assert_eq!(alpha["after"]["stage"], "proof");
    // Open amounts do not move with stages.
    assert_eq!(waterfall(&j, "2026-Q4")["amount_up"]["deals"], 0);

    // Won and lost (with reason); delta was in Q1 2027, beta in Q4.
    let j = r.json(s.stages, s.closed);
    assert_eq!(deal_changes(&j, "beta"), ["won"]);
    assert_eq!(deal_changes(&j, "delta"), ["lost"]);
    let delta = deal_entry(&j, "delta");
    assert_eq!(delta["after"]["lost_reason"], "price | too high");
    assert_eq!(money(&j["waterfall"]["pipeline"], "won"), cny("500000.00"));
    assert_eq!(money(&j["waterfall"]["pipeline"], "lost"), cny("300000.00"));
    assert_eq!(money(waterfall(&j, "2026-Q4"), "won"), cny("500000.00"));
    assert_eq!(money(waterfall(&j, "2027-Q1"), "lost"), cny("300000.00"));
    assert_eq!(dec(&j["summary"]["won_amount"]), cny("500000.00"));
    // A lost deal clears its risks; the forecast's won moves.
    let q4 = org_forecast(&j, "2026-Q4");
    assert_eq!(
        dec(&q4["after"]["won"]) - dec(&q4["before"]["won"]),
        cny("500000")
    );

    // Close slipped from Q4 to Q1: pushed out of Q4, pulled into Q1, the
    // year 2026 loses it to 2027, the whole pipeline is unchanged.
    let j = r.json(s.closed, s.slipped);
    assert_eq!(deal_changes(&j, "eps"), ["close_moved"]);
    let eps = deal_entry(&j, "eps");
    assert_eq!(eps["close_days"], 20);
    assert_eq!(eps["after"]["close_quarter"], "2027-Q1");
    let usd = cny("1420000.00"); // 200,000 USD at 7.10
    assert_eq!(money(waterfall(&j, "2026-Q4"), "pushed_out"), usd);
    assert_eq!(money(waterfall(&j, "2027-Q1"), "pulled_in"), usd);
    assert_eq!(money(waterfall(&j, "2026"), "pushed_out"), usd);
    assert_eq!(money(waterfall(&j, "2027"), "pulled_in"), usd);
    assert_eq!(money(waterfall(&j, "2026-12"), "pushed_out"), usd);
    let whole = &j["waterfall"]["pipeline"];
    assert_eq!(money(whole, "start"), money(whole, "end"));

    // Amount and owner.
    let j = r.json(s.slipped, s.amount_owner);
    assert_eq!(deal_changes(&j, "alpha"), ["amount_changed"]);
    assert_eq!(deal_changes(&j, "gamma"), ["owner_changed"]);
    let alpha = deal_entry(&j, "alpha");
    assert_eq!(dec(&alpha["amount_change"]), cny("200000.00"));
    assert_eq!(
        money(waterfall(&j, "2026-Q4"), "amount_up"),
        cny("200000.00")
    );
    let gamma = deal_entry(&j, "gamma");
    assert_eq!(gamma["before"]["owner_name"], "Chen | Jie");
    assert_eq!(gamma["after"]["owner_name"], "张敏");
    // The owner change moves zhang-min's Q4 forecast: a person row is there.
    assert!(
        j["forecast"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| { r["period"] == "2026-Q4" && r["scope"]["id"] == "zhang-min" })
    );

    // A broken file: B is invalid, the deal is left out of B's numbers.
    let j = r.json(s.amount_owner, s.broken);
    assert_eq!(j["valid"], false);
    assert_eq!(deal_changes(&j, "zeta"), ["excluded"]);
    assert_eq!(money(waterfall(&j, "2026-Q4"), "removed"), cny("400000.00"));
    let errors: Vec<&Value> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "deals/east/zeta.toml");
    assert_eq!(errors[0]["new"], true);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("negotation")
    );
    assert_eq!(j["b"]["errors"], 1);

    // Everything at once: each deal collects every change that applies.
    let j = r.json(s.base, s.amount_owner);
    assert_eq!(
        deal_changes(&j, "alpha"),
        ["stage_forward", "amount_changed"]
    );
    assert_eq!(
        deal_changes(&j, "gamma"),
        ["stage_backward", "owner_changed"]
    );
    assert_eq!(
        ids(&j),
        ["alpha", "beta", "delta", "eps", "gamma", "new-one"]
    );
}

#[test]
fn exit_status_follows_the_validity_of_b() {
    let s = scenario("");
    let r = &s.repo;
    let ok = r.diff(&[r.rev(s.base), r.rev(s.amount_owner)]);
    assert_eq!(ok.status.code(), Some(0));
    let bad = r.diff(&[r.rev(s.amount_owner), r.rev(s.broken)]);
    assert_eq!(bad.status.code(), Some(1));
    let md = String::from_utf8(bad.stdout).unwrap();
    let first = md.lines().nth(2).unwrap();
    assert!(first.contains("[!CAUTION]"), "{md}");
    assert!(
        md.contains("This change breaks the pipeline: 1 error."),
        "{md}"
    );
    // A broken A with a fixed B is fine.
    let fixed = r.diff(&[r.rev(s.broken), r.rev(s.base)]);
    assert_eq!(fixed.status.code(), Some(0));
}

#[test]
fn risks_introduced_and_cleared() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    // Dropping the next step introduces no_next_step; closing in the past
    // introduces overdue_close; the way back clears both.
    edit(&r, "deals/alpha.toml", "next_step = \"Call\"\n", "");
    edit(
        &r,
        "deals/beta.toml",
        "close = 2026-12-20",
        "close = 2026-11-01",
    );
    // A probability override in the same stage is a change of its own.
    edit(
        &r,
        "deals/gamma.toml",
        "value_proof = \"POC\"",
        "value_proof = \"POC\"\nprobability = 0.75",
    );
    let b = r.commit("risks");
    let j = r.json(a, b);
    let intro: Vec<(String, String)> = j["risks"]["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["deal"].as_str().unwrap().into(),
                x["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        intro.contains(&("alpha".into(), "no_next_step".into())),
        "{intro:?}"
    );
    assert!(
        intro.contains(&("beta".into(), "overdue_close".into())),
        "{intro:?}"
    );
    assert!(j["risks"]["cleared"].as_array().unwrap().is_empty());
    assert_eq!(deal_changes(&j, "gamma"), ["probability_changed"]);
    let back = r.json(b, a);
    assert_eq!(
        back["risks"]["cleared"].as_array().unwrap().len(),
        intro.len()
    );
    assert_eq!(j["summary"]["risks_introduced"], intro.len());
}

/// The Markdown of the whole scenario, with links to the site.
#[test]
fn markdown_snapshot() {
    let s = scenario("");
    let r = &s.repo;
    let out = r.diff(&[
        r.rev(s.base),
        r.rev(s.amount_owner),
        "--site-url",
        "https://sales.example.com/pipeline/",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let md = redact(r, &String::from_utf8(out.stdout).unwrap());
    insta::assert_snapshot!("diff_markdown_valid", md);

    let out = r.diff(&[r.rev(s.amount_owner), r.rev(s.broken)]);
    let md = redact(r, &String::from_utf8(out.stdout).unwrap());
    insta::assert_snapshot!("diff_markdown_broken", md);
}

/// Replaces the commit ids (they depend on the git version's object
/// format) by their position.
fn redact(r: &Repo, text: &str) -> String {
    let mut t = text.to_string();
    for (i, c) in r.commits.iter().enumerate() {
        t = t.replace(c.as_str(), &format!("<commit {i}>"));
        t = t.replace(&c[..10], &format!("<c{i}>"));
    }
    t
}

#[test]
fn user_text_is_escaped_in_markdown() {
    let s = scenario("");
    let r = &s.repo;
    let out = r.diff(&[r.rev(s.base), r.rev(s.closed)]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("Beta \\*MES\\*"), "{md}");
    assert!(md.contains("price \\| too high"), "{md}");
    assert!(!md.contains("<Corp>"));
}

#[test]
fn pipeline_in_a_sub_folder() {
    let s = scenario("sales/pipeline");
    let r = &s.repo;
    let j = r.json(s.base, s.slipped);
    assert_eq!(j["a"]["path"], "sales/pipeline");
    assert_eq!(deal_changes(&j, "eps"), ["close_moved"]);
    assert_waterfalls_balance(&j);
    assert_forecast_matches_analytics(r, &j, s.base, s.slipped);
    // From inside the sub-folder, --dir defaults to it.
    let out = diff_command(
        &[r.rev(s.base), "--format", "json"],
        &r.pipe(),
        r.tmp.path(),
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    ); // working tree = broken
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["b"]["kind"], "worktree");
    assert_eq!(deal_changes(&j, "zeta"), ["excluded"]);
}

#[test]
fn a_revision_that_does_not_exist() {
    let s = scenario("");
    let r = &s.repo;
    let out = r.diff(&["no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"no-such-branch\" is neither a git revision nor a folder"),
        "{err}"
    );
    let out = r.diff(&[r.rev(s.base), "--bad-option-like"]);
    assert_eq!(out.status.code(), Some(2));
    // Outside any repository, a name that is not a folder.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = diff_command(&["main"], tmp.path(), tmp.path());
    c.env("GIT_CEILING_DIRECTORIES", tmp.path().parent().unwrap());
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"main\" is not a folder"), "{err}");
}

/// A pipeline's first pull request: at the base revision its folder does
/// not exist yet (or has no `dealbook.toml`). A is then an empty pipeline
/// and the diff says "New pipeline" (exit 0), instead of failing; B
/// without the folder is still an error (exit 2).
#[test]
fn a_revision_without_the_pipeline_folder() {
    let mut r = Repo::new("pipe");
    std::fs::write(r.top().join("README.md"), "hello\n").unwrap();
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "before the pipeline"]);
    let before = r.git(&["rev-parse", "HEAD"]).trim().to_string();
    base(&r);
    r.commit("pipeline");
    let out = r.diff(&[&before, "HEAD", "--dir", "pipe"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains(&format!(
            "🆕 **New pipeline**: {} has no pipeline in pipe, so everything below is new.",
            &before[..10]
        )),
        "{md}"
    );
    let out = r.diff(&[&before, "HEAD", "--dir", "pipe", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["a"]["missing"], true);
    assert_eq!(j["b"]["missing"], false);
    assert_eq!(j["a"]["errors"], 0);
    let deals = j["deals"].as_array().unwrap();
    assert!(!deals.is_empty());
    assert!(
        deals.iter().all(|d| d["changes"] == json!(["added"])),
        "{j}"
    );
    assert!(
        j["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["new"] == true)
    );
    // The other way round, B has no pipeline: that is an error.
    let out = r.diff(&["HEAD", &before, "--dir", "pipe"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "the pipeline folder pipe does not exist at revision {before}"
        )),
        "{err}"
    );
    // A file where the folder should be is an error on either side.
    let out = r.diff(&["HEAD", "--dir", "README.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("README.md is not a folder at revision HEAD")
    );
}

/// At the top of the repository, a base revision without `dealbook.toml`
/// is "no pipeline yet" too.
#[test]
fn a_revision_before_the_pipeline_at_the_top() {
    let mut r = Repo::new("");
    std::fs::write(r.top().join("README.md"), "hello\n").unwrap();
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "before the pipeline"]);
    base(&r);
    r.commit("pipeline");
    let out = r.diff(&["HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["a"]["missing"], true);
}

#[test]
fn a_deal_moved_to_a_new_sub_folder_is_not_added_and_removed() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    std::fs::create_dir_all(r.pipe().join("deals/west")).unwrap();
    r.git(&["mv", "deals/east/zeta.toml", "deals/west/zeta.toml"]);
    // A renamed file (new id, same content) is matched too.
    r.git(&["mv", "deals/delta.toml", "deals/delta-2027.toml"]);
    let b = r.commit("move");
    let j = r.json(a, b);
    assert_eq!(deal_changes(&j, "zeta"), ["moved"]);
    let zeta = deal_entry(&j, "zeta");
    assert_eq!(zeta["before"]["path"], "deals/east/zeta.toml");
    assert_eq!(zeta["after"]["path"], "deals/west/zeta.toml");
    assert_eq!(deal_changes(&j, "delta-2027"), ["renamed"]);
    let d = deal_entry(&j, "delta-2027");
    assert_eq!(d["previous_id"], "delta");
    assert!(j["summary"]["changes"].get("added").is_none());
    assert!(j["summary"]["changes"].get("removed").is_none());
    let whole = &j["waterfall"]["pipeline"];
    assert_eq!(money(whole, "start"), money(whole, "end"));
    assert_eq!(whole["new"]["deals"], 0);
    assert_eq!(whole["removed"]["deals"], 0);

    // A deleted file is a removal, out of the open pipeline.
    r.remove("deals/alpha.toml");
    let c = r.commit("remove");
    let j = r.json(b, c);
    assert_eq!(ids(&j), ["alpha"]);
    assert_eq!(deal_changes(&j, "alpha"), ["removed"]);
    assert_eq!(
        money(&j["waterfall"]["pipeline"], "removed"),
        Decimal::from_str("1000000.00").unwrap()
    );
    assert_waterfalls_balance(&j);
}

#[test]
fn two_plain_folders_give_the_same_answer_as_two_revisions() {
    let s = scenario("");
    let r = &s.repo;
    let git = r.json(s.base, s.amount_owner);
    let (fa, fb) = (r.snapshot(s.base), r.snapshot(s.amount_owner));
    let out = r.diff(&[
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folders: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(folders["a"]["kind"], "folder");
    for key in [
        "waterfall",
        "forecast",
        "deals",
        "risks",
        "files",
        "diagnostics",
        "summary",
    ] {
        assert_eq!(git[key], folders[key], "{key}");
    }
    // Outside a repository too.
    let mut c = diff_command(
        &[
            fa.to_str().unwrap(),
            fb.to_str().unwrap(),
            "--format",
            "json",
        ],
        r.tmp.path(),
        r.tmp.path(),
    );
    c.env("GIT_CEILING_DIRECTORIES", r.tmp.path().parent().unwrap());
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A folder that does not exist.
    let out = r.diff(&[fa.to_str().unwrap(), "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_working_tree_and_the_index_are_left_alone() {
    let s = scenario("");
    let r = &s.repo;
    // Uncommitted work of every kind: modified, staged, untracked.
    edit(
        r,
        "deals/alpha.toml",
        "amount = 1_200_000",
        "amount = 1_300_000",
    );
    edit(
        r,
        "deals/beta.toml",
        "name = \"Beta *MES*\"",
        "name = \"Beta MES\"",
    );
    r.git(&["add", "deals/beta.toml"]);
    r.write(
        "deals/untracked.toml",
        &deal("U", "acme", "zhang-min", "1", "qualify", "2026-12-01", ""),
    );
    let status = || {
        let mut c = git_command(
            &["status", "--porcelain", "--untracked-files=all"],
            &r.top(),
            r.tmp.path(),
        );
        c.env("GIT_OPTIONAL_LOCKS", "0");
        String::from_utf8(c.output().unwrap().stdout).unwrap()
    };
    let index = r.top().join(".git/index");
    let before = (status(), std::fs::read(&index).unwrap());
    let mtime = std::fs::metadata(&index).unwrap().modified().unwrap();
    for args in [
        vec![r.rev(s.base)],
        vec![r.rev(s.base), "HEAD"],
        vec!["HEAD~3", "HEAD", "--format", "json"],
    ] {
        let out = r.diff(&args);
        assert!(matches!(out.status.code(), Some(0 | 1)));
    }
    let after = (status(), std::fs::read(&index).unwrap());
    assert_eq!(before.0, after.0);
    assert!(before.1 == after.1, "the index changed");
    assert_eq!(
        mtime,
        std::fs::metadata(&index).unwrap().modified().unwrap()
    );
    assert!(before.0.contains(" M deals/alpha.toml"), "{}", before.0);
    // The working tree side sees the uncommitted work.
    let out = r.diff(&["HEAD", "--format", "json"]);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deal_changes(&j, "alpha"), ["amount_changed"]);
    assert_eq!(deal_changes(&j, "untracked"), ["added"]);
}

#[test]
fn an_ambiguous_name_is_refused() {
    let s = scenario("");
    let r = &s.repo;
    r.git(&["branch", "deals"]);
    let out = r.diff(&["deals"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("both a folder and a git revision"), "{err}");
    let out = r.diff(&["deals^{commit}"]);
    assert_eq!(out.status.code(), Some(1)); // working tree is broken
}

#[test]
fn focus_period_and_dates() {
    let s = scenario("");
    let r = &s.repo;
    let out = r.diff(&[
        r.rev(s.closed),
        r.rev(s.slipped),
        "--period",
        "2027-Q1",
        "--as-of",
        "2026-12-01",
        "--format",
        "json",
    ]);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["period"], "2027-Q1");
    assert_eq!(j["as_of"], "2026-12-01");
    let out = r.diff(&[r.rev(s.closed), "--period", "2027-Q5"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The `run:` script of a step of the scaffold's workflow.
fn workflow_step(name: &str) -> String {
    let wf = dealbook::init::workflow();
    let start = wf
        .find(&format!("- name: {name}\n"))
        .unwrap_or_else(|| panic!("no step {name}"));
    let rest = &wf[start..];
    let run = rest.find("run: |\n").expect("a run block") + "run: |\n".len();
    let indent = rest[..run].lines().last().unwrap().find("run:").unwrap();
    rest[run..]
        .lines()
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        .map(|l| l.get(indent + 2..).unwrap_or("").to_string() + "\n")
        .collect()
}

/// Runs the scaffold workflow's pull-request steps (fetch the base
/// branch, check, diff) as the job would, in the clone `r` on the pull
/// request's branch, with the pipeline in `dir`; returns the job summary
/// and the comment it would post.
fn run_pull_request_steps(r: &Repo, dir: &str) -> (String, String) {
    let summary = r.tmp.path().join("summary.md");
    let _ = std::fs::remove_file(&summary);
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for step in [
        "Fetch the base branch",
        "Check",
        "Diff against the base branch",
    ] {
        let script = workflow_step(step);
        let mut c = Command::new("bash");
        c.args(["-e", "-o", "pipefail", "-c", &script])
            .current_dir(r.top())
            .env("PATH", &path)
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "acme/sales")
            .env("GITHUB_RUN_ID", "42")
            .env("DEALBOOK_DIR", dir)
            .env("SITE_URL", "https://sales.example.com");
        git_env(&mut c, r.tmp.path());
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{step}:\n{script}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if step == "Check" {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("dealbook check: 0 errors")
                    && text.contains("changed since origin/main"),
                "{text}"
            );
        }
    }
    let comment = std::fs::read_to_string(r.top().join("dealbook-comment.md")).unwrap();
    for f in ["dealbook-diff.md", "dealbook-comment.md"] {
        std::fs::remove_file(r.top().join(f)).unwrap();
    }
    (std::fs::read_to_string(&summary).unwrap(), comment)
}

/// The workflow's pull-request steps, run as the job would (a clone whose
/// `origin` has the base branch, on the pull request's commit), for a
/// pipeline in a sub-folder: its very first pull request (the base branch
/// has no pipeline yet: "New pipeline"), then one that wins a deal.
#[test]
fn the_workflow_diff_step_works() {
    let wf = dealbook::init::workflow();
    for needle in [
        "dealbook check \"$DEALBOOK_DIR\" --format github",
        "--changed-since \"origin/$GITHUB_BASE_REF\"",
        "$GITHUB_STEP_SUMMARY",
        "--max-chars 65000",
        "dealbook build \"$DEALBOOK_DIR\"",
        "actions/upload-artifact",
        "cargo install --locked dealbook --version",
    ] {
        assert!(wf.contains(needle), "{needle}");
    }
    assert!(
        dealbook::init::files(AS_OF)
            .iter()
            .any(|(rel, text)| rel == ".github/workflows/dealbook.yml" && *text == wf)
    );

    let mut r = Repo::new("sales");
    std::fs::write(r.top().join("README.md"), "sales team\n").unwrap();
    r.git(&["add", "-A"]);
    r.git(&["commit", "-q", "-m", "start"]);
    let origin = r.tmp.path().join("origin.git");
    let mut c = git_command(
        &["init", "-q", "--bare", "-b", "main"],
        &r.top(),
        r.tmp.path(),
    );
    c.arg(&origin);
    assert!(c.status().unwrap().success());
    r.git(&["remote", "add", "origin", origin.to_str().unwrap()]);
    r.git(&["push", "-q", "origin", "main"]);

    // The first pull request adds the pipeline in sales/.
    r.git(&["checkout", "-q", "-b", "add-pipeline"]);
    base(&r);
    r.commit("add the pipeline");
    r.git(&["update-ref", "-d", "refs/remotes/origin/main"]);
    let (md, comment) = run_pull_request_steps(&r, "sales");
    assert!(
        md.contains("🆕 **New pipeline**: origin/main has no pipeline in sales"),
        "{md}"
    );
    assert!(
        comment.starts_with("## dealbook diff: origin/main → HEAD"),
        "{comment}"
    );

    // Merged; the next pull request wins a deal.
    r.git(&["checkout", "-q", "main"]);
    r.git(&["merge", "-q", "--ff-only", "add-pipeline"]);
    r.git(&["push", "-q", "origin", "main"]);
    r.git(&["checkout", "-q", "-b", "feature"]);
    edit(
        &r,
        "deals/beta.toml",
        "stage = \"negotiation\"",
        "stage = \"won\"",
    );
    // Won on a day that has been (a close after as_of is an error, E045).
    edit(
        &r,
        "deals/beta.toml",
        "close = 2026-12-20",
        "close = 2026-11-10",
    );
    r.commit("win beta");
    // The job has not fetched the base branch yet.
    r.git(&["update-ref", "-d", "refs/remotes/origin/main"]);
    let (md, comment) = run_pull_request_steps(&r, "sales");
    assert!(
        md.starts_with("## dealbook diff: origin/main → HEAD"),
        "{md}"
    );
    assert!(!md.contains("New pipeline"), "{md}");
    assert!(md.contains("1 won (¥500,000)"), "{md}");
    assert!(
        md.contains("https://sales.example.com/deals/beta.html"),
        "{md}"
    );
    // Short enough: the comment is the whole diff.
    assert_eq!(comment, md);
}

/// A forecast category override on an open deal is a change of its own
/// (`category_changed`), and it moves the commit of the deal's quarter.
#[test]
fn a_forecast_override_changes_the_category() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    edit(
        &r,
        "deals/alpha.toml",
        "next_step = \"Call\"",
        "forecast = \"commit\"\nnext_step = \"Call\"",
    );
    let b = r.commit("alpha is commit");
    let j = r.json(a, b);
    assert_eq!(ids(&j), ["alpha"]);
    assert_eq!(deal_changes(&j, "alpha"), ["category_changed"]);
    let alpha = deal_entry(&j, "alpha");
    assert_eq!(alpha["before"]["category"], "best_case");
    assert_eq!(alpha["after"]["category"], "commit");
    let q4 = org_forecast(&j, "2026-Q4");
    assert_eq!(
        dec(&q4["after"]["commit"]) - dec(&q4["before"]["commit"]),
        Decimal::from(1_000_000)
    );
    assert_eq!(q4["before"]["best_case"], q4["after"]["best_case"]);
    assert_waterfalls_balance(&j);
    assert_forecast_matches_analytics(&r, &j, a, b);
    let md = String::from_utf8(r.diff(&[r.rev(a), r.rev(b)]).stdout).unwrap();
    assert!(md.contains("**Forecast category changed (1)**"), "{md}");
    assert!(md.contains("best case → commit"), "{md}");
}

/// A deal that is won clears the risk signals it had while open.
#[test]
fn closing_a_deal_clears_its_risks() {
    let mut r = Repo::new("");
    base(&r);
    edit(&r, "deals/alpha.toml", "next_step = \"Call\"\n", "");
    let a = r.commit("alpha without a next step");
    edit(
        &r,
        "deals/alpha.toml",
        "stage = \"solution\"",
        "stage = \"won\"",
    );
    edit(
        &r,
        "deals/alpha.toml",
        "close = 2026-12-10",
        "close = 2026-11-10",
    );
    let b = r.commit("alpha won");
    let j = r.json(a, b);
    assert_eq!(j["valid"], true);
    assert_eq!(deal_changes(&j, "alpha"), ["won"]);
    let of_alpha = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["deal"] == "alpha")
            .map(|x| x["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        of_alpha(&j["risks"]["cleared"]).contains(&"no_next_step".to_string()),
        "{}",
        j["risks"]
    );
    assert!(of_alpha(&j["risks"]["introduced"]).is_empty());
}

/// Writes `n` new open deals `deals/bulk/bulk-NNN.toml`, named by `name`.
fn add_bulk(r: &Repo, n: usize, name: impl Fn(usize) -> String) {
    for i in 0..n {
        r.write(
            &format!("deals/bulk/bulk-{i:03}.toml"),
            &deal(
                &name(i),
                "acme",
                "zhang-min",
                "1000",
                "qualify",
                "2026-12-15",
                "",
            ),
        );
    }
}

/// A group longer than ten rows is folded in `<details>`, and a group
/// shows at most 100 rows (the JSON has them all).
#[test]
fn long_groups_are_folded_and_capped() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    add_bulk(&r, 101, |i| format!("Bulk {i}"));
    let b = r.commit("101 new deals");
    let j = r.json(a, b);
    assert_eq!(j["summary"]["changes"]["added"], 101);
    assert_eq!(j["deals"].as_array().unwrap().len(), 101);
    let md = String::from_utf8(r.diff(&[r.rev(a), r.rev(b)]).stdout).unwrap();
    let start = md
        .find("<details><summary>Added (101)</summary>")
        .unwrap_or_else(|| panic!("the group is not folded: {md}"));
    let group = &md[start..start + md[start..].find("</details>").unwrap()];
    assert_eq!(group.lines().filter(|l| l.contains("(bulk-")).count(), 100);
    assert!(
        group.contains("_… and 1 more; see `dealbook diff --format json`._"),
        "{group}"
    );
}

/// `--max-chars N` cuts a long diff for a pull-request comment: at most N
/// characters (not bytes: the names here are Chinese, three bytes each),
/// whole sections or groups only (what is kept is the full diff up to a
/// section boundary, never part of a table), then a line saying what was
/// left out and where the full diff is, then the footer.
#[test]
fn max_chars_cuts_at_a_section_boundary() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    add_bulk(&r, 60, |i| format!("华东区大客户项目第{i}期"));
    edit(
        &r,
        "deals/beta.toml",
        "stage = \"negotiation\"",
        "stage = \"won\"",
    );
    edit(
        &r,
        "deals/beta.toml",
        "close = 2026-12-20",
        "close = 2026-11-10",
    );
    let b = r.commit("60 new deals, one won");
    let full = String::from_utf8(r.diff(&[r.rev(a), r.rev(b)]).stdout).unwrap();
    assert!(full.chars().count() > 6000, "{}", full.chars().count());
    let out = r.diff(&[
        r.rev(a),
        r.rev(b),
        "--max-chars",
        "6000",
        "--full-diff",
        "[the job summary](https://ci.example.com/run/42)",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let cut = String::from_utf8(out.stdout).unwrap();
    assert!(cut.chars().count() <= 6000, "{}", cut.chars().count());
    assert!(cut.len() > cut.chars().count());
    let note_at = cut
        .find("✂️ **Cut to fit 6000 characters.** Left out: ")
        .unwrap_or_else(|| panic!("no cut line: {cut}"));
    let note_line = cut[note_at..].lines().next().unwrap();
    assert!(
        note_line.ends_with("The full diff: [the job summary](https://ci.example.com/run/42)."),
        "{note_line}"
    );
    assert!(
        note_line.contains("deal changes: Added (60)"),
        "{note_line}"
    );
    // What is kept is the full diff up to a section boundary.
    let kept = &cut[..note_at];
    assert!(full.starts_with(kept), "{kept}");
    let next = &full[kept.len()..];
    assert!(
        next.starts_with("### ") || next.starts_with("**") || next.starts_with("<details>"),
        "cut inside a section: {next:.200}"
    );
    assert!(kept.contains("### Forecast"), "{kept}");
    assert!(cut.trim_end().ends_with("</sub>"), "{cut}");
    // Short enough: no cut, the same text.
    let out = r.diff(&[r.rev(a), r.rev(b), "--max-chars", "1000000"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), full);
    // Below 2,000 is refused.
    assert_eq!(
        r.diff(&[r.rev(a), r.rev(b), "--max-chars", "100"])
            .status
            .code(),
        Some(2)
    );
}

/// GitHub's and GitLab's renderer (comrak: cmark-gfm's port, with the
/// extensions GitHub turns on) and plain CommonMark (pulldown-cmark).
fn render(md: &str) -> (String, String) {
    let mut o = comrak::Options::default();
    o.extension.autolink = true;
    o.extension.table = true;
    o.extension.alerts = true;
    o.extension.strikethrough = true;
    let gfm = comrak::markdown_to_html(md, &o);
    let mut cm = String::new();
    pulldown_cmark::html::push_html(&mut cm, pulldown_cmark::Parser::new(md));
    (gfm, cm)
}

/// The diff's Markdown renders the same on GitHub, GitLab and plain
/// CommonMark: URLs and e-mail addresses in people's text stay text (no
/// GFM autolink), the warning is a CAUTION alert where alerts exist and a
/// readable line elsewhere, and the risk tables name deals by name.
#[test]
fn markdown_renders_the_same_on_github_gitlab_and_commonmark() {
    let mut r = Repo::new("");
    base(&r);
    let a = r.commit("base");
    let evil = "Visit http://evil.example.com/x, www.evil.com or boss@evil.com";
    r.write(
        "deals/evil.toml",
        // Closing before as_of: an overdue_close risk.
        &deal(
            evil,
            "acme",
            "zhang-min",
            "1000",
            "qualify",
            "2026-11-01",
            "",
        ),
    );
    r.write("deals/broken.toml", "name = \n");
    let b = r.commit("an evil name and a broken file");
    let out = r.diff(&[r.rev(a), r.rev(b)]);
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    let (gfm, cm) = render(&md);
    for html in [&gfm, &cm] {
        assert!(!html.contains("<a "), "a link in\n{html}");
        assert!(
            html.contains("Visit http://evil.example.com/x, www.evil.com or boss@evil.com"),
            "{html}"
        );
    }
    // GitHub and GitLab: an alert box; elsewhere a quote whose first line
    // after the marker says it all.
    assert!(gfm.contains("markdown-alert-caution"), "{gfm}");
    assert!(
        gfm.contains("<p>❌ <strong>This change breaks the pipeline: 1 error.</strong>"),
        "{gfm}"
    );
    assert!(
        cm.contains("<blockquote>\n<p>[!CAUTION]\n❌ <strong>This change breaks the pipeline: 1 error.</strong>"),
        "{cm}"
    );
    // Risk rows: the deal's name, not "name (id)".
    let risks = &md[md.find("### Risk signals").expect("risks")..];
    let risks = &risks[..risks.find("### Validation").unwrap()];
    assert!(risks.contains("| Visit http\\://evil"), "{risks}");
    assert!(!risks.contains("(evil)"), "{risks}");
}

/// The report's Markdown: the indentation of people under their team in
/// the forecast table survives GitHub's, GitLab's and CommonMark's
/// renderers (non-breaking spaces; plain leading spaces are trimmed), and
/// the risk tables show deal and signal names, not ids.
#[test]
fn report_markdown_keeps_indentation_and_names() {
    let out = std::process::Command::new(BIN)
        .args(["report", "example-pipeline", "--format", "markdown"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let spaced = md
        .lines()
        .flat_map(|l| l.split('|'))
        .any(|cell| cell.starts_with("  ") && !cell.trim().is_empty());
    assert!(!spaced, "a cell starts with spaces:\n{md}");
    let (gfm, _) = render(&md);
    let mut cm = String::new();
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut cm, pulldown_cmark::Parser::new_ext(&md, opts));
    for html in [&gfm, &cm] {
        assert!(html.contains("<td>\u{a0}\u{a0}张敏</td>"), "{html}");
        assert!(html.contains("<td>Close date passed</td>"), "{html}");
        assert!(!html.contains("<td>overdue_close</td>"), "{html}");
        assert!(
            html.contains("<td>Bogie test-data analytics platform</td>"),
            "{html}"
        );
    }
}

/// Risks cleared because their deal closed or went away are counted apart
/// from risks fixed on a deal that is still open; waterfall rows say
/// "moved in" and "moved out" whichever way the close moved.
#[test]
fn cleared_risks_are_split_and_moves_are_named_by_direction() {
    let mut r = Repo::new("");
    base(&r);
    edit(&r, "deals/alpha.toml", "next_step = \"Call\"\n", "");
    edit(&r, "deals/beta.toml", "next_step = \"Call\"\n", "");
    let a = r.commit("two deals without a next step");
    // Alpha gets its next step back (fixed, still open); beta is won (its
    // risks go with it); epsilon's close moves later, out of 2026-Q4 and
    // into 2027-Q1.
    edit(
        &r,
        "deals/alpha.toml",
        "next_step_date",
        "next_step = \"Call\"\nnext_step_date",
    );
    edit(
        &r,
        "deals/beta.toml",
        "stage = \"negotiation\"",
        "stage = \"won\"",
    );
    edit(
        &r,
        "deals/beta.toml",
        "close = 2026-12-20",
        "close = 2026-11-10",
    );
    edit(
        &r,
        "deals/eps.toml",
        "close = 2026-12-31",
        "close = 2027-01-20",
    );
    let b = r.commit("fix one, win one, move one");
    let j = r.json(a, b);
    let why = |deal: &str| -> Vec<String> {
        j["risks"]["cleared"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["deal"] == deal)
            .map(|x| {
                format!(
                    "{} {}",
                    x["code"].as_str().unwrap(),
                    x["why"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(why("alpha"), ["no_next_step fixed"]);
    let beta = why("beta");
    assert!(beta.contains(&"no_next_step won".to_string()), "{beta:?}");
    assert!(beta.iter().all(|x| x.ends_with(" won")), "{beta:?}");
    // Epsilon's large_early clears too: it no longer closes this quarter.
    assert_eq!(why("eps"), ["large_early fixed"]);
    let s = &j["summary"];
    assert_eq!(s["risks_fixed"], 2);
    assert_eq!(s["risks_gone"], beta.len());
    assert_eq!(s["risks_cleared"], 2 + beta.len());
    let md = String::from_utf8(r.diff(&[r.rev(a), r.rev(b)]).stdout).unwrap();
    let new = s["risks_introduced"].as_u64().unwrap();
    let headline = format!(
        "risks: {new} new, 2 fixed, {} gone with won, lost or removed deals",
        beta.len()
    );
    assert!(md.contains(&headline), "{headline}\n{md}");
    assert!(
        md.contains("| Moved in |") && md.contains("| Moved out |"),
        "{md}"
    );
    assert!(
        !md.contains("Pulled in") && !md.contains("Pushed out"),
        "{md}"
    );
    assert!(md.contains("**Fixed on open deals (2)**"), "{md}");
    assert!(
        md.contains(&format!(
            "**Gone with won, lost or removed deals ({})**",
            beta.len()
        )),
        "{md}"
    );
}
