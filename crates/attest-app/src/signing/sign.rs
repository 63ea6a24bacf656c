//! Signing and declining a policy: by the member of staff themselves (signed in, or
//! holding a magic link), or recorded from a paper form by a school admin.

use std::collections::BTreeMap;

use attest_domain::{
    Decision, MagicLinkId, PersonId, PolicyVersionId, Principal, SchoolId, SigningMethod,
    TenantScope, typed_name_matches,
};
use attest_store::{
    Acceptance, Acceptances, MagicLinks, NewAcceptance, TransactionTrait, find_magic_link_by_hash,
};
use chrono::{DateTime, NaiveDate, Utc};

use super::obligation::{Obligation, check_answers, obligation};
use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_TEXT: usize = 200;
const MAX_NOTE: usize = 2_000;
const MAX_USER_AGENT: usize = 512;

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
}

#[derive(Debug, Clone)]
pub struct DeclinePolicy {
    pub version: PolicyVersionId,
    pub school: Option<SchoolId>,
    pub content_hash: String,
    pub reason: String,
}

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

/// Where a request came from, kept as evidence.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The one answer given for unknown, expired and used links alike, so that a link's
/// existence cannot be probed.
pub(crate) fn invalid_link() -> AppError {
    AppError::NotFound(
        "this signing link is not valid: it may have expired or been used already; \
         ask your school for a new one"
            .to_owned(),
    )
}

/// Who is answering, how they proved it, and what they owe.
pub(super) struct Signer {
    pub principal: Principal,
    pub scope: TenantScope,
    pub found: Obligation,
    pub method: SigningMethod,
    pub link: Option<MagicLinkId>,
    /// For a magic link: when it stops working (the form shows it).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A usable magic link, and the person it acts as.
struct OpenedLink {
    principal: Principal,
    scope: TenantScope,
    id: MagicLinkId,
    version: PolicyVersionId,
    person: PersonId,
    school: SchoolId,
    expires_at: DateTime<Utc>,
}

struct Answer {
    decision: Decision,
    typed_name: String,
    role: String,
    answers: BTreeMap<String, String>,
    method: SigningMethod,
    recorded_by: Option<uuid::Uuid>,
    note: Option<String>,
    decline_reason: Option<String>,
    signed_on: NaiveDate,
    origin: Origin,
}

fn bounded(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(value)
}

fn check_hash(obligation: &Obligation, presented: &str) -> Result<(), AppError> {
    if presented.trim() != obligation.content_hash {
        return Err(AppError::Conflict(format!(
            "the text of '{}' you were shown is not the current text (its hash is {}); \
             reload it, read it again and sign",
            obligation.policy.title, obligation.content_hash
        )));
    }
    Ok(())
}

fn check_name(obligation: &Obligation, typed: &str) -> Result<String, AppError> {
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

fn role_of(obligation: &Obligation, given: Option<&str>) -> Result<String, AppError> {
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

fn clean_origin(origin: Origin) -> Origin {
    Origin {
        ip: origin.ip,
        user_agent: origin
            .user_agent
            .map(|agent| agent.chars().take(MAX_USER_AGENT).collect()),
    }
}

impl App {
    /// The signed-in member of staff signs a policy version.
    pub async fn sign_policy(
        &self,
        principal: &Principal,
        input: SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self
            .signed_in(principal, input.version, input.school)
            .await?;
        self.sign_as(&signer, &input, origin).await
    }

    /// A member of staff holding a magic link signs the version it was sent for.
    pub async fn sign_with_magic_link(
        &self,
        secret: &str,
        input: SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self.link_holder(secret, Some(input.version)).await?;
        self.sign_as(&signer, &input, origin).await
    }

    /// The signed-in member of staff declines, with a reason their school admin sees.
    pub async fn decline_policy(
        &self,
        principal: &Principal,
        input: DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self
            .signed_in(principal, input.version, input.school)
            .await?;
        self.decline_as(&signer, &input, origin).await
    }

    pub async fn decline_with_magic_link(
        &self,
        secret: &str,
        input: DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let signer = self.link_holder(secret, Some(input.version)).await?;
        self.decline_as(&signer, &input, origin).await
    }

    pub(super) async fn signed_in(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        school: Option<SchoolId>,
    ) -> Result<Signer, AppError> {
        let (person, scope) = own_scope(principal)?;
        let found = obligation(&self.db, &scope, person, version, school, self.today()).await?;
        Ok(Signer {
            principal: principal.clone(),
            scope,
            found,
            method: SigningMethod::Sso,
            link: None,
            expires_at: None,
        })
    }

    /// The holder of a magic link, for `version` when the caller names one.
    pub(super) async fn link_holder(
        &self,
        secret: &str,
        version: Option<PolicyVersionId>,
    ) -> Result<Signer, AppError> {
        let link = self.open_link(secret).await?;
        if version.is_some_and(|version| version != link.version) {
            return Err(AppError::invalid(
                "versionId",
                "this link is for another version of the policy",
            ));
        }
        let found = obligation(
            &self.db,
            &link.scope,
            link.person,
            link.version,
            Some(link.school),
            self.today(),
        )
        .await?;
        Ok(Signer {
            principal: link.principal,
            scope: link.scope,
            found,
            method: SigningMethod::MagicLink,
            link: Some(link.id),
            expires_at: Some(link.expires_at),
        })
    }

    pub(super) async fn sign_as(
        &self,
        signer: &Signer,
        input: &SignPolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let answer = self.signature(&signer.found, input, signer.method, origin)?;
        self.write_answer(
            &signer.principal,
            &signer.scope,
            &signer.found,
            answer,
            signer.link,
        )
        .await
    }

    pub(super) async fn decline_as(
        &self,
        signer: &Signer,
        input: &DeclinePolicy,
        origin: Origin,
    ) -> Result<Acceptance, AppError> {
        let answer = self.decline(&signer.found, input, signer.method, origin)?;
        self.write_answer(
            &signer.principal,
            &signer.scope,
            &signer.found,
            answer,
            signer.link,
        )
        .await
    }

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
            &self.db,
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
            typed_name: check_name(&found, &input.typed_name)?,
            role: role_of(&found, input.role.as_deref())?,
            answers: check_answers(&found.questions, &input.answers)?,
            method: SigningMethod::Paper,
            recorded_by: principal.actor().id(),
            note: Some(note),
            decline_reason: None,
            signed_on,
            origin: clean_origin(origin),
        };
        self.write_answer(principal, &scope, &found, answer, None)
            .await
    }

    /// The signer's own typed name, with failures counted per person so that a link's
    /// holder cannot try names until one matches.
    fn limited_name_check(&self, found: &Obligation, typed: &str) -> Result<String, AppError> {
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

    fn signature(
        &self,
        found: &Obligation,
        input: &SignPolicy,
        method: SigningMethod,
        origin: Origin,
    ) -> Result<Answer, AppError> {
        check_hash(found, &input.content_hash)?;
        Ok(Answer {
            decision: Decision::Accepted,
            typed_name: self.limited_name_check(found, &input.typed_name)?,
            role: role_of(found, input.role.as_deref())?,
            answers: check_answers(&found.questions, &input.answers)?,
            method,
            recorded_by: None,
            note: None,
            decline_reason: None,
            signed_on: self.today(),
            origin: clean_origin(origin),
        })
    }

    fn decline(
        &self,
        found: &Obligation,
        input: &DeclinePolicy,
        method: SigningMethod,
        origin: Origin,
    ) -> Result<Answer, AppError> {
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
            method,
            recorded_by: None,
            note: None,
            decline_reason: Some(reason),
            signed_on: self.today(),
            origin: clean_origin(origin),
        })
    }

