//! `dealbook deal new|move|won|lost|push|set` and `dealbook touch`: edit
//! one file in place (see `dealbook::edit::ops`), check the result, write
//! it atomically or refuse, and print what was done and the warnings the
//! edit brought.

use super::Failure;
use super::common::{parse_date, stderr_color, today};
use dealbook::Exit;
use dealbook::edit::ops::{self, Edit, EditError, Session};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Where and when, shared by the edit commands.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// The pipeline folder (or any folder inside it).
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    /// Date of the history (or touch) entry written; default today.
    #[arg(long, value_parser = parse_date)]
    date: Option<Date>,
}

fn amount(s: &str) -> Result<Decimal, String> {
    ops::parse_amount(s).map_err(|e| e.to_string())
}

/// `dealbook deal …`.
#[derive(Debug, clap::Args)]
pub struct DealArgs {
    #[command(subcommand)]
    command: DealCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DealCommand {
    /// Create a deal file, with its first [[history]] entry.
    New(NewArgs),
    /// Move a deal to another stage (a [[history]] entry is added).
    Move {
        /// The deal's id.
        #[arg(add = super::complete::deals())]
        id: String,
        /// The stage's id (or name).
        #[arg(add = super::complete::stages())]
        stage: String,
        /// Why it was lost (moving to a lost stage).
        #[arg(long)]
        reason: Option<String>,
        /// A note on the history entry.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Mark a deal won: the won stage, closed on --date (default today).
    Won {
        /// The deal's id.
        #[arg(add = super::complete::deals())]
        id: String,
        /// The final amount, when it changed.
        #[arg(long, value_parser = amount)]
        amount: Option<Decimal>,
        /// A note on the history entry.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Mark a deal lost, with the reason.
    Lost {
        /// The deal's id.
        #[arg(add = super::complete::deals())]
        id: String,
        /// Why it was lost (required unless the deal has a lost_reason).
        #[arg(long)]
        reason: Option<String>,
        /// A note on the history entry.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Change the expected close of an open deal (recorded as a slip).
    Push {
        /// The deal's id.
        #[arg(add = super::complete::deals())]
        id: String,
        /// The new expected close date.
        #[arg(value_parser = parse_date)]
        close: Date,
        /// A note on the history entry.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Set one field (`stage` moves, `close` of an open deal pushes).
    Set {
        /// The deal's id.
        #[arg(add = super::complete::deals())]
        id: String,
        /// The field, as in docs/format.md.
        #[arg(add = super::complete::deal_fields())]
        field: String,
        /// The value; several for a list (products, competitors, pains).
        values: Vec<String>,
        /// Remove the (optional) field instead.
        #[arg(long)]
        unset: bool,
        #[command(flatten)]
        common: Common,
    },
}

/// `dealbook deal new`.
#[derive(Debug, clap::Args)]
struct NewArgs {
    /// Id of the new deal (the file name: lowercase letters, digits, -, _).
    id: String,
    /// Human name.
    #[arg(long)]
    name: String,
    /// The account's id.
    #[arg(long, add = super::complete::accounts())]
    account: String,
    /// Amount, in --currency.
    #[arg(long, value_parser = amount)]
    amount: Decimal,
    /// Owner (default: the account's owner).
    #[arg(long, add = super::complete::people())]
    owner: Option<String>,
    /// Currency (default: the reporting currency).
    #[arg(long)]
    currency: Option<String>,
    /// Stage id or name (default: the first stage).
    #[arg(long, add = super::complete::stages())]
    stage: Option<String>,
    /// Opened on (default: --date, else today).
    #[arg(long, value_parser = parse_date)]
    created: Option<Date>,
    /// Expected close.
    #[arg(long, value_parser = parse_date)]
    close: Option<Date>,
    /// A product (repeat for several).
    #[arg(long = "product")]
    products: Vec<String>,
    /// The next agreed step.
    #[arg(long)]
    next_step: Option<String>,
    /// When the next step is due.
    #[arg(long, value_parser = parse_date)]
    next_step_date: Option<Date>,
    /// Sub-folder of deals/ for the file (e.g. 2026/open).
    #[arg(long)]
    folder: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// `dealbook touch`.
#[derive(Debug, clap::Args)]
pub struct TouchArgs {
    /// The account's id.
    #[arg(add = super::complete::accounts())]
    account: String,
    /// visit, call, email, meeting or other.
    #[arg(long, default_value = "other", value_parser = ["visit", "call", "email", "meeting", "other"])]
    kind: String,
    /// What happened.
    #[arg(long)]
    note: Option<String>,
    /// Who made it (default: the account's owner).
    #[arg(long, add = super::complete::people())]
    by: Option<String>,
    /// The contact met (its id in the account).
    #[arg(long)]
    contact: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// Runs `deal …`.
pub fn run(a: DealArgs) -> Result<Exit, Failure> {
    match a.command {
        DealCommand::New(n) => {
            let spec = ops::NewDeal {
                id: n.id,
                name: n.name,
                account: n.account,
                owner: n.owner,
                amount: n.amount,
                currency: n.currency,
                stage: n.stage,
                created: n.created,
                close: n.close,
                products: n.products,
                next_step: n.next_step,
                next_step_date: n.next_step_date,
                folder: n.folder,
            };
            edit(&n.common, |s| ops::new_deal(s, &spec))
        }
        DealCommand::Move {
            id,
            stage,
            reason,
            note,
            common,
        } => edit(&common, |s| {
            ops::move_deal(
                s,
                &id,
                &stage,
                &ops::Move {
                    reason: reason.clone(),
                    amount: None,
                    note: note.clone(),
                },
            )
        }),
        DealCommand::Won {
            id,
            amount,
            note,
            common,
        } => edit(&common, |s| ops::won(s, &id, amount, note.clone())),
        DealCommand::Lost {
            id,
            reason,
            note,
            common,
        } => edit(&common, |s| ops::lost(s, &id, reason.clone(), note.clone())),
        DealCommand::Push {
            id,
            close,
            note,
            common,
        } => edit(&common, |s| ops::push(s, &id, close, note.clone())),
        DealCommand::Set {
            id,
            field,
            values,
            unset,
            common,
        } => edit(&common, |s| ops::set(s, &id, &field, &values, unset)),
    }
}

/// Runs `touch`.
pub fn run_touch(a: TouchArgs) -> Result<Exit, Failure> {
    let t = ops::NewTouch {
        account: a.account,
        kind: a.kind,
        note: a.note,
        by: a.by,
        contact: a.contact,
    };
    edit(&a.common, |s| ops::touch(s, &t))
}

/// Opens the pipeline, computes the edit, commits it and reports.
fn edit(
    c: &Common,
    make: impl FnOnce(&Session) -> Result<Edit, EditError>,
) -> Result<Exit, Failure> {
    let root = super::common::existing_pipeline(&c.dir)?;
    let today = today();
    let mut session = Session::open(&root, c.date.unwrap_or(today), today);
    session.color = stderr_color();
    let result = make(&session).and_then(|e| session.commit(e));
    match result {
        Ok(done) => {
            for line in &done.done {
                println!("{line}");
            }
            if done.warning_count > 0 {
                eprint!("{}", done.warnings);
                eprintln!(
                    "{} warning{} brought by this change",
                    done.warning_count,
                    if done.warning_count == 1 { "" } else { "s" }
                );
            }
            Ok(Exit::Ok)
        }
        Err(EditError::Refused(text)) => {
            eprintln!("{text}");
            Ok(Exit::Invalid)
        }
        Err(e) => Err(Failure::error(e)),
    }
}
