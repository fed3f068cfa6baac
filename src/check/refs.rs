//! Rules about ids and references: every id unique where it must be, every
//! reference naming something that exists. References into a file that
//! failed to load are not reported again (the file's own error says it).

use super::Ctx;
use crate::diag::{Code, Diagnostic, name_hint, suggest};
use crate::model::{Account, Pipeline};
use crate::source::Span;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

fn dup(out: &mut Vec<Diagnostic>, span: Span, what: &str, id: &str, first: Span) {
    out.push(
        Diagnostic::new(
            Code::DuplicateId,
            span,
            format!("{what} \"{id}\" is defined twice"),
        )
        .hint("first defined at {at}; ids must be unique")
        .related(first),
    );
}

/// Teams, people, contacts, accounts and deals have unique ids. Account and
/// deal ids are file stems, unique across all subfolders.
pub fn unique_ids(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    let mut teams = HashMap::new();
    for t in &p.teams {
        if let Some(first) = teams.insert(t.id.value.as_str(), t.id.span) {
            dup(out, t.id.span, "team", t.id.value.as_str(), first);
        }
    }
    let mut people = HashMap::new();
    for x in &p.people {
        if let Some(first) = people.insert(x.id.value.as_str(), x.id.span) {
            dup(out, x.id.span, "person", x.id.value.as_str(), first);
        }
    }
    for a in &p.accounts {
        for (c, first) in super::repeats(&a.contacts, |c| c.id.value.as_str()) {
            dup(
                out,
                c.id.span,
                "contact",
                c.id.value.as_str(),
                first.id.span,
            );
        }
    }
    // Stems across subfolders, from every file read (parsed or not). Paths
    // with no text were not read as pipeline files (folders named *.toml,
    // skipped links, unreadable or empty files): they have their own
    // diagnostic and define no id.
    for prefix in ["accounts/", "deals/"] {
        let mut stems: FxHashMap<&str, &str> = FxHashMap::default();
        for (id, f) in p.sources.iter() {
            if !f.rel_path.starts_with(prefix) || !f.rel_path.ends_with(".toml") || !f.has_content()
            {
                continue;
            }
            let stem = crate::load::stem_of(&f.rel_path);
            if let Some(first) = stems.insert(stem, &f.rel_path) {
                let what = if prefix == "accounts/" {
                    "account"
                } else {
                    "deal"
                };
                out.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        Span::file_start(id),
                        format!("{what} id \"{stem}\" is used by two files"),
                    )
                    .hint(format!(
                        "{first} has the same file name; the file name is the id, unique across subfolders"
                    )),
                );
                stems.insert(stem, first);
            }
        }
    }
}

/// The people as (id, name), for hints about a name written as an id.
pub(super) fn people_named(p: &Pipeline) -> impl Iterator<Item = (&str, &str)> + Clone {
    p.people
        .iter()
        .map(|x| (x.id.value.as_str(), x.name.as_str()))
}

/// The teams as (id, name).
pub(super) fn teams_named(p: &Pipeline) -> impl Iterator<Item = (&str, &str)> + Clone {
    p.teams
        .iter()
        .map(|x| (x.id.value.as_str(), x.name.as_str()))
}

fn unknown_person(p: &Pipeline, out: &mut Vec<Diagnostic>, id: &str, span: Span, role: &str) {
    if id.is_empty() || !p.coverage.team_ok || p.index.people.contains_key(id) {
        return;
    }
    let key = match role {
        "team manager" => "manager",
        "author of a touch" => "by",
        "deal-team member" => "person",
        _ => "owner",
    };
    out.push(
        Diagnostic::new(
            Code::UnknownPerson,
            span,
            format!("unknown person \"{id}\" as {role}"),
        )
        .maybe_hint(
            name_hint("person", id, key, people_named(p))
                .or_else(|| suggest(id, p.people.iter().map(|x| x.id.value.as_str())))
                .or_else(|| Some("people are listed in team.toml as [[person]]".into())),
        ),
    );
}

fn unknown_contact(out: &mut Vec<Diagnostic>, a: &Account, id: &str, span: Span) {
    if a.contact(id).is_some() {
        return;
    }
    let contacts = a
        .contacts
        .iter()
        .map(|c| (c.id.value.as_str(), c.name.as_str()));
    let hint = name_hint("contact", id, "contact", contacts)
        .or_else(|| suggest(id, a.contacts.iter().map(|c| c.id.value.as_str())))
        .unwrap_or_else(|| {
            format!(
                "add a [[contact]] with id = \"{id}\" to the account \"{}\"",
                a.id
            )
        });
    out.push(
        Diagnostic::new(
            Code::UnknownContact,
            span,
            format!("unknown contact \"{id}\" in account \"{}\"", a.id),
        )
        .hint(hint),
    );
}

