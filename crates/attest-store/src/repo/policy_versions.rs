//! Versions of the scope's visible policies. Published versions are never edited: the
//! only changes after publishing are the state moving on (superseded, retired).

use attest_document::Document;
use attest_domain::{PolicyId, PolicyVersionId, TenantScope, TrustId, VersionState};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};

use super::policies::visible_policy_ids;
use crate::StoreError;
use crate::entities::policy_version;

pub struct NewPolicyVersion {
    pub policy: PolicyId,
    pub source: String,
    pub document: Document,
    pub based_on: Option<PolicyVersionId>,
    pub review_cycle_months: Option<u32>,
    pub next_review_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

/// The content of a draft, replaced as a whole.
pub struct DraftContent {
    pub source: String,
    pub document: Document,
    pub review_cycle_months: Option<u32>,
    pub next_review_on: Option<NaiveDate>,
}

/// A policy version with its parsed document.
pub type PolicyVersion = attest_domain::PolicyVersion<Document>;

/// A state change, applied only if the version is still in `from`.
pub struct StateChange {
    pub from: VersionState,
    pub to: VersionState,
    pub content_hash: Option<String>,
    pub resign_required: Option<bool>,
    pub change_note: Option<String>,
    pub at: DateTime<Utc>,
    /// For publishing: the day in England it happens.
    pub on: Option<NaiveDate>,
}

pub struct PolicyVersions<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> PolicyVersions<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<policy_version::Entity> {
        let query = policy_version::Entity::find()
            .filter(policy_version::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if self.scope.schools().restricted_to().is_some() {
            query.filter(
                policy_version::Column::PolicyId.in_subquery(visible_policy_ids(self.scope)),
            )
        } else {
            query
        }
    }

    pub async fn get(&self, id: PolicyVersionId) -> Result<PolicyVersion, StoreError> {
        self.visible()
            .filter(policy_version::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("policy version"))
            .and_then(to_version)
    }

    /// When the version last changed and its state: a cached copy with the same stamp
    /// is the version as stored (a published text never changes, only its state).
    pub async fn stamp(
        &self,
        id: PolicyVersionId,
    ) -> Result<(DateTime<Utc>, VersionState), StoreError> {
        let stamp: Option<(DateTime<Utc>, String)> = self
            .visible()
            .select_only()
            .column(policy_version::Column::UpdatedAt)
            .column(policy_version::Column::State)
            .filter(policy_version::Column::Id.eq(id.as_uuid()))
            .into_tuple()
            .one(self.conn)
            .await?;
        let (updated_at, state) = stamp.ok_or(StoreError::NotFound("policy version"))?;
        Ok((
            updated_at,
            state
                .parse()
                .map_err(StoreError::corrupt("version state"))?,
        ))
    }

    /// Every version of the policy, newest first.
    pub async fn for_policy(&self, policy: PolicyId) -> Result<Vec<PolicyVersion>, StoreError> {
        let models = self
            .visible()
            .filter(policy_version::Column::PolicyId.eq(policy.as_uuid()))
            .order_by_desc(policy_version::Column::Number)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_version).collect()
    }

