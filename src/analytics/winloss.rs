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
use crate::ix::{DealIx, IxVec, PersonIx, StageIx, TeamIx};
use crate::money::{Money, Ratio, median_days, round};
use crate::period::{Grain, Period};
use jiff::civil::Date;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::HashMap;

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

/// Whole days, kept as a histogram: sums of many deals merge cheaply (a
/// year holds a value per closed deal; the distinct values are few), and
/// the median is read off the counts.
#[derive(Debug, Clone, Default)]
struct Hist {
    counts: FxHashMap<i64, u64>,
    n: u64,
    sum: i64,
}

impl Hist {
    fn push(&mut self, d: i64) {
        *self.counts.entry(d).or_default() += 1;
        self.n += 1;
        self.sum += d;
    }

    fn absorb(&mut self, o: &Hist) {
        for (d, c) in &o.counts {
            *self.counts.entry(*d).or_default() += c;
        }
        self.n += o.n;
        self.sum += o.sum;
    }

    /// The `k`-th smallest value (0-based) of the values sorted with
    /// their counts.
    fn nth(sorted: &[(i64, u64)], k: u64) -> i64 {
        let mut seen = 0;
        for (d, c) in sorted {
            seen += c;
            if seen > k {
                return *d;
            }
        }
        unreachable!("k < n")
    }

    /// Count, mean and median (one decimal place) of the values.
    fn days(&self) -> Days {
        let n = self.n;
        let (mean, median) = if n == 0 {
            (None, None)
        } else {
            let mean = round(Decimal::from(self.sum) / Decimal::from(n), 1);
            let mut sorted: Vec<(i64, u64)> = self.counts.iter().map(|(d, c)| (*d, *c)).collect();
            sorted.sort_unstable();
            let middle = if n % 2 == 1 {
                vec![Hist::nth(&sorted, n / 2)]
            } else {
                vec![Hist::nth(&sorted, n / 2 - 1), Hist::nth(&sorted, n / 2)]
            };
            (Some(with_one_place(mean)), median_days(&middle))
        };
        Days {
            deals: n as usize,
            mean_days: mean,
            median_days: median,
        }
    }
}

fn with_one_place(mut d: Decimal) -> Decimal {
    d.rescale(1);
    d
}

/// What win/loss needs of one deal with a close date.
struct Rec {
    status: Status,
    amount: Money,
    /// Competitor keys, without duplicates.
    competitors: Vec<usize>,
    /// Lost reason key (lost deals).
    reason: Option<usize>,
    /// Whether the deal has a history.
    history: bool,
    /// (open stage, days spent in it), each stage once.
    stays: Vec<(StageIx, i64)>,
    /// (open stage, days from created to its first entry).
    reached: Vec<(StageIx, i64)>,
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
    /// As first written, by key position.
    shown: Vec<String>,
    /// Normalised, by key position (the order of ties).
    keys: Vec<String>,
    /// The (close, deal position) `shown` comes from.
    first: Vec<(Date, DealIx)>,
}

impl Names {
    /// The key of `written`, seen on the deal at position `deal` closing
    /// on `close`: the earliest (close, position) decides how the group is
    /// shown, whatever the order deals come in.
    fn key(&mut self, written: &str, at: (Date, DealIx)) -> Option<usize> {
        let k = normalise(written);
        if k.is_empty() {
            return None;
        }
        if let Some(&ix) = self.ix.get(&k) {
            if at < self.first[ix] {
                self.first[ix] = at;
                self.shown[ix] = written.trim().to_string();
            }
            return Some(ix);
        }
        let ix = self.shown.len();
        self.shown.push(written.trim().to_string());
        self.keys.push(k.clone());
        self.first.push(at);
        self.ix.insert(k, ix);
        Some(ix)
    }
}

/// Stage times of a closed deal from its history (oldest first); an open
/// deal has none.
fn timing(f: &Facts<'_>, d: &crate::model::Deal, close: Date, closed: bool) -> Rec {
    let stages = &f.p.settings.stages;
    let open = |ix: StageIx| stages.get(ix.get()).is_some_and(|s| s.is_open());
    let h: Vec<(Date, StageIx)> = if closed {
        d.history
            .iter()
            .filter_map(|e| e.stage_ix.map(|s| (e.date.value, s)))
            .collect()
    } else {
        Vec::new()
    };
    let mut stays: Vec<(StageIx, i64)> = Vec::new();
    let mut reached: Vec<(StageIx, i64)> = Vec::new();
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
        competitors: Vec::new(),
        reason: None,
        history: !h.is_empty(),
        stays,
        reached,
        decision,
    }
}

