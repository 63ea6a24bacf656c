//! Background jobs as use cases: queueing the scheduled work of every trust, running
//! what is due (claim, run, record the outcome), and the admin's view: list, retry,
//! cancel. Replicas coordinate only through the `jobs` table.

use std::time::Duration as StdDuration;

use attest_domain::{JobId, JobKind, JobStatus, Principal, retry_backoff, tick_key};
use attest_store::{Job, JobQueue, Jobs, NewJob, TransactionTrait, Trusts};

use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// Attempts before a job is left dead.
pub const JOB_MAX_ATTEMPTS: u32 = 5;

/// How a worker runs jobs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Identifies this worker's leases; a new one per worker.
    pub owner: uuid::Uuid,
    /// Jobs claimed per round.
    pub batch: u64,
    /// How long a claimed job is this worker's; after it, another worker takes it over.
    pub lease: StdDuration,
}

impl WorkerSettings {
    pub fn new() -> Self {
        Self {
            owner: uuid::Uuid::new_v4(),
            batch: 4,
            lease: StdDuration::from_secs(600),
        }
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self::new()
    }
}

/// What one round of a worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobRound {
    pub done: usize,
    pub retried: usize,
    pub dead: usize,
    /// Outcomes not recorded because the lease had passed to another worker.
    pub lost_lease: usize,
}

impl JobRound {
    pub fn handled(&self) -> usize {
        self.done + self.retried + self.dead + self.lost_lease
    }

    fn add(&mut self, other: Self) {
        self.done += other.done;
        self.retried += other.retried;
        self.dead += other.dead;
        self.lost_lease += other.lost_lease;
    }
}

impl App {
    /// Queues `kind` for every trust for the scheduler tick at this instant. Every
    /// replica's scheduler fires; the dedupe key lets one of them queue each job.
    pub async fn schedule_jobs(&self, kind: JobKind) -> Result<usize, AppError> {
        let at = self.now();
        let mut queued = 0;
        for trust in Trusts::all(&self.db).await? {
            let operator = crate::principals::system(trust.id, attest_domain::SystemTask::Jobs);
            if kind == JobKind::DirectorySync
                && attest_store::Directory::new(&self.db, &operator.scope())
                    .connection()
                    .await?
                    .is_none()
            {
                continue;
            }
            let job = Jobs::new(&self.db, &operator.scope())
                .enqueue(NewJob {
                    kind,
                    payload: "{}".to_owned(),
                    run_at: at,
                    dedupe_key: Some(tick_key(kind, trust.id, at)),
                    max_attempts: JOB_MAX_ATTEMPTS,
                    at,
                })
                .await?;
            queued += usize::from(job.is_some());
        }
        Ok(queued)
    }

    /// Does the work of one job and says what it did.
    async fn perform(&self, job: &Job) -> Result<String, AppError> {
        match job.kind {
            JobKind::Reminders => {
                let report = self.run_trust_reminders(job.trust).await?;
                Ok(format!(
                    "{} staff emails, {} escalation emails, {} steps, {} digests, {} review alerts, {} approval requests, {} scheduled publications",
                    report.staff_emails,
                    report.escalation_emails,
                    report.steps,
                    report.digests,
                    report.review_alerts,
                    report.approval_requests,
                    report.scheduled_publications
                ))
            }
            JobKind::BreachAlerts => {
                let queued = self.run_breach_alerts(job.trust).await?;
                let casework = self.run_casework_alerts(job.trust).await?;
                Ok(format!(
                    "{queued} breach alerts, {casework} casework alerts"
                ))
            }
            JobKind::DirectorySync => self.run_scheduled_sync(job.trust).await,
        }
    }

    /// One round: claims up to `batch` due jobs and runs them one after another.
    pub async fn run_due_jobs(&self, worker: &WorkerSettings) -> Result<JobRound, AppError> {
        let now = self.now();
        let lease = chrono::Duration::from_std(worker.lease)
            .unwrap_or_else(|_| chrono::Duration::minutes(10));
        let claimed = JobQueue::new(&self.db)
            .claim(now, now + lease, worker.owner, worker.batch)
            .await?;
        let mut round = JobRound::default();
        for job in claimed {
            round.add(self.run_claimed(worker, &job).await?);
        }
        Ok(round)
    }

    /// Runs rounds until nothing is due (for `attest jobs run` and tests).
    pub async fn drain_jobs(&self, worker: &WorkerSettings) -> Result<JobRound, AppError> {
        let mut total = JobRound::default();
        loop {
            let round = self.run_due_jobs(worker).await?;
            if round.handled() == 0 {
                return Ok(total);
            }
            total.add(round);
        }
    }

