//! Reminders through time: a notice when due, reminders on the plan's days, one
//! catch-up email after a weekend, escalation to the school admin, silence once signed,
//! and two schedulers ticking together never sending twice.

use attest_app::{App, Clock};
use attest_domain::PersonId;
use attest_tests::TestApp;
use chrono::{Duration, TimeZone, Utc};

use crate::signing::{fixture, sign_with_link};

async fn emails(test: &TestApp, kind: &str) -> Vec<attest_store::OutboxMessage> {
    let operator = test.app.operator_for("alpha").await.expect("operator");
    attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(500)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|message| message.kind == kind)
        .collect()
}

fn link_in(body: &str) -> String {
    let start = body.find("/sign/").expect("a link") + "/sign/".len();
    body[start..]
        .split_whitespace()
        .next()
        .expect("secret")
        .to_owned()
}

#[tokio::test]
async fn staff_are_chased_until_they_sign_and_admins_hear_about_the_overdue() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "500001", &["Ann Early", "Bob Late"]).await;
    let head = test
        .with_person(
            &trust.admin,
            "Hana Head",
            "head@500001.sch.uk",
            &f.school,
            "LEADERSHIP",
        )
        .await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    test.app
        .grant_role(
            &operator,
            head.parse::<PersonId>().expect("id"),
            "school_admin",
            Some(f.school.parse().expect("id")),
        )
        .await
        .expect("role");

    // Monday 23 November, 09:00: everyone has just become due: one notice each.
    let first = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        (first.staff_emails, first.escalation_emails),
        (3, 0),
        "{first:?}"
    );
    let again = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        again.staff_emails + again.steps,
        0,
        "never twice the same step"
    );
    let notices = emails(&test, "reminder").await;
    let ann = notices
        .iter()
        .find(|m| m.to_address.starts_with("ann."))
        .expect("Ann's notice");
    assert!(ann.body_text.contains("Dear Ann Early"));

    // Ann signs with the link in her notice: she is never written to again.
    let signed = sign_with_link(&test, &link_in(&ann.body_text), "Ann Early").await;
    assert!(signed["errors"].is_null(), "{signed}");

    // Saturday: outside the window, nothing. Monday 30th (7 days after due): one email
    // for the 3- and 7-day reminders together.
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .single()
            .expect("valid"),
    );
    let weekend = test.app.run_reminders().await.expect("tick");
    assert_eq!(weekend.staff_emails, 0);
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 30, 8, 5, 0)
            .single()
            .expect("valid"),
    );
    let monday = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        monday.staff_emails, 2,
        "Bob and the head, not Ann: {monday:?}"
    );
    assert_eq!(
        monday.steps, 4,
        "3-day (covered) and 7-day steps for two people"
    );
    let reminders = emails(&test, "reminder").await;
    assert_eq!(
        reminders
            .iter()
            .filter(|m| m.to_address.starts_with("ann."))
            .count(),
        1
    );
    assert_eq!(
        reminders
            .iter()
            .filter(|m| m.to_address.starts_with("bob."))
            .count(),
        2
    );

    // Monday 7 December, 14 days after due: the last reminder.
    test.clock.advance(Duration::days(7));
    let last = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        (last.staff_emails, last.escalation_emails),
        (2, 0),
        "{last:?}"
    );
    // Monday 14 December: nothing for staff, but the week's digest.
    test.clock.advance(Duration::days(7));
    let digest_only = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        (
            digest_only.staff_emails,
            digest_only.escalation_emails,
            digest_only.digests
        ),
        (0, 0, 1),
        "{digest_only:?}"
    );
    // 14 days' grace, then 7 days overdue: 22 days after due the head hears about Bob,
    // on a tick with nothing else to send.
    test.clock.advance(Duration::days(1));
    let late = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        (late.staff_emails, late.escalation_emails),
        (0, 1),
        "{late:?}"
    );
    let escalation = emails(&test, "escalation").await;
    assert_eq!(escalation.len(), 1);
    assert_eq!(escalation[0].to_address, "head@500001.sch.uk");
    assert!(escalation[0].body_text.contains("Bob Late"));
    assert!(!escalation[0].body_text.contains("Ann Early"));
    let quiet = test.app.run_reminders().await.expect("tick");
    assert_eq!(quiet, attest_app::ReminderReport::default());
}

