//! Output types of policy governance: a policy's approval rule and a version's review
//! (the approval module's queries and mutations answer with them).

use async_graphql::{Context, Enum, Object, SimpleObject};
use attest_domain::{Approver, Verdict};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::values::{PolicyChange, PolicyKind, VersionState};
use crate::context::{app, principal};
use crate::error::OrGraphql;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ApproverRole")]
pub enum ApproverRole {
    Dpo,
    TrustAdmin,
    /// An admin of the policy's own school (school policies only).
    SchoolAdmin,
}

pub struct ApprovalRule(pub attest_domain::ApprovalRule);

#[derive(SimpleObject)]
pub struct ApprovalSeat {
    pub capacity: String,
    pub person_id: Option<Uuid>,
    pub role: Option<ApproverRole>,
}

#[Object]
impl ApprovalRule {
    /// The approving body as receipts name it.
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn approvers(&self) -> Vec<ApprovalSeat> {
        self.0
            .approvers
            .iter()
            .map(|approver| ApprovalSeat {
                capacity: approver.capacity().to_owned(),
                person_id: match approver {
                    Approver::Person { person, .. } => Some(person.as_uuid()),
                    Approver::Role { .. } => None,
                },
                role: match approver {
                    Approver::Role { role } => Some((*role).into()),
                    Approver::Person { .. } => None,
                },
            })
            .collect()
    }
    /// How many approvals publish a version.
    async fn needed(&self) -> usize {
        self.0.needed()
    }
    /// Whether every seat must approve.
    async fn all_must_approve(&self) -> bool {
        self.0.quorum == attest_domain::Quorum::All
    }
    async fn reviewer_ids(&self) -> Vec<Uuid> {
        self.0.reviewers.iter().map(|id| id.as_uuid()).collect()
    }
}

/// The rule a kind of policy follows unless a policy has its own.
#[derive(SimpleObject)]
pub struct DefaultApprovalRule {
    pub kind: PolicyKind,
    pub rule: ApprovalRule,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ReviewStage")]
pub enum ReviewStage {
    Drafting,
    InReview,
    Approved,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ReviewVerdict {
    Approve,
    Reject,
}

#[derive(SimpleObject)]
pub struct ReviewDecision {
    pub round: u32,
    pub capacity: String,
    pub person_id: Option<Uuid>,
    pub verdict: ReviewVerdict,
    pub meeting: Option<String>,
    pub minute: Option<String>,
    pub effective_on: Option<NaiveDate>,
    pub reason: Option<String>,
    pub decided_at: DateTime<Utc>,
    /// Made in an earlier round: the version changed (or was resubmitted) since.
    pub withdrawn: bool,
}

#[derive(SimpleObject)]
pub struct ReviewComment {
    pub id: Uuid,
    pub round: u32,
    pub clause: Option<String>,
    pub body: String,
    pub author_kind: String,
    pub author_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<attest_app::ReviewComment> for ReviewComment {
    fn from(comment: attest_app::ReviewComment) -> Self {
        Self {
            id: comment.id,
            round: comment.round,
            clause: comment.clause,
            body: comment.body,
            author_kind: comment.author_kind,
            author_id: comment.author,
            created_at: comment.created_at,
        }
    }
}

pub struct VersionReview(pub attest_app::VersionReview);

#[Object]
impl VersionReview {
    async fn version_id(&self) -> Uuid {
        self.0.version.as_uuid()
    }
    async fn number(&self) -> u32 {
        self.0.number
    }
    async fn policy_id(&self) -> Uuid {
        self.0.policy.id.as_uuid()
    }
    async fn policy_title(&self) -> &str {
        &self.0.policy.title
    }
    /// DRAFTING until submitted (and after a rejection or being taken back).
    async fn stage(&self) -> ReviewStage {
        self.0.stage().into()
    }
    /// The version's own state: a published version's review is history.
    async fn version_state(&self) -> VersionState {
        self.0.state.into()
    }
    async fn round(&self) -> u32 {
        self.0.round()
    }
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.record.as_ref().map(|record| record.submitted_at)
    }
    async fn scheduled_on(&self) -> Option<NaiveDate> {
        self.0
            .record
            .as_ref()
            .and_then(|record| record.review.scheduled_on)
    }
    /// Approvals in the current round.
    async fn approvals(&self) -> usize {
        self.0.approvals()
    }
    async fn needed(&self) -> usize {
        self.0.needed()
    }
    /// Null when the policy needs no approval.
    async fn rule(&self) -> Option<ApprovalRule> {
        self.0.rule.clone().map(ApprovalRule)
    }
    /// The caller's seats that have not decided in this round.
    async fn my_open_seats(&self) -> &[String] {
        &self.0.open_seats
    }
    /// Whether the caller may submit, take back or schedule this version.
    async fn can_manage(&self) -> bool {
        self.0.owns
    }
    async fn decisions(&self) -> Vec<ReviewDecision> {
        self.0
            .decisions
            .iter()
            .map(|stored| {
                let (verdict, meeting, minute, effective_on, reason) =
                    match &stored.decision.verdict {
                        Verdict::Approve {
                            meeting,
                            minute,
                            effective_on,
                        } => (
                            ReviewVerdict::Approve,
                            Some(meeting.clone()),
                            Some(minute.clone()),
                            Some(*effective_on),
                            None,
                        ),
                        Verdict::Reject { reason } => (
                            ReviewVerdict::Reject,
                            None,
                            None,
                            None,
                            Some(reason.clone()),
                        ),
                    };
                ReviewDecision {
                    round: stored.decision.round,
                    capacity: stored.capacity.clone(),
                    person_id: stored.person.map(|person| person.as_uuid()),
                    verdict,
                    meeting,
                    minute,
                    effective_on,
                    reason,
                    decided_at: stored.decided_at,
                    withdrawn: self.0.is_withdrawn(stored),
                }
            })
            .collect()
    }
    async fn comments(&self) -> Vec<ReviewComment> {
        self.0.comments.iter().cloned().map(Into::into).collect()
    }
    /// What changed from the version in use, clause by clause; null for a policy's
    /// first version.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn changes(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<PolicyChange>>> {
        let changes = app(ctx)?
            .review_changes(principal(ctx)?, self.0.version)
            .await
            .gql()?;
        Ok(changes.map(|changes| changes.into_iter().map(PolicyChange::from).collect()))
    }
}
