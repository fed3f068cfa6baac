//! The edits of the daily work, behind `dealbook deal new|move|won|lost|
//! push|set` and `dealbook touch`: each changes one file in place and
//! writes the `[[history]]` (or `[[touch]]`) entry the change needs.
//!
//! An edit is computed against a [`Session`] (the pipeline as read and
//! checked once) and only written by [`Session::commit`], which checks the
//! pipeline as it would be and refuses, writing nothing, when that adds an
//! error; the new warnings it brings (exit criteria of a move, say) come
//! back for the command to print.
//!
//! History rules (see docs/edit.md): a deal without history first gets an
//! entry for the stage it was in since `created`; every stage change adds
//! an entry dated the edit's date with the new stage and the expected close
//! after the change; a new close date of an open deal adds an entry that
//! repeats the stage with the new close, and the close before it is
//! recorded on the entry before (when that entry has none), so the slip
//! can be seen.

use super::doc::{Doc, Lit};
use super::snapshot::{Changes, Snapshot, new_diagnostics};
use crate::diag::{Diagnostic, Severity, did_you_mean};
use crate::model::{Account, Deal, Outcome, Pipeline};
use crate::spec::{self, Ty};
use crate::{Checked, diag_out};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Why an edit was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The command line names something that does not exist or cannot be
    /// done (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The edit would leave the pipeline with new errors, shown here
    /// (exit 1). Nothing was written.
    #[error("{0}")]
    Refused(String),
    /// Writing failed (exit 2).
    #[error("{0}")]
    Io(String),
}

fn usage<T>(msg: impl Into<String>) -> Result<T, EditError> {
    Err(EditError::Usage(msg.into()))
}

/// A computed edit: the new texts and what they do, in words.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// New file texts by relative path.
    pub changes: Changes,
    /// One line per thing done.
    pub done: Vec<String>,
}

/// What [`Session::commit`] did.
#[derive(Debug, Clone)]
pub struct Committed {
    /// One line per thing done.
    pub done: Vec<String>,
    /// Files written (relative paths).
    pub written: Vec<String>,
    /// The warnings the edit brought, rendered like `check` does.
    pub warnings: String,
    /// How many.
    pub warning_count: usize,
}

/// The pipeline read and checked once, for one edit.
pub struct Session {
    /// Every file, parsed.
    pub snapshot: Snapshot,
    /// The pipeline as it is.
    pub before: Checked,
    /// Date of the entries the edit writes (`--date`, else today).
    pub date: Date,
    /// Today (for `as_of` when the settings do not fix it).
    pub today: Date,
    /// Colour the rendered diagnostics.
    pub color: bool,
}

impl Session {
    /// Reads the pipeline at `root`.
    pub fn open(root: &std::path::Path, date: Date, today: Date) -> Session {
        let snapshot = Snapshot::load(root);
        let before = snapshot.check(&Changes::new(), None, today);
        Session {
            snapshot,
            before,
            date,
            today,
            color: false,
        }
    }

    fn p(&self) -> &Pipeline {
        &self.before.pipeline
    }

    fn rel(&self, file: crate::source::FileId) -> String {
        self.p().sources.get(file).rel_path.clone()
    }

    /// A deal by id, and its file.
    pub fn deal(&self, id: &str) -> Result<(&Deal, String), EditError> {
        let p = self.p();
        self.one("deal", id, crate::load::FileKind::Deal, &p.deals, |d| {
            (d.id.as_str(), d.file)
        })
    }

    /// An account by id, and its file.
    pub fn account(&self, id: &str) -> Result<(&Account, String), EditError> {
        let p = self.p();
        self.one(
            "account",
            id,
            crate::load::FileKind::Account,
            &p.accounts,
            |a| (a.id.as_str(), a.file),
        )
    }

