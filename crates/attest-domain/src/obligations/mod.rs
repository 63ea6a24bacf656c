//! The obligations read model's rules: from what is recorded about a person (their
//! memberships, answers and exemptions) and the trust's published policies, each
//! (person, policy, school) they owe, with the dates that decide their status on any
//! day. The store keeps these rows current as events happen, so a status is a
//! comparison of dates, not a recomputation.
//!
//! These are the same rules as the set-based SQL recomputation (`attest_store`'s
//! `Compliance`) and `crate::standing`; the property tests hold all three equal.

mod facts;
mod timeline;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};

pub use facts::{
    AnswerFact, AttributeFact, ExemptionFact, MembershipFact, PersonFacts, PolicyFacts, VersionFact,
};
pub use timeline::{Revision, start_of_day, timeline};

use crate::{
    AcceptanceId, ComplianceStatus, MembershipKind, PersonId, PolicyId, PolicyVersionId, SchoolId,
};

/// One (person, policy, school) owed, with the facts that decide its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationState {
    pub person: PersonId,
    pub policy: PolicyId,
    pub school: SchoolId,
    pub kind: MembershipKind,
    /// The smallest kind among the person's rows for this policy: their kind in the
    /// trust's counts, where they count once however many schools they owe it at.
    pub trust_kind: MembershipKind,
    /// Exactly one of the person's rows for this policy counts in the trust's counts
    /// (their status is the same at every school: the dates are the person's).
    pub counts_for_trust: bool,
    /// The day the person first had to sign (at any of their schools).
    pub obliged_since: NaiveDate,
    /// When the (next) signature is or was due; `None` when none will be.
    pub due_on: Option<NaiveDate>,
    pub grace_days: u32,
    /// Excused up to and including this day.
    pub exempt_until: Option<NaiveDate>,
    pub current_number: u32,
    pub current_version: PolicyVersionId,
    pub last_acceptance: Option<AcceptanceId>,
    pub signed_at: Option<DateTime<Utc>>,
    /// The latest answer was a refusal: when, and why.
    pub declined_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
}

impl ObligationState {
    /// Where the person stands on `day`: the rules of `crate::standing`.
    pub fn status_on(&self, day: NaiveDate) -> ComplianceStatus {
        crate::compliance::status_on(self.due_on, self.grace_days, self.exempt_until, day)
    }

    /// The last day the status can be `due` rather than `overdue`.
    pub fn overdue_after(&self) -> Option<NaiveDate> {
        self.due_on
            .map(|due| crate::compliance::overdue_after(due, self.grace_days))
    }
}

/// Every obligation of `person` at the instant `at` (whose day in England is `day`)
/// under `policies`.
pub fn states_at(
    policies: &[PolicyFacts],
    person: &PersonFacts,
    at: DateTime<Utc>,
    day: NaiveDate,
) -> Vec<ObligationState> {
    let active: Vec<&MembershipFact> = person
        .memberships
        .iter()
        .filter(|m| m.started_on <= day && m.ended_on.is_none_or(|ended| ended > day))
        .collect();
    if active.is_empty() {
        return Vec::new();
    }
    let mut states = Vec::new();
    for policy in policies {
        let Some(published) = policy.published_at(at) else {
            continue;
        };
        if !person.meets(&policy.requires, at) {
            continue;
        }
        // Per school: the smallest kind among the memberships the policy reaches, and
        // the earliest day one of them was obliged.
        let mut schools: Vec<(SchoolId, MembershipKind, NaiveDate)> = Vec::new();
        for membership in &active {
            if !policy.reaches(membership.school, membership.kind) {
                continue;
            }
            let obliged = membership.started_on.max(published.first_published_on);
            match schools.iter_mut().find(|(s, _, _)| *s == membership.school) {
                Some((_, kind, since)) => {
                    if membership.kind.as_str() < kind.as_str() {
                        *kind = membership.kind;
                    }
                    *since = (*since).min(obliged);
                }
                None => schools.push((membership.school, membership.kind, obliged)),
            }
        }
        let Some(obliged_since) = schools.iter().map(|(_, _, since)| *since).min() else {
            continue;
        };
        let answers = person
            .answers
            .iter()
            .filter(|a| a.policy == policy.id && a.signed_at <= at);
        let accepted = answers.clone().filter(|a| a.accepted).max_by_key(|a| a.seq);
        let declined = answers.filter(|a| !a.accepted).max_by_key(|a| a.seq);
        let exempt_until = person
            .exemptions
            .iter()
            .filter(|e| {
                e.policy.is_none_or(|p| p == policy.id) && e.starts_on <= day && e.created_at <= at
            })
            .map(|e| e.ends_on)
            .max();
        let due_on = match accepted {
            Some(signed)
                if published
                    .resign_version
                    .is_none_or(|(version, _)| signed.version_number >= version) =>
            {
                signed.renew_on
            }
            Some(_) => Some(match published.resign_version {
                Some((_, since)) if since > obliged_since => since,
                _ => obliged_since,
            }),
            None => Some(obliged_since),
        };
        let refused = declined.filter(|d| accepted.is_none_or(|a| d.seq > a.seq));
        schools.sort_by_key(|(school, _, _)| *school);
        let trust_kind = schools
            .iter()
            .map(|(_, kind, _)| *kind)
            .min_by_key(|kind| kind.as_str())
            .unwrap_or(MembershipKind::Teaching);
        for (n, (school, kind, _)) in schools.into_iter().enumerate() {
            states.push(ObligationState {
                person: person.person,
                policy: policy.id,
                school,
                kind,
                trust_kind,
                counts_for_trust: n == 0,
                obliged_since,
                due_on,
                grace_days: policy.grace_days,
                exempt_until,
                current_number: published.current_number,
                current_version: published.current_version,
                last_acceptance: accepted.map(|a| a.id),
                signed_at: accepted.map(|a| a.signed_at),
                declined_at: refused.map(|d| d.signed_at),
                decline_reason: refused.and_then(|d| d.decline_reason.clone()),
            });
        }
    }
    states.sort_by_key(|s| (s.policy, s.school));
    states
}

/// The first day after `day` on which `person`'s obligations change with no event:
/// a membership starting or ending, an exemption starting. The store recomputes the
/// person on that day.
pub fn recheck_after(person: &PersonFacts, at: DateTime<Utc>, day: NaiveDate) -> Option<NaiveDate> {
    let memberships = person
        .memberships
        .iter()
        .flat_map(|m| [Some(m.started_on), m.ended_on])
        .flatten();
    let exemptions = person
        .exemptions
        .iter()
        .filter(|e| e.created_at <= at)
        .map(|e| e.starts_on);
    memberships.chain(exemptions).filter(|d| *d > day).min()
}
