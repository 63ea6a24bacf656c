//! The personal fields of a signature, kept apart from the chain: the chain hashes a
//! salted commitment to them, so that erasing them (and the salt) under the retention
//! schedule leaves every row's hash, and so the chain, verifiable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SignerIdentity;

/// Bytes of salt per signature: enough that a commitment cannot be reversed by trying
/// names, addresses and answers.
pub const SALT_BYTES: usize = 32;

/// What a signature says about the person, beyond the ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalFields {
    pub typed_name: String,
    pub role: String,
    pub answers: BTreeMap<String, String>,
    pub note: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub identity: SignerIdentity,
}

impl PersonalFields {
    /// `sha256("attest personal v1" \n salt \n canonical JSON)`, hex encoded. The salt
    /// is hex, so it holds no newline.
    pub fn commitment(&self, salt_hex: &str) -> String {
        let json = self.canonical_json();
        let mut hasher = Sha256::new();
        hasher.update(b"attest personal v1\n");
        hasher.update(salt_hex.as_bytes());
        hasher.update(b"\n");
        hasher.update(json.as_bytes());
        hex::encode(hasher.finalize())
    }
}

impl PersonalFields {
    /// The JSON the commitment covers (one line).
    pub fn canonical_json(&self) -> String {
        // Plain fields, strings and sorted maps: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What checking a row's personal fields against its commitment found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalCheck {
    /// The fields and salt are present and match the chained commitment.
    Intact,
    /// The fields or the salt were changed after signing.
    Altered,
    /// Erased under the retention schedule: the commitment stays in the chain.
    Erased,
    /// A row written before commitments (chain format 1): its personal fields are
    /// hashed into the row itself.
    InRow,
}
