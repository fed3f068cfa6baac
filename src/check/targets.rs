//! Rules about targets: known scope, no duplicates, stretch above the target.

use super::Ctx;
use crate::diag::{Code, Diagnostic, suggest};
use crate::model::Scope;
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
                    .maybe_hint(suggest(
                        id.as_str(),
                        p.people.iter().map(|x| x.id.value.as_str()),
                    )),
                );
            }
            Scope::Team(id) if p.coverage.team_ok && !p.index.teams.contains_key(id.as_str()) => {
                out.push(
                    Diagnostic::new(
                        Code::UnknownTeam,
                        t.scope_span,
                        format!("unknown team \"{id}\" in a target"),
                    )
                    .maybe_hint(suggest(
                        id.as_str(),
                        p.teams.iter().map(|x| x.id.value.as_str()),
                    )),
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
