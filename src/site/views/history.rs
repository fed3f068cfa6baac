//! What the site shows from the git history, when it has one: the Trends
//! page (the current quarter's forecast trend as a chart and a table,
//! forecast accuracy per closed quarter by team and person, the bias),
//! the "Since last week" panel of the dashboard and the forecast page
//! (the waterfall and the deals behind each bucket), a trend chart on
//! each team and person page, and each deal's Changes.
//!
//! [`SiteHistory`] computes what the pages share once per build.

use super::cells::{Fact, Link, Num, num_count, num_money, num_opt_money};
use super::{Site, paths};
use crate::analytics::ScopeKind;
use crate::analytics::ScopeRef;
use crate::history::accuracy::{self, Accuracy};
use crate::history::changes::{EntryKind, FieldChange};
use crate::history::trend::{self, Trend};
use crate::history::weekly::{self, DealMove, Weekly};
use crate::history::{History, ScopeId};
use crate::money::{Money, Ratio};
use crate::site::charts;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// Deals listed behind a bucket of "Since last week" (the largest first).
pub const BUCKET_DEALS: usize = 8;

/// Changes listed on a deal page (the latest).
pub const CHANGE_ROWS: usize = 200;

/// What the history pages share, computed once per build.
pub struct SiteHistory<'a> {
    /// The history.
    pub h: &'a History,
    trends: HashMap<ScopeId, Trend>,
    weekly: Option<Weekly>,
    accuracy: Accuracy,
}

