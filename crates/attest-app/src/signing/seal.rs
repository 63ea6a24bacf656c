//! The server's signature on each trust's chain: the head re-signed with every batch of
//! answers, and daily anchors (head, row count, signature) kept outside the chain,
//! written to the audit log and sent to the DPO. Keys rotate; every public key stays
//! published.

use std::sync::Arc;

use attest_auth::ChainSigningKey;
use attest_domain::{ChainStatement, Principal, SystemTask, TrustId, statement_time};
use attest_store::{
    Acceptances, ChainAnchor, ChainAnchors, ChainHead, ChainKeys, ConnectionTrait,
    StoredSigningKey, TransactionTrait,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::{Change, record};
use crate::principals::system;
use crate::{App, AppError};

/// A public key as published at `/.well-known/attest-chain-keys.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedKey {
    pub key_id: String,
    pub algorithm: &'static str,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

fn internal(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(error.to_string())
}

impl App {
    /// The signing key: the newest unretired one, made on first use. `None` on a server
    /// without a sealing key (nothing can be kept secret there).
    pub(crate) async fn chain_key(&self) -> Result<Option<Arc<ChainSigningKey>>, AppError> {
        let Some(sealing) = self.sealing_key.as_deref() else {
            return Ok(None);
        };
        let mut cached = self.chain_key.lock().await;
        if let Some(key) = cached.as_ref() {
            return Ok(Some(key.clone()));
        }
        let keys = ChainKeys::new(&self.db);
        let stored = keys.all().await?;
        let key = match stored.iter().rev().find(|key| key.retired_at.is_none()) {
            Some(found) => ChainSigningKey::open(&found.key_id, &found.sealed_private_key, sealing)
                .map_err(internal)?,
            None => {
                let key = ChainSigningKey::generate().map_err(internal)?;
                keys.insert(&StoredSigningKey {
                    key_id: key.key_id().to_owned(),
                    public_key: key.public_key(),
                    sealed_private_key: key.seal(sealing).map_err(internal)?,
                    created_at: self.now(),
                    retired_at: None,
                })
                .await?;
                key
            }
        };
        let key = Arc::new(key);
        *cached = Some(key.clone());
        Ok(Some(key))
    }

    /// A new signing key; the others are retired (and stay published). For operators
    /// (`attest keys rotate`): other replicas pick it up when they restart.
    pub async fn rotate_chain_key(&self) -> Result<(String, u64), AppError> {
        let sealing = self.sealing_key("ATTEST_SECRET_KEY")?;
        let key = ChainSigningKey::generate().map_err(internal)?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let keys = ChainKeys::new(&txn);
        keys.insert(&StoredSigningKey {
            key_id: key.key_id().to_owned(),
            public_key: key.public_key(),
            sealed_private_key: key.seal(sealing).map_err(internal)?,
            created_at: at,
            retired_at: None,
        })
        .await?;
        let retired = keys.retire_others(key.key_id(), at).await?;
        txn.commit().await?;
        let id = key.key_id().to_owned();
        *self.chain_key.lock().await = Some(Arc::new(key));
        Ok((id, retired))
    }

    /// Every key that has signed, or may sign, a chain statement.
    pub async fn published_chain_keys(&self) -> Result<Vec<PublishedKey>, AppError> {
        Ok(ChainKeys::new(&self.db)
            .all()
            .await?
            .into_iter()
            .map(|key| PublishedKey {
                key_id: key.key_id,
                algorithm: "Ed25519",
                public_key: key.public_key,
                created_at: key.created_at,
                retired_at: key.retired_at,
            })
            .collect())
    }
}

/// Signs the trust's new `head` (just written, under the chain lock the caller holds).
pub(crate) async fn sign_head_in<C: ConnectionTrait>(
    conn: &C,
    trust: TrustId,
    key: &ChainSigningKey,
    now: DateTime<Utc>,
    head: ChainHead,
) -> Result<(), AppError> {
    let scope = system(trust, SystemTask::SigningChain).scope();
    let acceptances = Acceptances::new(conn, &scope);
    let at = statement_time(now);
    let statement = ChainStatement {
        trust: trust.as_uuid(),
        seq: head.last_seq,
        hash: head.last_hash,
        at,
    };
    let signature = key.sign(statement.message().as_bytes());
    acceptances
        .sign_head((at, key.key_id(), &signature))
        .await?;
    Ok(())
}

impl App {
    /// Writes an anchor of the trust's chain now: signed, timestamped where an
    /// authority is configured, and audited. Trust admins, and the daily job.
    pub async fn anchor_chain(&self, principal: &Principal) -> Result<ChainAnchor, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can anchor the trust's chain",
            ));
        }
        // People and tokens anchor by hand; a burst of anchors is noise in the evidence.
        if principal.system_task().is_none() {
            self.rate_limits.hit(
                crate::Limit::Export,
                &crate::rate_limit::principal_key(principal),
            )?;
        }
        let key = self.chain_key().await?.ok_or_else(|| {
            AppError::invalid(
                "ATTEST_SECRET_KEY",
                "this server has no key to sign with: set ATTEST_SECRET_KEY",
            )
        })?;
        let trust = principal.trust();
        let chain = system(trust, SystemTask::SigningChain).scope();
        let head = Acceptances::new(&self.db, &chain).head().await?;
        let at = statement_time(self.now());
        let statement = ChainStatement {
            trust: trust.as_uuid(),
            seq: head.last_seq,
            hash: head.last_hash.clone(),
            at,
        };
        let stamped = self.timestamp(&statement).await;
        let anchor = ChainAnchor {
            id: uuid::Uuid::now_v7(),
            trust_id: trust.as_uuid(),
            seq: head.last_seq,
            head_hash: head.last_hash,
            anchored_at: at,
            key_id: key.key_id().to_owned(),
            signature: key.sign(statement.message().as_bytes()),
            timestamp_authority: stamped.authority,
            timestamp_token: stamped.token,
        };
        let txn = self.db.begin().await?;
        ChainAnchors::new(&txn, &chain).append(&anchor).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "chain.anchor",
                subject_type: "trust",
                subject_id: trust.as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&serde_json::json!({
                    "seq": anchor.seq,
                    "headHash": anchor.head_hash,
                    "keyId": anchor.key_id,
                    "signature": anchor.signature,
                    "timestamped": anchor.timestamp_token.is_some(),
                    "timestampError": stamped.error,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(anchor)
    }

    /// The trust's anchors, oldest first (trust admins and the DPO: they are evidence).
    pub async fn chain_anchors(&self, principal: &Principal) -> Result<Vec<ChainAnchor>, AppError> {
        if !principal.can_administer_trust() && !principal.has_role(attest_domain::Role::Dpo) {
            return Err(AppError::forbidden(
                "only a trust admin or the DPO can read the chain's anchors",
            ));
        }
        let chain = system(principal.trust(), SystemTask::SigningChain).scope();
        Ok(ChainAnchors::new(&self.db, &chain).list().await?)
    }

    /// The signed statement covering row `seq`, in words with what to check it with:
    /// the first anchor at or after it, else the signed head.
    pub(crate) async fn seal_note(
        &self,
        trust: TrustId,
        seq: i64,
    ) -> Result<Option<String>, AppError> {
        let chain = system(trust, SystemTask::SigningChain).scope();
        if let Some(anchor) = ChainAnchors::new(&self.db, &chain)
            .first_covering(seq)
            .await?
        {
            return Ok(Some(format!(
                "anchor of {} (row {}, hash {}), signed by key {}: {}",
                anchor
                    .anchored_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                anchor.seq,
                anchor.head_hash,
                anchor.key_id,
                anchor.signature
            )));
        }
        let head = Acceptances::new(&self.db, &chain).signed_head().await?;
        Ok(head.and_then(|head| {
            let (Some(at), Some(key), Some(signature)) =
                (head.signed_at, head.key_id, head.signature)
            else {
                return None;
            };
            Some(format!(
                "chain head of {} (row {}, hash {}), signed by key {key}: {signature}",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                head.last_seq,
                head.last_hash
            ))
        }))
    }
}
