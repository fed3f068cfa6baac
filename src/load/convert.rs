//! Turns checked [`Record`]s into model values and places them in the
//! pipeline. Shape was already checked by the reader; what is left here is
//! filling in defaults and deciding what to keep when a required field was
//! bad (top-level accounts and deals are dropped, sub-entries keep their id
//! and fall back to defaults, so one typo does not cascade into dozens of
//! "unknown id" errors).

use crate::diag::{Code, Diagnostic};
use crate::ids::{AccountId, ContactId, DealId, PersonId, StageId, TeamId};
use crate::load::FileKind;
use crate::model::*;
use crate::reader::Record;
use crate::source::{FileId, Sp, Span};
use rust_decimal::Decimal;

/// The typed content of one file.
#[derive(Debug, Clone)]
pub enum Item {
    /// `dealbook.toml`, and whether its stage list could be read (when not,
    /// references to stages are not judged: the file's own error says why).
    Settings(Box<Settings>, bool),
    /// `team.toml`, and whether its list of people could be read (when not,
    /// references to people are not judged).
    Team(Vec<Team>, Vec<Person>, bool),
    /// An account file.
    Account(Box<Account>),
    /// A deal file.
    Deal(Box<Deal>),
    /// A targets file.
    Targets(Vec<Target>),
    /// A file that could not be used (its diagnostics say why).
    Failed(FileKind),
}

/// Settings used when `dealbook.toml` is missing or broken.
pub fn default_settings(file: FileId) -> Settings {
    let span = Span::file_start(file);
    Settings {
        file,
        org: Org {
            name: String::new(),
            currency: Sp::new("CNY".into(), span),
            fiscal_year_start: 1,
            locale: Locale::En,
            as_of: None,
        },
        rates: Vec::new(),
        stages: Vec::new(),
        rules: default_rules(span),
        markets: Vec::new(),
        week_ends: WeekEnd::Sunday,
    }
}

fn default_rules(span: Span) -> Rules {
    Rules {
        min_stakeholders: 2,
        large_deal: Decimal::from(1_000_000),
        economic_buyer_by: Sp::new(StageId::from("solution"), span),
        proof_by: Sp::new(StageId::from("proof"), span),
        decline_pct: 20,
        follow_up: FollowUp {
            key: 30,
            growth: 60,
            standard: 90,
        },
        economic_buyer_by_set: false,
        proof_by_set: false,
        signals: SignalSwitches::ALL,
        signals_at: None,
    }
}

fn text(r: &mut Record, key: &str) -> Option<String> {
    r.str(key).map(|s| s.value)
}

fn list(r: &mut Record, key: &str) -> Vec<String> {
    r.list(key).into_iter().map(|s| s.value).collect()
}

fn parse_enum<T>(r: &mut Record, key: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
    r.str(key).and_then(|s| parse(&s.value))
}

/// Converts a file's record according to its kind.
pub fn convert(
    file: FileId,
    rel: &str,
    kind: FileKind,
    r: Record,
    diags: &mut Vec<Diagnostic>,
) -> Item {
    match kind {
        FileKind::Settings => settings(file, r),
        FileKind::Team => team(r),
        FileKind::Account => match account(file, rel, r, diags) {
            Some(a) => Item::Account(Box::new(a)),
            None => Item::Failed(kind),
        },
        FileKind::Deal => match deal(file, rel, r, diags) {
            Some(d) => Item::Deal(Box::new(d)),
            None => Item::Failed(kind),
        },
        FileKind::Targets => Item::Targets(targets(r, diags)),
    }
}

/// The id of an account or deal file: its stem. Reports a stem that is
/// not a slug.
pub fn file_id(file: FileId, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let stem = stem_of(rel);
    if crate::ids::is_slug(stem) {
        Some(stem.to_string())
    } else {
        let sug = crate::ids::slugify(stem);
        diags.push(
            Diagnostic::new(
                Code::BadId,
                Span::file_start(file),
                format!("file name \"{stem}\" is not a slug, and the file name is the id"),
            )
            .hint(match (sug.is_empty(), crate::ids::lookalikes(stem)) {
                (true, _) => "rename the file using lowercase ASCII letters, digits, `-` and `_`; put the human name in `name`".to_string(),
                (false, Some(l)) => format!("rename it to \"{sug}.toml\" ({l}); put the human name in `name`"),
                (false, None) => format!("rename it to \"{sug}.toml\"; put the human name in `name`"),
            }),
        );
        None
    }
}

