//! `dealbook diff`: what a change does to the business, for the reviewer of
//! a pull request. Two sides (git revisions, plain folders, or the working
//! tree) are loaded and checked for the same `as_of`, their analytics are
//! computed, and [`compare()`] puts them side by side: the open-pipeline
//! waterfall per period ([`waterfall`]), the forecast delta
//! ([`forecast`]), the deal changes grouped by kind ([`mod@compare`]), the
//! risk signals introduced and cleared ([`risks`]; both sides judged by
//! B's `[rules.signals]`) and B's diagnostics ([`validation`]).
//! [`markdown`] and [`json`] render the result.
//!
//! Reading a revision never touches the working tree or the index: see
//! [`git`] and [`revision`].

pub mod compare;
pub mod forecast;
pub mod git;
pub mod json;
pub mod markdown;
pub mod revision;
pub mod risks;
pub mod validation;
pub mod waterfall;

use crate::analytics::{self, Analytics};
use crate::money::Money;
use crate::period::Period;
use crate::{Checked, finish};
use compare::{ChangeKind, DealDelta, FileChanges};
use jiff::civil::Date;
use revision::{RepoCache, SideError, SideInfo, Spec};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Version of the JSON document (`docs/diff-json.md`).
pub const DIFF_VERSION: u32 = 1;

/// What to compare.
#[derive(Debug, Clone)]
pub struct Request {
    /// Side A: a git revision or a folder.
    pub a: String,
    /// Side B; the working tree (`dir`) when none.
    pub b: Option<String>,
    /// The pipeline folder in the working tree; a revision is read from
    /// the same path inside the repository.
    pub dir: PathBuf,
    /// Focus period (the current quarter otherwise).
    pub period: Option<Period>,
    /// Compare as of this date.
    pub as_of: Option<Date>,
    /// Today, when nothing else fixes the date.
    pub today: Date,
}

/// Everything the diff found.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Document version, [`DIFF_VERSION`].
    pub version: u32,
    /// Side A.
    pub a: SideInfo,
    /// Side B.
    pub b: SideInfo,
    /// The date both sides are computed for.
    pub as_of: Date,
    /// Reporting currency (B's).
    pub currency: String,
    /// Focus period of the headline.
    pub period: Period,
    /// B has no errors.
    pub valid: bool,
    /// Counts for the headline.
    pub summary: Summary,
    /// The open-pipeline waterfalls.
    pub waterfall: Waterfalls,
    /// Forecast rows before and after.
    pub forecast: Vec<forecast::ForecastDelta>,
    /// Changed deals, by id.
    pub deals: Vec<DealDelta>,
    /// Risk signals introduced and cleared.
    pub risks: risks::RiskChanges,
    /// Settings, team, account and target files that changed.
    pub files: FileChanges,
    /// B's diagnostics.
    pub diagnostics: Vec<validation::Finding>,
}

/// The waterfall of the whole open pipeline and of each period.
#[derive(Debug, Clone, Serialize)]
pub struct Waterfalls {
    /// All open deals, whatever their close.
    pub pipeline: waterfall::Waterfall,
    /// Per period, in the order of the forecast.
    pub periods: Vec<waterfall::Waterfall>,
}

/// Counts for the headline.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Deals per kind of change (kinds with none are left out).
    pub changes: BTreeMap<ChangeKind, usize>,
    /// Deals that changed at all.
    pub deals_changed: usize,
    /// Amount of the deals that became won (at B).
    pub won_amount: Money,
    /// Amount of the deals that became lost (at A).
    pub lost_amount: Money,
    /// Risk signals introduced.
    pub risks_introduced: usize,
    /// Risk signals cleared (fixed + gone).
    pub risks_cleared: usize,
    /// Of those, the ones fixed on a deal still open at B.
    pub risks_fixed: usize,
    /// Of those, the ones gone with their deal: won, lost or removed.
    pub risks_gone: usize,
    /// Errors at B.
    pub errors: usize,
    /// Warnings at B.
    pub warnings: usize,
    /// Diagnostics at B that A did not have.
    pub new_diagnostics: usize,
}

impl Summary {
    /// Deals with a change of this kind.
    pub fn count(&self, k: ChangeKind) -> usize {
        self.changes.get(&k).copied().unwrap_or(0)
    }
}

/// Why the diff could not run (exit status 2).
pub type Error = SideError;

