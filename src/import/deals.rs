//! Writing deal files: the TOML text of a new deal, and in-place updates
//! (with `[[history]]`) of a deal the export already imported.

use super::Plan;
use super::Problem;
use super::mapper::{Mapped, Mapper, make_id};
use crate::diag::Severity;
use crate::edit::doc::{Doc, Lit};
use crate::ix::DealIx;
use crate::model::Deal;
use crate::spec;
use jiff::civil::Date;
use std::collections::HashMap;

impl Mapper<'_> {
    pub(super) fn history_date(&self, m: &Mapped, after: Option<Date>) -> Date {
        let mut d = m
            .stage_date
            .or(if m.outcome.is_some() { m.close } else { None })
            .unwrap_or(self.date);
        if d > self.as_of {
            d = self.date;
        }
        if let Some(a) = after {
            d = d.max(a);
        }
        d
    }

    pub(super) fn create(&mut self, m: &Mapped, account: &str, plan: &mut Plan) {
        let max = self.rules.ids.max_length;
        let id = Self::unique(&self.deal_ids, &make_id(&m.id_text, max), &m.source_id, max);
        self.deal_ids.insert(id.clone());
        let rel = format!("deals/{id}.toml");
        let mut lines: Vec<(&str, Lit)> = Vec::new();
        let mut fields: HashMap<&str, &Lit> = HashMap::new();
        for (k, v) in &m.values {
            if let Some(v) = v {
                fields.insert(k.trim_end_matches(":new"), v);
            }
        }
        let account_lit = Lit::str(account);
        fields.insert("account", &account_lit);
        let source = Lit::inline(&[("system", &self.rules.system), ("id", &m.source_id)]);
        fields.insert("source", &source);
        for f in spec::DEAL.fields {
            if let Some(v) = fields.get(f.key) {
                lines.push((f.key, (*v).clone()));
            }
        }
        let mut history = vec![
            (
                "date",
                Lit::date(self.history_date(m, m.created.filter(|c| *c <= self.as_of))),
            ),
            ("stage", Lit::str(&m.stage)),
        ];
        if let Some(c) = m.close {
            history.push(("close", Lit::date(c)));
        }
        let text = render_new(&lines, &[("history", history)]);
        plan.rows_of
            .entry(rel.clone())
            .or_default()
            .push(m.at.clone());
        plan.created.push(rel.clone());
        plan.changes.insert(rel, text);
    }

    pub(super) fn update(&mut self, ix: DealIx, m: &Mapped, account: &str, plan: &mut Plan) {
        let deal = &self.p.deals[ix];
        let rel = self.p.sources.get(deal.file).rel_path.clone();
        let current = current_values(deal);
        let mut changed: Vec<(&str, Option<Lit>)> = Vec::new();
        let account_lit = Some(Lit::str(account));
        for (k, v) in m
            .values
            .iter()
            .filter(|(k, _)| !k.ends_with(":new"))
            .map(|(k, v)| (*k, v))
            .chain([("account", &account_lit)])
        {
            let now = current
                .iter()
                .find(|(ck, _)| *ck == k)
                .and_then(|(_, c)| c.clone());
            if now != *v {
                changed.push((k, v.clone()));
            }
        }
        plan.rows_of
            .entry(rel.clone())
            .or_default()
            .push(m.at.clone());
        if changed.is_empty() {
            plan.unchanged += 1;
            return;
        }
        let Some(text) = plan
            .changes
            .get(&rel)
            .cloned()
            .or_else(|| self.snapshot.text(&rel).map(str::to_string))
        else {
            return;
        };
        let mut doc = match Doc::parse(&text, &spec::DEAL) {
            Ok(d) => d,
            Err(e) => {
                plan.problems.push(Problem {
                    file: m.at.0.clone(),
                    row: m.at.1,
                    column: None,
                    severity: Severity::Error,
                    message: format!("{rel} is not valid TOML ({e}); not updated"),
                    hint: None,
                });
                return;
            }
        };
        let stage_changed = deal.stage.value.as_str() != m.stage;
        let old_close = deal.close.as_ref().map(|c| c.value);
        let close_changed = m.value("close").is_some() && m.close != old_close;
        for (k, v) in &changed {
            match v {
                Some(v) => doc.set(k, v),
                None => {
                    doc.remove(k);
                }
            }
        }
        let last_date = deal.history.last().map(|h| h.date.value);
        let mut wrote_history = false;
        if stage_changed || (close_changed && m.outcome.is_none() && m.close.is_some()) {
            if deal.history.is_empty() {
                let mut entry = vec![
                    ("date", Lit::date(deal.created.value)),
                    ("stage", Lit::str(deal.stage.value.as_str())),
                ];
                if let Some(c) = old_close {
                    entry.push(("close", Lit::date(c)));
                }
                let _ = doc.push("history", &entry);
            } else if !stage_changed
                && let (Some(old), Some(last)) = (old_close, deal.history.last())
                && last.close.is_none()
            {
                let _ = doc.set_in_last("history", "close", &Lit::date(old));
            }
            let date = if stage_changed {
                self.history_date(m, last_date.or(Some(deal.created.value)))
            } else {
                self.date.max(last_date.unwrap_or(self.date))
            };
            let mut entry = vec![("date", Lit::date(date)), ("stage", Lit::str(&m.stage))];
            if let Some(c) = m.close.or(old_close) {
                entry.push(("close", Lit::date(c)));
            }
            wrote_history = doc.push("history", &entry).is_ok();
        }
        let mut names: Vec<String> = changed.iter().map(|(k, _)| k.to_string()).collect();
        if wrote_history {
            names.push("history".into());
        }
        plan.updated.push((rel.clone(), names));
        plan.changes.insert(rel, doc.text());
    }
}

