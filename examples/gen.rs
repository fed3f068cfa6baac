//! Writes a large, valid, synthetic pipeline for benchmarks and tests.
//!
//! ```text
//! cargo run --release --example gen -- --deals 100000 /tmp/dealbook-bench/100k
//! ```
//!
//! The output is deterministic for a given `--deals` and `--seed`: every
//! file is generated from its own PRNG stream, seeded from the seed and the
//! file's index, so the files can be written in parallel and still come out
//! byte-for-byte the same. `as_of` is fixed at 2026-11-15 in
//! `dealbook.toml`, so `dealbook check` gives the same answer on any day.
//!
//! What it writes:
//! - `dealbook.toml`: the standard stage list, USD and EUR rates, markets;
//! - `team.toml`: 5 teams of 10 people (a manager, sales reps, presales,
//!   service), names in Chinese and English;
//! - `accounts/<bucket>/acct-NNNNNN.toml`: N/10 accounts with contacts,
//!   touches and surveys;
//! - `deals/<bucket>/deal-NNNNNNN.toml`: N deals of about 30–60 lines each,
//!   in every stage, won and lost, some in USD or EUR, with stakeholders
//!   drawn from their account's contacts, deal-team members, history (some
//!   moving backwards, some with slipping close dates) and next steps, so
//!   that every risk signal occurs;
//! - `targets/<year>.toml`: organisation, team and person targets.
//!
//! Buckets hold 1000 files each. The pipeline passes `dealbook check` with
//! no errors; about one open deal in a thousand lacks an exit criterion of
//! an earlier stage, which `check` reports as warning W001 (it is also the
//! `exit_criteria` risk signal). `DIR` must be empty or absent unless
//! `--force` is given, which first removes the files and folders this
//! program writes (`dealbook.toml`, `team.toml`, `accounts/`, `deals/`,
//! `targets/`) and nothing else.
//!
//! With `--git-weeks N`, `DIR` also becomes a git repository (for the
//! history benchmark): the generated pipeline is the first commit, dated
//! `as_of` (2026-11-15), then N weekly commits (Tuesdays) each change
//! `--git-changes` deals (100 by default), in turn their amount, the close
//! of an open deal (7–30 days later), the next step, or the probability of
//! an open deal, so that every revision stays valid. `as_of` in
//! `dealbook.toml` is then the day after the last commit. Dates, names and
//! contents are fixed, so the commit ids are the same on every run.

use clap::Parser;
use dealbook::init::STANDARD_STAGES;
use jiff::ToSpan;
use jiff::civil::{Date, date};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(about = "Write a valid synthetic dealbook pipeline")]
struct Args {
    /// Number of deal files; accounts are a tenth of it (at least 1).
    #[arg(long, default_value_t = 10_000)]
    deals: usize,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Files per subfolder of `deals/` and `accounts/`.
    #[arg(long, default_value_t = 1000)]
    per_folder: usize,
    /// Write into a non-empty folder (replacing what this program writes).
    #[arg(long)]
    force: bool,
    /// Make DIR a git repository with this many weekly commits after the
    /// first (0: no repository).
    #[arg(long, default_value_t = 0)]
    git_weeks: usize,
    /// Deals each weekly commit changes.
    #[arg(long, default_value_t = 100)]
    git_changes: usize,
    /// Where to write the pipeline.
    dir: PathBuf,
}

/// The `as_of` date of the generated pipeline.
const AS_OF: Date = date(2026, 11, 15);

/// SplitMix64: tiny, fast, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u32) -> bool {
        self.below(1000) < (pct * 10) as usize
    }

    /// True with probability `permille` per thousand.
    fn permille(&mut self, permille: usize) -> bool {
        self.below(1000) < permille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indices of `0..n`, in random order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k.min(n));
        all
    }
}

// ---------------------------------------------------------------- vocabulary

const OPEN_STAGES: &[&str] = &[
    "qualify",
    "needs-analysis",
    "solution",
    "proof",
    "negotiation",
];
/// `max_days` of each of [`OPEN_STAGES`], as the standard stage list
/// ([`STANDARD_STAGES`], written into `dealbook.toml`) sets it.
static STAGE_MAX_DAYS: LazyLock<Vec<i64>> = LazyLock::new(|| {
    let list: toml::Table = STANDARD_STAGES
        .parse()
        .expect("the standard stage list is TOML");
    let stages = list
        .get("stage")
        .and_then(toml::Value::as_array)
        .expect("the standard stage list has [[stage]] tables");
    OPEN_STAGES
        .iter()
        .map(|id| {
            let stage = stages
                .iter()
                .find(|s| s.get("id").and_then(toml::Value::as_str) == Some(id))
                .unwrap_or_else(|| panic!("stage `{id}` is not in the standard stage list"));
            stage
                .get("max_days")
                .and_then(toml::Value::as_integer)
                .unwrap_or_else(|| panic!("stage `{id}` of the standard list has no max_days"))
        })
        .collect()
});

