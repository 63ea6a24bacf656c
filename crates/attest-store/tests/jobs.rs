//! The jobs table as workers and admins use it: one job per dedupe key, a lease that
//! keeps other workers off until it runs out, takeover after it, outcomes recorded only
//! by the lease's owner, concurrent workers taking each job once, and trusts kept apart.

use std::collections::HashSet;
use std::sync::Arc;

use attest_domain::{JobKind, JobStatus, TenantScope};
use attest_store::{JobQueue, Jobs, NewJob, StoreError};
use attest_test_support::TestDatabase;
use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("valid")
}

async fn trust(db: &attest_store::Database, slug: &str) -> TenantScope {
    attest_test_support::store_trust(db, slug, t0()).await.1
}

fn job(key: &str) -> NewJob {
    NewJob {
        kind: JobKind::Reminders,
        payload: "{}".to_owned(),
        run_at: t0(),
        dedupe_key: Some(key.to_owned()),
        max_attempts: 5,
        at: t0(),
    }
}

#[tokio::test]
async fn a_job_is_queued_once_per_key_and_leased_to_one_worker_at_a_time() {
    let database = TestDatabase::migrated().await.expect("db");
    let db = database.db();
    let scope = trust(db, "alpha").await;
    let jobs = Jobs::new(db, &scope);
    let id = jobs
        .enqueue(job("tick-1"))
        .await
        .expect("queued")
        .expect("new");
    assert_eq!(
        jobs.enqueue(job("tick-1")).await.expect("queued"),
        None,
        "same key"
    );

    let queue = JobQueue::new(db);
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let lease = Duration::minutes(10);
    let early = queue
        .claim(t0() - Duration::seconds(1), t0() + lease, first, 10)
        .await
        .expect("claim");
    assert!(early.is_empty(), "not due before its run_at");
    let claimed = queue
        .claim(t0(), t0() + lease, first, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].status, claimed[0].attempts),
        (JobStatus::Running, 1)
    );
    let during = t0() + Duration::minutes(9);
    assert!(
        queue
            .claim(during, during + lease, second, 10)
            .await
            .expect("claim")
            .is_empty(),
        "leased to the first worker"
    );

    // The first worker stalls past its lease: the second takes the job over.
    let after = t0() + Duration::minutes(11);
    let taken = queue
        .claim(after, after + lease, second, 10)
        .await
        .expect("claim");
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 2);
    assert!(
        !queue
            .complete(id, first, "late", after)
            .await
            .expect("complete"),
        "the stalled worker's outcome is not recorded"
    );
    assert!(
        queue
            .complete(id, second, "sent 3", after)
            .await
            .expect("complete")
    );
    let done = jobs.get(id).await.expect("job");
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.result.as_deref(), Some("sent 3"));
    assert!(
        queue
            .claim(after + lease * 2, after + lease * 3, first, 10)
            .await
            .expect("claim")
            .is_empty(),
        "a done job is never run again"
    );
}

