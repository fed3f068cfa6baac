//! The typed pipeline: settings, stages, team, accounts, deals and targets,
//! with dates as dates, money as exact decimals and ids as newtypes. Fields
//! that a check may need to point at keep their source span ([`Sp`]).
//! References are resolved into indices by [`Pipeline::resolve`]; one that
//! does not resolve stays `None` here and is reported by the checker.

use crate::ids::{AccountId, ContactId, DealId, PersonId, StageId, TeamId};
use crate::ix::{AccountIx, DealIx, PersonIx, StageIx, TeamIx, enumerate};
use crate::period::{Calendar, Period};
use crate::source::{FileId, SourceMap, Sp, Span};
use jiff::civil::Date;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

macro_rules! str_enum {
    ($(#[$doc:meta] $name:ident { $($(#[$vdoc:meta])* $variant:ident = $s:literal),* $(,)? })*) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $s)] $variant,)*
        }

        impl $name {
            /// The spellings allowed in files, in order.
            pub const NAMES: &'static [&'static str] = &[$($s),*];

            /// Every value, in the order declared (the order of [`Self::NAMES`]).
            pub const ALL: &'static [Self] = &[$($name::$variant),*];

            /// Parses a spelling; `None` when it is not one of [`Self::NAMES`].
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }

            /// The spelling used in files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s,)* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

str_enum! {
    /// Forecast category, from least to most certain.
    Category {
        /// Possible.
        Pipeline = "pipeline",
        /// Likely.
        BestCase = "best_case",
        /// Committed by the rep.
        Commit = "commit",
    }
    /// Outcome of a terminal stage.
    Outcome {
        /// The deal was won.
        Won = "won",
        /// The deal was lost.
        Lost = "lost",
    }
    /// Language of the site's labels.
    Locale {
        /// English.
        En = "en",
        /// Simplified Chinese.
        ZhCn = "zh-CN",
    }
    /// Role of a person.
    Role {
        /// Sales rep.
        Sales = "sales",
        /// Sales manager.
        Manager = "manager",
        /// Presales engineer.
        Presales = "presales",
        /// Service / delivery.
        Service = "service",
        /// Anything else.
        Other = "other",
    }
    /// Account tier.
    Tier {
        /// Key account.
        Key = "key",
        /// Growth account.
        Growth = "growth",
        /// Standard account.
        Standard = "standard",
    }
    /// Influence of a contact on decisions.
    Influence {
        /// High.
        High = "high",
        /// Medium.
        Medium = "medium",
        /// Low.
        Low = "low",
    }
    /// Kind of follow-up.
    TouchKind {
        /// On-site visit.
        Visit = "visit",
        /// Phone call.
        Call = "call",
        /// E-mail.
        Email = "email",
        /// Meeting.
        Meeting = "meeting",
        /// Anything else.
        Other = "other",
    }
    /// Buying role of a stakeholder.
    BuyingRole {
        /// Signs off the money.
        EconomicBuyer = "economic_buyer",
        /// Judges the technical fit.
        TechnicalBuyer = "technical_buyer",
        /// Will use it.
        UserBuyer = "user_buyer",
        /// Guides us inside the customer.
        Coach = "coach",
        /// Influences the decision.
        Influencer = "influencer",
    }
    /// Attitude of a stakeholder towards us.
    Attitude {
        /// Sells for us internally.
        Champion = "champion",
        /// Favourable.
        Supporter = "supporter",
        /// Undecided.
        Neutral = "neutral",
        /// Doubtful.
        Skeptic = "skeptic",
        /// Against us.
        Opponent = "opponent",
    }
    /// The day a week ends on (`[history] week_ends`).
    WeekEnd {
        /// Monday.
        Monday = "monday",
        /// Tuesday.
        Tuesday = "tuesday",
        /// Wednesday.
        Wednesday = "wednesday",
        /// Thursday.
        Thursday = "thursday",
        /// Friday.
        Friday = "friday",
        /// Saturday.
        Saturday = "saturday",
        /// Sunday, the end of the ISO week.
        Sunday = "sunday",
    }
    /// What a target measures.
    Metric {
        /// Won revenue, reporting currency.
        Revenue = "revenue",
        /// Accounts whose first won deal closes in the period.
        NewAccounts = "new_accounts",
        /// Won ÷ (won + lost) by count, as 0..=1.
        WinRate = "win_rate",
        /// Mean satisfaction score, 0..=10.
        Satisfaction = "satisfaction",
        /// Won revenue ÷ market size, as 0..=1.
        MarketShare = "market_share",
        /// Amount of deals created in the period.
        PipelineCreated = "pipeline_created",
    }
}

/// `[org]`.
#[derive(Debug, Clone)]
pub struct Org {
    /// Name of the organisation.
    pub name: String,
    /// Reporting currency.
    pub currency: Sp<String>,
    /// Month the fiscal year starts in.
    pub fiscal_year_start: u8,
    /// Language of the site.
    pub locale: Locale,
    /// Date the numbers are computed for, if fixed in the file.
    pub as_of: Option<Sp<Date>>,
}

/// A stage of the sales process.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Slug.
    pub id: Sp<StageId>,
    /// Human name.
    pub name: String,
    /// Default win probability.
    pub probability: Decimal,
    /// Where `probability` was written, if it was.
    pub probability_span: Option<Span>,
    /// Default forecast category.
    pub category: Category,
    /// Days after which a deal in this stage is stale.
    pub max_days: Option<u32>,
    /// Exit criteria: deal fields that must be filled to be in a later stage.
    pub requires: Vec<Sp<String>>,
    /// Terminal outcome, if any.
    pub outcome: Option<Outcome>,
    /// Where the `[[stage]]` header is.
    pub span: Span,
    /// Keys written that mean nothing on an outcome stage.
    pub ignored_keys: Vec<Sp<&'static str>>,
}

