//! Mapping one row to what its deal file should say (owner, stage, amount,
//! currency, dates, account, contact), and keeping the rows to write.

use super::columns::RowCx;
use super::rules::Rules;
use super::values;
use super::{Plan, Problem};
use crate::diag::{Severity, did_you_mean};
use crate::edit::doc::Lit;
use crate::edit::snapshot::Snapshot;
use crate::ix::{DealIx, StageIx, enumerate};
use crate::model::{Outcome, Pipeline};
use crate::{Checked, ids};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A row turned into what the deal file should say. A key that is not in
/// `values` is not mapped (left as it is); a value of `None` removes it.
#[derive(Debug, Clone)]
pub(super) struct Mapped {
    pub(super) at: (String, usize),
    pub(super) source_id: String,
    pub(super) id_text: String,
    pub(super) account: AccountRef,
    pub(super) contact: Option<NewContact>,
    pub(super) values: Vec<(&'static str, Option<Lit>)>,
    pub(super) stage: String,
    pub(super) outcome: Option<Outcome>,
    pub(super) close: Option<Date>,
    pub(super) created: Option<Date>,
    pub(super) stage_date: Option<Date>,
}

impl Mapped {
    pub(super) fn value(&self, key: &str) -> Option<&Option<Lit>> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone)]
pub(super) enum AccountRef {
    /// An account that exists.
    Existing(String),
    /// One to create (or created by an earlier row): its name.
    New {
        name: String,
        industry: Option<String>,
        region: Option<String>,
        owner: String,
    },
}

#[derive(Debug, Clone)]
pub(super) struct NewContact {
    pub(super) name: String,
    pub(super) email: Option<String>,
    pub(super) title: Option<String>,
    pub(super) phone: Option<String>,
}

/// An account this import creates.
pub(super) struct NewAccount {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) industry: Option<String>,
    pub(super) region: Option<String>,
    pub(super) owner: String,
    pub(super) contacts: Vec<(String, NewContact)>,
    pub(super) rows: Vec<(String, usize)>,
}

/// A row: file and row number.
pub(super) type At = (String, usize);

