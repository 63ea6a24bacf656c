//! Durable jobs: a trust's view (list, retry, cancel) and the workers' queue (claim,
//! finish), which works across trusts like the outbox's dispatcher.

use attest_domain::{JobId, JobKind, JobStatus, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};

use crate::StoreError;
use crate::entities::job;

pub struct NewJob {
    pub kind: JobKind,
    /// JSON.
    pub payload: String,
    pub run_at: DateTime<Utc>,
    /// Two jobs with the same key are one job: the second is not queued.
    pub dedupe_key: Option<String>,
    pub max_attempts: u32,
    pub at: DateTime<Utc>,
}

pub use attest_domain::Job;

fn to_job(model: job::Model) -> Result<Job, StoreError> {
    Ok(Job {
        id: JobId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        kind: model
            .kind
            .parse()
            .map_err(StoreError::corrupt("job kind"))?,
        payload: model.payload,
        status: model
            .status
            .parse()
            .map_err(StoreError::corrupt("job status"))?,
        run_at: model.run_at,
        dedupe_key: model.dedupe_key,
        attempts: u32::try_from(model.attempts).unwrap_or_default(),
        max_attempts: u32::try_from(model.max_attempts).unwrap_or_default(),
        lease_until: model.lease_until,
        last_error: model.last_error,
        result: model.result,
        created_at: model.created_at,
        started_at: model.started_at,
        finished_at: model.finished_at,
    })
}

fn to_jobs(models: Vec<job::Model>) -> Result<Vec<Job>, StoreError> {
    models.into_iter().map(to_job).collect()
}