impl Stage {
    /// Whether deals in it are still open.
    pub fn is_open(&self) -> bool {
        self.outcome.is_none()
    }
}

/// Follow-up cadence in days per tier.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FollowUp {
    /// Key accounts.
    pub key: u32,
    /// Growth accounts.
    pub growth: u32,
    /// Standard accounts.
    pub standard: u32,
}

/// Thresholds of the risk signals.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Fewer stakeholders make a deal single-threaded.
    pub min_stakeholders: u32,
    /// Amount from which a deal is large.
    pub large_deal: Decimal,
    /// Stage from which a key-account deal needs an economic buyer.
    pub economic_buyer_by: Sp<StageId>,
    /// Stage from which value proof and a champion are expected.
    pub proof_by: Sp<StageId>,
    /// Quarterly decline (percent) that flags a product.
    pub decline_pct: u32,
    /// Follow-up cadence per tier.
    pub follow_up: FollowUp,
    /// Whether `economic_buyer_by` was written (else it is the default).
    pub economic_buyer_by_set: bool,
    /// Whether `proof_by` was written (else it is the default).
    pub proof_by_set: bool,
    /// `[rules.signals]`: the risk signals that are on.
    pub signals: SignalSwitches,
    /// Where `[rules.signals]` is written, else `[rules]` (notes about
    /// the signals point there); none when neither is.
    pub signals_at: Option<Span>,
}

/// The risk signals that are on, as a set of positions in
/// [`crate::spec::SIGNAL_CODES`] (`[rules.signals]`; all on by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalSwitches(u16);

impl SignalSwitches {
    /// Every signal on: the default.
    pub const ALL: SignalSwitches =
        SignalSwitches(((1u32 << crate::spec::SIGNAL_CODES.len()) - 1) as u16);

    /// Whether the signal at position `ix` is on.
    pub fn is_on(self, ix: usize) -> bool {
        self.0 & (1 << ix) != 0
    }