impl<'a> SiteHistory<'a> {
    /// Prepares the history's figures for the site.
    pub fn new(h: &'a History) -> SiteHistory<'a> {
        let scopes = trend::scopes(h);
        let trends = scopes
            .iter()
            .map(|s| ((s.kind, s.id.clone()), trend::trend(h, s)))
            .collect();
        SiteHistory {
            h,
            trends,
            weekly: weekly::last(h, &(ScopeKind::Org, None)),
            accuracy: accuracy::accuracy(h, &scopes),
        }
    }
}

/// The trend of one scope: a chart and its figures.
#[derive(Debug, Serialize)]
pub struct TrendView {
    /// Id of its figures table.
    pub id: String,
    /// The period.
    pub period: String,
    /// Chart (SVG).
    pub chart: String,
    /// One row per snapshot, the latest last.
    pub rows: Vec<TrendRow>,
}

/// One snapshot of a trend.
#[derive(Debug, Serialize)]
pub struct TrendRow {
    /// Date.
    pub date: String,
    /// Commit (short id) or "working tree".
    pub label: String,
    /// Why it has no figures ("" when it has).
    pub invalid: String,
    /// Won.
    pub won: Num,
    /// Commit.
    pub commit: Num,
    /// Best case.
    pub best_case: Num,
    /// Pipeline.
    pub pipeline: Num,
    /// Weighted.
    pub weighted: Num,
    /// Target.
    pub target: Num,
    /// Open deals closing in the period.
    pub open_deals: Num,
}

/// A deal behind a bucket, linked.
#[derive(Debug, Serialize)]
pub struct DealAmount {
    /// The deal (a link when it still exists).
    pub link: Link,
    /// Its share of the bucket.
    pub amount: String,
}

/// One line of the "Since last week" waterfall.
#[derive(Debug, Serialize)]
pub struct SinceRow {
    /// Bucket key (`start`, `new`, …, `end`).
    pub key: &'static str,
    /// Label.
    pub label: String,
    /// Signed amount for flows, plain for start and end.
    pub amount: Num,
    /// Deals counted.
    pub deals: usize,
    /// The deals, the largest first.
    pub links: Vec<DealAmount>,
    /// "and 3 more" when cut.
    pub more: String,
}

/// A count of deals that moved one way, with their names.
#[derive(Debug, Serialize)]
pub struct MoveGroup {
    /// "created", "advanced", …
    pub key: &'static str,
    /// Label.
    pub label: String,
    /// How many.
    pub n: usize,
    /// The deals.
    pub links: Vec<Link>,
}

/// The "Since last week" panel.
#[derive(Debug, Serialize)]
pub struct SinceView {
    /// The line under the title.
    pub lede: String,
    /// The quarter's waterfall, start to end.
    pub rows: Vec<SinceRow>,
    /// Open amount of all deals at the start and now.
    pub all_open: String,
    /// Deals created, advanced, moved back, won, lost, pushed (those with
    /// any).
    pub moves: Vec<MoveGroup>,
    /// Snapshots with errors skipped in between ("" when none).
    pub skipped: String,
    /// Whether nothing flowed.
    pub quiet: bool,
}

/// One scope's accuracy in a closed quarter.
#[derive(Debug, Serialize)]
pub struct AccuracyRow {
    /// Who.
    pub who: Link,
    /// The organisation, a team or a person.
    pub kind: ScopeKind,
    /// Final won.
    pub actual: Num,
    /// Accuracy of the commit call at the weeks shown.
    pub calls: Vec<Num>,
    /// Mean absolute error of the commit calls.
    pub error: Num,
    /// Their bias.
    pub bias: Num,
    /// Mean absolute error of the weighted calls.
    pub weighted_error: Num,
    /// Their bias.
    pub weighted_bias: Num,
}

/// The accuracy table of one closed quarter.
#[derive(Debug, Serialize)]
pub struct AccuracyTable {
    /// The quarter.
    pub period: String,
    /// Headers of the weeks shown.
    pub weeks: Vec<String>,
    /// Rows: the organisation, each team followed by its people.
    pub rows: Vec<AccuracyRow>,
}

/// One scope's bias over the last quarters.
#[derive(Debug, Serialize)]
pub struct BiasRow {
    /// Who.
    pub who: Link,
    /// The organisation, a team or a person.
    pub kind: ScopeKind,
    /// Quarters averaged.
    pub quarters: usize,
    /// Mean of the quarters' commit biases.
    pub commit: Num,
    /// Mean of the quarters' weighted biases.
    pub weighted: Num,
}

/// A team's trend on the Trends page.
#[derive(Debug, Serialize)]
pub struct TeamTrend {
    /// The team, linked.
    pub team: Link,
    /// Its trend.
    pub trend: TrendView,
}

/// `trends.html`.
#[derive(Debug, Serialize)]
pub struct TrendsView {
    /// The period.
    pub period: String,
    /// The line under the title.
    pub lede: String,
    /// The organisation's trend.
    pub trend: TrendView,
    /// Each team's trend.
    pub teams: Vec<TeamTrend>,
    /// Since last week.
    pub since: Option<SinceView>,
    /// Per closed quarter, the latest first.
    pub accuracy: Vec<AccuracyTable>,
    /// Bias per scope.
    pub bias: Vec<BiasRow>,
    /// Where the history starts and what else to know.
    pub notes: Vec<String>,
}

/// A deal's change, on its page.
#[derive(Debug, Serialize)]
pub struct ChangeRow {
    /// Date.
    pub date: String,
    /// Commit short id, or "working tree".
    pub commit: String,
    /// Author.
    pub author: String,
    /// `added`, `changed`, `renamed`, `removed`, `unreadable`.
    pub kind: &'static str,
    /// What changed, one line per field.
    pub what: Vec<String>,
}

/// A deal's Changes section.
#[derive(Debug, Serialize)]
pub struct ChangesView {
    /// Push count, days pushed, first and last seen, the stage source.
    pub facts: Vec<Fact>,
    /// The latest first.
    pub rows: Vec<ChangeRow>,
    /// "and 12 more" when cut.
    pub more: String,
}

fn kind_of(e: EntryKind) -> &'static str {
    match e {
        EntryKind::Added => "added",
        EntryKind::Changed => "changed",
        EntryKind::Renamed => "renamed",
        EntryKind::Removed => "removed",
        EntryKind::Unreadable => "unreadable",
    }
}

