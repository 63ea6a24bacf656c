//! The trust's email over GraphQL: what is queued, sent and failed.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::{ErrorCode, OrGraphql, coded};

/// One email: queued (`pending`), `sent`, or `failed` for good (with why).
#[derive(SimpleObject)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
}

impl From<attest_store::OutboxMessage> for OutboxMessage {
    fn from(m: attest_store::OutboxMessage) -> Self {
        Self {
            id: m.id.as_uuid(),
            kind: m.kind,
            to_address: m.to_address,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            last_error: m.last_error,
            message_id: m.message_id,
        }
    }
}

#[derive(Default)]
pub struct MailQuery;

#[Object]
impl MailQuery {
    /// The trust's email, newest first; `status` is pending, sent or failed. Trust
    /// admins only. (Bodies are not shown: they can hold signing links.)
    async fn outbox(
        &self,
        ctx: &Context<'_>,
        status: Option<String>,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<Vec<OutboxMessage>> {
        let first = u64::try_from(first)
            .map_err(|_| coded(ErrorCode::BadUserInput, "first: must not be negative"))?;
        Ok(app(ctx)?
            .outbox(principal(ctx)?, status.as_deref(), first)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