    /// Whether the signal with this code is on (an unknown code is not).
    pub fn code_is_on(self, code: &str) -> bool {
        crate::spec::SIGNAL_CODES
            .iter()
            .position(|c| *c == code)
            .is_some_and(|ix| self.is_on(ix))
    }

    /// Switches the signal at position `ix` on or off.
    pub fn set(&mut self, ix: usize, on: bool) {
        if on {
            self.0 |= 1 << ix;
        } else {
            self.0 &= !(1 << ix);
        }
    }

    /// The codes of the signals that are off, in order.
    pub fn off(self) -> impl Iterator<Item = &'static str> {
        crate::spec::SIGNAL_CODES
            .iter()
            .enumerate()
            .filter(move |(ix, _)| !self.is_on(*ix))
            .map(|(_, c)| *c)
    }
}

/// A market size for a period.
#[derive(Debug, Clone)]
pub struct Market {
    /// The period.
    pub period: Sp<Period>,
    /// Size in the reporting currency.
    pub size: Decimal,
    /// What the market is.
    pub name: Option<String>,
}

/// `dealbook.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The file it was read from.
    pub file: FileId,
    /// `[org]`.
    pub org: Org,
    /// Currency code → rate into the reporting currency.
    pub rates: Vec<(Sp<String>, Sp<Decimal>)>,
    /// Stages, in order.
    pub stages: Vec<Stage>,
    /// Risk thresholds.
    pub rules: Rules,
    /// Market sizes.
    pub markets: Vec<Market>,
    /// The day a week of the history ends on (`[history] week_ends`).
    pub week_ends: WeekEnd,
}

impl WeekEnd {
    /// The day as a `jiff` weekday.
    pub fn weekday(self) -> jiff::civil::Weekday {
        use jiff::civil::Weekday as W;
        match self {
            WeekEnd::Monday => W::Monday,
            WeekEnd::Tuesday => W::Tuesday,
            WeekEnd::Wednesday => W::Wednesday,
            WeekEnd::Thursday => W::Thursday,
            WeekEnd::Friday => W::Friday,
            WeekEnd::Saturday => W::Saturday,
            WeekEnd::Sunday => W::Sunday,
        }
    }
}

impl Settings {
    /// The fiscal calendar.
    pub fn calendar(&self) -> Calendar {
        Calendar::new(self.org.fiscal_year_start)
    }

    /// Rate of a currency into the reporting currency.
    pub fn rate(&self, currency: &str) -> Option<Decimal> {
        if currency == self.org.currency.value {
            return Some(Decimal::ONE);
        }
        self.rates
            .iter()
            .find(|(c, _)| c.value == currency)
            .map(|(_, r)| r.value)
    }
}

/// A team.
#[derive(Debug, Clone)]
pub struct Team {
    /// Slug.
    pub id: Sp<TeamId>,
    /// Human name.
    pub name: String,
    /// The manager.
    pub manager: Option<Sp<PersonId>>,
}

/// A person.
#[derive(Debug, Clone)]
pub struct Person {
    /// Slug.
    pub id: Sp<PersonId>,
    /// Human name.
    pub name: String,
    /// Their team.
    pub team: Option<Sp<TeamId>>,
    /// Their role.
    pub role: Role,
    /// E-mail.
    pub email: Option<String>,
}

/// A contact at a customer.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Slug, unique within the account.
    pub id: Sp<ContactId>,
    /// Human name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Influence on decisions.
    pub influence: Influence,
    /// E-mail.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// A follow-up.
#[derive(Debug, Clone)]
pub struct Touch {
    /// When.
    pub date: Sp<Date>,
    /// Who made it.
    pub by: Sp<PersonId>,
    /// Kind.
    pub kind: TouchKind,
    /// Contact met.
    pub contact: Option<Sp<ContactId>>,
    /// What happened.
    pub note: Option<String>,
}

