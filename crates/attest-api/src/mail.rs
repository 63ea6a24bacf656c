//! The trust's email over GraphQL: what is queued, sent and failed.

use async_graphql::{Context, InputObject, Object, SimpleObject};
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

impl From<attest_app::OutboxMessage> for OutboxMessage {
    fn from(m: attest_app::OutboxMessage) -> Self {
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
    #[graphql(
        complexity = "crate::cost::PAGE_QUERY + (first.clamp(0, 500) as usize) * child_complexity"
    )]
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

/// Who the trust's email is from, its footer, when it may be sent and how staff are
/// chased. Times are `HH:MM` in England.
#[derive(SimpleObject)]
pub struct MailSettings {
    /// The display name on the From line; null: the server's.
    pub from_name: Option<String>,
    /// The From address; null: the server's.
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    /// Plain text at the end of every email.
    pub footer: Option<String>,
    pub window_opens: String,
    pub window_closes: String,
    /// Whether email may also go out on Saturdays and Sundays.
    pub weekends: bool,
    /// Days after a signature falls due on which staff are reminded again.
    pub reminder_days: Vec<u32>,
    /// Days after a signature becomes overdue on which the school admin is told.
    pub escalate_after_overdue_days: u32,
}

impl From<attest_domain::MailSettings> for MailSettings {
    fn from(settings: attest_domain::MailSettings) -> Self {
        Self {
            from_name: settings.from_name,
            from_address: settings.from_address.map(|a| a.as_str().to_owned()),
            reply_to: settings.reply_to.map(|a| a.as_str().to_owned()),
            footer: settings.footer,
            window_opens: attest_domain::clock_text(settings.window.opens),
            window_closes: attest_domain::clock_text(settings.window.closes),
            weekends: settings.window.weekends,
            reminder_days: settings.plan.reminder_days,
            escalate_after_overdue_days: settings.plan.escalate_after_overdue_days,
        }
    }
}

/// New mail settings. Omitted fields keep their defaults (not their current values):
/// send the whole settings each time.
#[derive(InputObject)]
pub struct MailSettingsInput {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    pub footer: Option<String>,
    #[graphql(default = "08:00")]
    pub window_opens: String,
    #[graphql(default = "18:00")]
    pub window_closes: String,
    #[graphql(default = false)]
    pub weekends: bool,
    #[graphql(default_with = "vec![3, 7, 14]")]
    pub reminder_days: Vec<u32>,
    #[graphql(default = 7)]
    pub escalate_after_overdue_days: u32,
}

#[derive(Default)]
pub struct MailSettingsQuery;

#[Object]
impl MailSettingsQuery {
    /// The trust's mail settings. Trust admins only.
    async fn mail_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<MailSettings> {
        Ok(app(ctx)?.mail_settings(principal(ctx)?).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    /// Replaces the trust's mail settings. Trust admins only; a bad value is
    /// `BAD_USER_INPUT` naming the field, and nothing changes.
    async fn set_mail_settings(
        &self,
        ctx: &Context<'_>,
        input: MailSettingsInput,
    ) -> async_graphql::Result<MailSettings> {
        let input = attest_domain::MailSettingsInput {
            from_name: input.from_name,
            from_address: input.from_address,
            reply_to: input.reply_to,
            footer: input.footer,
            window_opens: input.window_opens,
            window_closes: input.window_closes,
            weekends: input.weekends,
            reminder_days: input.reminder_days,
            escalate_after_overdue_days: input.escalate_after_overdue_days,
        };
        Ok(app(ctx)?
            .set_mail_settings(principal(ctx)?, input)
            .await
            .gql()?
            .into())
    }
}