    /// Verifies a magic link and acts as the person it was sent to.
    async fn open_link(&self, secret: &str) -> Result<OpenedLink, AppError> {
        if !attest_auth::is_magic_link(secret) {
            return Err(invalid_link());
        }
        let link = find_magic_link_by_hash(&self.db, &attest_auth::hash_token(secret))
            .await?
            .filter(|link| link.is_usable(self.now()))
            .ok_or_else(invalid_link)?;
        let principal = crate::principals::person(link.trust, link.person, Vec::new());
        let (_, scope) = own_scope(&principal)?;
        Ok(OpenedLink {
            principal,
            scope,
            id: link.id,
            version: link.version,
            person: link.person,
            school: link.school,
            expires_at: link.expires_at,
        })
    }

    async fn write_answer(
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
        let txn = self.db.begin().await?;
        // The chain append comes first: it takes the trust's chain lock before any read.
        let row = Acceptances::new(&txn, scope)
            .append(NewAcceptance {
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
            })
            .await?;
        if let Some(link) = link {
            MagicLinks::new(&txn, scope)
                .consume(link, at)
                .await
                .map_err(|_| invalid_link())?;
        }
        record(
            &txn,
            principal,
            at,
            Change {
                action: match (row.decision, row.method) {
                    (Decision::Declined, _) => "acceptance.decline",
                    (_, SigningMethod::Paper) => "acceptance.record_paper",
                    _ => "acceptance.sign",
                },
                subject_type: "acceptance",
                subject_id: row.id.as_uuid(),
                before: None,
                after: Some(&serde_json::json!({
                    "person": row.person,
                    "policy": row.policy,
                    "version": row.version,
                    "seq": row.seq,
                    "method": row.method,
                    "decision": row.decision,
                    "row_hash": row.row_hash,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(row)
    }
}

fn own_scope(principal: &Principal) -> Result<(PersonId, TenantScope), AppError> {
    let own = principal.own_records().ok_or_else(|| {
        AppError::forbidden(
            "only the member of staff themselves can sign: sign in as them, use their signing \
             link, or record a paper form with recordPaperAcceptance",
        )
    })?;
    let (person, scope) = own.keyed();
    Ok((person, scope.clone()))
}
