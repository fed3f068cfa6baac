//! The history as one versioned JSON document (docs/history-json.md), and
//! the selection of scopes a `--person` or `--team` asks for, which every
//! output format shares.

use super::accuracy::{self, Accuracy};
use super::cadence::Every;
use super::changes::DealLog;
use super::trend::{self, Trend};
use super::weekly::{self, Weekly};
use super::{HISTORY_VERSION, History, ScopeId, Stats};
use crate::analytics::ScopeKind;
use crate::analytics::{Focus, ScopeRef};
use crate::period::Period;
use jiff::civil::Date;
use serde::Serialize;

/// What to show: the scopes kept by the focus, the focus itself first.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The scope of the headline tables (the organisation by default).
    pub focus: ScopeRef,
    /// Every scope kept: all without a focus; a team and its people; a
    /// person.
    pub scopes: Vec<ScopeRef>,
}

/// The scopes of the history selected by `focus`.
pub fn select(h: &History, focus: Option<&Focus>) -> Selection {
    let all = trend::scopes(h);
    let org = all
        .iter()
        .find(|s| s.kind == ScopeKind::Org)
        .cloned()
        .unwrap_or(ScopeRef {
            kind: ScopeKind::Org,
            id: None,
            name: String::new(),
        });
    match focus {
        None => Selection {
            focus: org,
            scopes: all,
        },
        Some(Focus::Person(id)) => {
            let s = all
                .iter()
                .find(|s| s.kind == ScopeKind::Person && s.id.as_deref() == Some(id.as_str()))
                .cloned()
                .unwrap_or(ScopeRef {
                    kind: ScopeKind::Person,
                    id: Some(id.to_string()),
                    name: id.to_string(),
                });
            Selection {
                focus: s.clone(),
                scopes: vec![s],
            }
        }
        Some(Focus::Team(id)) => {
            // The team row is followed by its people in the forecast's
            // order, up to the next team.
            let mut scopes = Vec::new();
            let mut inside = false;
            for s in &all {
                match s.kind {
                    ScopeKind::Team => inside = s.id.as_deref() == Some(id.as_str()),
                    ScopeKind::Person if inside => {}
                    _ => inside = false,
                }
                if inside {
                    scopes.push(s.clone());
                }
            }
            let focus = scopes.first().cloned().unwrap_or(ScopeRef {
                kind: ScopeKind::Team,
                id: Some(id.to_string()),
                name: id.to_string(),
            });
            if scopes.is_empty() {
                scopes.push(focus.clone());
            }
            Selection { focus, scopes }
        }
    }
}

/// The scope's key.
pub fn key(s: &ScopeRef) -> ScopeId {
    (s.kind, s.id.clone())
}

/// A snapshot, as listed in the document.
#[derive(Debug, Serialize)]
struct PointDoc {
    date: Date,
    /// Commit short id, or "working tree".
    label: String,
    commit: Option<String>,
    errors: usize,
    valid: bool,
    /// A point of the cadence (else only an accuracy call).
    cadence: bool,
}

#[derive(Debug, Serialize)]
struct CommitDoc<'a> {
    id: &'a str,
    short: &'a str,
    date: Date,
    author: &'a str,
    subject: &'a str,
    merge: bool,
}

#[derive(Debug, Serialize)]
struct StatsDoc {
    commits: usize,
    files: usize,
    blobs: usize,
    parsed: usize,
    from_worktree: usize,
    points: usize,
}

impl From<Stats> for StatsDoc {
    fn from(s: Stats) -> Self {
        StatsDoc {
            commits: s.commits,
            files: s.files,
            blobs: s.blobs,
            parsed: s.parsed,
            from_worktree: s.from_worktree,
            points: s.points,
        }
    }
}

#[derive(Debug, Serialize)]
struct Document<'a> {
    version: u32,
    as_of: Date,
    start: Date,
    currency: &'a str,
    folder: &'a str,
    every: Every,
    week_ends: &'static str,
    period: Period,
    scope: &'a ScopeRef,
    latest: &'static str,
    notes: &'a [String],
    stats: StatsDoc,
    commits: Vec<CommitDoc<'a>>,
    points: Vec<PointDoc>,
    trend: Vec<Trend>,
    weekly: Vec<Weekly>,
    accuracy: Accuracy,
    deals: Vec<DealLog>,
}

/// The deals whose latest owner is in the selection (all without a
/// focus).
pub fn deals(h: &History, sel: &Selection, all: bool) -> Vec<DealLog> {
    h.logs()
        .filter(|d| {
            all || d.last_state().is_some_and(|st| {
                sel.scopes.iter().any(|s| {
                    s.kind == ScopeKind::Person && s.id.as_deref() == Some(st.owner.as_str())
                })
            })
        })
        .cloned()
        .collect()
}

/// The document.
pub fn json(h: &History, sel: &Selection, all_deals: bool, currency: &str) -> String {
    let t = &h.timeline;
    let focus = key(&sel.focus);
    let doc = Document {
        version: HISTORY_VERSION,
        as_of: t.end,
        start: t.start,
        currency,
        folder: &t.folder,
        every: t.every,
        week_ends: t.week_ends.as_str(),
        period: t.period,
        scope: &sel.focus,
        latest: if h.worktree { "working tree" } else { "HEAD" },
        notes: &t.notes,
        stats: t.stats.into(),
        commits: t
            .commits
            .iter()
            .map(|c| CommitDoc {
                id: &c.id,
                short: c.short(),
                date: c.date,
                author: &c.author,
                subject: &c.subject,
                merge: c.merge,
            })
            .collect(),
        points: h
            .points()
            .map(|p| PointDoc {
                date: p.date,
                label: h.label(p),
                commit: p.commit.map(|k| t.commits[k].id.clone()),
                errors: p.errors,
                valid: p.valid(),
                cadence: p.cadence,
            })
            .collect(),
        trend: sel.scopes.iter().map(|s| trend::trend(h, s)).collect(),
        weekly: h.steps().map(|s| weekly::weekly(h, s, &focus)).collect(),
        accuracy: accuracy::accuracy(h, &sel.scopes),
        deals: deals(h, sel, all_deals),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("the document serialises");
    s.push('\n');
    s
}
