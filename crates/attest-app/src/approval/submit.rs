//! The owner's steps: submit a draft for review, take it back; and what editing and
//! publishing a draft do to its review.

use attest_domain::{
    PolicyId, PolicyVersionId, Principal, Review, ReviewStage, TenantScope, VersionState,
    may_publish,
};
use attest_store::{ConnectionTrait, PolicyApprovals, ReviewRecord, TransactionTrait};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::Governed;
use crate::audit::{Change, record};
use crate::{App, AppError};

pub(crate) fn owner_only(governed: &Governed) -> Result<(), AppError> {
    if governed.owns {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only the policy's admins submit, withdraw or schedule its versions",
        ))
    }
}

impl App {
    /// Sends a draft to the policy's reviewers and approvers.
    pub async fn submit_for_review(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<(), AppError> {
        let at = self.now();
        let txn = self.db.begin().await?;
        let governed = self.governed(&txn, principal, version).await?;
        owner_only(&governed)?;
        if governed.version.state != VersionState::Draft {
            return Err(AppError::Conflict(format!(
                "version {} is {}: only a draft is submitted for review",
                governed.version.number,
                governed.version.state.as_str()
            )));
        }
        let approvals = PolicyApprovals::new(&txn, &governed.scope);
        let previous = approvals.review(version).await?;
        let review = Review::submit(
            previous.as_ref().map(|record| &record.review),
            governed.rule.as_ref(),
        )?;
        approvals
            .save_review(
                &ReviewRecord {
                    version,
                    review,
                    resign_required: None,
                    change_note: None,
                    submitted_at: at,
                    updated_at: at,
                },
                true,
            )
            .await?;
        audit_step(
            &txn,
            principal,
            version,
            at,
            "policy_version.submit_for_review",
            json!({ "round": review.round }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Takes a version out of review (the owner wants to change it, or it was submitted
    /// too soon). Decisions made so far stay on record for their round.
    pub async fn return_to_draft(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<(), AppError> {
        let at = self.now();
        let txn = self.db.begin().await?;
        let governed = self.governed(&txn, principal, version).await?;
        owner_only(&governed)?;
        let approvals = PolicyApprovals::new(&txn, &governed.scope);
        approvals.lock(version).await?;
        let open = approvals
            .review(version)
            .await?
            .ok_or_else(|| AppError::Conflict("this version is not in review".to_owned()))?;
        let review = open.review.return_to_draft()?;
        approvals.advance(open, review, at).await?;
        audit_step(
            &txn,
            principal,
            version,
            at,
            "policy_version.return_to_draft",
            json!({ "round": review.round }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

pub(crate) async fn audit_step(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    version: PolicyVersionId,
    at: DateTime<Utc>,
    action: &'static str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record(
        conn,
        principal,
        at,
        Change {
            action,
            subject_type: "policy_version",
            subject_id: version.as_uuid(),
            before: None,
            after: Some(&detail),
        },
    )
    .await
}

/// Editing a version in review withdraws the approvals given so far (a new round).
pub(crate) async fn withdraw_on_edit(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    scope: &TenantScope,
    version: PolicyVersionId,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let approvals = PolicyApprovals::new(conn, scope);
    let Some(open) = approvals.review(version).await? else {
        return Ok(());
    };
    if open.review.stage == ReviewStage::Drafting {
        return Ok(());
    }
    let review = open.review.edited();
    approvals.advance(open, review, at).await?;
    audit_step(
        conn,
        principal,
        version,
        at,
        "policy_version.approvals_withdrawn",
        json!({ "round": review.round, "reason": "the version was edited" }),
    )
    .await
}

/// Refuses to publish a version its policy's rule has not approved; once published,
/// its schedule (if any) is spent.
pub(crate) async fn check_publishable(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    policy: PolicyId,
    version: PolicyVersionId,
) -> Result<Option<ReviewRecord>, AppError> {
    let approvals = PolicyApprovals::new(conn, scope);
    let rule = approvals.rule(policy).await?;
    let open = approvals.review(version).await?;
    may_publish(rule.as_ref(), open.as_ref().map(|record| &record.review))?;
    Ok(open)
}

pub(crate) async fn spend_schedule(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    open: Option<ReviewRecord>,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(open) = open.filter(|open| open.review.scheduled_on.is_some()) {
        let review = Review {
            scheduled_on: None,
            ..open.review
        };
        PolicyApprovals::new(conn, scope)
            .save_review(
                &ReviewRecord {
                    review,
                    updated_at: at,
                    ..open
                },
                false,
            )
            .await?;
    }
    Ok(())
}
