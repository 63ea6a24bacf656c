//! Queries.

use async_graphql::{Context, Object};
use attest_domain::PolicyVersionId;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;
use crate::policy::{ApprovalRule, DefaultApprovalRule, VersionReview};

#[derive(Default)]
pub struct ApprovalQuery;

#[Object]
impl ApprovalQuery {
    /// A version's review: its stage, the rule, decisions (withdrawn ones marked),
    /// comments and what changed. For the policy's admins and readers, and for the
    /// reviewers and approvers its rule names.
    async fn version_review(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
    ) -> async_graphql::Result<VersionReview> {
        app(ctx)?
            .version_review(principal(ctx)?, PolicyVersionId::from_uuid(version_id))
            .await
            .map(VersionReview)
            .gql()
    }

    /// The trust's default approval rule for each policy kind that has one.
    async fn default_approval_rules(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<DefaultApprovalRule>> {
        let rules = app(ctx)?
            .default_approval_rules(principal(ctx)?)
            .await
            .gql()?;
        Ok(rules
            .into_iter()
            .map(|(kind, rule)| DefaultApprovalRule {
                kind: kind.into(),
                rule: ApprovalRule(rule),
            })
            .collect())
    }

    /// Versions in review or approved and not yet published that you manage, see or
    /// are named on; those waiting for your decision first.
    #[graphql(complexity = "crate::cost::PAGE_QUERY + crate::cost::LIST_ROWS * child_complexity")]
    async fn reviews_awaiting(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<VersionReview>> {
        let awaiting = app(ctx)?.awaiting_review(principal(ctx)?).await.gql()?;
        Ok(awaiting
            .into_iter()
            .map(|awaiting| VersionReview(awaiting.review))
            .collect())
    }
}
