//! Single-use signing links. Only a hash of each link's secret is stored.

use attest_domain::{MagicLinkId, PersonId, PolicyVersionId, SchoolId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::StoreError;
use crate::entities::magic_link;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MagicLink {
    pub id: MagicLinkId,
    pub trust: TrustId,
    pub person: PersonId,
    pub version: PolicyVersionId,
    pub school: SchoolId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl MagicLink {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}

pub struct NewMagicLink {
    pub person: PersonId,
    pub version: PolicyVersionId,
    pub school: SchoolId,
    pub token_hash: String,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct MagicLinks<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

/// Finds a link by the hash of its secret, in any trust: this is how a visitor holding
/// a link comes to have a scope at all (like an API token).
pub async fn find_magic_link_by_hash<C: ConnectionTrait>(
    conn: &C,
    token_hash: &str,
) -> Result<Option<MagicLink>, StoreError> {
    Ok(magic_link::Entity::find()
        .filter(magic_link::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
        .map(to_link))
}

impl<'a, C: ConnectionTrait> MagicLinks<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn insert(&self, new: NewMagicLink) -> Result<MagicLink, StoreError> {
        if !self.scope.schools().allows(new.school) {
            return Err(StoreError::NotFound("school"));
        }
        let model = self.model(new).insert(self.conn).await?;
        Ok(to_link(model))
    }

    fn model(&self, new: NewMagicLink) -> magic_link::ActiveModel {
        magic_link::ActiveModel {
            id: Set(MagicLinkId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            person_id: Set(new.person.as_uuid()),
            version_id: Set(new.version.as_uuid()),
            school_id: Set(new.school.as_uuid()),
            token_hash: Set(new.token_hash),
            created_at: Set(new.at),
            expires_at: Set(new.expires_at),
            used_at: Set(None),
        }
    }

    /// Inserts many links in a few statements (a reminder tick's).
    pub async fn insert_many(&self, links: Vec<NewMagicLink>) -> Result<(), StoreError> {
        if links
            .iter()
            .any(|new| !self.scope.schools().allows(new.school))
        {
            return Err(StoreError::NotFound("school"));
        }
        let models: Vec<magic_link::ActiveModel> =
            links.into_iter().map(|new| self.model(new)).collect();
        for chunk in models.chunks(500) {
            magic_link::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(self.conn)
                .await?;
        }
        Ok(())
    }

    /// Marks the link used; fails with `Conflict` if it already was (or has expired),
    /// so a link signs at most once even when two requests race.
    pub async fn consume(&self, id: MagicLinkId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let result = magic_link::Entity::update_many()
            .col_expr(magic_link::Column::UsedAt, Some(at).into())
            .filter(magic_link::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(magic_link::Column::Id.eq(id.as_uuid()))
            .filter(magic_link::Column::UsedAt.is_null())
            .filter(magic_link::Column::ExpiresAt.gt(at))
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "this link has already been used or has expired".to_owned(),
            ));
        }
        Ok(())
    }

    /// Uses up each of `ids` still unused and unexpired at `at`, in one statement;
    /// returns those it used (any other was used by someone else first, or expired).
    pub async fn consume_many(
        &self,
        ids: &[MagicLinkId],
        at: DateTime<Utc>,
    ) -> Result<std::collections::HashSet<MagicLinkId>, StoreError> {
        let mut used = std::collections::HashSet::new();
        for chunk in ids.chunks(500) {
            let models = magic_link::Entity::update_many()
                .col_expr(magic_link::Column::UsedAt, Some(at).into())
                .filter(magic_link::Column::TrustId.eq(self.scope.trust().as_uuid()))
                .filter(magic_link::Column::Id.is_in(chunk.iter().map(MagicLinkId::as_uuid)))
                .filter(magic_link::Column::UsedAt.is_null())
                .filter(magic_link::Column::ExpiresAt.gt(at))
                .exec_with_returning(self.conn)
                .await?;
            used.extend(
                models
                    .into_iter()
                    .map(|model| MagicLinkId::from_uuid(model.id)),
            );
        }
        Ok(used)
    }
}

fn to_link(model: magic_link::Model) -> MagicLink {
    MagicLink {
        id: MagicLinkId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        person: PersonId::from_uuid(model.person_id),
        version: PolicyVersionId::from_uuid(model.version_id),
        school: SchoolId::from_uuid(model.school_id),
        created_at: model.created_at,
        expires_at: model.expires_at,
        used_at: model.used_at,
    }
}