/// A satisfaction score.
#[derive(Debug, Clone)]
pub struct Survey {
    /// When.
    pub date: Sp<Date>,
    /// Score 0..=10.
    pub score: u8,
    /// Who answered.
    pub contact: Option<Sp<ContactId>>,
    /// Comment.
    pub note: Option<String>,
}

/// An account (customer).
#[derive(Debug, Clone)]
pub struct Account {
    /// Id (file stem).
    pub id: AccountId,
    /// The file.
    pub file: FileId,
    /// Human name.
    pub name: String,
    /// Industry.
    pub industry: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Tier.
    pub tier: Tier,
    /// Owner.
    pub owner: Sp<PersonId>,
    /// Follow-up cadence, if set on the account.
    pub follow_up_days: Option<u32>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Follow-up log.
    pub touches: Vec<Touch>,
    /// Satisfaction scores.
    pub surveys: Vec<Survey>,
    /// Markdown notes.
    pub notes: String,
    /// False when a required field was bad (placeholders fill it; it is
    /// checked but left out of the numbers).
    pub complete: bool,
}

impl Account {
    /// A contact by id.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id.value.as_str() == id)
    }
}

/// A buying role in a deal.
#[derive(Debug, Clone)]
pub struct Stakeholder {
    /// Contact id in the deal's account.
    pub contact: Sp<ContactId>,
    /// Buying role.
    pub role: BuyingRole,
    /// Attitude.
    pub attitude: Attitude,
    /// Comment.
    pub note: Option<String>,
}

/// A member of the deal team.
#[derive(Debug, Clone)]
pub struct Member {
    /// Person id.
    pub person: Sp<PersonId>,
    /// Role on the deal, if given.
    pub role: Option<Role>,
}

/// Where an imported deal comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The system, e.g. "salesforce".
    pub system: String,
    /// The deal's id in that system.
    pub id: String,
}

/// A stage change.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// When the deal entered the stage.
    pub date: Sp<Date>,
    /// The stage.
    pub stage: Sp<StageId>,
    /// Expected close at the time.
    pub close: Option<Sp<Date>>,
    /// Comment.
    pub note: Option<String>,
    /// Resolved stage position.
    pub stage_ix: Option<StageIx>,
}

/// References of a deal resolved against the rest of the pipeline.
#[derive(Debug, Clone, Default)]
pub struct DealRefs {
    /// Position of `stage` in the stage list.
    pub stage: Option<StageIx>,
    /// Position of the account in [`Pipeline::accounts`].
    pub account: Option<AccountIx>,
    /// Position of the owner in [`Pipeline::people`].
    pub owner: Option<PersonIx>,
    /// Rate of the deal's currency into the reporting currency.
    pub rate: Option<Decimal>,
}

/// A deal.
#[derive(Debug, Clone)]
pub struct Deal {
    /// Id (file stem).
    pub id: DealId,
    /// The file.
    pub file: FileId,
    /// Human name.
    pub name: String,
    /// Account.
    pub account: Sp<AccountId>,
    /// Owner.
    pub owner: Sp<PersonId>,
    /// Amount in `currency`.
    pub amount: Sp<Decimal>,
    /// Currency, when not the reporting one.
    pub currency: Option<Sp<String>>,
    /// Current stage.
    pub stage: Sp<StageId>,
    /// Opened on.
    pub created: Sp<Date>,
    /// Expected or actual close.
    pub close: Option<Sp<Date>>,
    /// Probability override.
    pub probability: Option<Sp<Decimal>>,
    /// Forecast category override.
    pub forecast: Option<Category>,
    /// Products.
    pub products: Vec<String>,
    /// Competitors.
    pub competitors: Vec<String>,
    /// Next step.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_date: Option<Sp<Date>>,
    /// Why it was lost.
    pub lost_reason: Option<String>,
    /// Customer pains.
    pub pains: Vec<String>,
    /// How the customer decides.
    pub decision_process: Option<String>,
    /// Evidence of value.
    pub value_proof: Option<String>,
    /// Where it was imported from (`dealbook import`).
    pub source: Option<Source>,
    /// Buying roles.
    pub stakeholders: Vec<Stakeholder>,
    /// Deal team.
    pub members: Vec<Member>,
    /// Stage changes, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Markdown notes.
    pub notes: String,
    /// Resolved references.
    pub refs: DealRefs,
    /// False when a required field was bad (placeholders fill it; it is
    /// checked but left out of the numbers).
    pub complete: bool,
}

