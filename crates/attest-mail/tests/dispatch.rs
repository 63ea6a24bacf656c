//! The dispatcher against a real SMTP server (aiosmtpd, started here): delivery once,
//! 451 then success, 550 failing for good, a dispatcher that dies mid-batch, and two
//! dispatchers racing over the same outbox.

#[path = "support/sink.rs"]
mod sink;

use attest_domain::{Principal, Slug, TrustName};
use attest_mail::{DispatchSettings, Dispatcher, MailTransport};
use attest_store::{NewEmail, NewTrust, Outbox, OutboxDelivery, Trusts};
use attest_test_support::TestDatabase;
use chrono::{Duration, Utc};
use sink::Sink;

async fn trust(db: &attest_store::Database) -> Principal {
    let trust = Trusts::create(
        db,
        NewTrust {
            slug: Slug::parse("mail").expect("slug"),
            name: TrustName::parse("Mail").expect("name"),
            created_at: Utc::now(),
        },
    )
    .await
    .expect("trust");
    attest_test_support::principals::operator(trust.id)
}

/// A working signing link's shape: `ml_` and 64 hex digits.
const LIVE_LINK: &str = "ml_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn queue(db: &attest_store::Database, principal: &Principal, to: &str, key: &str) {
    Outbox::new(db, &principal.scope())
        .enqueue(NewEmail {
            kind: "test",
            to_address: to.to_owned(),
            subject: format!("Please sign ({key})"),
            body_text: format!("Message {key}: sign at https://a.example/sign/{LIVE_LINK}"),
            body_html: Some(format!(
                "<a href=\"https://a.example/sign/{LIVE_LINK}\">sign</a>"
            )),
            dedupe_key: Some(key.to_owned()),
            at: Utc::now() - Duration::seconds(1),
        })
        .await
        .expect("queued");
}

fn dispatcher(db: &attest_store::Database, sink: &Sink) -> Dispatcher {
    Dispatcher::new(
        attest_app::App::new(db.clone(), std::sync::Arc::new(attest_app::SystemClock))
            .mail_delivery(),
        MailTransport::from_url(&sink.url()).expect("transport"),
        DispatchSettings {
            from: "Mail Trust <attest@mail.example>".to_owned(),
            batch: 7,
            ..DispatchSettings::default()
        },
    )
}

#[tokio::test]
async fn delivers_once_retries_451_and_gives_up_on_550() {
    let sink = Sink::start();
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let principal = trust(db).await;
    queue(db, &principal, "ann@school.example", "ok").await;
    queue(db, &principal, "bob.tempfail@school.example", "busy").await;
    queue(db, &principal, "cy.reject@school.example", "gone").await;
    // The same dedupe key again is the same message: not queued twice.
    queue(db, &principal, "ann@school.example", "ok").await;

    let dispatcher = dispatcher(db, &sink);
    let now = Utc::now();
    let first = dispatcher.dispatch_once(now).await.expect("round");
    assert_eq!((first.sent, first.retried, first.failed), (1, 1, 1));
    assert_eq!(sink.received().len(), 1);
    let nothing = dispatcher.dispatch_once(now).await.expect("round");
    assert_eq!(nothing.handled(), 0, "the retry waits for its backoff");

    let later = dispatcher
        .dispatch_once(now + Duration::minutes(5))
        .await
        .expect("round");
    assert_eq!((later.sent, later.retried, later.failed), (1, 0, 0));
    let received = sink.received();
    assert_eq!(received.len(), 2);
    assert!(received.iter().any(|m| m.contains("Message busy")));
    assert!(
        received
            .iter()
            .all(|m| m.contains("Mail Trust") && m.contains("<attest@mail.example>")),
        "{received:?}"
    );

    let messages = Outbox::new(db, &principal.scope())
        .recent(10)
        .await
        .expect("outbox");
    assert_eq!(messages.len(), 3);
    let gone = messages
        .iter()
        .find(|m| m.to_address.contains("reject"))
        .expect("row");
    assert_eq!(gone.status, "failed");
    // A message that failed for good keeps no working link (issue 15).
    assert!(!gone.body_text.contains(LIVE_LINK), "{gone:?}");
    assert!(
        gone.body_html
            .as_deref()
            .is_some_and(|html| !html.contains(LIVE_LINK)),
        "{gone:?}"
    );
    assert!(
        gone.last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{gone:?}"
    );
    let busy = messages
        .iter()
        .find(|m| m.to_address.contains("tempfail"))
        .expect("row");
    assert_eq!((busy.status.as_str(), busy.attempts), ("sent", 2));
    let id = busy.message_id.as_deref().expect("message id");
    assert!(
        received.iter().any(|m| m.contains(id)),
        "the Message-ID comes from the outbox id"
    );
    let never = dispatcher
        .dispatch_once(now + Duration::days(2))
        .await
        .expect("round");
    assert_eq!(
        never.handled(),
        0,
        "sent and failed messages are never sent again"
    );
}

