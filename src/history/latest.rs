//! The latest point of a history: the pipeline as it is now (the
//! working tree when it differs from `HEAD`), as of the range's end, and
//! the [`History`] it completes: the step from the last snapshot to it,
//! and the deals' uncommitted changes over the timeline's logs.

use super::changes::{self, After, ChangeLog, DealState};
use super::snapshot::{forecast_rows, moves, open_amounts, views_of};
use super::timeline::Timeline;
use super::{Point, Step};
use crate::Checked;
use crate::analytics::facts::Facts;
use crate::diff::compare::DealView;
use crate::load::FileKind;
use crate::model::Pipeline;
use crate::period::Period;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use std::sync::Arc;

impl Timeline {
    /// The pipeline files of `p` (the working tree) that are not as at
    /// `HEAD`: new or changed, and gone. A file whose blob id the load
    /// computed is as at `HEAD` when the ids match; else the texts are
    /// compared, those dropped after a clean parse read again.
    pub fn changed_from_head(&self, p: &Pipeline) -> (Vec<String>, Vec<String>) {
        let files: Vec<&crate::source::SourceFile> = p
            .sources
            .iter()
            .map(|(_, f)| f)
            .filter(|f| f.has_content() && FileKind::of(&f.rel_path).is_some())
            .collect();
        let mut changed: Vec<String> = files
            .par_iter()
            .filter(|f| {
                let Some(head) = self.head_files.get(&f.rel_path) else {
                    return true;
                };
                // The same blob: the same file. (Another blob may still
                // be the same text: a byte-order mark the parse drops.)
                if f.blob.as_ref() == Some(&head.blob) {
                    return false;
                }
                match &f.dropped_from {
                    None => f.text != head.text,
                    Some(path) => match std::fs::read(path) {
                        Ok(bytes) => {
                            let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
                            b != head.text.as_bytes()
                        }
                        Err(_) => true,
                    },
                }
            })
            .map(|f| f.rel_path.clone())
            .collect();
        changed.sort();
        let now: rustc_hash::FxHashSet<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
        let mut gone: Vec<String> = self
            .head_files
            .keys()
            .filter(|r| !now.contains(r.as_str()))
            .cloned()
            .collect();
        gone.sort();
        (changed, gone)
    }

    /// Whether the pipeline `p` (the working tree) has other files, or
    /// other text in them, than `HEAD`.
    pub fn differs_from_head(&self, p: &Pipeline) -> bool {
        let (changed, gone) = self.changed_from_head(p);
        !changed.is_empty() || !gone.is_empty()
    }