impl Deal {
    /// Whether a field named in a stage's `requires` is filled.
    pub fn is_filled(&self, field: &str) -> bool {
        let text = |o: &Option<String>| o.as_ref().is_some_and(|s| !s.trim().is_empty());
        match field {
            "pains" => !self.pains.is_empty(),
            "decision_process" => text(&self.decision_process),
            "value_proof" => text(&self.value_proof),
            "next_step" => text(&self.next_step),
            "next_step_date" => self.next_step_date.is_some(),
            "products" => !self.products.is_empty(),
            "competitors" => !self.competitors.is_empty(),
            "stakeholder" => !self.stakeholders.is_empty(),
            "member" => !self.members.is_empty(),
            "close" => self.close.is_some(),
            "notes" => !self.notes.trim().is_empty(),
            _ => true,
        }
    }

    /// The currency code of the amount.
    pub fn currency_code<'a>(&'a self, settings: &'a Settings) -> &'a str {
        self.currency
            .as_ref()
            .map(|c| c.value.as_str())
            .unwrap_or(settings.org.currency.value.as_str())
    }
}

/// Who a target is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// The whole organisation.
    Org,
    /// A team.
    Team(TeamId),
    /// A person.
    Person(PersonId),
}

/// A target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Period.
    pub period: Sp<Period>,
    /// Scope.
    pub scope: Scope,
    /// Where the scope was written (the person or team value).
    pub scope_span: Span,
    /// What it measures.
    pub metric: Metric,
    /// Target value.
    pub value: Decimal,
    /// Where the value was written.
    pub value_span: Span,
    /// Optional stretch tier.
    pub stretch: Option<Sp<Decimal>>,
    /// Where the `[[target]]` header is.
    pub span: Span,
}

/// What loading found about each part, so the checker does not report
/// follow-on errors for references into a file that itself failed.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// The stage list is usable for judging references to stages (the
    /// file parsed and no stage lost its id); otherwise stage references
    /// are not reported, to avoid a cascade of follow-on errors.
    pub settings_ok: bool,
    /// Likewise for references to people and teams in `team.toml`.
    pub team_ok: bool,
    /// Stems of all account files, readable or not.
    pub account_stems: BTreeSet<String>,
}

/// A whole pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Root folder.
    pub root: PathBuf,
    /// The files read.
    pub sources: SourceMap,
    /// Settings (defaults when `dealbook.toml` is missing or broken).
    pub settings: Settings,
    /// Teams.
    pub teams: Vec<Team>,
    /// People.
    pub people: Vec<Person>,
    /// Accounts, sorted by id.
    pub accounts: Vec<Account>,
    /// Deals, sorted by id.
    pub deals: Vec<Deal>,
    /// Targets, in file order.
    pub targets: Vec<Target>,
    /// What loaded.
    pub coverage: Coverage,
    /// Lookup tables by id.
    pub index: Index,
}

/// Resolves a deal's references (and its history's stages) by the lookup
/// tables `ix`.
fn resolve_deal(ix: &Index, settings: &Settings, d: &mut Deal) {
    d.refs = DealRefs {
        stage: ix.stages.get(&d.stage.value).copied(),
        account: ix.accounts.get(&d.account.value).copied(),
        owner: ix.people.get(&d.owner.value).copied(),
        rate: settings.rate(d.currency_code(settings)),
    };
    for h in &mut d.history {
        h.stage_ix = ix.stages.get(&h.stage.value).copied();
    }
}

