//! The directory's own output types: tokens, the audit log, the viewer.

use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use attest_domain as domain;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::principal;
use crate::error::to_graphql;

use crate::school::{Role, Trust};

pub struct ApiToken(pub domain::ApiToken);

#[Object]
impl ApiToken {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    async fn role(&self) -> Role {
        self.0.assignment.role().into()
    }
    async fn school_id(&self) -> Option<Uuid> {
        self.0.assignment.school().map(|school| school.as_uuid())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}

/// A token just issued. `token` is shown this once and never again.
#[derive(SimpleObject)]
pub struct IssuedApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

pub struct AuditEntry(pub domain::AuditEntry);

#[Object]
impl AuditEntry {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    async fn actor_id(&self) -> Option<Uuid> {
        self.0.actor_id
    }
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }
    async fn subject_id(&self) -> Option<Uuid> {
        self.0.subject_id
    }
    /// `{"before": …, "after": …}`.
    async fn summary(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.summary.clone())
    }
}

/// A role as held by the caller.
#[derive(SimpleObject)]
pub struct HeldRole {
    pub role: Role,
    pub school_id: Option<Uuid>,
}

/// Who is calling.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    /// `api_token`, `person` or `operator`.
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub roles: Vec<HeldRole>,
}

#[ComplexObject]
impl Viewer {
    async fn trust(&self, ctx: &Context<'_>) -> async_graphql::Result<Trust> {
        let principal = principal(ctx)?;
        crate::context::app(ctx)?
            .trust(principal)
            .await
            .map(Trust)
            .map_err(to_graphql)
    }
}
