//! Win/loss and competition: why deals are lost and to whom, and how long
//! decisions take. For each period (fiscal years and quarters of the
//! horizon, and the focus period) and each reported scope (organisation,
//! teams, people), from the deals closing in the period:
//!
//! - per competitor named in `competitors`: open deals (closing in the
//!   period) and their amount, won and lost against it, the win rate
//!   against it and the amount lost to it;
//! - lost reasons: deals and amount per reason;
//! - stage timing from the histories of won and lost deals: days spent in
//!   each open stage, days from `created` to the first entry into it, and
//!   the decision time (first entry into the last open stage the deal was
//!   in → `close`), of won and of lost deals; deals without history are
//!   counted apart.
//!
//! Competitors and reasons are grouped by their normalised text (trimmed,
//! runs of spaces made one, case-folded) and shown as first written: the
//! spelling on the deal that closes first (then the smallest deal id).
//! The trend by quarter is the rows of the quarters. Pure, like every
//! family: a function of the facts and `as_of`.

use super::ScopeRef;
use super::facts::{Facts, ScopeKey, Status};
use super::forecast::reported_scopes;
use crate::money::{Money, Ratio, mean_days, median_days};
use crate::period::{Grain, Period};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Win/loss of one period and scope.
#[derive(Debug, Clone, Serialize)]
pub struct WinLoss {
    /// Period.
    pub period: Period,
    /// Who.
    pub scope: ScopeRef,
    /// Deals won closing in the period.
    pub won: usize,
    /// Deals lost closing in the period.
    pub lost: usize,
    /// Their amounts.
    pub won_amount: Money,
    /// Amount lost.
    pub lost_amount: Money,
    /// won ÷ (won + lost), by count.
    pub win_rate: Option<Ratio>,
    /// Open deals closing in the period.
    pub open_deals: usize,
    /// Their amount.
    pub open_amount: Money,
    /// Per competitor: the most deals faced first.
    pub competitors: Vec<Competitor>,
    /// Per lost reason: the most deals first.
    pub lost_reasons: Vec<Reason>,
    /// Per open stage, in stage order: time spent, from won and lost deals
    /// with history.
    pub stages: Vec<StageTime>,
    /// Decision time of won deals with history.
    pub decision_won: Days,
    /// Decision time of lost deals with history.
    pub decision_lost: Days,
    /// Won and lost deals closing in the period without history: left out
    /// of the stage timing and the decision time.
    pub without_history: usize,
}

/// The figures against one competitor.
#[derive(Debug, Clone, Serialize)]
pub struct Competitor {
    /// Name, as first written.
    pub competitor: String,
    /// Open deals closing in the period that name it.
    pub open_deals: usize,
    /// Their amount.
    pub open_amount: Money,
    /// Won deals that named it.
    pub won: usize,
    /// Lost deals that named it.
    pub lost: usize,
    /// won ÷ (won + lost).
    pub win_rate: Option<Ratio>,
    /// Amount won against it.
    pub won_amount: Money,
    /// Amount lost to it.
    pub lost_amount: Money,
}

/// Lost deals of one reason.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// The reason, as first written.
    pub reason: String,
    /// Lost deals giving it.
    pub deals: usize,
    /// Their amount.
    pub amount: Money,
}

/// Time in one open stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageTime {
    /// Stage id.
    pub stage: String,
    /// Stage name.
    pub name: String,
    /// Closed deals whose history shows them in the stage.
    pub deals: usize,
    /// Mean days spent in it (all visits of a deal added up).
    pub mean_days: Option<Decimal>,
    /// Median of the same.
    pub median_days: Option<Decimal>,
    /// Mean days from `created` to the first entry into the stage.
    pub from_created_mean_days: Option<Decimal>,
    /// Median of the same.
    pub from_created_median_days: Option<Decimal>,
}

/// A number of days over some deals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Days {
    /// Deals measured.
    pub deals: usize,
    /// Mean, one decimal place.
    pub mean_days: Option<Decimal>,
    /// Median, one decimal place.
    pub median_days: Option<Decimal>,
}

impl Days {
    fn of(days: &[i64]) -> Days {
        Days {
            deals: days.len(),
            mean_days: mean_days(days),
            median_days: median_days(days),
        }
    }
}

/// What win/loss needs of one deal with a close date.
struct Rec {
    status: Status,
    amount: Money,
    close: Date,
    /// Competitor keys, without duplicates.
    competitors: Vec<usize>,
    /// Lost reason key (lost deals).
    reason: Option<usize>,
    /// Whether the deal has a history.
    history: bool,
    /// (open stage, days spent in it), each stage once.
    stays: Vec<(usize, i64)>,
    /// (open stage, days from created to its first entry).
    reached: Vec<(usize, i64)>,
    /// First entry into the last open stage → close.
    decision: Option<i64>,
}

