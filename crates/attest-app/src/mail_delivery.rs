//! The dispatcher's side of the outbox: it works across trusts as the server itself, so
//! it claims due messages and records what became of each, and nothing more.

use std::collections::HashMap;

use attest_domain::{MailSettings, OutboxMessage, OutboxMessageId, TrustId};
use attest_store::{Database, OutboxDelivery, mail_settings_for_delivery};
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

    /// Sent: the bodies kept are the ones given (without working links).
    pub async fn sent(
        &self,
        id: OutboxMessageId,
        message_id: &str,
        at: DateTime<Utc>,
        bodies: (String, Option<String>),
    ) -> Result<(), AppError> {
        Ok(OutboxDelivery::new(&self.db)
            .sent(id, message_id, at, bodies.0, bodies.1)
            .await?)
    }

    /// A temporary failure: try again at `retry_at`.
    pub async fn retry_at(
        &self,
        id: OutboxMessageId,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(OutboxDelivery::new(&self.db)
            .retry_at(id, error, retry_at)
            .await?)
    }

    /// Failed for good.
    pub async fn failed(
        &self,
        id: OutboxMessageId,
        error: &str,
        bodies: (String, Option<String>),
    ) -> Result<(), AppError> {
        Ok(OutboxDelivery::new(&self.db)
            .failed(id, error, bodies)
            .await?)
    }
}