const TEAMS: &[(&str, &str)] = &[
    ("east", "华东大区"),
    ("north", "华北大区"),
    ("south", "South region"),
    ("west", "West region"),
    ("key-accounts", "大客户部"),
];

const SURNAMES: &[(&str, &str)] = &[
    ("wang", "王"),
    ("li", "李"),
    ("zhang", "张"),
    ("liu", "刘"),
    ("chen", "陈"),
    ("yang", "杨"),
    ("zhao", "赵"),
    ("huang", "黄"),
    ("zhou", "周"),
    ("wu", "吴"),
    ("xu", "徐"),
    ("sun", "孙"),
    ("ma", "马"),
    ("zhu", "朱"),
    ("hu", "胡"),
    ("guo", "郭"),
    ("he", "何"),
    ("lin", "林"),
    ("smith", "Smith"),
    ("mueller", "Müller"),
    ("garcia", "García"),
    ("tanaka", "田中"),
    ("kim", "김"),
    ("dubois", "Dubois"),
];

const GIVEN: &[&str] = &[
    "敏", "伟", "芳", "娜", "静", "磊", "洋", "艳", "杰", "婷", "强", "军", "Anna", "David",
    "Maria", "Chris", "Sam", "Lena", "Wei", "Jun",
];

const TITLES: &[&str] = &[
    "CIO",
    "CFO",
    "CEO",
    "COO",
    "IT director",
    "Head of procurement",
    "采购经理",
    "信息中心主任",
    "财务总监",
    "生产副总",
    "Plant manager",
    "IT lead",
    "Enterprise architect",
    "Operations manager",
];

const INDUSTRIES: &[&str] = &[
    "Energy",
    "Manufacturing",
    "Retail",
    "Logistics",
    "Healthcare",
    "Finance",
    "Education",
    "Government",
    "制造业",
    "能源",
    "交通运输",
    "Telecom",
];

const REGIONS: &[&str] = &[
    "华东", "华北", "华南", "西南", "East", "North", "South", "West", "Overseas",
];

const COMPANY_A: &[&str] = &[
    "Huaxing",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "华能",
    "中远",
    "Tailspin",
    "Litware",
    "长江",
    "Adventure",
    "Wingtip",
    "东方",
    "Proseware",
    "天府",
    "Lucerne",
    "海纳",
];

const COMPANY_B: &[&str] = &[
    "Power Group",
    "Industrial",
    "Logistics",
    "Holdings",
    "集团",
    "电力",
    "Retail",
    "Health",
    "股份有限公司",
    "Manufacturing",
    "Telecom",
    "Bank",
];

const PRODUCTS: &[&str] = &[
    "erp",
    "mes",
    "crm",
    "bi",
    "wms",
    "hr",
    "iot-platform",
    "cloud",
    "support",
    "training",
];

const COMPETITORS: &[&str] = &[
    "SAP",
    "Oracle",
    "Salesforce",
    "用友",
    "金蝶",
    "Microsoft",
    "Workday",
    "Infor",
];

const PAINS: &[&str] = &[
    "Month-end close takes 12 days",
    "库存数据不准确",
    "No single view of the customer",
    "Spreadsheets everywhere in planning",
    "生产排程靠人工",
    "Audit findings on access control",
    "Legacy system out of support next year",
    "Field service response time over 48 hours",
    "报表需要两周才能出",
    "Too many manual handoffs between sales and delivery",
];

const DECISIONS: &[&str] = &[
    "IT evaluation, CIO approval, board in December",
    "Procurement tender with three bidders; CFO signs",
    "信息中心评估，总经理办公会审批",
    "Pilot in one plant, then group-wide rollout decision",
    "Steering committee monthly; budget approved in Q1",
    "采购部招标，集团审批",
];

const PROOFS: &[&str] = &[
    "POC cut the close to 4 days",
    "Reference visit to a peer in the same industry",
    "ROI model accepted by finance: payback in 14 months",
    "试点工厂库存准确率提升到 99%",
    "Benchmark showed 3x faster planning runs",
];

const NEXT_STEPS: &[&str] = &[
    "POC review with the CIO",
    "Send revised proposal",
    "Workshop with the IT team",
    "与采购部沟通商务条款",
    "Executive sponsor meeting",
    "Reference call with an existing customer",
    "技术交流会",
    "Contract redlines with legal",
];

const LOST_REASONS: &[&str] = &[
    "price",
    "lost to a competitor",
    "no budget",
    "项目取消",
    "timing: postponed to next year",
    "functional gaps",
];

const DEAL_KINDS: &[&str] = &[
    "upgrade",
    "rollout",
    "pilot",
    "renewal",
    "expansion",
    "二期项目",
    "migration",
    "新建项目",
];

const NOTE_LINES: &[&str] = &[
    "Budget confirmed for next fiscal year.",
    "客户高层非常重视这个项目。",
    "The **CIO** asked for a *phased* rollout.",
    "Competitor presented last week; pricing pressure expected.",
    "- security review pending\n- legal template agreed",
    "需要协调交付资源。",
    "Champion is moving to a new role in Q1 — find a second sponsor.",
];

