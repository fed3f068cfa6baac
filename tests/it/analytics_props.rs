//! Properties of `analytics::compute` over random valid pipelines: figures
//! add up across people, teams and the organisation; the forecast tiers
//! are ordered; rates stay in 0..=1; money always has two decimal places;
//! and nothing depends on how the files are laid out or ordered.
//!
//! `PROPTEST_CASES` raises the number of cases (default 64).

use dealbook::analytics::ScopeKind;
use dealbook::analytics::{self, Analytics, Options};
use dealbook::load::LoadOptions;
use dealbook::money::{Money, Ratio};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const AS_OF: Date = date(2026, 11, 15);
const PRODUCTS: [&str; 3] = ["erp", "crm", "iot"];

#[derive(Debug, Clone)]
struct Stage {
    probability_pct: u32,
    category: usize,
    max_days: Option<u32>,
    requires_pains: bool,
}

#[derive(Debug, Clone)]
struct Person {
    team: Option<Index>,
    role: usize,
}

#[derive(Debug, Clone)]
struct Account {
    tier: usize,
    owner: Index,
    follow_up_days: Option<u32>,
    /// (days before as_of, who)
    touches: Vec<(u32, Index)>,
    /// (days before as_of, score)
    surveys: Vec<(u32, u8)>,
}

#[derive(Debug, Clone)]
struct Deal {
    account: Index,
    owner: Index,
    cents: u64,
    currency: usize,
    /// Any stage, outcomes included.
    stage: Index,
    created_days_ago: u32,
    close_after: u32,
    probability_pct: Option<u32>,
    forecast: Option<usize>,
    /// Open stages passed through before the current one.
    history: Vec<(Index, Option<i32>)>,
    products: Vec<bool>,
    stakeholders: usize,
    next_step_date: Option<i32>,
}

#[derive(Debug, Clone)]
struct Target {
    /// 0 year, 1 quarter, 2 month
    grain: usize,
    year: i16,
    part: u8,
    /// 0 org, 1 team, 2 person
    scope: usize,
    who: Index,
    value: u32,
    stretch: Option<u32>,
}

#[derive(Debug, Clone)]
struct Gen {
    fiscal_year_start: u8,
    stages: Vec<Stage>,
    rates: [u32; 2],
    teams: usize,
    people: Vec<Person>,
    accounts: Vec<Account>,
    deals: Vec<Deal>,
    targets: Vec<Target>,
    market: Option<u32>,
}

prop_compose! {
    fn stage()(
        probability_pct in 0u32..=100,
        category in 0usize..3,
        max_days in prop::option::of(1u32..90),
        requires_pains in any::<bool>(),
    ) -> Stage {
        Stage {
            probability_pct,
            category,
            max_days,
            requires_pains,
        }
    }
}

prop_compose! {
    fn person()(team in prop::option::of(any::<Index>()), role in 0usize..5) -> Person {
        Person { team, role }
    }
}

prop_compose! {
    fn account()(
        tier in 0usize..3,
        owner in any::<Index>(),
        follow_up_days in prop::option::of(1u32..120),
        touches in prop::collection::vec((0u32..500, any::<Index>()), 0..4),
        surveys in prop::collection::vec((0u32..500, 0u8..=10), 0..3),
    ) -> Account {
        Account {
            tier,
            owner,
            follow_up_days,
            touches,
            surveys,
        }
    }
}

prop_compose! {
    fn deal()(
        (account, owner) in (any::<Index>(), any::<Index>()),
        // up to 100 million, cents included; small amounts too
        cents in prop_oneof![0u64..1_000, 0u64..10_000_000_000],
        currency in 0usize..3,
        stage in any::<Index>(),
        (created_days_ago, close_after) in (0u32..900, 0u32..400),
        (probability_pct, forecast) in
            (prop::option::of(0u32..=100), prop::option::of(0usize..3)),
        history in prop::collection::vec((any::<Index>(), prop::option::of(-60i32..90)), 0..4),
        products in prop::collection::vec(any::<bool>(), 3),
        (stakeholders, next_step_date) in (0usize..4, prop::option::of(-20i32..20)),
    ) -> Deal {
        Deal {
            account,
            owner,
            cents,
            currency,
            stage,
            created_days_ago,
            close_after,
            probability_pct,
            forecast,
            history,
            products,
            stakeholders,
            next_step_date,
        }
    }
}

