//! What a person answers (a signature or a decline) and where from, how each answer is
//! checked against their obligation, and writing it to the trust's chain.

use std::collections::BTreeMap;

use attest_domain::{
    ChangesShown, CompletionEvidence, Decision, MagicLinkId, PolicyVersionId, Principal, SchoolId,
    SignerIdentity, SigningMethod, TenantScope, ViewEvidence, typed_name_matches,
};
use attest_store::{Acceptance, NewAcceptance};
use chrono::NaiveDate;

use super::chain_writer::Answered;
use super::obligation::{Obligation, check_answers};
use super::signer::Signer;
use crate::{App, AppError};

pub(super) const MAX_TEXT: usize = 200;

pub(super) const MAX_NOTE: usize = 2_000;

pub(super) const MAX_USER_AGENT: usize = 512;

/// A member of staff's signature.
#[derive(Debug, Clone)]
pub struct SignPolicy {
    pub version: PolicyVersionId,
    /// Which of their schools' copy they read; needed only when they could mean two.
    pub school: Option<SchoolId>,
    /// The hash of the text they were shown (from `renderForSigning`).
    pub content_hash: String,
    pub typed_name: String,
    /// Their role as they write it on the form; defaults to their job title.
    pub role: Option<String>,
    pub answers: BTreeMap<String, String>,
    /// The view the text was read in (from the signing page or `renderForSigning`).
    pub view: Option<uuid::Uuid>,
    /// For a read-and-understand text with a check of understanding: the option chosen
    /// for each question, in order, from 0.
    pub understanding: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct DeclinePolicy {
    pub version: PolicyVersionId,
    pub school: Option<SchoolId>,
    pub content_hash: String,
    pub reason: String,
    pub view: Option<uuid::Uuid>,
}

/// What the signer was shown before answering.
#[derive(Debug, Clone, Default)]
pub(super) struct Shown {
    pub(super) viewed: Option<ViewEvidence>,
    pub(super) changes: Option<ChangesShown>,
}

/// Where a request came from, kept as evidence.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub(super) struct Answer {
    pub(super) decision: Decision,
    pub(super) typed_name: String,
    pub(super) role: String,
    pub(super) answers: BTreeMap<String, String>,
    pub(super) method: SigningMethod,
    pub(super) recorded_by: Option<uuid::Uuid>,
    pub(super) identity: SignerIdentity,
    pub(super) shown: Shown,
    pub(super) note: Option<String>,
    pub(super) decline_reason: Option<String>,
    pub(super) signed_on: NaiveDate,
    pub(super) origin: Origin,
    /// A passed check of understanding, or a training's evidence.
    pub(super) completion: Option<CompletionEvidence>,
}

pub(super) fn bounded(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(value)
}

pub(super) fn check_hash(obligation: &Obligation, presented: &str) -> Result<(), AppError> {
    if presented.trim() != obligation.content_hash {
        return Err(AppError::Conflict(format!(
            "the text of '{}' you were shown is not the current text (its hash is {}); \
             reload it, read it again and sign",
            obligation.policy.title, obligation.content_hash
        )));
    }
    Ok(())
}

pub(super) fn check_name(obligation: &Obligation, typed: &str) -> Result<String, AppError> {
    let typed = bounded("typedName", typed, MAX_TEXT)?;
    if !typed_name_matches(&typed, obligation.person.full_name.as_str()) {
        return Err(AppError::invalid(
            "typedName",
            format!(
                "type the full name your school has for you: {}",
                obligation.person.full_name
            ),
        ));
    }
    Ok(typed)
}

pub(super) fn role_of(obligation: &Obligation, given: Option<&str>) -> Result<String, AppError> {
    let given = bounded("role", given.unwrap_or(""), MAX_TEXT)?;
    Ok(if given.is_empty() {
        obligation
            .job_title
            .clone()
            .unwrap_or_else(|| obligation.kind.as_str().to_owned())
    } else {
        given
    })
}