/// Normalised text: trimmed, runs of white space made one space,
/// case-folded. Two spellings that differ only so are one group.
pub fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Groups of texts by normalised key, each shown as first written.
#[derive(Default)]
struct Names {
    ix: HashMap<String, usize>,
    shown: Vec<String>,
}

impl Names {
    fn key(&mut self, written: &str) -> Option<usize> {
        let k = normalise(written);
        if k.is_empty() {
            return None;
        }
        let next = self.shown.len();
        let ix = *self.ix.entry(k).or_insert(next);
        if ix == next {
            self.shown.push(written.trim().to_string());
        }
        Some(ix)
    }
}

/// Stage times of a closed deal from its history (oldest first).
fn timing(f: &Facts<'_>, d: &crate::model::Deal, close: Date) -> Rec {
    let stages = &f.p.settings.stages;
    let open = |ix: usize| stages.get(ix).is_some_and(|s| s.is_open());
    let h: Vec<(Date, usize)> = d
        .history
        .iter()
        .filter_map(|e| e.stage_ix.map(|s| (e.date.value, s)))
        .collect();
    let mut stays: Vec<(usize, i64)> = Vec::new();
    let mut reached: Vec<(usize, i64)> = Vec::new();
    for (k, &(date, s)) in h.iter().enumerate() {
        if !open(s) {
            continue;
        }
        let until = h.get(k + 1).map_or(close, |n| n.0);
        let days = Facts::days(date, until).max(0);
        match stays.iter_mut().find(|(x, _)| *x == s) {
            Some((_, d)) => *d += days,
            None => stays.push((s, days)),
        }
        if !reached.iter().any(|(x, _)| *x == s) {
            reached.push((s, Facts::days(d.created.value, date).max(0)));
        }
    }
    let decision = h.iter().rev().find(|(_, s)| open(*s)).map(|&(_, last)| {
        let first = h.iter().find(|(_, s)| *s == last).map_or(close, |e| e.0);
        Facts::days(first, close).max(0)
    });
    Rec {
        status: Status::Open,
        amount: Money::ZERO,
        close,
        competitors: Vec::new(),
        reason: None,
        history: !h.is_empty(),
        stays,
        reached,
        decision,
    }
}

/// Win/loss for each period (years and quarters of `periods`, and
/// `focus`) and each reported scope: periods in the given order, within a
/// period the scopes in the order of the forecast rows.
pub fn winloss(f: &Facts<'_>, periods: &[Period], focus: Period) -> Vec<WinLoss> {
    let p = f.p;
    let periods: Vec<Period> = periods
        .iter()
        .copied()
        .filter(|x| x.grain() != Grain::Month || *x == focus)
        .collect();
    let wanted: HashSet<Period> = periods.iter().copied().collect();
    // The deals with a close, the one that closes first first, so that
    // each name is shown as first written.
    let mut order: Vec<usize> = (0..f.deals.len())
        .filter(|&k| f.deals[k].close.is_some())
        .collect();
    order.sort_by_key(|&k| (f.deals[k].close, f.deals[k].ix));
    let (mut competitors, mut reasons) = (Names::default(), Names::default());
    let mut recs: Vec<Rec> = Vec::with_capacity(order.len());
    // (period, owner) → records.
    let mut by: HashMap<(Period, Option<usize>), Vec<usize>> = HashMap::new();
    for &k in &order {
        let df = &f.deals[k];
        let d = &p.deals[df.ix];
        let close = df.close.expect("filtered on a close");
        let mut rec = if df.status == Status::Open {
            timing_none(close)
        } else {
            timing(f, d, close)
        };
        rec.status = df.status;
        rec.amount = df.amount;
        for c in &d.competitors {
            if let Some(c) = competitors.key(c)
                && !rec.competitors.contains(&c)
            {
                rec.competitors.push(c);
            }
        }
        if df.status == Status::Lost {
            rec.reason = d.lost_reason.as_deref().and_then(|r| reasons.key(r));
        }
        let at = recs.len();
        recs.push(rec);
        for per in f.periods_of(close) {
            if wanted.contains(&per) {
                by.entry((per, df.owner)).or_default().push(at);
            }
        }
    }
    let scopes = reported_scopes(f);
    let mut out = Vec::with_capacity(periods.len() * scopes.len());
    for &period in &periods {
        for &scope in &scopes {
            let mut ix: Vec<usize> = Vec::new();
            for ((per, owner), list) in &by {
                let team = owner.and_then(|o| f.person_team[o]);
                if *per == period && scope.covers(*owner, team) {
                    ix.extend_from_slice(list);
                }
            }
            ix.sort_unstable();
            out.push(row(f, period, scope, &recs, &ix, &competitors, &reasons));
        }
    }
    out
}

/// The record of an open deal: no timing.
fn timing_none(close: Date) -> Rec {
    Rec {
        status: Status::Open,
        amount: Money::ZERO,
        close,
        competitors: Vec::new(),
        reason: None,
        history: false,
        stays: Vec::new(),
        reached: Vec::new(),
        decision: None,
    }
}

