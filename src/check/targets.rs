//! Rules about targets: known scope, no duplicates, stretch above the
//! target, values in their metric's range.

use super::Ctx;
use crate::diag::{Code, Diagnostic, name_hint, suggest};
use crate::model::{Metric, Scope};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Targets name a known person or team, are not given twice for the same
/// period, scope and metric, and have a stretch above the target.
pub fn targets(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let p = cx.p;
    let mut seen: HashMap<
        (crate::period::Period, &Scope, crate::model::Metric),
        crate::source::Span,
    > = HashMap::new();
    for t in &p.targets {
        match &t.scope {
            Scope::Person(id)
                if p.coverage.team_ok && !p.index.people.contains_key(id.as_str()) =>
            {
                out.push(
                    Diagnostic::new(
                        Code::UnknownPerson,
                        t.scope_span,
                        format!("unknown person \"{id}\" in a target"),
                    )
                    .maybe_hint(
                        name_hint(
                            "person",
                            id.as_str(),
                            "person",
                            super::refs::people_named(p),
                        )
                        .or_else(|| {
                            suggest(id.as_str(), p.people.iter().map(|x| x.id.value.as_str()))
                        }),
                    ),
                );
            }
            Scope::Team(id) if p.coverage.team_ok && !p.index.teams.contains_key(id.as_str()) => {
                out.push(
                    Diagnostic::new(
                        Code::UnknownTeam,
                        t.scope_span,
                        format!("unknown team \"{id}\" in a target"),
                    )
                    .maybe_hint(
                        name_hint("team", id.as_str(), "team", super::refs::teams_named(p))
                            .or_else(|| {
                                suggest(id.as_str(), p.teams.iter().map(|x| x.id.value.as_str()))
                            }),
                    ),
                );
            }
            _ => {}
        }
        if let Some(first) = seen.insert((t.period.value, &t.scope, t.metric), t.period.span) {
            out.push(
                Diagnostic::new(
                    Code::DuplicateTarget,
                    t.period.span,
                    format!(
                        "a {} target for {} and this scope is given twice",
                        t.metric, t.period.value
                    ),
                )
                .hint("the first is at {at}; keep one")
                .related(first),
            );
        }
        for (what, value, span) in std::iter::once(("target", t.value, t.value_span))
            .chain(t.stretch.as_ref().map(|s| ("stretch", s.value, s.span)))
        {
            if let Some(hint) = out_of_range(t.metric, value) {
                out.push(
                    Diagnostic::new(
                        Code::TargetOutOfRange,
                        span,
                        format!("a {} {what} of {value} {}", t.metric, problem(t.metric)),
                    )
                    .hint(hint),
                );
            }
        }
        if let Some(s) = &t.stretch
            && s.value < t.value
        {
            out.push(
                Diagnostic::new(
                    Code::StretchBelowValue,
                    s.span,
                    format!("stretch {} is below the target {}", s.value, t.value),
                )
                .hint("the stretch tier is the higher, second goal"),
            );
        }
    }
}

/// What is wrong with a value of metric `m` that is out of range.
fn problem(m: Metric) -> &'static str {
    match m {
        Metric::WinRate | Metric::MarketShare => "is outside 0..=1 (a fraction: 0.35 is 35%)",
        Metric::Satisfaction => "is outside the survey scale 0..=10",
        Metric::NewAccounts => "is not a whole number of accounts",
        Metric::Revenue | Metric::PipelineCreated => "is negative",
    }
}

/// The hint for a value of metric `m` outside its range; none when the
/// value is in range. (Negative values are reported by the reader.)
fn out_of_range(m: Metric, v: Decimal) -> Option<String> {
    let hundred = Decimal::ONE_HUNDRED;
    match m {
        Metric::WinRate | Metric::MarketShare if v > Decimal::ONE => Some(if v <= hundred {
            format!(
                "write {} for {v}%: rates and shares are fractions of 1",
                (v / hundred).normalize()
            )
        } else {
            "rates and shares are fractions of 1, e.g. 0.35 for 35%".to_string()
        }),
        Metric::Satisfaction if v > Decimal::TEN => Some(if v <= hundred {
            format!(
                "satisfaction targets are on the survey scale of 0 to 10: write {} for {v} out of 100",
                (v / Decimal::TEN).normalize()
            )
        } else {
            "satisfaction targets are on the survey scale of 0 to 10".to_string()
        }),
        Metric::NewAccounts if !v.fract().is_zero() => Some(format!(
            "new accounts are counted in whole accounts: write {} or {}",
            v.floor(),
            v.ceil()
        )),
        _ => None,
    }
}