    /// The one item of `items` with this id, and its file; an error that
    /// suggests a near id, or says the file has errors, or that two files
    /// define it.
    fn one<'a, T>(
        &self,
        what: &str,
        id: &str,
        kind: crate::load::FileKind,
        items: &'a [T],
        key: impl Fn(&T) -> (&str, crate::source::FileId),
    ) -> Result<(&'a T, String), EditError> {
        let found: Vec<&T> = items.iter().filter(|x| key(x).0 == id).collect();
        match found.as_slice() {
            [x] => Ok((x, self.rel(key(x).1))),
            [] => {
                if self
                    .snapshot
                    .paths(kind)
                    .any(|r| crate::load::stem_of(r) == id)
                {
                    return usage(format!(
                        "the {what} file of \"{id}\" has errors that keep it from being read; fix them first (`dealbook check`)"
                    ));
                }
                usage(match did_you_mean(id, items.iter().map(|x| key(x).0)) {
                    Some(s) => format!("no {what} \"{id}\"; did you mean \"{s}\"?"),
                    None => format!("no {what} \"{id}\""),
                })
            }
            _ => usage(format!(
                "{} files define {what} \"{id}\"; run `dealbook check` and keep one",
                found.len()
            )),
        }
    }

    /// A stage by id or (case-insensitive) name: its position.
    pub fn stage(&self, name: &str) -> Result<usize, EditError> {
        let stages = &self.p().settings.stages;
        if let Some(i) = stages.iter().position(|s| s.id.value.as_str() == name) {
            return Ok(i);
        }
        if let Some(i) = stages
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
        {
            return Ok(i);
        }
        let ids: Vec<&str> = stages.iter().map(|s| s.id.value.as_str()).collect();
        let hint = match did_you_mean(name, ids.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("stages: {}", ids.join(", ")),
        };
        usage(format!("unknown stage \"{name}\"; {hint}"))
    }

    /// The first stage with this outcome.
    fn outcome_stage(&self, o: Outcome) -> Result<usize, EditError> {
        self.p()
            .settings
            .stages
            .iter()
            .position(|s| s.outcome == Some(o))
            .ok_or_else(|| {
                EditError::Usage(format!(
                    "dealbook.toml has no stage with outcome = \"{}\"",
                    o.as_str()
                ))
            })
    }

    /// The pipeline as `edit` would leave it.
    pub fn preview(&self, edit: &Edit) -> Checked {
        self.snapshot.check(&edit.changes, None, self.today)
    }

    /// Checks the pipeline as `edit` would leave it and writes the files
    /// when that adds no error; refuses (writing nothing) otherwise.
    pub fn commit(&self, edit: Edit) -> Result<Committed, EditError> {
        let after = self.preview(&edit);
        let errors: Vec<Diagnostic> = new_diagnostics(&self.before, &after, Severity::Error)
            .into_iter()
            .cloned()
            .collect();
        if !errors.is_empty() {
            let text = diag_out::human(&errors, &after.pipeline.sources, self.color);
            return Err(EditError::Refused(format!(
                "{text}refusing the edit: it would leave the pipeline with {} new error{}; nothing was written",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )));
        }
        let warnings: Vec<Diagnostic> = new_diagnostics(&self.before, &after, Severity::Warning)
            .into_iter()
            .cloned()
            .collect();
        let mut written = Vec::new();
        for (rel, text) in &edit.changes {
            let path: PathBuf = self.snapshot.root().join(rel);
            super::write_atomic(&path, text.as_bytes())
                .map_err(|e| EditError::Io(format!("cannot write {}: {e}", path.display())))?;
            written.push(rel.clone());
        }
        Ok(Committed {
            done: edit.done,
            written,
            warnings: diag_out::human(&warnings, &after.pipeline.sources, self.color),
            warning_count: warnings.len(),
        })
    }

    fn open_doc(&self, rel: &str, kind: &'static spec::Kind) -> Result<Doc, EditError> {
        let text = self
            .snapshot
            .text(rel)
            .ok_or_else(|| EditError::Usage(format!("{rel} is not part of the pipeline")))?;
        Doc::parse(text, kind).map_err(|e| {
            EditError::Usage(format!(
                "{rel} is not valid TOML ({e}); fix it first (`dealbook check`)"
            ))
        })
    }
}