#[tokio::test]
async fn failures_wait_their_turn_then_die_and_admins_retry_or_cancel() {
    let database = TestDatabase::migrated().await.expect("db");
    let db = database.db();
    let scope = trust(db, "alpha").await;
    let jobs = Jobs::new(db, &scope);
    let queue = JobQueue::new(db);
    let worker = Uuid::new_v4();
    let id = jobs.enqueue(job("tick-1")).await.expect("q").expect("new");
    queue
        .claim(t0(), t0() + Duration::minutes(10), worker, 1)
        .await
        .expect("claim");
    let later = t0() + Duration::minutes(2);
    assert!(
        queue
            .retry_at(id, worker, "database down", later)
            .await
            .expect("retry")
    );
    let waiting = jobs.get(id).await.expect("job");
    assert_eq!(waiting.status, JobStatus::Queued);
    assert_eq!(waiting.last_error.as_deref(), Some("database down"));
    assert!(
        queue
            .claim(t0() + Duration::minutes(1), later, worker, 1)
            .await
            .expect("c")
            .is_empty(),
        "not before its retry time"
    );
    queue
        .claim(later, later + Duration::minutes(10), worker, 1)
        .await
        .expect("claim");
    assert!(
        queue
            .bury(id, worker, "failed 2 times", later)
            .await
            .expect("bury")
    );
    assert_eq!(jobs.get(id).await.expect("job").status, JobStatus::Dead);
    assert!(
        queue
            .claim(
                later + Duration::days(1),
                later + Duration::days(2),
                worker,
                1
            )
            .await
            .expect("c")
            .is_empty(),
        "a dead job stays dead"
    );
    assert!(
        !jobs.cancel(id, later).await.expect("cancel"),
        "only queued jobs cancel"
    );
    assert!(jobs.requeue(id, later).await.expect("requeue"));
    let again = jobs.get(id).await.expect("job");
    assert_eq!((again.status, again.attempts), (JobStatus::Queued, 0));
    assert!(jobs.cancel(id, later).await.expect("cancel"));
    assert_eq!(
        jobs.get(id).await.expect("job").status,
        JobStatus::Cancelled
    );
    assert_eq!(
        jobs.list(Some(JobStatus::Cancelled), 10)
            .await
            .expect("list")
            .len(),
        1
    );
    assert!(
        jobs.list(Some(JobStatus::Queued), 10)
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn concurrent_workers_take_each_job_exactly_once() {
    let database = TestDatabase::migrated().await.expect("db");
    let db = database.db().clone();
    let scope = trust(&db, "alpha").await;
    let jobs = Jobs::new(&db, &scope);
    let total = 120;
    for n in 0..total {
        jobs.enqueue(job(&format!("tick-{n}")))
            .await
            .expect("q")
            .expect("new");
    }
    let taken = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (db, taken) = (db.clone(), taken.clone());
        workers.spawn(async move {
            let owner = Uuid::new_v4();
            let queue = JobQueue::new(&db);
            loop {
                let claimed = queue
                    .claim(t0(), t0() + Duration::minutes(10), owner, 3)
                    .await
                    .expect("claim");
                if claimed.is_empty() {
                    return;
                }
                for job in claimed {
                    assert!(
                        queue
                            .complete(job.id, owner, "ok", t0())
                            .await
                            .expect("done")
                    );
                    taken.lock().expect("lock").push(job.id);
                }
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.expect("worker");
    }
    let taken = taken.lock().expect("lock").clone();
    let distinct: HashSet<_> = taken.iter().collect();
    assert_eq!(taken.len(), total, "every job run once");
    assert_eq!(distinct.len(), total, "no job run twice");
    assert_eq!(
        jobs.list(Some(JobStatus::Done), 500)
            .await
            .expect("list")
            .len(),
        total
    );
}

#[tokio::test]
async fn one_trust_never_sees_or_changes_anothers_jobs() {
    let database = TestDatabase::migrated().await.expect("db");
    let db = database.db();
    let alpha = trust(db, "alpha").await;
    let beta = trust(db, "beta").await;
    let theirs = Jobs::new(db, &beta)
        .enqueue(job("tick-1"))
        .await
        .expect("q")
        .expect("new");
    let ours = Jobs::new(db, &alpha)
        .enqueue(job("tick-1"))
        .await
        .expect("q");
    assert!(ours.is_some(), "dedupe keys are per trust");
    let mine = Jobs::new(db, &alpha);
    assert_eq!(mine.list(None, 100).await.expect("list").len(), 1);
    assert!(matches!(
        mine.get(theirs).await,
        Err(StoreError::NotFound("job"))
    ));
    assert!(!mine.cancel(theirs, t0()).await.expect("cancel"));
    assert_eq!(
        Jobs::new(db, &beta).get(theirs).await.expect("job").status,
        JobStatus::Queued,
        "untouched"
    );
}
