//! Policy governance: approval rules, versions' reviews, decisions and comments. Every
//! read and write goes through the policy or version first, so a scope reaches only
//! what it can see.

use attest_domain::{
    ApprovalRule, PersonId, PolicyId, PolicyVersionId, Review, ReviewStage, SeatDecision,
    TenantScope, Verdict,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::approval_defaults::ApprovalDefaults;
use super::policies::Policies;
use super::policy_versions::PolicyVersions;
use crate::StoreError;
use crate::entities::{policy_approval_rule, policy_review, policy_review_decision};

/// A version's review with what publishing it will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub version: PolicyVersionId,
    pub review: Review,
    /// For a scheduled publication: the choices made when it was scheduled.
    pub resign_required: Option<bool>,
    pub change_note: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A decision as stored, with who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    pub id: uuid::Uuid,
    pub version: PolicyVersionId,
    pub decision: SeatDecision,
    pub capacity: String,
    pub person: Option<PersonId>,
    pub decided_at: DateTime<Utc>,
}

/// What a policy's own approval setting is.
#[derive(Debug, Clone, Copy)]
pub enum RuleSetting<'r> {
    /// Follow the trust's default for the policy's kind.
    Default,
    /// Published by its admins at once, whatever the default.
    NoApproval,
    Rule(&'r ApprovalRule),
}

pub struct PolicyApprovals<'a, C> {
    pub(super) conn: &'a C,
    pub(super) scope: &'a TenantScope,
}

fn to_review(model: policy_review::Model) -> Result<ReviewRecord, StoreError> {
    let stage = ReviewStage::parse(&model.stage).ok_or_else(|| StoreError::Corrupt {
        what: "review stage",
        detail: model.stage.clone(),
    })?;
    Ok(ReviewRecord {
        version: PolicyVersionId::from_uuid(model.version_id),
        review: Review {
            stage,
            round: u32::try_from(model.round).unwrap_or_default(),
            scheduled_on: model.scheduled_on,
        },
        resign_required: model.resign_required,
        change_note: model.change_note,
        submitted_at: model.submitted_at,
        updated_at: model.updated_at,
    })
}

fn to_decision(model: policy_review_decision::Model) -> Result<StoredDecision, StoreError> {
    let verdict = match model.verdict.as_str() {
        "approve" => Verdict::Approve {
            meeting: model.meeting.unwrap_or_default(),
            minute: model.minute.unwrap_or_default(),
            effective_on: model.effective_on.unwrap_or_default(),
        },
        "reject" => Verdict::Reject {
            reason: model.reason.unwrap_or_default(),
        },
        other => {
            return Err(StoreError::Corrupt {
                what: "review verdict",
                detail: other.to_owned(),
            });
        }
    };
    Ok(StoredDecision {
        id: model.id,
        version: PolicyVersionId::from_uuid(model.version_id),
        decision: SeatDecision {
            seat: usize::try_from(model.seat).unwrap_or_default(),
            round: u32::try_from(model.round).unwrap_or_default(),
            verdict,
        },
        capacity: model.capacity,
        person: model.person_id.map(PersonId::from_uuid),
        decided_at: model.decided_at,
    })
}