/// The fields of `dealbook deal new`.
#[derive(Debug, Clone, Default)]
pub struct NewDeal {
    /// Id (the file stem).
    pub id: String,
    /// Human name.
    pub name: String,
    /// Account id.
    pub account: String,
    /// Owner (default: the account's owner).
    pub owner: Option<String>,
    /// Amount.
    pub amount: Decimal,
    /// Currency (default: the reporting one).
    pub currency: Option<String>,
    /// Stage id or name (default: the first stage).
    pub stage: Option<String>,
    /// Opened on (default: the edit's date).
    pub created: Option<Date>,
    /// Expected close.
    pub close: Option<Date>,
    /// Products.
    pub products: Vec<String>,
    /// Next step.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_date: Option<Date>,
    /// Sub-folder of `deals/` to put the file in.
    pub folder: Option<String>,
}

/// `deal new`: a new deal file with its first history entry.
pub fn new_deal(s: &Session, n: &NewDeal) -> Result<Edit, EditError> {
    if !crate::ids::is_slug(&n.id) {
        let sug = crate::ids::slugify(&n.id);
        return usage(format!(
            "\"{}\" is not an id (lowercase ASCII letters, digits, `-`, `_`){}",
            n.id,
            if sug.is_empty() {
                String::new()
            } else {
                format!("; try \"{sug}\"")
            }
        ));
    }
    if let Some(existing) = s
        .snapshot
        .paths(crate::load::FileKind::Deal)
        .find(|r| crate::load::stem_of(r) == n.id)
    {
        return usage(format!("deal \"{}\" exists already: {existing}", n.id));
    }
    let (account, _) = s.account(&n.account)?;
    let owner = n
        .owner
        .clone()
        .unwrap_or_else(|| account.owner.value.as_str().to_string());
    let stages = &s.p().settings.stages;
    let stage_ix = match &n.stage {
        Some(st) => s.stage(st)?,
        None if !stages.is_empty() => 0,
        None => return usage("dealbook.toml has no stages"),
    };
    let stage = stages[stage_ix].id.value.as_str().to_string();
    let created = n.created.unwrap_or(s.date);
    let mut close = n.close;
    if stages[stage_ix].outcome.is_some() && close.is_none() {
        close = Some(s.date);
    }
    let folder = match &n.folder {
        Some(f) => {
            let f = f.trim_matches('/');
            if f.split('/')
                .any(|c| c.is_empty() || c == ".." || c.starts_with('.'))
            {
                return usage(format!("\"{f}\" is not a sub-folder name"));
            }
            format!("deals/{f}/")
        }
        None => "deals/".to_string(),
    };
    let rel = format!("{folder}{}.toml", n.id);
    let mut d = Doc::parse("", &spec::DEAL).expect("empty document");
    d.set("name", &Lit::str(&n.name));
    d.set("account", &Lit::str(&n.account));
    d.set("owner", &Lit::str(&owner));
    d.set("amount", &Lit::money(n.amount));
    if let Some(c) = &n.currency {
        d.set("currency", &Lit::str(c));
    }
    d.set("stage", &Lit::str(&stage));
    d.set("created", &Lit::date(created));
    if let Some(c) = close {
        d.set("close", &Lit::date(c));
    }
    if !n.products.is_empty() {
        d.set("products", &Lit::list(&n.products));
    }
    if let Some(t) = &n.next_step {
        d.set("next_step", &Lit::str(t));
    }
    if let Some(t) = n.next_step_date {
        d.set("next_step_date", &Lit::date(t));
    }
    let mut entry = vec![("date", Lit::date(created)), ("stage", Lit::str(&stage))];
    if let Some(c) = close {
        entry.push(("close", Lit::date(c)));
    }
    d.push("history", &entry).map_err(EditError::Usage)?;
    let mut e = Edit::default();
    e.done
        .push(format!("{rel}: new deal \"{}\" in {stage}", n.name));
    e.changes.insert(rel, d.text());
    Ok(e)
}

