//! Reading a version's review (rule, stage, decisions with the withdrawn ones marked,
//! comments) and the list of versions waiting for review or approval.

use attest_domain::{
    ApprovalRule, PolicyId, PolicyVersionId, Principal, ReviewStage, SeatDecision, Verdict,
    VersionState,
};
use attest_store::{
    Policy, PolicyApprovals, PolicyVersions, ReviewComment, ReviewRecord, StoredDecision,
};

use crate::{App, AppError};

pub struct VersionReview {
    pub version: PolicyVersionId,
    pub number: u32,
    pub state: VersionState,
    /// The version's text, as reviewers read it (without any school's values).
    pub document: attest_document::Document,
    pub policy: Policy,
    pub rule: Option<ApprovalRule>,
    pub record: Option<ReviewRecord>,
    /// Every decision, all rounds; those of earlier rounds are withdrawn.
    pub decisions: Vec<StoredDecision>,
    pub comments: Vec<ReviewComment>,
    /// The seats the caller holds that have not decided in this round.
    pub open_seats: Vec<String>,
    /// Whether the caller may change the policy (submit, withdraw, schedule).
    pub owns: bool,
}

impl VersionReview {
    pub fn stage(&self) -> ReviewStage {
        self.record
            .as_ref()
            .map_or(ReviewStage::Drafting, |record| record.review.stage)
    }

    pub fn round(&self) -> u32 {
        self.record.as_ref().map_or(0, |record| record.review.round)
    }

    pub fn is_withdrawn(&self, decision: &StoredDecision) -> bool {
        decision.decision.round < self.round()
    }

    pub fn approvals(&self) -> usize {
        self.decisions
            .iter()
            .filter(|stored| !self.is_withdrawn(stored))
            .filter(|stored| matches!(stored.decision.verdict, Verdict::Approve { .. }))
            .count()
    }

    pub fn needed(&self) -> usize {
        self.rule.as_ref().map_or(0, ApprovalRule::needed)
    }
}

/// A version waiting in review or approved and not yet published.
pub struct AwaitingReview {
    pub review: VersionReview,
}

impl App {
    pub async fn approval_rule(
        &self,
        principal: &Principal,
        policy: PolicyId,
    ) -> Result<Option<ApprovalRule>, AppError> {
        Ok(PolicyApprovals::new(&self.db, &principal.scope())
            .rule(policy)
            .await?)
    }

    /// Whether the policy follows the trust's default rule for its kind (it has no
    /// setting of its own).
    pub async fn follows_default_approval(
        &self,
        principal: &Principal,
        policy: PolicyId,
    ) -> Result<bool, AppError> {
        Ok(PolicyApprovals::new(&self.db, &principal.scope())
            .own_rule(policy)
            .await?
            .is_none())
    }

    pub async fn version_review(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<VersionReview, AppError> {
        let governed = self.governed(&self.db, principal, version).await?;
        let approvals = PolicyApprovals::new(&self.db, &governed.scope);
        let record = approvals.review(version).await?;
        let decisions = approvals.decisions(version).await?;
        let comments = approvals.comments(version).await?;
        let round = record.as_ref().map_or(0, |record| record.review.round);
        let decided: Vec<&SeatDecision> = decisions
            .iter()
            .map(|stored| &stored.decision)
            .filter(|decision| decision.round == round)
            .collect();
        let open_seats = match (&governed.rule, &record) {
            (Some(rule), Some(record)) if record.review.stage == ReviewStage::InReview => rule
                .seats_of(principal)
                .into_iter()
                .filter(|seat| !decided.iter().any(|decision| decision.seat == *seat))
                .map(|seat| rule.approvers[seat].capacity().to_owned())
                .collect(),
            _ => Vec::new(),
        };
        Ok(VersionReview {
            version,
            number: governed.version.number,
            state: governed.version.state,
            document: governed.version.document,
            policy: governed.policy,
            rule: governed.rule,
            record,
            decisions,
            comments,
            open_seats,
            owns: governed.owns,
        })
    }

    /// What changed from the version in use to this one, clause by clause, for whoever
    /// may read the review; `None` for a policy's first version.
    pub async fn review_changes(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<Option<Vec<attest_document::Change>>, AppError> {
        let governed = self.governed(&self.db, principal, version).await?;
        let published = PolicyVersions::new(&self.db, &governed.scope)
            .in_state(governed.policy.id, VersionState::Published)
            .await?;
        Ok(published.map(|published| {
            attest_document::diff(&published.document, &governed.version.document)
        }))
    }

    /// Versions in review or approved and waiting to be published that the caller
    /// owns, sees, or is named on; those waiting for the caller's decision first.
    pub async fn awaiting_review(
        &self,
        principal: &Principal,
    ) -> Result<Vec<AwaitingReview>, AppError> {
        let wide = principal
            .own_records()
            .map_or_else(|| principal.scope(), |own| own.keyed().1.clone());
        let open = PolicyApprovals::new(&self.db, &wide).open_reviews().await?;
        let mut out = Vec::new();
        for record in open {
            if let Ok(review) = self.version_review(principal, record.version).await
                && review.state == VersionState::Draft
            {
                out.push(AwaitingReview { review });
            }
        }
        out.sort_by_key(|awaiting| awaiting.review.open_seats.is_empty());
        Ok(out)
    }
}

/// What a receipt says of the version's approval: the body, the day it took effect and
/// each approving seat's meeting and minute (the decisions of the round that approved
/// it). `None` when the version was not approved (published with no rule).
pub(crate) async fn approval_note(
    conn: &impl attest_store::ConnectionTrait,
    scope: &attest_domain::TenantScope,
    policy: PolicyId,
    version: PolicyVersionId,
) -> Result<Option<String>, AppError> {
    let approvals = PolicyApprovals::new(conn, scope);
    let Some(record) = approvals
        .review(version)
        .await?
        .filter(|record| record.review.stage == ReviewStage::Approved)
    else {
        return Ok(None);
    };
    let body = approvals
        .rule(policy)
        .await?
        .map_or_else(|| "its approvers".to_owned(), |rule| rule.body);
    let mut effective = None;
    let seats: Vec<String> = approvals
        .decisions(version)
        .await?
        .into_iter()
        .filter(|stored| stored.decision.round == record.review.round)
        .filter_map(|stored| match stored.decision.verdict {
            Verdict::Approve {
                meeting,
                minute,
                effective_on,
            } => {
                effective = effective.max(Some(effective_on));
                Some(format!("{} at {meeting}, minute {minute}", stored.capacity))
            }
            Verdict::Reject { .. } => None,
        })
        .collect();
    let Some(effective) = effective else {
        return Ok(None);
    };
    Ok(Some(format!(
        "approved by {body}, in effect from {} ({})",
        effective.format("%-d %B %Y"),
        seats.join("; ")
    )))
}
