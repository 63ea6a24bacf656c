//! An email waiting in (or sent from) the outbox.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{OutboxMessageId, TrustId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    pub trust: TrustId,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
}