/// Adds the entry for the stage the deal was in since `created` when it
/// has no history, so the change that follows is seen as a change.
fn backfill(d: &mut Doc, deal: &Deal) -> Result<(), String> {
    if deal.history.is_empty() && !deal.stage.value.as_str().is_empty() {
        let mut entry = vec![
            ("date", Lit::date(deal.created.value)),
            ("stage", Lit::str(deal.stage.value.as_str())),
        ];
        if let Some(c) = &deal.close {
            entry.push(("close", Lit::date(c.value)));
        }
        d.push("history", &entry)?;
    }
    Ok(())
}

/// Options of a stage move.
#[derive(Debug, Clone, Default)]
pub struct Move {
    /// Why it was lost (moves to a lost stage).
    pub reason: Option<String>,
    /// Final amount (moves to a won stage).
    pub amount: Option<Decimal>,
    /// A note on the history entry.
    pub note: Option<String>,
}

/// `deal move` (and `won`, `lost`): the new stage and its history entry;
/// an outcome stage sets `close` to the edit's date, a lost one needs a
/// reason.
pub fn move_deal(s: &Session, id: &str, stage: &str, m: &Move) -> Result<Edit, EditError> {
    let (deal, rel) = s.deal(id)?;
    let ix = s.stage(stage)?;
    let st = &s.p().settings.stages[ix];
    let to = st.id.value.as_str();
    if deal.stage.value.as_str() == to {
        return usage(format!("deal \"{id}\" is in {} already", st.name));
    }
    let mut d = s.open_doc(&rel, &spec::DEAL)?;
    backfill(&mut d, deal).map_err(EditError::Usage)?;
    let mut close = deal.close.as_ref().map(|c| c.value);
    let mut done = format!(
        "{rel}: stage {} → {to} on {}",
        deal.stage.value.as_str(),
        s.date
    );
    match st.outcome {
        Some(o) => {
            close = Some(s.date);
            d.set("close", &Lit::date(s.date));
            done.push_str(&format!(", closed {}", s.date));
            if o == Outcome::Lost {
                match (&m.reason, &deal.lost_reason) {
                    (Some(r), _) => d.set("lost_reason", &Lit::str(r)),
                    (None, Some(r)) if !r.trim().is_empty() => {}
                    _ => {
                        return usage(format!(
                            "a lost deal needs a reason: dealbook deal lost {id} --reason \"…\""
                        ));
                    }
                }
            }
            if let Some(a) = m.amount {
                if o != Outcome::Won {
                    return usage("--amount is for won deals");
                }
                d.set("amount", &Lit::money(a));
                done.push_str(&format!(", amount {a}"));
            }
        }
        None => {
            if m.reason.is_some() {
                return usage(format!("--reason is for lost deals; {} is open", st.name));
            }
            if m.amount.is_some() {
                return usage("--amount is for won deals");
            }
        }
    }
    d.set("stage", &Lit::str(to));
    let mut entry = vec![("date", Lit::date(s.date)), ("stage", Lit::str(to))];
    if let Some(c) = close {
        entry.push(("close", Lit::date(c)));
    }
    if let Some(n) = &m.note {
        entry.push(("note", Lit::str(n)));
    }
    d.push("history", &entry).map_err(EditError::Usage)?;
    let mut e = Edit::default();
    e.done.push(done);
    e.changes.insert(rel, d.text());
    Ok(e)
}

/// `deal won`.
pub fn won(
    s: &Session,
    id: &str,
    amount: Option<Decimal>,
    note: Option<String>,
) -> Result<Edit, EditError> {
    let ix = s.outcome_stage(Outcome::Won)?;
    let stage = s.p().settings.stages[ix].id.value.as_str().to_string();
    move_deal(
        s,
        id,
        &stage,
        &Move {
            amount,
            note,
            ..Move::default()
        },
    )
}

/// `deal lost`.
pub fn lost(
    s: &Session,
    id: &str,
    reason: Option<String>,
    note: Option<String>,
) -> Result<Edit, EditError> {
    let ix = s.outcome_stage(Outcome::Lost)?;
    let stage = s.p().settings.stages[ix].id.value.as_str().to_string();
    move_deal(
        s,
        id,
        &stage,
        &Move {
            reason,
            note,
            ..Move::default()
        },
    )
}

