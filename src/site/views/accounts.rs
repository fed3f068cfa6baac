//! `accounts.html` and `accounts/<id>.html`: the account list and each
//! account with its stakeholder map, contacts, follow-ups and surveys.

use super::cells::{Fact, Kpi, Link, Num, Pager, Tag};
use super::cells::{num_money, num_score, on_page};
use super::lines::{AccountLine, DealLine};
use super::query::Filters;
use super::stakeholders::MapRow;
use super::{Site, by_status_and_close, paths, plausible_email};
use crate::analytics::accounts::AccountHealth;
use crate::analytics::accounts::Trend;
use crate::ix::AccountIx;
use crate::model::{Attitude, Contact};
use crate::money::Money;
use crate::site::charts;
use crate::site::markdown;
use jiff::civil::Date;
use serde::Serialize;

/// `accounts.html` (and its further pages).
#[derive(Debug, Serialize)]
pub struct AccountsList {
    /// The rows of this page.
    pub rows: Vec<AccountLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Accounts in all.
    pub total: usize,
    /// Overdue follow-ups in all.
    pub overdue: usize,
    /// The drop-downs above the list.
    pub filters: Filters,
    /// The footer: the rows of this page summed.
    pub totals: AccountTotals,
}

/// The footer of a list of accounts.
#[derive(Debug, Serialize)]
pub struct AccountTotals {
    /// "24 accounts".
    pub label: String,
    /// Their lifetime won.
    pub lifetime_won: Num,
    /// Their open pipeline.
    pub open_pipeline: Num,
}

/// `accounts/<id>.html`.
#[derive(Debug, Serialize)]
pub struct AccountView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tier.
    pub tier: Tag,
    /// Facts (industry, region, owner, cadence…).
    pub facts: Vec<Fact>,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Rows of the stakeholder map, one per buying role.
    pub map: Vec<MapRow>,
    /// Column heads of the map (attitudes).
    pub attitudes: Vec<Tag>,
    /// Whether the map has anyone.
    pub map_empty: bool,
    /// Contacts.
    pub contacts: Vec<ContactLine>,
    /// Deals.
    pub deals: Vec<DealLine>,
    /// Follow-ups, newest first.
    pub touches: Vec<TouchLine>,
    /// Surveys, newest first.
    pub surveys: Vec<SurveyLine>,
    /// Satisfaction chart (SVG), empty without surveys.
    pub chart_satisfaction: String,
    /// Sanitised Markdown notes.
    pub notes_html: String,
}

/// A contact.
#[derive(Debug, Serialize)]
pub struct ContactLine {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Influence.
    pub influence: Tag,
    /// E-mail.
    pub email: String,
    /// Whether `email` can be a `mailto:` link.
    pub email_ok: bool,
    /// Phone.
    pub phone: String,
    /// Roles in deals: "Economic buyer (ERP…)".
    pub roles: String,
}

/// A follow-up.
#[derive(Debug, Serialize)]
pub struct TouchLine {
    /// Date.
    pub date: String,
    /// Who.
    pub by: Link,
    /// Kind label.
    pub kind: String,
    /// Contact met.
    pub contact: String,
    /// Note.
    pub note: String,
}

/// A survey.
#[derive(Debug, Serialize)]
pub struct SurveyLine {
    /// Date.
    pub date: String,
    /// Score 0..=10.
    pub score: Num,
    /// Who answered.
    pub contact: String,
    /// Comment.
    pub note: String,
}

/// What the tables show of a contact: name, title and influence.
pub(super) struct ContactCells {
    /// Name, or the id when the contact is unknown.
    pub name: String,
    /// Title, or empty.
    pub title: String,
    /// Influence, or an empty badge.
    pub influence: Tag,
}

