//! Which provider account is which person, and sessions (server-side, so they can be
//! revoked and expire when idle).

use attest_domain::{PersonId, Session, SignInMethod, SignerIdentity, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::StoreError;

pub struct PersonIdentities<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

#[derive(FromQueryResult)]
struct PersonRow {
    person_id: uuid::Uuid,
}

impl<'a, C: ConnectionTrait> PersonIdentities<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// The person this account (issuer, subject) was linked to in this trust.
    pub async fn find(&self, issuer: &str, subject: &str) -> Result<Option<PersonId>, StoreError> {
        let row = PersonRow::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            "SELECT person_id FROM person_identities WHERE trust_id = $1 AND issuer = $2 AND subject = $3",
            vec![self.scope.trust().as_uuid().into(), issuer.into(), subject.into()],
        ))
        .one(self.conn)
        .await?;
        Ok(row.map(|row| PersonId::from_uuid(row.person_id)))
    }

    pub async fn link(
        &self,
        issuer: &str,
        subject: &str,
        person: PersonId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO person_identities (trust_id, issuer, subject, person_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                vec![
                    self.scope.trust().as_uuid().into(),
                    issuer.into(),
                    subject.into(),
                    person.as_uuid().into(),
                    at.into(),
                ],
            ))
            .await
            .map_err(StoreError::on_unique(|| {
                "this account is already linked".to_owned()
            }))?;
        Ok(())
    }
}

/// A session as read.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
struct SessionRow {
    pub id: uuid::Uuid,
    pub person_id: uuid::Uuid,
    pub provider_slug: String,
    pub method: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct Sessions<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Sessions<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                sql,
                values,
            ))
            .await?
            .rows_affected())
    }

    pub async fn create(
        &self,
        id: uuid::Uuid,
        person: PersonId,
        (provider_slug, method): (&str, SignInMethod),
        identity: &SignerIdentity,
        (at, expires_at): (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<(), StoreError> {
        let identity = serde_json::to_value(identity).map_err(|error| StoreError::Corrupt {
            what: "session identity",
            detail: error.to_string(),
        })?;
        self.execute(
            "INSERT INTO sessions (id, trust_id, person_id, provider_slug, method, created_at, last_seen_at, expires_at, identity) \
             VALUES ($1, $2, $3, $4, $7, $5, $5, $6, $8)",
            vec![
                id.into(),
                self.scope.trust().as_uuid().into(),
                person.as_uuid().into(),
                provider_slug.into(),
                at.into(),
                expires_at.into(),
                method.as_str().into(),
                identity.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// How the session's person was authenticated (sessions started before this was
    /// kept have none).
    pub async fn identity(&self, id: uuid::Uuid) -> Result<Option<SignerIdentity>, StoreError> {
        let row = self
            .conn
            .query_one_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "SELECT identity FROM sessions WHERE trust_id = $1 AND id = $2",
                vec![self.scope.trust().as_uuid().into(), id.into()],
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let value: Option<serde_json::Value> = row.try_get("", "identity")?;
        value
            .map(|value| {
                serde_json::from_value(value).map_err(|error| StoreError::Corrupt {
                    what: "session identity",
                    detail: error.to_string(),
                })
            })
            .transpose()
    }

    pub async fn get(&self, id: uuid::Uuid) -> Result<Option<Session>, StoreError> {
        Ok(SessionRow::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            "SELECT id, person_id, provider_slug, method, created_at, last_seen_at, expires_at, revoked_at \
             FROM sessions WHERE trust_id = $1 AND id = $2",
            vec![self.scope.trust().as_uuid().into(), id.into()],
        ))
        .one(self.conn)
        .await?
        .map(SessionRow::into_session))
    }

    /// Records activity (for the idle timeout).
    pub async fn touch(&self, id: uuid::Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.execute(
            "UPDATE sessions SET last_seen_at = $3 WHERE trust_id = $1 AND id = $2",
            vec![self.scope.trust().as_uuid().into(), id.into(), at.into()],
        )
        .await?;
        Ok(())
    }

    /// Ends the session; `false` if it was not there or already ended.
    pub async fn revoke(&self, id: uuid::Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "UPDATE sessions SET revoked_at = $3 WHERE trust_id = $1 AND id = $2 AND revoked_at IS NULL",
                vec![self.scope.trust().as_uuid().into(), id.into(), at.into()],
            )
            .await?
            > 0)
    }
}

impl SessionRow {
    fn into_session(self) -> Session {
        Session {
            id: self.id,
            person_id: self.person_id,
            provider_slug: self.provider_slug,
            // Rows are written by `create` alone; an unknown value is read as the older,
            // provider sign-in every session had before email sign-in.
            method: self.method.parse().unwrap_or(SignInMethod::Sso),
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        }
    }
}
