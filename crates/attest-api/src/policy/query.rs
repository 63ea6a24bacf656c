//! Queries.

use async_graphql::{Context, Object};
use attest_app::RenderRequest;
use attest_domain::{PolicyId, PolicyVersionId, SchoolId};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::objects::{
    Policy, PolicyChange, PolicyDueForReview, PolicyVersion, RenderFormat, RenderedPolicy,
    SchoolPolicySettings,
};
use crate::school::MembershipKind;

#[derive(Default)]
pub struct PolicyQuery;

#[Object]
impl PolicyQuery {
    /// Policies you can see; with `schoolId`, those that apply to that school.
    #[graphql(complexity = "crate::cost::PAGE_QUERY + crate::cost::LIST_ROWS * child_complexity")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
    ) -> async_graphql::Result<Vec<Policy>> {
        let policies = app(ctx)?
            .policies(principal(ctx)?, school_id.map(SchoolId::from_uuid))
            .await
            .gql()?;
        Ok(policies.into_iter().map(Policy).collect())
    }

    async fn policy(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Policy> {
        app(ctx)?
            .policy(principal(ctx)?, PolicyId::from_uuid(id))
            .await
            .map(Policy)
            .gql()
    }

    async fn policy_version(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<PolicyVersion> {
        app(ctx)?
            .policy_version(principal(ctx)?, PolicyVersionId::from_uuid(id))
            .await
            .map(PolicyVersion)
            .gql()
    }

    /// A version as a school's reader sees it: the school's values filled in, blocks for
    /// other roles left out.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn render_policy(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        school_id: Option<Uuid>,
        audience: Option<MembershipKind>,
        #[graphql(default_with = "RenderFormat::Markdown")] format: RenderFormat,
    ) -> async_graphql::Result<RenderedPolicy> {
        let request = RenderRequest {
            version: PolicyVersionId::from_uuid(version_id),
            school: school_id.map(SchoolId::from_uuid),
            audience: audience.map(Into::into),
            format: format.into(),
        };
        let rendered = app(ctx)?
            .render_policy(principal(ctx)?, request)
            .await
            .gql()?;
        Ok(RenderedPolicy {
            output: rendered.output,
            content_hash: rendered.content_hash,
            missing: rendered.missing,
        })
    }

    /// Clause-level changes from one version to another.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn diff_versions(
        &self,
        ctx: &Context<'_>,
        from_id: Uuid,
        to_id: Uuid,
    ) -> async_graphql::Result<Vec<PolicyChange>> {
        let changes = app(ctx)?
            .diff_versions(
                principal(ctx)?,
                PolicyVersionId::from_uuid(from_id),
                PolicyVersionId::from_uuid(to_id),
            )
            .await
            .gql()?;
        Ok(changes.into_iter().map(PolicyChange::from).collect())
    }

    /// Published policies whose review is past or within `withinDays`.
    async fn policies_due_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 30, validator(maximum = 3650))] within_days: u32,
    ) -> async_graphql::Result<Vec<PolicyDueForReview>> {
        let due = app(ctx)?
            .policies_due_for_review(principal(ctx)?, within_days)
            .await
            .gql()?;
        Ok(due
            .into_iter()
            .map(|d| PolicyDueForReview {
                policy: d.policy,
                version: PolicyVersion(d.version),
                next_review_on: d.next_review_on,
                overdue: d.overdue,
                next_draft_id: d.next_draft.map(|(id, _)| id.as_uuid()),
                next_draft_stage: d.next_draft.map(|(_, stage)| stage.into()),
            })
            .collect())
    }

    async fn school_policy_settings(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
        school_id: Uuid,
    ) -> async_graphql::Result<SchoolPolicySettings> {
        let settings = app(ctx)?
            .school_policy_settings(
                principal(ctx)?,
                PolicyId::from_uuid(policy_id),
                SchoolId::from_uuid(school_id),
            )
            .await
            .gql()?;
        Ok(settings.into())
    }
}
