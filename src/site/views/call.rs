//! The forecast call view of a period for the organisation, a team or a
//! person: the deals behind the forecast grouped by category (closed won,
//! then the open commit, best case and pipeline), each group with its
//! subtotal and the running total, which is the forecast figure of the same
//! name (won, commit, best case, pipeline); the weighted subtotals add up to
//! the weighted forecast. The sums are taken over the deals themselves, so
//! the view shows that the figures reconcile (a test compares them with
//! the analytics).

use super::Site;
use super::cells::{Num, Totals, num_count, num_money};
use super::lines::DealLine;
use super::query::{Query, key};
use crate::analytics::ScopeKind;
use crate::analytics::Status;
use crate::model::Category;
use crate::money::Money;
use crate::period::Period;
use serde::Serialize;

/// Deals listed in each group of a call view (the largest first); the
/// group's figures count all of them.
pub const CALL_ROWS: usize = 200;

/// The call view of one period and scope.
#[derive(Debug, Serialize)]
pub struct CallView {
    /// The period.
    pub period: String,
    /// Closed won, commit, best case, pipeline.
    pub groups: Vec<CallGroup>,
    /// Deals in all groups.
    pub count: Num,
    /// Their amount (the pipeline).
    pub amount: Num,
    /// Their weighted amount (the weighted forecast).
    pub weighted: Num,
    /// The list of all of them.
    pub href: String,
}

/// One category of a call view.
#[derive(Debug, Serialize)]
pub struct CallGroup {
    /// `won`, `commit`, `best_case` or `pipeline`.
    pub key: &'static str,
    /// Its name.
    pub label: String,
    /// The forecast figure its running total is: "Won", "Commit"…
    pub running_label: String,
    /// How many deals.
    pub count: Num,
    /// Their amount.
    pub amount: Num,
    /// Their weighted amount.
    pub weighted: Num,
    /// This group's amount and every group's before it.
    pub running: Num,
    /// Its deals, the largest first (at most `CALL_ROWS`).
    pub rows: Vec<DealLine>,
    /// The group's footer (all its deals, also those not listed).
    pub totals: Totals,
    /// "Showing the 200 largest of 1,234." when cut.
    pub note: String,
    /// Open deals with a risk signal (commit: the call at risk), as "3 ·
    /// ¥1,200,000"; empty when none.
    pub at_risk: String,
    /// The list of the group's deals.
    pub href: String,
}

impl Site<'_> {
    /// The call view of `period` for a scope (`org`, or `team` or
    /// `person` with its id; empty for an unknown one).
    pub fn call_view(&self, period: Period, kind: ScopeKind, id: Option<&str>) -> CallView {
        let (a, fm, i) = (self.a, &self.fm, &self.i);
        let team = match (kind, id) {
            (ScopeKind::Team, Some(t)) => self.p.index.teams.get(t).copied(),
            _ => None,
        };
        let person = match (kind, id) {
            (ScopeKind::Person, Some(x)) => self.p.index.people.get(x).copied(),
            _ => None,
        };
        let in_scope = |k: usize| {
            let d = &a.deals[k];
            d.status != Status::Lost
                && d.close.is_some_and(|c| self.cal.contains(period, c))
                && match kind {
                    ScopeKind::Team => team.is_some() && d.team == team,
                    ScopeKind::Person => person.is_some() && d.owner == person,
                    _ => true,
                }
        };
        let mut groups: [Vec<usize>; 4] = Default::default();
        for k in (0..a.deals.len()).filter(|&k| in_scope(k)) {
            let d = &a.deals[k];
            let g = match (d.status, d.category) {
                (Status::Won, _) => 0,
                (_, Category::Commit) => 1,
                (_, Category::BestCase) => 2,
                _ => 3,
            };
            groups[g].push(k);
        }
        let scope = Query::new().period(period).scope(kind, id);
        let mut running = Money::ZERO;
        let (mut count, mut amount, mut weighted) = (0, Money::ZERO, Money::ZERO);
        let mut out = Vec::new();
        for (n, (mut rows, (key, label, figure))) in groups
            .into_iter()
            .zip([
                ("won", "call_won", "won"),
                ("commit", "call_commit", "commit"),
                ("best_case", "call_best_case", "best_case"),
                ("pipeline", "call_pipeline", "pipeline"),
            ])
            .enumerate()
        {
            rows.sort_by(|&x, &y| self.by_amount(x, y));
            let totals = self.deal_totals(&rows);
            let sum: Money = rows.iter().map(|&k| a.deals[k].amount_reporting).sum();
            let wsum: Money = rows.iter().map(|&k| a.deals[k].weighted).sum();
            running += sum;
            count += rows.len();
            amount += sum;
            weighted += wsum;
            let risky: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&k| n > 0 && !a.deals[k].risks.is_empty())
                .collect();
            let at_risk = if risky.is_empty() {
                String::new()
            } else {
                let m: Money = risky.iter().map(|&k| a.deals[k].amount_reporting).sum();
                i.fill(
                    if n == 1 {
                        "call_commit_at_risk"
                    } else {
                        "call_at_risk"
                    },
                    &[("n", &fm.count(risky.len())), ("amount", &fm.money(m))],
                )
            };
            let total = rows.len();
            rows.truncate(CALL_ROWS);
            let q = scope.clone().and(key::CAT, key);
            out.push(CallGroup {
                key,
                label: i.get(label).into(),
                running_label: i.get(figure).into(),
                count: num_count(fm, total),
                amount: num_money(fm, sum),
                weighted: num_money(fm, wsum),
                running: num_money(fm, running),
                note: self.cut_note("show_more_in", rows.len(), total),
                rows: self.deal_lines(rows.into_iter()),
                totals,
                at_risk,
                href: self.deals_href(&q),
            });
        }
        CallView {
            period: period.to_string(),
            groups: out,
            count: num_count(fm, count),
            amount: num_money(fm, amount),
            weighted: num_money(fm, weighted),
            href: self.deals_href(&scope.and(key::CAT, "won,open")),
        }
    }
}
