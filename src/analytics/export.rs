//! The analytics as shown and exported: the figures of [`Analytics`] with
//! the ids and names of the pipeline joined in. [`compute`](super::compute)
//! copies no text; a deal row borrows its text from the pipeline
//! ([`DealRow`]), a risk row writes its reason in English ([`RiskRow`]),
//! and [`Document`] is the JSON document of `report --format json` and the
//! site's `data.json` (`docs/report-json.md`), its rows made as they are
//! written out.

use super::facts::{DealCategory, Status};
use super::figures::DealFigures;
use super::risk::{Codes, Risk};
use super::{Analytics, Current, Kpis, accounts, funnel, performance, targets, trends};
use crate::model::{Locale, Pipeline};
use crate::money::Money;
use crate::period::Period;
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// One deal as exported (report, site, CSV), borrowing its text from the
/// pipeline.
#[derive(Debug, Clone, Serialize)]
pub struct DealRow<'p> {
    /// Id.
    pub id: &'p str,
    /// Name.
    pub name: &'p str,
    /// Account id (as written).
    pub account: &'p str,
    /// Account name (empty when the account does not resolve).
    pub account_name: &'p str,
    /// Owner id (as written).
    pub owner: &'p str,
    /// Owner name (empty when the owner does not resolve).
    pub owner_name: &'p str,
    /// Owner's team id.
    pub team: Option<&'p str>,
    /// Stage id.
    pub stage: &'p str,
    /// Stage name.
    pub stage_name: &'p str,
    /// Open, won or lost.
    pub status: Status,
    /// Amount as written.
    pub amount: Decimal,
    /// Currency as written (or the reporting one).
    pub currency: &'p str,
    /// Amount in the reporting currency.
    pub amount_reporting: Money,
    /// Effective probability; none once closed.
    pub probability: Option<Decimal>,
    /// Forecast category: the effective one while open, closed-won or
    /// closed-lost once closed.
    pub category: DealCategory,
    /// Weighted amount; none once closed.
    pub weighted: Option<Money>,
    /// Opened on.
    pub created: Date,
    /// Expected or actual close.
    pub close: Option<Date>,
    /// Fiscal quarter of the close.
    pub close_quarter: Option<Period>,
    /// Days in the current stage (open deals).
    pub days_in_stage: Option<i64>,
    /// Risk codes on the deal (a list of codes in JSON).
    pub risks: Codes,
    /// Next step.
    pub next_step: Option<&'p str>,
    /// When it is due.
    pub next_step_date: Option<Date>,
    /// Why it was lost.
    pub lost_reason: Option<&'p str>,
    /// Products.
    pub products: &'p [String],
}

impl<'p> DealRow<'p> {
    /// The row of deal figures `f`, with the text of `p` (the pipeline they
    /// were computed from).
    pub fn new(p: &'p Pipeline, f: &DealFigures) -> DealRow<'p> {
        let d = &p.deals[f.deal];
        let stage = &p.settings.stages[f.stage];
        let open = f.status == Status::Open;
        DealRow {
            id: d.id.as_str(),
            name: &d.name,
            account: d.account.value.as_str(),
            account_name: f.account.map_or("", |a| p.accounts[a].name.as_str()),
            owner: d.owner.value.as_str(),
            owner_name: f.owner.map_or("", |o| p.people[o].name.as_str()),
            team: f.team.map(|t| p.teams[t].id.value.as_str()),
            stage: stage.id.value.as_str(),
            stage_name: &stage.name,
            status: f.status,
            amount: d.amount.value,
            currency: d.currency_code(&p.settings),
            amount_reporting: f.amount_reporting,
            probability: open.then_some(f.probability),
            category: DealCategory::of(f.status, f.category),
            weighted: open.then_some(f.weighted),
            created: f.created,
            close: f.close,
            close_quarter: f.close_quarter,
            days_in_stage: f.days_in_stage,
            risks: f.risks,
            next_step: d.next_step.as_deref(),
            next_step_date: d.next_step_date.as_ref().map(|x| x.value),
            lost_reason: d.lost_reason.as_deref(),
            products: &d.products,
        }
    }
}

/// One risk signal as exported (report, CSV, JSON, diff), with the reason
/// in English. It owns its text: `diff` keeps rows after the pipelines
/// they came from are gone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RiskRow {
    /// Signal code, one of [`super::risk::CODES`].
    pub code: &'static str,
    /// Deal id.
    pub deal: String,
    /// Deal name.
    pub deal_name: String,
    /// Owner id (none when it does not resolve).
    pub owner: Option<String>,
    /// Owner name.
    pub owner_name: Option<String>,
    /// Account id.
    pub account: String,
    /// Stage id.
    pub stage: String,
    /// Amount in the reporting currency.
    pub amount: Money,
    /// Why, in one line.
    pub reason: String,
}