prop_compose! {
    fn target()(
        grain in 0usize..3,
        year in 2024i16..=2027,
        part in 1u8..=12,
        scope in 0usize..3,
        who in any::<Index>(),
        value in 1u32..5_000_000,
        stretch in prop::option::of(0u32..1_000_000),
    ) -> Target {
        Target {
            grain,
            year,
            part,
            scope,
            who,
            value,
            stretch,
        }
    }
}

prop_compose! {
    fn pipeline()(
        fiscal_year_start in 1u8..=12,
        stages in prop::collection::vec(stage(), 1..=5),
        rates in [1u32..=200_000, 1u32..=200_000],
        teams in 0usize..=3,
        people in prop::collection::vec(person(), 1..=6),
        accounts in prop::collection::vec(account(), 1..=4),
        deals in prop::collection::vec(deal(), 0..=30),
        targets in prop::collection::vec(target(), 0..=10),
        market in prop::option::of(1u32..1_000_000_000),
    ) -> Gen {
        Gen {
            fiscal_year_start,
            stages,
            rates,
            teams,
            people,
            accounts,
            deals,
            targets,
            market,
        }
    }
}

/// A rate in 1/10000: 71234 → "7.1234".
fn rate(r: u32) -> String {
    format!("{}.{:04}", r / 10_000, r % 10_000)
}

