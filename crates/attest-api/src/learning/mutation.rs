//! Mutations.

use async_graphql::{Context, Object};
use attest_app::{
    AppError, CertificateUpload, CompletionImport, NewTrainingSession, TrainingCompletion,
};
use attest_domain::{CheckQuestion, PersonId, PolicyId, PolicyVersionId, SchoolId};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;
use crate::people::Acceptance;
use crate::policy::Policy;

use super::inputs::{
    ImportTrainingCompletionsInput, InductionBundleInput, RecordTrainingCompletionInput,
    RecordTrainingSessionInput, UnderstandingCheckInput,
};
use super::objects::{
    InductionBundle, ObligationKind, TrainingCompletionRecorded, TrainingImportResult,
    TrainingSession, UnderstandingCheck,
};

#[derive(Default)]
pub struct LearningMutation;

#[Object]
impl LearningMutation {
    /// What a policy asks of each member of staff; only before its first publication.
    async fn set_policy_obligation(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
        obligation: ObligationKind,
    ) -> async_graphql::Result<Policy> {
        app(ctx)?
            .set_policy_obligation(
                principal(ctx)?,
                PolicyId::from_uuid(policy_id),
                obligation.into(),
            )
            .await
            .map(Policy)
            .gql()
    }

    /// Sets the check of understanding on a draft of a read-and-understand text (no
    /// questions removes it; the answer is then null).
    async fn set_understanding_check(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        input: UnderstandingCheckInput,
    ) -> async_graphql::Result<Option<UnderstandingCheck>> {
        let questions = input
            .questions
            .into_iter()
            .map(|question| CheckQuestion {
                prompt: question.prompt,
                options: question.options,
                correct: usize::try_from(question.correct).unwrap_or(usize::MAX),
            })
            .collect();
        app(ctx)?
            .set_understanding_check(
                principal(ctx)?,
                PolicyVersionId::from_uuid(version_id),
                questions,
                input.pass_mark,
            )
            .await
            .map(|check| check.map(Into::into))
            .gql()
    }

    /// Adds an induction bundle (or replaces one): obligations a new starter owes within
    /// N days of starting, tracked as one checklist. Trust admins only.
    async fn save_induction_bundle(
        &self,
        ctx: &Context<'_>,
        input: InductionBundleInput,
    ) -> async_graphql::Result<InductionBundle> {
        app(ctx)?
            .save_induction_bundle(
                principal(ctx)?,
                input.id,
                &input.name,
                input.within_days,
                input
                    .policy_ids
                    .into_iter()
                    .map(PolicyId::from_uuid)
                    .collect(),
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Records that a member of staff completed a course, with its certificate.
    async fn record_training_completion(
        &self,
        ctx: &Context<'_>,
        input: RecordTrainingCompletionInput,
    ) -> async_graphql::Result<TrainingCompletionRecorded> {
        let bytes = STANDARD
            .decode(input.certificate.content_base64.trim())
            .map_err(|error| {
                AppError::invalid("certificate.contentBase64", format!("not base64: {error}"))
            })
            .gql()?;
        let (acceptance, certificate) = app(ctx)?
            .record_training_completion(
                principal(ctx)?,
                TrainingCompletion {
                    person: PersonId::from_uuid(input.person_id),
                    policy: PolicyId::from_uuid(input.policy_id),
                    school: input.school_id.map(SchoolId::from_uuid),
                    completed_on: input.completed_on,
                    certificate: CertificateUpload {
                        file_name: input.certificate.file_name,
                        bytes,
                    },
                    note: input.note,
                },
            )
            .await
            .gql()?;
        Ok(TrainingCompletionRecorded {
            acceptance: Acceptance(acceptance),
            certificate: certificate.into(),
        })
    }

    /// Records an in-house session and its register: everyone on it completed the
    /// course that day.
    async fn record_training_session(
        &self,
        ctx: &Context<'_>,
        input: RecordTrainingSessionInput,
    ) -> async_graphql::Result<TrainingSession> {
        app(ctx)?
            .record_training_session(
                principal(ctx)?,
                NewTrainingSession {
                    policy: PolicyId::from_uuid(input.policy_id),
                    school: SchoolId::from_uuid(input.school_id),
                    held_on: input.held_on,
                    trainer: input.trainer,
                    note: input.note,
                    attendees: input
                        .attendee_ids
                        .into_iter()
                        .map(PersonId::from_uuid)
                        .collect(),
                },
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Imports an external provider's completions file: checked whole, every problem
    /// reported with its line, nothing written until all are right.
    async fn import_training_completions(
        &self,
        ctx: &Context<'_>,
        input: ImportTrainingCompletionsInput,
    ) -> async_graphql::Result<TrainingImportResult> {
        let imported = app(ctx)?
            .import_training_completions(
                principal(ctx)?,
                CompletionImport {
                    policy: PolicyId::from_uuid(input.policy_id),
                    provider: input.provider,
                    file: input.csv.into_bytes(),
                },
            )
            .await
            .gql()?;
        Ok(TrainingImportResult {
            import: imported.import.into(),
            already_recorded_lines: imported.already_recorded,
        })
    }
}

#[derive(Default)]
pub struct SettingsMutation;

#[derive(async_graphql::SimpleObject)]
pub struct SettingsImported {
    /// The trust-wide parts replaced (mail, reading_rule, retention, breach).
    pub parts: Vec<String>,
    pub policies: u32,
    pub school_settings: u32,
    pub attributes: u32,
    pub inductions: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[Object]
impl SettingsMutation {
    /// Imports a settings file (as `settingsExport` gives it): every part is checked
    /// against this trust first, and nothing changes while anything is wrong.
    async fn import_settings(
        &self,
        ctx: &Context<'_>,
        file: String,
    ) -> async_graphql::Result<SettingsImported> {
        let imported = app(ctx)?
            .import_settings(principal(ctx)?, file.as_bytes())
            .await
            .gql()?;
        Ok(SettingsImported {
            parts: imported.parts,
            policies: count(imported.policies),
            school_settings: count(imported.school_settings),
            attributes: count(imported.attributes),
            inductions: count(imported.inductions),
        })
    }
}