impl Site<'_> {
    /// The cells of contact `id` (`c`; none when the account has no such
    /// contact).
    pub(super) fn contact_cells(&self, c: Option<&Contact>, id: &str) -> ContactCells {
        ContactCells {
            name: c.map_or_else(|| id.to_string(), |c| c.name.clone()),
            title: c.and_then(|c| c.title.clone()).unwrap_or_default(),
            influence: c.map_or_else(
                || Tag::plain("", ""),
                |c| self.label_tag("influence", c.influence.as_str()),
            ),
        }
    }

    /// Page `n` (1-based) of the accounts list, and how many pages there are.
    pub fn accounts_list(&self, n: usize) -> AccountsList {
        let shown: Vec<&AccountHealth> = on_page(self.account_order.iter(), n)
            .map(|&k| &self.a.accounts[k])
            .collect();
        let (won, open) = shown.iter().fold((Money::ZERO, Money::ZERO), |(w, o), h| {
            (w + h.lifetime_won, o + h.open_pipeline)
        });
        AccountsList {
            rows: shown.iter().map(|h| self.account_line(h)).collect(),
            filters: self
                .filters("accounts", self.account_facets(), true)
                .with_rows(self.rows_of("accounts", self.a.accounts.len())),
            totals: AccountTotals {
                label: self
                    .i
                    .fill("n_accounts", &[("n", &self.fm.count(shown.len()))]),
                lifetime_won: num_money(&self.fm, won),
                open_pipeline: num_money(&self.fm, open),
            },
            pager: self.pager(n, self.a.accounts.len(), |k| paths::list("accounts", k)),
            total: self.a.accounts.len(),
            overdue: self.overdue_accounts,
        }
    }

    /// The page of account `ix` (in [`crate::model::Pipeline::accounts`]).
    pub fn account_page(&self, ix: AccountIx) -> AccountView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let acc = &self.p.accounts[ix];
        let id = acc.id.as_str();
        let h = self.health_of.get(id).map(|&k| &a.accounts[k]);
        let mut deal_rows: Vec<usize> = self.deals_of_account.get(id).cloned().unwrap_or_default();
        deal_rows.sort_by(|&x, &y| by_status_and_close(&a.deals[x], &a.deals[y], false));
        let stakeholders = self.stakeholder_map(acc, &deal_rows);
        let contacts = acc
            .contacts
            .iter()
            .map(|c| ContactLine {
                name: c.name.clone(),
                title: c.title.clone().unwrap_or_default(),
                influence: self.label_tag("influence", c.influence.as_str()),
                email: c.email.clone().unwrap_or_default(),
                email_ok: c.email.as_deref().is_some_and(plausible_email),
                phone: c.phone.clone().unwrap_or_default(),
                roles: stakeholders
                    .roles_of
                    .get(c.id.value.as_str())
                    .map(|by_role| {
                        by_role
                            .iter()
                            .map(|(r, deals)| {
                                format!("{}: {}", i.of("buying", r.as_str()), deals.join(", "))
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let contact_name = |c: &Option<crate::source::Sp<crate::ids::ContactId>>| {
            c.as_ref()
                .map(|c| {
                    acc.contact(c.value.as_str())
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| c.value.to_string())
                })
                .unwrap_or_default()
        };
        let mut touches: Vec<TouchLine> = acc
            .touches
            .iter()
            .map(|t| TouchLine {
                date: t.date.value.to_string(),
                by: self.person_link(t.by.value.as_str()),
                kind: i.of("touch", t.kind.as_str()).into(),
                contact: contact_name(&t.contact),
                note: t.note.clone().unwrap_or_default(),
            })
            .collect();
        touches.reverse();
        let mut points: Vec<(Date, u8)> = acc
            .surveys
            .iter()
            .map(|s| (s.date.value, s.score))
            .collect();
        points.sort();
        let mut surveys: Vec<SurveyLine> = acc
            .surveys
            .iter()
            .map(|s| SurveyLine {
                date: s.date.value.to_string(),
                score: num_score(Some(s.score)),
                contact: contact_name(&s.contact),
                note: s.note.clone().unwrap_or_default(),
            })
            .collect();
        surveys.reverse();
        let mut facts = vec![Fact::link(
            i.get("owner"),
            self.person_link(acc.owner.value.as_str()),
        )];
        for (label, v) in [("industry", &acc.industry), ("region", &acc.region)] {
            if let Some(v) = v {
                facts.push(Fact::text(i.get(label), v.as_str()));
            }
        }
        let mut cards = Vec::new();
        if let Some(h) = h {
            facts.push(Fact::text(
                i.get("cadence"),
                i.count("cadence_days", h.follow_up_days as usize),
            ));
            cards = vec![
                Kpi::new(
                    "follow_up",
                    i.get("follow_up"),
                    self.follow_up_tag(h).text,
                    format!(
                        "{} {} · {} {}",
                        i.get("last_touch"),
                        fm.opt_date(h.last_touch),
                        i.get("follow_up_due_on"),
                        h.follow_up_due
                    ),
                )
                .tone(if h.follow_up_overdue { "poor" } else { "good" }),
                Kpi::new(
                    "satisfaction",
                    i.get("satisfaction"),
                    num_score(h.satisfaction).s,
                    format!(
                        "{} {}",
                        fm.opt_date(h.satisfaction_date),
                        self.trend_text(h.satisfaction_trend)
                    ),
                )
                .tone(match h.satisfaction_trend {
                    Some(Trend::Down) => "poor",
                    _ => "",
                }),
                Kpi::new(
                    "lifetime_won",
                    i.get("lifetime_won"),
                    fm.money(h.lifetime_won),
                    i.count("deals_won_n", h.won_deals),
                ),
                Kpi::new(
                    "open_pipeline",
                    i.get("open_pipeline"),
                    fm.money(h.open_pipeline),
                    i.count("open_deals_n", h.open_deals),
                ),
            ];
        }
        AccountView {
            id: id.to_string(),
            name: acc.name.clone(),
            tier: self.label_tag("tier", acc.tier.as_str()),
            facts,
            cards,
            attitudes: Attitude::ALL
                .iter()
                .map(|x| self.label_tag("attitude", x.as_str()))
                .collect(),
            map_empty: stakeholders.empty,
            map: stakeholders.rows,
            contacts,
            deals: self.deal_lines(deal_rows.into_iter()),
            touches,
            surveys,
            chart_satisfaction: if points.is_empty() {
                String::new()
            } else {
                charts::responsive("chart-satisfaction", |id, w| {
                    charts::scores(
                        id,
                        i.get("satisfaction_trend"),
                        i.get("satisfaction_chart_desc"),
                        &points,
                        a.as_of,
                        w,
                    )
                })
            },
            notes_html: markdown::render(&acc.notes),
        }
    }
}
