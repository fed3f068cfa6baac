//! `team.html`, `teams/<id>.html` and `people/<id>.html`: the leaderboard and
//! the pages of teams and people.

use super::call::CallView;
use super::cells::{Kpi, Link, Section};
use super::lines::{AccountLine, DealLine, PerfLine, RiskLine};
use super::{Site, by_close, plausible_email};
use crate::analytics::ScopeKind;
use crate::analytics::Status;
use crate::analytics::performance::Performance;
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
    pub people_quarter: Board,
    /// People, this year.
    pub people_year: Board,
    /// Teams, this quarter.
    pub teams_quarter: Board,
    /// Teams, this year.
    pub teams_year: Board,
}

/// A leaderboard: those with a target ranked by attainment (then won),
/// those without one listed apart, unranked.
#[derive(Debug, Serialize)]
pub struct Board {
    /// With a target, best first; `rank` counts from 1 within the board.
    pub ranked: Vec<PerfLine>,
    /// Without a target (their figures, no rank).
    pub unranked: Vec<PerfLine>,
    /// How many in all.
    pub total: usize,
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
    /// Members, this quarter, ranked within the team.
    pub members_quarter: Board,
    /// Members, this year, ranked within the team.
    pub members_year: Board,
    /// The quarter.
    pub quarter: String,
    /// The year.
    pub year: String,
    /// Risks on the team's deals.
    pub risks: Section<RiskLine>,
    /// The forecast call of the quarter.
    pub call: CallView,
    /// The quarter's forecast trend (with a git history).
    pub trend: Option<super::TrendView>,
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
    /// The forecast call of the quarter (for people with figures).
    pub call: Option<CallView>,
    /// The quarter's forecast trend (with a git history).
    pub trend: Option<super::TrendView>,
}

impl Site<'_> {
    /// A leaderboard of performance rows in the analytics' order (by rank):
    /// ranks recounted among those with a target.
    pub(super) fn board<'p>(&self, rows: impl Iterator<Item = &'p Performance>) -> Board {
        let mut ranked = Vec::new();
        let mut unranked = Vec::new();
        for r in rows {
            let mut line = self.perf_line(r);
            if r.target.is_some() {
                line.rank = ranked.len() + 1;
                ranked.push(line);
            } else {
                unranked.push(line);
            }
        }
        Board {
            total: ranked.len() + unranked.len(),
            ranked,
            unranked,
        }
    }

    /// The leaderboard.
    pub fn team_board(&self) -> TeamBoard {
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let pick = |p: Period, kind: ScopeKind| -> Board {
            self.board(
                self.a
                    .performance
                    .iter()
                    .filter(|r| r.period == p && r.scope.kind == kind),
            )
        };
        TeamBoard {
            quarter: q.to_string(),
            year: y.to_string(),
            people_quarter: pick(q, ScopeKind::Person),
            people_year: pick(y, ScopeKind::Person),
            teams_quarter: pick(q, ScopeKind::Team),
            teams_year: pick(y, ScopeKind::Team),
        }
    }

    fn perf_cards(&self, kind: ScopeKind, id: &str) -> Vec<Kpi> {
        let (fm, i) = (&self.fm, &self.i);
        let q = self.a.current.quarter;
        let y = self.a.current.year;
        let mut cards = Vec::new();
        // Each card links to the list of the deals it sums.
        let lq = self.forecast_links(q, kind, Some(id));
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
                .href(self.forecast_links(p, kind, Some(id)).won),
            );
        }
        if let Some(f) = self.forecast(q, kind, Some(id)) {
            let quarter = self.window_of(q);
            cards.push(
                self.commit_card(f.commit, f.target)
                    .window(quarter.clone())
                    .href(lq.commit.clone()),
            );
            cards.push(
                Kpi::money(
                    "weighted",
                    i.get("weighted"),
                    fm,
                    f.weighted,
                    i.get("weighted_sub"),
                )
                .window(quarter.clone())
                .href(lq.pipeline.clone()),
            );
            cards.push(
                self.coverage_card(f.coverage, f.gap)
                    .window(quarter)
                    .href(lq.open.clone()),
            );
        }
        let links = self.perf_links(y, kind, Some(id));
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
                .window(self.window_of(y))
                .href(links.closed.clone()),
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
                .tone(if r.open_risks > 0 { "poor" } else { "" })
                .href(links.risks.clone()),
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
        let member = |kind: ScopeKind, id: Option<&str>| {
            kind == ScopeKind::Person && id.is_some_and(|x| members.contains(&x))
        };
        let pick = |p: Period| -> Board {
            self.board(
                self.a
                    .performance
                    .iter()
                    .filter(|r| r.period == p && member(r.scope.kind, r.scope.id.as_deref())),
            )
        };
        let bars: Vec<StackBar> = self
            .a
            .forecast
            .iter()
            .filter(|r| r.period == q && member(r.scope.kind, r.scope.id.as_deref()))
            .map(|r| self.stack(r, r.scope.name.clone(), "../"))
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
            cards: self.perf_cards(ScopeKind::Team, id),
            chart_quarters: self.quarter_chart("chart-quarters", ScopeKind::Team, Some(id), "../"),
            chart_members: self.scopes_chart("chart-members", &q.to_string(), &bars),
            members_quarter: pick(q),
            members_year: pick(y),
            quarter: q.to_string(),
            year: y.to_string(),
            risks: self.section(&risks, |k| self.risk_line(&self.a.risks[k])),
            call: self.call_view(q, ScopeKind::Team, Some(id)),
            trend: self.trend_of(ScopeKind::Team, Some(id)),
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
            .forecast(a.current.quarter, ScopeKind::Person, Some(id))
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
                self.perf_cards(ScopeKind::Person, id)
            } else {
                Vec::new()
            },
            chart_quarters: if reported {
                self.quarter_chart("chart-quarters", ScopeKind::Person, Some(id), "../")
            } else {
                String::new()
            },
            quarter: a.current.quarter.to_string(),
            open_deals: self.section(&open, |k| self.deal_line(k)),
            closed_deals: self.section(&closed, |k| self.deal_line(k)),
            member_of: self.section(&member_of, |k| self.deal_line(k)),
            risks: self.section(&risks, |k| self.risk_line(&a.risks[k])),
            accounts: self.section(&accounts, |k| self.account_line(&a.accounts[k])),
            call: reported.then(|| self.call_view(a.current.quarter, ScopeKind::Person, Some(id))),
            trend: self.trend_of(ScopeKind::Person, Some(id)),
        }
    }
}