/// `deal push`: a new expected close of an open deal, recorded in the
/// history (see the module's doc).
pub fn push(s: &Session, id: &str, to: Date, note: Option<String>) -> Result<Edit, EditError> {
    let (deal, rel) = s.deal(id)?;
    if s.p().stage_of(deal).is_some_and(|st| !st.is_open()) {
        return usage(format!(
            "deal \"{id}\" is closed: its close date is the actual one; change it with `dealbook deal set {id} close DATE`"
        ));
    }
    let old = deal.close.as_ref().map(|c| c.value);
    if old == Some(to) {
        return usage(format!("deal \"{id}\" closes on {to} already"));
    }
    let mut d = s.open_doc(&rel, &spec::DEAL)?;
    backfill(&mut d, deal).map_err(EditError::Usage)?;
    if let (Some(old), Some(last)) = (old, deal.history.last())
        && last.close.is_none()
    {
        d.set_in_last("history", "close", &Lit::date(old))
            .map_err(EditError::Usage)?;
    }
    d.set("close", &Lit::date(to));
    let mut entry = vec![
        ("date", Lit::date(s.date)),
        ("stage", Lit::str(deal.stage.value.as_str())),
        ("close", Lit::date(to)),
    ];
    if let Some(n) = &note {
        entry.push(("note", Lit::str(n)));
    }
    d.push("history", &entry).map_err(EditError::Usage)?;
    let mut e = Edit::default();
    e.done.push(match old {
        Some(o) if to > o => format!(
            "{rel}: close {o} → {to} (pushed {} days)",
            (to - o).get_days()
        ),
        Some(o) => format!(
            "{rel}: close {o} → {to} (pulled in {} days)",
            (o - to).get_days()
        ),
        None => format!("{rel}: close set to {to}"),
    });
    e.changes.insert(rel, d.text());
    Ok(e)
}

/// `deal set ID FIELD VALUE…` (or with no value, `--unset`): one field,
/// typed by the spec. `stage` is a move and `close` of an open deal a
/// push, so they get their history entries.
pub fn set(
    s: &Session,
    id: &str,
    field: &str,
    values: &[String],
    unset: bool,
) -> Result<Edit, EditError> {
    let Some(f) = spec::DEAL.index_of(field).map(|i| &spec::DEAL.fields[i]) else {
        let hint = match did_you_mean(field, spec::DEAL.keys()) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!(
                "fields: {}",
                spec::DEAL.keys().collect::<Vec<_>>().join(", ")
            ),
        };
        return usage(format!("a deal has no field `{field}`; {hint}"));
    };
    if unset {
        if f.required {
            return usage(format!("`{field}` is required and cannot be removed"));
        }
        if !values.is_empty() {
            return usage("--unset takes no value");
        }
        let (_, rel) = s.deal(id)?;
        let mut d = s.open_doc(&rel, &spec::DEAL)?;
        if !d.remove(field) {
            return usage(format!("deal \"{id}\" has no `{field}`"));
        }
        let mut e = Edit::default();
        e.done.push(format!("{rel}: removed {field}"));
        e.changes.insert(rel, d.text());
        return Ok(e);
    }
    let one = || -> Result<&str, EditError> {
        match values {
            [v] => Ok(v.as_str()),
            [] => usage(format!("give a value for `{field}` (or --unset)")),
            _ => usage(format!("`{field}` takes one value")),
        }
    };
    match field {
        "stage" => return move_deal(s, id, one()?, &Move::default()),
        "close" => {
            let date = parse_date(one()?)?;
            let (deal, _) = s.deal(id)?;
            if s.p().stage_of(deal).is_none_or(|st| st.is_open()) {
                return push(s, id, date, None);
            }
        }
        _ => {}
    }
    let lit = match f.ty {
        Ty::Text | Ty::Markdown | Ty::Id | Ty::Ref | Ty::Currency | Ty::Enum(_) | Ty::Period => {
            Lit::str(one()?)
        }
        Ty::Int { .. } => Lit(crate::tidy::text::number(
            &one()?
                .trim()
                .parse::<i64>()
                .map_err(|_| EditError::Usage(format!("`{field}` takes a whole number")))?
                .to_string(),
        )),
        Ty::Money => Lit::money(parse_amount(one()?)?),
        Ty::Decimal => Lit::decimal(parse_decimal(one()?, field)?),
        Ty::Probability => Lit::decimal(parse_probability(one()?)?),
        Ty::Date => Lit::date(parse_date(one()?)?),
        Ty::Bool => match one()?.trim() {
            "true" | "yes" | "on" => Lit("true".into()),
            "false" | "no" | "off" => Lit("false".into()),
            v => return usage(format!("`{field}` is true or false, not \"{v}\"")),
        },
        Ty::TextList | Ty::EnumList(_) => Lit::list(values),
        Ty::Table(_) | Ty::Tables(_) | Ty::Rates => {
            return usage(format!("`{field}` is a table; edit the file to change it"));
        }
    };
    let (_, rel) = s.deal(id)?;
    let mut d = s.open_doc(&rel, &spec::DEAL)?;
    d.set(field, &lit);
    let mut e = Edit::default();
    e.done.push(format!("{rel}: {field} = {}", lit.0));
    e.changes.insert(rel, d.text());
    Ok(e)
}