pub(super) fn clean_origin(origin: Origin) -> Origin {
    Origin {
        ip: origin.ip,
        user_agent: origin
            .user_agent
            .map(|agent| agent.chars().take(MAX_USER_AGENT).collect()),
    }
}

impl App {
    /// The signer's own typed name, with failures counted per person so that a link's
    /// holder cannot try names until one matches.
    pub(super) fn limited_name_check(
        &self,
        found: &Obligation,
        typed: &str,
    ) -> Result<String, AppError> {
        let key = found.person.id.to_string();
        self.rate_limits
            .blocked(crate::Limit::TypedNameFailure, &key)?;
        check_name(found, typed).map_err(|mismatch| {
            match self
                .rate_limits
                .failed(crate::Limit::TypedNameFailure, &key)
            {
                Err(limited) => limited,
                Ok(()) => mismatch,
            }
        })
    }

    pub(super) fn signature(
        &self,
        signer: &Signer,
        input: &SignPolicy,
        shown: Shown,
        origin: Origin,
    ) -> Result<Answer, AppError> {
        let found = &signer.found;
        check_hash(found, &input.content_hash)?;
        Ok(Answer {
            decision: Decision::Accepted,
            typed_name: self.limited_name_check(found, &input.typed_name)?,
            role: role_of(found, input.role.as_deref())?,
            answers: check_answers(&found.questions, &input.answers)?,
            method: signer.method,
            recorded_by: None,
            identity: signer.identity.clone(),
            shown,
            note: None,
            decline_reason: None,
            signed_on: self.today(),
            origin: clean_origin(origin),
            completion: None,
        })
    }

    pub(super) fn decline(
        &self,
        signer: &Signer,
        input: &DeclinePolicy,
        shown: Shown,
        origin: Origin,
    ) -> Result<Answer, AppError> {
        let found = &signer.found;
        check_hash(found, &input.content_hash)?;
        let reason = bounded("reason", &input.reason, MAX_NOTE)?;
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why, so your school can follow it up",
            ));
        }
        Ok(Answer {
            decision: Decision::Declined,
            typed_name: found.person.full_name.as_str().to_owned(),
            role: role_of(found, None)?,
            answers: BTreeMap::new(),
            method: signer.method,
            recorded_by: None,
            identity: signer.identity.clone(),
            shown,
            note: None,
            decline_reason: Some(reason),
            signed_on: self.today(),
            origin: clean_origin(origin),
            completion: None,
        })
    }

    /// Appends the answer to the trust's chain, with its link used up and its audit
    /// entry, committed together with the person's obligations brought up to date (in
    /// the chain writer's next batch).
    pub(super) async fn write_answer(
        &self,
        principal: &Principal,
        scope: &TenantScope,
        found: &Obligation,
        answer: Answer,
        link: Option<MagicLinkId>,
    ) -> Result<Acceptance, AppError> {
        let at = self.now();
        let renew_on = match answer.decision {
            Decision::Accepted => found.policy.resign_schedule.next_after(answer.signed_on),
            Decision::Declined => None,
        };
        let new = NewAcceptance {
            person: found.person.id,
            policy: found.policy.id,
            version: found.version.id,
            school: found.school,
            decision: answer.decision,
            content_hash: found.content_hash.clone(),
            audience_kind: found.kind,
            variables: found.variables.clone(),
            typed_name: answer.typed_name,
            role: answer.role,
            answers: answer.answers,
            method: answer.method,
            recorded_by: answer.recorded_by,
            note: answer.note,
            decline_reason: answer.decline_reason,
            signed_at: at,
            signed_on: answer.signed_on,
            renew_on,
            ip: answer.origin.ip,
            user_agent: answer.origin.user_agent,
            identity: answer.identity,
            viewed: answer.shown.viewed,
            changes_shown: answer.shown.changes,
            completion: answer.completion,
            salt: attest_auth::commitment_salt()
                .map_err(|error| AppError::Internal(error.to_string()))?,
        };
        self.chain_writer
            .submit(
                self,
                Answered {
                    principal: principal.clone(),
                    scope: scope.clone(),
                    new,
                    link,
                },
            )
            .await
    }
}