/// What a deal file says now, for the fields an import can write, in the
/// text the import would write them in.
pub(super) fn current_values(d: &Deal) -> Vec<(&'static str, Option<Lit>)> {
    let list = |v: &[String]| (!v.is_empty()).then(|| Lit::list(v));
    vec![
        ("name", Some(Lit::str(&d.name))),
        ("account", Some(Lit::str(d.account.value.as_str()))),
        ("owner", Some(Lit::str(d.owner.value.as_str()))),
        ("amount", Some(Lit::money(d.amount.value))),
        ("currency", d.currency.as_ref().map(|c| Lit::str(&c.value))),
        ("stage", Some(Lit::str(d.stage.value.as_str()))),
        ("created", Some(Lit::date(d.created.value))),
        ("close", d.close.as_ref().map(|c| Lit::date(c.value))),
        (
            "probability",
            d.probability
                .as_ref()
                .map(|p| Lit::decimal(p.value.normalize())),
        ),
        ("forecast", d.forecast.map(|c| Lit::str(c.as_str()))),
        ("products", list(&d.products)),
        ("competitors", list(&d.competitors)),
        ("next_step", d.next_step.as_deref().map(Lit::str)),
        (
            "next_step_date",
            d.next_step_date.as_ref().map(|x| Lit::date(x.value)),
        ),
        ("lost_reason", d.lost_reason.as_deref().map(Lit::str)),
    ]
}

/// A new file in `fmt`'s layout: the keys (in the order given), then each
/// `[[table]]` entry.
pub fn render_new(keys: &[(&str, Lit)], tables: &[(&str, Vec<(&str, Lit)>)]) -> String {
    let mut out = String::with_capacity(512);
    for (k, v) in keys {
        out.push_str(k);
        out.push_str(" = ");
        out.push_str(&v.0);
        out.push('\n');
    }
    for (name, entries) in tables {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("[[");
        out.push_str(name);
        out.push_str("]]\n");
        for (k, v) in entries {
            out.push_str(k);
            out.push_str(" = ");
            out.push_str(&v.0);
            out.push('\n');
        }
    }
    out
}
