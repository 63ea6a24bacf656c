//! Setting who approves: a policy's own rule (or that it needs none, or that it follows
//! the trust's default for its kind), and the trust's defaults per kind. A change to the
//! rule a draft in review follows withdraws the decisions made under the old one.

use attest_domain::{
    ApprovalRule, Approver, PersonId, PolicyId, PolicyKind, PolicyVersionId, Principal, Quorum,
    TenantScope, VersionState, default_body,
};
use attest_store::{
    ApprovalDefaults, ConnectionTrait, People, Policies, PolicyApprovals, PolicyVersions,
    RuleSetting, TransactionTrait,
};
use chrono::{DateTime, Utc};

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

/// A policy's own approval setting, as asked for.
pub enum RuleChoice {
    /// Follow the trust's default for its kind.
    TrustDefault,
    /// Its admins publish at once.
    NoApproval,
    Own(ApprovalRuleInput),
}

/// The rule checked: its seats, its quorum, and that every person it names is within
/// the setter's scope.
async fn checked_rule(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    kind: PolicyKind,
    input: ApprovalRuleInput,
) -> Result<ApprovalRule, AppError> {
    let rule = ApprovalRule::new(
        input.body.as_deref().unwrap_or(default_body(kind)),
        input.approvers,
        input.quorum,
        input.reviewers,
    )?;
    rule.check_for(kind)?;
    let named = rule.named_people();
    let found = People::new(conn, scope).by_ids(&named).await?;
    if let Some(missing) = named
        .iter()
        .find(|person| !found.iter().any(|known| known.id == **person))
    {
        return Err(AppError::invalid(
            "approvers",
            format!("no one with id {} is in your schools", missing.as_uuid()),
        ));
    }
    Ok(rule)
}

/// The rule a policy follows now, and, when it changed while the policy's draft is in
/// review, that draft: a new round under the new rule, or back to drafting when no rule
/// is left.
async fn withdraw_if_changed(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    policy: PolicyId,
    before: &Option<ApprovalRule>,
    at: DateTime<Utc>,
) -> Result<(Option<ApprovalRule>, Option<PolicyVersionId>), AppError> {
    let approvals = PolicyApprovals::new(conn, scope);
    let after = approvals.rule(policy).await?;
    if *before == after {
        return Ok((after, None));
    }
    let withdrawn = withdraw_draft(conn, scope, policy, after.is_some(), at).await?;
    Ok((after, withdrawn))
}

/// Withdraws the decisions on the policy's draft in review, if it has one.
async fn withdraw_draft(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    policy: PolicyId,
    still_governed: bool,
    at: DateTime<Utc>,
) -> Result<Option<PolicyVersionId>, AppError> {
    let approvals = PolicyApprovals::new(conn, scope);
    let Some(draft) = PolicyVersions::new(conn, scope)
        .in_state(policy, VersionState::Draft)
        .await?
    else {
        return Ok(None);
    };
    let Some(open) = approvals.review(draft.id).await? else {
        return Ok(None);
    };
    let review = if still_governed {
        open.review.edited()
    } else {
        open.review.return_to_draft().unwrap_or(open.review)
    };
    if review == open.review {
        return Ok(None);
    }
    approvals.advance(open, review, at).await?;
    Ok(Some(draft.id))
}

impl App {
    /// Sets who approves the policy's versions; answers with the rule it now follows.
    pub async fn set_approval_rule(
        &self,
        principal: &Principal,
        policy: PolicyId,
        choice: RuleChoice,
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
        let (own, follow_default) = match choice {
            RuleChoice::Own(input) => (
                Some(checked_rule(&txn, &scope, policy.kind, input).await?),
                false,
            ),
            RuleChoice::TrustDefault => (None, true),
            RuleChoice::NoApproval => (None, false),
        };
        let setting = match (&own, follow_default) {
            (Some(rule), _) => RuleSetting::Rule(rule),
            (None, true) => RuleSetting::Default,
            (None, false) => RuleSetting::NoApproval,
        };
        let approvals = PolicyApprovals::new(&txn, &scope);
        let before = approvals.rule(policy.id).await?;
        approvals
            .set_rule(
                policy.id,
                setting,
                (principal.actor().kind(), principal.actor().id()),
                at,
            )
            .await?;
        let (after, withdrawn) = withdraw_if_changed(&txn, &scope, policy.id, &before, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.approval_rule",
                subject_type: "policy",
                subject_id: policy.id.as_uuid(),
                before: Some(&serde_json::json!({ "rule": before })),
                after: Some(&serde_json::json!({ "rule": after, "follows_default": follow_default, "decisions_withdrawn_on": withdrawn })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}

impl App {
    /// The trust's default rule for each kind that has one.
    pub async fn default_approval_rules(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(PolicyKind, ApprovalRule)>, AppError> {
        Ok(ApprovalDefaults::new(&self.db, &principal.scope())
            .all()
            .await?)
    }

    /// Sets (or with `None` removes) the rule every policy of `kind` without one of its
    /// own follows. Trust admins only.
    pub async fn set_default_approval_rule(
        &self,
        principal: &Principal,
        kind: PolicyKind,
        input: Option<ApprovalRuleInput>,
    ) -> Result<Option<ApprovalRule>, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only trust admins set the trust's default approval rules",
            ));
        }
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let rule = match input {
            Some(input) => Some(checked_rule(&txn, &scope, kind, input).await?),
            None => None,
        };
        let defaults = ApprovalDefaults::new(&txn, &scope);
        let before = defaults.get(kind).await?;
        defaults
            .set(
                kind,
                rule.as_ref(),
                (principal.actor().kind(), principal.actor().id()),
                at,
            )
            .await?;
        // Only drafts in review can lose decisions: those of this kind's policies that
        // follow the default (no rule of their own).
        let mut withdrawn = Vec::new();
        if before != rule {
            let approvals = PolicyApprovals::new(&txn, &scope);
            let versions = PolicyVersions::new(&txn, &scope);
            let policies = Policies::new(&txn, &scope);
            for open in approvals.open_reviews().await? {
                let version = versions.get(open.version).await?;
                let policy = policies.get(version.policy).await?;
                if policy.kind == kind
                    && version.state == VersionState::Draft
                    && approvals.own_rule(policy.id).await?.is_none()
                    && let Some(draft) =
                        withdraw_draft(&txn, &scope, policy.id, rule.is_some(), at).await?
                {
                    withdrawn.push(draft);
                }
            }
        }
        record(
            &txn,
            principal,
            at,
            Change {
                action: "trust.default_approval_rule",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: Some(&serde_json::json!({ "kind": kind, "rule": before })),
                after: Some(&serde_json::json!({ "kind": kind, "rule": rule, "decisions_withdrawn_on": withdrawn })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(rule)
    }
}
