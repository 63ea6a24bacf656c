//! Trusts. Creating one and finding one by slug are operator actions that precede any
//! scope; reading "my trust" needs the scope.

use attest_domain::{Slug, TenantScope, Trust, TrustId, TrustName};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::StoreError;
use crate::entities::trust;

pub struct NewTrust {
    pub slug: Slug,
    pub name: TrustName,
    pub created_at: DateTime<Utc>,
}

pub struct Trusts;

impl Trusts {
    pub async fn create(conn: &impl ConnectionTrait, new: NewTrust) -> Result<Trust, StoreError> {
        let slug = new.slug.clone();
        let model = trust::ActiveModel {
            id: Set(TrustId::generate().as_uuid()),
            slug: Set(new.slug.to_string()),
            name: Set(new.name.to_string()),
            created_at: Set(new.created_at),
        }
        .insert(conn)
        .await
        .map_err(StoreError::on_unique(|| {
            format!("a trust with slug '{slug}' already exists")
        }))?;
        to_trust(model)
    }

    pub async fn find_by_slug(
        conn: &impl ConnectionTrait,
        slug: &Slug,
    ) -> Result<Trust, StoreError> {
        trust::Entity::find()
            .filter(trust::Column::Slug.eq(slug.as_str()))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound("trust"))
            .and_then(to_trust)
    }

    /// Every trust, for the server's own scheduled work (reminders run per trust).
    pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<Trust>, StoreError> {
        trust::Entity::find()
            .all(conn)
            .await?
            .into_iter()
            .map(to_trust)
            .collect()
    }

    /// The trust the scope belongs to.
    pub async fn current(
        conn: &impl ConnectionTrait,
        scope: &TenantScope,
    ) -> Result<Trust, StoreError> {
        trust::Entity::find_by_id(scope.trust().as_uuid())
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound("trust"))
            .and_then(to_trust)
    }
}

fn to_trust(model: trust::Model) -> Result<Trust, StoreError> {
    Ok(Trust {
        id: TrustId::from_uuid(model.id),
        slug: Slug::parse(&model.slug).map_err(StoreError::corrupt("trust slug"))?,
        name: TrustName::parse(&model.name).map_err(StoreError::corrupt("trust name"))?,
        created_at: model.created_at,
    })
}
