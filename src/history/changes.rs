//! Each deal's change log: what changed in which commit (stage, close date,
//! amount, probability, forecast category, owner, next step), by whom;
//! how often and by how much the close date was pushed; when the deal was
//! first and last seen; and the stage moves git saw, which stand in for a
//! missing `[[history]]`.
//!
//! The fields are compared as written in the deal file (an amount with its
//! currency; probability and forecast category as overrides, "stage
//! default" when not written), so the log says what someone changed, not
//! what followed from it. A file that cannot be read at a commit (it has
//! errors) is logged as such and compared, once readable again, with its
//! last readable version.

use super::log::Commit;
use crate::model::{Category, Deal};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The fields of a deal the log follows, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealState {
    /// Human name.
    pub name: String,
    /// File, relative to the pipeline folder.
    pub path: String,
    /// Stage id.
    pub stage: String,
    /// Expected or actual close.
    pub close: Option<Date>,
    /// Amount as written.
    pub amount: Decimal,
    /// Currency as written (none: the reporting currency).
    pub currency: Option<String>,
    /// Probability override.
    pub probability: Option<Decimal>,
    /// Forecast category override.
    pub forecast: Option<Category>,
    /// Owner id.
    pub owner: String,
    /// Next step.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_date: Option<Date>,
    /// Whether the file has `[[history]]` entries.
    pub has_history: bool,
}

impl DealState {
    /// The state of a parsed deal.
    pub fn of(d: &Deal, path: &str) -> DealState {
        DealState {
            name: d.name.clone(),
            path: path.to_string(),
            stage: d.stage.value.to_string(),
            close: d.close.as_ref().map(|c| c.value),
            amount: d.amount.value,
            currency: d.currency.as_ref().map(|c| c.value.clone()),
            probability: d.probability.as_ref().map(|p| p.value),
            forecast: d.forecast,
            owner: d.owner.value.to_string(),
            next_step: d.next_step.clone(),
            next_step_date: d.next_step_date.as_ref().map(|x| x.value),
            has_history: !d.history.is_empty(),
        }
    }

    fn amount_text(&self) -> String {
        match &self.currency {
            Some(c) => format!("{} {c}", self.amount.normalize()),
            None => self.amount.normalize().to_string(),
        }
    }
}

/// What a log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The deal's file appeared (or the history starts with it).
    Added,
    /// Fields changed.
    Changed,
    /// The file was renamed from another deal's id (`from`), or to
    /// another (`to`, in the log of the old id).
    Renamed,
    /// The file was removed.
    Removed,
    /// The file could not be read (it has errors); the deal is left out.
    Unreadable,
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `stage`, `close`, `amount`, `probability`, `forecast`, `owner`,
    /// `next_step`, `next_step_date` or `file`.
    pub field: &'static str,
    /// Before ("" when not set).
    pub from: String,
    /// After ("" when not set).
    pub to: String,
}

/// One commit's change to a deal.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Commit date (the range's end for uncommitted changes).
    pub date: Date,
    /// Commit id; none for the working tree.
    pub commit: Option<String>,
    /// Its first 7 characters ("working tree" when uncommitted).
    pub short: String,
    /// Author ("" for the working tree).
    pub author: String,
    /// What happened.
    pub kind: EntryKind,
    /// For a rename: the id before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// For a rename: the id after (in the log of the id before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For an unreadable file: its errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<usize>,
    /// The fields that changed.
    pub fields: Vec<FieldChange>,
}

/// A stage change seen in git.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageMove {
    /// Commit date.
    pub date: Date,
    /// Commit id (none: the working tree).
    pub commit: Option<String>,
    /// Stage before (none: the first stage seen).
    pub from: Option<String>,
    /// Stage after.
    pub to: String,
}

/// Where a deal is in the replay.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Now {
    Absent,
    Present(DealState),
    Unreadable(usize),
}

/// The change log of one deal (by id).
#[derive(Debug, Clone, Serialize)]
pub struct DealLog {
    /// Deal id.
    pub id: String,
    /// Name (the latest known).
    pub name: String,
    /// Entries, oldest first.
    pub entries: Vec<Entry>,
    /// Times the close date moved later.
    pub push_count: usize,
    /// Days it moved later, in total.
    pub days_pushed: i64,
    /// Date it was first seen.
    pub first_seen: Date,
    /// Commit it was first seen in (none: the working tree).
    pub first_commit: Option<String>,
    /// Date it was last seen (the range's end while it exists).
    pub last_seen: Date,
    /// Whether it is gone at the end.
    pub removed: bool,
    /// Stage changes seen in git, the first stage seen first.
    pub stage_moves: Vec<StageMove>,
    /// Whether the latest readable version has `[[history]]` entries.
    pub has_history: bool,
    /// Where its stage moves come from: [`DealLog::stage_source`].
    pub stage_source: &'static str,
    #[serde(skip)]
    now: Now,
    #[serde(skip)]
    last: Option<DealState>,
}

