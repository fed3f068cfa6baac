//! The twelve risk signals on open deals, each with its code and a
//! one-line human reason ("46 days in Negotiation, limit 30"). Thresholds
//! come from `[rules]` and the stages' `max_days`.

use super::facts::{DealFact, Facts, Status, days_in_stage};
use crate::model::{Attitude, BuyingRole, Deal, Influence, Tier};
use crate::money::Money;
use serde::Serialize;

/// Every signal code, in the order of PRODUCT.md.
pub const CODES: &[&str] = &[
    "overdue_close",
    "no_next_step",
    "stale",
    "slipped",
    "no_economic_buyer",
    "single_threaded",
    "opponent",
    "exit_criteria",
    "competitive_no_proof",
    "large_early",
    "no_champion",
    "backward",
];

/// One signal on one deal.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Risk {
    /// Signal code, one of [`CODES`].
    pub code: &'static str,
    /// Deal id.
    pub deal: String,
    /// Deal name.
    pub deal_name: String,
    /// Owner id (none when it does not resolve).
    pub owner: Option<String>,
    /// Owner name.
    pub owner_name: Option<String>,
    /// Account id.
    pub account: String,
    /// Stage id.
    pub stage: String,
    /// Amount in the reporting currency.
    pub amount: Money,
    /// Why, in one line.
    pub reason: String,
}

/// "1 day", "2 days": written straight into the reason, no string of its own.
struct Plural<'a>(i64, &'a str);

impl std::fmt::Display for Plural<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = if self.0 == 1 { "" } else { "s" };
        write!(f, "{} {}{s}", self.0, self.1)
    }
}

fn plural(n: i64, word: &str) -> Plural<'_> {
    Plural(n, word)
}

/// All signals of all open deals, by deal id then signal order.
pub fn risks(f: &Facts<'_>) -> Vec<Risk> {
    let mut out = Vec::with_capacity(f.deals.len());
    for df in f.deals.iter().filter(|d| d.status == Status::Open) {
        let d = &f.p.deals[df.ix];
        for (code, reason) in signals(f, df, d) {
            out.push(Risk {
                code,
                deal: d.id.0.clone(),
                deal_name: d.name.clone(),
                owner: df.owner.map(|o| f.p.people[o].id.value.0.clone()),
                owner_name: df.owner.map(|o| f.p.people[o].name.clone()),
                account: d.account.value.0.clone(),
                stage: d.stage.value.0.clone(),
                amount: df.amount,
                reason,
            });
        }
    }
    out
}

