//! Chain format 2: the fields a row's hash covers once signatures carry their identity,
//! the view and the changes shown, and a commitment in place of the personal fields.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::{ChangesShown, ViewEvidence};
use crate::{CompletionEvidence, Decision, SigningMethod};

/// Which fields a row's hash covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChainFormat {
    /// Every field in the row, personal ones included (rows written before 2026-12-02).
    V1,
    /// Public fields, view and changes evidence, and a commitment to the personal ones.
    V2,
}

impl ChainFormat {
    pub const fn number(self) -> i32 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
        }
    }

    pub fn from_number(number: i32) -> Option<Self> {
        match number {
            1 => Some(Self::V1),
            2 => Some(Self::V2),
            _ => None,
        }
    }
}

/// Everything a format-2 row asserts, in the order it is hashed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedFields<'a> {
    pub format: i32,
    pub id: uuid::Uuid,
    pub trust: uuid::Uuid,
    pub seq: i64,
    pub person: uuid::Uuid,
    pub policy: uuid::Uuid,
    pub version: uuid::Uuid,
    pub school: uuid::Uuid,
    pub decision: Decision,
    pub content_hash: &'a str,
    pub audience_kind: &'a str,
    pub variables: &'a BTreeMap<String, String>,
    pub method: SigningMethod,
    pub recorded_by: Option<uuid::Uuid>,
    /// A decline's reason stays in the row: the school acts on it.
    pub decline_reason: Option<&'a str>,
    #[serde(serialize_with = "micros")]
    pub signed_at: DateTime<Utc>,
    pub signed_on: NaiveDate,
    pub renew_on: Option<NaiveDate>,
    pub viewed: Option<&'a ViewEvidence>,
    pub changes_shown: Option<&'a ChangesShown>,
    /// Absent from every row but a read-and-understand's or a training's, so rows
    /// written before it existed hash as they always did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<&'a CompletionEvidence>,
    pub personal_commitment: &'a str,
}

fn micros<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// `sha256(previous hash, newline, canonical JSON of the fields)`, hex encoded: the
/// same construction as format 1, over the format-2 fields.
pub fn sealed_hash(previous: &str, fields: &SealedFields<'_>) -> String {
    crate::acceptance::hash_line(previous, &sealed_json(fields))
}

/// The canonical JSON a format-2 row's hash covers (one line).
pub fn sealed_json(fields: &SealedFields<'_>) -> String {
    serde_json::to_string(fields).unwrap_or_default()
}