/// The file stem of a relative path.
pub fn stem_of(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".toml").unwrap_or(name)
}

fn settings(file: FileId, mut r: Record) -> Item {
    let mut s = default_settings(file);
    // Missing (`[[stages]]` typo) or of the wrong type, or a stage without
    // a usable id (which deals may name): reported already.
    let mut stages_ok = r.has("stage");
    if let Some(mut org) = r.record("org") {
        s.org.name = text(&mut org, "name").unwrap_or_default();
        if let Some(c) = org.str("currency") {
            s.org.currency = c;
        }
        if let Some(m) = org.int("fiscal_year_start") {
            s.org.fiscal_year_start = m.value as u8;
        }
        if let Some(l) = parse_enum(&mut org, "locale", Locale::parse) {
            s.org.locale = l;
        }
        s.org.as_of = org.date("as_of");
    }
    s.rates = r.rates("rates");
    // A probability that was reported as bad takes the one of the open
    // stage before, so it does not also set off "probabilities decrease".
    let mut prev_open_p = Decimal::ZERO;
    for mut st in r.records("stage") {
        let Some(id) = st.str("id") else {
            stages_ok = false;
            continue;
        };
        // An `outcome` written with a bad value (reported) still marks a
        // terminal stage; read as won, it sets off no follow-on complaints
        // about the stage list (no won stage, open after outcome, ...).
        let outcome = parse_enum(&mut st, "outcome", Outcome::parse)
            .or_else(|| st.written("outcome").then_some(Outcome::Won));
        let mut ignored_keys = Vec::new();
        if outcome.is_some() {
            for key in ["probability", "category", "max_days", "requires"] {
                if let Some(at) = st.written_at(key) {
                    ignored_keys.push(Sp::new(key, at));
                }
            }
        }
        let default_p = if outcome == Some(Outcome::Won) {
            Decimal::ONE
        } else {
            Decimal::ZERO
        };
        let probability = match outcome {
            Some(Outcome::Won) => Decimal::ONE,
            Some(Outcome::Lost) => Decimal::ZERO,
            None => match st.dec("probability") {
                Some(p) => p.value,
                None if st.written("probability") => prev_open_p,
                None => default_p,
            },
        };
        if outcome.is_none() {
            prev_open_p = probability;
        }
        s.stages.push(Stage {
            name: text(&mut st, "name").unwrap_or_else(|| id.value.clone()),
            id: Sp::new(StageId(id.value), id.span),
            probability,
            probability_span: st.written_at("probability"),
            category: parse_enum(&mut st, "category", Category::parse)
                .unwrap_or(Category::Pipeline),
            max_days: st.int("max_days").map(|d| d.value as u32),
            requires: st.list("requires"),
            outcome,
            span: st.span,
            ignored_keys,
        });
    }
    if let Some(mut rules) = r.record("rules") {
        let d = &mut s.rules;
        if let Some(v) = rules.int("min_stakeholders") {
            d.min_stakeholders = v.value as u32;
        }
        if let Some(v) = rules.dec("large_deal") {
            d.large_deal = v.value;
        }
        if let Some(v) = rules.str("economic_buyer_by") {
            d.economic_buyer_by = Sp::new(StageId(v.value), v.span);
            d.economic_buyer_by_set = true;
        }
        if let Some(v) = rules.str("proof_by") {
            d.proof_by = Sp::new(StageId(v.value), v.span);
            d.proof_by_set = true;
        }
        if let Some(v) = rules.int("decline_pct") {
            d.decline_pct = v.value as u32;
        }
        if let Some(mut f) = rules.record("follow_up_days") {
            for (key, slot) in [
                ("key", &mut d.follow_up.key),
                ("growth", &mut d.follow_up.growth),
                ("standard", &mut d.follow_up.standard),
            ] {
                if let Some(v) = f.int(key) {
                    *slot = v.value as u32;
                }
            }
        }
        d.signals_at = Some(rules.written_at("signals").unwrap_or(rules.span));
        if let Some(mut sw) = rules.record("signals") {
            for (ix, code) in crate::spec::SIGNAL_CODES.iter().enumerate() {
                if let Some(on) = sw.bool(code) {
                    d.signals.set(ix, on.value);
                }
            }
        }
    }
    for mut m in r.records("market") {
        let (Some(period), Some(size)) = (m.period("period"), m.dec("size")) else {
            continue;
        };
        s.markets.push(Market {
            period,
            size: size.value,
            name: text(&mut m, "name"),
        });
    }
    if let Some(mut h) = r.record("history")
        && let Some(w) = parse_enum(&mut h, "week_ends", WeekEnd::parse)
    {
        s.week_ends = w;
    }
    Item::Settings(Box::new(s), stages_ok)
}