#[tokio::test]
async fn a_dead_dispatchers_messages_are_sent_once_after_its_lease() {
    let sink = Sink::start();
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let principal = trust(db).await;
    for n in 0..3 {
        queue(
            db,
            &principal,
            &format!("p{n}@school.example"),
            &format!("m{n}"),
        )
        .await;
    }
    let now = Utc::now();
    // A dispatcher claims everything, then dies before sending.
    let claimed = OutboxDelivery::new(db)
        .claim(now, now + Duration::minutes(5), 10)
        .await
        .expect("claimed");
    assert_eq!(claimed.len(), 3);
    let survivor = dispatcher(db, &sink);
    assert_eq!(
        survivor.dispatch_once(now).await.expect("round").handled(),
        0
    );
    let report = survivor
        .drain(now + Duration::minutes(6))
        .await
        .expect("drain");
    assert_eq!(report.sent, 3);
    assert_eq!(sink.received().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_never_send_the_same_message_twice() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let sink = Arc::new(Sink::start());
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db().clone();
    let principal = trust(&db).await;
    let total = 60;
    for n in 0..total {
        queue(
            &db,
            &principal,
            &format!("staff{n}@school.example"),
            &format!("k{n}"),
        )
        .await;
    }
    let now = Utc::now();
    let handled = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..2 {
        let (db, sink, handled) = (db.clone(), sink.clone(), handled.clone());
        workers.push(tokio::spawn(async move {
            let dispatcher = dispatcher(&db, &sink);
            let mut sent = 0;
            // Like the server's loop: keep polling until the outbox is empty.
            for _ in 0..500 {
                if handled.load(Ordering::SeqCst) >= total {
                    break;
                }
                let round = dispatcher.dispatch_once(now).await.expect("round");
                sent += round.sent;
                handled.fetch_add(round.handled(), Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
            sent
        }));
    }
    let mut per_worker = Vec::new();
    for worker in workers {
        per_worker.push(worker.await.expect("worker"));
    }
    assert_eq!(per_worker.iter().sum::<usize>(), total, "{per_worker:?}");
    assert!(
        per_worker.iter().all(|sent| *sent > 0),
        "both took part: {per_worker:?}"
    );
    let received = sink.received();
    assert_eq!(received.len(), total);
    let mut ids: Vec<&str> = received
        .iter()
        .filter_map(|m| m.lines().find(|l| l.starts_with("Message-ID:")))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "every message once");
}

#[tokio::test]
async fn a_trusts_own_sender_is_used_and_sent_links_are_not_kept() {
    let sink = Sink::start();
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let principal = trust(db).await;
    let mut input = attest_domain::MailSettingsInput::defaults();
    input.from_name = Some("Riverside Learning Trust".to_owned());
    input.from_address = Some("policies@riverside.example".to_owned());
    input.reply_to = Some("office@riverside.example".to_owned());
    let settings = attest_domain::MailSettings::parse(input).expect("valid");
    attest_store::TrustMailSettings::new(db, &principal.scope())
        .put(&settings, Utc::now())
        .await
        .expect("saved");
    let link = attest_auth::mint_magic_link().expect("minted").secret;
    Outbox::new(db, &principal.scope())
        .enqueue(NewEmail {
            kind: "magic_link",
            to_address: "ann@school.example".to_owned(),
            subject: "Please sign".to_owned(),
            body_text: format!("Sign here: https://attest.example/sign/{link}\n"),
            body_html: Some(format!(
                "<a href=\"https://attest.example/sign/{link}\">Sign</a>"
            )),
            dedupe_key: None,
            at: Utc::now() - Duration::seconds(1),
        })
        .await
        .expect("queued");

    let report = dispatcher(db, &sink).drain(Utc::now()).await.expect("sent");
    assert_eq!(report.sent, 1);
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let email = &received[0];
    assert!(
        email.contains("From: \"Riverside Learning Trust\" <policies@riverside.example>"),
        "{email}"
    );
    assert!(
        email.contains("Reply-To: office@riverside.example"),
        "{email}"
    );
    let unfolded = email.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&link),
        "the recipient gets a working link"
    );

    let kept = Outbox::new(db, &principal.scope())
        .recent(1)
        .await
        .expect("outbox")
        .remove(0);
    assert_eq!(kept.status, "sent");
    assert!(!kept.body_text.contains(&link), "{}", kept.body_text);
    assert!(
        !kept
            .body_html
            .as_deref()
            .unwrap_or_default()
            .contains(&link),
        "the stored HTML keeps no link either"
    );
    assert!(kept.body_text.contains(attest_auth::REDACTED_LINK));
}
