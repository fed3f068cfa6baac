//! `team.html`, `teams/<id>.html` and `people/<id>.html`: the leaderboard and
//! the pages of teams and people.

use super::cells::{Kpi, Link, Section};
use super::lines::{AccountLine, DealLine, PerfLine, RiskLine};
use super::{Site, by_close, paths, plausible_email};
use crate::analytics::Status;
use crate::period::Period;
use crate::site::charts::StackBar;
use serde::Serialize;

/// `team.html`.
#[derive(Debug, Serialize)]
pub struct TeamBoard {
    /// The quarter.
    pub quarter: String,
    /// The fiscal year.
    pub year: String,
    /// People, this quarter.
    pub people_quarter: Vec<PerfLine>,
    /// People, this year.
    pub people_year: Vec<PerfLine>,
    /// Teams, this quarter.
    pub teams_quarter: Vec<PerfLine>,
    /// Teams, this year.
    pub teams_year: Vec<PerfLine>,
}

/// `teams/<id>.html`.
#[derive(Debug, Serialize)]
pub struct TeamView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Manager.
    pub manager: Option<Link>,
    /// Headline figures of the quarter.
    pub cards: Vec<Kpi>,
    /// Quarters chart (SVG).
    pub chart_quarters: String,
    /// Members chart for the quarter (SVG).
    pub chart_members: String,
    /// Members, this quarter.
    pub members_quarter: Vec<PerfLine>,
    /// Members, this year.
    pub members_year: Vec<PerfLine>,
    /// The quarter.
    pub quarter: String,
    /// The year.
    pub year: String,
    /// Risks on the team's deals.
    pub risks: Section<RiskLine>,
}

/// `people/<id>.html`.
#[derive(Debug, Serialize)]
pub struct PersonView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role label.
    pub role: String,
    /// Team.
    pub team: Option<Link>,
    /// E-mail.
    pub email: String,
    /// Whether `email` can be a `mailto:` link.
    pub email_ok: bool,
    /// Teams they manage.
    pub manages: Vec<Link>,
    /// Headline figures.
    pub cards: Vec<Kpi>,
    /// Quarters chart (SVG).
    pub chart_quarters: String,
    /// The quarter.
    pub quarter: String,
    /// Open deals they own, by close date.
    pub open_deals: Section<DealLine>,
    /// Deals they own closed this fiscal year, latest first.
    pub closed_deals: Section<DealLine>,
    /// Open deals they are on the team of (not owner).
    pub member_of: Section<DealLine>,
    /// Risks on their deals.
    pub risks: Section<RiskLine>,
    /// Accounts they own, overdue first.
    pub accounts: Section<AccountLine>,
}