    async fn run_claimed(&self, worker: &WorkerSettings, job: &Job) -> Result<JobRound, AppError> {
        let queue = JobQueue::new(&self.db);
        let owner = worker.owner;
        if job.attempts > job.max_attempts {
            // Workers kept dying on it: stop taking it over.
            let recorded = queue
                .bury(
                    job.id,
                    owner,
                    &format!("abandoned by its worker {} times", job.attempts - 1),
                    self.now(),
                )
                .await?;
            return Ok(outcome(
                recorded,
                JobRound {
                    dead: 1,
                    ..JobRound::default()
                },
            ));
        }
        let result = self.perform(job).await;
        let at = self.now();
        Ok(match result {
            Ok(summary) => {
                tracing::info!(job = %job.id, kind = %job.kind, %summary, "job done");
                let recorded = queue.complete(job.id, owner, &summary, at).await?;
                outcome(
                    recorded,
                    JobRound {
                        done: 1,
                        ..JobRound::default()
                    },
                )
            }
            Err(error) if job.attempts >= job.max_attempts => {
                tracing::error!(job = %job.id, kind = %job.kind, %error, "job dead");
                let message = format!("failed {} times; last: {error}", job.attempts);
                let recorded = queue.bury(job.id, owner, &message, at).await?;
                outcome(
                    recorded,
                    JobRound {
                        dead: 1,
                        ..JobRound::default()
                    },
                )
            }
            Err(error) => {
                let jitter = f64::from(uuid::Uuid::new_v4().as_u128() as u16) / f64::from(u16::MAX);
                let retry = at + retry_backoff(job.attempts, jitter);
                tracing::warn!(job = %job.id, kind = %job.kind, %error, %retry, "job will be retried");
                let recorded = queue
                    .retry_at(job.id, owner, &error.to_string(), retry)
                    .await?;
                outcome(
                    recorded,
                    JobRound {
                        retried: 1,
                        ..JobRound::default()
                    },
                )
            }
        })
    }

    /// The trust's jobs, newest first. Trust admins only.
    pub async fn jobs(
        &self,
        principal: &Principal,
        status: Option<&str>,
        first: u64,
    ) -> Result<Vec<Job>, AppError> {
        require_trust_admin(principal, "see jobs")?;
        let status = status.map(str::parse::<JobStatus>).transpose()?;
        if first == 0 || first > 500 {
            return Err(AppError::invalid("first", "between 1 and 500"));
        }
        Ok(Jobs::new(&self.db, &principal.scope())
            .list(status, first)
            .await?)
    }

    /// Puts a dead or cancelled job back in the queue to run now, with fresh attempts.
    pub async fn retry_job(&self, principal: &Principal, id: JobId) -> Result<Job, AppError> {
        require_trust_admin(principal, "retry jobs")?;
        self.change_job(principal, id, JobChange::Retry).await
    }

    /// Cancels a queued job.
    pub async fn cancel_job(&self, principal: &Principal, id: JobId) -> Result<Job, AppError> {
        require_trust_admin(principal, "cancel jobs")?;
        self.change_job(principal, id, JobChange::Cancel).await
    }

    async fn change_job(
        &self,
        principal: &Principal,
        id: JobId,
        change: JobChange,
    ) -> Result<Job, AppError> {
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let jobs = Jobs::new(&txn, &scope);
        let before = jobs.get(id).await?;
        let status = before.status;
        let (action, changed) = match change {
            JobChange::Retry if status.can_retry() => ("job.retry", jobs.requeue(id, at).await?),
            JobChange::Cancel if status.can_cancel() => ("job.cancel", jobs.cancel(id, at).await?),
            JobChange::Retry => {
                return Err(AppError::Conflict(format!(
                    "this job is {status}; only dead or cancelled jobs can be retried"
                )));
            }
            JobChange::Cancel => {
                return Err(AppError::Conflict(format!(
                    "this job is {status}; only queued jobs can be cancelled"
                )));
            }
        };
        if !changed {
            return Err(AppError::Conflict(
                "the job changed meanwhile; look again".to_owned(),
            ));
        }
        let after = jobs.get(id).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action,
                subject_type: "job",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}

#[derive(Clone, Copy)]
enum JobChange {
    Retry,
    Cancel,
}

fn outcome(recorded: bool, round: JobRound) -> JobRound {
    if recorded {
        round
    } else {
        JobRound {
            lost_lease: 1,
            ..JobRound::default()
        }
    }
}
