//! The dispatcher's side of the outbox: it works across trusts as the server itself, so
//! it claims due messages and records what became of each, and nothing more.

use std::collections::HashMap;

use attest_domain::{MailSettings, OutboxMessage, OutboxMessageId, TrustId};
use attest_store::{Database, OutboxDelivery, TransactionTrait, mail_settings_for_delivery};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

/// What a mail dispatcher may do to the outbox. Cheap to clone.
#[derive(Clone)]
pub struct MailDelivery {
    db: Database,
}

impl App {
    /// The outbox as the mail dispatcher sees it.
    pub fn mail_delivery(&self) -> MailDelivery {
        MailDelivery {
            db: self.db.clone(),
        }
    }
}

impl MailDelivery {
    /// Leases up to `limit` due messages until `lease_until`.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        Ok(OutboxDelivery::new(&self.db)
            .claim(now, lease_until, limit)
            .await?)
    }

    /// Each of `trusts`' own sender settings, where it set any.
    pub async fn senders(
        &self,
        trusts: &[TrustId],
    ) -> Result<HashMap<TrustId, MailSettings>, AppError> {
        Ok(mail_settings_for_delivery(&self.db, trusts).await?)
    }

    /// What became of a batch of messages, recorded in one transaction (one commit for
    /// the batch rather than one per message).
    pub async fn record(
        &self,
        at: DateTime<Utc>,
        outcomes: Vec<Delivered>,
    ) -> Result<(), AppError> {
        let txn = self.db.begin().await?;
        let outbox = OutboxDelivery::new(&txn);
        for outcome in outcomes {
            match outcome {
                Delivered::Sent {
                    id,
                    message_id,
                    bodies,
                } => outbox.sent(id, &message_id, at, bodies.0, bodies.1).await?,
                Delivered::Retry {
                    id,
                    error,
                    retry_at,
                } => outbox.retry_at(id, &error, retry_at).await?,
                Delivered::Failed { id, error, bodies } => {
                    outbox.failed(id, &error, bodies).await?;
                }
            }
        }
        txn.commit().await?;
        Ok(())
    }
}

/// What became of one message. The bodies kept are the ones given (without working
/// links).
#[derive(Debug, Clone)]
pub enum Delivered {
    Sent {
        id: OutboxMessageId,
        message_id: String,
        bodies: (String, Option<String>),
    },
    /// A temporary failure: try again at `retry_at`.
    Retry {
        id: OutboxMessageId,
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// Failed for good.
    Failed {
        id: OutboxMessageId,
        error: String,
        bodies: (String, Option<String>),
    },
}