/// Deals and amounts by status: of the deals that named a competitor, or
/// of all of a period's.
#[derive(Debug, Clone, Default)]
struct Against {
    open: usize,
    open_amount: Money,
    won: usize,
    won_amount: Money,
    lost: usize,
    lost_amount: Money,
}

impl Against {
    /// Counts one deal.
    fn add(&mut self, status: Status, amount: Money) {
        let (n, m) = match status {
            Status::Open => (&mut self.open, &mut self.open_amount),
            Status::Won => (&mut self.won, &mut self.won_amount),
            Status::Lost => (&mut self.lost, &mut self.lost_amount),
        };
        *n += 1;
        *m += amount;
    }

    fn absorb(&mut self, o: &Against) {
        self.open += o.open;
        self.open_amount += o.open_amount;
        self.won += o.won;
        self.won_amount += o.won_amount;
        self.lost += o.lost;
        self.lost_amount += o.lost_amount;
    }
}

/// The sums of one period for one owner, or merged for a team or the
/// organisation.
#[derive(Debug, Clone, Default)]
struct Acc {
    /// All the deals.
    all: Against,
    without_history: usize,
    against: FxHashMap<usize, Against>,
    why: FxHashMap<usize, (usize, Money)>,
    /// Per stage position.
    stays: IxVec<StageIx, Hist>,
    /// Per stage position.
    reached: IxVec<StageIx, Hist>,
    decision_won: Hist,
    decision_lost: Hist,
}

impl Acc {
    fn add(&mut self, r: &Rec, stages: usize) {
        for &c in &r.competitors {
            self.against.entry(c).or_default().add(r.status, r.amount);
        }
        self.all.add(r.status, r.amount);
        if r.status == Status::Open {
            return;
        }
        if let Some(reason) = r.reason {
            let e = self.why.entry(reason).or_insert((0, Money::ZERO));
            e.0 += 1;
            e.1 += r.amount;
        }
        if !r.history {
            self.without_history += 1;
            return;
        }
        self.stays.resize_with(stages, Hist::default);
        self.reached.resize_with(stages, Hist::default);
        for &(s, d) in &r.stays {
            self.stays[s].push(d);
        }
        for &(s, d) in &r.reached {
            self.reached[s].push(d);
        }
        if let Some(d) = r.decision {
            if r.status == Status::Won {
                self.decision_won.push(d);
            } else {
                self.decision_lost.push(d);
            }
        }
    }

    fn absorb(&mut self, o: &Acc) {
        self.all.absorb(&o.all);
        self.without_history += o.without_history;
        for (c, x) in &o.against {
            self.against.entry(*c).or_default().absorb(x);
        }
        for (r, (n, m)) in &o.why {
            let e = self.why.entry(*r).or_insert((0, Money::ZERO));
            e.0 += n;
            e.1 += *m;
        }
        for (mine, theirs) in [(&mut self.stays, &o.stays), (&mut self.reached, &o.reached)] {
            if mine.len() < theirs.len() {
                mine.resize_with(theirs.len(), Hist::default);
            }
            for (m, t) in mine.iter_mut().zip(theirs.iter()) {
                m.absorb(t);
            }
        }
        self.decision_won.absorb(&o.decision_won);
        self.decision_lost.absorb(&o.decision_lost);
    }
}

