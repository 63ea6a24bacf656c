//! Two `attest serve` processes on one database, each with its own scheduler ticking
//! every second, its own job workers and its own mail dispatcher, delivering to a real
//! SMTP server: every email goes out exactly once, none is lost, and no person is sent
//! the same reminder twice. Then one replica is killed mid-flight and the other carries on.

#[path = "../../attest-mail/tests/support/sink.rs"]
mod sink;

use std::collections::{BTreeMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attest_app::{App, SystemClock};
use attest_domain::MailSettingsInput;
use attest_test_support::TestDatabase;
use sink::Sink;

fn replica(database: &TestDatabase, sink: &Sink) -> Child {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ATTEST_DATABASE_URL", database.url())
        .env("ATTEST_SMTP_URL", sink.url())
        .env("ATTEST_MAIL_FROM", "Demo Trust <attest@demo.example>")
        .env("ATTEST_PUBLIC_URL", "http://attest.demo.example")
        .env("ATTEST_REMINDERS_CRON", "* * * * * *")
        .env("ATTEST_MAIL_DISPATCH_SECONDS", "1")
        .env("ATTEST_JOB_POLL_SECONDS", "1")
        .env("ATTEST_JOB_WORKERS", "2")
        .env("ATTEST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start attest serve")
}

struct Replicas(Vec<Child>);

impl Drop for Replicas {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn all_outbox(app: &App) -> Vec<attest_store::OutboxMessage> {
    let operator = app.operator_for("demo").await.expect("operator");
    app.outbox(&operator, None, 500).await.expect("outbox")
}

fn message_ids(received: &[String]) -> Vec<String> {
    received
        .iter()
        .filter_map(|email| {
            email
                .lines()
                .find_map(|line| line.strip_prefix("Message-ID: "))
                .map(|id| id.trim().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn two_servers_on_one_database_send_every_email_exactly_once() {
    let sink = Sink::start();
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let demo = attest_server::demo::seed(&app).await.expect("demo trust");
    let operator = app.operator_for(&demo.trust_slug).await.expect("operator");
    // Any hour, any day: the test must not depend on when CI runs it.
    app.set_mail_settings(
        &operator,
        MailSettingsInput {
            window_opens: "00:00".to_owned(),
            window_closes: "24:00".to_owned(),
            weekends: true,
            ..MailSettingsInput::defaults()
        },
    )
    .await
    .expect("settings");

    let mut replicas = Replicas(vec![replica(&database, &sink), replica(&database, &sink)]);
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut settled_rounds = 0;
    let mut killed = false;
    loop {
        assert!(
            Instant::now() < deadline,
            "the replicas did not deliver in time"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        let outbox = all_outbox(&app).await;
        let jobs = app.jobs(&operator, Some("done"), 500).await.expect("jobs");
        let sent = outbox.iter().filter(|m| m.status == "sent").count();
        if !killed && sent > 0 {
            // One replica dies mid-flight; the other must finish alone.
            let mut first = replicas.0.remove(0);
            let _ = first.kill();
            let _ = first.wait();
            killed = true;
        }
        let pending = outbox.iter().any(|m| m.status == "pending");
        if jobs.len() >= 2 && !pending && sink.received().len() == sent {
            settled_rounds += 1;
            if settled_rounds >= 4 {
                break;
            }
        } else {
            settled_rounds = 0;
        }
    }
    drop(replicas);

    let outbox = all_outbox(&app).await;
    assert!(
        outbox.len() > 10,
        "the demo owes reminders: {}",
        outbox.len()
    );
    let failed: Vec<_> = outbox.iter().filter(|m| m.status != "sent").collect();
    assert!(failed.is_empty(), "none lost: {failed:?}");
    let received = sink.received();
    let ids = message_ids(&received);
    assert_eq!(ids.len(), received.len(), "every message has a Message-ID");
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "no email delivered twice");
    assert_eq!(received.len(), outbox.len(), "every queued email delivered");
    for message in &outbox {
        let id = message
            .message_id
            .as_deref()
            .expect("sent with a Message-ID");
        assert!(distinct.contains(&id.to_owned()), "{id} was not received");
    }
    let mut reminders: BTreeMap<&str, usize> = BTreeMap::new();
    for message in outbox.iter().filter(|m| m.kind == "reminder") {
        *reminders.entry(message.to_address.as_str()).or_default() += 1;
    }
    assert!(!reminders.is_empty());
    assert!(
        reminders.values().all(|count| *count == 1),
        "one reminder email per person per window: {reminders:?}"
    );
    let jobs = app.jobs(&operator, None, 500).await.expect("jobs");
    assert!(
        jobs.iter().all(|job| job.status.as_str() != "dead"),
        "{jobs:?}"
    );
    let keys: HashSet<_> = jobs.iter().map(|job| job.dedupe_key.clone()).collect();
    assert_eq!(
        keys.len(),
        jobs.len(),
        "one job per tick however many replicas"
    );
    eprintln!(
        "two replicas: {} emails delivered once each ({} reminders), {} reminder jobs",
        received.len(),
        reminders.len(),
        jobs.len()
    );
}