const TOUCH_NOTES: &[&str] = &[
    "Quarterly business review",
    "季度回访",
    "Discussed renewal options",
    "Introduced the new account team",
    "Escalation about a support ticket",
    "年度规划沟通",
];

const BUYING_ROLES: &[&str] = &[
    "economic_buyer",
    "technical_buyer",
    "user_buyer",
    "coach",
    "influencer",
];
const ATTITUDES: &[&str] = &["champion", "supporter", "neutral", "skeptic", "opponent"];
const INFLUENCE: &[&str] = &["high", "medium", "low"];
const TOUCH_KINDS: &[&str] = &["visit", "call", "email", "meeting", "other"];

// ---------------------------------------------------------------- the team

struct Person {
    id: String,
    name: String,
    team: usize,
    role: &'static str,
}

fn people() -> Vec<Person> {
    let mut out = Vec::new();
    let mut rng = Rng::new(7, 0);
    for (t, (tid, _)) in TEAMS.iter().enumerate() {
        for i in 0..10 {
            let role = match i {
                0 => "manager",
                1..=6 => "sales",
                7 | 8 => "presales",
                _ => "service",
            };
            let (_, sur) = rng.pick(SURNAMES);
            let given = rng.pick(GIVEN);
            let name = if sur.is_ascii() {
                format!("{given} {sur}")
            } else {
                format!("{sur}{given}")
            };
            let id = if i == 0 {
                format!("{tid}-manager")
            } else {
                format!("{tid}-{role}-{i}")
            };
            out.push(Person {
                id,
                name,
                team: t,
                role,
            });
        }
    }
    out
}

fn team_toml(people: &[Person]) -> String {
    let mut s = String::from("# Generated by examples/gen.rs\n\n");
    for (t, (id, name)) in TEAMS.iter().enumerate() {
        let manager = people
            .iter()
            .find(|p| p.team == t && p.role == "manager")
            .map(|p| p.id.as_str())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "[[team]]\nid = \"{id}\"\nname = \"{name}\"\nmanager = \"{manager}\"\n"
        );
    }
    for p in people {
        let _ = writeln!(
            s,
            "[[person]]\nid = \"{}\"\nname = \"{}\"\nteam = \"{}\"\nrole = \"{}\"\nemail = \"{}@example.com\"\n",
            p.id, p.name, TEAMS[p.team].0, p.role, p.id
        );
    }
    s
}

// ---------------------------------------------------------------- settings

fn settings_toml(as_of: Date) -> String {
    format!(
        r#"# Generated by examples/gen.rs
[org]
name = "Synthetic Sales Org 合成销售"
currency = "CNY"
fiscal_year_start = 1
locale = "en"
as_of = {as_of}

[rates]
USD = 7.10
EUR = 7.75

{STANDARD_STAGES}
[rules.follow_up_days]
key = 30
growth = 60
standard = 90

[[market]]
period = "2025"
size = 8_000_000_000
name = "Enterprise software, China"

[[market]]
period = "2026"
size = 9_500_000_000
name = "Enterprise software, China"
"#
    )
}

// ---------------------------------------------------------------- accounts

/// What deals need to know about an account.
struct AccountInfo {
    key: bool,
    /// (id, influence, surname) of each contact.
    contacts: Vec<(String, &'static str, &'static str)>,
}

fn account_id(i: usize) -> String {
    format!("acct-{i:06}")
}

fn deal_id(i: usize) -> String {
    format!("deal-{i:07}")
}

fn account_info(seed: u64, i: usize) -> AccountInfo {
    let mut rng = Rng::new(seed, 1_000_000_000 + i as u64);
    let key = rng.pct(20);
    let n = 2 + rng.below(if key { 6 } else { 4 });
    let contacts = (0..n)
        .map(|c| {
            let (slug, sur) = rng.pick(SURNAMES);
            (format!("{slug}-{}", c + 1), *rng.pick(INFLUENCE), *sur)
        })
        .collect();
    AccountInfo { key, contacts }
}

