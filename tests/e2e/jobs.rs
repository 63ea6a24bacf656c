//! Background jobs end to end: the scheduler's tick queues one reminder job per trust
//! however often it fires in a minute, workers run it once, a worker that dies mid-job
//! is taken over after its lease without sending twice, failures back off and die
//! visibly, and trust admins list, retry and cancel through GraphQL — only their own.

use attest_app::{Clock, WorkerSettings};
use attest_domain::JobKind;
use attest_store::{ConnectionTrait, JobQueue};
use attest_tests::{TestApp, error_code, error_message};
use chrono::Duration;
use serde_json::json;

use crate::signing::fixture;

const JOBS: &str = "query($s: JobStatus) { jobs(status: $s) { id kind status attempts maxAttempts lastError result runAt } }";
const RETRY: &str = "mutation($id: UUID!) { retryJob(id: $id) { id status attempts } }";
const CANCEL: &str = "mutation($id: UUID!) { cancelJob(id: $id) { id status } }";
const SET_MAIL: &str = "mutation($input: MailSettingsInput!) { setMailSettings(input: $input) { fromName fromAddress replyTo footer windowOpens windowCloses weekends reminderDays escalateAfterOverdueDays } }";

async fn reminder_emails(test: &TestApp, slug: &str) -> Vec<attest_store::OutboxMessage> {
    let operator = test.app.operator_for(slug).await.expect("operator");
    attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(500)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|message| message.kind == "reminder")
        .collect()
}

#[tokio::test]
async fn a_tick_queues_one_job_per_trust_and_admins_manage_only_their_own() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    fixture(
        &test,
        &alpha.admin,
        "600001",
        &["Ann Early", "Bob Late", "Cy Slow"],
    )
    .await;

    // Every replica's scheduler fires; within the minute the work is queued once.
    assert_eq!(
        test.app
            .schedule_jobs(JobKind::Reminders)
            .await
            .expect("tick"),
        2
    );
    test.clock.advance(Duration::seconds(20));
    assert_eq!(
        test.app
            .schedule_jobs(JobKind::Reminders)
            .await
            .expect("tick"),
        0
    );

    let queued = test
        .data(&alpha.admin, JOBS, json!({ "s": "QUEUED" }))
        .await;
    let queued = queued["jobs"].as_array().expect("jobs").clone();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["kind"], "reminders");
    let first_job = queued[0]["id"].as_str().expect("id").to_owned();

    let worker = WorkerSettings::new();
    let round = test.app.drain_jobs(&worker).await.expect("worked");
    assert_eq!((round.done, round.dead), (2, 0), "{round:?}");
    let done = test.data(&alpha.admin, JOBS, json!({ "s": "DONE" })).await;
    assert_eq!(done["jobs"][0]["id"], first_job.as_str());
    assert!(
        done["jobs"][0]["result"]
            .as_str()
            .is_some_and(|r| r.starts_with("3 staff emails")),
        "{done}"
    );
    assert_eq!(reminder_emails(&test, "alpha").await.len(), 3);

    for mutation in [RETRY, CANCEL] {
        let refused = test
            .graphql(Some(&alpha.admin), mutation, json!({ "id": first_job }))
            .await;
        assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
        assert!(
            error_message(&refused).contains("this job is done"),
            "{refused}"
        );
    }

    // The next tick's job: cancelled before it runs, then retried by the admin.
    test.clock.advance(Duration::minutes(10));
    test.app
        .schedule_jobs(JobKind::Reminders)
        .await
        .expect("tick");
    let next = test
        .data(&alpha.admin, JOBS, json!({ "s": "QUEUED" }))
        .await;
    let next = next["jobs"][0]["id"].as_str().expect("id").to_owned();
    let cancelled = test.data(&alpha.admin, CANCEL, json!({ "id": next })).await;
    assert_eq!(cancelled["cancelJob"]["status"], "CANCELLED");
    let round = test.app.drain_jobs(&worker).await.expect("worked");
    assert_eq!(round.done, 1, "only beta's job runs: {round:?}");
    let retried = test.data(&alpha.admin, RETRY, json!({ "id": next })).await;
    assert_eq!(retried["retryJob"]["status"], "QUEUED");
    assert_eq!(test.app.drain_jobs(&worker).await.expect("worked").done, 1);
    assert_eq!(
        reminder_emails(&test, "alpha").await.len(),
        3,
        "a later tick sends nobody the same step again"
    );

    // Beta's admin sees only beta's jobs and cannot touch alpha's.
    let theirs = test.data(&beta.admin, JOBS, json!({})).await;
    assert_eq!(theirs["jobs"].as_array().expect("jobs").len(), 2);
    for mutation in [RETRY, CANCEL] {
        let hidden = test
            .graphql(Some(&beta.admin), mutation, json!({ "id": next }))
            .await;
        assert_eq!(error_code(&hidden), "NOT_FOUND", "{hidden}");
    }
    let anonymous = test.graphql(None, JOBS, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_worker_that_dies_mid_job_is_taken_over_after_its_lease_and_sends_once() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    fixture(
        &test,
        &trust.admin,
        "600002",
        &["Ann Early", "Bob Late", "Cy Slow", "Di Dawdle"],
    )
    .await;
    test.app
        .schedule_jobs(JobKind::Reminders)
        .await
        .expect("tick");

    // A worker claims the job, queues the emails, and dies before recording it done.
    let now = test.clock.now();
    let dead = uuid::Uuid::new_v4();
    let claimed = JobQueue::new(&test.db)
        .claim(now, now + Duration::minutes(10), dead, 10)
        .await
        .expect("claimed");
    assert_eq!(claimed.len(), 1);
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let report = test
        .app
        .run_trust_reminders(operator.trust())
        .await
        .expect("the dead worker's work");
    assert_eq!(report.staff_emails, 4);

    let worker = WorkerSettings::new();
    let during = test.app.drain_jobs(&worker).await.expect("round");
    assert_eq!(during.handled(), 0, "the lease keeps other workers off");
    test.clock.advance(Duration::minutes(11));
    let after = test.app.drain_jobs(&worker).await.expect("round");
    assert_eq!(after.done, 1, "taken over once the lease ran out");
    let jobs = test.data(&trust.admin, JOBS, json!({ "s": "DONE" })).await;
    assert_eq!(jobs["jobs"][0]["attempts"], 2);
    assert!(
        jobs["jobs"][0]["result"]
            .as_str()
            .is_some_and(|r| r.starts_with("0 staff emails")),
        "{jobs}"
    );
    assert_eq!(
        reminder_emails(&test, "alpha").await.len(),
        4,
        "delivered once"
    );
}