/// Loads both sides, checks them for one date and compares them.
///
/// The date is `--as-of`, else B's `as_of` setting, else A's, else today:
/// both sides are judged on the same day, so the diff shows the change and
/// not the passing of time.
pub fn run(req: &Request) -> Result<Diff, Error> {
    let mut repos = RepoCache::new(&req.dir);
    let spec_a = revision::resolve(&req.a, &mut repos)?;
    let spec_b = match &req.b {
        Some(b) => revision::resolve(b, &mut repos)?,
        None => Spec::Folder {
            path: req.dir.clone(),
            worktree: true,
        },
    };
    // Both sides at once: one side's git process streams blobs while the
    // other side parses. Plain threads, not `rayon::join`: the folder
    // loader blocks its thread while the pool parses, which must not be a
    // pool thread.
    let repo = repos.get().ok();
    let (side_a, side_b) = std::thread::scope(|s| {
        let a = s.spawn(|| revision::load_side(&spec_a, &req.dir, repo, true));
        let b = revision::load_side(&spec_b, &req.dir, repo, false);
        (a.join().expect("loading side A panicked"), b)
    });
    let (mut info_a, mut loaded_a) = side_a?;
    let (mut info_b, loaded_b) = side_b?;
    // Both sides are judged by B's risk signal switches: a signal B
    // switches off appears nowhere in the diff (not as every risk it
    // raised at A, cleared), and one B switches on shows only the risks
    // the change makes. Each side still reports its own switches.
    let signals = loaded_b.pipeline.settings.rules.signals;
    info_a.signals_off = loaded_a.pipeline.settings.rules.signals.off().collect();
    info_b.signals_off = signals.off().collect();
    loaded_a.pipeline.settings.rules.signals = signals;
    let setting = |l: &crate::load::Loaded| l.pipeline.settings.org.as_of.as_ref().map(|d| d.value);
    let as_of = req
        .as_of
        .or_else(|| setting(&loaded_b))
        .or_else(|| setting(&loaded_a))
        .unwrap_or(req.today);
    let mut a = finish(loaded_a, Some(as_of), req.today);
    if info_a.missing {
        // No pipeline at A: not "a pipeline with a missing settings file".
        a.diagnostics.clear();
    }
    let b = finish(loaded_b, Some(as_of), req.today);
    Ok(compare(info_a, &a, info_b, &b, req.period))
}

/// The analytics options the diff computes each side with: the focus
/// period, plus the quarter and year of every close date of a changed deal
/// (so a deal pushed into next year shows there).
pub fn options(
    focus: Period,
    deals: &[DealDelta],
    cal: &crate::period::Calendar,
) -> analytics::Options {
    let mut periods = vec![focus];
    for d in deals {
        for v in d.before.iter().chain(&d.after) {
            if let Some(c) = v.close {
                periods.push(cal.quarter_of(c));
                periods.push(cal.year_of(c));
            }
        }
    }
    periods.sort();
    periods.dedup();
    analytics::Options {
        periods,
        period: Some(focus),
        focus: None,
    }
}

/// Compares two checked pipelines (both checked for the same `as_of`).
pub fn compare(
    mut info_a: SideInfo,
    a: &Checked,
    mut info_b: SideInfo,
    b: &Checked,
    period: Option<Period>,
) -> Diff {
    let as_of = b.as_of;
    let cal_a = a.pipeline.settings.calendar();
    let cal_b = b.pipeline.settings.calendar();
    let focus = period.unwrap_or_else(|| cal_b.quarter_of(as_of));
    let (va, vb) = rayon::join(|| compare::views(a), || compare::views(b));
    let pairs = compare::pair(&va, &vb);
    let deals = compare::deltas(&pairs);
    let opts = options(focus, &deals, &cal_b);
    let (an_a, an_b): (Analytics, Analytics) = rayon::join(
        || analytics::compute(&a.pipeline, as_of, &opts),
        || analytics::compute(&b.pipeline, as_of, &opts),
    );
    let periods = forecast::periods(&an_a, &an_b, &cal_b);
    let (whole, per_period) = waterfall::waterfalls(&pairs, &periods, &cal_a, &cal_b);
    let forecast = forecast::deltas(&an_a, &an_b, &periods);
    let risks = risks::compare(&an_a, &a.pipeline, &an_b, &b.pipeline);
    let diagnostics = validation::findings(a, b);
    let files = compare::other_files(a, b);
    for (info, c) in [(&mut info_a, a), (&mut info_b, b)] {
        let (e, w) = counts(c);
        info.files = c.file_count();
        info.errors = e;
        info.warnings = w;
    }
    let mut summary = Summary {
        deals_changed: deals.len(),
        risks_introduced: risks.introduced.len(),
        risks_cleared: risks.cleared.len(),
        risks_fixed: risks.cleared.iter().filter(|c| !c.why.gone()).count(),
        risks_gone: risks.cleared.iter().filter(|c| c.why.gone()).count(),
        errors: info_b.errors,
        warnings: info_b.warnings,
        new_diagnostics: diagnostics.iter().filter(|f| f.new).count(),
        ..Summary::default()
    };
    for d in &deals {
        for k in &d.changes {
            *summary.changes.entry(*k).or_default() += 1;
        }
        if d.has(ChangeKind::Won) {
            summary.won_amount += d.after.as_ref().and_then(|v| v.amount).unwrap_or_default();
        }
        if d.has(ChangeKind::Lost) {
            summary.lost_amount += d.before.as_ref().and_then(|v| v.amount).unwrap_or_default();
        }
    }
    Diff {
        version: DIFF_VERSION,
        a: info_a,
        b: info_b,
        as_of,
        currency: b.pipeline.settings.org.currency.value.clone(),
        period: focus,
        valid: !b.has_errors(),
        summary,
        waterfall: Waterfalls {
            pipeline: whole,
            periods: per_period,
        },
        forecast,
        deals,
        risks,
        files,
        diagnostics,
    }
}

/// Errors and warnings of a side (notes are advice, not findings).
fn counts(c: &Checked) -> (usize, usize) {
    let s = crate::diag_out::Summary::of(&c.diagnostics, 0);
    (s.errors, s.warnings)
}