    /// The history with its latest point: `current`, the pipeline as it is
    /// now (checked as of the range's end), which is the working tree when
    /// it differs from `HEAD`.
    pub fn finish(self: &Arc<Self>, current: &Checked) -> History {
        let p = &current.pipeline;
        let (changed, gone) = self.changed_from_head(p);
        let worktree = !changed.is_empty() || !gone.is_empty();
        // Deals whose views may differ from those of the last valid
        // cadence point: changed by commits since, or in the working
        // tree; all of them when another file changed.
        let mut ids = self.views.changed.clone();
        let mut all = self.views.all;
        for rel in changed.iter().chain(&gone) {
            match FileKind::of(rel) {
                Some(FileKind::Deal) => {
                    ids.insert(crate::load::stem_of(rel).to_string());
                }
                Some(FileKind::Targets) | None => {}
                Some(_) => all = true,
            }
        }
        let errors = current
            .diagnostics
            .iter()
            .filter(|d| d.severity() == crate::diag::Severity::Error)
            .count();
        let as_of = self.end;
        let f = Facts::new(p, as_of);
        let mut periods: Vec<Period> = vec![self.period];
        periods.extend(self.accuracy_periods.iter().map(|(q, _)| *q));
        periods.sort();
        periods.dedup();
        let valid = errors == 0;
        let last = Point {
            date: as_of,
            commit: (!worktree).then(|| self.commits.len() - 1),
            cadence: true,
            errors,
            forecast: if valid {
                forecast_rows(&f, &periods)
            } else {
                Vec::new()
            },
            open: if valid {
                open_amounts(&f, self.period)
            } else {
                HashMap::default()
            },
            calendar: p.settings.calendar(),
        };
        let step = match (valid, self.views.at) {
            (true, Some(at)) => {
                let moves = if all {
                    let (vb, tb) = views_of(&f, None);
                    moves(&self.views.views, &self.views.teams, &vb, &tb)
                } else {
                    let va: HashMap<String, DealView> = ids
                        .iter()
                        .filter_map(|id| Some((id.clone(), self.views.views.get(id)?.clone())))
                        .collect();
                    let ta: HashMap<String, Option<String>> = ids
                        .iter()
                        .filter_map(|id| Some((id.clone(), self.views.teams.get(id)?.clone())))
                        .collect();
                    let (vb, tb) = views_of(&f, Some(&ids));
                    moves(&va, &ta, &vb, &tb)
                };
                Some(Step {
                    from: at,
                    to: self.points.len(),
                    skipped: self.views.skipped,
                    moves,
                })
            }
            _ => None,
        };
        // Uncommitted changes to deals: those of the deal files that are
        // not as at HEAD.
        let mut uncommitted: Vec<(String, After)> = Vec::new();
        let stems: BTreeSet<String> = changed
            .iter()
            .chain(&gone)
            .filter(|r| FileKind::of(r) == Some(FileKind::Deal))
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        for id in stems {
            let after = match p.deal(&id) {
                Some(d) => After::Present(DealState::of(d, &p.sources.get(d.file).rel_path)),
                None => {
                    // A deal file that did not give a deal: its errors.
                    let n = p
                        .sources
                        .iter()
                        .filter(|(_, s)| {
                            FileKind::of(&s.rel_path) == Some(FileKind::Deal)
                                && crate::load::stem_of(&s.rel_path) == id
                                && s.has_content()
                        })
                        .map(|(fid, _)| {
                            current
                                .diagnostics
                                .iter()
                                .filter(|d| {
                                    d.span.file == fid
                                        && d.severity() == crate::diag::Severity::Error
                                })
                                .count()
                        })
                        .sum::<usize>();
                    if n > 0 {
                        After::Unreadable(n)
                    } else {
                        After::Absent
                    }
                }
            };
            let same = match (&after, self.head_deals.get(&id)) {
                (After::Present(a), Some(b)) => a == b,
                (After::Absent, None) => true,
                _ => false,
            };
            if !same {
                uncommitted.push((id, after));
            }
        }
        // The logs of the deals with uncommitted changes, over the
        // timeline's.
        let mut overlay = ChangeLog::default();
        for (id, after) in uncommitted {
            if let Some(l) = self.log.deals.get(&id) {
                overlay.deals.insert(id.clone(), l.clone());
            }
            overlay.record(&id, after, None, self.end, None, None);
        }
        History {
            timeline: Arc::clone(self),
            last,
            step,
            worktree,
            overlay,
        }
    }
}

/// The history with its latest point.
#[derive(Debug, Clone)]
pub struct History {
    /// What was read from git.
    pub timeline: Arc<Timeline>,
    /// The latest point: the pipeline now, as of the range's end.
    pub last: Point,
    /// From the last valid cadence point to the latest point.
    pub step: Option<Step>,
    /// Whether the latest point is the working tree (it differs from
    /// `HEAD`); otherwise it is `HEAD`.
    pub worktree: bool,
    /// The change logs of the deals with uncommitted changes (the others
    /// are the timeline's).
    overlay: ChangeLog,
}

impl History {
    /// Every point, the latest last.
    pub fn points(&self) -> impl Iterator<Item = &Point> {
        self.timeline
            .points
            .iter()
            .chain(std::iter::once(&self.last))
    }

    /// The point at `ix` (`timeline.points.len()` is the latest).
    pub fn point(&self, ix: usize) -> &Point {
        self.timeline.points.get(ix).unwrap_or(&self.last)
    }

    /// Every step, the one to the latest point last.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.timeline.steps.iter().chain(self.step.iter())
    }

    /// A deal's change log, with its uncommitted changes.
    pub fn log(&self, id: &str) -> Option<&changes::DealLog> {
        self.overlay
            .deals
            .get(id)
            .or_else(|| self.timeline.log.deals.get(id))
    }

    /// Every deal's change log, by id.
    pub fn logs(&self) -> impl Iterator<Item = &changes::DealLog> {
        let mut ids: BTreeSet<&String> = self.timeline.log.deals.keys().collect();
        ids.extend(self.overlay.deals.keys());
        ids.into_iter().filter_map(|id| self.log(id))
    }

    /// A label for a point: its commit's short id, or "working tree".
    pub fn label(&self, p: &Point) -> String {
        match p.commit {
            Some(k) => self.timeline.commits[k].short().to_string(),
            None => "working tree".into(),
        }
    }
}
