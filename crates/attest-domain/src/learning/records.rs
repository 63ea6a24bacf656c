//! Read-and-understand attempts and training records, as stored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{PersonId, PolicyId, PolicyVersionId, SchoolId};

/// One go at a check of understanding, kept whether it passed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnderstandingAttempt {
    pub id: uuid::Uuid,
    pub person: PersonId,
    pub policy: PolicyId,
    pub version: PolicyVersionId,
    pub school: SchoolId,
    /// The option chosen for each question, from 0.
    pub chosen: Vec<usize>,
    pub correct: u32,
    pub total: u32,
    pub pass_mark: u32,
    pub passed: bool,
    pub attempted_at: DateTime<Utc>,
}

/// A certificate file kept as a training completion's evidence (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingCertificate {
    pub id: uuid::Uuid,
    pub person: PersonId,
    pub policy: PolicyId,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_by: Option<uuid::Uuid>,
    pub uploaded_at: DateTime<Utc>,
}

/// An in-house training session and its register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingSession {
    pub id: uuid::Uuid,
    pub policy: PolicyId,
    pub school: SchoolId,
    pub held_on: NaiveDate,
    pub trainer: String,
    pub note: Option<String>,
    pub recorded_by: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
    /// Who attended, each with the completion recorded for them.
    pub attendees: Vec<Attendee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendee {
    pub person: PersonId,
    pub acceptance: Option<uuid::Uuid>,
}

/// An external provider's completions file, as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingImport {
    pub id: uuid::Uuid,
    pub policy: PolicyId,
    pub provider: String,
    pub file_sha256: String,
    pub lines: u32,
    pub recorded: u32,
    pub skipped: u32,
    pub imported_by: Option<uuid::Uuid>,
    pub imported_at: DateTime<Utc>,
}