    /// Every version of these policies, newest first within each.
    pub async fn for_policies(
        &self,
        policies: &[PolicyId],
    ) -> Result<Vec<PolicyVersion>, StoreError> {
        let models = self
            .visible()
            .filter(policy_version::Column::PolicyId.is_in(policies.iter().map(PolicyId::as_uuid)))
            .order_by_asc(policy_version::Column::PolicyId)
            .order_by_desc(policy_version::Column::Number)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_version).collect()
    }

    /// The policy's versions in a state (e.g. its one published version, its open draft).
    pub async fn in_state(
        &self,
        policy: PolicyId,
        state: VersionState,
    ) -> Result<Option<PolicyVersion>, StoreError> {
        self.visible()
            .filter(policy_version::Column::PolicyId.eq(policy.as_uuid()))
            .filter(policy_version::Column::State.eq(state.as_str()))
            .order_by_desc(policy_version::Column::Number)
            .one(self.conn)
            .await?
            .map(to_version)
            .transpose()
    }

    /// Published versions whose next review falls on or before `by`.
    pub async fn published_for_review_by(
        &self,
        by: NaiveDate,
    ) -> Result<Vec<PolicyVersion>, StoreError> {
        let models = self
            .visible()
            .filter(policy_version::Column::State.eq(VersionState::Published.as_str()))
            .filter(policy_version::Column::NextReviewOn.lte(by))
            .order_by_asc(policy_version::Column::NextReviewOn)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_version).collect()
    }

    pub async fn insert(&self, new: NewPolicyVersion) -> Result<PolicyVersion, StoreError> {
        let last: Option<i32> = self
            .visible()
            .select_only()
            .column(policy_version::Column::Number)
            .filter(policy_version::Column::PolicyId.eq(new.policy.as_uuid()))
            .order_by_desc(policy_version::Column::Number)
            .into_tuple()
            .one(self.conn)
            .await?;
        let document =
            serde_json::to_value(&new.document).map_err(|error| StoreError::Corrupt {
                what: "document",
                detail: error.to_string(),
            })?;
        let model = policy_version::ActiveModel {
            id: Set(PolicyVersionId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            policy_id: Set(new.policy.as_uuid()),
            number: Set(last.unwrap_or(0) + 1),
            state: Set(VersionState::Draft.as_str().to_owned()),
            source: Set(new.source),
            document: Set(document),
            content_hash: Set(None),
            resign_required: Set(None),
            change_note: Set(None),
            based_on_version_id: Set(new.based_on.map(|v| v.as_uuid())),
            review_cycle_months: Set(new
                .review_cycle_months
                .map(|m| i32::try_from(m).unwrap_or(i32::MAX))),
            next_review_on: Set(new.next_review_on),
            created_at: Set(new.at),
            updated_at: Set(new.at),
            published_at: Set(None),
            published_on: Set(None),
        }
        .insert(self.conn)
        .await
        .map_err(StoreError::on_unique(|| {
            "another version of this policy was created at the same time; try again".to_owned()
        }))?;
        to_version(model)
    }

    /// Replaces a draft's content. Only drafts change: the state is in the WHERE.
    pub async fn update_draft(
        &self,
        id: PolicyVersionId,
        content: DraftContent,
        at: DateTime<Utc>,
    ) -> Result<PolicyVersion, StoreError> {
        let document =
            serde_json::to_value(&content.document).map_err(|error| StoreError::Corrupt {
                what: "document",
                detail: error.to_string(),
            })?;
        let result = policy_version::Entity::update_many()
            .col_expr(policy_version::Column::Source, content.source.into())
            .col_expr(policy_version::Column::Document, document.into())
            .col_expr(
                policy_version::Column::ReviewCycleMonths,
                content
                    .review_cycle_months
                    .map(|m| i32::try_from(m).unwrap_or(i32::MAX))
                    .into(),
            )
            .col_expr(
                policy_version::Column::NextReviewOn,
                content.next_review_on.into(),
            )
            .col_expr(policy_version::Column::UpdatedAt, at.into())
            .filter(policy_version::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy_version::Column::Id.eq(id.as_uuid()))
            .filter(policy_version::Column::State.eq(VersionState::Draft.as_str()))
            .filter(policy_version::Column::PolicyId.in_subquery(visible_policy_ids(self.scope)))
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("draft version"));
        }
        self.get(id).await
    }

    pub async fn change_state(
        &self,
        id: PolicyVersionId,
        change: StateChange,
    ) -> Result<PolicyVersion, StoreError> {
        let mut update = policy_version::Entity::update_many()
            .col_expr(policy_version::Column::State, change.to.as_str().into())
            .col_expr(policy_version::Column::UpdatedAt, change.at.into())
            .filter(policy_version::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy_version::Column::Id.eq(id.as_uuid()))
            .filter(policy_version::Column::State.eq(change.from.as_str()))
            .filter(policy_version::Column::PolicyId.in_subquery(visible_policy_ids(self.scope)));
        if change.to == VersionState::Published {
            update = update
                .col_expr(policy_version::Column::PublishedAt, Some(change.at).into())
                .col_expr(policy_version::Column::PublishedOn, change.on.into())
                .col_expr(
                    policy_version::Column::ContentHash,
                    change.content_hash.into(),
                )
                .col_expr(
                    policy_version::Column::ResignRequired,
                    change.resign_required.into(),
                )
                .col_expr(
                    policy_version::Column::ChangeNote,
                    change.change_note.into(),
                );
        }
        if update.exec(self.conn).await?.rows_affected == 0 {
            return Err(StoreError::Conflict(format!(
                "the version is no longer {}",
                change.from.as_str()
            )));
        }
        self.get(id).await
    }
}

fn to_version(model: policy_version::Model) -> Result<PolicyVersion, StoreError> {
    Ok(PolicyVersion {
        id: PolicyVersionId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        policy: PolicyId::from_uuid(model.policy_id),
        number: u32::try_from(model.number).unwrap_or_default(),
        state: model
            .state
            .parse()
            .map_err(StoreError::corrupt("version state"))?,
        source: model.source,
        document: serde_json::from_value(model.document).map_err(|error| StoreError::Corrupt {
            what: "document",
            detail: error.to_string(),
        })?,
        content_hash: model.content_hash,
        resign_required: model.resign_required,
        change_note: model.change_note,
        based_on: model.based_on_version_id.map(PolicyVersionId::from_uuid),
        review_cycle_months: model
            .review_cycle_months
            .and_then(|m| u32::try_from(m).ok()),
        next_review_on: model.next_review_on,
        created_at: model.created_at,
        updated_at: model.updated_at,
        published_at: model.published_at,
        published_on: model.published_on,
    })
}