/// People's teams and teams' managers exist.
pub fn team(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    for x in &p.people {
        if let Some(t) = &x.team
            && !p.index.teams.contains_key(t.value.as_str())
        {
            out.push(
                Diagnostic::new(
                    Code::UnknownTeam,
                    t.span,
                    format!("unknown team \"{}\"", t.value),
                )
                .maybe_hint(
                    name_hint("team", t.value.as_str(), "team", teams_named(p)).or_else(|| {
                        suggest(
                            t.value.as_str(),
                            p.teams.iter().map(|t| t.id.value.as_str()),
                        )
                    }),
                ),
            );
        }
    }
    for t in &p.teams {
        if let Some(m) = &t.manager {
            unknown_person(p, out, m.value.as_str(), m.span, "team manager");
        }
    }
}

/// Account owners, touch authors and the contacts of touches and surveys exist.
pub fn accounts(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    for a in &p.accounts {
        unknown_person(
            p,
            out,
            a.owner.value.as_str(),
            a.owner.span,
            "account owner",
        );
        for t in &a.touches {
            unknown_person(p, out, t.by.value.as_str(), t.by.span, "author of a touch");
            if let Some(c) = &t.contact {
                unknown_contact(out, a, c.value.as_str(), c.span);
            }
        }
        for s in &a.surveys {
            if let Some(c) = &s.contact {
                unknown_contact(out, a, c.value.as_str(), c.span);
            }
        }
    }
}

/// A deal's account, owner, stage, currency, stakeholders, members and
/// history stages exist.
pub fn deals(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    let stage_ids = || p.settings.stages.iter().map(|s| s.id.value.as_str());
    let stage_hint = |written: &str| {
        let stages = p
            .settings
            .stages
            .iter()
            .map(|s| (s.id.value.as_str(), s.name.as_str()));
        name_hint("stage", written, "stage", stages).or_else(|| suggest(written, stage_ids()))
    };
    for d in cx.deals() {
        let acc = d.account.value.as_str();
        // A reference that resolved names an account, whose stem is in
        // the set (skips a search of the set for almost every deal).
        if d.refs.account.is_none() && !acc.is_empty() && !p.coverage.account_stems.contains(acc) {
            let accounts = p.accounts.iter().map(|a| (a.id.as_str(), a.name.as_str()));
            let hint = name_hint("account", acc, "account", accounts)
                .or_else(|| suggest(acc, p.coverage.account_stems.iter().map(|s| s.as_str())))
                .unwrap_or_else(|| format!("create accounts/{acc}.toml, or use the id (file name) of an existing account"));
            out.push(
                Diagnostic::new(
                    Code::UnknownAccount,
                    d.account.span,
                    format!("unknown account \"{acc}\""),
                )
                .hint(hint),
            );
        }
        unknown_person(p, out, d.owner.value.as_str(), d.owner.span, "deal owner");
        if p.coverage.settings_ok {
            if d.refs.stage.is_none() && !d.stage.value.as_str().is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::UnknownStage,
                        d.stage.span,
                        format!("unknown stage \"{}\"", d.stage.value),
                    )
                    .maybe_hint(stage_hint(d.stage.value.as_str())),
                );
            }
            for h in &d.history {
                if h.stage_ix.is_none() && !h.stage.value.as_str().is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::UnknownStage,
                            h.stage.span,
                            format!("unknown stage \"{}\" in history", h.stage.value),
                        )
                        .maybe_hint(stage_hint(h.stage.value.as_str())),
                    );
                }
            }
            if let Some(c) = &d.currency
                && d.refs.rate.is_none()
            {
                out.push(
                    Diagnostic::new(
                        Code::UnknownCurrency,
                        c.span,
                        format!(
                            "no conversion rate for {} into {}",
                            c.value, p.settings.org.currency.value
                        ),
                    )
                    .hint(format!(
                        "add it to dealbook.toml: [rates] {} = <value of 1 {} in {}>",
                        c.value, c.value, p.settings.org.currency.value
                    )),
                );
            }
        }
        if let Some(a) = p.account_of(d) {
            for s in &d.stakeholders {
                unknown_contact(out, a, s.contact.value.as_str(), s.contact.span);
            }
        }
        for m in &d.members {
            unknown_person(
                p,
                out,
                m.person.value.as_str(),
                m.person.span,
                "deal-team member",
            );
        }
    }
}
