//! Accounts and contacts: resolving each row's account (creating new ones
//! once), adding contacts, and writing the account files.

use super::Plan;
use super::deals::render_new;
use super::mapper::{AccountRef, Mapper, NewAccount, NewContact, lower, make_id};
use crate::edit::doc::{Doc, Lit};
use crate::spec;
use std::collections::HashSet;

impl Mapper<'_> {
    /// Resolves accounts, writes the deal files, the new accounts and the
    /// contacts.
    pub(super) fn finish(mut self, plan: &mut Plan) {
        let rows = std::mem::take(&mut self.rows);
        let max = self.rules.ids.max_length;
        for m in rows {
            let account_id = match &m.account {
                AccountRef::Existing(id) => id.clone(),
                AccountRef::New {
                    name,
                    industry,
                    region,
                    owner,
                } => match self.new_account_by_name.get(&lower(name)) {
                    Some(&i) => {
                        self.new_accounts[i].rows.push(m.at.clone());
                        self.new_accounts[i].id.clone()
                    }
                    None => {
                        let id = Self::unique(&self.account_ids, &make_id(name, max), "", max);
                        self.account_ids.insert(id.clone());
                        self.new_account_by_name
                            .insert(lower(name), self.new_accounts.len());
                        self.new_accounts.push(NewAccount {
                            id: id.clone(),
                            name: name.clone(),
                            industry: industry.clone(),
                            region: region.clone(),
                            owner: owner.clone(),
                            contacts: Vec::new(),
                            rows: vec![m.at.clone()],
                        });
                        id
                    }
                },
            };
            if let Some(c) = &m.contact {
                self.add_contact(&account_id, c, &m.at, plan);
            }
            match self.by_source.get(&m.source_id).copied() {
                Some(ix) => self.update(ix, &m, &account_id, plan),
                None => self.create(&m, &account_id, plan),
            }
        }
        self.write_accounts(plan);
    }

    pub(super) fn add_contact(
        &mut self,
        account: &str,
        c: &NewContact,
        at: &(String, usize),
        plan: &mut Plan,
    ) {
        let same = |name: &str, email: Option<&str>| {
            lower(name) == lower(&c.name)
                || (email.is_some() && email.map(lower) == c.email.as_deref().map(lower))
        };
        if let Some(new) = self.new_accounts.iter_mut().find(|a| a.id == account) {
            if !new
                .contacts
                .iter()
                .any(|(_, x)| same(&x.name, x.email.as_deref()))
            {
                let taken: HashSet<String> = new.contacts.iter().map(|(i, _)| i.clone()).collect();
                let id = Self::unique(&taken, &make_id(&c.name, 40), "", 40);
                new.contacts.push((id, c.clone()));
                plan.contacts_added += 1;
            }
            return;
        }
        let Some(acc) = self.p.account(account) else {
            return;
        };
        if acc
            .contacts
            .iter()
            .any(|x| same(&x.name, x.email.as_deref()))
        {
            return;
        }
        let pending = self.extra_contacts.entry(account.to_string()).or_default();
        if pending
            .iter()
            .any(|(_, x, _)| same(&x.name, x.email.as_deref()))
        {
            return;
        }
        let mut taken: HashSet<String> = acc
            .contacts
            .iter()
            .map(|x| x.id.value.as_str().to_string())
            .collect();
        taken.extend(pending.iter().map(|(i, _, _)| i.clone()));
        let id = Self::unique(&taken, &make_id(&c.name, 40), "", 40);
        pending.push((id, c.clone(), at.clone()));
        plan.contacts_added += 1;
    }

    pub(super) fn write_accounts(&mut self, plan: &mut Plan) {
        let tier = self
            .rules
            .defaults
            .get("tier")
            .and_then(|v| v.as_str())
            .unwrap_or("standard")
            .to_string();
        for a in &self.new_accounts {
            let rel = format!("accounts/{}.toml", a.id);
            let mut lines = vec![("name", Lit::str(&a.name))];
            if let Some(i) = &a.industry {
                lines.push(("industry", Lit::str(i)));
            }
            if let Some(r) = &a.region {
                lines.push(("region", Lit::str(r)));
            }
            lines.push(("tier", Lit::str(&tier)));
            lines.push(("owner", Lit::str(&a.owner)));
            let tables: Vec<(&str, Vec<(&str, Lit)>)> = a
                .contacts
                .iter()
                .map(|(id, c)| ("contact", contact_lits(id, c)))
                .collect();
            plan.rows_of.insert(rel.clone(), a.rows.clone());
            plan.accounts_created.push(rel.clone());
            plan.changes.insert(rel, render_new(&lines, &tables));
        }
        let extra = std::mem::take(&mut self.extra_contacts);
        for (account, contacts) in extra {
            let Some(acc) = self.p.account(&account) else {
                continue;
            };
            let rel = self.p.sources.get(acc.file).rel_path.clone();
            let Some(text) = self.snapshot.text(&rel) else {
                continue;
            };
            let Ok(mut doc) = Doc::parse(text, &spec::ACCOUNT) else {
                continue;
            };
            for (id, c, at) in &contacts {
                if doc.push("contact", &contact_lits(id, c)).is_ok() {
                    plan.rows_of
                        .entry(rel.clone())
                        .or_default()
                        .push(at.clone());
                }
            }
            plan.accounts_changed.push(rel.clone());
            plan.changes.insert(rel, doc.text());
        }
    }
}

fn contact_lits<'a>(id: &str, c: &NewContact) -> Vec<(&'a str, Lit)> {
    let mut v = vec![("id", Lit::str(id)), ("name", Lit::str(&c.name))];
    if let Some(t) = &c.title {
        v.push(("title", Lit::str(t)));
    }
    if let Some(e) = &c.email {
        v.push(("email", Lit::str(e)));
    }
    if let Some(p) = &c.phone {
        v.push(("phone", Lit::str(p)));
    }
    v
}
