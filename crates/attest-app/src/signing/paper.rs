//! A school admin records a signed paper form; it is marked as paper everywhere.

use std::collections::BTreeMap;

use attest_domain::{
    Decision, PersonId, PolicyVersionId, Principal, SchoolId, SignerIdentity, SigningMethod,
    TenantScope,
};
use attest_store::Acceptance;
use chrono::NaiveDate;

use super::magic_link::{SigningForm, signing_form};
use super::obligation::{Obligation, check_answers, obligation};
use crate::{App, AppError};

use super::answer::{Answer, MAX_NOTE, Origin, Shown, bounded, check_name, clean_origin, role_of};

/// A paper form, recorded by a school admin.
#[derive(Debug, Clone)]
pub struct PaperAcceptance {
    pub person: PersonId,
    pub version: PolicyVersionId,
    pub school: Option<SchoolId>,
    pub typed_name: String,
    pub role: Option<String>,
    pub answers: BTreeMap<String, String>,
    /// The date written on the form; today when not given.
    pub signed_on: Option<NaiveDate>,
    /// Where the form is kept, who witnessed it: required.
    pub note: String,
}

impl App {
    /// A school admin records a signed paper form. It is marked as paper everywhere.
    pub async fn record_paper_acceptance(
        &self,
        principal: &Principal,
        input: PaperAcceptance,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can record paper forms",
            ));
        }
        let scope = principal.scope();
        let today = self.today();
        let found = obligation(
            (&self.db, &self.signing_texts),
            &scope,
            input.person,
            input.version,
            input.school,
            today,
        )
        .await
        .map_err(|error| match error {
            AppError::Forbidden(message) => AppError::invalid("personId", message),
            other => other,
        })?;
        if !principal.can_manage_school(found.school) {
            return Err(AppError::forbidden(
                "you cannot record forms for this school",
            ));
        }
        self.record_paper(principal, &scope, &found, input, origin)
            .await
    }

    /// A paper form from the school's page: the person's copy is found once, and the
    /// outcome is the recorded acceptance or the form again with what to put right.
    pub async fn submit_paper(
        &self,
        principal: &Principal,
        input: PaperAcceptance,
        origin: Origin,
    ) -> Result<PaperOutcome, AppError> {
        let found = self
            .paper_obligation(principal, input.person, input.version, input.school)
            .await?;
        let scope = principal.scope();
        match self
            .record_paper(principal, &scope, &found, input, origin)
            .await
        {
            Ok(acceptance) => Ok(PaperOutcome::Recorded {
                acceptance: Box::new(acceptance),
                person_name: found.person.full_name.as_str().to_owned(),
            }),
            Err(error @ (AppError::InvalidInput { .. } | AppError::Conflict(_))) => {
                Ok(PaperOutcome::Refused {
                    problem: error.for_people(),
                    form: Box::new(signing_form(&found, None)),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// The member of staff's copy, at a school the caller manages.
    pub(super) async fn paper_obligation(
        &self,
        principal: &Principal,
        person: PersonId,
        version: PolicyVersionId,
        school: Option<SchoolId>,
    ) -> Result<Obligation, AppError> {
        let found = obligation(
            (&self.db, &self.signing_texts),
            &principal.scope(),
            person,
            version,
            school,
            self.today(),
        )
        .await?;
        if !principal.can_manage_school(found.school) {
            return Err(AppError::forbidden(
                "you cannot record forms for this school",
            ));
        }
        Ok(found)
    }

    /// Checks the form against the person's copy and writes it to the chain.
    async fn record_paper(
        &self,
        principal: &Principal,
        scope: &TenantScope,
        found: &Obligation,
        input: PaperAcceptance,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        super::sign::answered_by_the_person(found)?;
        let today = self.today();
        let note = bounded("note", &input.note, MAX_NOTE)?;
        if note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "say where the paper form is kept (and who witnessed it)",
            ));
        }
        let signed_on = input.signed_on.unwrap_or(today);
        if signed_on > today {
            return Err(AppError::invalid("signedOn", "the date is in the future"));
        }
        if found
            .version
            .published_on
            .is_some_and(|published| signed_on < published)
        {
            return Err(AppError::invalid(
                "signedOn",
                "the form is dated before this version was published",
            ));
        }
        let answer = Answer {
            decision: Decision::Accepted,
            typed_name: check_name(found, &input.typed_name)?,
            role: role_of(found, input.role.as_deref())?,
            answers: check_answers(&found.questions, &input.answers)?,
            method: SigningMethod::Paper,
            recorded_by: principal.actor().id(),
            identity: SignerIdentity::Paper {
                recorded_by: principal.actor().id(),
                kept_at: note.clone(),
            },
            shown: Shown::default(),
            note: Some(note),
            decline_reason: None,
            signed_on,
            origin: clean_origin(origin),
            completion: None,
        };
        self.write_answer(principal, scope, found, answer, None)
            .await
    }
}

/// What became of a paper form entered on the school's page.
pub enum PaperOutcome {
    Recorded {
        acceptance: Box<Acceptance>,
        person_name: String,
    },
    /// Not recorded: the form again, and what to put right.
    Refused {
        form: Box<SigningForm>,
        problem: String,
    },
}