impl DealLog {
    fn new(id: &str, date: Date, commit: Option<&Commit>) -> DealLog {
        DealLog {
            id: id.to_string(),
            name: String::new(),
            entries: Vec::new(),
            push_count: 0,
            days_pushed: 0,
            first_seen: date,
            first_commit: commit.map(|c| c.id.clone()),
            last_seen: date,
            removed: false,
            stage_moves: Vec::new(),
            has_history: false,
            stage_source: "none",
            now: Now::Absent,
            last: None,
        }
    }

    /// The latest readable state.
    pub fn last_state(&self) -> Option<&DealState> {
        self.last.as_ref()
    }

    /// Where the stage moves behind "days in stage" and "stage
    /// conversion" come from: `history` (the file's `[[history]]`), `git`
    /// (git saw the stage change; the file has no history) or `none`.
    pub fn stage_source(&self) -> &'static str {
        if self.has_history {
            "history"
        } else if self.stage_moves.len() > 1 {
            "git"
        } else {
            "none"
        }
    }
}

/// What a deal id is after a commit, for [`ChangeLog::record`].
#[derive(Debug, Clone)]
pub enum After {
    /// No file has it.
    Absent,
    /// Its file, read.
    Present(DealState),
    /// Its file has this many errors.
    Unreadable(usize),
}

/// Every deal's log.
#[derive(Debug, Clone, Default)]
pub struct ChangeLog {
    /// By id.
    pub deals: BTreeMap<String, DealLog>,
}

fn text<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

/// The fields that differ between two states.
pub fn field_changes(a: &DealState, b: &DealState) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &'static str, from: String, to: String| {
        if from != to {
            out.push(FieldChange { field, from, to });
        }
    };
    push("stage", a.stage.clone(), b.stage.clone());
    push("close", text(&a.close), text(&b.close));
    push("amount", a.amount_text(), b.amount_text());
    push(
        "probability",
        text(&a.probability.map(|p| p.normalize())),
        text(&b.probability.map(|p| p.normalize())),
    );
    push(
        "forecast",
        text(&a.forecast.map(|c| c.as_str())),
        text(&b.forecast.map(|c| c.as_str())),
    );
    push("owner", a.owner.clone(), b.owner.clone());
    push("next_step", text(&a.next_step), text(&b.next_step));
    push(
        "next_step_date",
        text(&a.next_step_date),
        text(&b.next_step_date),
    );
    push("file", a.path.clone(), b.path.clone());
    out
}

impl ChangeLog {
    /// Records what a commit (none: the working tree, dated `date`) did
    /// to the deal `id`. For a file renamed in the same commit,
    /// `renamed_from` names the deal id before (the new id's log takes
    /// over the old one's entries, pushes, first sighting and stage
    /// moves) and `renamed_to` the id after (in the old id's log).
    pub fn record(
        &mut self,
        id: &str,
        after: After,
        commit: Option<&Commit>,
        date: Date,
        renamed_from: Option<&str>,
        renamed_to: Option<&str>,
    ) {
        if let Some(from) = renamed_from
            && !self.deals.contains_key(id)
            && let Some(old) = self.deals.get(from)
        {
            let mut inherited = old.clone();
            inherited.id = id.to_string();
            inherited.now = Now::Absent;
            self.deals.insert(id.to_string(), inherited);
        }
        let log = self
            .deals
            .entry(id.to_string())
            .or_insert_with(|| DealLog::new(id, date, commit));
        let entry = |kind: EntryKind, fields: Vec<FieldChange>| Entry {
            date,
            commit: commit.map(|c| c.id.clone()),
            short: commit
                .map(|c| c.short().to_string())
                .unwrap_or_else(|| "working tree".into()),
            author: commit.map(|c| c.author.clone()).unwrap_or_default(),
            kind,
            from: None,
            to: None,
            errors: None,
            fields,
        };
        let commit_id = commit.map(|c| c.id.clone());
        match after {
            After::Absent => {
                if log.now != Now::Absent {
                    let mut e = entry(
                        if renamed_to.is_some() {
                            EntryKind::Renamed
                        } else {
                            EntryKind::Removed
                        },
                        Vec::new(),
                    );
                    e.to = renamed_to.map(str::to_string);
                    log.entries.push(e);
                    log.now = Now::Absent;
                    log.removed = true;
                    log.last_seen = date;
                }
            }
            After::Unreadable(n) => {
                if log.now != Now::Unreadable(n) {
                    let mut e = entry(EntryKind::Unreadable, Vec::new());
                    e.errors = Some(n);
                    log.entries.push(e);
                }
                log.now = Now::Unreadable(n);
                log.removed = false;
                log.last_seen = date;
            }
            After::Present(state) => {
                let was_absent = log.now == Now::Absent;
                if log.now == Now::Present(state.clone()) {
                    return;
                }
                let mut fields = match &log.last {
                    Some(last) => field_changes(last, &state),
                    None => Vec::new(),
                };
                let kind = match (renamed_from, was_absent) {
                    (Some(_), true) => EntryKind::Renamed,
                    (None, true) => EntryKind::Added,
                    _ => EntryKind::Changed,
                };
                if kind == EntryKind::Renamed {
                    // The path changes with the id; that is the rename.
                    fields.retain(|f| f.field != "file");
                }
                if kind != EntryKind::Changed || !fields.is_empty() {
                    let mut e = entry(kind, fields.clone());
                    if kind == EntryKind::Renamed {
                        e.from = renamed_from.map(str::to_string);
                    }
                    log.entries.push(e);
                }
                if let (Some(a), Some(b)) = (log.last.as_ref().and_then(|l| l.close), state.close)
                    && b > a
                {
                    log.push_count += 1;
                    log.days_pushed += (b - a).get_days() as i64;
                }
                let prev_stage = log.last.as_ref().map(|l| l.stage.clone());
                if prev_stage.as_deref() != Some(state.stage.as_str()) {
                    log.stage_moves.push(StageMove {
                        date,
                        commit: commit_id,
                        from: prev_stage,
                        to: state.stage.clone(),
                    });
                }
                log.name = state.name.clone();
                log.has_history = state.has_history;
                log.stage_source = log.stage_source();
                log.last = Some(state.clone());
                log.now = Now::Present(state);
                log.removed = false;
                log.last_seen = date;
            }
        }
    }

