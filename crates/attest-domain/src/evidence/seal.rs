//! What the server's Ed25519 key signs about a trust's chain: its head (last row and
//! hash) at an instant. The message is plain text so that anyone can check a signature
//! with standard tools (see docs/signing.md).

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::Serialize;

/// A trust's chain as it stood at `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainStatement {
    pub trust: uuid::Uuid,
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
}

impl ChainStatement {
    /// The exact bytes signed.
    pub fn message(&self) -> String {
        format!(
            "attest chain head v1\ntrust: {}\nseq: {}\nhash: {}\nat: {}\n",
            self.trust,
            self.seq,
            self.hash,
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true)
        )
    }

    /// Whether `signature` (64 bytes) over this statement was made by `public_key`
    /// (32 bytes).
    pub fn verify(&self, public_key: &[u8], signature: &[u8]) -> bool {
        let Ok(key_bytes) = <[u8; 32]>::try_from(public_key) else {
            return false;
        };
        let Ok(key) = VerifyingKey::from_bytes(&key_bytes) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        key.verify(self.message().as_bytes(), &signature).is_ok()
    }
}

/// A time as signed statements carry it: whole seconds.
pub fn statement_time(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}