impl RiskRow {
    /// The row of risk `r`, with the text of `p` (the pipeline it was
    /// computed from).
    pub fn new(p: &Pipeline, r: &Risk) -> RiskRow {
        let d = &p.deals[r.deal];
        let owner = d.refs.owner.map(|o| &p.people[o]);
        RiskRow {
            code: r.code(),
            deal: d.id.as_str().to_string(),
            deal_name: d.name.clone(),
            owner: owner.map(|o| o.id.value.as_str().to_string()),
            owner_name: owner.map(|o| o.name.clone()),
            account: d.account.value.as_str().to_string(),
            stage: d.stage.value.as_str().to_string(),
            amount: r.amount,
            reason: r.reason(p, Locale::En),
        }
    }
}

impl Analytics {
    /// The rows of the deals, in order, borrowing from `p` (the pipeline
    /// the analytics were computed from).
    pub fn deal_rows<'p>(&'p self, p: &'p Pipeline) -> impl Iterator<Item = DealRow<'p>> + 'p {
        self.deals.iter().map(move |f| DealRow::new(p, f))
    }

    /// The rows of the risks, in order, with English reasons.
    pub fn risk_rows<'p>(&'p self, p: &'p Pipeline) -> impl Iterator<Item = RiskRow> + 'p {
        self.risks.iter().map(move |r| RiskRow::new(p, r))
    }

    /// The risks of the deal at position `deal` in [`Pipeline::deals`]
    /// (the risks are in deal order).
    pub fn risks_of(&self, deal: usize) -> &[Risk] {
        let start = self.risks.partition_point(|r| r.deal < deal);
        let end = start + self.risks[start..].partition_point(|r| r.deal == deal);
        &self.risks[start..end]
    }

    /// The JSON document of these analytics and their pipeline.
    pub fn document<'a>(&'a self, p: &'a Pipeline) -> Document<'a> {
        Document {
            version: self.version,
            org: &self.org,
            as_of: self.as_of,
            currency: &self.currency,
            fiscal_year_start: self.fiscal_year_start,
            current: &self.current,
            kpis: &self.kpis,
            deals: Rows(self, p),
            funnel: &self.funnel,
            conversion: &self.conversion,
            forecast: &self.forecast,
            performance: &self.performance,
            targets: &self.targets,
            risks: Rows(self, p),
            accounts: &self.accounts,
            customers: &self.customers,
            trends: &self.trends,
            winloss: &self.winloss,
        }
    }
}

/// The deal or risk rows of a [`Document`], made as they are written.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a>(&'a Analytics, &'a Pipeline);

/// The JSON document (`docs/report-json.md`): the fields of [`Analytics`]
/// in the same order, with deal and risk rows in place of their figures.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Document<'a> {
    /// Document version.
    pub version: u32,
    /// Organisation name.
    pub org: &'a str,
    /// The date the numbers are for.
    pub as_of: Date,
    /// Reporting currency.
    pub currency: &'a str,
    /// Month the fiscal year starts in.
    pub fiscal_year_start: u8,
    /// The current periods.
    pub current: &'a Current,
    /// Headline figures.
    pub kpis: &'a Kpis,
    /// Every usable deal ([`DealRow`]s).
    #[serde(serialize_with = "deal_rows")]
    pub deals: Rows<'a>,
    /// Open deals by stage now.
    pub funnel: &'a funnel::Funnel,
    /// Stage-to-stage conversion.
    pub conversion: &'a [funnel::Conversion],
    /// Forecast per period and scope.
    pub forecast: &'a [super::forecast::Forecast],
    /// Performance per period, person and team.
    pub performance: &'a [performance::Performance],
    /// Targets with actuals.
    pub targets: &'a [targets::TargetRow],
    /// Risk signals on open deals ([`RiskRow`]s).
    #[serde(serialize_with = "risk_rows")]
    pub risks: Rows<'a>,
    /// Account health.
    pub accounts: &'a [accounts::AccountHealth],
    /// Growth, retention, new accounts, market share.
    pub customers: &'a accounts::Customers,
    /// Monthly won revenue and product trends.
    pub trends: &'a trends::Trends,
    /// Win/loss and competition per period and scope.
    pub winloss: &'a [super::winloss::WinLoss],
}

fn deal_rows<S: Serializer>(r: &Rows<'_>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(r.0.deal_rows(r.1))
}

fn risk_rows<S: Serializer>(r: &Rows<'_>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(r.0.risk_rows(r.1))
}
