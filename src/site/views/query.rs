//! Filters of the long lists and the links that open them filtered.
//!
//! Every row of a filterable list carries its keys as one attribute,
//! `data-keys="period:2026-Q4 cat:commit owner:tom-wu …"` (tokens
//! `facet:value`, space-separated; values are ids, codes and period names,
//! which never hold a space). Above the list, the drop-downs of its
//! [`Facet`]s are written into the page (hidden) and `app.js` shows them;
//! the state lives in the URL after `#q=` (`period:2026-Q4+cat:won,commit`:
//! facets joined by `+`, a facet's values by `,`, any of which matches),
//! so a filtered list is a link that works from `file://`. A [`Query`]
//! writes such a link: every figure that sums deals links to the list of
//! exactly those deals ([`Site::deals_href`]).

use super::Site;
use crate::analytics::ScopeKind;
use crate::analytics::Status;
use crate::analytics::accounts::AccountHealth;
use crate::analytics::figures::DealFigures;
use crate::analytics::risk::CODES;
use crate::model::Tier;
use crate::period::{Grain, Period};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The facets (filter keys) of the lists.
pub mod key {
    /// Period of the close: a fiscal year, quarter or month (`2026`,
    /// `2026-Q4`, `2026-12`).
    pub const PERIOD: &str = "period";
    /// Period of the `created` date, same spelling.
    pub const CREATED: &str = "created";
    /// Forecast category: `commit`, `best_case`, `pipeline` (open deals,
    /// which also have `open`), `won`, `lost`.
    pub const CAT: &str = "cat";
    /// Stage id.
    pub const STAGE: &str = "stage";
    /// Team id of the owner.
    pub const TEAM: &str = "team";
    /// Owner id.
    pub const OWNER: &str = "owner";
    /// Risk signal codes on the deal, and `any` or `none`.
    pub const RISK: &str = "risk";
    /// Account tier.
    pub const TIER: &str = "tier";
    /// Follow-up of an account: `overdue` or `on_time`.
    pub const FOLLOW_UP: &str = "fu";
    /// The signal of a row of a risk list.
    pub const SIGNAL: &str = "signal";
}

/// A filter of a list: facets and the values each may take (any of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(&'static str, String)>);

impl Query {
    /// No filter: every row.
    pub fn new() -> Query {
        Query::default()
    }

    /// The query with `facet` also limited to `values` (`,`-separated).
    pub fn and(mut self, facet: &'static str, values: impl Into<String>) -> Query {
        self.0.push((facet, values.into()));
        self
    }

    /// The query with the close in `p`.
    pub fn period(self, p: Period) -> Query {
        self.and(key::PERIOD, p.to_string())
    }

    /// The query limited to the deals of a scope (`org`, `team`, `person`).
    pub fn scope(self, kind: ScopeKind, id: Option<&str>) -> Query {
        match (kind, id) {
            (ScopeKind::Team, Some(id)) => self.and(key::TEAM, id),
            (ScopeKind::Person, Some(id)) => self.and(key::OWNER, id),
            _ => self,
        }
    }

    /// The fragment of a link: `q=period:2026-Q4+cat:commit`.
    pub fn fragment(&self) -> String {
        let mut s = String::from("q=");
        for (n, (k, v)) in self.0.iter().enumerate() {
            if n > 0 {
                s.push('+');
            }
            let _ = write!(s, "{k}:{v}");
        }
        s
    }

    /// A link to `page` (a list) filtered by this query.
    pub fn href(&self, page: &str) -> String {
        format!("{page}#{}", self.fragment())
    }
}

/// The drop-downs above a list.
#[derive(Debug, Clone, Serialize)]
pub struct Filters {
    /// Id of the table they filter.
    pub table: String,
    /// One drop-down each.
    pub facets: Vec<Facet>,
    /// Whether the state is kept in the URL (`#q=`): the page's main list.
    pub in_url: bool,
    /// The script with every row of the list, from the root, when it is
    /// split into pages (`rows/deals.js`): a filter then covers all pages.
    pub rows: Option<String>,
}

impl Filters {
    /// The filters of a list whose rows of all pages are in `rows`.
    pub fn with_rows(self, rows: Option<String>) -> Filters {
        Filters { rows, ..self }
    }
}

/// One drop-down.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// The facet ([`key`]).
    pub key: &'static str,
    /// Its label.
    pub label: String,
    /// Its values, in groups (a group without label holds plain options).
    pub groups: Vec<OptGroup>,
}

/// A group of values of a drop-down.
#[derive(Debug, Clone, Serialize)]
pub struct OptGroup {
    /// Label of the group, or empty.
    pub label: String,
    /// The values.
    pub options: Vec<Opt>,
}

/// A value of a drop-down.
#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    /// What the query holds.
    pub value: String,
    /// What is shown.
    pub label: String,
}