#[tokio::test]
async fn a_failing_job_backs_off_then_dies_and_an_admin_retries_it() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    fixture(&test, &trust.admin, "600003", &["Ann Early"]).await;
    test.data(&trust.admin, SET_MAIL, json!({ "input": {} }))
        .await;
    // Settings damaged behind attest's back: every reminder run fails until fixed.
    test.db
        .execute_unprepared("UPDATE trust_mail_settings SET window_opens = 'soon'")
        .await
        .expect("damaged");
    test.app
        .schedule_jobs(JobKind::Reminders)
        .await
        .expect("tick");
    let worker = WorkerSettings::new();
    let first = test.app.drain_jobs(&worker).await.expect("round");
    assert_eq!(first.retried, 1);
    let waiting = test
        .data(&trust.admin, JOBS, json!({ "s": "QUEUED" }))
        .await;
    let job = waiting["jobs"][0].clone();
    assert_eq!(job["attempts"], 1);
    assert!(
        job["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("mail settings")),
        "{job}"
    );
    assert_eq!(
        test.app.drain_jobs(&worker).await.expect("round").handled(),
        0,
        "waits out its backoff"
    );
    let mut dead = 0;
    for _ in 0..6 {
        test.clock.advance(Duration::hours(7));
        dead += test.app.drain_jobs(&worker).await.expect("round").dead;
    }
    assert_eq!(dead, 1);
    let buried = test.data(&trust.admin, JOBS, json!({ "s": "DEAD" })).await;
    assert_eq!(buried["jobs"][0]["attempts"], 5);
    assert!(
        buried["jobs"][0]["lastError"]
            .as_str()
            .is_some_and(|e| e.starts_with("failed 5 times")),
        "{buried}"
    );
    assert!(reminder_emails(&test, "alpha").await.is_empty());

    // Fixed (weekends allowed: the clock has moved on), retried, and done.
    test.data(
        &trust.admin,
        SET_MAIL,
        json!({ "input": { "weekends": true, "windowOpens": "00:00", "windowCloses": "24:00" } }),
    )
    .await;
    let id = job["id"].as_str().expect("id");
    let retried = test.data(&trust.admin, RETRY, json!({ "id": id })).await;
    assert_eq!(retried["retryJob"]["attempts"], 0);
    assert_eq!(test.app.drain_jobs(&worker).await.expect("round").done, 1);
    assert_eq!(reminder_emails(&test, "alpha").await.len(), 1);
}