/// Win/loss for each period (years and quarters of `periods`, and
/// `focus`) and each reported scope: periods in the given order, within a
/// period the scopes in the order of the forecast rows.
pub fn winloss(f: &Facts<'_>, periods: &[Period], focus: Period) -> Vec<WinLoss> {
    let p = f.p;
    let stages = p.settings.stages.len();
    let periods: Vec<Period> = periods
        .iter()
        .copied()
        .filter(|x| x.grain() != Grain::Month || *x == focus)
        .collect();
    let wanted: FxHashMap<Period, ()> = periods.iter().map(|&x| (x, ())).collect();
    let (mut competitors, mut reasons) = (Names::default(), Names::default());
    // (period, owner) → sums; the deals in the order they are stored (a
    // walk in close order would jump around the heap).
    let mut by: FxHashMap<(Period, Option<PersonIx>), Acc> = FxHashMap::default();
    for df in &f.deals {
        let Some(close) = df.close else { continue };
        let d = &p.deals[df.ix];
        let at = (close, df.ix);
        let mut rec = timing(f, d, close, df.status != Status::Open);
        rec.status = df.status;
        rec.amount = df.amount;
        for c in &d.competitors {
            if let Some(c) = competitors.key(c, at)
                && !rec.competitors.contains(&c)
            {
                rec.competitors.push(c);
            }
        }
        if df.status == Status::Lost {
            rec.reason = d.lost_reason.as_deref().and_then(|r| reasons.key(r, at));
        }
        // Each deal once into its quarter (the years are their quarters
        // added up, below), and into its month when that is wanted.
        let [year, quarter, month] = f.periods_of(close);
        if wanted.contains_key(&quarter) || wanted.contains_key(&year) {
            by.entry((quarter, df.owner)).or_default().add(&rec, stages);
        }
        if wanted.contains_key(&month) {
            by.entry((month, df.owner)).or_default().add(&rec, stages);
        }
    }
    for &year in periods.iter().filter(|x| x.grain() == Grain::Year) {
        let quarters = f.cal.children(year);
        let mut sums: FxHashMap<Option<PersonIx>, Acc> = FxHashMap::default();
        for ((per, owner), a) in &by {
            if quarters.contains(per) {
                sums.entry(*owner).or_default().absorb(a);
            }
        }
        by.extend(sums.into_iter().map(|(owner, a)| ((year, owner), a)));
    }
    let scopes = reported_scopes(f);
    let empty = Acc::default();
    let mut out = Vec::with_capacity(periods.len() * scopes.len());
    for &period in &periods {
        // The teams' and the organisation's sums, from the owners'.
        let mut teams: IxVec<TeamIx, Acc> = IxVec::filled(p.teams.len(), Acc::default());
        let mut org = Acc::default();
        for ((_, owner), a) in by.iter().filter(|((per, _), _)| *per == period) {
            org.absorb(a);
            if let Some(t) = owner.and_then(|o| f.team_of(o)) {
                teams[t].absorb(a);
            }
        }
        for &scope in &scopes {
            let acc = match scope {
                ScopeKey::Org => &org,
                ScopeKey::Team(t) => &teams[t],
                ScopeKey::Person(o) => by.get(&(period, Some(o))).unwrap_or(&empty),
            };
            out.push(row(f, period, scope, acc, (&competitors, &reasons)));
        }
    }
    out
}

/// One row from its sums.
fn row(
    f: &Facts<'_>,
    period: Period,
    scope: ScopeKey,
    a: &Acc,
    (competitors, reasons): (&Names, &Names),
) -> WinLoss {
    let stages = &f.p.settings.stages;
    let mut list: Vec<(&usize, &Against)> = a.against.iter().collect();
    list.sort_by(|(x, p), (y, q)| {
        (q.open + q.won + q.lost)
            .cmp(&(p.open + p.won + p.lost))
            .then(q.lost_amount.cmp(&p.lost_amount))
            .then_with(|| competitors.keys[**x].cmp(&competitors.keys[**y]))
    });
    let competitor_rows = list
        .into_iter()
        .map(|(c, x)| Competitor {
            competitor: competitors.shown[*c].clone(),
            open_deals: x.open,
            open_amount: x.open_amount,
            won: x.won,
            lost: x.lost,
            win_rate: Ratio::of_counts(x.won, x.won + x.lost),
            won_amount: x.won_amount,
            lost_amount: x.lost_amount,
        })
        .collect();
    let mut list: Vec<(&usize, &(usize, Money))> = a.why.iter().collect();
    list.sort_by(|(x, p), (y, q)| {
        q.0.cmp(&p.0)
            .then(q.1.cmp(&p.1))
            .then_with(|| reasons.keys[**x].cmp(&reasons.keys[**y]))
    });
    let reason_rows = list
        .into_iter()
        .map(|(r, (deals, amount))| Reason {
            reason: reasons.shown[*r].clone(),
            deals: *deals,
            amount: *amount,
        })
        .collect();
    let none = Hist::default();
    let stage_rows = f
        .open_stages
        .iter()
        .map(|&s| {
            let days = a.stays.get(s).unwrap_or(&none).days();
            let from = a.reached.get(s).unwrap_or(&none).days();
            StageTime {
                stage: stages[s].id.value.to_string(),
                name: stages[s].name.clone(),
                deals: days.deals,
                mean_days: days.mean_days,
                median_days: days.median_days,
                from_created_mean_days: from.mean_days,
                from_created_median_days: from.median_days,
            }
        })
        .collect();
    let all = &a.all;
    WinLoss {
        period,
        scope: f.scope_ref(scope),
        won: all.won,
        lost: all.lost,
        won_amount: all.won_amount,
        lost_amount: all.lost_amount,
        win_rate: Ratio::of_counts(all.won, all.won + all.lost),
        open_deals: all.open,
        open_amount: all.open_amount,
        competitors: competitor_rows,
        lost_reasons: reason_rows,
        stages: stage_rows,
        decision_won: a.decision_won.days(),
        decision_lost: a.decision_lost.days(),
        without_history: a.without_history,
    }
}
