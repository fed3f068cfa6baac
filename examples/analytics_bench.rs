//! How long computing every figure takes next to checking the pipeline.
//!
//! ```text
//! cargo run --release --example gen -- --deals 100000 /tmp/dealbook-bench/100k
//! cargo run --release --example analytics_bench -- /tmp/dealbook-bench/100k
//! ```
//!
//! Loads and checks the pipeline (`dealbook::load_and_check`, what
//! `dealbook check` does) `--check-runs` times, then runs
//! `analytics::compute` on the checked pipeline `--runs` times, and prints
//! the median of each and their ratio. The goal (issue "Analytics and
//! dealbook report"): computing everything takes under 10% of the time
//! check takes on the 100k-deal generated pipeline.

use clap::Parser;
use dealbook::analytics::{
    self, Current, Options, ScopeKey, accounts, facts, figures, forecast, funnel, performance,
    risk, sums, targets, trends, winloss,
};
use dealbook::load::LoadOptions;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The same allocator as the `dealbook` binary, so the times compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(about = "Time analytics::compute against load + check")]
struct Args {
    /// Timed runs of analytics::compute (the median is reported).
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Timed runs of load + check (the median is reported).
    #[arg(long, default_value_t = 3)]
    check_runs: usize,
    /// Also time each family of figures once.
    #[arg(long)]
    breakdown: bool,
    /// The pipeline folder.
    dir: PathBuf,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Times the steps of `analytics::compute` one by one.
fn breakdown(p: &dealbook::model::Pipeline, as_of: jiff::civil::Date) {
    fn step<T>(name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let v = f();
        println!("  {name:<22} {:>10}", ms(t.elapsed()));
        v
    }
    let f = step("facts", || facts::Facts::new(p, as_of));
    let current = Current::new(f.cal, as_of);
    let periods = analytics::horizon(&f, &current, &Options::default());
    let risks = step("risks", || risk::risks(&f));
    let health = step("account health", || accounts::health(&f));
    let acc = step("accumulate", || sums::accumulate(&f));
    let tgt = step("targets index", || targets::Targets::new(&f));
    step("forecast rows", || {
        forecast::forecasts(&f, &acc, &tgt, &periods)
    });
    let deals = step("deal figures", || figures::figures(&f, &risks));
    step("performance rows", || {
        performance::performance(&f, &acc, &tgt, &periods, &deals, &health)
    });
    step("target rows", || targets::rows(&f, &acc, &tgt));
    step("customers", || accounts::customers(&f, &periods));
    step("trends", || trends::trends(&f, ScopeKey::Org));
    step("funnel", || funnel::funnel(&f, ScopeKey::Org));
    step("conversion", || funnel::conversion(&f, ScopeKey::Org));
    step("trailing year", || performance::trailing(&f, ScopeKey::Org));
    step("win/loss", || {
        winloss::winloss(&f, &periods, current.quarter)
    });
}

fn main() {
    let a = Args::parse();
    let today = jiff::ZonedDateTime::now().date();
    let mut check_times = Vec::new();
    let mut checked = None;
    for _ in 0..a.check_runs.max(1) {
        // Drop the previous pipeline first, outside the timing.
        drop(checked.take());
        let t = Instant::now();
        let c = dealbook::load_and_check(&a.dir, &LoadOptions::default(), None, today);
        check_times.push(t.elapsed());
        checked = Some(c);
    }
    let checked = checked.expect("at least one run");
    if checked.has_errors() {
        eprintln!(
            "error: {} has errors; run `dealbook check` on it",
            a.dir.display()
        );
        std::process::exit(1);
    }
    let p = &checked.pipeline;
    let opts = Options::default();
    // One untimed run to warm caches and the allocator.
    let mut out = analytics::compute(p, checked.as_of, &opts);
    let mut compute_times = Vec::new();
    for _ in 0..a.runs.max(1) {
        drop(out);
        let t = Instant::now();
        out = analytics::compute(p, checked.as_of, &opts);
        compute_times.push(t.elapsed());
    }
    let check = median(check_times);
    let compute = median(compute_times);
    println!(
        "{}: {} deals, {} accounts, {} targets; {} risks, {} forecast rows",
        a.dir.display(),
        p.deals.len(),
        p.accounts.len(),
        p.targets.len(),
        out.risks.len(),
        out.forecast.len()
    );
    println!(
        "load + check  median of {:>2}: {:>10}",
        a.check_runs.max(1),
        ms(check)
    );
    println!(
        "compute       median of {:>2}: {:>10}",
        a.runs.max(1),
        ms(compute)
    );
    println!(
        "compute / check: {:.1}% (goal: under 10%)",
        compute.as_secs_f64() / check.as_secs_f64() * 100.0
    );
    if a.breakdown {
        println!("breakdown (one run):");
        breakdown(p, checked.as_of);
    }
}