fn team(mut r: Record) -> Item {
    // People of the wrong type, absent next to an unknown key (a
    // `[[persons]]` typo), or a person without a usable id: reported already.
    let mut people_ok = r.has("person") || !(r.written("person") || r.has_unknown_keys());
    let mut teams = Vec::new();
    for mut t in r.records("team") {
        let Some(id) = t.str("id") else { continue };
        teams.push(Team {
            name: text(&mut t, "name").unwrap_or_else(|| id.value.clone()),
            id: Sp::new(TeamId(id.value), id.span),
            manager: t.str("manager").map(|m| Sp::new(PersonId(m.value), m.span)),
        });
    }
    let mut people = Vec::new();
    for mut p in r.records("person") {
        let Some(id) = p.str("id") else {
            people_ok = false;
            continue;
        };
        people.push(Person {
            name: text(&mut p, "name").unwrap_or_else(|| id.value.clone()),
            id: Sp::new(PersonId(id.value), id.span),
            team: p.str("team").map(|t| Sp::new(TeamId(t.value), t.span)),
            role: parse_enum(&mut p, "role", Role::parse).unwrap_or(Role::Sales),
            email: text(&mut p, "email"),
        });
    }
    Item::Team(teams, people, people_ok)
}

fn account(file: FileId, rel: &str, mut r: Record, diags: &mut Vec<Diagnostic>) -> Option<Account> {
    let id = file_id(file, rel, diags);
    let name = text(&mut r, "name");
    let owner = r.str("owner");
    let mut contacts = Vec::new();
    for mut c in r.records("contact") {
        let Some(cid) = c.str("id") else { continue };
        contacts.push(Contact {
            name: text(&mut c, "name").unwrap_or_else(|| cid.value.clone()),
            id: Sp::new(ContactId(cid.value), cid.span),
            title: text(&mut c, "title"),
            influence: parse_enum(&mut c, "influence", Influence::parse)
                .unwrap_or(Influence::Medium),
            email: text(&mut c, "email"),
            phone: text(&mut c, "phone"),
        });
    }
    let mut touches = Vec::new();
    for mut t in r.records("touch") {
        let (Some(date), Some(by)) = (t.date("date"), t.str("by")) else {
            continue;
        };
        touches.push(Touch {
            date,
            by: Sp::new(PersonId(by.value), by.span),
            kind: parse_enum(&mut t, "kind", TouchKind::parse).unwrap_or(TouchKind::Other),
            contact: t
                .str("contact")
                .map(|c| Sp::new(ContactId(c.value), c.span)),
            note: text(&mut t, "note"),
        });
    }
    let mut surveys = Vec::new();
    for mut s in r.records("survey") {
        let (Some(date), Some(score)) = (s.date("date"), s.int("score")) else {
            continue;
        };
        surveys.push(Survey {
            date,
            score: score.value as u8,
            contact: s
                .str("contact")
                .map(|c| Sp::new(ContactId(c.value), c.span)),
            note: text(&mut s, "note"),
        });
    }
    let complete = id.is_some() && name.is_some() && owner.is_some();
    let id = id.unwrap_or_else(|| stem_of(rel).to_string());
    Some(Account {
        name: name.unwrap_or_else(|| id.clone()),
        id: AccountId(id),
        file,
        industry: text(&mut r, "industry"),
        region: text(&mut r, "region"),
        tier: parse_enum(&mut r, "tier", Tier::parse).unwrap_or(Tier::Standard),
        owner: owner
            .map(|o| Sp::new(PersonId(o.value), o.span))
            .unwrap_or_else(|| Sp::new(PersonId::default(), Span::file_start(file))),
        follow_up_days: r.int("follow_up_days").map(|d| d.value as u32),
        contacts,
        touches,
        surveys,
        notes: text(&mut r, "notes").unwrap_or_default(),
        complete,
    })
}