#[tokio::test]
async fn two_schedulers_ticking_together_send_each_reminder_once() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let staff: Vec<String> = (0..12).map(|n| format!("Staff Member{n}")).collect();
    let names: Vec<&str> = staff.iter().map(String::as_str).collect();
    fixture(&test, &trust.admin, "500002", &names).await;
    let replica = App::new(test.db.clone(), test.clock.clone());
    let (a, b) = tokio::join!(test.app.run_reminders(), replica.run_reminders());
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.staff_emails + b.staff_emails, 12, "{a:?} {b:?}");
    assert_eq!(emails(&test, "reminder").await.len(), 12);
    assert!(
        test.clock.now()
            > Utc
                .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .expect("valid")
    );
}

#[tokio::test]
async fn school_admins_get_a_weekly_digest_and_owners_hear_of_reviews() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Digest School", "500003")
        .await;
    let imported = test
        .data(
            &trust.admin,
            "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { policy { id } version { id } } }",
            serde_json::json!({ "input": { "text": "Staff AUP\n\n- 1.1. I will be careful.\n", "schoolId": school } }),
        )
        .await;
    let version = imported["importPolicy"]["version"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    test.data(
        &trust.admin,
        "mutation($id: UUID!) { updateDraft(id: $id, input: {nextReviewOn: \"2026-12-20\"}) { id } }",
        serde_json::json!({ "id": version }),
    )
    .await;
    test.data(
        &trust.admin,
        "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { id } }",
        serde_json::json!({ "id": version }),
    )
    .await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let head = test
        .with_person(
            &trust.admin,
            "Hana Head",
            "head@500003.sch.uk",
            &school,
            "LEADERSHIP",
        )
        .await;
    let it = test
        .with_person(
            &trust.admin,
            "Ivan It",
            "it@trust.example",
            &school,
            "SUPPORT",
        )
        .await;
    test.app
        .grant_role(
            &operator,
            head.parse::<PersonId>().expect("id"),
            "school_admin",
            Some(school.parse().expect("id")),
        )
        .await
        .expect("role");
    test.app
        .grant_role(
            &operator,
            it.parse::<PersonId>().expect("id"),
            "trust_admin",
            None,
        )
        .await
        .expect("role");
    test.with_person(
        &trust.admin,
        "Olly Out",
        "olly@500003.sch.uk",
        &school,
        "TEACHING",
    )
    .await;

    // Monday 23 November: review on 20 December is within 30 days.
    let first = test.app.run_reminders().await.expect("tick");
    assert_eq!((first.digests, first.review_alerts), (1, 1), "{first:?}");
    let digest = emails(&test, "digest").await;
    assert_eq!(digest[0].to_address, "head@500003.sch.uk");
    assert!(
        digest[0].body_text.contains("Olly Out") && digest[0].subject.contains("3 outstanding"),
        "{}",
        digest[0].subject
    );
    // The review of a school's policy is its admins' task, not the trust's.
    let review = emails(&test, "review_alert").await;
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].to_address, "head@500003.sch.uk");
    assert!(review[0].subject.contains("due in 30 days"));
    // The rest of the week: nothing new. Next Monday: the next digest.
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0)
            .single()
            .expect("valid"),
    );
    let friday = test.app.run_reminders().await.expect("tick");
    assert_eq!((friday.digests, friday.review_alerts), (0, 0));
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
            .single()
            .expect("valid"),
    );
    assert_eq!(test.app.run_reminders().await.expect("tick").digests, 1);
    // Every step given by the middle of December (the last reminder and the escalation)...
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 12, 16, 9, 0, 0)
            .single()
            .expect("valid"),
    );
    let last_steps = test.app.run_reminders().await.expect("tick");
    assert!(
        last_steps.staff_emails > 0 && last_steps.escalation_emails > 0,
        "{last_steps:?}"
    );
    // ...so on the review date, a new week, only the digest and the alert are new: a
    // tick with no step to send still writes the week's digest.
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 12, 21, 9, 0, 0)
            .single()
            .expect("valid"),
    );
    let due = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        (due.staff_emails, due.escalation_emails, due.digests),
        (0, 0, 1),
        "{due:?}"
    );
    assert_eq!(due.review_alerts, 1);
    assert!(
        emails(&test, "review_alert")
            .await
            .iter()
            .any(|m| m.subject.contains("due now"))
    );
    assert_eq!(
        test.app.run_reminders().await.expect("tick").review_alerts,
        0
    );
}