/// The fields of `dealbook touch`.
#[derive(Debug, Clone, Default)]
pub struct NewTouch {
    /// Account id.
    pub account: String,
    /// visit, call, email, meeting or other.
    pub kind: String,
    /// What happened.
    pub note: Option<String>,
    /// Who (default: the account's owner).
    pub by: Option<String>,
    /// The contact met.
    pub contact: Option<String>,
}

/// `touch`: a `[[touch]]` entry on an account.
pub fn touch(s: &Session, t: &NewTouch) -> Result<Edit, EditError> {
    let (account, rel) = s.account(&t.account)?;
    if crate::model::TouchKind::parse(&t.kind).is_none() {
        return usage(format!(
            "unknown kind \"{}\"; kinds: {}",
            t.kind,
            spec::TOUCH_KINDS.join(", ")
        ));
    }
    let by =
        t.by.clone()
            .unwrap_or_else(|| account.owner.value.as_str().to_string());
    let mut d = s.open_doc(&rel, &spec::ACCOUNT)?;
    let mut entry = vec![
        ("date", Lit::date(s.date)),
        ("by", Lit::str(&by)),
        ("kind", Lit::str(&t.kind)),
    ];
    if let Some(c) = &t.contact {
        entry.push(("contact", Lit::str(c)));
    }
    if let Some(n) = &t.note {
        entry.push(("note", Lit::str(n)));
    }
    d.push("touch", &entry).map_err(EditError::Usage)?;
    let mut e = Edit::default();
    e.done
        .push(format!("{rel}: {} by {by} on {}", t.kind, s.date));
    e.changes.insert(rel, d.text());
    Ok(e)
}

/// Parses a date given on the command line.
pub fn parse_date(s: &str) -> Result<Date, EditError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| EditError::Usage(format!("\"{s}\" is not a date like 2026-11-30")))
}

/// Parses an amount: digits with an optional `.` and up to two decimals;
/// `_` and `,` between digits are allowed as thousands separators.
pub fn parse_amount(s: &str) -> Result<Decimal, EditError> {
    let clean: String = s
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    match clean.parse::<Decimal>() {
        Ok(d) if d >= Decimal::ZERO && d.normalize().scale() <= 2 => Ok(d),
        _ => usage(format!(
            "\"{s}\" is not an amount (≥ 0, at most two decimals, e.g. 1200000 or 1_200_000.50)"
        )),
    }
}

fn parse_decimal(s: &str, field: &str) -> Result<Decimal, EditError> {
    s.trim()
        .replace('_', "")
        .parse::<Decimal>()
        .map_err(|_| EditError::Usage(format!("`{field}` takes a number")))
}

/// A probability as `0.7` or `70%`.
pub fn parse_probability(s: &str) -> Result<Decimal, EditError> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let mut d = num
        .parse::<Decimal>()
        .map_err(|_| EditError::Usage(format!("\"{s}\" is not a probability like 0.7 or 70%")))?;
    if pct {
        d /= Decimal::from(100);
    }
    Ok(d.normalize())
}
