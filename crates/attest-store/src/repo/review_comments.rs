//! Comments on a version in review, each on a clause or the whole, kept for its round.

use attest_domain::PolicyVersionId;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::approvals::PolicyApprovals;
use super::policy_versions::PolicyVersions;
use crate::StoreError;
use crate::entities::policy_review_comment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewComment {
    pub id: uuid::Uuid,
    pub version: PolicyVersionId,
    pub round: u32,
    pub author_kind: String,
    pub author: Option<uuid::Uuid>,
    /// The clause's number or the section's heading the comment is on.
    pub clause: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl<C: ConnectionTrait> PolicyApprovals<'_, C> {
    pub async fn comments(
        &self,
        version: PolicyVersionId,
    ) -> Result<Vec<ReviewComment>, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        Ok(policy_review_comment::Entity::find()
            .filter(policy_review_comment::Column::TrustId.eq(self.trust()))
            .filter(policy_review_comment::Column::VersionId.eq(version.as_uuid()))
            .order_by_asc(policy_review_comment::Column::CreatedAt)
            .order_by_asc(policy_review_comment::Column::Id)
            .all(self.conn)
            .await?
            .into_iter()
            .map(|model| ReviewComment {
                id: model.id,
                version,
                round: u32::try_from(model.round).unwrap_or_default(),
                author_kind: model.author_kind,
                author: model.author_id,
                clause: model.clause,
                body: model.body,
                created_at: model.created_at,
            })
            .collect())
    }

    pub async fn add_comment(&self, comment: &ReviewComment) -> Result<(), StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(comment.version)
            .await?;
        policy_review_comment::Entity::insert(policy_review_comment::ActiveModel {
            id: Set(comment.id),
            trust_id: Set(self.trust()),
            version_id: Set(comment.version.as_uuid()),
            round: Set(i32::try_from(comment.round).unwrap_or(i32::MAX)),
            author_kind: Set(comment.author_kind.clone()),
            author_id: Set(comment.author),
            clause: Set(comment.clause.clone()),
            body: Set(comment.body.clone()),
            created_at: Set(comment.created_at),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }
}