/// Positions by id. Fx hashing: ids are the program's own keys, not
/// attacker-chosen lookups, and SipHash cost `check` of 100k deals about
/// 2% of its time here.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Stage id → position.
    pub stages: FxHashMap<StageId, StageIx>,
    /// Team id → position.
    pub teams: FxHashMap<TeamId, TeamIx>,
    /// Person id → position.
    pub people: FxHashMap<PersonId, PersonIx>,
    /// Account id → position.
    pub accounts: FxHashMap<AccountId, AccountIx>,
    /// Deal id → position.
    pub deals: FxHashMap<DealId, DealIx>,
}

impl Pipeline {
    /// Rebuilds the lookup tables and resolves every deal's references.
    /// Call after changing any list. The first definition of a duplicated
    /// id wins (the duplicate is an error).
    pub fn resolve(&mut self) {
        use rayon::prelude::*;
        self.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        self.deals.sort_by(|a, b| a.id.cmp(&b.id));
        // The deals' table (the largest) is built beside the others, and
        // the deals are resolved in parallel: this runs while the rest
        // of the pool is idle, between the parse and the checks.
        let deal_table = || {
            let mut t = FxHashMap::default();
            t.reserve(self.deals.len());
            for (i, d) in enumerate(&self.deals) {
                t.entry(d.id.clone()).or_insert(i);
            }
            t
        };
        let other_tables = || {
            let mut ix = Index::default();
            ix.accounts.reserve(self.accounts.len());
            for (i, s) in enumerate(&self.settings.stages) {
                ix.stages.entry(s.id.value.clone()).or_insert(i);
            }
            for (i, t) in enumerate(&self.teams) {
                ix.teams.entry(t.id.value.clone()).or_insert(i);
            }
            for (i, p) in enumerate(&self.people) {
                ix.people.entry(p.id.value.clone()).or_insert(i);
            }
            for (i, a) in enumerate(&self.accounts) {
                ix.accounts.entry(a.id.clone()).or_insert(i);
            }
            ix
        };
        let (deals, mut ix) = rayon::join(deal_table, other_tables);
        ix.deals = deals;
        let settings = &self.settings;
        self.deals
            .par_iter_mut()
            .with_min_len(1024)
            .for_each(|d| resolve_deal(&ix, settings, d));
        self.index = ix;
    }

    /// Resolves the references of the deal at position `ix` again, against
    /// the lookup tables as they are (after replacing that deal in place
    /// with one of the same id: the tables do not change).
    pub fn resolve_deal(&mut self, ix: DealIx) {
        let Pipeline {
            index,
            settings,
            deals,
            ..
        } = self;
        resolve_deal(index, settings, &mut deals[ix]);
    }

    /// The stage of a deal, if it resolves.
    pub fn stage_of(&self, d: &Deal) -> Option<&Stage> {
        d.refs.stage.map(|i| &self.settings.stages[i])
    }

    /// The account of a deal, if it resolves.
    pub fn account_of(&self, d: &Deal) -> Option<&Account> {
        d.refs.account.map(|i| &self.accounts[i])
    }

    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.index.people.get(id).map(|&i| &self.people[i])
    }

    /// A team by id.
    pub fn team(&self, id: &str) -> Option<&Team> {
        self.index.teams.get(id).map(|&i| &self.teams[i])
    }

    /// An account by id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.index.accounts.get(id).map(|&i| &self.accounts[i])
    }

    /// A deal by id.
    pub fn deal(&self, id: &str) -> Option<&Deal> {
        self.index.deals.get(id).map(|&i| &self.deals[i])
    }

    /// Position of a stage by id.
    pub fn stage_ix(&self, id: &str) -> Option<StageIx> {
        self.index.stages.get(id).copied()
    }
}