impl Site<'_> {
    /// A signed ratio as a percentage: "+12.5%".
    fn signed(&self, r: Option<Ratio>) -> Num {
        let mut n = super::cells::num_or_none(r, |r| self.fm.percent(Some(r)));
        if let Some(r) = r
            && r.get().is_sign_positive()
            && !r.get().is_zero()
        {
            n.s = format!("+{}", n.s);
        }
        n
    }

    fn scope_who(&self, s: &ScopeRef) -> Link {
        self.scope_link(s.kind, s.id.as_deref(), &s.name)
    }

    fn trend_view(&self, t: &Trend, id: &str) -> TrendView {
        let (i, fm) = (&self.i, &self.fm);
        let period = t.period.to_string();
        let points: Vec<charts::TrendPt> = t
            .points
            .iter()
            .map(|p| charts::TrendPt {
                date: p.date,
                values: match (p.errors, p.won, p.commit, p.best_case, p.weighted) {
                    (0, Some(a), Some(b), Some(c), Some(d)) => Some([a, b, c, d]),
                    _ => None,
                },
                target: p.target,
            })
            .collect();
        let title = i.fill("trend_for", &[("period", &period)]);
        let desc = i.fill("trend_chart_desc", &[("period", &period)]);
        let chart = charts::responsive(id, |id, w| {
            charts::trend(id, &title, &desc, &points, fm, i, w)
        });
        let opt = |m: Option<Money>| num_opt_money(fm, m);
        let rows =
            t.points
                .iter()
                .map(|p| TrendRow {
                    date: p.date.to_string(),
                    label: if p.label == "working tree" {
                        i.get("working_tree").to_string()
                    } else {
                        p.label.clone()
                    },
                    invalid: if p.errors > 0 {
                        i.fill("invalid_snapshot_n", &[("n", &fm.count(p.errors))])
                    } else {
                        String::new()
                    },
                    won: opt(p.won),
                    commit: opt(p.commit),
                    best_case: opt(p.best_case),
                    pipeline: opt(p.pipeline),
                    weighted: opt(p.weighted),
                    target: opt(p.target),
                    open_deals: p.open_deals.map(|n| num_count(fm, n)).unwrap_or_else(|| {
                        super::cells::num_or_none(None::<usize>, |n| n.to_string())
                    }),
                })
                .collect();
        TrendView {
            id: format!("{id}-table"),
            period,
            chart,
            rows,
        }
    }

    /// The trend of a scope (`kind`, `id`), when the site has a history.
    pub fn trend_of(&self, kind: ScopeKind, id: Option<&str>) -> Option<TrendView> {
        let sh = self.history()?;
        let t = sh.trends.get(&(kind, id.map(str::to_string)))?;
        let chart_id = match id {
            Some(id) => format!("chart-trend-{kind}-{id}"),
            None => "chart-trend".to_string(),
        };
        Some(self.trend_view(t, &chart_id))
    }

    fn deal_amount(&self, d: &DealMove, amount: Money) -> DealAmount {
        DealAmount {
            link: if d.exists {
                Link::to(d.name.clone(), paths::deal(&d.id))
            } else {
                Link::text(d.name.clone())
            },
            amount: self.fm.money(amount),
        }
    }

    /// The "Since last week" panel, when the site has a history.
    pub fn since_panel(&self) -> Option<SinceView> {
        let sh = self.history()?;
        let w = sh.weekly.as_ref()?;
        let (i, fm) = (&self.i, &self.fm);
        let period = sh.h.timeline.period.to_string();
        let label = |l: &str| {
            if l == "working tree" {
                i.get("working_tree").to_string()
            } else {
                l.to_string()
            }
        };
        let wf = &w.period;
        let mut rows = vec![SinceRow {
            key: "start",
            label: i.get("bucket_start").into(),
            amount: num_money(fm, wf.start.amount),
            deals: wf.start.deals,
            links: Vec::new(),
            more: String::new(),
        }];
        for (name, bucket, sign) in wf.flows() {
            if bucket.deals == 0 {
                continue;
            }
            let deals = w
                .period_deals
                .iter()
                .find(|b| b.bucket == name)
                .map(|b| b.deals.as_slice())
                .unwrap_or(&[]);
            let mut amount = num_money(fm, bucket.amount);
            amount.s = format!("{}{}", if sign < 0 { "−" } else { "+" }, amount.s);
            rows.push(SinceRow {
                key: name,
                label: i.get(&format!("bucket_{name}")).into(),
                amount,
                deals: bucket.deals,
                links: deals
                    .iter()
                    .take(BUCKET_DEALS)
                    .map(|b| self.deal_amount(&b.deal, b.amount))
                    .collect(),
                more: if deals.len() > BUCKET_DEALS {
                    i.fill(
                        "and_n_more",
                        &[("n", &fm.count(deals.len() - BUCKET_DEALS))],
                    )
                } else {
                    String::new()
                },
            });
        }
        rows.push(SinceRow {
            key: "end",
            label: i.get("bucket_end").into(),
            amount: num_money(fm, wf.end.amount),
            deals: wf.end.deals,
            links: Vec::new(),
            more: String::new(),
        });
        let groups: [(&'static str, &str, &Vec<DealMove>); 6] = [
            ("created", "moved_created", &w.created),
            ("advanced", "moved_advanced", &w.advanced),
            ("moved_back", "moved_backward", &w.moved_back),
            ("won", "moved_won", &w.won),
            ("lost", "moved_lost", &w.lost),
            ("pushed", "moved_pushed", &w.pushed),
        ];
        let moves = groups
            .iter()
            .filter(|(_, _, list)| !list.is_empty())
            .map(|(key, label, list)| MoveGroup {
                key,
                label: i.get(label).into(),
                n: list.len(),
                links: list
                    .iter()
                    .take(BUCKET_DEALS)
                    .map(|d| {
                        if d.exists {
                            Link::to(d.name.clone(), paths::deal(&d.id))
                        } else {
                            Link::text(d.name.clone())
                        }
                    })
                    .collect(),
            })
            .collect();
        Some(SinceView {
            lede: i.fill(
                "since_lede",
                &[
                    ("from", &w.from.to_string()),
                    ("from_label", &label(&w.from_label)),
                    ("to", &w.to.to_string()),
                    ("to_label", &label(&w.to_label)),
                    ("period", &period),
                ],
            ),
            rows,
            all_open: format!(
                "{} → {}",
                fm.money(w.pipeline.start.amount),
                fm.money(w.pipeline.end.amount)
            ),
            moves,
            skipped: match w.skipped {
                0 => String::new(),
                n => i.fill("skipped_snapshots", &[("n", &fm.count(n))]),
            },
            quiet: !w.period.has_flows() && !w.pipeline.has_flows(),
        })
    }

    /// `trends.html` (only built when the site has a history).
    pub fn trends_page(&self) -> TrendsView {
        let sh = self.history().expect("trends page only with a history");
        let (i, fm) = (&self.i, &self.fm);
        let period = sh.h.timeline.period.to_string();
        let trend = self.trend_of(ScopeKind::Org, None).unwrap_or(TrendView {
            id: "chart-trend-table".into(),
            period: period.clone(),
            chart: String::new(),
            rows: Vec::new(),
        });
        let teams = self
            .p
            .teams
            .iter()
            .filter_map(|t| {
                let id = t.id.value.as_str();
                Some(TeamTrend {
                    team: self.team_link(id),
                    trend: self.trend_of(ScopeKind::Team, Some(id))?,
                })
            })
            .collect();
        let accuracy = sh
            .accuracy
            .periods
            .iter()
            .rev()
            .map(|pa| {
                let weeks = accuracy::shown_weeks(pa);
                AccuracyTable {
                    period: pa.period.to_string(),
                    weeks: weeks
                        .iter()
                        .map(|w| i.fill("week_n", &[("n", &w.to_string())]))
                        .collect(),
                    rows: pa
                        .scopes
                        .iter()
                        .map(|s| AccuracyRow {
                            who: self.scope_who(&s.scope),
                            kind: s.scope.kind,
                            actual: num_money(fm, s.actual),
                            calls: weeks
                                .iter()
                                .map(|&w| {
                                    let c = s.calls.get(w - 1);
                                    match c {
                                        Some(c) if c.errors > 0 => Num {
                                            v: String::new(),
                                            s: i.get("invalid_snapshot").into(),
                                        },
                                        Some(c) => self.ratio(c.commit_accuracy),
                                        None => self.ratio(None),
                                    }
                                })
                                .collect(),
                            error: self.ratio(s.commit_mae),
                            bias: self.signed(s.commit_bias),
                            weighted_error: self.ratio(s.weighted_mae),
                            weighted_bias: self.signed(s.weighted_bias),
                        })
                        .collect(),
                }
            })
            .collect();
        let bias = sh
            .accuracy
            .bias
            .iter()
            .map(|b| BiasRow {
                who: self.scope_who(&b.scope),
                kind: b.scope.kind,
                quarters: b.periods,
                commit: self.signed(b.commit),
                weighted: self.signed(b.weighted),
            })
            .collect();
        TrendsView {
            lede: i.fill("trends_lede", &[("period", &period)]),
            period,
            trend,
            teams,
            since: self.since_panel(),
            accuracy,
            bias,
            notes: sh.h.timeline.notes.clone(),
        }
    }

    fn ratio(&self, r: Option<Ratio>) -> Num {
        super::cells::num_ratio(&self.fm, r)
    }

    /// One field change as a line: "Close: 2026-11-15 → 2026-12-20".
    fn field_line(&self, f: &FieldChange) -> String {
        let i = &self.i;
        let shown = |v: &str| -> String {
            if v.is_empty() {
                match f.field {
                    "probability" | "forecast" => i.get("stage_default").into(),
                    _ => i.get("none_set").into(),
                }
            } else {
                match f.field {
                    "stage" => self
                        .p
                        .settings
                        .stages
                        .iter()
                        .find(|s| s.id.value.as_str() == v)
                        .map(|s| s.name.clone())
                        .unwrap_or_else(|| v.to_string()),
                    "owner" => self
                        .p
                        .person(v)
                        .map(|x| x.name.clone())
                        .unwrap_or_else(|| v.to_string()),
                    "forecast" => i.of("category", v).to_string(),
                    "amount" => {
                        // As written: "1200000" or "120000 USD".
                        let (n, cur) = v.split_once(' ').unwrap_or((v, &self.a.currency));
                        n.parse::<rust_decimal::Decimal>()
                            .map(|d| self.fm.money_in(d, cur))
                            .unwrap_or_else(|_| v.to_string())
                    }
                    _ => v.to_string(),
                }
            }
        };
        format!(
            "{}: {} → {}",
            i.get(&format!("field_{}", f.field)),
            shown(&f.from),
            shown(&f.to)
        )
    }

    /// A deal's Changes, when the site has a history.
    pub fn changes_of(&self, id: &str) -> Option<ChangesView> {
        let sh = self.history()?;
        let (i, fm) = (&self.i, &self.fm);
        let Some(log) = sh.h.log(id) else {
            return Some(ChangesView {
                facts: Vec::new(),
                rows: Vec::new(),
                more: String::new(),
            });
        };
        let source = match log.stage_source() {
            "history" => i.get("stage_source_history"),
            "git" => i.get("stage_source_git"),
            _ => i.get("stage_source_none"),
        };
        let facts = vec![
            Fact::text(i.get("push_count"), fm.count(log.push_count)),
            Fact::text(i.get("days_pushed"), log.days_pushed.to_string()),
            Fact::text(i.get("first_seen"), log.first_seen.to_string()),
            Fact::text(i.get("last_seen"), log.last_seen.to_string()),
            Fact::text(i.get("stage_source"), source),
        ];
        let rows: Vec<ChangeRow> = log
            .entries
            .iter()
            .rev()
            .take(CHANGE_ROWS)
            .map(|e| {
                let mut what: Vec<String> = match e.kind {
                    EntryKind::Added => vec![i.get("change_added").into()],
                    EntryKind::Removed => vec![i.get("change_removed").into()],
                    EntryKind::Unreadable => vec![i.fill(
                        "change_unreadable",
                        &[("n", &fm.count(e.errors.unwrap_or(0)))],
                    )],
                    EntryKind::Renamed => match (&e.from, &e.to) {
                        (Some(f), _) => vec![i.fill("change_renamed_from", &[("id", f)])],
                        (_, Some(t)) => vec![i.fill("change_renamed_to", &[("id", t)])],
                        _ => Vec::new(),
                    },
                    EntryKind::Changed => Vec::new(),
                };
                what.extend(e.fields.iter().map(|f| self.field_line(f)));
                ChangeRow {
                    date: e.date.to_string(),
                    commit: if e.commit.is_some() {
                        e.short.clone()
                    } else {
                        i.get("working_tree").into()
                    },
                    author: e.author.clone(),
                    kind: kind_of(e.kind),
                    what,
                }
            })
            .collect();
        let more = if log.entries.len() > CHANGE_ROWS {
            i.fill(
                "and_n_more",
                &[("n", &fm.count(log.entries.len() - CHANGE_ROWS))],
            )
        } else {
            String::new()
        };
        Some(ChangesView { facts, rows, more })
    }
}
