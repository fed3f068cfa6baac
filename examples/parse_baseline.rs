//! The baseline `dealbook check` is measured against: the least a program
//! must do to read a pipeline. It walks the folder, reads every `.toml`
//! file and parses it with `toml::from_str` into plain
//! `#[derive(Deserialize)]` structs mirroring the file format, in parallel
//! with rayon, and does nothing else: no spans, no diagnostics, no
//! cross-file checks.
//!
//! ```text
//! cargo run --release --example parse_baseline -- /tmp/dealbook-bench/100k
//! ```
//!
//! Prints the number of files parsed (and failed) and the elapsed time.
#![allow(dead_code)] // the fields are parsed, never read

use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use toml::value::Datetime;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    org: Org,
    rates: Option<BTreeMap<String, f64>>,
    stage: Vec<Stage>,
    rules: Option<Rules>,
    market: Option<Vec<Market>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Org {
    name: String,
    currency: String,
    fiscal_year_start: Option<u8>,
    locale: Option<String>,
    as_of: Option<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stage {
    id: String,
    name: Option<String>,
    probability: Option<f64>,
    category: Option<String>,
    max_days: Option<u32>,
    requires: Option<Vec<String>>,
    outcome: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rules {
    min_stakeholders: Option<u32>,
    large_deal: Option<f64>,
    economic_buyer_by: Option<String>,
    proof_by: Option<String>,
    decline_pct: Option<u32>,
    follow_up_days: Option<FollowUp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUp {
    key: Option<u32>,
    growth: Option<u32>,
    standard: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Market {
    period: String,
    size: f64,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamFile {
    team: Option<Vec<Team>>,
    person: Option<Vec<Person>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Team {
    id: String,
    name: String,
    manager: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    id: String,
    name: String,
    team: Option<String>,
    role: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Account {
    name: String,
    industry: Option<String>,
    region: Option<String>,
    tier: Option<String>,
    owner: String,
    follow_up_days: Option<u32>,
    contact: Option<Vec<Contact>>,
    touch: Option<Vec<Touch>>,
    survey: Option<Vec<Survey>>,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Contact {
    id: String,
    name: String,
    title: Option<String>,
    influence: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Touch {
    date: Datetime,
    by: String,
    kind: Option<String>,
    contact: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Survey {
    date: Datetime,
    score: u8,
    contact: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deal {
    name: String,
    account: String,
    owner: String,
    amount: f64,
    currency: Option<String>,
    stage: String,
    created: Datetime,
    close: Option<Datetime>,
    probability: Option<f64>,
    forecast: Option<String>,
    products: Option<Vec<String>>,
    competitors: Option<Vec<String>>,
    next_step: Option<String>,
    next_step_date: Option<Datetime>,
    lost_reason: Option<String>,
    pains: Option<Vec<String>>,
    decision_process: Option<String>,
    value_proof: Option<String>,
    stakeholder: Option<Vec<Stakeholder>>,
    member: Option<Vec<Member>>,
    history: Option<Vec<History>>,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stakeholder {
    contact: String,
    role: String,
    attitude: String,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Member {
    person: String,
    role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct History {
    date: Datetime,
    stage: String,
    close: Option<Datetime>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Option<Vec<Target>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    period: String,
    person: Option<String>,
    team: Option<String>,
    metric: Option<String>,
    value: f64,
    stretch: Option<f64>,
}

/// Parses one file as the kind its path says; `true` when it parsed.
fn parse(root: &Path, path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let rel = path.strip_prefix(root).unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    match first.as_str() {
        "dealbook.toml" => toml::from_str::<Settings>(&text).is_ok(),
        "team.toml" => toml::from_str::<TeamFile>(&text).is_ok(),
        "accounts" => toml::from_str::<Account>(&text).is_ok(),
        "deals" => toml::from_str::<Deal>(&text).is_ok(),
        "targets" => toml::from_str::<TargetsFile>(&text).is_ok(),
        _ => true,
    }
}

fn main() -> std::process::ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_baseline DIR");
        return std::process::ExitCode::from(2);
    };
    let start = Instant::now();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| e.into_path())
        .collect();
    let failed = files.par_iter().filter(|p| !parse(&root, p)).count();
    println!(
        "{} files, {} failed to parse, {:.3?}",
        files.len(),
        failed,
        start.elapsed()
    );
    std::process::ExitCode::SUCCESS
}