#[tokio::test]
async fn mail_settings_brand_emails_and_move_the_send_window() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    fixture(&test, &alpha.admin, "600004", &["Ann Early", "Bob Late"]).await;
    let before = test
        .data(
            &alpha.admin,
            "{ mailSettings { windowOpens windowCloses weekends reminderDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        before["mailSettings"],
        json!({ "windowOpens": "08:00", "windowCloses": "18:00", "weekends": false, "reminderDays": [3, 7, 14] })
    );
    let input = json!({
        "fromName": "Riverside Learning Trust",
        "fromAddress": "policies@riverside.example",
        "replyTo": "office@riverside.example",
        "footer": "Riverside Learning Trust, 1 High Street\nQuestions? office@riverside.example",
        "windowOpens": "10:00",
        "windowCloses": "16:00",
        "weekends": true,
        "reminderDays": [2],
        "escalateAfterOverdueDays": 3
    });
    let saved = test
        .data(&alpha.admin, SET_MAIL, json!({ "input": input }))
        .await;
    assert_eq!(saved["setMailSettings"]["reminderDays"], json!([2]));
    for (field, bad) in [
        (
            "windowCloses",
            json!({ "windowOpens": "16:00", "windowCloses": "10:00" }),
        ),
        ("replyTo", json!({ "replyTo": "office" })),
        ("reminderDays", json!({ "reminderDays": [7, 3] })),
        (
            "fromName",
            json!({ "fromName": "Trust\nBcc: all@example.com" }),
        ),
    ] {
        let refused = test
            .graphql(Some(&alpha.admin), SET_MAIL, json!({ "input": bad }))
            .await;
        assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(
            error_message(&refused).contains(field),
            "{field}: {refused}"
        );
    }
    let kept = test
        .data(
            &alpha.admin,
            "{ mailSettings { fromAddress weekends windowOpens } }",
            json!({}),
        )
        .await;
    assert_eq!(
        kept["mailSettings"],
        json!({ "fromAddress": "policies@riverside.example", "weekends": true, "windowOpens": "10:00" }),
        "a refused change changes nothing"
    );
    let theirs = test
        .data(
            &beta.admin,
            "{ mailSettings { fromAddress weekends } }",
            json!({}),
        )
        .await;
    assert_eq!(
        theirs["mailSettings"],
        json!({ "fromAddress": null, "weekends": false })
    );

    // Saturday 28 November: before 10:00 nothing; at 11:00 one email each, branded.
    let saturday = test.clock.now() + Duration::days(5);
    test.clock.set(saturday);
    assert_eq!(
        test.app.run_reminders().await.expect("tick").staff_emails,
        0
    );
    test.clock.set(saturday + Duration::hours(2));
    let sent = test.app.run_reminders().await.expect("tick");
    assert_eq!(sent.staff_emails, 2, "{sent:?}");
    let emails = reminder_emails(&test, "alpha").await;
    assert!(
        emails.iter().all(|m| m
            .body_text
            .ends_with("Questions? office@riverside.example\n")),
        "{}",
        emails[0].body_text
    );
    let audit = test
        .data(
            &alpha.admin,
            "{ auditLog(first: 20) { action } }",
            json!({}),
        )
        .await;
    assert!(audit.to_string().contains("mail.settings"), "{audit}");
}