impl<'a, C: ConnectionTrait> PolicyApprovals<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub(super) fn trust(&self) -> uuid::Uuid {
        self.scope.trust().as_uuid()
    }

    /// The rule a policy follows: its own, else the trust's default for its kind (a
    /// policy set to need no approval follows none), applied to the policy's school.
    pub async fn rule(&self, policy: PolicyId) -> Result<Option<ApprovalRule>, StoreError> {
        let found = Policies::new(self.conn, self.scope).get(policy).await?;
        let rule = match self.own_row(policy).await? {
            Some(own) => own,
            None => {
                ApprovalDefaults::new(self.conn, self.scope)
                    .get(found.kind)
                    .await?
            }
        };
        Ok(rule.map(|rule| rule.for_policy(found.school)))
    }

    /// The policy's own setting: `None` when it follows the trust's default, `Some(None)`
    /// when it needs no approval.
    pub async fn own_rule(
        &self,
        policy: PolicyId,
    ) -> Result<Option<Option<ApprovalRule>>, StoreError> {
        Policies::new(self.conn, self.scope).get(policy).await?;
        self.own_row(policy).await
    }

    /// `own_rule` for a policy already checked to be visible.
    async fn own_row(&self, policy: PolicyId) -> Result<Option<Option<ApprovalRule>>, StoreError> {
        let model = policy_approval_rule::Entity::find()
            .filter(policy_approval_rule::Column::TrustId.eq(self.trust()))
            .filter(policy_approval_rule::Column::PolicyId.eq(policy.as_uuid()))
            .one(self.conn)
            .await?;
        model
            .map(|model| {
                serde_json::from_str(&model.rule).map_err(StoreError::corrupt("approval rule"))
            })
            .transpose()
    }

    /// Sets the policy's own rule, its exemption from approval, or returns it to the
    /// trust's default.
    pub async fn set_rule(
        &self,
        policy: PolicyId,
        setting: RuleSetting<'_>,
        by: (&'static str, Option<uuid::Uuid>),
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Policies::new(self.conn, self.scope).get(policy).await?;
        policy_approval_rule::Entity::delete_many()
            .filter(policy_approval_rule::Column::TrustId.eq(self.trust()))
            .filter(policy_approval_rule::Column::PolicyId.eq(policy.as_uuid()))
            .exec(self.conn)
            .await?;
        let stored: Option<&ApprovalRule> = match setting {
            RuleSetting::Default => return Ok(()),
            RuleSetting::NoApproval => None,
            RuleSetting::Rule(rule) => Some(rule),
        };
        policy_approval_rule::Entity::insert(policy_approval_rule::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            trust_id: Set(self.trust()),
            policy_id: Set(policy.as_uuid()),
            rule: Set(serde_json::to_string(&stored).map_err(StoreError::corrupt("approval rule"))?),
            updated_at: Set(at),
            updated_by_kind: Set(by.0.to_owned()),
            updated_by_id: Set(by.1),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }

    fn reviews(&self) -> sea_orm::Select<policy_review::Entity> {
        policy_review::Entity::find().filter(policy_review::Column::TrustId.eq(self.trust()))
    }

    pub async fn review(
        &self,
        version: PolicyVersionId,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        self.reviews()
            .filter(policy_review::Column::VersionId.eq(version.as_uuid()))
            .one(self.conn)
            .await?
            .map(to_review)
            .transpose()
    }

    /// Holds the version's review for the rest of the transaction (a row lock on
    /// PostgreSQL, the write lock on SQLite), so two approvers deciding at once are
    /// counted one after the other.
    pub async fn lock(&self, version: PolicyVersionId) -> Result<(), StoreError> {
        policy_review::Entity::update_many()
            .col_expr(
                policy_review::Column::Round,
                Expr::col(policy_review::Column::Round),
            )
            .filter(policy_review::Column::TrustId.eq(self.trust()))
            .filter(policy_review::Column::VersionId.eq(version.as_uuid()))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Writes the version's review. `submitted` marks a new submission.
    pub async fn save_review(
        &self,
        record: &ReviewRecord,
        submitted: bool,
    ) -> Result<(), StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(record.version)
            .await?;
        let existing = self
            .reviews()
            .filter(policy_review::Column::VersionId.eq(record.version.as_uuid()))
            .one(self.conn)
            .await?;
        let round = i32::try_from(record.review.round).unwrap_or(i32::MAX);
        match existing {
            None => {
                policy_review::Entity::insert(policy_review::ActiveModel {
                    id: Set(uuid::Uuid::now_v7()),
                    trust_id: Set(self.trust()),
                    version_id: Set(record.version.as_uuid()),
                    stage: Set(record.review.stage.as_str().to_owned()),
                    round: Set(round),
                    scheduled_on: Set(record.review.scheduled_on),
                    resign_required: Set(record.resign_required),
                    change_note: Set(record.change_note.clone()),
                    submitted_at: Set(record.submitted_at),
                    updated_at: Set(record.updated_at),
                })
                .exec_without_returning(self.conn)
                .await?;
            }
            Some(model) => {
                let mut active: policy_review::ActiveModel = model.into();
                active.stage = Set(record.review.stage.as_str().to_owned());
                active.round = Set(round);
                active.scheduled_on = Set(record.review.scheduled_on);
                active.resign_required = Set(record.resign_required);
                active.change_note = Set(record.change_note.clone());
                if submitted {
                    active.submitted_at = Set(record.submitted_at);
                }
                active.updated_at = Set(record.updated_at);
                policy_review::Entity::update(active)
                    .exec(self.conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Moves an existing review to `review` (not a new submission).
    pub async fn advance(
        &self,
        open: ReviewRecord,
        review: Review,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.save_review(
            &ReviewRecord {
                review,
                updated_at: at,
                ..open
            },
            false,
        )
        .await
    }

    /// Reviews not yet published (in review or approved), oldest submission first,
    /// of the versions this scope sees.
    pub async fn open_reviews(&self) -> Result<Vec<ReviewRecord>, StoreError> {
        let models = self
            .reviews()
            .filter(policy_review::Column::Stage.is_in([
                ReviewStage::InReview.as_str(),
                ReviewStage::Approved.as_str(),
            ]))
            .order_by_asc(policy_review::Column::SubmittedAt)
            .all(self.conn)
            .await?;
        let versions = PolicyVersions::new(self.conn, self.scope);
        let mut out = Vec::with_capacity(models.len());
        for model in models {
            let record = to_review(model)?;
            if versions.get(record.version).await.is_ok() {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// Approved versions whose publication day has come.
    pub async fn due_for_publication(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<ReviewRecord>, StoreError> {
        self.reviews()
            .filter(policy_review::Column::Stage.eq(ReviewStage::Approved.as_str()))
            .filter(policy_review::Column::ScheduledOn.lte(today))
            .order_by_asc(policy_review::Column::ScheduledOn)
            .all(self.conn)
            .await?
            .into_iter()
            .map(to_review)
            .collect()
    }

    /// Every decision on the version, all rounds, in the order made.
    pub async fn decisions(
        &self,
        version: PolicyVersionId,
    ) -> Result<Vec<StoredDecision>, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        policy_review_decision::Entity::find()
            .filter(policy_review_decision::Column::TrustId.eq(self.trust()))
            .filter(policy_review_decision::Column::VersionId.eq(version.as_uuid()))
            .order_by_asc(policy_review_decision::Column::DecidedAt)
            .order_by_asc(policy_review_decision::Column::Id)
            .all(self.conn)
            .await?
            .into_iter()
            .map(to_decision)
            .collect()
    }

    pub async fn add_decision(
        &self,
        version: PolicyVersionId,
        decision: &SeatDecision,
        capacity: &str,
        person: Option<PersonId>,
        at: DateTime<Utc>,
    ) -> Result<StoredDecision, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        let id = uuid::Uuid::now_v7();
        let (verdict, meeting, minute, effective_on, reason) = match &decision.verdict {
            Verdict::Approve {
                meeting,
                minute,
                effective_on,
            } => (
                "approve",
                Some(meeting.clone()),
                Some(minute.clone()),
                Some(*effective_on),
                None,
            ),
            Verdict::Reject { reason } => ("reject", None, None, None, Some(reason.clone())),
        };
        policy_review_decision::Entity::insert(policy_review_decision::ActiveModel {
            id: Set(id),
            trust_id: Set(self.trust()),
            version_id: Set(version.as_uuid()),
            round: Set(i32::try_from(decision.round).unwrap_or(i32::MAX)),
            seat: Set(i32::try_from(decision.seat).unwrap_or(i32::MAX)),
            capacity: Set(capacity.to_owned()),
            person_id: Set(person.map(|person| person.as_uuid())),
            verdict: Set(verdict.to_owned()),
            meeting: Set(meeting),
            minute: Set(minute),
            effective_on: Set(effective_on),
            reason: Set(reason),
            decided_at: Set(at),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(StoredDecision {
            id,
            version,
            decision: decision.clone(),
            capacity: capacity.to_owned(),
            person,
            decided_at: at,
        })
    }
}
