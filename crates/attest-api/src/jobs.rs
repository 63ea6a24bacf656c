//! Background jobs over GraphQL: what is queued, running, done or dead, and an admin's
//! retry and cancel.

use async_graphql::{Context, Enum, Object, SimpleObject};
use attest_domain::JobId;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::{ErrorCode, OrGraphql, coded};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    /// Failed on every attempt; waits for an admin's `retryJob`.
    Dead,
    Cancelled,
}

impl From<attest_domain::JobStatus> for JobStatus {
    fn from(status: attest_domain::JobStatus) -> Self {
        use attest_domain::JobStatus as S;
        match status {
            S::Queued => Self::Queued,
            S::Running => Self::Running,
            S::Done => Self::Done,
            S::Dead => Self::Dead,
            S::Cancelled => Self::Cancelled,
        }
    }
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One piece of background work for the trust, e.g. a reminder tick.
#[derive(SimpleObject)]
pub struct Job {
    pub id: Uuid,
    /// `reminders`.
    pub kind: String,
    pub status: JobStatus,
    /// When it runs (or ran, or will be retried).
    pub run_at: DateTime<Utc>,
    pub attempts: u32,
    pub max_attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// What the job did, once done.
    pub result: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<attest_app::Job> for Job {
    fn from(job: attest_app::Job) -> Self {
        Self {
            id: job.id.as_uuid(),
            kind: job.kind.as_str().to_owned(),
            status: job.status.into(),
            run_at: job.run_at,
            attempts: job.attempts,
            max_attempts: job.max_attempts,
            last_error: job.last_error,
            result: job.result,
            created_at: job.created_at,
            started_at: job.started_at,
            finished_at: job.finished_at,
        }
    }
}

#[derive(Default)]
pub struct JobsQuery;

#[Object]
impl JobsQuery {
    /// The trust's jobs, newest first. Trust admins only.
    #[graphql(
        complexity = "crate::cost::PAGE_QUERY + (first.clamp(0, 500) as usize) * child_complexity"
    )]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        status: Option<JobStatus>,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<Vec<Job>> {
        let first = u64::try_from(first)
            .map_err(|_| coded(ErrorCode::BadUserInput, "first: must not be negative"))?;
        Ok(app(ctx)?
            .jobs(principal(ctx)?, status.map(JobStatus::as_str), first)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[derive(Default)]
pub struct JobsMutation;

#[Object]
impl JobsMutation {
    /// Puts a dead or cancelled job back in the queue to run now. Any other status is
    /// a `CONFLICT`.
    async fn retry_job(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Job> {
        Ok(app(ctx)?
            .retry_job(principal(ctx)?, JobId::from_uuid(id))
            .await
            .gql()?
            .into())
    }

    /// Cancels a queued job. A running, done or dead job is a `CONFLICT`.
    async fn cancel_job(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Job> {
        Ok(app(ctx)?
            .cancel_job(principal(ctx)?, JobId::from_uuid(id))
            .await
            .gql()?
            .into())
    }
}
