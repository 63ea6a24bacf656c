//! The server's chain-signing keys (server-wide: the public halves are published), each
//! trust's signed chain head, and its daily anchors (append-only).

use attest_domain::TenantScope;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use super::acceptances::Acceptances;
use crate::StoreError;

/// A chain-signing key as stored: the private half sealed with the server's key.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StoredSigningKey {
    pub key_id: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub sealed_private_key: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

pub struct ChainKeys<'a, C> {
    conn: &'a C,
}

impl<'a, C: ConnectionTrait> ChainKeys<'a, C> {
    pub fn new(conn: &'a C) -> Self {
        Self { conn }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    /// Every key ever used, oldest first (retired ones still verify old signatures).
    pub async fn all(&self) -> Result<Vec<StoredSigningKey>, StoreError> {
        Ok(StoredSigningKey::find_by_statement(self.statement(
            "SELECT key_id, public_key, sealed_private_key, created_at, retired_at \
             FROM chain_signing_keys ORDER BY created_at, key_id",
            Vec::new(),
        ))
        .all(self.conn)
        .await?)
    }

    pub async fn insert(&self, key: &StoredSigningKey) -> Result<(), StoreError> {
        self.conn
            .execute_raw(self.statement(
                "INSERT INTO chain_signing_keys (key_id, public_key, sealed_private_key, created_at) \
                 VALUES ($1, $2, $3, $4)",
                vec![
                    key.key_id.clone().into(),
                    key.public_key.clone().into(),
                    key.sealed_private_key.clone().into(),
                    key.created_at.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Retires every key but `keep`: they stop signing, and stay published.
    pub async fn retire_others(&self, keep: &str, at: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(
                "UPDATE chain_signing_keys SET retired_at = $2 WHERE key_id <> $1 AND retired_at IS NULL",
                vec![keep.into(), at.into()],
            ))
            .await?
            .rows_affected())
    }
}

/// A trust's chain head with the server's signature over it, if signed.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SignedHead {
    pub last_seq: i64,
    pub last_hash: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub key_id: Option<String>,
    /// Base64 of the 64-byte Ed25519 signature.
    pub signature: Option<String>,
}

impl<C: ConnectionTrait> Acceptances<'_, C> {
    /// The head with its signature (`None` before the trust's first answer).
    pub async fn signed_head(&self) -> Result<Option<SignedHead>, StoreError> {
        Ok(SignedHead::find_by_statement(Statement::from_sql_and_values(
            self.backend(),
            "SELECT last_seq, last_hash, signed_at, key_id, signature FROM acceptance_chains WHERE trust_id = $1",
            vec![self.scope().trust().as_uuid().into()],
        ))
        .one(self.connection())
        .await?)
    }

    /// Records the server's signature over the head as it now stands (call under the
    /// chain lock, after appending).
    pub async fn sign_head(
        &self,
        (signed_at, key_id, signature): (DateTime<Utc>, &str, &str),
    ) -> Result<(), StoreError> {
        self.connection()
            .execute_raw(Statement::from_sql_and_values(
                self.backend(),
                "UPDATE acceptance_chains SET signed_at = $2, key_id = $3, signature = $4 WHERE trust_id = $1",
                vec![
                    self.scope().trust().as_uuid().into(),
                    signed_at.into(),
                    key_id.into(),
                    signature.into(),
                ],
            ))
            .await?;
        Ok(())
    }
}

/// A signed statement of a trust's head at a moment, kept outside the chain (and sent
/// to the DPO), optionally with an RFC 3161 timestamp token.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ChainAnchor {
    pub id: uuid::Uuid,
    pub trust_id: uuid::Uuid,
    pub seq: i64,
    pub head_hash: String,
    pub anchored_at: DateTime<Utc>,
    pub key_id: String,
    pub signature: String,
    pub timestamp_authority: Option<String>,
    /// Base64 of the DER TimeStampResp's token.
    pub timestamp_token: Option<String>,
}

pub struct ChainAnchors<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

const ANCHOR_COLUMNS: &str = "id, trust_id, seq, head_hash, anchored_at, key_id, signature, \
                              timestamp_authority, timestamp_token";

impl<'a, C: ConnectionTrait> ChainAnchors<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn append(&self, anchor: &ChainAnchor) -> Result<(), StoreError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                format!(
                    "INSERT INTO chain_anchors ({ANCHOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ),
                vec![
                    anchor.id.into(),
                    self.scope.trust().as_uuid().into(),
                    anchor.seq.into(),
                    anchor.head_hash.clone().into(),
                    anchor.anchored_at.into(),
                    anchor.key_id.clone().into(),
                    anchor.signature.clone().into(),
                    anchor.timestamp_authority.clone().into(),
                    anchor.timestamp_token.clone().into(),
                ],
            ))
            .await?;
        Ok(())
    }

    fn select(&self, filter_and_order: &str, mut values: Vec<Value>) -> Statement {
        values.insert(0, self.scope.trust().as_uuid().into());
        Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            format!(
                "SELECT {ANCHOR_COLUMNS} FROM chain_anchors WHERE trust_id = $1 {filter_and_order}"
            ),
            values,
        )
    }

    /// The trust's anchors, oldest first.
    pub async fn list(&self) -> Result<Vec<ChainAnchor>, StoreError> {
        Ok(
            ChainAnchor::find_by_statement(self.select("ORDER BY anchored_at, id", Vec::new()))
                .all(self.conn)
                .await?,
        )
    }

    /// The trust's newest anchor.
    pub async fn latest(&self) -> Result<Option<ChainAnchor>, StoreError> {
        Ok(ChainAnchor::find_by_statement(
            self.select("ORDER BY anchored_at DESC, id DESC LIMIT 1", Vec::new()),
        )
        .one(self.conn)
        .await?)
    }

    /// The oldest anchor that vouches for row `seq` (at or after it).
    pub async fn first_covering(&self, seq: i64) -> Result<Option<ChainAnchor>, StoreError> {
        Ok(ChainAnchor::find_by_statement(self.select(
            "AND seq >= $2 ORDER BY anchored_at, id LIMIT 1",
            vec![seq.into()],
        ))
        .one(self.conn)
        .await?)
    }
}