impl Site<'_> {
    /// The leaderboard.
    pub fn team_board(&self) -> TeamBoard {
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let pick = |p: Period, kind: &str| -> Vec<PerfLine> {
            self.a
                .performance
                .iter()
                .filter(|r| r.period == p && r.scope.kind == kind)
                .map(|r| self.perf_line(r))
                .collect()
        };
        TeamBoard {
            quarter: q.to_string(),
            year: y.to_string(),
            people_quarter: pick(q, "person"),
            people_year: pick(y, "person"),
            teams_quarter: pick(q, "team"),
            teams_year: pick(y, "team"),
        }
    }

    fn perf_cards(&self, kind: &'static str, id: &str) -> Vec<Kpi> {
        let (fm, i) = (&self.fm, &self.i);
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let mut cards = Vec::new();
        for (key, p) in [("won", q), ("won_year", y)] {
            let f = self.forecast(p, kind, Some(id));
            cards.push(
                self.won_card(
                    key,
                    i.get("won"),
                    f.map(|f| f.won).unwrap_or_default(),
                    f.and_then(|f| f.target),
                    f.and_then(|f| f.attainment),
                )
                .window(self.window_of(p))
                .href(paths::period(&p.to_string())),
            );
        }
        if let Some(f) = self.forecast(q, kind, Some(id)) {
            let quarter = self.window_of(q);
            cards.push(self.commit_card(f.commit, f.target).window(quarter.clone()));
            cards.push(
                Kpi::money(
                    "weighted",
                    i.get("weighted"),
                    fm,
                    f.weighted,
                    i.get("weighted_sub"),
                )
                .window(quarter.clone()),
            );
            cards.push(self.coverage_card(f.coverage, f.gap).window(quarter));
        }
        if let Some(r) = self.perf(y, kind, Some(id)) {
            cards.push(
                Kpi::new(
                    "win_rate",
                    i.get("win_rate"),
                    fm.percent(r.win_rate),
                    format!(
                        "{} {} · {} {}",
                        fm.count(r.deals_won),
                        i.get("status_won"),
                        fm.count(r.deals_lost),
                        i.get("status_lost")
                    ),
                )
                .window(self.window_of(y)),
            );
            cards.push(
                Kpi::new(
                    "open_risks",
                    i.get("open_risks"),
                    fm.count(r.open_risks),
                    format!(
                        "{} {}",
                        i.get("overdue_follow_ups"),
                        fm.count(r.overdue_follow_ups)
                    ),
                )
                .window(i.get("window_open"))
                .tone(if r.open_risks > 0 { "poor" } else { "" }),
            );
        }
        cards
    }

    /// The page of team `ix`.
    pub fn team_page(&self, ix: usize) -> TeamView {
        let t = &self.p.teams[ix];
        let id = t.id.value.as_str();
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let members: Vec<&str> = self
            .p
            .people
            .iter()
            .filter(|x| x.team.as_ref().is_some_and(|tt| tt.value.as_str() == id))
            .map(|x| x.id.value.as_str())
            .collect();
        let member = |kind: &str, id: Option<&str>| {
            kind == "person" && id.is_some_and(|x| members.contains(&x))
        };
        let pick = |p: Period| -> Vec<PerfLine> {
            self.a
                .performance
                .iter()
                .filter(|r| r.period == p && member(r.scope.kind, r.scope.id.as_deref()))
                .map(|r| self.perf_line(r))
                .collect()
        };
        let bars: Vec<StackBar> = self
            .a
            .forecast
            .iter()
            .filter(|r| r.period == q && member(r.scope.kind, r.scope.id.as_deref()))
            .map(|r| self.stack(r, r.scope.name.clone()))
            .collect();
        let risks = self.largest_risks_first(
            members
                .iter()
                .flat_map(|m| self.risks_of_owner.get(m).into_iter().flatten().copied())
                .collect(),
        );
        TeamView {
            id: id.to_string(),
            name: t.name.clone(),
            manager: t
                .manager
                .as_ref()
                .map(|m| self.person_link(m.value.as_str())),
            cards: self.perf_cards("team", id),
            chart_quarters: self.quarter_chart("chart-quarters", "team", Some(id)),
            chart_members: self.scopes_chart("chart-members", &q.to_string(), &bars),
            members_quarter: pick(q),
            members_year: pick(y),
            quarter: q.to_string(),
            year: y.to_string(),
            risks: self.section(&risks, |k| self.risk_line(&self.a.risks[k])),
        }
    }

    /// Risks (indices) by amount, the largest first, then by signal.
    fn largest_risks_first(&self, mut risks: Vec<usize>) -> Vec<usize> {
        risks.sort_by_key(|&k| {
            let r = &self.a.risks[k];
            (std::cmp::Reverse(r.amount), r.signal.index(), k)
        });
        risks
    }

    /// The page of person `ix`.
    pub fn person_page(&self, ix: usize) -> PersonView {
        let x = &self.p.people[ix];
        let id = x.id.value.as_str();
        let a = self.a;
        let year = self.a.current.year;
        let owned = self
            .deals_of_owner
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut open: Vec<usize> = owned
            .iter()
            .copied()
            .filter(|&k| a.deals[k].status == Status::Open)
            .collect();
        open.sort_by(|&p, &q| by_close(&a.deals[p], &a.deals[q], true));
        let mut closed: Vec<usize> = owned
            .iter()
            .copied()
            .filter(|&k| {
                a.deals[k].status != Status::Open
                    && a.deals[k].close.is_some_and(|c| self.cal.contains(year, c))
            })
            .collect();
        closed.sort_by(|&p, &q| by_close(&a.deals[p], &a.deals[q], false));
        // Deals they work on as a team member (open ones).
        let member_of: Vec<usize> = self
            .deals_of_member
            .get(id)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&k| {
                let f = &a.deals[k];
                f.status == Status::Open && self.p.deals[f.deal].owner.value.as_str() != id
            })
            .collect();
        let risks =
            self.largest_risks_first(self.risks_of_owner.get(id).cloned().unwrap_or_default());
        let mut accounts: Vec<usize> = self.accounts_of_owner.get(id).cloned().unwrap_or_default();
        accounts.sort_by(|&p, &q| {
            let (hp, hq) = (&a.accounts[p], &a.accounts[q]);
            hq.follow_up_overdue
                .cmp(&hp.follow_up_overdue)
                .then(hp.follow_up_due.cmp(&hq.follow_up_due))
                .then_with(|| hp.id.cmp(&hq.id))
        });
        let manages = self
            .p
            .teams
            .iter()
            .filter(|t| t.manager.as_ref().is_some_and(|m| m.value.as_str() == id))
            .map(|t| self.team_link(t.id.value.as_str()))
            .collect();
        let reported = self
            .forecast(a.current.quarter, "person", Some(id))
            .is_some();
        PersonView {
            id: id.to_string(),
            name: x.name.clone(),
            role: self.i.of("role", x.role.as_str()).into(),
            team: x.team.as_ref().map(|t| self.team_link(t.value.as_str())),
            email: x.email.clone().unwrap_or_default(),
            email_ok: x.email.as_deref().is_some_and(plausible_email),
            manages,
            cards: if reported {
                self.perf_cards("person", id)
            } else {
                Vec::new()
            },
            chart_quarters: if reported {
                self.quarter_chart("chart-quarters", "person", Some(id))
            } else {
                String::new()
            },
            quarter: a.current.quarter.to_string(),
            open_deals: self.section(&open, |k| self.deal_line(&self.row(k))),
            closed_deals: self.section(&closed, |k| self.deal_line(&self.row(k))),
            member_of: self.section(&member_of, |k| self.deal_line(&self.row(k))),
            risks: self.section(&risks, |k| self.risk_line(&a.risks[k])),
            accounts: self.section(&accounts, |k| self.account_line(&a.accounts[k])),
        }
    }
}
