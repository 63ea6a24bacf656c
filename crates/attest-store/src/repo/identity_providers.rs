//! A trust's identity providers. The sealed secret is stored and returned as the
//! application sealed it; this crate never sees it in the clear.

use attest_domain::{IdentityProviderId, ProviderSettings, Slug, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::StoreError;
use crate::entities::identity_provider;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityProvider {
    pub id: IdentityProviderId,
    pub trust: TrustId,
    pub settings: ProviderSettings,
    pub sealed_secret: String,
    pub created_at: DateTime<Utc>,
}

fn to_provider(model: identity_provider::Model) -> Result<IdentityProvider, StoreError> {
    let corrupt = StoreError::corrupt("identity provider");
    let settings = ProviderSettings {
        kind: model
            .kind
            .parse()
            .map_err(StoreError::corrupt("identity provider"))?,
        slug: Slug::parse(&model.slug).map_err(corrupt)?,
        display_name: model.display_name,
        client_id: model.client_id,
        tenant_id: model.tenant_id,
        domains: model
            .domains
            .split(',')
            .filter(|domain| !domain.is_empty())
            .map(str::to_owned)
            .collect(),
        issuer: model.issuer,
        link_by_email: model.link_by_email,
    };
    Ok(IdentityProvider {
        id: IdentityProviderId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        settings,
        sealed_secret: model.sealed_secret,
        created_at: model.created_at,
    })
}

pub struct IdentityProviders<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> IdentityProviders<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn insert(
        &self,
        id: IdentityProviderId,
        settings: &ProviderSettings,
        sealed_secret: String,
        at: DateTime<Utc>,
    ) -> Result<IdentityProvider, StoreError> {
        let slug = settings.slug.to_string();
        identity_provider::Entity::insert(identity_provider::ActiveModel {
            id: Set(id.as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            slug: Set(slug.clone()),
            kind: Set(settings.kind.as_str().to_owned()),
            display_name: Set(settings.display_name.clone()),
            client_id: Set(settings.client_id.clone()),
            sealed_secret: Set(sealed_secret),
            tenant_id: Set(settings.tenant_id.clone()),
            domains: Set(settings.domains.join(",")),
            issuer: Set(settings.issuer.clone()),
            link_by_email: Set(settings.link_by_email),
            created_at: Set(at),
            updated_at: Set(at),
        })
        .exec_without_returning(self.conn)
        .await
        .map_err(StoreError::on_unique(|| {
            format!("this trust already has an identity provider called '{slug}'")
        }))?;
        self.by_slug(&settings.slug).await
    }

    pub async fn by_slug(&self, slug: &Slug) -> Result<IdentityProvider, StoreError> {
        let model = identity_provider::Entity::find()
            .filter(identity_provider::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(identity_provider::Column::Slug.eq(slug.to_string()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("identity provider"))?;
        to_provider(model)
    }

    pub async fn list(&self) -> Result<Vec<IdentityProvider>, StoreError> {
        identity_provider::Entity::find()
            .filter(identity_provider::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .order_by_asc(identity_provider::Column::Slug)
            .all(self.conn)
            .await?
            .into_iter()
            .map(to_provider)
            .collect()
    }

    /// Removes the provider; `false` when there was none by that name.
    pub async fn delete(&self, slug: &Slug) -> Result<bool, StoreError> {
        let result = identity_provider::Entity::delete_many()
            .filter(identity_provider::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(identity_provider::Column::Slug.eq(slug.to_string()))
            .exec(self.conn)
            .await?;
        Ok(result.rows_affected > 0)
    }
}