/// A percentage as a probability: 7 → "0.07".
fn pct(p: u32) -> String {
    format!("{}.{:02}", p / 100, p % 100)
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

fn days(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap()
}

/// The pipeline's files: relative path → text. Deals, accounts and target
/// entries are listed in generation order.
struct Files {
    settings: String,
    team: String,
    accounts: Vec<(String, String)>,
    deals: Vec<(String, String)>,
    targets: Vec<String>,
}

impl Gen {
    fn person_id(&self, i: usize) -> String {
        format!("p{i}")
    }

    fn team_of(&self, p: usize) -> Option<usize> {
        match (self.teams, &self.people[p].team) {
            (0, _) | (_, None) => None,
            (n, Some(ix)) => Some(ix.index(n)),
        }
    }

    fn files(&self) -> Files {
        let n_open = self.stages.len();
        let mut s = format!(
            "[org]\nname = \"Prop Co\"\ncurrency = \"CNY\"\nfiscal_year_start = {}\nas_of = {AS_OF}\n\n[rates]\nUSD = {}\nEUR = {}\n",
            self.fiscal_year_start,
            rate(self.rates[0]),
            rate(self.rates[1])
        );
        // Probabilities in increasing order (a decrease is only a warning,
        // but keep the generated pipelines clean).
        let mut probs: Vec<u32> = self.stages.iter().map(|s| s.probability_pct).collect();
        probs.sort();
        for (i, st) in self.stages.iter().enumerate() {
            let _ = write!(
                s,
                "\n[[stage]]\nid = \"s{i}\"\nprobability = {}\ncategory = \"{}\"\n",
                pct(probs[i]),
                ["pipeline", "best_case", "commit"][st.category]
            );
            if let Some(m) = st.max_days {
                let _ = writeln!(s, "max_days = {m}");
            }
            if st.requires_pains {
                s += "requires = [\"pains\"]\n";
            }
        }
        s += "\n[[stage]]\nid = \"won\"\noutcome = \"won\"\n\n[[stage]]\nid = \"lost\"\noutcome = \"lost\"\n";
        let _ = write!(
            s,
            "\n[rules]\neconomic_buyer_by = \"s0\"\nproof_by = \"s{}\"\n",
            n_open - 1
        );
        if let Some(size) = self.market {
            let _ = write!(s, "\n[[market]]\nperiod = \"2026\"\nsize = {size}\n");
        }

        let mut team = String::new();
        for t in 0..self.teams {
            let _ = write!(team, "[[team]]\nid = \"t{t}\"\nname = \"Team {t}\"\n\n");
        }
        for (i, p) in self.people.iter().enumerate() {
            let _ = write!(
                team,
                "[[person]]\nid = \"{}\"\nname = \"Person {i}\"\nrole = \"{}\"\n",
                self.person_id(i),
                ["sales", "manager", "presales", "service", "other"][p.role]
            );
            if let Some(t) = self.team_of(i) {
                let _ = writeln!(team, "team = \"t{t}\"");
            }
            team += "\n";
        }

        let np = self.people.len();
        let accounts = self
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut s = format!(
                    "name = \"Account {i}\"\ntier = \"{}\"\nowner = \"{}\"\n",
                    ["key", "growth", "standard"][a.tier],
                    self.person_id(a.owner.index(np))
                );
                if let Some(f) = a.follow_up_days {
                    let _ = writeln!(s, "follow_up_days = {f}");
                }
                for c in 0..3 {
                    let _ = write!(
                        s,
                        "\n[[contact]]\nid = \"c{c}\"\nname = \"Contact {c}\"\ninfluence = \"{}\"\n",
                        ["high", "medium", "low"][c]
                    );
                }
                for (back, by) in &a.touches {
                    let _ = write!(
                        s,
                        "\n[[touch]]\ndate = {}\nby = \"{}\"\nkind = \"call\"\n",
                        days(AS_OF, -(*back as i64)),
                        self.person_id(by.index(np))
                    );
                }
                for (back, score) in &a.surveys {
                    let _ = write!(
                        s,
                        "\n[[survey]]\ndate = {}\nscore = {score}\n",
                        days(AS_OF, -(*back as i64))
                    );
                }
                (format!("a{i}"), s)
            })
            .collect();

        let stage_ids: Vec<String> = (0..n_open)
            .map(|i| format!("s{i}"))
            .chain(["won".to_string(), "lost".to_string()])
            .collect();
        let deals = self
            .deals
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let stage = d.stage.index(n_open + 2);
                let created = days(AS_OF, -(d.created_days_ago as i64));
                // A won or lost deal closed on or before as_of (a close in
                // the future is an error, E045).
                let close = days(created, d.close_after as i64);
                let close = if stage >= n_open { close.min(AS_OF) } else { close };
                let mut s = format!(
                    "name = \"Deal {i}\"\naccount = \"a{}\"\nowner = \"{}\"\namount = {}\nstage = \"{}\"\ncreated = {created}\nclose = {close}\n",
                    d.account.index(self.accounts.len()),
                    self.person_id(d.owner.index(np)),
                    cents(d.cents),
                    stage_ids[stage]
                );
                if d.currency > 0 {
                    let _ = writeln!(s, "currency = \"{}\"", ["CNY", "USD", "EUR"][d.currency]);
                }
                if let Some(p) = d.probability_pct {
                    let _ = writeln!(s, "probability = {}", pct(p));
                }
                if let Some(c) = d.forecast {
                    let _ = writeln!(
                        s,
                        "forecast = \"{}\"",
                        ["pipeline", "best_case", "commit"][c]
                    );
                }
                if stage == n_open + 1 {
                    s += "lost_reason = \"price\"\n";
                }
                let products: Vec<String> = PRODUCTS
                    .iter()
                    .zip(&d.products)
                    .filter(|(_, on)| **on)
                    .map(|(p, _)| format!("\"{p}\""))
                    .collect();
                if !products.is_empty() {
                    let _ = writeln!(s, "products = [{}]", products.join(", "));
                }
                if let Some(n) = d.next_step_date {
                    let _ = writeln!(
                        s,
                        "next_step = \"Call\"\nnext_step_date = {}",
                        days(AS_OF, n as i64)
                    );
                }
                s += "pains = [\"Pain\"]\n";
                for c in 0..d.stakeholders.min(3) {
                    let _ = write!(
                        s,
                        "\n[[stakeholder]]\ncontact = \"c{c}\"\nrole = \"{}\"\nattitude = \"{}\"\n",
                        ["economic_buyer", "coach", "user_buyer"][c],
                        ["supporter", "opponent", "champion"][(i + c) % 3]
                    );
                }
                // History: the listed open stages, then the current one,
                // dated from `created` on, never after as_of.
                if !d.history.is_empty() {
                    let mut entries: Vec<(String, Option<i32>)> = d
                        .history
                        .iter()
                        .map(|(ix, c)| (stage_ids[ix.index(n_open)].clone(), *c))
                        .collect();
                    entries.push((stage_ids[stage].clone(), None));
                    let last = if close < AS_OF { close } else { AS_OF };
                    let span = (last - created).get_days().max(0) as i64;
                    let n = entries.len() as i64;
                    for (k, (st, c)) in entries.iter().enumerate() {
                        let _ = write!(
                            s,
                            "\n[[history]]\ndate = {}\nstage = \"{st}\"\n",
                            days(created, span * k as i64 / n)
                        );
                        if let Some(c) = c {
                            let _ = writeln!(s, "close = {}", days(close, *c as i64));
                        }
                    }
                }
                (format!("d{i:02}"), s)
            })
            .collect();

        // Targets, without duplicates (period, scope, metric).
        let mut seen = BTreeSet::new();
        let mut targets = Vec::new();
        for t in &self.targets {
            let period = match t.grain {
                0 => format!("{}", t.year),
                1 => format!("{}-Q{}", t.year, (t.part - 1) % 4 + 1),
                _ => format!("{}-{:02}", t.year, t.part),
            };
            let scope = match (t.scope, self.teams) {
                (1, n) if n > 0 => format!("team = \"t{}\"\n", t.who.index(n)),
                (2, _) => format!("person = \"{}\"\n", self.person_id(t.who.index(np))),
                _ => String::new(),
            };
            if !seen.insert((period.clone(), scope.clone())) {
                continue;
            }
            let mut s = format!(
                "[[target]]\nperiod = \"{period}\"\n{scope}metric = \"revenue\"\nvalue = {}\n",
                t.value
            );
            if let Some(extra) = t.stretch {
                let _ = writeln!(s, "stretch = {}", t.value + extra);
            }
            targets.push(s);
        }
        Files {
            settings: s,
            team,
            accounts,
            deals,
            targets,
        }
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Flat: one folder each, targets in one file, written in order.
fn write_flat(root: &Path, f: &Files) {
    write(root, "dealbook.toml", &f.settings);
    write(root, "team.toml", &f.team);
    for (id, text) in &f.accounts {
        write(root, &format!("accounts/{id}.toml"), text);
    }
    for (id, text) in &f.deals {
        write(root, &format!("deals/{id}.toml"), text);
    }
    if !f.targets.is_empty() {
        write(root, "targets/all.toml", &f.targets.concat());
    }
}