fn account_toml(seed: u64, i: usize, info: &AccountInfo, people: &[Person]) -> String {
    // A different stream from `account_info`'s, which must stay stable.
    let mut rng = Rng::new(seed, 2_000_000_000 + i as u64);
    let mut s = String::with_capacity(2048);
    let tier = if info.key {
        "key"
    } else if rng.pct(35) {
        "growth"
    } else {
        "standard"
    };
    let sales: Vec<&Person> = people.iter().filter(|p| p.role == "sales").collect();
    let owner = rng.pick(&sales);
    let _ = writeln!(
        s,
        "name = \"{} {} #{i}\"",
        rng.pick(COMPANY_A),
        rng.pick(COMPANY_B)
    );
    let _ = writeln!(s, "industry = \"{}\"", rng.pick(INDUSTRIES));
    if rng.pct(80) {
        let _ = writeln!(s, "region = \"{}\"", rng.pick(REGIONS));
    }
    if tier != "standard" || rng.pct(50) {
        let _ = writeln!(s, "tier = \"{tier}\"");
    }
    let _ = writeln!(s, "owner = \"{}\"", owner.id);
    if rng.pct(15) {
        let _ = writeln!(s, "follow_up_days = {}", rng.range(14, 120));
    }
    if rng.pct(40) {
        let _ = writeln!(
            s,
            "notes = \"\"\"\n{}\n\n{}\n\"\"\"",
            rng.pick(NOTE_LINES),
            rng.pick(NOTE_LINES)
        );
    }
    for (cid, influence, sur) in &info.contacts {
        let _ = writeln!(s, "\n[[contact]]\nid = \"{cid}\"");
        if sur.is_ascii() {
            let _ = writeln!(s, "name = \"{} {sur}\"", rng.pick(GIVEN));
        } else {
            let _ = writeln!(s, "name = \"{sur}总\"");
        }
        let _ = writeln!(s, "title = \"{}\"", rng.pick(TITLES));
        let _ = writeln!(s, "influence = \"{influence}\"");
        if rng.pct(30) {
            let _ = writeln!(s, "email = \"{cid}@customer{i}.example\"");
        }
        if rng.pct(20) {
            let _ = writeln!(
                s,
                "phone = \"+86 21 {:04} {:04}\"",
                rng.below(10000),
                rng.below(10000)
            );
        }
    }
    // Touches, oldest first; key accounts are visited more often, and
    // some fall behind their cadence (overdue follow-ups).
    let touches = rng.below(if info.key { 9 } else { 5 });
    let span = rng.range(20, 400);
    let mut offsets: Vec<i64> = (0..touches).map(|_| rng.range(0, span)).collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    for back in offsets {
        let day = AS_OF.checked_sub((back as i32).days()).unwrap_or(AS_OF);
        let by = if rng.pct(70) {
            owner.id.as_str()
        } else {
            rng.pick(people).id.as_str()
        };
        let _ = writeln!(s, "\n[[touch]]\ndate = {day}\nby = \"{by}\"");
        let _ = writeln!(s, "kind = \"{}\"", rng.pick(TOUCH_KINDS));
        if rng.pct(60) {
            let _ = writeln!(s, "contact = \"{}\"", rng.pick(&info.contacts).0);
        }
        if rng.pct(70) {
            let _ = writeln!(s, "note = \"{}\"", rng.pick(TOUCH_NOTES));
        }
    }
    // Surveys, oldest first, with rising and falling trends.
    let surveys = rng.below(4) as i64;
    let mut score = rng.range(4, 10);
    let first = rng.range(surveys * 30, 700);
    for k in 0..surveys {
        let back = first - k * first / surveys.max(1);
        let day = AS_OF.checked_sub((back as i32).days()).unwrap_or(AS_OF);
        score = (score + rng.range(-2, 2)).clamp(0, 10);
        let _ = writeln!(s, "\n[[survey]]\ndate = {day}\nscore = {score}");
        if rng.pct(50) {
            let _ = writeln!(s, "contact = \"{}\"", rng.pick(&info.contacts).0);
        }
        if rng.pct(30) {
            let _ = writeln!(s, "note = \"{}\"", rng.pick(TOUCH_NOTES));
        }
    }
    s
}

// ---------------------------------------------------------------- deals

fn money(rng: &mut Rng, large: bool) -> String {
    let units: i64 = if large {
        rng.range(1_000, 8_000) * 1000
    } else {
        match rng.below(3) {
            0 => rng.range(20, 200) * 1000,
            1 => rng.range(200, 999) * 1000,
            _ => rng.range(10_000, 900_000),
        }
    };
    let whole = if units >= 10_000 && rng.pct(60) {
        // 1_250_000 style
        let digits = units.to_string();
        let mut out = String::new();
        for (k, ch) in digits.chars().enumerate() {
            if k > 0 && (digits.len() - k) % 3 == 0 {
                out.push('_');
            }
            out.push(ch);
        }
        out
    } else {
        units.to_string()
    };
    if rng.pct(10) {
        format!("{units}.{:02}", rng.below(100))
    } else {
        whole
    }
}