/// The first row of a source id: where, its values, its place in the rows.
pub(super) type Seen = (At, Vec<(&'static str, Option<Lit>)>, usize);

pub(super) struct Mapper<'a> {
    pub(super) p: &'a Pipeline,
    pub(super) snapshot: &'a Snapshot,
    pub(super) rules: &'a Rules,
    pub(super) date: Date,
    pub(super) as_of: Date,
    pub(super) people: HashMap<String, String>,
    pub(super) person_names: Vec<String>,
    pub(super) stages: HashMap<String, StageIx>,
    pub(super) accounts_by_name: HashMap<String, String>,
    pub(super) account_ids: HashSet<String>,
    pub(super) deal_ids: HashSet<String>,
    pub(super) by_source: HashMap<String, DealIx>,
    /// Source id → the row that had it (first), and its values.
    pub(super) seen: HashMap<String, Seen>,
    /// Accepted rows, by source id, in order.
    pub(super) rows: Vec<Mapped>,
    pub(super) new_accounts: Vec<NewAccount>,
    pub(super) new_account_by_name: HashMap<String, usize>,
    /// Contacts to add to existing accounts: account id → contacts.
    pub(super) extra_contacts: BTreeMap<String, Vec<(String, NewContact, At)>>,
}

pub(super) fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

/// An id (slug) from any text: transliterated to ASCII (Chinese becomes
/// pinyin syllables), lower-cased, cut at `max` characters.
pub fn make_id(text: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(text);
    let mut s = ids::slugify(&ascii.replace(['.', '/', '&', '+', ',', '(', ')', '\'', ':'], " "));
    if s.len() > max {
        s.truncate(max);
        while s.ends_with('-') || s.ends_with('_') {
            s.pop();
        }
    }
    s
}

impl<'a> Mapper<'a> {
    pub(super) fn new(
        snapshot: &'a Snapshot,
        before: &'a Checked,
        rules: &'a Rules,
        date: Date,
    ) -> Self {
        let p = &before.pipeline;
        let mut people = HashMap::new();
        for person in &p.people {
            let id = person.id.value.as_str().to_string();
            people.insert(lower(&person.name), id.clone());
            if let Some(e) = &person.email {
                people.insert(lower(e), id.clone());
            }
            people.insert(lower(&id), id);
        }
        for (k, v) in &rules.owners {
            people.insert(lower(k), v.clone());
        }
        let mut stages = HashMap::new();
        for (i, st) in enumerate(&p.settings.stages) {
            stages.insert(lower(&st.name), i);
            stages.insert(lower(st.id.value.as_str()), i);
        }
        for (k, v) in &rules.stages {
            if let Some(i) = p.stage_ix(v) {
                stages.insert(lower(k), i);
            }
        }
        let mut accounts_by_name = HashMap::new();
        for a in &p.accounts {
            accounts_by_name.insert(lower(&a.name), a.id.as_str().to_string());
            accounts_by_name.insert(lower(a.id.as_str()), a.id.as_str().to_string());
        }
        let account_ids = snapshot
            .paths(crate::load::FileKind::Account)
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        let deal_ids = snapshot
            .paths(crate::load::FileKind::Deal)
            .map(|r| crate::load::stem_of(r).to_string())
            .collect();
        let mut by_source = HashMap::new();
        for (i, d) in enumerate(&p.deals) {
            if let Some(s) = &d.source
                && s.system == rules.system
            {
                by_source.entry(s.id.clone()).or_insert(i);
            }
        }
        Mapper {
            p,
            snapshot,
            rules,
            date,
            as_of: before.as_of,
            people,
            person_names: p.people.iter().map(|x| x.name.clone()).collect(),
            stages,
            accounts_by_name,
            account_ids,
            deal_ids,
            by_source,
            seen: HashMap::new(),
            rows: Vec::new(),
            new_accounts: Vec::new(),
            new_account_by_name: HashMap::new(),
            extra_contacts: BTreeMap::new(),
        }
    }

    pub(super) fn map_row(
        &mut self,
        cx: &RowCx<'_>,
    ) -> Result<(Mapped, Vec<Problem>), Vec<Problem>> {
        let rules = self.rules;
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let err = |errors: &mut Vec<Problem>,
                   at: Option<(usize, String)>,
                   m: String,
                   h: Option<String>| {
            errors.push(cx.problem(Severity::Error, at, m, h));
        };
        let dm = rules.format.decimal_mark.chars().next().unwrap_or('.');
        // Status: skip, won, lost.
        let mut outcome = None;
        if let Some((s, _)) = cx.get("status") {
            let is = |list: &[String]| list.iter().any(|v| v.eq_ignore_ascii_case(&s));
            if is(&rules.status.skip) {
                return Err(vec![cx.problem(
                    Severity::Warning,
                    None,
                    format!("status \"{s}\": skipped"),
                    None,
                )]);
            }
            if is(&rules.status.won) {
                outcome = Some(Outcome::Won);
            } else if is(&rules.status.lost) {
                outcome = Some(Outcome::Lost);
            }
        }
        let source_id = match cx.get("id") {
            Some((v, _)) => v,
            None => {
                err(
                    &mut errors,
                    None,
                    "no id: the id column is empty".into(),
                    Some(
                        "every row needs the CRM's record id, so that a re-import finds the deal"
                            .into(),
                    ),
                );
                String::new()
            }
        };
        let name = cx.get("name").map(|(v, _)| v);
        if name.is_none() {
            err(&mut errors, None, "no deal name".into(), None);
        }
        // Owner.
        let owner = match cx.get("owner") {
            Some((v, at)) => match self.people.get(&lower(&v)) {
                Some(id) if self.p.person(id).is_some() => Some(id.clone()),
                Some(id) => {
                    err(
                        &mut errors,
                        at,
                        format!("[owners] maps \"{v}\" to \"{id}\", who is not in team.toml"),
                        None,
                    );
                    None
                }
                None => {
                    let hint = match did_you_mean(&v, self.person_names.iter().map(String::as_str))
                    {
                        Some(n) => format!(
                            "did you mean {n}? Otherwise add \"{v}\" = \"<person id>\" to [owners], or the person to team.toml"
                        ),
                        None => format!(
                            "add \"{v}\" = \"<person id>\" to the rules' [owners], or the person (with their e-mail) to team.toml"
                        ),
                    };
                    err(
                        &mut errors,
                        at,
                        format!("unknown owner \"{v}\""),
                        Some(hint),
                    );
                    None
                }
            },
            None => {
                err(
                    &mut errors,
                    None,
                    "no owner".into(),
                    Some("map an owner column, or set [defaults] owner".into()),
                );
                None
            }
        };
        // Stage.
        let mut stage_ix = None;
        match outcome {
            Some(o) => {
                stage_ix = self
                    .p
                    .settings
                    .stages
                    .iter()
                    .position(|s| s.outcome == Some(o))
                    .map(StageIx::new);
                if stage_ix.is_none() {
                    err(
                        &mut errors,
                        None,
                        format!("dealbook.toml has no stage with outcome \"{}\"", o.as_str()),
                        None,
                    );
                }
            }
            None => match cx.get("stage") {
                Some((v, at)) => match self.stages.get(&lower(&v)) {
                    Some(&i) => stage_ix = Some(i),
                    None => {
                        let mut known: Vec<&str> =
                            rules.stages.keys().map(String::as_str).collect();
                        known.extend(self.p.settings.stages.iter().map(|s| s.id.value.as_str()));
                        let hint = match did_you_mean(&v, known.iter().copied()) {
                            Some(k) => format!(
                                "did you mean \"{k}\"? Otherwise map it in [stages]: \"{v}\" = \"<stage id>\""
                            ),
                            None => format!(
                                "map it in the rules' [stages]: \"{v}\" = \"<stage id>\" (stages: {})",
                                self.p
                                    .settings
                                    .stages
                                    .iter()
                                    .map(|s| s.id.value.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        err(
                            &mut errors,
                            at,
                            format!("unknown stage \"{v}\""),
                            Some(hint),
                        );
                    }
                },
                None => err(&mut errors, None, "no stage".into(), None),
            },
        }
        let stage = stage_ix.map(|i| &self.p.settings.stages[i]);
        let outcome = stage.and_then(|s| s.outcome);
        // Amount and currency.
        let mut amount = None;
        let mut currency: Option<String> = None;
        match cx.get("amount") {
            Some((v, at)) => match values::amount(&v, dm) {
                Ok((a, cur)) => {
                    amount = Some(a);
                    currency = cur;
                }
                Err(e) => err(
                    &mut errors,
                    at,
                    e,
                    Some(format!(
                        "[format] decimal_mark is \"{dm}\"; a bare number, thousands separators and a currency symbol or code are read"
                    )),
                ),
            },
            None => err(
                &mut errors,
                None,
                "no amount".into(),
                Some("an empty amount needs [defaults] amount = 0".into()),
            ),
        }
        if let Some((v, at)) = cx.get("currency") {
            let code = v.trim().to_uppercase();
            if crate::reader::is_currency(&code) {
                currency = Some(code);
            } else {
                err(
                    &mut errors,
                    at,
                    format!("\"{v}\" is not a currency code"),
                    Some("use ISO 4217 codes like CNY, USD, EUR".into()),
                );
            }
        }
        let org = self.p.settings.org.currency.value.clone();
        if let Some(c) = &currency
            && *c != org
            && self.p.settings.rate(c).is_none()
        {
            err(
                &mut errors,
                None,
                format!("amount in {c}, which has no rate in dealbook.toml"),
                Some(format!("add {c} = <rate into {org}> to [rates]")),
            );
        }
        if currency.as_deref() == Some(org.as_str()) {
            currency = None;
        }
        // Dates.
        let formats = &rules.format.date;
        let date_of = |field: &str, errors: &mut Vec<Problem>| -> Option<Date> {
            let (v, at) = cx.get(field)?;
            if v.eq_ignore_ascii_case("import") {
                return Some(self.date);
            }
            match values::date(&v, formats) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(cx.problem(
                        Severity::Error,
                        at,
                        e,
                        Some(
                            "set [format] date to the export's format, e.g. [\"%d/%m/%Y\"]".into(),
                        ),
                    ));
                    None
                }
            }
        };
        let created = date_of("created", &mut errors);
        if created.is_none()
            && !errors.iter().any(|e| e.message.contains("not a date"))
            && !cx.mapped("created")
        {
            err(
                &mut errors,
                None,
                "no created date".into(),
                Some("map a created column, or set [defaults] created = \"import\"".into()),
            );
        } else if created.is_none() && cx.mapped("created") && cx.get("created").is_none() {
            err(
                &mut errors,
                None,
                "no created date".into(),
                Some(
                    "set [defaults] created = \"import\" to date such rows on the import day"
                        .into(),
                ),
            );
        }
        let mut close = date_of("close", &mut errors);
        let won_date = date_of("won_date", &mut errors);
        let lost_date = date_of("lost_date", &mut errors);
        let stage_date = date_of("stage_date", &mut errors);
        let next_step_date = date_of("next_step_date", &mut errors);
        match outcome {
            Some(Outcome::Won) => close = won_date.or(close),
            Some(Outcome::Lost) => close = lost_date.or(close),
            None => {}
        }
        if let Some(o) = outcome {
            match close {
                None => err(&mut errors, None, format!("{} deal without a close date", o.as_str()), Some("a won or lost deal needs the date it closed".into())),
                Some(c) if c > self.as_of => err(&mut errors, None, format!("{} deal closed on {c}, after the pipeline's as_of {}", o.as_str(), self.as_of), Some("a closed deal's close date is in the past; check the row, or the as_of in dealbook.toml".into())),
                _ => {}
            }
        }
        // Probability and forecast.
        let mut probability: Option<Option<Lit>> = None;
        if cx.cols.contains_key("probability") || rules.defaults.contains_key("probability") {
            probability = Some(None);
            if let (Some((v, at)), Some(st)) = (cx.get("probability"), stage)
                && st.is_open()
            {
                match values::probability(&v, rules.format.probability == "percent", dm) {
                    Ok(pr) if pr != st.probability.normalize() => {
                        probability = Some(Some(Lit::decimal(pr)))
                    }
                    Ok(_) => {}
                    Err(e) => err(&mut errors, at, e, None),
                }
            }
        }
        let mut forecast: Option<Option<Lit>> = None;
        if cx.mapped("forecast") {
            forecast = Some(None);
            if let (Some((v, at)), Some(st)) = (cx.get("forecast"), stage)
                && st.is_open()
            {
                let mapped = rules
                    .forecast
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&v))
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| v.to_lowercase().replace(' ', "_"));
                if mapped.is_empty() {
                } else if let Some(c) = crate::model::Category::parse(&mapped) {
                    if c != st.category {
                        forecast = Some(Some(Lit::str(c.as_str())));
                    }
                } else {
                    warnings.push(cx.problem(Severity::Warning, at, format!("forecast category \"{v}\" is not pipeline, best_case or commit; ignored"), Some(format!("map it in [forecast]: \"{v}\" = \"commit\" (or \"\" for none)"))));
                }
            }
        }
        // Lost reason.
        let lost_reason = if outcome == Some(Outcome::Lost) {
            match cx.get("lost_reason") {
                Some((v, _)) => Some(Some(Lit::str(&v))),
                None => {
                    err(
                        &mut errors,
                        None,
                        "lost deal without a reason".into(),
                        Some("map the loss reason column, or set [defaults] lost_reason".into()),
                    );
                    None
                }
            }
        } else if cx.cols.contains_key("lost_reason") {
            // The default is for lost deals; others keep the column's value.
            Some(cx.column_value("lost_reason").map(|v| Lit::str(&v)))
        } else {
            None
        };
        // Account.
        let account = match cx.get("account") {
            Some((v, _)) => match self.accounts_by_name.get(&lower(&v)).cloned().or_else(|| {
                let id = make_id(&v, self.rules.ids.max_length);
                self.p.account(&id).map(|a| a.id.as_str().to_string())
            }) {
                Some(id) => Some(AccountRef::Existing(id)),
                None => Some(AccountRef::New {
                    name: v,
                    industry: cx.get("account_industry").map(|x| x.0),
                    region: cx.get("account_region").map(|x| x.0),
                    owner: owner.clone().unwrap_or_default(),
                }),
            },
            None => {
                err(
                    &mut errors,
                    None,
                    "no account".into(),
                    Some("map the account column, or set [defaults] account = \"<name>\"".into()),
                );
                None
            }
        };
        let contact = cx.get("contact").map(|(name, _)| NewContact {
            name,
            email: cx.get("contact_email").map(|x| x.0),
            title: cx.get("contact_title").map(|x| x.0),
            phone: cx.get("contact_phone").map(|x| x.0),
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let list = |field: &str| -> Option<Option<Lit>> {
            if !cx.mapped(field) {
                return None;
            }
            let items: Vec<String> = cx
                .get(field)
                .map(|(v, _)| {
                    v.split(rules.format.list_separator.as_str())
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            Some((!items.is_empty()).then(|| Lit::list(&items)))
        };
        let text = |field: &str| -> Option<Option<Lit>> {
            cx.mapped(field)
                .then(|| cx.get(field).map(|(v, _)| Lit::str(&v)))
        };
        let stage = stage.expect("checked above");
        let mut vals: Vec<(&'static str, Option<Lit>)> = vec![
            ("name", Some(Lit::str(name.as_deref().unwrap_or("")))),
            ("owner", owner.as_deref().map(Lit::str)),
            ("amount", amount.map(Lit::money)),
            ("currency", currency.as_deref().map(Lit::str)),
            ("stage", Some(Lit::str(stage.id.value.as_str()))),
        ];
        // A created date that is only the import day (`created =
        // "import"`) is set on new deals, never changed on existing ones.
        let created_is_import_day = cx
            .column_value("created")
            .is_none_or(|v| v.eq_ignore_ascii_case("import"))
            && cx
                .default("created")
                .is_some_and(|v| v.eq_ignore_ascii_case("import"));
        if let Some(c) = created {
            let key = if created_is_import_day {
                "created:new"
            } else {
                "created"
            };
            vals.push((key, Some(Lit::date(c))));
        }
        if cx.mapped("close") || outcome.is_some() {
            vals.push(("close", close.map(Lit::date)));
        }
        for (k, v) in [
            ("probability", probability),
            ("forecast", forecast),
            ("products", list("products")),
            ("competitors", list("competitors")),
            ("next_step", text("next_step")),
            ("lost_reason", lost_reason),
        ] {
            if let Some(v) = v {
                vals.push((k, v));
            }
        }
        if cx.mapped("next_step_date") {
            vals.push(("next_step_date", next_step_date.map(Lit::date)));
        }
        let id_text: Vec<String> = rules
            .ids
            .deal
            .iter()
            .filter_map(|f| cx.get(f).map(|x| x.0))
            .collect();
        Ok((
            Mapped {
                at: (cx.table.name.clone(), cx.row.number),
                source_id,
                id_text: id_text.join(" "),
                account: account.expect("checked above"),
                contact,
                values: vals,
                stage: stage.id.value.as_str().to_string(),
                outcome,
                close,
                created,
                stage_date,
            },
            warnings,
        ))
    }

    /// Takes a valid row, unless it repeats an earlier one.
    pub(super) fn accept(&mut self, m: Mapped, plan: &mut Plan) {
        if let Some((first, vals, _)) = self.seen.get(&m.source_id) {
            let same = *vals == m.values;
            let (file, row) = first;
            let where_ = if *file == m.at.0 {
                format!("row {row}")
            } else {
                format!("{file}:{row}")
            };
            plan.problems.push(Problem {
                file: m.at.0.clone(),
                row: m.at.1,
                column: None,
                severity: Severity::Warning,
                message: if same {
                    format!("duplicate of {where_} (id \"{}\"); skipped", m.source_id)
                } else {
                    format!(
                        "same id \"{}\" as {where_} with other values; this later row is used",
                        m.source_id
                    )
                },
                hint: None,
            });
            if same {
                return;
            }
            let ix = self.seen[&m.source_id].2;
            self.seen
                .insert(m.source_id.clone(), (m.at.clone(), m.values.clone(), ix));
            self.rows[ix] = m;
            return;
        }
        self.seen.insert(
            m.source_id.clone(),
            (m.at.clone(), m.values.clone(), self.rows.len()),
        );
        self.rows.push(m);
    }

    pub(super) fn unique(taken: &HashSet<String>, base: &str, extra: &str, max: usize) -> String {
        let base = if base.is_empty() { "deal" } else { base };
        if !taken.contains(base) {
            return base.to_string();
        }
        let with = make_id(&format!("{base} {extra}"), max + 20);
        if !extra.is_empty() && !taken.contains(&with) {
            return with;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| !taken.contains(c))
            .expect("some free id")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_any_script() {
        assert_eq!(make_id("华星电力集团", 60), "hua-xing-dian-li-ji-tuan");
        assert_eq!(
            make_id("ACME Corp. - 500 widgets", 60),
            "acme-corp-500-widgets"
        );
        assert_eq!(make_id("Müller & Söhne", 60), "muller-sohne");
        assert_eq!(make_id("a very long name indeed", 10), "a-very-lon");
        assert_eq!(make_id("x-y-z", 2), "x");
    }
}