fn deal(file: FileId, rel: &str, mut r: Record, diags: &mut Vec<Diagnostic>) -> Option<Deal> {
    let id = file_id(file, rel, diags);
    let mut stakeholders = Vec::new();
    for mut s in r.records("stakeholder") {
        let Some(contact) = s.str("contact") else {
            continue;
        };
        // A bad role or attitude (reported) falls back to a default, so the
        // stakeholder still counts for exit criteria and duplicates.
        stakeholders.push(Stakeholder {
            contact: Sp::new(ContactId(contact.value), contact.span),
            role: parse_enum(&mut s, "role", BuyingRole::parse).unwrap_or(BuyingRole::Influencer),
            attitude: parse_enum(&mut s, "attitude", Attitude::parse).unwrap_or(Attitude::Neutral),
            note: text(&mut s, "note"),
        });
    }
    let mut members = Vec::new();
    for mut m in r.records("member") {
        let Some(person) = m.str("person") else {
            continue;
        };
        members.push(Member {
            person: Sp::new(PersonId(person.value), person.span),
            role: parse_enum(&mut m, "role", Role::parse),
        });
    }
    let mut history: Vec<HistoryEntry> = Vec::new();
    for mut h in r.records("history") {
        // An entry with a bad date or stage (reported) is kept with
        // placeholders: the date of the entry before (so the order is not
        // disturbed) and an empty stage (which the history rules skip), so
        // the entries after it are not judged against the wrong neighbour.
        let date = h.date("date").unwrap_or_else(|| {
            let prev = history
                .last()
                .map_or(jiff::civil::Date::MIN, |e| e.date.value);
            Sp::new(prev, h.span)
        });
        let stage = h
            .str("stage")
            .unwrap_or_else(|| Sp::new(String::new(), h.span));
        history.push(HistoryEntry {
            date,
            stage: Sp::new(StageId(stage.value), stage.span),
            close: h.date("close"),
            note: text(&mut h, "note"),
            stage_ix: None,
        });
    }
    let name = text(&mut r, "name");
    let account = r.str("account");
    let owner = r.str("owner");
    let amount = r.dec("amount");
    let stage = r.str("stage");
    let created = r.date("created");
    // `close` written with a bad value (reported) is not "no close date":
    // a placeholder keeps the outcome rules quiet, and the deal is left out
    // of the numbers.
    let close = r.date("close");
    let bad_close = close.is_none() && r.written("close");
    let close = close.or_else(|| {
        r.written_at("close")
            .map(|at| Sp::new(jiff::civil::Date::MAX, at))
    });
    let complete = !bad_close
        && id.is_some()
        && name.is_some()
        && account.is_some()
        && owner.is_some()
        && amount.is_some()
        && stage.is_some()
        && created.is_some();
    let id = id.unwrap_or_else(|| stem_of(rel).to_string());
    let here = Span::file_start(file);
    // A deal with a bad required field stays in the model (marked
    // incomplete, placeholders empty) so its other references are still
    // checked; analytics skip it.
    Some(Deal {
        name: name.unwrap_or_else(|| id.clone()),
        id: DealId(id),
        file,
        account: account
            .map(|a| Sp::new(AccountId(a.value), a.span))
            .unwrap_or_else(|| Sp::new(AccountId::default(), here)),
        owner: owner
            .map(|o| Sp::new(PersonId(o.value), o.span))
            .unwrap_or_else(|| Sp::new(PersonId::default(), here)),
        amount: amount.unwrap_or_else(|| Sp::new(Decimal::ZERO, here)),
        currency: r.str("currency"),
        stage: stage
            .map(|s| Sp::new(StageId(s.value), s.span))
            .unwrap_or_else(|| Sp::new(StageId::default(), here)),
        created: created.unwrap_or_else(|| Sp::new(jiff::civil::Date::MIN, here)),
        close,
        probability: r.dec("probability"),
        forecast: parse_enum(&mut r, "forecast", Category::parse),
        products: list(&mut r, "products"),
        competitors: list(&mut r, "competitors"),
        next_step: text(&mut r, "next_step"),
        next_step_date: r.date("next_step_date"),
        // Written but bad (reported): not "lost without a reason".
        lost_reason: text(&mut r, "lost_reason")
            .or_else(|| r.written("lost_reason").then(String::new)),
        pains: list(&mut r, "pains"),
        decision_process: text(&mut r, "decision_process"),
        value_proof: text(&mut r, "value_proof"),
        source: r.record("source").and_then(|mut s| {
            Some(Source {
                system: text(&mut s, "system")?,
                id: text(&mut s, "id")?,
            })
        }),
        stakeholders,
        members,
        history,
        notes: text(&mut r, "notes").unwrap_or_default(),
        refs: DealRefs::default(),
        complete,
    })
}

