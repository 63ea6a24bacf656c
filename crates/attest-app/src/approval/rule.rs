//! Setting a policy's approval rule. A changed rule withdraws decisions made under the
//! old one: a draft in review starts a new round.

use attest_domain::{
    ApprovalRule, Approver, PersonId, PolicyId, Principal, Quorum, VersionState, default_body,
};
use attest_store::{
    People, Policies, PolicyApprovals, PolicyVersions, ReviewRecord, TransactionTrait,
};

use super::owns;
use crate::audit::{Change, record};
use crate::{App, AppError};

pub struct ApprovalRuleInput {
    /// The approving body as receipts name it; the policy kind's usual body when left
    /// out ("the trust board", "the local governing body").
    pub body: Option<String>,
    pub approvers: Vec<Approver>,
    pub quorum: Quorum,
    pub reviewers: Vec<PersonId>,
}

impl App {
    /// Sets who approves the policy's versions, or with `None` lets its admins publish
    /// at once.
    pub async fn set_approval_rule(
        &self,
        principal: &Principal,
        policy: PolicyId,
        input: Option<ApprovalRuleInput>,
    ) -> Result<Option<ApprovalRule>, AppError> {
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let policy = Policies::new(&txn, &scope).get(policy).await?;
        if !owns(principal, &policy) {
            return Err(AppError::forbidden(
                "only the policy's admins choose who approves it",
            ));
        }
        let rule = match input {
            None => None,
            Some(input) => Some(ApprovalRule::new(
                input.body.as_deref().unwrap_or(default_body(policy.kind)),
                input.approvers,
                input.quorum,
                input.reviewers,
            )?),
        };
        if let Some(rule) = &rule {
            let people = People::new(&txn, &scope);
            for person in rule.named_people() {
                people.get(person).await.map_err(|_| {
                    AppError::invalid(
                        "approvers",
                        format!("no one with id {} is in your schools", person.as_uuid()),
                    )
                })?;
            }
        }
        let approvals = PolicyApprovals::new(&txn, &scope);
        let before = approvals.rule(policy.id).await?;
        if before == rule {
            return Ok(rule);
        }
        approvals
            .set_rule(
                policy.id,
                rule.as_ref(),
                (principal.actor().kind(), principal.actor().id()),
                at,
            )
            .await?;
        let draft = PolicyVersions::new(&txn, &scope)
            .in_state(policy.id, VersionState::Draft)
            .await?;
        let mut withdrawn = None;
        if let Some(draft) = draft
            && let Some(open) = approvals.review(draft.id).await?
        {
            let review = if rule.is_some() {
                open.review.edited()
            } else {
                // No rule: nothing left to approve; the draft is the admins' to publish.
                open.review.return_to_draft().unwrap_or(open.review)
            };
            if review != open.review {
                approvals
                    .save_review(
                        &ReviewRecord {
                            review,
                            updated_at: at,
                            ..open
                        },
                        false,
                    )
                    .await?;
                withdrawn = Some(draft.id);
            }
        }
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.approval_rule",
                subject_type: "policy",
                subject_id: policy.id.as_uuid(),
                before: Some(&serde_json::json!({ "rule": before })),
                after: Some(
                    &serde_json::json!({ "rule": rule, "decisions_withdrawn_on": withdrawn }),
                ),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(rule)
    }
}