    /// The latest readable state of a deal.
    pub fn last_state(&self, id: &str) -> Option<&DealState> {
        self.deals.get(id).and_then(DealLog::last_state)
    }

    /// Marks every deal still present as seen up to `date` (the range's
    /// end).
    pub fn seen_until(&mut self, date: Date) {
        for log in self.deals.values_mut() {
            if log.now != Now::Absent {
                log.last_seen = log.last_seen.max(date);
            }
        }
    }
}

/// A deal's state for tests: stage, close and amount; the rest fixed.
#[cfg(test)]
pub(crate) fn test_state(stage: &str, close: Option<Date>, amount: i64) -> DealState {
    DealState {
        name: "D".into(),
        path: "deals/d.toml".into(),
        stage: stage.into(),
        close,
        amount: Decimal::from(amount),
        currency: None,
        probability: None,
        forecast: None,
        owner: "o".into(),
        next_step: None,
        next_step_date: None,
        has_history: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn state(stage: &str, close: Option<Date>, amount: i64) -> DealState {
        test_state(stage, close, amount)
    }

    fn commit(n: u8, d: Date) -> Commit {
        Commit {
            id: format!("{n:040}"),
            date: d,
            time: 0,
            author: "Ann".into(),
            subject: String::new(),
            merge: false,
        }
    }

    #[test]
    fn pushes_and_gaps() {
        let mut log = ChangeLog::default();
        let c1 = commit(1, date(2026, 10, 1));
        let c2 = commit(2, date(2026, 10, 8));
        let c3 = commit(3, date(2026, 10, 15));
        let c4 = commit(4, date(2026, 10, 22));
        let s = |st, c, a| After::Present(state(st, Some(c), a));
        log.record(
            "d",
            s("qualify", date(2026, 12, 1), 100),
            Some(&c1),
            c1.date,
            None,
            None,
        );
        // pushed 10 days and advanced
        log.record(
            "d",
            s("solution", date(2026, 12, 11), 100),
            Some(&c2),
            c2.date,
            None,
            None,
        );
        log.record("d", After::Unreadable(2), Some(&c3), c3.date, None, None);
        // readable again: compared with the last readable version: pushed 20 days more
        log.record(
            "d",
            s("solution", date(2026, 12, 31), 120),
            Some(&c4),
            c4.date,
            None,
            None,
        );
        let l = &log.deals["d"];
        assert_eq!(l.push_count, 2);
        assert_eq!(l.days_pushed, 30);
        let kinds: Vec<EntryKind> = l.entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EntryKind::Added,
                EntryKind::Changed,
                EntryKind::Unreadable,
                EntryKind::Changed
            ]
        );
        assert_eq!(l.entries[3].fields.len(), 2);
        assert_eq!(l.stage_moves.len(), 2);
        assert_eq!(l.stage_source(), "git");
        assert_eq!(l.first_seen, date(2026, 10, 1));
    }
}
