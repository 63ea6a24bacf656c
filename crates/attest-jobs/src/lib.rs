//! attest-jobs: background work for `attest serve`.
//!
//! The cron scheduler only ticks: each tick asks the application to queue that tick's
//! jobs in the database, one per trust, under a dedupe key that every replica's tick
//! shares, so however many replicas run the work is queued once. Workers then claim
//! due jobs from the database (`FOR UPDATE SKIP LOCKED` on PostgreSQL), hold a lease,
//! and record the outcome; replicas coordinate only through the database.

use std::time::Duration;

use attest_app::{App, WorkerSettings};
use attest_domain::{JobKind, LONDON};
use tokio::task::JoinHandle;
use tokio_cron_scheduler::{Job, JobScheduler};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobsError {
    #[error("invalid schedule '{schedule}' for {kind} jobs: {message}")]
    Schedule {
        kind: JobKind,
        schedule: String,
        message: String,
    },
    #[error("the job scheduler failed: {0}")]
    Scheduler(String),
}

/// When jobs are queued and how many run at once.
#[derive(Debug, Clone)]
pub struct JobsSettings {
    /// Cron (with seconds) in Europe/London for the reminder tick, e.g. `0 */10 * * * *`;
    /// empty: never.
    pub reminders_cron: String,
    /// Cron for the breach escalations (the ICO clock runs at weekends too); empty: never.
    pub breach_alerts_cron: String,
    /// Cron for each trust's directory sync (nightly by default); empty: never.
    pub directory_sync_cron: String,
    /// Workers in this process (0: this process queues jobs but does not run them).
    pub workers: usize,
    /// How long an idle worker waits before looking for work again.
    pub poll: Duration,
    /// How long a claimed job belongs to its worker.
    pub lease: Duration,
}

impl Default for JobsSettings {
    fn default() -> Self {
        Self {
            reminders_cron: "0 */10 * * * *".to_owned(),
            breach_alerts_cron: "0 */5 * * * *".to_owned(),
            directory_sync_cron: "0 30 2 * * *".to_owned(),
            workers: 2,
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(600),
        }
    }
}

/// The running scheduler and workers; stop them with [`Background::shutdown`].
pub struct Background {
    scheduler: JobScheduler,
    workers: Vec<JoinHandle<()>>,
}

/// Checks a cron expression without starting anything (for config validation).
pub fn check_schedule(kind: JobKind, schedule: &str) -> Result<(), JobsError> {
    Job::new_async_tz(schedule, LONDON, |_, _| Box::pin(async {}))
        .map(|_| ())
        .map_err(|error| JobsError::Schedule {
            kind,
            schedule: schedule.to_owned(),
            message: format!("{error:?} (six fields: sec min hour day month weekday)"),
        })
}

fn tick(app: &App, kind: JobKind, schedule: &str) -> Result<Job, JobsError> {
    check_schedule(kind, schedule)?;
    let app = app.clone();
    Job::new_async_tz(schedule, LONDON, move |_, _| {
        let app = app.clone();
        Box::pin(async move {
            match app.schedule_jobs(kind).await {
                Ok(queued) => tracing::debug!(%kind, queued, "scheduler tick"),
                Err(error) => tracing::error!(%kind, %error, "scheduler tick failed"),
            }
        })
    })
    .map_err(|error| JobsError::Scheduler(format!("{error:?}")))
}

/// One worker: runs due jobs until aborted, resting `poll` when there are none.
pub async fn work(app: App, settings: WorkerSettings, poll: Duration) {
    loop {
        match app.run_due_jobs(&settings).await {
            Ok(round) if round.handled() > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "job worker round failed"),
        }
        tokio::time::sleep(poll).await;
    }
}

/// Starts the scheduler and `settings.workers` workers.
pub async fn start(app: App, settings: &JobsSettings) -> Result<Background, JobsError> {
    let scheduler = JobScheduler::new()
        .await
        .map_err(|error| JobsError::Scheduler(format!("{error:?}")))?;
    for (kind, schedule) in [
        (JobKind::Reminders, &settings.reminders_cron),
        (JobKind::BreachAlerts, &settings.breach_alerts_cron),
        (JobKind::DirectorySync, &settings.directory_sync_cron),
    ] {
        if schedule.trim().is_empty() {
            continue;
        }
        scheduler
            .add(tick(&app, kind, schedule.trim())?)
            .await
            .map_err(|error| JobsError::Scheduler(format!("{error:?}")))?;
    }
    scheduler
        .start()
        .await
        .map_err(|error| JobsError::Scheduler(format!("{error:?}")))?;
    let workers = (0..settings.workers)
        .map(|_| {
            let worker = WorkerSettings {
                lease: settings.lease,
                ..WorkerSettings::new()
            };
            tokio::spawn(work(app.clone(), worker, settings.poll))
        })
        .collect();
    Ok(Background { scheduler, workers })
}

impl Background {
    /// Stops ticking and stops the workers. A job cut off mid-run is taken over by
    /// another worker once its lease runs out.
    pub async fn shutdown(mut self) {
        if let Err(error) = self.scheduler.shutdown().await {
            tracing::warn!(?error, "job scheduler did not shut down cleanly");
        }
        for worker in self.workers {
            worker.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_checked_with_a_clear_error() {
        assert!(check_schedule(JobKind::Reminders, "0 */10 * * * *").is_ok());
        assert!(check_schedule(JobKind::Reminders, "*/1 * * * * *").is_ok());
        let error = check_schedule(JobKind::Reminders, "every ten minutes").expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("invalid schedule 'every ten minutes' for reminders jobs"),
            "{error}"
        );
    }
}