/// Shuffled: subfolders, files written in reverse order, targets spread
/// over several files in reverse order.
fn write_shuffled(root: &Path, f: &Files) {
    for (i, (id, text)) in f.deals.iter().enumerate().rev() {
        let folder = ["z", "a/b", "m/deep/er"][i % 3];
        write(root, &format!("deals/{folder}/{id}.toml"), text);
    }
    for (i, (id, text)) in f.accounts.iter().enumerate().rev() {
        let folder = ["key", "x/y"][i % 2];
        write(root, &format!("accounts/{folder}/{id}.toml"), text);
    }
    for (i, t) in f.targets.iter().enumerate().rev() {
        let file = ["targets/z.toml", "targets/a/first.toml", "targets/m.toml"][i % 3];
        let path = root.join(file);
        let before = fs::read_to_string(&path).unwrap_or_default();
        write(root, file, &format!("{t}\n{before}"));
    }
    write(root, "team.toml", &f.team);
    write(root, "dealbook.toml", &f.settings);
}

/// The analytics of a folder, and their JSON document.
fn compute(root: &Path) -> (Analytics, String) {
    let checked = dealbook::load_and_check(root, &LoadOptions::default(), None, AS_OF);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics);
    let a = analytics::compute(&checked.pipeline, checked.as_of, &Options::default());
    let json = dealbook::report::json(&a, &checked.pipeline);
    (a, json)
}

fn is_money(m: Money) -> bool {
    let s = serde_json::to_value(m).unwrap();
    let s = s.as_str().unwrap();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let int = int.strip_prefix('-').unwrap_or(int);
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() == 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && s != "-0.00"
}

fn is_ratio(r: Ratio) -> bool {
    let s = serde_json::to_value(r).unwrap();
    let s = s.as_str().unwrap().to_string();
    s.split_once('.').is_some_and(|(_, f)| f.len() == 4) && !s.starts_with("-0.0000")
}

/// Every money value of the document.
fn all_money(a: &Analytics) -> Vec<Money> {
    let mut v = Vec::new();
    let k = &a.kpis;
    v.extend([k.won, k.commit, k.best_case, k.weighted, k.open_amount]);
    v.extend([k.target, k.velocity, k.average_deal].into_iter().flatten());
    for d in &a.deals {
        v.extend([d.amount_reporting, d.weighted]);
    }
    v.extend([a.funnel.amount, a.funnel.weighted]);
    for s in &a.funnel.stages {
        v.extend([s.amount, s.weighted]);
    }
    for f in &a.forecast {
        v.extend([
            f.won,
            f.commit,
            f.best_case,
            f.pipeline,
            f.weighted,
            f.open_amount,
        ]);
        v.extend([f.target, f.stretch, f.gap].into_iter().flatten());
    }
    for p in &a.performance {
        v.extend([p.won, p.pipeline_created]);
        v.extend([p.target, p.average_deal].into_iter().flatten());
    }
    v.extend(a.risks.iter().map(|r| r.amount));
    for x in &a.accounts {
        v.extend([x.lifetime_won, x.open_pipeline]);
    }
    let c = &a.customers;
    v.extend([
        c.won_this_year_to_date,
        c.won_last_year_full,
        c.won_last_year_to_date,
    ]);
    for m in &c.market_share {
        v.extend([m.size, m.won]);
    }
    v.extend(a.trends.monthly.iter().map(|m| m.won));
    for p in &a.trends.products {
        v.extend(p.quarters.iter().map(|q| q.won));
    }
    v
}