/// The signals that fire on one open deal, with reasons.
pub fn signals(f: &Facts<'_>, df: &DealFact, d: &Deal) -> Vec<(&'static str, String)> {
    let p = f.p;
    let rules = &p.settings.rules;
    let stages = &p.settings.stages;
    let stage = &stages[df.stage];
    let as_of = f.as_of;
    let mut out = Vec::new();

    // overdue_close
    if let Some(c) = df.close
        && c < as_of
    {
        out.push((
            "overdue_close",
            format!(
                "expected close {c} passed {} ago",
                plural(Facts::days(c, as_of), "day")
            ),
        ));
    }

    // no_next_step
    match (&d.next_step, &d.next_step_date) {
        (None, _) => out.push(("no_next_step", "no next step".to_string())),
        (Some(_), Some(nd)) if nd.value < as_of => out.push((
            "no_next_step",
            format!(
                "next step was due {} ({} ago)",
                nd.value,
                plural(Facts::days(nd.value, as_of), "day")
            ),
        )),
        _ => {}
    }

    // stale
    if let Some(max) = stage.max_days {
        let days = days_in_stage(f, d);
        if days > max as i64 {
            out.push((
                "stale",
                format!("{} in {}, limit {max}", plural(days, "day"), stage.name),
            ));
        }
    }

    // slipped
    if let Some(reason) = slipped(f, d) {
        out.push(("slipped", reason));
    }

    let eb_by = p.stage_ix(rules.economic_buyer_by.value.as_str());
    let proof_by = p.stage_ix(rules.proof_by.value.as_str());
    let account = p.account_of(d);

    // no_economic_buyer
    if let (Some(eb), Some(a)) = (eb_by, account)
        && a.tier == Tier::Key
        && df.stage >= eb
        && !d
            .stakeholders
            .iter()
            .any(|s| s.role == BuyingRole::EconomicBuyer)
    {
        out.push((
            "no_economic_buyer",
            format!(
                "key account in {} without a mapped economic buyer",
                stage.name
            ),
        ));
    }

    // single_threaded
    let n = d.stakeholders.len();
    if (n as u32) < rules.min_stakeholders {
        out.push((
            "single_threaded",
            format!(
                "{} mapped, at least {} expected",
                plural(n as i64, "stakeholder"),
                rules.min_stakeholders
            ),
        ));
    }

    // opponent
    if let Some(a) = account {
        let names: Vec<String> = d
            .stakeholders
            .iter()
            .filter(|s| s.attitude == Attitude::Opponent)
            .filter_map(|s| a.contact(s.contact.value.as_str()))
            .filter(|c| c.influence == Influence::High)
            .map(|c| match &c.title {
                Some(t) => format!("{} ({t})", c.name),
                None => c.name.clone(),
            })
            .collect();
        if !names.is_empty() {
            out.push((
                "opponent",
                format!("{} opposed, with high influence", names.join(", ")),
            ));
        }
    }

    // exit_criteria
    let missing: Vec<String> = stages[..df.stage]
        .iter()
        .filter(|s| s.is_open())
        .flat_map(|s| s.requires.iter().map(move |r| (s, r)))
        .filter(|(_, r)| !d.is_filled(&r.value))
        .map(|(s, r)| format!("{} ({})", r.value, s.name))
        .collect();
    if !missing.is_empty() {
        out.push((
            "exit_criteria",
            format!("exit criteria not met: {}", missing.join(", ")),
        ));
    }

    let at_proof = proof_by.is_some_and(|pb| df.stage >= pb);

    // competitive_no_proof
    if at_proof && !d.competitors.is_empty() && !d.is_filled("value_proof") {
        out.push((
            "competitive_no_proof",
            format!(
                "competing with {} in {} without value proof",
                d.competitors.join(", "),
                stage.name
            ),
        ));
    }

    // large_early
    let open_pos = f.open_stages.iter().position(|&i| i == df.stage);
    let first_half = open_pos.is_some_and(|pos| pos < f.open_stages.len() / 2);
    let this_quarter = f.cal.quarter_of(as_of);
    if df.amount.get() >= rules.large_deal
        && first_half
        && df.close.is_some_and(|c| f.cal.contains(this_quarter, c))
    {
        out.push((
            "large_early",
            format!(
                "{} in {}, closing this quarter ({this_quarter})",
                crate::fmt::money(df.amount, &p.settings.org.currency.value),
                stage.name
            ),
        ));
    }

    // no_champion
    if at_proof
        && !d
            .stakeholders
            .iter()
            .any(|s| s.role == BuyingRole::Coach || s.attitude == Attitude::Champion)
    {
        out.push((
            "no_champion",
            format!(
                "in {} with no coach or champion among the stakeholders",
                stage.name
            ),
        ));
    }

    // backward
    let mut moves = Vec::new();
    for w in d.history.windows(2) {
        if let (Some(a), Some(b)) = (w[0].stage_ix, w[1].stage_ix)
            && b < a
        {
            moves.push(format!(
                "from {} to {} on {}",
                stages[a].name, stages[b].name, w[1].date.value
            ));
        }
    }
    if !moves.is_empty() {
        out.push(("backward", format!("moved back {}", moves.join("; "))));
    }
    out
}

/// The slippage reason, when the expected close moved later at least
/// twice, or out of its original quarter into a later one. The sequence of
/// expected closes is the `close` of each history entry that has one, then
/// the deal's current `close`.
pub fn slipped(f: &Facts<'_>, d: &Deal) -> Option<String> {
    let closes = d
        .history
        .iter()
        .filter_map(|h| h.close.as_ref().map(|c| c.value))
        .chain(d.close.as_ref().map(|c| c.value));
    let (mut first, mut last, mut later_moves) = (None, None, 0);
    for c in closes {
        first.get_or_insert(c);
        if last.is_some_and(|l| c > l) {
            later_moves += 1;
        }
        last = Some(c);
    }
    let (first, last) = (first?, last?);
    let q0 = f.cal.quarter_of(first);
    let out_of_quarter = last > first && f.cal.quarter_of(last) != q0;
    if later_moves >= 2 || out_of_quarter {
        let mut reason = if later_moves >= 2 {
            format!("close moved later {later_moves} times, {first} → {last}")
        } else {
            format!("close moved {first} → {last}")
        };
        if out_of_quarter {
            reason.push_str(&format!(", out of {q0}"));
        }
        Some(reason)
    } else {
        None
    }
}