#[derive(Default)]
struct Against {
    open: usize,
    open_amount: Money,
    won: usize,
    won_amount: Money,
    lost: usize,
    lost_amount: Money,
}

/// One row from the records `ix` (positions in `recs`).
fn row(
    f: &Facts<'_>,
    period: Period,
    scope: ScopeKey,
    recs: &[Rec],
    ix: &[usize],
    competitors: &Names,
    reasons: &Names,
) -> WinLoss {
    let stages = &f.p.settings.stages;
    let mut w = WinLoss {
        period,
        scope: f.scope_ref(scope),
        won: 0,
        lost: 0,
        won_amount: Money::ZERO,
        lost_amount: Money::ZERO,
        win_rate: None,
        open_deals: 0,
        open_amount: Money::ZERO,
        competitors: Vec::new(),
        lost_reasons: Vec::new(),
        stages: Vec::new(),
        decision_won: Days::default(),
        decision_lost: Days::default(),
        without_history: 0,
    };
    let mut against: HashMap<usize, Against> = HashMap::new();
    let mut why: HashMap<usize, (usize, Money)> = HashMap::new();
    let mut stays: HashMap<usize, Vec<i64>> = HashMap::new();
    let mut reached: HashMap<usize, Vec<i64>> = HashMap::new();
    let (mut dec_won, mut dec_lost) = (Vec::new(), Vec::new());
    for r in ix.iter().map(|&k| &recs[k]) {
        debug_assert!(f.cal.contains(period, r.close));
        for &c in &r.competitors {
            let a = against.entry(c).or_default();
            match r.status {
                Status::Open => {
                    a.open += 1;
                    a.open_amount += r.amount;
                }
                Status::Won => {
                    a.won += 1;
                    a.won_amount += r.amount;
                }
                Status::Lost => {
                    a.lost += 1;
                    a.lost_amount += r.amount;
                }
            }
        }
        match r.status {
            Status::Open => {
                w.open_deals += 1;
                w.open_amount += r.amount;
                continue;
            }
            Status::Won => {
                w.won += 1;
                w.won_amount += r.amount;
            }
            Status::Lost => {
                w.lost += 1;
                w.lost_amount += r.amount;
                if let Some(reason) = r.reason {
                    let e = why.entry(reason).or_insert((0, Money::ZERO));
                    e.0 += 1;
                    e.1 += r.amount;
                }
            }
        }
        if !r.history {
            w.without_history += 1;
            continue;
        }
        for &(s, d) in &r.stays {
            stays.entry(s).or_default().push(d);
        }
        for &(s, d) in &r.reached {
            reached.entry(s).or_default().push(d);
        }
        if let Some(d) = r.decision {
            if r.status == Status::Won {
                dec_won.push(d);
            } else {
                dec_lost.push(d);
            }
        }
    }
    w.win_rate = Ratio::of_counts(w.won, w.won + w.lost);
    let mut list: Vec<(usize, Against)> = against.into_iter().collect();
    list.sort_by(|(x, a), (y, b)| {
        (b.open + b.won + b.lost)
            .cmp(&(a.open + a.won + a.lost))
            .then(b.lost_amount.cmp(&a.lost_amount))
            .then_with(|| normalise(&competitors.shown[*x]).cmp(&normalise(&competitors.shown[*y])))
    });
    w.competitors = list
        .into_iter()
        .map(|(c, a)| Competitor {
            competitor: competitors.shown[c].clone(),
            open_deals: a.open,
            open_amount: a.open_amount,
            won: a.won,
            lost: a.lost,
            win_rate: Ratio::of_counts(a.won, a.won + a.lost),
            won_amount: a.won_amount,
            lost_amount: a.lost_amount,
        })
        .collect();
    let mut list: Vec<(usize, (usize, Money))> = why.into_iter().collect();
    list.sort_by(|(x, a), (y, b)| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| normalise(&reasons.shown[*x]).cmp(&normalise(&reasons.shown[*y])))
    });
    w.lost_reasons = list
        .into_iter()
        .map(|(r, (deals, amount))| Reason {
            reason: reasons.shown[r].clone(),
            deals,
            amount,
        })
        .collect();
    w.stages = f
        .open_stages
        .iter()
        .map(|&s| {
            let days = stays.get(&s).map(Vec::as_slice).unwrap_or(&[]);
            let from = reached.get(&s).map(Vec::as_slice).unwrap_or(&[]);
            StageTime {
                stage: stages[s].id.value.to_string(),
                name: stages[s].name.clone(),
                deals: days.len(),
                mean_days: mean_days(days),
                median_days: median_days(days),
                from_created_mean_days: mean_days(from),
                from_created_median_days: median_days(from),
            }
        })
        .collect();
    w.decision_won = Days::of(&dec_won);
    w.decision_lost = Days::of(&dec_lost);
    w
}
