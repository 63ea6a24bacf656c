//! The email outbox: a message is written in the same transaction as the change that
//! causes it, and delivered later by the dispatcher.

use attest_domain::{OutboxMessageId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::StoreError;
use crate::entities::outbox_message;

pub struct NewEmail {
    pub kind: &'static str,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    /// Two messages with the same key are one message: the second is not queued.
    pub dedupe_key: Option<String>,
    pub at: DateTime<Utc>,
}

pub struct Outbox<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::OutboxMessage;

impl<'a, C: ConnectionTrait> Outbox<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// Queues a message and returns its id; `None` when one with the same dedupe key
    /// already was.
    pub async fn enqueue(&self, email: NewEmail) -> Result<Option<OutboxMessageId>, StoreError> {
        let id = OutboxMessageId::generate();
        let model = self.model(id, email);
        let inserted = outbox_message::Entity::insert(model)
            .on_conflict(same_dedupe_key())
            .exec_without_returning(self.conn)
            .await?;
        Ok((inserted > 0).then_some(id))
    }

    fn model(&self, id: OutboxMessageId, email: NewEmail) -> outbox_message::ActiveModel {
        outbox_message::ActiveModel {
            id: Set(id.as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            kind: Set(email.kind.to_owned()),
            to_address: Set(email.to_address),
            subject: Set(email.subject),
            body_text: Set(email.body_text),
            body_html: Set(email.body_html),
            dedupe_key: Set(email.dedupe_key),
            status: Set("pending".to_owned()),
            attempts: Set(0),
            created_at: Set(email.at),
            next_attempt_at: Set(email.at),
            sent_at: Set(None),
            last_error: Set(None),
            lease_until: Set(None),
            message_id: Set(None),
        }
    }

    /// Queues many messages in a few statements (a reminder tick's).
    pub async fn enqueue_many(&self, emails: Vec<NewEmail>) -> Result<(), StoreError> {
        let models: Vec<outbox_message::ActiveModel> = emails
            .into_iter()
            .map(|email| self.model(OutboxMessageId::generate(), email))
            .collect();
        for chunk in models.chunks(200) {
            outbox_message::Entity::insert_many(chunk.to_vec())
                .on_conflict(same_dedupe_key())
                .exec_without_returning(self.conn)
                .await?;
        }
        Ok(())
    }

    /// Which of `keys` are already queued (or sent): a tick need not render those.
    pub async fn queued_keys(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut found = std::collections::HashSet::new();
        for chunk in keys.chunks(500) {
            let rows: Vec<Option<String>> = outbox_message::Entity::find()
                .select_only()
                .column(outbox_message::Column::DedupeKey)
                .filter(outbox_message::Column::TrustId.eq(self.scope.trust().as_uuid()))
                .filter(outbox_message::Column::DedupeKey.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(self.conn)
                .await?;
            found.extend(rows.into_iter().flatten());
        }
        Ok(found)
    }

    /// The trust's messages, newest first.
    pub async fn recent(&self, limit: u64) -> Result<Vec<OutboxMessage>, StoreError> {
        self.list(None, limit).await
    }

    /// The trust's messages in a status (`pending`, `sent`, `failed`), newest first.
    pub async fn list(
        &self,
        status: Option<&str>,
        limit: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        use sea_orm::QuerySelect;
        let mut query = outbox_message::Entity::find()
            .filter(outbox_message::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(status) = status {
            query = query.filter(outbox_message::Column::Status.eq(status));
        }
        let models = query
            .order_by_desc(outbox_message::Column::Id)
            .limit(limit)
            .all(self.conn)
            .await?;
        Ok(models.into_iter().map(to_message).collect())
    }
}

fn to_message(model: outbox_message::Model) -> OutboxMessage {
    OutboxMessage {
        id: OutboxMessageId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        kind: model.kind,
        to_address: model.to_address,
        subject: model.subject,
        body_text: model.body_text,
        body_html: model.body_html,
        dedupe_key: model.dedupe_key,
        status: model.status,
        attempts: u32::try_from(model.attempts).unwrap_or_default(),
        created_at: model.created_at,
        next_attempt_at: model.next_attempt_at,
        sent_at: model.sent_at,
        last_error: model.last_error,
        message_id: model.message_id,
    }
}

/// Delivery of every trust's outbox. The dispatcher is a process of the server, not a
/// caller inside a trust, so it works across trusts; it only reads and updates the
/// delivery state of messages, never their content.
pub struct OutboxDelivery<'a, C> {
    conn: &'a C,
}

impl<'a, C: ConnectionTrait> OutboxDelivery<'a, C> {
    pub fn new(conn: &'a C) -> Self {
        Self { conn }
    }

    /// Leases up to `limit` messages due at `now` until `lease_until`. A message whose
    /// lease ran out (its dispatcher died) is due again. On PostgreSQL concurrent
    /// dispatchers skip each other's rows; on SQLite the single writer serialises them.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        use sea_orm::{DbBackend, FromQueryResult, Statement};
        let backend = self.conn.get_database_backend();
        let due = "status = 'pending' AND next_attempt_at <= $2 \
                   AND (lease_until IS NULL OR lease_until <= $2)";
        let sql = if backend == DbBackend::Postgres {
            // Concurrent dispatchers skip the rows another is taking, rather than wait.
            format!(
                "WITH picked AS (SELECT id FROM outbox WHERE {due} \
                 ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET lease_until = $1, attempts = outbox.attempts + 1 \
                 FROM picked WHERE outbox.id = picked.id RETURNING outbox.*"
            )
        } else {
            // SQLite has one writer at a time: the guarded UPDATE is the claim.
            format!(
                "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
                 WHERE {due} AND id IN (SELECT id FROM outbox WHERE {due} \
                 ORDER BY next_attempt_at, id LIMIT $3) RETURNING *"
            )
        };
        let models = outbox_message::Model::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            vec![
                lease_until.into(),
                now.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        ))
        .all(self.conn)
        .await?;
        Ok(models.into_iter().map(to_message).collect())
    }

    async fn finish(
        &self,
        id: OutboxMessageId,
        changes: Vec<(outbox_message::Column, sea_orm::Value)>,
    ) -> Result<(), StoreError> {
        let mut update = outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::LeaseUntil,
                Option::<DateTime<Utc>>::None.into(),
            )
            .filter(outbox_message::Column::Id.eq(id.as_uuid()));
        for (column, value) in changes {
            update = update.col_expr(column, value.into());
        }
        update.exec(self.conn).await?;
        Ok(())
    }

    /// Delivered. `body_text` and `body_html` replace the stored bodies (the dispatcher
    /// removes the working links from what it keeps).
    pub async fn sent(
        &self,
        id: OutboxMessageId,
        message_id: &str,
        at: DateTime<Utc>,
        body_text: String,
        body_html: Option<String>,
    ) -> Result<(), StoreError> {
        self.finish(
            id,
            vec![
                (outbox_message::Column::BodyText, body_text.into()),
                (outbox_message::Column::BodyHtml, body_html.into()),
                (outbox_message::Column::Status, "sent".into()),
                (outbox_message::Column::SentAt, Some(at).into()),
                (
                    outbox_message::Column::MessageId,
                    Some(message_id.to_owned()).into(),
                ),
                (
                    outbox_message::Column::LastError,
                    Option::<String>::None.into(),
                ),
            ],
        )
        .await
    }

    /// A temporary failure: try again at `retry_at`.
    pub async fn retry_at(
        &self,
        id: OutboxMessageId,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.finish(
            id,
            vec![
                (outbox_message::Column::NextAttemptAt, retry_at.into()),
                (
                    outbox_message::Column::LastError,
                    Some(error.to_owned()).into(),
                ),
            ],
        )
        .await
    }

    /// A permanent failure (or too many temporary ones): never retried, shown to admins.
    /// Like `sent`, the bodies are replaced by copies without working links.
    pub async fn failed(
        &self,
        id: OutboxMessageId,
        error: &str,
        (body_text, body_html): (String, Option<String>),
    ) -> Result<(), StoreError> {
        self.finish(
            id,
            vec![
                (outbox_message::Column::BodyText, body_text.into()),
                (outbox_message::Column::BodyHtml, body_html.into()),
                (outbox_message::Column::Status, "failed".into()),
                (
                    outbox_message::Column::LastError,
                    Some(error.to_owned()).into(),
                ),
            ],
        )
        .await
    }
}

/// A message whose dedupe key the trust already has is not queued again.
fn same_dedupe_key() -> OnConflict {
    OnConflict::columns([
        outbox_message::Column::TrustId,
        outbox_message::Column::DedupeKey,
    ])
    .do_nothing()
    .to_owned()
}
