//! `deals.html` and `deals/<id>.html`: the deal list and each deal with its
//! figures, timeline, stakeholders and team.

use super::cells::on_page;
use super::cells::{Fact, Kpi, Link, Pager, Tag, Totals};
use super::lines::DealLine;
use super::query::Filters;
use super::{Site, paths};
use crate::analytics::Status;
use crate::ix::{DealIx, StageIx};
use crate::model::Deal;
use crate::money::Money;
use crate::site::charts::{self, Segment};
use crate::site::markdown;
use jiff::civil::Date;
use serde::Serialize;

/// `deals.html` (and its further pages).
#[derive(Debug, Serialize)]
pub struct DealsList {
    /// The rows of this page.
    pub rows: Vec<DealLine>,
    /// Links to the other pages, when split.
    pub pager: Option<Pager>,
    /// Deals in all.
    pub total: usize,
    /// Open / won / lost counts.
    pub open: usize,
    /// Won.
    pub won: usize,
    /// Lost.
    pub lost: usize,
    /// The drop-downs above the list.
    pub filters: Filters,
    /// The footer: the rows of this page summed.
    pub totals: Totals,
}

/// `deals/<id>.html`.
#[derive(Debug, Serialize)]
pub struct DealView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Account.
    pub account: Link,
    /// Owner.
    pub owner: Link,
    /// Stage name.
    pub stage: String,
    /// Status.
    pub status: Tag,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Facts.
    pub facts: Vec<Fact>,
    /// Risk signals with reasons.
    pub risks: Vec<DealRisk>,
    /// Timeline chart (SVG).
    pub chart_timeline: String,
    /// Timeline events, oldest first.
    pub events: Vec<Event>,
    /// Stakeholders.
    pub stakeholders: Vec<StakeholderLine>,
    /// Deal team.
    pub members: Vec<MemberLine>,
    /// Pains.
    pub pains: Vec<String>,
    /// Decision process.
    pub decision_process: String,
    /// Value proof.
    pub value_proof: String,
    /// Lost reason.
    pub lost_reason: String,
    /// Sanitised Markdown notes.
    pub notes_html: String,
    /// Changes seen in git (with a git history).
    pub changes: Option<super::ChangesView>,
}

/// A risk signal on the deal page.
#[derive(Debug, Serialize)]
pub struct DealRisk {
    /// The signal.
    pub signal: Tag,
    /// Why.
    pub reason: String,
}

/// A timeline event.
#[derive(Debug, Serialize)]
pub struct Event {
    /// Date (ISO), or "—" for the current close when its change is undated.
    pub date: String,
    /// "stage", "back", "won", "lost", "slip", "pull".
    pub kind: &'static str,
    /// What happened.
    pub text: String,
    /// Comment from the history.
    pub note: String,
}

/// A stakeholder.
#[derive(Debug, Serialize)]
pub struct StakeholderLine {
    /// Contact name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Buying role.
    pub role: Tag,
    /// Attitude.
    pub attitude: Tag,
    /// Influence.
    pub influence: Tag,
    /// Comment.
    pub note: String,
}

/// A deal-team member.
#[derive(Debug, Serialize)]
pub struct MemberLine {
    /// The person.
    pub person: Link,
    /// Role label.
    pub role: String,
}

