//! A training completion written to the chain like any answer: the school records it
//! for the member of staff, dated the day the course was completed, with its evidence
//! sealed into the row.

use std::collections::BTreeMap;

use attest_domain::{
    CompletionEvidence, Decision, ObligationKind, PersonId, PolicyId, Principal, SchoolId,
    SignerIdentity, SigningMethod, VersionState,
};
use attest_store::{Acceptance, Policies, PolicyVersions};
use chrono::{Months, NaiveDate};

use super::answer::{Answer, MAX_NOTE, Origin, Shown, bounded, role_of};
use super::obligation::{Obligation, obligation};
use crate::{App, AppError};

/// How far back a completion may be dated: older training has long expired.
const OLDEST_COMPLETION_YEARS: u32 = 10;

/// A completion to record.
pub(crate) struct Completed {
    pub method: SigningMethod,
    pub completed_on: NaiveDate,
    pub evidence: CompletionEvidence,
    pub note: Option<String>,
}

impl App {
    /// `person`'s obligation to complete the course `policy`, at a school the caller
    /// manages.
    pub(crate) async fn training_obligation(
        &self,
        principal: &Principal,
        person: PersonId,
        policy: PolicyId,
        school: Option<SchoolId>,
    ) -> Result<Obligation, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can record training",
            ));
        }
        let scope = principal.scope();
        let course = Policies::new(&self.db, &scope).get(policy).await?;
        if course.obligation != ObligationKind::Training {
            return Err(AppError::invalid(
                "policyId",
                format!(
                    "'{}' is not a training course (it asks people to {}); record training against a course",
                    course.title,
                    course.obligation.verb()
                ),
            ));
        }
        let version = PolicyVersions::new(&self.db, &scope)
            .in_state(policy, VersionState::Published)
            .await?
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "'{}' has no published version yet: publish the course first",
                    course.title
                ))
            })?;
        let found = obligation(
            (&self.db, &self.signing_texts),
            &scope,
            person,
            version.id,
            school,
            self.today(),
        )
        .await
        .map_err(|error| match error {
            AppError::Forbidden(message) => AppError::invalid("personId", message),
            other => other,
        })?;
        if !principal.can_manage_school(found.school) {
            return Err(AppError::forbidden(
                "you cannot record training for this school",
            ));
        }
        Ok(found)
    }

    /// Checks the completion's day and appends it to the chain for `found`.
    pub(crate) async fn write_completion(
        &self,
        principal: &Principal,
        found: &Obligation,
        completed: Completed,
    ) -> Result<Acceptance, AppError> {
        let today = self.today();
        if completed.completed_on > today {
            return Err(AppError::invalid(
                "completedOn",
                format!("{} is in the future", completed.completed_on),
            ));
        }
        let oldest = today
            .checked_sub_months(Months::new(12 * OLDEST_COMPLETION_YEARS))
            .unwrap_or(NaiveDate::MIN);
        if completed.completed_on < oldest {
            return Err(AppError::invalid(
                "completedOn",
                format!(
                    "{} is more than {OLDEST_COMPLETION_YEARS} years ago",
                    completed.completed_on
                ),
            ));
        }
        let note = match completed.note.as_deref() {
            Some(note) => Some(bounded("note", note, MAX_NOTE)?).filter(|note| !note.is_empty()),
            None => None,
        };
        let answer = Answer {
            decision: Decision::Accepted,
            typed_name: found.person.full_name.as_str().to_owned(),
            role: role_of(found, None)?,
            answers: BTreeMap::new(),
            method: completed.method,
            recorded_by: principal.actor().id(),
            identity: SignerIdentity::Recorded {
                recorded_by: principal.actor().id(),
            },
            shown: Shown::default(),
            note,
            decline_reason: None,
            signed_on: completed.completed_on,
            origin: Origin::default(),
            completion: Some(completed.evidence),
        };
        self.write_answer(principal, &principal.scope(), found, answer, None)
            .await
    }
}