fn deal_toml(
    seed: u64,
    i: usize,
    accounts: &[AccountInfo],
    people: &[Person],
    exit_gap: bool,
) -> String {
    let mut rng = Rng::new(seed, i as u64);
    let mut s = String::with_capacity(2048);
    let acc_ix = rng.below(accounts.len());
    let acc = &accounts[acc_ix];
    let sales: Vec<&Person> = people.iter().filter(|p| p.role == "sales").collect();
    let helpers: Vec<&Person> = people
        .iter()
        .filter(|p| p.role == "presales" || p.role == "service" || p.role == "manager")
        .collect();
    let owner = rng.pick(&sales);

    // The final stage: 0..=4 open, 5 won, 6 lost.
    let roll = rng.below(100);
    let mut last: usize = match roll {
        0..=14 => 0,
        15..=27 => 1,
        28..=39 => 2,
        40..=49 => 3,
        50..=59 => 4,
        60..=81 => 5,
        _ => 6,
    };
    let open = last <= 4;
    // The path of stages through history, possibly with a step back.
    let furthest = match last {
        5 => 4,
        6 => rng.below(5),
        _ => last,
    };
    let mut path: Vec<usize> = Vec::new();
    for st in 0..=furthest {
        // Closed deals sometimes skipped an early stage.
        if st > 0 && st < furthest && !open && rng.pct(15) {
            continue;
        }
        path.push(st);
    }
    if furthest >= 2 && rng.pct(6) {
        // A step back (the `backward` risk): then forward again, or the
        // deal stays in the earlier stage.
        let back = rng.below(furthest);
        path.push(back);
        if open {
            if rng.pct(60) {
                path.push(last);
            } else {
                last = back;
            }
        }
    }
    if !open {
        path.push(last);
    }
    let stage_of = |ix: usize| -> &'static str {
        match ix {
            5 => "won",
            6 => "lost",
            _ => OPEN_STAGES[ix],
        }
    };
    let stage = stage_of(last);

    // Dates: created up to two years back; history entries spread over the
    // time since, none after as_of. Some open deals sit in their stage
    // longer than max_days (stale).
    let created = AS_OF
        .checked_sub((rng.range(10, 720) as i32).days())
        .unwrap_or(AS_OF);
    let window = (AS_OF - created).get_days().max(1) as i64;
    let mut offsets: Vec<i64> = (1..path.len()).map(|_| rng.range(1, window)).collect();
    offsets.sort_unstable();
    let mut dates: Vec<Date> = std::iter::once(created)
        .chain(
            offsets
                .iter()
                .map(|&o| created.checked_add((o as i32).days()).unwrap_or(created)),
        )
        .collect();
    if open && rng.pct(60) {
        // Most open deals moved recently: keep them fresh.
        let fresh = AS_OF
            .checked_sub((rng.range(0, STAGE_MAX_DAYS[last] - 1) as i32).days())
            .unwrap_or(AS_OF)
            .max(*dates.iter().rev().nth(1).unwrap_or(&created));
        if dates.len() > 1
            && let Some(d) = dates.last_mut()
        {
            *d = fresh;
        }
    }
    let last_date = *dates.last().unwrap_or(&created);
    let close = if open {
        // Mostly ahead, some overdue; never before the last stage change.
        let ahead = rng.range(-45, 200);
        AS_OF
            .checked_add((ahead as i32).days())
            .unwrap_or(AS_OF)
            .max(last_date)
    } else {
        last_date
    };
    // Slipping: the expected close recorded in history moves later.
    let slipping = open && path.len() >= 3 && rng.pct(25);
    let with_hist_close = slipping || rng.pct(30);
    let mut hist_close: Vec<Date> = Vec::new();
    if with_hist_close {
        let n = path.len();
        for k in 0..n {
            let back = if slipping {
                ((n - 1 - k) as i32) * rng.range(20, 60) as i32
            } else {
                0
            };
            hist_close.push(close.checked_sub(back.days()).unwrap_or(close));
        }
        if !open {
            hist_close.pop();
        }
    }

    let large = rng.pct(8);
    let _ = writeln!(
        s,
        "name = \"{} {} {}\"",
        rng.pick(COMPANY_A),
        rng.pick(PRODUCTS).to_uppercase(),
        rng.pick(DEAL_KINDS)
    );
    let _ = writeln!(s, "account = \"{}\"", account_id(acc_ix));
    let _ = writeln!(s, "owner = \"{}\"", owner.id);
    let _ = writeln!(s, "amount = {}", money(&mut rng, large));
    match rng.below(100) {
        0..=7 => {
            let _ = writeln!(s, "currency = \"USD\"");
        }
        8..=10 => {
            let _ = writeln!(s, "currency = \"EUR\"");
        }
        11..=13 => {
            let _ = writeln!(s, "currency = \"CNY\"");
        }
        _ => {}
    }
    let _ = writeln!(s, "stage = \"{stage}\"");
    let _ = writeln!(s, "created = {created}");
    let _ = writeln!(s, "close = {close}");
    if open && rng.pct(15) {
        let _ = writeln!(s, "probability = 0.{:02}", rng.range(5, 95));
    }
    if open && rng.pct(10) {
        let _ = writeln!(
            s,
            "forecast = \"{}\"",
            rng.pick(&["pipeline", "best_case", "commit"])
        );
    }
    let np = 1 + rng.below(3);
    let products: Vec<String> = rng
        .sample(PRODUCTS.len(), np)
        .into_iter()
        .map(|k| format!("\"{}\"", PRODUCTS[k]))
        .collect();
    let _ = writeln!(s, "products = [{}]", products.join(", "));
    if rng.pct(55) {
        let nc = 1 + rng.below(2);
        let comps: Vec<String> = rng
            .sample(COMPETITORS.len(), nc)
            .into_iter()
            .map(|k| format!("\"{}\"", COMPETITORS[k]))
            .collect();
        let _ = writeln!(s, "competitors = [{}]", comps.join(", "));
    }
    if open && rng.pct(88) {
        let _ = writeln!(s, "next_step = \"{}\"", rng.pick(NEXT_STEPS));
        if rng.pct(90) {
            let due = AS_OF
                .checked_add((rng.range(-20, 30) as i32).days())
                .unwrap_or(AS_OF);
            let _ = writeln!(s, "next_step_date = {due}");
        }
    }
    if last == 6 {
        let _ = writeln!(s, "lost_reason = \"{}\"", rng.pick(LOST_REASONS));
    }

    // Exit criteria (see settings_toml): past qualify needs pains; past
    // needs-analysis a decision process and a stakeholder; past proof a
    // value proof. `exit_gap` drops one of them on purpose.
    let mut gaps: Vec<&str> = Vec::new();
    if open && last >= 1 {
        gaps.push("pains");
    }
    if open && last >= 2 {
        gaps.extend(["decision_process", "stakeholder"]);
    }
    if open && last >= 4 {
        gaps.push("value_proof");
    }
    let gap = if exit_gap && !gaps.is_empty() {
        *rng.pick(&gaps)
    } else {
        ""
    };
    let need_pains = open && last >= 1;
    let need_dp = open && last >= 2;
    let need_vp = open && last >= 4;
    let drop_pains = gap == "pains";
    let drop_dp = gap == "decision_process";
    let drop_st = gap == "stakeholder";
    let drop_vp = gap == "value_proof";
    if !drop_pains && (need_pains || rng.pct(70)) {
        let n = 1 + rng.below(3);
        let pains: Vec<String> = rng
            .sample(PAINS.len(), n)
            .into_iter()
            .map(|k| format!("\"{}\"", PAINS[k]))
            .collect();
        let _ = writeln!(s, "pains = [{}]", pains.join(", "));
    }
    if !drop_dp && (need_dp || rng.pct(50)) {
        let _ = writeln!(s, "decision_process = \"{}\"", rng.pick(DECISIONS));
    }
    // In proof without value proof while competitors are named: the
    // competitive_no_proof risk.
    let vp_chance = if last == 3 { 55 } else { 45 };
    if !drop_vp && (need_vp || (last != 4 && rng.pct(vp_chance))) {
        let _ = writeln!(s, "value_proof = \"{}\"", rng.pick(PROOFS));
    }
    if rng.pct(50) {
        let _ = writeln!(s, "notes = \"\"\"");
        for _ in 0..1 + rng.below(3) {
            let _ = writeln!(s, "{}", rng.pick(NOTE_LINES));
        }
        let _ = writeln!(s, "\"\"\"");
    }

    // Stakeholders: distinct contacts of the account. Few for early deals
    // (single-threaded), none for some; at least one once the
    // needs-analysis exit criterion applies.
    let max = acc.contacts.len();
    let mut n_st = match last {
        0 => rng.below(2),
        1 => rng.below(3),
        _ => 1 + rng.below(4),
    }
    .min(max);
    if drop_st {
        n_st = 0;
    } else if need_dp {
        n_st = n_st.max(1);
    }
    let chosen = rng.sample(max, n_st);
    // Some key deals lack an economic buyer, some lack a champion, some
    // face a high-influence opponent.
    let no_eb = rng.pct(20);
    for (k, &c) in chosen.iter().enumerate() {
        let (cid, _, _) = &acc.contacts[c];
        let role = if k == 0 && !no_eb {
            "economic_buyer"
        } else {
            let r = *rng.pick(BUYING_ROLES);
            if no_eb && r == "economic_buyer" {
                "influencer"
            } else {
                r
            }
        };
        let attitude = rng.pick(ATTITUDES);
        let _ = writeln!(
            s,
            "\n[[stakeholder]]\ncontact = \"{cid}\"\nrole = \"{role}\"\nattitude = \"{attitude}\""
        );
        if rng.pct(20) {
            let _ = writeln!(s, "note = \"{}\"", rng.pick(TOUCH_NOTES));
        }
    }
    let n_mem = rng.below(3);
    for k in rng.sample(helpers.len(), n_mem) {
        let p = helpers[k];
        let _ = writeln!(s, "\n[[member]]\nperson = \"{}\"", p.id);
        if rng.pct(60) {
            let _ = writeln!(s, "role = \"{}\"", p.role);
        }
    }
    for (k, (&st, date)) in path.iter().zip(&dates).enumerate() {
        let _ = writeln!(
            s,
            "\n[[history]]\ndate = {date}\nstage = \"{}\"",
            stage_of(st)
        );
        if let Some(c) = hist_close.get(k) {
            let _ = writeln!(s, "close = {c}");
        }
        if rng.pct(15) {
            let _ = writeln!(s, "note = \"{}\"", rng.pick(NEXT_STEPS));
        }
    }
    s
}

