//! SCIM users and groups of a trust, as pushed by its identity system: each resource's
//! kept attributes as JSON, with the columns lookups need (userName, externalId, a
//! group's name) beside it, and group membership one row per member.

mod groups;
mod users;

pub use groups::ScimGroupRow;
pub use users::ScimUserRow;

use attest_domain::TenantScope;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};
use serde_json::Map;

use crate::StoreError;

/// A stored resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimRecord {
    pub id: uuid::Uuid,
    pub resource: Map<String, serde_json::Value>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct RecordRow {
    id: uuid::Uuid,
    resource: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl RecordRow {
    fn record(self) -> Result<ScimRecord, StoreError> {
        Ok(ScimRecord {
            id: self.id,
            resource: serde_json::from_str(&self.resource)
                .map_err(StoreError::corrupt("SCIM resource"))?,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// What a lookup is by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimKey {
    /// userName for users, displayName for groups (both case-insensitively).
    Name,
    ExternalId,
}

pub struct Scim<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Scim<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(sql, values))
            .await?
            .rows_affected())
    }

    async fn records(&self, sql: &str, values: Vec<Value>) -> Result<Vec<ScimRecord>, StoreError> {
        RecordRow::find_by_statement(self.statement(sql, values))
            .all(self.conn)
            .await?
            .into_iter()
            .map(RecordRow::record)
            .collect()
    }
}
