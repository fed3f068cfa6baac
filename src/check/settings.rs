//! Rules about `dealbook.toml`: the stage list, the risk rules, rates and
//! market sizes, and the note on a risk signal that fires on most deals.

use super::Ctx;
use crate::analytics::facts::{Facts, Status};
use crate::analytics::risk;
use crate::diag::{Code, Diagnostic, suggest};
use crate::source::Span;
use std::collections::HashMap;

/// Stage ids unique; at least one open and one won stage; open stages
/// first; no meaningless keys on outcome stages; probabilities that rise.
pub fn stages(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.p.coverage.settings_ok {
        return;
    }
    let s = &cx.p.settings;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, st) in s.stages.iter().enumerate() {
        if let Some(&first) = seen.get(st.id.value.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    st.id.span,
                    format!("stage \"{}\" is defined twice", st.id.value),
                )
                .hint(format!(
                    "the first definition is stage number {}; give each stage its own id",
                    first + 1
                )),
            );
        } else {
            seen.insert(st.id.value.as_str(), i);
        }
        for key in &st.ignored_keys {
            out.push(
                Diagnostic::new(
                    Code::IgnoredStageField,
                    key.span,
                    format!(
                        "`{}` has no effect on the outcome stage \"{}\"",
                        key.value, st.id.value
                    ),
                )
                .hint("won stages count at probability 1 and lost stages at 0; remove the key"),
            );
        }
    }
    let has_open = s.stages.iter().any(|st| st.is_open());
    let has_won = s
        .stages
        .iter()
        .any(|st| st.outcome == Some(crate::model::Outcome::Won));
    if !has_open || !has_won {
        let missing = match (has_open, has_won) {
            (false, false) => "no open stage and no won stage",
            (false, true) => "no open stage",
            _ => "no stage with outcome = \"won\"",
        };
        out.push(
            Diagnostic::new(Code::StagesIncomplete, s.stages.first().map(|st| st.span).unwrap_or(crate::source::Span::file_start(s.file)), format!("the stage list has {missing}"))
                .hint("list the open stages first, then [[stage]] id = \"won\" outcome = \"won\" and id = \"lost\" outcome = \"lost\""),
        );
    }
    let mut seen_outcome: Option<&str> = None;
    for st in &s.stages {
        match (st.is_open(), seen_outcome) {
            (false, _) => seen_outcome = Some(st.id.value.as_str()),
            (true, Some(o)) => out.push(
                Diagnostic::new(
                    Code::StageOrder,
                    st.id.span,
                    format!(
                        "open stage \"{}\" comes after the outcome stage \"{o}\"",
                        st.id.value
                    ),
                )
                .hint("stages are ordered earliest first: open stages, then won and lost"),
            ),
            (true, None) => {}
        }
    }
    let open: Vec<_> = s.stages.iter().filter(|st| st.is_open()).collect();
    for w in open.windows(2) {
        if w[1].probability < w[0].probability {
            out.push(
                Diagnostic::new(
                    Code::ProbabilityOrder,
                    w[1].probability_span.unwrap_or(w[1].span),
                    format!(
                        "stage \"{}\" has a lower probability ({}) than the stage before it, \"{}\" ({})",
                        w[1].id.value, w[1].probability, w[0].id.value, w[0].probability
                    ),
                )
                .hint("later stages are usually more likely to close; check the order or the probabilities"),
            );
        }
    }
}

/// The stages named by `[rules]` exist (a default only matters while a
/// signal that uses it is on).
pub fn rules(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    if !cx.p.coverage.settings_ok || cx.p.settings.stages.is_empty() {
        return;
    }
    let s = &cx.p.settings;
    let r = &s.rules;
    let ids = || s.stages.iter().map(|st| st.id.value.as_str());
    for (key, stage, set, signals) in [
        (
            "economic_buyer_by",
            &r.economic_buyer_by,
            r.economic_buyer_by_set,
            &["no_economic_buyer"][..],
        ),
        (
            "proof_by",
            &r.proof_by,
            r.proof_by_set,
            &["competitive_no_proof", "no_champion"][..],
        ),
    ] {
        if cx.p.stage_ix(stage.value.as_str()).is_some() {
            continue;
        }
        // A default that no signal switched on uses is nothing to fix.
        let used = signals.iter().any(|c| r.signals.code_is_on(c));
        if set {
            out.push(
                Diagnostic::new(
                    Code::UnknownStage,
                    stage.span,
                    format!("unknown stage \"{}\" in rules.{key}", stage.value),
                )
                .maybe_hint(suggest(stage.value.as_str(), ids())),
            );
        } else if used {
            out.push(
                Diagnostic::new(
                    Code::RuleStageMissing,
                    stage.span,
                    format!("rules.{key} defaults to \"{}\", which is not one of your stages; its risk signals are off", stage.value),
                )
                .hint(format!("set it in [rules]: {key} = \"<stage id>\"")),
            );
        }
    }
}

/// A rate for the reporting currency itself is pointless.
pub fn rates(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let s = &cx.p.settings;
    for (code, _) in &s.rates {
        if code.value == s.org.currency.value {
            out.push(
                Diagnostic::new(
                    Code::OwnCurrencyRate,
                    code.span,
                    format!(
                        "{} is the reporting currency; its rate is always 1",
                        code.value
                    ),
                )
                .hint("remove this line"),
            );
        }
    }
}

/// One market size per period.
pub fn markets(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = HashMap::new();
    for m in &cx.p.settings.markets {
        if seen.insert(m.period.value, ()).is_some() {
            out.push(
                Diagnostic::new(
                    Code::DuplicateMarket,
                    m.period.span,
                    format!("market size for {} is given twice", m.period.value),
                )
                .hint("keep one [[market]] entry per period"),
            );
        }
    }
}

/// A note for each risk signal that fires on most open deals
/// ([`risk::noisy`]), saying how to switch it off. The risks are those the
/// report and the site show for the same date.
pub fn signal_noise(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let s = &cx.p.settings;
    if !cx.p.coverage.settings_ok || s.stages.is_empty() {
        return;
    }
    let f = Facts::new(cx.p, cx.as_of);
    let open = f.deals.iter().filter(|d| d.status == Status::Open).count();
    if open < risk::NOISE_MIN_DEALS {
        return;
    }
    let at = s.rules.signals_at.unwrap_or(Span::file_start(s.file));
    for n in risk::noisy(&risk::risks(&f), open) {
        out.push(
            Diagnostic::new(
                Code::NoisySignal,
                at,
                format!(
                    "risk signal `{}` fires on {} of {} open deals ({})",
                    n.code,
                    n.deals,
                    n.open,
                    crate::fmt::percent(n.share())
                ),
            )
            .hint(format!(
                "if your team does not record what it checks, it buries the other signals; to switch it off, add `{} = false` under [rules.signals]",
                n.code
            )),
        );
    }
}