/// One trust's jobs.
pub struct Jobs<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Jobs<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// Queues a job; `None` when one with the same dedupe key already was.
    pub async fn enqueue(&self, new: NewJob) -> Result<Option<JobId>, StoreError> {
        let id = JobId::generate();
        let model = job::ActiveModel {
            id: Set(id.as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            kind: Set(new.kind.as_str().to_owned()),
            payload: Set(new.payload),
            status: Set(JobStatus::Queued.as_str().to_owned()),
            run_at: Set(new.run_at),
            dedupe_key: Set(new.dedupe_key),
            attempts: Set(0),
            max_attempts: Set(i32::try_from(new.max_attempts).unwrap_or(i32::MAX)),
            lease_until: Set(None),
            lease_owner: Set(None),
            last_error: Set(None),
            result: Set(None),
            created_at: Set(new.at),
            started_at: Set(None),
            finished_at: Set(None),
        };
        let inserted = job::Entity::insert(model)
            .on_conflict(
                OnConflict::columns([job::Column::TrustId, job::Column::DedupeKey])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok((inserted > 0).then_some(id))
    }

    pub async fn get(&self, id: JobId) -> Result<Job, StoreError> {
        let model = job::Entity::find_by_id(id.as_uuid())
            .filter(job::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("job"))?;
        to_job(model)
    }

    /// The trust's jobs (in one status, or all), newest first.
    pub async fn list(
        &self,
        status: Option<JobStatus>,
        limit: u64,
    ) -> Result<Vec<Job>, StoreError> {
        let mut query =
            job::Entity::find().filter(job::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(status) = status {
            query = query.filter(job::Column::Status.eq(status.as_str()));
        }
        let models = query
            .order_by_desc(job::Column::CreatedAt)
            .order_by_desc(job::Column::Id)
            .limit(limit)
            .all(self.conn)
            .await?;
        to_jobs(models)
    }

    /// Moves a job from one of `from` to `to` if it is still in one of them; `false`
    /// when it was not (it moved on meanwhile).
    async fn transition(
        &self,
        id: JobId,
        from: &[JobStatus],
        to: JobStatus,
        changes: Vec<(job::Column, sea_orm::Value)>,
    ) -> Result<bool, StoreError> {
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(to.as_str()))
            .filter(job::Column::Id.eq(id.as_uuid()))
            .filter(job::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(job::Column::Status.is_in(from.iter().map(|status| status.as_str())));
        for (column, value) in changes {
            update = update.col_expr(column, Expr::value(value));
        }
        Ok(update.exec(self.conn).await?.rows_affected > 0)
    }

    /// Puts a dead or cancelled job back in the queue, to run at `at` with fresh attempts.
    pub async fn requeue(&self, id: JobId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.transition(
            id,
            &[JobStatus::Dead, JobStatus::Cancelled],
            JobStatus::Queued,
            vec![
                (job::Column::RunAt, at.into()),
                (job::Column::Attempts, 0_i32.into()),
                (
                    job::Column::FinishedAt,
                    Option::<DateTime<Utc>>::None.into(),
                ),
            ],
        )
        .await
    }

    /// Cancels a job that is still waiting.
    pub async fn cancel(&self, id: JobId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.transition(
            id,
            &[JobStatus::Queued],
            JobStatus::Cancelled,
            vec![(job::Column::FinishedAt, Some(at).into())],
        )
        .await
    }
}

/// The workers' side of every trust's jobs. A worker leases a job under its own owner
/// id; it records the outcome only while the lease is still its own, so a worker that
/// stalled past its lease (and whose job another worker took over) changes nothing.
pub struct JobQueue<'a, C> {
    conn: &'a C,
}

impl<'a, C: ConnectionTrait> JobQueue<'a, C> {
    pub fn new(conn: &'a C) -> Self {
        Self { conn }
    }

    /// Leases up to `limit` jobs due at `now` to `owner` until `lease_until`: queued
    /// jobs whose time has come, and running jobs whose worker's lease ran out.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        owner: uuid::Uuid,
        limit: u64,
    ) -> Result<Vec<Job>, StoreError> {
        let backend = self.conn.get_database_backend();
        let due =
            "run_at <= $2 AND (status = 'queued' OR (status = 'running' AND lease_until <= $2))";
        let set = "status = 'running', lease_until = $1, lease_owner = $4, \
                   attempts = jobs.attempts + 1, started_at = $2";
        let sql = if backend == DbBackend::Postgres {
            format!(
                "WITH picked AS (SELECT id FROM jobs WHERE {due} \
                 ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE jobs SET {set} FROM picked WHERE jobs.id = picked.id RETURNING jobs.*"
            )
        } else {
            // SQLite has one writer at a time: the guarded UPDATE is the claim.
            format!(
                "UPDATE jobs SET {set} WHERE {due} AND id IN \
                 (SELECT id FROM jobs WHERE {due} ORDER BY run_at, id LIMIT $3) RETURNING *"
            )
        };
        let models = job::Model::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            vec![
                lease_until.into(),
                now.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                owner.into(),
            ],
        ))
        .all(self.conn)
        .await?;
        to_jobs(models)
    }

    async fn finish(
        &self,
        id: JobId,
        owner: uuid::Uuid,
        status: JobStatus,
        changes: Vec<(job::Column, sea_orm::Value)>,
    ) -> Result<bool, StoreError> {
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                job::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                job::Column::LeaseOwner,
                Expr::value(Option::<uuid::Uuid>::None),
            )
            .filter(job::Column::Id.eq(id.as_uuid()))
            .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
            .filter(job::Column::LeaseOwner.eq(owner));
        for (column, value) in changes {
            update = update.col_expr(column, Expr::value(value));
        }
        Ok(update.exec(self.conn).await?.rows_affected > 0)
    }

    /// The job succeeded; `result` says what it did.
    pub async fn complete(
        &self,
        id: JobId,
        owner: uuid::Uuid,
        result: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.finish(
            id,
            owner,
            JobStatus::Done,
            vec![
                (job::Column::Result, Some(result.to_owned()).into()),
                (job::Column::FinishedAt, Some(at).into()),
                (job::Column::LastError, Option::<String>::None.into()),
            ],
        )
        .await
    }

    /// The attempt failed; try again at `run_at`.
    pub async fn retry_at(
        &self,
        id: JobId,
        owner: uuid::Uuid,
        error: &str,
        run_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.finish(
            id,
            owner,
            JobStatus::Queued,
            vec![
                (job::Column::RunAt, run_at.into()),
                (job::Column::LastError, Some(error.to_owned()).into()),
            ],
        )
        .await
    }

    /// The job failed for the last time: it stays `dead`, visible, until an admin retries it.
    pub async fn bury(
        &self,
        id: JobId,
        owner: uuid::Uuid,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.finish(
            id,
            owner,
            JobStatus::Dead,
            vec![
                (job::Column::LastError, Some(error.to_owned()).into()),
                (job::Column::FinishedAt, Some(at).into()),
            ],
        )
        .await
    }
}