/// Every ratio of the document.
fn all_ratios(a: &Analytics) -> Vec<Ratio> {
    let k = &a.kpis;
    let mut v: Vec<Ratio> = [k.attainment, k.coverage, k.win_rate, k.win_rate_trailing]
        .into_iter()
        .flatten()
        .collect();
    v.extend(a.conversion.iter().filter_map(|c| c.rate));
    for f in &a.forecast {
        v.extend(
            [f.coverage, f.attainment, f.stretch_attainment]
                .into_iter()
                .flatten(),
        );
    }
    for p in &a.performance {
        v.extend(
            [p.attainment, p.win_rate, p.win_rate_amount]
                .into_iter()
                .flatten(),
        );
    }
    for t in &a.targets {
        v.extend([t.attainment, t.stretch_attainment].into_iter().flatten());
    }
    v.extend(a.customers.retention);
    v.extend(a.customers.market_share.iter().filter_map(|m| m.share));
    v
}

type Sums = [Money; 6];

fn sums(f: &analytics::forecast::Forecast) -> (Sums, usize) {
    (
        [
            f.won,
            f.commit,
            f.best_case,
            f.pipeline,
            f.weighted,
            f.open_amount,
        ],
        f.open_deals,
    )
}

fn add(a: (Sums, usize), b: (Sums, usize)) -> (Sums, usize) {
    let mut s = a.0;
    for (x, y) in s.iter_mut().zip(b.0) {
        *x += y;
    }
    (s, a.1 + b.1)
}

