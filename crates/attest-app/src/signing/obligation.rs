//! What a person must sign for one version: at which school, as which kind of member,
//! exactly which text (its hash) and which questions they must answer.

use std::collections::BTreeMap;

use std::sync::Arc;

use attest_document::{ConsentQuestion, Reader};
use attest_domain::{
    MembershipKind, Person, PersonId, PolicyKind, PolicyVersionId, SchoolId, TenantScope,
    VersionState,
};
use attest_store::{
    ConnectionTrait, Memberships, People, Policies, Policy, PolicySettings, PolicyVersion,
};

use super::signing_texts::SigningTexts;
use crate::AppError;

pub(crate) struct Obligation {
    pub person: Person,
    pub policy: Policy,
    pub version: Arc<PolicyVersion>,
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
    pub variables: BTreeMap<String, String>,
    /// SHA-256 of the text this person is shown.
    pub content_hash: String,
    pub questions: Vec<ConsentQuestion>,
}

impl Obligation {
    pub fn reader(&self) -> Reader<'_> {
        Reader {
            variables: Some(&self.variables),
            audience: Some(self.kind),
        }
    }
}

/// Finds the person's obligation to sign `version` today, at `school` if given.
pub(crate) async fn obligation(
    (conn, texts): (&impl ConnectionTrait, &SigningTexts),
    scope: &TenantScope,
    person: PersonId,
    version: PolicyVersionId,
    school: Option<SchoolId>,
    today: chrono::NaiveDate,
) -> Result<Obligation, AppError> {
    let version = texts.version(conn, scope, version).await?;
    if version.state != VersionState::Published {
        return Err(AppError::Conflict(format!(
            "version {} is {}: only the current published version can be signed",
            version.number,
            version.state.as_str()
        )));
    }
    let policy = Policies::new(conn, scope).get(version.policy).await?;
    if policy.retired_at.is_some() {
        return Err(AppError::Conflict("this policy is retired".to_owned()));
    }
    if policy.kind == PolicyKind::TrustTemplate {
        return Err(AppError::invalid(
            "versionId",
            "a trust template is not signed: each school signs its adopted copy",
        ));
    }
    let person = People::new(conn, scope).get(person).await?;
    let mut memberships: Vec<_> = Memberships::new(conn, scope)
        .for_people(&[person.id])
        .await?
        .into_iter()
        .filter(|membership| membership.is_active_on(today))
        .filter(|membership| match policy.school {
            Some(owner) => membership.school == owner,
            None => policy.kind == PolicyKind::TrustLocked,
        })
        .filter(|membership| school.is_none_or(|school| membership.school == school))
        .collect();
    memberships.sort_by_key(|membership| (membership.started_on, membership.id));
    let settings = PolicySettings::new(conn, scope);
    for membership in memberships {
        let at_school = settings.get(policy.id, membership.school).await?;
        if !at_school.audience.is_empty() && !at_school.audience.contains(&membership.kind) {
            continue;
        }
        let text = texts.text(
            &version,
            membership.school,
            membership.kind,
            at_school.variables,
        );
        return Ok(Obligation {
            person,
            policy,
            version,
            school: membership.school,
            kind: membership.kind,
            job_title: membership.job_title,
            variables: text.variables.clone(),
            content_hash: text.content_hash.clone(),
            questions: text.questions.clone(),
        });
    }
    Err(AppError::Forbidden(format!(
        "'{}' does not apply to {}: no current membership{} whose kind must sign it",
        policy.title,
        person.full_name,
        if school.is_some() {
            " at that school"
        } else {
            ""
        }
    )))
}

/// Checks the answers against the questions: every question answered, no others.
pub(crate) fn check_answers(
    questions: &[ConsentQuestion],
    answers: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AppError> {
    if let Some(unknown) = answers
        .keys()
        .find(|key| !questions.iter().any(|question| &question.key == *key))
    {
        return Err(AppError::invalid(
            format!("answers.{unknown}"),
            format!(
                "this policy has no question '{unknown}'{}",
                if questions.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; its questions are {}",
                        questions
                            .iter()
                            .map(|q| q.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        ));
    }
    let mut checked = BTreeMap::new();
    for question in questions {
        let answer = answers.get(&question.key).map(String::as_str).unwrap_or("");
        attest_domain::check_answer(&question.options, answer).map_err(|message| {
            AppError::invalid(
                format!("answers.{}", question.key),
                format!("{message} (\"{}\")", question.text),
            )
        })?;
        checked.insert(question.key.clone(), answer.trim().to_owned());
    }
    Ok(checked)
}
