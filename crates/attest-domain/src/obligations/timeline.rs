//! A person's obligations through time, rebuilt from their records: the history the
//! store would have written had it been keeping the model all along.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::{ObligationState, PersonFacts, PolicyFacts, states_at};
use crate::LONDON;

/// The person's obligations from `valid_from` until the next revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub valid_from: DateTime<Utc>,
    pub states: Vec<ObligationState>,
}

/// The first instant of `day` in England.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    LONDON
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}

fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&LONDON).date_naive()
}

/// Every change of `person`'s obligations up to `until`, oldest first: at each answer,
/// exemption, publication, retirement and attribute set or cleared, and at the start of
/// each day a membership or exemption begins or a membership ends. Consecutive equal states are one revision.
pub fn timeline(
    policies: &[PolicyFacts],
    person: &PersonFacts,
    until: DateTime<Utc>,
) -> Vec<Revision> {
    let mut instants: Vec<DateTime<Utc>> = Vec::new();
    instants.extend(person.answers.iter().map(|a| a.signed_at));
    instants.extend(person.exemptions.iter().map(|e| e.created_at));
    instants.extend(person.exemptions.iter().map(|e| start_of_day(e.starts_on)));
    for held in &person.attributes {
        instants.push(held.from);
        instants.extend(held.until);
    }
    for membership in &person.memberships {
        instants.push(start_of_day(membership.started_on));
        instants.extend(membership.ended_on.map(start_of_day));
    }
    for policy in policies {
        instants.extend(policy.versions.iter().map(|v| v.published_at));
        instants.extend(policy.retired_at);
    }
    instants.retain(|at| *at <= until);
    instants.sort_unstable();
    instants.dedup();
    let mut revisions: Vec<Revision> = Vec::new();
    for at in instants {
        let states = states_at(policies, person, at, day_of(at));
        let unchanged = match revisions.last() {
            Some(last) => last.states == states,
            None => states.is_empty(),
        };
        if !unchanged {
            revisions.push(Revision {
                valid_from: at,
                states,
            });
        }
    }
    revisions
}
