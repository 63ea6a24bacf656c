//! A trust's directory connection, its sync runs, and the bulk reads and writes a sync
//! needs (a first sync brings thousands of people at once, so they go in batches).

mod people;
mod runs;

use std::collections::BTreeMap;

use attest_domain::{DirectorySettings, DirectoryUser, MappingRules, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::StoreError;

pub use people::{NewSyncedMembership, NewSyncedPerson, OpenMembership};
pub use runs::NewSyncRun;

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryConnection {
    pub settings: DirectorySettings,
    pub sealed_secret: String,
    pub rules: Option<MappingRules>,
    pub delta_link: Option<String>,
    /// Bumped by every applied sync: a plan made against an older one is stale.
    pub generation: i64,
    /// Accounts in the directory as last applied.
    pub accounts: i64,
    pub last_applied_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct ConnectionRow {
    settings: String,
    sealed_secret: String,
    rules: Option<String>,
    delta_link: Option<String>,
    generation: i64,
    accounts: i64,
    last_applied_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct SnapshotRow {
    snapshot: String,
}

fn json_error(what: &'static str) -> impl FnOnce(serde_json::Error) -> StoreError {
    move |error| StoreError::Corrupt {
        what,
        detail: error.to_string(),
    }
}

pub struct Directory<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Directory<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(sql, values))
            .await
            .map_err(StoreError::on_unique(|| {
                "a person with one of these emails already exists in this trust".to_owned()
            }))?
            .rows_affected())
    }

    fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    pub async fn connection(&self) -> Result<Option<DirectoryConnection>, StoreError> {
        let row = ConnectionRow::find_by_statement(self.statement(
            "SELECT settings, sealed_secret, rules, delta_link, generation, accounts, last_applied_at, updated_at \
             FROM directory_connections WHERE trust_id = $1",
            vec![self.trust()],
        ))
        .one(self.conn)
        .await?;
        row.map(|row| {
            Ok(DirectoryConnection {
                settings: serde_json::from_str(&row.settings)
                    .map_err(json_error("directory settings"))?,
                sealed_secret: row.sealed_secret,
                rules: row
                    .rules
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(json_error("directory rules"))?,
                delta_link: row.delta_link,
                generation: row.generation,
                accounts: row.accounts,
                last_applied_at: row.last_applied_at,
                updated_at: row.updated_at,
            })
        })
        .transpose()
    }

    /// Connects the trust's directory, or changes the connection. Moving to another
    /// provider (or tenant) starts again from a full listing.
    pub async fn connect(
        &self,
        settings: &DirectorySettings,
        sealed_secret: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(settings).map_err(json_error("directory settings"))?;
        let same_source = match self.connection().await? {
            Some(existing) => Some(
                existing.settings.kind == settings.kind
                    && existing.settings.identity_issuer() == settings.identity_issuer(),
            ),
            None => None,
        };
        match same_source {
            None => {
                self.execute(
                    "INSERT INTO directory_connections (trust_id, kind, settings, sealed_secret, rules, snapshot, \
                     delta_link, generation, accounts, last_applied_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, NULL, '{}', NULL, 0, 0, NULL, $5, $5)",
                    vec![
                        self.trust(),
                        settings.kind.as_str().into(),
                        encoded.into(),
                        sealed_secret.into(),
                        at.into(),
                    ],
                )
                .await?;
            }
            Some(same) => {
                let reset = if same {
                    ""
                } else {
                    ", snapshot = '{}', delta_link = NULL, accounts = 0, generation = generation + 1"
                };
                self.execute(
                    &format!(
                        "UPDATE directory_connections SET kind = $2, settings = $3, sealed_secret = $4, \
                         updated_at = $5{reset} WHERE trust_id = $1"
                    ),
                    vec![
                        self.trust(),
                        settings.kind.as_str().into(),
                        encoded.into(),
                        sealed_secret.into(),
                        at.into(),
                    ],
                )
                .await?;
            }
        }
        Ok(())
    }

    pub async fn set_rules(
        &self,
        rules: &MappingRules,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(rules).map_err(json_error("directory rules"))?;
        let changed = self
            .execute(
                "UPDATE directory_connections SET rules = $2, updated_at = $3 WHERE trust_id = $1",
                vec![self.trust(), encoded.into(), at.into()],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound("directory connection"));
        }
        Ok(())
    }

    /// The directory as the last applied sync left it, by account id.
    pub async fn snapshot(&self) -> Result<BTreeMap<String, DirectoryUser>, StoreError> {
        let row = SnapshotRow::find_by_statement(self.statement(
            "SELECT snapshot FROM directory_connections WHERE trust_id = $1",
            vec![self.trust()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("directory connection"))?;
        serde_json::from_str(&row.snapshot).map_err(json_error("directory snapshot"))
    }

    /// Stores what an applied sync leaves behind, if nothing was applied since the plan
    /// (`generation` is the one it was planned against).
    pub async fn advance(
        &self,
        generation: i64,
        snapshot: &BTreeMap<String, DirectoryUser>,
        delta_link: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(snapshot).map_err(json_error("directory snapshot"))?;
        let changed = self
            .execute(
                "UPDATE directory_connections SET snapshot = $3, delta_link = $4, generation = generation + 1, \
                 accounts = $6, last_applied_at = $5, updated_at = $5 WHERE trust_id = $1 AND generation = $2",
                vec![
                    self.trust(),
                    generation.into(),
                    encoded.into(),
                    delta_link.map(str::to_owned).into(),
                    at.into(),
                    i64::try_from(snapshot.len()).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "another sync was applied since this plan was made; plan again".to_owned(),
            ));
        }
        Ok(())
    }
}
