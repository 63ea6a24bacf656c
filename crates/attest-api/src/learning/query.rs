//! Queries.

use async_graphql::{Context, Object};
use attest_domain::{PersonId, PolicyId, PolicyVersionId};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::matrix::{ComplianceByObligation, ObligationMatrix};
use super::objects::{
    InductionBundle, StarterChecklist, TrainingCertificate, TrainingImport, TrainingSession,
    UnderstandingAttempt, UnderstandingCheck,
};

#[derive(Default)]
pub struct LearningQuery;

#[Object]
impl LearningQuery {
    /// A read-and-understand version's check of understanding, with its answers.
    async fn understanding_check(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
    ) -> async_graphql::Result<Option<UnderstandingCheck>> {
        app(ctx)?
            .understanding_check(principal(ctx)?, PolicyVersionId::from_uuid(version_id))
            .await
            .map(|check| check.map(Into::into))
            .gql()
    }

    /// A person's attempts at checks of understanding, newest first.
    async fn understanding_attempts(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
        policy_id: Option<Uuid>,
    ) -> async_graphql::Result<Vec<UnderstandingAttempt>> {
        app(ctx)?
            .understanding_attempts(
                principal(ctx)?,
                PersonId::from_uuid(person_id),
                policy_id.map(PolicyId::from_uuid),
            )
            .await
            .map(|attempts| attempts.into_iter().map(Into::into).collect())
            .gql()
    }

    /// In-house sessions (of one course, or all) at your schools, with registers.
    async fn training_sessions(
        &self,
        ctx: &Context<'_>,
        policy_id: Option<Uuid>,
    ) -> async_graphql::Result<Vec<TrainingSession>> {
        app(ctx)?
            .training_sessions(principal(ctx)?, policy_id.map(PolicyId::from_uuid))
            .await
            .map(|sessions| sessions.into_iter().map(Into::into).collect())
            .gql()
    }

    /// The certificates kept for a person.
    async fn training_certificates(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<TrainingCertificate>> {
        app(ctx)?
            .training_certificates(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .map(|found| found.into_iter().map(Into::into).collect())
            .gql()
    }

    /// Each member of staff of a school × each obligation (KCSIE read, safeguarding
    /// training, online safety, the AUP…) with the day it was last met and whether it is
    /// out of date: the view an inspector asks for. Now, or at a past instant.
    #[graphql(complexity = "crate::cost::PERSON_READ * 10 + child_complexity")]
    async fn school_obligation_matrix(
        &self,
        ctx: &Context<'_>,
        school_id: Uuid,
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    ) -> async_graphql::Result<ObligationMatrix> {
        app(ctx)?
            .school_obligation_matrix(
                principal(ctx)?,
                attest_domain::SchoolId::from_uuid(school_id),
                as_of,
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// For each school you can see, how many are compliant, due, overdue or exempt with
    /// each obligation: a dashboard's column per obligation.
    async fn compliance_by_obligation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    ) -> async_graphql::Result<ComplianceByObligation> {
        app(ctx)?
            .compliance_by_obligation(principal(ctx)?, None, as_of)
            .await
            .map(Into::into)
            .gql()
    }

    /// The trust's and its schools' settings as one JSON file (format
    /// attest-settings/1), for `importSettings` or `attest settings import`.
    async fn settings_export(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let exported = app(ctx)?.export_settings(principal(ctx)?).await.gql()?;
        serde_json::to_string_pretty(&exported)
            .map_err(|error| attest_app::AppError::Internal(error.to_string()))
            .gql()
    }

    /// The trust's induction bundles.
    async fn induction_bundles(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<InductionBundle>> {
        app(ctx)?
            .induction_bundles(principal(ctx)?)
            .await
            .map(|found| found.into_iter().map(Into::into).collect())
            .gql()
    }

    /// The induction checklists of a school's starters of the last year, newest first.
    async fn induction_checklists(
        &self,
        ctx: &Context<'_>,
        school_id: Uuid,
    ) -> async_graphql::Result<Vec<StarterChecklist>> {
        let app = app(ctx)?;
        let today = app.today();
        app.induction_checklists(
            principal(ctx)?,
            attest_domain::SchoolId::from_uuid(school_id),
        )
        .await
        .map(|found| {
            found
                .into_iter()
                .map(|starter| StarterChecklist::of(starter, today))
                .collect()
        })
        .gql()
    }

    /// The providers' completion files imported for a course.
    async fn training_imports(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
    ) -> async_graphql::Result<Vec<TrainingImport>> {
        app(ctx)?
            .training_imports(principal(ctx)?, PolicyId::from_uuid(policy_id))
            .await
            .map(|found| found.into_iter().map(Into::into).collect())
            .gql()
    }
}