// ---------------------------------------------------------------- targets

fn targets_toml(people: &[Person], year: i16) -> String {
    let mut s = String::from("# Generated by examples/gen.rs\n");
    let mut rng = Rng::new(11, year as u64);
    let _ = writeln!(
        s,
        "\n[[target]]\nperiod = \"{year}\"\nmetric = \"revenue\"\nvalue = 2_000_000_000\nstretch = 2_400_000_000"
    );
    for (metric, value) in [
        ("win_rate", "0.35"),
        ("satisfaction", "8.5"),
        ("market_share", "0.05"),
        ("new_accounts", "400"),
        ("pipeline_created", "5_000_000_000"),
    ] {
        let _ = writeln!(
            s,
            "\n[[target]]\nperiod = \"{year}\"\nmetric = \"{metric}\"\nvalue = {value}"
        );
    }
    for (tid, _) in TEAMS {
        for q in 1..=4 {
            let v = rng.range(60, 140) * 1_000_000;
            let _ = writeln!(
                s,
                "\n[[target]]\nperiod = \"{year}-Q{q}\"\nteam = \"{tid}\"\nmetric = \"revenue\"\nvalue = {v}\nstretch = {}",
                v + v / 5
            );
        }
    }
    for p in people.iter().filter(|p| p.role == "sales") {
        let v = rng.range(20, 80) * 1_000_000;
        let _ = writeln!(
            s,
            "\n[[target]]\nperiod = \"{year}\"\nperson = \"{}\"\nvalue = {v}",
            p.id
        );
        if rng.pct(50) {
            let m = rng.range(1, 12);
            let _ = writeln!(
                s,
                "\n[[target]]\nperiod = \"{year}-{m:02}\"\nperson = \"{}\"\nmetric = \"pipeline_created\"\nvalue = {}",
                p.id,
                v / 4
            );
        }
    }
    s
}