fn targets(mut r: Record, diags: &mut Vec<Diagnostic>) -> Vec<Target> {
    let mut out = Vec::new();
    for mut t in r.records("target") {
        let (Some(period), Some(value)) = (t.period("period"), t.dec("value")) else {
            continue;
        };
        let person = t.str("person");
        let team = t.str("team");
        let (scope, scope_span) = match (person, team) {
            (Some(p), None) => (Scope::Person(PersonId(p.value)), p.span),
            (None, Some(tm)) => (Scope::Team(TeamId(tm.value)), tm.span),
            (None, None) => (Scope::Org, t.span),
            (Some(_), Some(tm)) => {
                diags.push(
                    Diagnostic::new(
                        Code::BadScope,
                        tm.span,
                        "a target is for a person, a team or (with neither) the organisation, not both",
                    )
                    .hint("remove `team` for a personal target, or `person` for a team target"),
                );
                continue;
            }
        };
        out.push(Target {
            period,
            scope,
            scope_span,
            metric: parse_enum(&mut t, "metric", Metric::parse).unwrap_or(Metric::Revenue),
            value: value.value,
            value_span: value.span,
            stretch: t.dec("stretch"),
            span: t.span,
        });
    }
    out
}

/// Puts a converted file into the pipeline.
pub fn place(
    p: &mut Pipeline,
    rel: &str,
    item: Item,
    seen_settings: &mut bool,
    seen_team: &mut bool,
) {
    match item {
        Item::Settings(s, stages_ok) => {
            *seen_settings = true;
            p.coverage.settings_ok = stages_ok;
            p.settings = *s;
        }
        Item::Team(teams, people, people_ok) => {
            *seen_team = true;
            p.coverage.team_ok = people_ok;
            p.teams.extend(teams);
            p.people.extend(people);
        }
        Item::Account(a) => {
            p.coverage.account_stems.insert(a.id.0.clone());
            p.accounts.push(*a);
        }
        Item::Deal(d) => p.deals.push(*d),
        Item::Targets(t) => p.targets.extend(t),
        Item::Failed(kind) => match kind {
            FileKind::Settings => *seen_settings = true,
            FileKind::Team => *seen_team = true,
            FileKind::Account => {
                p.coverage.account_stems.insert(stem_of(rel).to_string());
            }
            FileKind::Deal | FileKind::Targets => {}
        },
    }
}
