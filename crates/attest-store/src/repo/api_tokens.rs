//! API tokens. Only their SHA-256 hashes are stored; the secret is shown once.

use attest_domain::{
    ApiToken, ApiTokenId, RoleAssignment, SchoolId, TenantScope, TokenName, TrustId,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    Set,
};

use super::stored_assignment;
use crate::StoreError;
use crate::entities::api_token;

pub struct NewApiToken {
    pub name: TokenName,
    pub assignment: RoleAssignment,
    pub token_hash: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

pub struct ApiTokens<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl ApiTokens<'_, sea_orm::DatabaseConnection> {
    /// Authentication's one unscoped read: which token, of which trust, has this hash.
    /// The scope of everything after is derived from the answer.
    pub async fn find_by_hash(
        conn: &impl ConnectionTrait,
        token_hash: &str,
    ) -> Result<Option<ApiToken>, StoreError> {
        api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .one(conn)
            .await?
            .map(to_token)
            .transpose()
    }
}

impl<'a, C: ConnectionTrait> ApiTokens<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<api_token::Entity> {
        let query = api_token::Entity::find()
            .filter(api_token::Column::TrustId.eq(self.scope.trust().as_uuid()));
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => query
                .filter(api_token::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
        }
    }

    pub async fn get(&self, id: ApiTokenId) -> Result<ApiToken, StoreError> {
        self.visible()
            .filter(api_token::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("API token"))
            .and_then(to_token)
    }

    pub async fn list(&self) -> Result<Vec<ApiToken>, StoreError> {
        let models = self
            .visible()
            .order_by_desc(api_token::Column::CreatedAt)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_token).collect()
    }

    pub async fn insert(&self, new: NewApiToken) -> Result<ApiToken, StoreError> {
        if let Some(school) = new.assignment.school()
            && !self.scope.schools().allows(school)
        {
            return Err(StoreError::NotFound("school"));
        }
        let model = api_token::ActiveModel {
            id: Set(ApiTokenId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            name: Set(new.name.to_string()),
            role: Set(new.assignment.role().as_str().to_owned()),
            school_id: Set(new.assignment.school().map(|school| school.as_uuid())),
            token_hash: Set(new.token_hash),
            created_at: Set(new.at),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            last_used_at: Set(None),
        }
        .insert(self.conn)
        .await
        .map_err(StoreError::on_unique(|| {
            "token collision; issue it again".to_owned()
        }))?;
        to_token(model)
    }

    pub async fn revoke(&self, id: ApiTokenId, at: DateTime<Utc>) -> Result<ApiToken, StoreError> {
        let result = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Some(at).into())
            .filter(api_token::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(api_token::Column::Id.eq(id.as_uuid()))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("active API token"));
        }
        self.get(id).await
    }

    /// Records use of a token.
    pub async fn touch(&self, id: ApiTokenId, at: DateTime<Utc>) -> Result<(), StoreError> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Some(at).into())
            .filter(api_token::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(api_token::Column::Id.eq(id.as_uuid()))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}

fn to_token(model: api_token::Model) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: ApiTokenId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        name: TokenName::parse(&model.name).map_err(StoreError::corrupt("token name"))?,
        assignment: stored_assignment(&model.role, model.school_id)?,
        created_at: model.created_at,
        expires_at: model.expires_at,
        revoked_at: model.revoked_at,
        last_used_at: model.last_used_at,
    })
}
