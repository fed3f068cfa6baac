//! The `Filter` that cuts the analytics to one period and one team or
//! person, kept apart from the formats that draw the result.

use crate::analytics::{Analytics, Focus, ScopeKind};
use crate::model::Pipeline;
use crate::period::Period;

/// What to show.
#[derive(Debug, Clone)]
pub struct Filter {
    /// Period of the tables (the document's focus period).
    pub period: Period,
    /// Whether the period was asked for (JSON then keeps only it).
    pub period_given: bool,
    /// One team or person.
    pub focus: Option<Focus>,
}

/// Whether a person (by id) is in the focus.
fn person_in(focus: &Option<Focus>, p: &Pipeline, person: Option<&str>) -> bool {
    match focus {
        None => true,
        Some(Focus::Person(id)) => person == Some(id.as_str()),
        Some(Focus::Team(t)) => person.and_then(|x| team_of(p, x)) == Some(t.as_str()),
    }
}

/// The team (id as written) of a person (by id).
fn team_of<'p>(p: &'p Pipeline, person: &str) -> Option<&'p str> {
    p.person(person)
        .and_then(|x| x.team.as_ref())
        .map(|t| t.value.as_str())
}

/// Keeps only what the filter selects. Lists of deals, risks, accounts,
/// forecast, performance, targets and win/loss are cut to the team or
/// person (deals and risks by the deal's owner); with an explicit period,
/// the per-period lists are cut to it (win/loss keeps its quarters too). `p` is the pipeline `a` was computed from.
pub fn filter(mut a: Analytics, f: &Filter, p: &Pipeline) -> Analytics {
    let focus = f.focus.clone();
    let keep_scope = |kind: ScopeKind, id: Option<&str>| match &focus {
        None => true,
        Some(Focus::Person(x)) => kind == ScopeKind::Person && id == Some(x.as_str()),
        Some(Focus::Team(t)) => {
            (kind == ScopeKind::Team && id == Some(t.as_str()))
                || (kind == ScopeKind::Person && id.and_then(|x| team_of(p, x)) == Some(t.as_str()))
        }
    };
    a.deals.retain(|d| {
        let owner = p.deals[d.deal].owner.value.as_str();
        person_in(&focus, p, Some(owner))
    });
    a.risks.retain(|r| {
        let owner = p.deals[r.deal].refs.owner;
        person_in(&focus, p, owner.map(|o| p.people[o].id.value.as_str()))
    });
    a.accounts
        .retain(|x| person_in(&focus, p, Some(x.owner.as_str())));
    a.forecast
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.performance
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.targets
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    a.winloss
        .retain(|r| keep_scope(r.scope.kind, r.scope.id.as_deref()));
    if f.period_given {
        // The period and its quarters: the trend by quarter stays.
        let cal = crate::period::Calendar::new(a.fiscal_year_start);
        let within = cal.children(f.period);
        a.winloss
            .retain(|r| r.period == f.period || within.contains(&r.period));
        a.forecast.retain(|r| r.period == f.period);
        a.performance.retain(|r| r.period == f.period);
        a.targets.retain(|r| r.period == f.period);
        a.customers.new_accounts.retain(|n| n.period == f.period);
    }
    a
}
