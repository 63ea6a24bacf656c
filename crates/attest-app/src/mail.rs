//! The trust's email as trust IT sees it: what is queued, sent and failed, and a test
//! message to check the mail settings.

use attest_domain::{Email, OutboxMessageId, Principal};
use attest_store::{NewEmail, Outbox, OutboxMessage, TransactionTrait};

use crate::audit::{Change, record};
use crate::{App, AppError};

pub const OUTBOX_STATUSES: [&str; 3] = ["pending", "sent", "failed"];

impl App {
    /// Messages in the outbox, newest first. Trust admins only (they hold links).
    pub async fn outbox(
        &self,
        principal: &Principal,
        status: Option<&str>,
        first: u64,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can read the outbox",
            ));
        }
        if let Some(status) = status
            && !OUTBOX_STATUSES.contains(&status)
        {
            return Err(AppError::invalid(
                "status",
                format!("'{status}' is not one of {}", OUTBOX_STATUSES.join(", ")),
            ));
        }
        if first == 0 || first > 500 {
            return Err(AppError::invalid("first", "between 1 and 500"));
        }
        Ok(Outbox::new(&self.db, &principal.scope())
            .list(status, first)
            .await?)
    }

    /// Queues a test message to `to`, to check that mail gets through.
    pub async fn queue_test_email(
        &self,
        principal: &Principal,
        to: &str,
    ) -> Result<OutboxMessageId, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can send test email",
            ));
        }
        let to = Email::parse(to)?;
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let queued = Outbox::new(&txn, &scope)
            .enqueue(NewEmail {
                kind: "test",
                to_address: to.as_str().to_owned(),
                subject: "attest test message".to_owned(),
                body_text: format!(
                    "This is a test message from attest, sent at {at}.\n\
                     If you can read it, attest's email settings work.\n"
                ),
                body_html: None,
                dedupe_key: None,
                at,
            })
            .await?
            .ok_or_else(|| AppError::Internal("the test message was not queued".to_owned()))?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "mail.test",
                subject_type: "outbox",
                subject_id: queued.as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&serde_json::json!({ "to": to.as_str() })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(queued)
    }
}