// ---------------------------------------------------------------- writing

fn write(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

fn io(p: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", p.display())
}

fn bucket(i: usize, per: usize) -> String {
    format!("{:04}", i / per)
}

fn prepare(dir: &Path, force: bool) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                if !force {
                    return Err(format!(
                        "{} is not empty; pass --force to replace a generated pipeline in it",
                        dir.display()
                    ));
                }
                for name in ["dealbook.toml", "team.toml"] {
                    let p = dir.join(name);
                    if p.exists() {
                        std::fs::remove_file(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    }
                }
                for name in ["accounts", "deals", "targets"] {
                    let p = dir.join(name);
                    if p.exists() {
                        std::fs::remove_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    }
                }
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
        }
        Err(e) => Err(format!("{}: {e}", dir.display())),
    }
}

fn run(a: &Args) -> Result<(), String> {
    let start = Instant::now();
    let per = a.per_folder.max(1);
    prepare(&a.dir, a.force)?;
    let people = people();
    let n_deals = a.deals;
    let n_accounts = (n_deals / 10).max(1);
    let accounts: Vec<AccountInfo> = (0..n_accounts)
        .into_par_iter()
        .map(|i| account_info(a.seed, i))
        .collect();

    let p = a.dir.join("dealbook.toml");
    let as_of = if a.git_weeks > 0 {
        commit_date(a.git_weeks).tomorrow().unwrap_or(AS_OF)
    } else {
        AS_OF
    };
    write(&p, &settings_toml(as_of)).map_err(io(&p))?;
    let p = a.dir.join("team.toml");
    write(&p, &team_toml(&people)).map_err(io(&p))?;
    let tdir = a.dir.join("targets");
    std::fs::create_dir_all(&tdir).map_err(io(&tdir))?;
    for year in [2025, 2026] {
        let p = tdir.join(format!("{year}.toml"));
        write(&p, &targets_toml(&people, year)).map_err(io(&p))?;
    }

    for (sub, count) in [("accounts", n_accounts), ("deals", n_deals)] {
        for b in 0..count.div_ceil(per) {
            let d = a.dir.join(sub).join(bucket(b * per, per));
            std::fs::create_dir_all(&d).map_err(io(&d))?;
        }
    }
    (0..n_accounts).into_par_iter().try_for_each(|i| {
        let p = a
            .dir
            .join("accounts")
            .join(bucket(i, per))
            .join(format!("{}.toml", account_id(i)));
        write(&p, &account_toml(a.seed, i, &accounts[i], &people)).map_err(io(&p))
    })?;
    (0..n_deals).into_par_iter().try_for_each(|i| {
        let p = a
            .dir
            .join("deals")
            .join(bucket(i, per))
            .join(format!("{}.toml", deal_id(i)));
        // One open deal in a thousand (about) lacks an exit criterion.
        let exit_gap = Rng::new(a.seed ^ 0xE417, i as u64).permille(1);
        write(&p, &deal_toml(a.seed, i, &accounts, &people, exit_gap)).map_err(io(&p))
    })?;
    eprintln!(
        "wrote {} deals, {} accounts, {} people, 2 target files into {} in {:.2?}",
        n_deals,
        n_accounts,
        people.len(),
        a.dir.display(),
        start.elapsed()
    );
    if a.git_weeks > 0 {
        git_history(a, n_deals, per)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- git

/// The date of weekly commit `k` (0: the first, on `AS_OF`; then
/// Tuesdays).
fn commit_date(k: usize) -> Date {
    if k == 0 {
        return AS_OF;
    }
    AS_OF
        .checked_add(((7 * k - 5) as i32).days())
        .unwrap_or(AS_OF)
}

/// Runs git in `dir` with the host's configuration shut out and commits
/// dated `date`.
fn git(dir: &Path, args: &[&str], date: Date) -> Result<(), String> {
    let stamp = format!("{date}T10:00:00Z");
    // No automatic gc in the background (it would race the one at the end).
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "gc.auto=0"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "gen")
        .env("GIT_AUTHOR_EMAIL", "gen@example.com")
        .env("GIT_COMMITTER_NAME", "gen")
        .env("GIT_COMMITTER_EMAIL", "gen@example.com")
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// `text` with the first top-level line `key = …` replaced by `line`, or
/// `line` added after the `stage = …` line when there is none.
fn set_line(text: &str, key: &str, line: &str) -> String {
    let prefix = format!("{key} = ");
    let mut out = String::with_capacity(text.len() + line.len() + 1);
    let mut done = false;
    let mut top = true;
    for l in text.lines() {
        top &= !l.starts_with('[');
        if !done && top && l.starts_with(&prefix) {
            out.push_str(line);
            done = true;
        } else {
            out.push_str(l);
        }
        out.push('\n');
        if !done
            && top
            && l.starts_with("stage = ")
            && key != "stage"
            && !text.contains(&format!("\n{prefix}"))
        {
            out.push_str(line);
            out.push('\n');
            done = true;
        }
    }
    out
}

/// The value of the first top-level `key = …` line.
fn get_line<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let prefix = format!("{key} = ");
    text.lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix(prefix.as_str()))
}