fn check(g: &Gen, a: &Analytics) -> Result<(), TestCaseError> {
    // --- people add up to their team, teams and team-less people to the org
    let team_of: BTreeMap<String, Option<String>> = (0..g.people.len())
        .map(|i| (g.person_id(i), g.team_of(i).map(|t| format!("t{t}"))))
        .collect();
    let zero = ([Money::ZERO; 6], 0);
    let periods: BTreeSet<_> = a.forecast.iter().map(|r| r.period).collect();
    for period in periods {
        let rows: Vec<_> = a.forecast.iter().filter(|r| r.period == period).collect();
        let mut by_team: BTreeMap<Option<String>, (Sums, usize)> = BTreeMap::new();
        let mut teams: BTreeMap<Option<String>, (Sums, usize)> = BTreeMap::new();
        let mut org = None;
        for r in &rows {
            match r.scope.kind {
                ScopeKind::Person => {
                    let t = team_of[r.scope.id.as_deref().unwrap()].clone();
                    let e = by_team.entry(t).or_insert(zero);
                    *e = add(*e, sums(r));
                }
                ScopeKind::Team => {
                    teams.insert(r.scope.id.clone(), sums(r));
                }
                _ => org = Some(sums(r)),
            }
        }
        for (t, s) in &teams {
            let people = by_team.get(t).copied().unwrap_or(zero);
            prop_assert_eq!(people, *s, "people of {:?} in {}", t, period);
        }
        let total = teams
            .values()
            .chain(by_team.get(&None))
            .fold(zero, |acc, s| add(acc, *s));
        prop_assert_eq!(Some(total), org, "org in {}", period);

        // the same for won in the performance rows
        for kind in ["won", "deals_won", "created"] {
            let value = |r: &analytics::performance::Performance| match kind {
                "won" => r.won.to_string(),
                "deals_won" => r.deals_won.to_string(),
                _ => r.pipeline_created.to_string(),
            };
            let perf: Vec<_> = a
                .performance
                .iter()
                .filter(|r| r.period == period)
                .collect();
            for t in perf.iter().filter(|r| r.scope.kind == ScopeKind::Team) {
                let people: Vec<_> = perf
                    .iter()
                    .filter(|r| {
                        r.scope.kind == ScopeKind::Person
                            && team_of[r.scope.id.as_deref().unwrap()] == t.scope.id
                    })
                    .collect();
                let sum: rust_decimal::Decimal = people
                    .iter()
                    .map(|r| value(r).parse::<rust_decimal::Decimal>().unwrap())
                    .sum();
                prop_assert_eq!(
                    sum,
                    value(t).parse::<rust_decimal::Decimal>().unwrap(),
                    "{} of {:?} in {}",
                    kind,
                    t.scope.id,
                    period
                );
            }
        }
    }

    // --- forecast tiers
    for r in &a.forecast {
        prop_assert!(r.won <= r.commit, "{:?}", r);
        prop_assert!(r.commit <= r.best_case, "{:?}", r);
        prop_assert!(r.best_case <= r.pipeline, "{:?}", r);
        prop_assert!(r.weighted <= r.pipeline, "{:?}", r);
        prop_assert!(r.won <= r.weighted, "{:?}", r);
        prop_assert_eq!(r.pipeline - r.won, r.open_amount);
    }

    // --- funnel
    let open = a
        .deals
        .iter()
        .filter(|d| d.status == analytics::Status::Open)
        .count();
    let stage_sum: usize = a.funnel.stages.iter().map(|s| s.count).sum();
    prop_assert_eq!(stage_sum, open);
    prop_assert_eq!(a.funnel.count, open);
    prop_assert_eq!(a.kpis.open_deals, open);
    for s in &a.funnel.stages {
        prop_assert!(s.weighted <= s.amount);
    }
    prop_assert!(a.funnel.weighted <= a.funnel.amount);

    // --- conversion
    for c in &a.conversion {
        prop_assert!(c.reached_to <= c.reached_from);
        if let Some(r) = c.rate {
            prop_assert!(r.get() >= rust_decimal::Decimal::ZERO);
            prop_assert!(r.get() <= rust_decimal::Decimal::ONE);
        }
    }
    for p in &a.performance {
        for r in [p.win_rate, p.win_rate_amount].into_iter().flatten() {
            prop_assert!(
                r.get() >= rust_decimal::Decimal::ZERO && r.get() <= rust_decimal::Decimal::ONE
            );
        }
    }

    // --- win/loss agrees with the performance and forecast rows
    for w in &a.winloss {
        let key = (w.period, w.scope.kind, w.scope.id.clone());
        if let Some(p) = a
            .performance
            .iter()
            .find(|p| (p.period, p.scope.kind, p.scope.id.clone()) == key)
        {
            prop_assert_eq!(
                (w.won, w.lost, w.won_amount),
                (p.deals_won, p.deals_lost, p.won)
            );
            prop_assert_eq!(w.win_rate, p.win_rate);
        }
        if let Some(f) = a
            .forecast
            .iter()
            .find(|f| (f.period, f.scope.kind, f.scope.id.clone()) == key)
        {
            prop_assert_eq!(
                (w.won_amount, w.open_deals, w.open_amount),
                (f.won, f.open_deals, f.open_amount)
            );
        }
        // A competitor's deals are some of the period's; a reason's lost
        // deals add up to at most the lost ones.
        for c in &w.competitors {
            prop_assert!(c.won <= w.won && c.lost <= w.lost && c.open_deals <= w.open_deals);
        }
        let reasons: usize = w.lost_reasons.iter().map(|r| r.deals).sum();
        prop_assert!(reasons <= w.lost);
        prop_assert!(
            w.decision_won.deals <= w.won
                && w.decision_lost.deals + w.without_history <= w.lost + w.won
        );
        for st in &w.stages {
            prop_assert!(st.deals + w.without_history <= w.won + w.lost);
        }
    }

    // --- number formats
    for m in all_money(a) {
        prop_assert!(is_money(m), "money {}", m);
    }
    for r in all_ratios(a) {
        prop_assert!(is_ratio(r), "ratio {}", r);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crate::common::proptest_cases(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn figures_add_up_and_do_not_depend_on_file_layout(g in pipeline()) {
        let files = g.files();
        let flat = tempfile::tempdir().unwrap();
        write_flat(flat.path(), &files);
        let (a, ja) = compute(flat.path());
        check(&g, &a)?;

        let shuffled = tempfile::tempdir().unwrap();
        write_shuffled(shuffled.path(), &files);
        let (_, jb) = compute(shuffled.path());
        prop_assert!(ja == jb, "layout changed the numbers");
    }
}