impl Site<'_> {
    /// Page `n` (1-based) of the deals list.
    pub fn deals_list(&self, n: usize) -> DealsList {
        let total = self.a.deals.len();
        let [open, won, lost] = self.deals_by_status;
        let shown: Vec<usize> = on_page(self.deal_order.iter().copied(), n).collect();
        DealsList {
            rows: self.deal_lines(shown.iter().copied()),
            filters: self
                .filters("deals", self.deal_facets().to_vec(), true)
                .with_rows(self.rows_of("deals", total)),
            totals: self.deal_totals(&shown),
            pager: self.pager(n, total, |k| paths::list("deals", k)),
            total,
            open,
            won,
            lost,
        }
    }

    /// The page of the deal in row `k` of the analytics' deals.
    pub fn deal_page(&self, k: usize) -> DealView {
        let (a, i) = (self.a, &self.i);
        let row = self.row(k);
        let d: &Deal = &self.p.deals[a.deals[k].deal];
        let stages = &self.p.settings.stages;
        let line = self.deal_line(k);
        let open = row.status == Status::Open;
        let mut cards = vec![
            Kpi::money(
                "amount",
                i.fill("amount_reporting", &[("cur", &a.currency)]),
                &self.fm,
                row.amount_reporting,
                if line.original.is_empty() {
                    String::new()
                } else {
                    i.fill("in_currency", &[("cur", row.currency)])
                        + " "
                        + &self.fm.card_in(Money::cents(row.amount), row.currency)
                },
            ),
            Kpi::new(
                "close",
                i.get(if open { "expected_close" } else { "closed_on" }),
                line.close.s.clone(),
                row.close_quarter.map(|q| q.to_string()).unwrap_or_default(),
            )
            .tone(if open && row.close.is_some_and(|c| c < a.as_of) {
                "poor"
            } else {
                ""
            })
            .href(
                row.close_quarter
                    .filter(|q| self.periods.contains(q))
                    .map(|q| paths::period(&q.to_string())),
            ),
        ];
        if open {
            cards.insert(
                1,
                Kpi::new(
                    "probability",
                    i.get("probability"),
                    line.probability.s.clone(),
                    format!("{} {}", i.get("weighted"), self.fm.opt_card(row.weighted)),
                ),
            );
            cards.push(Kpi::new(
                "days_in_stage",
                i.get("days_in_stage"),
                line.days_in_stage.s.clone(),
                row.stage_name,
            ));
        } else if let Some(close) = row.close {
            // A closed deal has no probability: its outcome and how long
            // it took instead.
            let days = (close - row.created).get_days();
            cards.push(Kpi::new(
                "sales_cycle",
                i.get("sales_cycle"),
                i.count("n_days", days.max(0) as usize),
                format!("{} → {}", row.created, close),
            ));
        }
        let mut facts = vec![
            Fact::link(i.get("account"), line.account.clone()),
            Fact::link(i.get("owner"), line.owner.clone()),
            Fact::text(i.get("stage"), row.stage_name),
            Fact::text(
                i.get("category"),
                if line.category.title.is_empty() {
                    line.category.text.clone()
                } else {
                    format!("{} ✎ ({})", line.category.text, line.category.title)
                },
            ),
            Fact::text(i.get("created"), row.created.to_string()),
        ];
        if !row.products.is_empty() {
            facts.push(Fact::text(i.get("products"), row.products.join(", ")));
        }
        if !d.competitors.is_empty() {
            facts.push(Fact::text(i.get("competitors"), d.competitors.join(", ")));
        }
        if let Some(ns) = row.next_step {
            facts.push(Fact::text(
                i.get("next_step"),
                match row.next_step_date {
                    Some(dt) => format!("{ns} ({} {dt})", i.get("next_step_date")),
                    None => ns.to_string(),
                },
            ));
        }
        let risks = self.deal_risks(a.deals[k].deal);
        // Timeline.
        let mut events = Vec::new();
        let mut segs: Vec<Segment> = Vec::new();
        let mut closes: Vec<Date> = Vec::new();
        let mut prev_ix: Option<StageIx> = None;
        let mut prev_close: Option<Date> = None;
        let hist: Vec<(Date, StageIx, Option<Date>, &str)> = if d.history.is_empty() {
            vec![(
                d.created.value,
                d.refs.stage.unwrap_or(StageIx::new(0)),
                None,
                "",
            )]
        } else {
            d.history
                .iter()
                .map(|h| {
                    (
                        h.date.value,
                        h.stage_ix.unwrap_or(StageIx::new(0)),
                        h.close.as_ref().map(|c| c.value),
                        h.note.as_deref().unwrap_or(""),
                    )
                })
                .collect()
        };
        for (n, (date, six, close, note)) in hist.iter().enumerate() {
            let st = &stages[six.get().min(stages.len().saturating_sub(1))];
            // An entry repeating the stage only records a new close date.
            let same = n > 0 && prev_ix == Some(*six);
            let back = prev_ix.is_some_and(|p| *six < p);
            let kind = match st.outcome {
                Some(crate::model::Outcome::Won) => "won",
                Some(crate::model::Outcome::Lost) => "lost",
                None if back => "back",
                None => "stage",
            };
            let mut text = i.fill("entered_stage", &[("stage", &st.name)]);
            if back {
                text = format!("{text} ({})", i.get("moved_back"));
            }
            if !same || !note.is_empty() {
                events.push(Event {
                    date: date.to_string(),
                    kind,
                    text,
                    note: note.to_string(),
                });
            }
            if let Some(c) = close {
                if let Some(pc) = prev_close
                    && pc != *c
                {
                    events.push(self.close_event(date.to_string(), pc, *c));
                }
                prev_close = Some(*c);
                closes.push(*c);
            }
            let end = hist.get(n + 1).map(|h| h.0).unwrap_or(if open {
                a.as_of.max(*date)
            } else {
                *date
            });
            match segs.last_mut() {
                Some(last) if same => last.to = end,
                _ => segs.push(Segment {
                    from: *date,
                    to: end,
                    stage: st.name.clone(),
                    ix: six.get(),
                    back,
                    outcome: st.outcome.map(|o| o.as_str()),
                }),
            }
            prev_ix = Some(*six);
        }
        if let Some(c) = row.close {
            if let Some(pc) = prev_close
                && pc != c
            {
                events.push(self.close_event(crate::fmt::NONE.into(), pc, c));
            }
            closes.push(c);
        }
        let stakeholders = {
            let acc = self.p.account_of(d);
            d.stakeholders
                .iter()
                .map(|s| {
                    let id = s.contact.value.as_str();
                    let who = self.contact_cells(acc.and_then(|x| x.contact(id)), id);
                    StakeholderLine {
                        name: who.name,
                        title: who.title,
                        role: self.label_tag("buying", s.role.as_str()),
                        attitude: self.label_tag("attitude", s.attitude.as_str()),
                        influence: who.influence,
                        note: s.note.clone().unwrap_or_default(),
                    }
                })
                .collect()
        };
        let mut members = vec![MemberLine {
            person: line.owner.clone(),
            role: i.get("owner").into(),
        }];
        members.extend(d.members.iter().map(|m| {
            let id = m.person.value.as_str();
            MemberLine {
                person: self.person_link(id),
                role: m
                    .role
                    .or_else(|| self.p.person(id).map(|x| x.role))
                    .map(|r| i.of("role", r.as_str()).to_string())
                    .unwrap_or_default(),
            }
        }));
        DealView {
            id: row.id.to_string(),
            name: row.name.to_string(),
            account: line.account.clone(),
            owner: line.owner.clone(),
            stage: row.stage_name.to_string(),
            status: line.status.clone(),
            cards,
            facts,
            risks,
            chart_timeline: charts::responsive("chart-timeline", |id, w| {
                charts::timeline(
                    id,
                    &charts::Timeline {
                        title: i.get("timeline"),
                        desc: i.get("timeline_chart_desc"),
                        segments: &segs,
                        closes: &closes,
                        as_of: a.as_of,
                        as_of_word: i.get("today_marker"),
                    },
                    w,
                )
            }),
            events,
            stakeholders,
            members,
            pains: d.pains.clone(),
            decision_process: d.decision_process.clone().unwrap_or_default(),
            value_proof: d.value_proof.clone().unwrap_or_default(),
            lost_reason: row.lost_reason.unwrap_or_default().to_string(),
            notes_html: markdown::render(&d.notes),
            changes: self.changes_of(d.id.as_str()),
        }
    }

    /// The risk signals of the deal at position `deal` of the pipeline,
    /// with their reasons in the site's language.
    pub(super) fn deal_risks(&self, deal: DealIx) -> Vec<DealRisk> {
        self.a
            .risks_of(deal)
            .iter()
            .map(|r| DealRisk {
                signal: self.signal_tag(r.code()),
                reason: r.reason(self.p, self.locale()),
            })
            .collect()
    }

    fn close_event(&self, date: String, from: Date, to: Date) -> Event {
        let days = (to - from).get_days() as i64;
        let (kind, change) = if days > 0 {
            ("slip", self.i.count("slipped_by", days as usize))
        } else {
            ("pull", self.i.count("pulled_in_by", (-days) as usize))
        };
        Event {
            date,
            kind,
            text: format!(
                "{} ({change})",
                self.i.fill(
                    "close_moved",
                    &[("from", &from.to_string()), ("to", &to.to_string())]
                )
            ),
            note: String::new(),
        }
    }
}