impl OptGroup {
    fn plain(options: Vec<Opt>) -> OptGroup {
        OptGroup {
            label: String::new(),
            options,
        }
    }
}

impl Opt {
    fn new(value: impl Into<String>, label: impl Into<String>) -> Opt {
        Opt {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// The category code of a deal: `won`, `lost`, or its forecast category.
pub fn cat_code(f: &DealFigures) -> &'static str {
    match f.status {
        Status::Won => "won",
        Status::Lost => "lost",
        Status::Open => f.category.as_str(),
    }
}

fn push(s: &mut String, k: &str, v: &str) {
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str(k);
    s.push(':');
    s.push_str(v);
}

impl Site<'_> {
    /// A link to the deals list filtered by `q` (a path from the root).
    pub fn deals_href(&self, q: &Query) -> String {
        q.href("deals.html")
    }

    /// The periods (year, quarter, month) of a date.
    fn periods_of(&self, d: jiff::civil::Date) -> [Period; 3] {
        [
            self.cal.year_of(d),
            self.cal.quarter_of(d),
            self.cal.month_of(d),
        ]
    }

    /// The filter keys of a deal (the `data-keys` of its rows).
    pub(super) fn deal_keys(&self, f: &DealFigures) -> String {
        let mut s = String::with_capacity(200);
        if let Some(c) = f.close {
            for p in self.periods_of(c) {
                push(&mut s, key::PERIOD, &p.to_string());
            }
        }
        for p in self.periods_of(f.created) {
            push(&mut s, key::CREATED, &p.to_string());
        }
        push(&mut s, key::CAT, cat_code(f));
        if f.status == Status::Open {
            push(&mut s, key::CAT, "open");
        }
        push(
            &mut s,
            key::STAGE,
            self.p.settings.stages[f.stage].id.value.as_str(),
        );
        if let Some(t) = f.team {
            push(&mut s, key::TEAM, self.p.teams[t].id.value.as_str());
        }
        push(
            &mut s,
            key::OWNER,
            self.p.deals[f.deal].owner.value.as_str(),
        );
        if f.risks.is_empty() {
            push(&mut s, key::RISK, "none");
        } else {
            push(&mut s, key::RISK, "any");
            for c in f.risks.iter() {
                push(&mut s, key::RISK, c);
            }
        }
        if let Some(a) = f.account {
            push(&mut s, key::TIER, self.p.accounts[a].tier.as_str());
        }
        s
    }

    /// The filter keys of an account.
    pub(super) fn account_keys(&self, h: &AccountHealth) -> String {
        let mut s = String::with_capacity(80);
        push(&mut s, key::TIER, h.tier.as_str());
        push(&mut s, key::OWNER, &h.owner);
        if let Some(t) = self.p.person(&h.owner).and_then(|x| x.team.as_ref()) {
            push(&mut s, key::TEAM, t.value.as_str());
        }
        push(
            &mut s,
            key::FOLLOW_UP,
            if h.follow_up_overdue {
                "overdue"
            } else {
                "on_time"
            },
        );
        s
    }

    /// A drop-down of periods, grouped by grain.
    fn period_facet(&self, key: &'static str, label: &str, dates: &BTreeSet<Period>) -> Facet {
        let groups = [
            (Grain::Year, "period_year"),
            (Grain::Quarter, "period_quarter"),
            (Grain::Month, "period_month"),
        ]
        .into_iter()
        .map(|(g, l)| OptGroup {
            label: self.i.get(l).into(),
            options: dates
                .iter()
                .filter(|p| p.grain() == g)
                .map(|p| Opt::new(p.to_string(), p.to_string()))
                .collect(),
        })
        .filter(|g| !g.options.is_empty())
        .collect();
        Facet {
            key,
            label: label.into(),
            groups,
        }
    }

    fn team_facet(&self) -> Facet {
        Facet {
            key: key::TEAM,
            label: self.i.get("team").into(),
            groups: vec![OptGroup::plain(
                self.p
                    .teams
                    .iter()
                    .map(|t| Opt::new(t.id.value.as_str(), t.name.as_str()))
                    .collect(),
            )],
        }
    }

    fn owner_facet(&self, ids: BTreeSet<&str>) -> Facet {
        let mut options: Vec<Opt> = ids
            .into_iter()
            .map(|id| {
                Opt::new(
                    id,
                    self.p
                        .person(id)
                        .map_or(id, |x| x.name.as_str())
                        .to_string(),
                )
            })
            .collect();
        options.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.value.cmp(&b.value)));
        Facet {
            key: key::OWNER,
            label: self.i.get("owner").into(),
            groups: vec![OptGroup::plain(options)],
        }
    }

    fn tier_facet(&self) -> Facet {
        Facet {
            key: key::TIER,
            label: self.i.get("tier").into(),
            groups: vec![OptGroup::plain(
                Tier::NAMES
                    .iter()
                    .map(|t| Opt::new(*t, self.i.of("tier", t)))
                    .collect(),
            )],
        }
    }

    /// The signals that fire, as options.
    fn signal_options(&self) -> Vec<Opt> {
        CODES
            .iter()
            .filter(|c| self.signals().iter().any(|(s, _)| s == *c))
            .map(|c| Opt::new(*c, self.i.of("risk", c)))
            .collect()
    }

    /// The drop-downs of a list of deals: close period, category, stage,
    /// team, owner, risk, tier and created period, with the values that
    /// occur among all deals (found once per build).
    pub(super) fn deal_facets(&self) -> &[Facet] {
        self.facets.get_or_init(|| self.find_deal_facets())
    }

    fn find_deal_facets(&self) -> Vec<Facet> {
        let (a, i) = (self.a, &self.i);
        let mut closes = BTreeSet::new();
        let mut created = BTreeSet::new();
        let mut owners = BTreeSet::new();
        for f in &a.deals {
            if let Some(c) = f.close {
                closes.extend(self.periods_of(c));
            }
            created.extend(self.periods_of(f.created));
            owners.insert(self.p.deals[f.deal].owner.value.as_str());
        }
        let cat = Facet {
            key: key::CAT,
            label: i.get("category").into(),
            groups: vec![OptGroup::plain(
                [
                    ("open", "category_open"),
                    ("commit", "category_commit"),
                    ("best_case", "category_best_case"),
                    ("pipeline", "category_pipeline"),
                    ("won", "category_won"),
                    ("lost", "category_lost"),
                ]
                .into_iter()
                .map(|(v, l)| Opt::new(v, i.get(l)))
                .collect(),
            )],
        };
        let stage = Facet {
            key: key::STAGE,
            label: i.get("stage").into(),
            groups: vec![OptGroup::plain(
                self.p
                    .settings
                    .stages
                    .iter()
                    .map(|s| Opt::new(s.id.value.as_str(), s.name.as_str()))
                    .collect(),
            )],
        };
        let mut risk_opts = vec![
            Opt::new("any", i.get("risk_any")),
            Opt::new("none", i.get("risk_none")),
        ];
        risk_opts.extend(self.signal_options());
        let risk = Facet {
            key: key::RISK,
            label: i.get("risks").into(),
            groups: vec![OptGroup::plain(risk_opts)],
        };
        vec![
            self.period_facet(key::PERIOD, i.get("close"), &closes),
            cat,
            stage,
            self.team_facet(),
            self.owner_facet(owners),
            risk,
            self.tier_facet(),
            self.period_facet(key::CREATED, i.get("created"), &created),
        ]
    }

    /// The drop-downs of a list of risks: the deals' and the signal.
    pub(super) fn risk_facets(&self) -> Vec<Facet> {
        let mut v = vec![Facet {
            key: key::SIGNAL,
            label: self.i.get("signal").into(),
            groups: vec![OptGroup::plain(self.signal_options())],
        }];
        v.extend(
            self.deal_facets()
                .iter()
                .filter(|f| f.key != key::RISK && f.key != key::CREATED)
                .cloned(),
        );
        v
    }

    /// The drop-downs of a list of accounts: tier, owner, team, follow-up.
    pub(super) fn account_facets(&self) -> Vec<Facet> {
        let owners = self.a.accounts.iter().map(|h| h.owner.as_str()).collect();
        vec![
            self.tier_facet(),
            self.owner_facet(owners),
            self.team_facet(),
            Facet {
                key: key::FOLLOW_UP,
                label: self.i.get("follow_up").into(),
                groups: vec![OptGroup::plain(vec![
                    Opt::new("overdue", self.i.get("overdue")),
                    Opt::new("on_time", self.i.get("on_time")),
                ])],
            },
        ]
    }

    /// The filters of the list `table` (a table id).
    pub(super) fn filters(&self, table: &str, facets: Vec<Facet>, in_url: bool) -> Filters {
        Filters {
            table: table.into(),
            facets,
            in_url,
            rows: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_spell_their_links() {
        let q = Query::new()
            .period(Period::Quarter(2026, 4))
            .and(key::CAT, "won,commit")
            .scope(ScopeKind::Team, Some("east"));
        assert_eq!(
            q.href("deals.html"),
            "deals.html#q=period:2026-Q4+cat:won,commit+team:east"
        );
        assert_eq!(Query::new().fragment(), "q=");
        assert_eq!(
            Query::new()
                .scope(ScopeKind::Org, None)
                .scope(ScopeKind::Person, Some("x")),
            Query::new().and(key::OWNER, "x")
        );
    }
}
