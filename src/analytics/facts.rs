//! Per-deal facts every family needs: status, amount in the reporting
//! currency (rounded to the cent once), effective probability and forecast
//! category, weighted amount, owner and team. Deals whose stage, currency
//! or required fields do not resolve (only possible when the pipeline has
//! errors) are left out of the numbers.

use super::ScopeKind;
use super::ScopeRef;
use crate::model::{Category, Pipeline};
use crate::money::Money;
use crate::period::{Calendar, Period};
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

/// Where a deal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In an open stage.
    Open,
    /// In a won stage.
    Won,
    /// In a lost stage.
    Lost,
}

/// A deal's forecast category as shown and exported: its open category,
/// or closed-won / closed-lost once it is closed (a closed deal is not in
/// any open category and has no probability or weighted amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DealCategory {
    /// Open, possible.
    Pipeline,
    /// Open, likely.
    BestCase,
    /// Open, committed by the rep.
    Commit,
    /// Won.
    ClosedWon,
    /// Lost.
    ClosedLost,
}

impl DealCategory {
    /// The category of a deal with `status` and effective open category
    /// `open`.
    pub fn of(status: Status, open: Category) -> DealCategory {
        match (status, open) {
            (Status::Won, _) => DealCategory::ClosedWon,
            (Status::Lost, _) => DealCategory::ClosedLost,
            (Status::Open, Category::Pipeline) => DealCategory::Pipeline,
            (Status::Open, Category::BestCase) => DealCategory::BestCase,
            (Status::Open, Category::Commit) => DealCategory::Commit,
        }
    }

    /// The name in JSON and CSV: `pipeline`, …, `closed_won`, `closed_lost`.
    pub fn as_str(self) -> &'static str {
        match self {
            DealCategory::Pipeline => "pipeline",
            DealCategory::BestCase => "best_case",
            DealCategory::Commit => "commit",
            DealCategory::ClosedWon => "closed_won",
            DealCategory::ClosedLost => "closed_lost",
        }
    }
}

impl std::fmt::Display for DealCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the numbers know about one deal.
#[derive(Debug, Clone)]
pub struct DealFact {
    /// Position in [`Pipeline::deals`].
    pub ix: usize,
    /// Open, won or lost.
    pub status: Status,
    /// Position of the stage.
    pub stage: usize,
    /// Amount in the reporting currency, to the cent.
    pub amount: Money,
    /// Effective probability (override or stage default; 1 won, 0 lost,
    /// so that the sums need no case; never shown for a closed deal).
    pub probability: Decimal,
    /// Effective forecast category (of the stage or the override; only
    /// open deals are in one).
    pub category: Category,
    /// amount × probability, to the cent.
    pub weighted: Money,
    /// Expected or actual close.
    pub close: Option<Date>,
    /// Opened on.
    pub created: Date,
    /// When it entered its current stage: the date of the last history
    /// entry, else `created`.
    pub entered: Date,
    /// Position of the owner in [`Pipeline::people`].
    pub owner: Option<usize>,
    /// Position of the owner's team.
    pub team: Option<usize>,
    /// Position of the account.
    pub account: Option<usize>,
}

/// A scope to accumulate figures by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKey {
    /// Everything.
    Org,
    /// A team, by position.
    Team(usize),
    /// A person, by position.
    Person(usize),
}

impl ScopeKey {
    /// Whether what a person owns counts for this scope, given the owner's
    /// position and their team's.
    pub fn covers(self, owner: Option<usize>, team: Option<usize>) -> bool {
        match self {
            ScopeKey::Org => true,
            ScopeKey::Team(t) => team == Some(t),
            ScopeKey::Person(p) => owner == Some(p),
        }
    }
}

/// The pipeline with its per-deal facts and the calendar.
pub struct Facts<'p> {
    /// The pipeline.
    pub p: &'p Pipeline,
    /// The date the numbers are for.
    pub as_of: Date,
    /// The fiscal calendar.
    pub cal: Calendar,
    /// Usable deals, in id order.
    pub deals: Vec<DealFact>,
    /// Positions of the open stages, in order.
    pub open_stages: Vec<usize>,
    /// Team position of each person.
    pub person_team: Vec<Option<usize>>,
}

