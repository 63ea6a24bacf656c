//! A background job as queued.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{JobId, JobKind, JobStatus, TrustId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: JobId,
    pub trust: TrustId,
    pub kind: JobKind,
    pub payload: String,
    pub status: JobStatus,
    pub run_at: DateTime<Utc>,
    pub dedupe_key: Option<String>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub result: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}
