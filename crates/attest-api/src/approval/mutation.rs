//! Mutations: the owner's (rule, submit, take back, schedule) and the reviewers' and
//! approvers' (comment, approve, reject).

use async_graphql::{Context, Object};
use attest_app::{AppError, Publish, RuleChoice};
use attest_domain::{PolicyId, PolicyVersionId, Verdict};
use uuid::Uuid;

use super::inputs::{
    ApprovalRuleInput, ApproveVersionInput, CommentInput, SchedulePublicationInput,
};
use crate::context::{app, principal};
use crate::error::OrGraphql;
use crate::policy::PolicyKind;
use crate::policy::{ApprovalRule, ReviewComment, VersionReview};

#[derive(Default)]
pub struct ApprovalMutation;

async fn review(
    ctx: &Context<'_>,
    version: PolicyVersionId,
) -> async_graphql::Result<VersionReview> {
    app(ctx)?
        .version_review(principal(ctx)?, version)
        .await
        .map(VersionReview)
        .gql()
}

#[Object]
impl ApprovalMutation {
    /// Sets who approves the policy's versions: its own `rule`; or with no rule, none
    /// (its admins publish at once), or with `followTrustDefault`, the trust's default
    /// for its kind. Answers with the rule it now follows. A change withdraws decisions
    /// already made on a draft in review.
    async fn set_approval_rule(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
        rule: Option<ApprovalRuleInput>,
        #[graphql(default)] follow_trust_default: bool,
    ) -> async_graphql::Result<Option<ApprovalRule>> {
        let choice = match (rule, follow_trust_default) {
            (Some(_), true) => {
                return Err(AppError::invalid(
                    "followTrustDefault",
                    "give a rule or follow the trust's default, not both",
                ))
                .gql();
            }
            (Some(rule), false) => RuleChoice::Own(rule.into_use_case().gql()?),
            (None, true) => RuleChoice::TrustDefault,
            (None, false) => RuleChoice::NoApproval,
        };
        let set = app(ctx)?
            .set_approval_rule(principal(ctx)?, PolicyId::from_uuid(policy_id), choice)
            .await
            .gql()?;
        Ok(set.map(ApprovalRule))
    }

    /// The rule every policy of `kind` without one of its own follows (trust admins);
    /// with no `rule`, none.
    async fn set_default_approval_rule(
        &self,
        ctx: &Context<'_>,
        kind: PolicyKind,
        rule: Option<ApprovalRuleInput>,
    ) -> async_graphql::Result<Option<ApprovalRule>> {
        let rule = rule
            .map(ApprovalRuleInput::into_use_case)
            .transpose()
            .gql()?;
        let set = app(ctx)?
            .set_default_approval_rule(principal(ctx)?, kind.into(), rule)
            .await
            .gql()?;
        Ok(set.map(ApprovalRule))
    }

    /// Sends a draft to the rule's reviewers and approvers (a new round).
    async fn submit_for_review(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
    ) -> async_graphql::Result<VersionReview> {
        let version = PolicyVersionId::from_uuid(version_id);
        app(ctx)?
            .submit_for_review(principal(ctx)?, version)
            .await
            .gql()?;
        review(ctx, version).await
    }

    /// Takes a version out of review to change it.
    async fn return_to_draft(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
    ) -> async_graphql::Result<VersionReview> {
        let version = PolicyVersionId::from_uuid(version_id);
        app(ctx)?
            .return_to_draft(principal(ctx)?, version)
            .await
            .gql()?;
        review(ctx, version).await
    }

    /// Approves a version in review for one of your seats, with the meeting and minute.
    async fn approve_version(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        input: ApproveVersionInput,
    ) -> async_graphql::Result<VersionReview> {
        let app = app(ctx)?;
        let version = PolicyVersionId::from_uuid(version_id);
        let verdict = Verdict::Approve {
            meeting: input.meeting,
            minute: input.minute,
            effective_on: input.effective_on.unwrap_or_else(|| app.today()),
        };
        app.decide_on_version(principal(ctx)?, version, verdict)
            .await
            .gql()?;
        review(ctx, version).await
    }

    /// Rejects a version in review: it returns to its owner with your reason.
    async fn reject_version(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        reason: String,
    ) -> async_graphql::Result<VersionReview> {
        let version = PolicyVersionId::from_uuid(version_id);
        app(ctx)?
            .decide_on_version(principal(ctx)?, version, Verdict::Reject { reason })
            .await
            .gql()?;
        review(ctx, version).await
    }

    /// Comments on a clause (or the whole) of a version in review.
    async fn comment_on_version(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        input: CommentInput,
    ) -> async_graphql::Result<ReviewComment> {
        app(ctx)?
            .comment_on_version(
                principal(ctx)?,
                PolicyVersionId::from_uuid(version_id),
                input.clause,
                input.body,
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// An approved version is published by the reminder tick on `publishOn`.
    async fn schedule_publication(
        &self,
        ctx: &Context<'_>,
        version_id: Uuid,
        input: SchedulePublicationInput,
    ) -> async_graphql::Result<VersionReview> {
        let version = PolicyVersionId::from_uuid(version_id);
        app(ctx)?
            .schedule_publication(
                principal(ctx)?,
                version,
                input.publish_on,
                Publish {
                    resign_required: input.resign_required,
                    change_note: input.change_note,
                },
            )
            .await
            .gql()?;
        review(ctx, version).await
    }
}