impl<'p> Facts<'p> {
    /// Works out the facts of every usable deal.
    pub fn new(p: &'p Pipeline, as_of: Date) -> Facts<'p> {
        let stages = &p.settings.stages;
        let person_team: Vec<Option<usize>> = p
            .people
            .iter()
            .map(|x| {
                x.team
                    .as_ref()
                    .and_then(|t| p.index.teams.get(t.value.as_str()).copied())
            })
            .collect();
        // In batches on every core: reading 100k deals scattered over the
        // heap is mostly waiting for memory.
        let fact = |(ix, d): (usize, &crate::model::Deal)| {
            let stage_ix = d.refs.stage?;
            let rate = d.refs.rate?;
            if !d.complete {
                return None;
            }
            let stage = &stages[stage_ix];
            let status = match stage.outcome {
                None => Status::Open,
                Some(crate::model::Outcome::Won) => Status::Won,
                Some(crate::model::Outcome::Lost) => Status::Lost,
            };
            let probability = match status {
                Status::Open => d
                    .probability
                    .as_ref()
                    .map(|p| p.value)
                    .unwrap_or(stage.probability),
                Status::Won => Decimal::ONE,
                Status::Lost => Decimal::ZERO,
            };
            let amount = Money::convert(d.amount.value, rate);
            let owner = d.refs.owner;
            Some(DealFact {
                ix,
                status,
                stage: stage_ix,
                amount,
                probability,
                category: d.forecast.unwrap_or(stage.category),
                weighted: amount.weighted(probability),
                close: d.close.as_ref().map(|c| c.value),
                created: d.created.value,
                entered: entered(d),
                owner,
                team: owner.and_then(|o| person_team[o]),
                account: d.refs.account,
            })
        };
        let batches: Vec<Vec<DealFact>> = p
            .deals
            .par_chunks(BATCH)
            .enumerate()
            .map(|(b, chunk)| {
                let first = b * BATCH;
                chunk
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| fact((first + i, d)))
                    .collect()
            })
            .collect();
        let deals = batches.concat();
        let open_stages = stages
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_open())
            .map(|(i, _)| i)
            .collect();
        Facts {
            p,
            as_of,
            cal: p.settings.calendar(),
            deals,
            open_stages,
            person_team,
        }
    }

    /// Whether a deal counts for a scope.
    pub fn in_scope(&self, d: &DealFact, scope: ScopeKey) -> bool {
        scope.covers(d.owner, d.team)
    }

    /// The year, quarter and month containing a date.
    pub fn periods_of(&self, d: Date) -> [Period; 3] {
        [
            self.cal.year_of(d),
            self.cal.quarter_of(d),
            self.cal.month_of(d),
        ]
    }

    /// A scope as shown in output.
    pub fn scope_ref(&self, s: ScopeKey) -> ScopeRef {
        match s {
            ScopeKey::Org => ScopeRef {
                kind: ScopeKind::Org,
                id: None,
                name: self.p.settings.org.name.clone(),
            },
            ScopeKey::Team(i) => ScopeRef {
                kind: ScopeKind::Team,
                id: Some(self.p.teams[i].id.value.0.clone()),
                name: self.p.teams[i].name.clone(),
            },
            ScopeKey::Person(i) => ScopeRef {
                kind: ScopeKind::Person,
                id: Some(self.p.people[i].id.value.0.clone()),
                name: self.p.people[i].name.clone(),
            },
        }
    }

    /// Days from `a` to `b` (negative when `b` is earlier).
    pub fn days(a: Date, b: Date) -> i64 {
        (b - a).get_days() as i64
    }
}

/// When a deal entered its current stage: the first of the history
/// entries at the end that name that stage (an entry that only records a
/// new expected close, as `dealbook deal push` writes, repeats the stage
/// and does not restart the clock), or `created` without history.
pub fn entered(d: &crate::model::Deal) -> Date {
    let h = &d.history;
    let Some(last) = h.last() else {
        return d.created.value;
    };
    let mut i = h.len() - 1;
    while i > 0 && h[i - 1].stage.value == last.stage.value {
        i -= 1;
    }
    h[i].date.value
}

/// Days a deal has been in its current stage as of `as_of`: since it
/// entered it ([`entered`]).
pub fn days_in_stage(f: &Facts<'_>, d: &DealFact) -> i64 {
    Facts::days(d.entered, f.as_of)
}

/// Deals per batch of the parallel passes: large enough that a batch is
/// worth a task, small enough that both cores get several.
pub const BATCH: usize = 2048;

/// The first won deal of each account, by position in
/// [`Pipeline::accounts`], with its close: the earliest close, then the
/// smallest deal id. It makes the account a new account in the periods of
/// that close.
pub fn first_wins<'f>(f: &'f Facts<'_>) -> Vec<Option<(Date, &'f DealFact)>> {
    let mut first: Vec<Option<(Date, &DealFact)>> = vec![None; f.p.accounts.len()];
    for d in f.deals.iter().filter(|d| d.status == Status::Won) {
        let (Some(a), Some(close)) = (d.account, d.close) else {
            continue;
        };
        let id = |x: &DealFact| &f.p.deals[x.ix].id;
        match &mut first[a] {
            Some((c, e)) if (*c, id(e)) <= (close, id(d)) => {}
            slot => *slot = Some((close, d)),
        }
    }
    first
}