/// One edit to a deal file that keeps it valid: the `k`-th week's, kind
/// `kind` (amount, close, next step, probability; the amount for a closed
/// deal when the edit needs an open one).
fn edit_deal(text: &str, k: usize, kind: usize, rng: &mut Rng) -> String {
    let closed = matches!(get_line(text, "stage"), Some("\"won\"" | "\"lost\""));
    let kind = if closed && (kind == 1 || kind == 3) {
        0
    } else {
        kind
    };
    match kind {
        1 => {
            let close: Option<Date> = get_line(text, "close").and_then(|c| c.parse().ok());
            match close {
                Some(c) => {
                    let later = c.checked_add((rng.range(7, 30) as i32).days()).unwrap_or(c);
                    set_line(text, "close", &format!("close = {later}"))
                }
                None => edit_deal(text, k, 0, rng),
            }
        }
        2 => set_line(
            text,
            "next_step",
            &format!("next_step = \"Follow-up, week {k}\""),
        ),
        3 => set_line(
            text,
            "probability",
            &format!("probability = 0.{:02}", rng.range(5, 95)),
        ),
        _ => {
            let Some(v) = get_line(text, "amount") else {
                return text.to_string();
            };
            let plain = v.replace('_', "");
            let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
            let n: u64 = int.parse().unwrap_or(0) + 1000;
            let amount = if frac.is_empty() {
                n.to_string()
            } else {
                format!("{n}.{frac}")
            };
            set_line(text, "amount", &format!("amount = {amount}"))
        }
    }
}

/// Commits the generated pipeline, then `git_weeks` weekly changes.
fn git_history(a: &Args, n_deals: usize, per: usize) -> Result<(), String> {
    let start = Instant::now();
    git(&a.dir, &["init", "-q", "-b", "main"], AS_OF)?;
    git(&a.dir, &["add", "-A"], AS_OF)?;
    git(&a.dir, &["commit", "-q", "-m", "generated pipeline"], AS_OF)?;
    let changes = a.git_changes.min(n_deals);
    for k in 1..=a.git_weeks {
        let mut rng = Rng::new(a.seed ^ 0x6175, k as u64);
        for (j, i) in rng.sample(n_deals, changes).into_iter().enumerate() {
            let p = a
                .dir
                .join("deals")
                .join(bucket(i, per))
                .join(format!("{}.toml", deal_id(i)));
            let text = std::fs::read_to_string(&p).map_err(io(&p))?;
            let mut edit_rng = Rng::new(a.seed ^ 0xED17, (k * changes + j) as u64);
            write(&p, &edit_deal(&text, k, (k + j) % 4, &mut edit_rng)).map_err(io(&p))?;
        }
        let date = commit_date(k);
        git(&a.dir, &["add", "-A"], date)?;
        git(
            &a.dir,
            &["commit", "-q", "-m", &format!("week {k}: {changes} deals")],
            date,
        )?;
    }
    // Packed, as a clone is.
    git(&a.dir, &["gc", "-q"], AS_OF)?;
    eprintln!(
        "committed the pipeline and {} weekly changes of {changes} deals in {:.2?}",
        a.git_weeks,
        start.elapsed()
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