/// Ticks every hour on the hour (UTC) from `start` for `days`, as the scheduler would,
/// and returns each person's reminder emails as London (date, hour).
async fn hourly_ticks_from(
    start: chrono::DateTime<Utc>,
    days: i64,
) -> std::collections::BTreeMap<String, Vec<(chrono::NaiveDate, u32)>> {
    use chrono::Timelike;
    let test = TestApp::spawn().await;
    test.clock.set(start);
    let trust = test.trust("alpha").await;
    fixture(&test, &trust.admin, "500009", &["Ann Early", "Bob Late"]).await;
    let mut at = start;
    while at < start + Duration::days(days) {
        test.clock.set(at);
        test.app.run_reminders().await.expect("tick");
        at += Duration::hours(1);
    }
    let mut by_person = std::collections::BTreeMap::new();
    for email in emails(&test, "reminder").await {
        let local = email.created_at.with_timezone(&attest_domain::LONDON);
        by_person
            .entry(email.to_address.clone())
            .or_insert_with(Vec::new)
            .push((local.date_naive(), local.hour()));
    }
    for sends in by_person.values_mut() {
        sends.sort();
    }
    by_person
}

fn on(month: u32, day: u32, hour: u32) -> (chrono::NaiveDate, u32) {
    (
        chrono::NaiveDate::from_ymd_opt(2026, month, day).expect("date"),
        hour,
    )
}

#[tokio::test]
async fn reminders_across_the_clocks_going_back_are_neither_skipped_nor_doubled() {
    // Due Thursday 22 October; clocks go back at 02:00 on Sunday 25 October. The 3-day
    // reminder falls on that Sunday and waits for Monday 08:00 GMT (the 07:00 UTC tick
    // is 07:00 in London now, outside the window); the 7-day one is Thursday 29th.
    let start = Utc
        .with_ymd_and_hms(2026, 10, 22, 8, 0, 0)
        .single()
        .expect("t");
    let sends = hourly_ticks_from(start, 9).await;
    assert_eq!(sends.len(), 2, "{sends:?}");
    for person in sends.values() {
        assert_eq!(person, &vec![on(10, 22, 9), on(10, 26, 8), on(10, 29, 8)]);
    }
}

#[tokio::test]
async fn reminders_across_the_clocks_going_forward_are_neither_skipped_nor_doubled() {
    // Due Thursday 26 March; clocks go forward at 01:00 on Sunday 29 March. The 3-day
    // reminder waits for Monday 30th at 08:00 BST, which is the 07:00 UTC tick.
    let start = Utc
        .with_ymd_and_hms(2026, 3, 26, 9, 0, 0)
        .single()
        .expect("t");
    let sends = hourly_ticks_from(start, 9).await;
    assert_eq!(sends.len(), 2, "{sends:?}");
    for person in sends.values() {
        assert_eq!(person, &vec![on(3, 26, 9), on(3, 30, 8), on(4, 2, 8)]);
    }
}
