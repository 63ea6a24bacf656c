//! attest-mail: delivers the outbox. Messages are written to the `outbox` table in the
//! same transaction as the change that causes them; the dispatcher leases due messages,
//! sends each with lettre, and records the outcome: sent (with its Message-ID, derived
//! from the outbox id so a resend is recognisably the same message), retried later
//! with backoff (SMTP 4xx, connection trouble), or failed for good (SMTP 5xx, a bad
//! address, too many attempts) and visible to admins.

mod message;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use attest_app::{AppError, Delivered, MailDelivery};
use attest_domain::OutboxMessage;
use attest_domain::{MailSettings, TrustId, retry_backoff};
use chrono::{DateTime, Utc};

pub use message::{Sender, build_message, message_id, safe_header_text};
pub use transport::{MailTransport, SendError};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    #[error("invalid mail setting {setting}: {message}")]
    Config {
        setting: &'static str,
        message: String,
    },
    #[error(transparent)]
    App(#[from] AppError),
    #[error("writing mail to {path}: {error}")]
    Io { path: String, error: std::io::Error },
}

/// How the dispatcher behaves.
#[derive(Debug, Clone)]
pub struct DispatchSettings {
    /// The From address, e.g. `Riverside Trust <attest@riverside.org.uk>`.
    pub from: String,
    /// Messages taken per round.
    pub batch: u64,
    /// How long a claimed message is ours; after it, another dispatcher may take it.
    pub lease: Duration,
    /// Temporary failures before a message is given up as failed.
    pub max_attempts: u32,
    /// The Message-ID domain.
    pub domain: String,
    /// Messages sent at once (SMTP round trips overlap; lettre pools the connections).
    pub concurrency: usize,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            from: "attest <attest@localhost>".to_owned(),
            batch: 200,
            lease: Duration::from_secs(300),
            max_attempts: 8,
            domain: "attest.localhost".to_owned(),
            concurrency: 16,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl DispatchReport {
    pub fn handled(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    outbox: MailDelivery,
    transport: MailTransport,
    settings: DispatchSettings,
}

impl Dispatcher {
    pub fn new(outbox: MailDelivery, transport: MailTransport, settings: DispatchSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                outbox,
                transport,
                settings,
            }),
        }
    }

    /// Claims and sends one batch of due messages, `concurrency` at a time.
    pub async fn dispatch_once(&self, now: DateTime<Utc>) -> Result<DispatchReport, MailError> {
        let settings = &self.inner.settings;
        let lease = chrono::Duration::from_std(settings.lease)
            .unwrap_or_else(|_| chrono::Duration::minutes(5));
        let claimed = self
            .inner
            .outbox
            .claim(now, now + lease, settings.batch)
            .await?;
        let mut trusts: Vec<TrustId> = claimed.iter().map(|message| message.trust).collect();
        trusts.sort_unstable();
        trusts.dedup();
        let senders = self.inner.outbox.senders(&trusts).await?;
        let mut report = DispatchReport::default();
        // `concurrency` sends in flight at any moment (no waiting for the slowest of a
        // group); what became of each is recorded for the whole batch in one commit.
        let limit = Arc::new(tokio::sync::Semaphore::new(settings.concurrency.max(1)));
        let mut sends = tokio::task::JoinSet::new();
        for message in claimed {
            let (inner, limit) = (self.inner.clone(), limit.clone());
            let sender = self.inner.sender(senders.get(&message.trust));
            sends.spawn(async move {
                let _permit = limit.acquire_owned().await;
                inner.deliver(&message, &sender, now).await
            });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = sends.join_next().await {
            let delivered = joined.map_err(|error| MailError::Config {
                setting: "dispatcher",
                message: format!("a send task failed: {error}"),
            })?;
            match &delivered {
                Delivered::Sent { .. } => report.sent += 1,
                Delivered::Retry { .. } => report.retried += 1,
                Delivered::Failed { .. } => report.failed += 1,
            }
            outcomes.push(delivered);
        }
        self.inner.outbox.record(now, outcomes).await?;
        Ok(report)
    }

    /// Sends until nothing is due (for `attest mail dispatch` and tests).
    pub async fn drain(&self, now: DateTime<Utc>) -> Result<DispatchReport, MailError> {
        let mut total = DispatchReport::default();
        loop {
            let round = self.dispatch_once(now).await?;
            total.sent += round.sent;
            total.retried += round.retried;
            total.failed += round.failed;
            if round.handled() == 0 {
                return Ok(total);
            }
        }
    }
}

impl Inner {
    /// The trust's own From and Reply-To where it set them, else the server's From.
    fn sender(&self, trust: Option<&MailSettings>) -> Sender {
        Sender {
            from: trust
                .and_then(MailSettings::from_mailbox)
                .unwrap_or_else(|| self.settings.from.clone()),
            reply_to: trust
                .and_then(|settings| settings.reply_to.as_ref())
                .map(|address| address.as_str().to_owned()),
        }
    }

    /// Sends one message and says what became of it (recorded with its batch).
    async fn deliver(
        &self,
        message: &OutboxMessage,
        sender: &Sender,
        now: DateTime<Utc>,
    ) -> Delivered {
        let id = message_id(message.id, &self.settings.domain);
        let failed = |error: String| Delivered::Failed {
            id: message.id,
            error,
            bodies: without_links(message),
        };
        let built = match build_message(message, sender, &id) {
            Ok(built) => built,
            Err(problem) => {
                tracing::warn!(outbox = %message.id, %problem, "message cannot be built");
                return failed(problem);
            }
        };
        match self.transport.send(&built, &message.to_address).await {
            Ok(()) => Delivered::Sent {
                id: message.id,
                message_id: id,
                bodies: without_links(message),
            },
            Err(SendError::Permanent(problem)) => {
                tracing::warn!(outbox = %message.id, %problem, "message refused for good");
                failed(problem)
            }
            Err(SendError::Temporary(problem))
                if message.attempts >= self.settings.max_attempts =>
            {
                let problem = format!("gave up after {} attempts: {problem}", message.attempts);
                tracing::warn!(outbox = %message.id, %problem, "message given up");
                failed(problem)
            }
            Err(SendError::Temporary(problem)) => {
                let jitter = f64::from(uuid::Uuid::new_v4().as_u128() as u16) / f64::from(u16::MAX);
                let retry_at = now + retry_backoff(message.attempts, jitter);
                tracing::info!(outbox = %message.id, %problem, %retry_at, "message will be retried");
                Delivered::Retry {
                    id: message.id,
                    error: problem,
                    retry_at,
                }
            }
        }
    }
}

/// The bodies kept once a message is finished with (sent or failed for good): what was
/// said, without a working link to sign with.
fn without_links(message: &OutboxMessage) -> (String, Option<String>) {
    (
        attest_auth::redact_magic_links(&message.body_text),
        message
            .body_html
            .as_deref()
            .map(attest_auth::redact_magic_links),
    )
}
