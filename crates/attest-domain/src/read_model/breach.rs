//! A breach report as stored, the filter for listing them and their timeline entries.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{BreachId, BreachRecord, BreachStatus, SchoolId, TrustId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub id: BreachId,
    pub trust: TrustId,
    pub reference: String,
    pub status: BreachStatus,
    /// Bumped by every change; a change made against an older one is a conflict.
    pub version: u32,
    pub reported_by_kind: String,
    pub reported_by: Option<uuid::Uuid>,
    pub reported_at: DateTime<Utc>,
    pub aware_at: Option<DateTime<Utc>>,
    pub schools: Vec<SchoolId>,
    pub record: BreachRecord,
    pub updated_at: DateTime<Utc>,
}

/// Which breaches to list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct BreachFilter {
    pub status: Option<BreachStatus>,
    pub school: Option<SchoolId>,
    /// Discovered on or after.
    pub from: Option<DateTime<Utc>>,
    /// Discovered before.
    pub to: Option<DateTime<Utc>>,
    /// Only those reported by this actor (a reporter sees their own).
    pub reported_by: Option<uuid::Uuid>,
    /// Only open ones (for the alerts).
    pub open_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachEvent {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<uuid::Uuid>,
    /// The person's full name or the token's name, where the actor is still known.
    pub actor_name: Option<String>,
    pub action: String,
    pub detail: serde_json::Value,
}

/// One evidence file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub id: uuid::Uuid,
    pub breach: BreachId,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_by_kind: String,
    pub uploaded_by: Option<uuid::Uuid>,
    pub uploaded_at: DateTime<Utc>,
}
