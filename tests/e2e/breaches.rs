//! Breach reporting end to end: a breach from report to close as the DPO works it,
//! refused moves, the 72-hour clock across a clock change, alerts sent once each, two
//! DPOs editing at once, who sees what (reporters, school admins, other trusts), and the
//! register's CSV against a checked-in fixture.

use attest_app::Clock;
use attest_domain::PersonId;
use attest_tests::{TestApp, error_code, error_message};
use chrono::{Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::access::token;

const FIELDS: &str = "id reference status version nextStatuses awareAt deadline deadlineInLondon overdue schoolIds specialCategoryHidden dataCategories peopleCategories assessment { riskLevel notifyIco notifySubjects } icoReports { followUp icoReference delayReason } subjectNotice { how } lessonsLearned closeReason";
const REPORT: &str = "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id reference status version specialCategoryHidden } }";
const TRIAGE: &str = "mutation($id: UUID!, $v: Int!, $at: DateTime!) { triageBreach(id: $id, version: $v, awareAt: $at, awareReason: \"The report reached the office an hour after the parent rang\", notes: \"Confirmed with the head.\") { status version awareAt deadline deadlineInLondon } }";
const ASSESS: &str = "mutation($id: UUID!, $v: Int!, $input: AssessBreachInput!) { assessBreach(id: $id, version: $v, input: $input) { status version assessment { riskLevel } } }";
const ICO: &str = "mutation($id: UUID!, $v: Int!, $input: IcoNotificationRecord!) { recordIcoNotification(id: $id, version: $v, input: $input) { status version icoReports { followUp icoReference } } }";
const SUBJECTS: &str = "mutation($id: UUID!, $v: Int!) { recordSubjectNotification(id: $id, version: $v, how: \"Letter to the family, delivered by hand\", message: \"A letter about your child was sent to another family; it has been deleted.\", peopleTold: 1) { status version } }";
const CLOSE: &str = "mutation($id: UUID!, $v: Int!, $input: CloseBreachRecord!) { closeBreach(id: $id, version: $v, input: $input) { status version closeReason lessonsLearned } }";
const NOTE: &str = "mutation($id: UUID!) { addBreachNote(id: $id, text: \"Head spoke to the family.\", attachment: \"Letter sent, saved in the DPO folder\") { seq action } }";

pub(crate) fn report(school: &str, data: &[&str], discovered: chrono::DateTime<Utc>) -> Value {
    json!({ "input": {
        "whatHappened": "A spreadsheet of Year 6 SEN needs was emailed to the wrong parent.",
        "discoveredAt": discovered.to_rfc3339(),
        "howDiscovered": "The parent replied to say so.",
        "cyberIncident": "no",
        "dataCategories": data,
        "recordsAffected": 28,
        "peopleAffected": 28,
        "peopleCategories": ["pupils"],
        "staffInvolved": "yes",
        "staffTraining": "Annual data protection training, September 2026",
        "recoveredOrContained": "unknown",
        "reporterName": "Sam Office",
        "reporterContact": "office@school.example",
        "schoolIds": [school]
    }})
}

fn high_risk() -> Value {
    json!({ "input": {
        "consequences": "Distress to families; SEN needs disclosed to another parent.",
        "likelihood": "medium",
        "severity": "high",
        "containmentActions": "Recipient asked to delete; confirmed by phone.",
        "notifyIco": true,
        "icoReasons": "Special category data about children, likely to cause distress.",
        "notifySubjects": true,
        "othersTold": ["trust_board", "insurer"]
    }})
}

struct Desk {
    test: TestApp,
    admin: String,
    dpo: String,
    school: String,
}

/// A trust with a school, a DPO token and a DPO person with an email (for the alerts).
async fn desk() -> Desk {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Riverside Primary", "700001")
        .await;
    let dpo_person = test
        .with_person(
            &trust.admin,
            "Dee Protection",
            "dpo@trust.example",
            &school,
            "SUPPORT",
        )
        .await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    test.app
        .grant_role(
            &operator,
            dpo_person.parse::<PersonId>().expect("id"),
            "dpo",
            None,
        )
        .await
        .expect("role");
    let dpo = token(&test, &trust.admin, "DPO", None).await;
    Desk {
        test,
        admin: trust.admin,
        dpo,
        school,
    }
}

async fn alerts(test: &TestApp) -> Vec<attest_store::OutboxMessage> {
    let operator = test.app.operator_for("alpha").await.expect("operator");
    attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(500)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == "breach_alert")
        .collect()
}

#[tokio::test]
async fn a_breach_from_report_to_close_and_the_register() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let reporter = token(&test, &admin, "SCHOOL_ADMIN", Some(&school)).await;
    let now = test.clock.now();
    let reported = test
        .data(
            &reporter,
            REPORT,
            report(
                &school,
                &["health", "basic_identifiers"],
                now - Duration::hours(1),
            ),
        )
        .await["reportBreach"]
        .clone();
    assert_eq!(reported["reference"], "BR-2026-0001");
    assert_eq!(reported["status"], "reported");
    let id = reported["id"].as_str().expect("id").to_owned();
    let alert = alerts(&test).await;
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0].to_address, "dpo@trust.example");
    assert_eq!(alert[0].subject, "BR-2026-0001: new breach reported");

    let triaged = test
        .data(
            &dpo,
            TRIAGE,
            json!({ "id": id, "v": 1, "at": now.to_rfc3339() }),
        )
        .await["triageBreach"]
        .clone();
    assert_eq!(triaged["status"], "triaged");
    assert_eq!(
        triaged["deadlineInLondon"],
        "Thursday 26 November 2026, 09:00 GMT"
    );
    let assessed = test
        .data(
            &dpo,
            ASSESS,
            json!({ "id": id, "v": 2, "input": high_risk()["input"] }),
        )
        .await["assessBreach"]
        .clone();
    assert_eq!(assessed["assessment"]["riskLevel"], "high_risk");
    test.clock.advance(Duration::hours(30));
    let told = test
        .data(
            &dpo,
            ICO,
            json!({ "id": id, "v": 3, "input": { "icoReference": "IC-123456-A1B2" } }),
        )
        .await["recordIcoNotification"]
        .clone();
    assert_eq!(told["status"], "notified_ico");
    let early_close = test
        .graphql(Some(&dpo), CLOSE, json!({ "id": id, "v": 4, "input": {} }))
        .await;
    assert_eq!(error_code(&early_close), "BAD_USER_INPUT");
    assert!(
        error_message(&early_close).contains("people affected"),
        "{early_close}"
    );
    test.data(&dpo, SUBJECTS, json!({ "id": id, "v": 4 })).await;
    let follow = test.data(&dpo, ICO, json!({ "id": id, "v": 5, "input": { "icoReference": "IC-123456-A1B2", "followUp": true, "detail": "All copies confirmed deleted." } })).await["recordIcoNotification"].clone();
    assert_eq!(follow["status"], "subjects_notified");
    assert_eq!(follow["icoReports"].as_array().expect("reports").len(), 2);
    test.data(&dpo, NOTE, json!({ "id": id })).await;
    let closed = test.data(&dpo, CLOSE, json!({ "id": id, "v": 6, "input": { "lessonsLearned": "Check recipients before sending attachments; use the MIS messaging." } })).await["closeBreach"].clone();
    assert_eq!(
        (closed["status"].as_str(), closed["version"].as_u64()),
        (Some("closed"), Some(7))
    );

    let full = test
        .data(&dpo, &format!("query($id: UUID!) {{ breach(id: $id) {{ {FIELDS} timeline {{ seq action actorKind actorName }} }} }}"), json!({ "id": id }))
        .await["breach"]
        .clone();
    let actions: Vec<&str> = full["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        [
            "reported",
            "triaged",
            "assessed",
            "ico_notified",
            "subjects_notified",
            "ico_notified",
            "note",
            "closed"
        ]
    );
    assert!(
        full["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .all(|event| event["actorName"] == "token \"t\""),
        "each step names the token that took it: {full}"
    );
    assert_eq!(full["nextStatuses"], json!([]));
    assert_eq!(full["overdue"], false);

    // Another, closed as not a breach; then the register.
    let second = test
        .data(
            &reporter,
            REPORT,
            report(&school, &["not_yet_known"], test.clock.now()),
        )
        .await["reportBreach"]
        .clone();
    assert_eq!(second["reference"], "BR-2026-0002");
    let not_one = test.data(&dpo, CLOSE, json!({ "id": second["id"], "v": 1, "input": { "notABreach": true, "reason": "The email went to the right parent after all." } })).await["closeBreach"].clone();
    assert_eq!(not_one["status"], "closed_not_a_breach");
    let csv = test
        .client
        .get(test.url("/exports/breaches.csv"))
        .bearer_auth(&dpo)
        .send()
        .await
        .expect("request");
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("body");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/e2e/fixtures/breach_register.csv"
    );
    if std::env::var_os("ATTEST_UPDATE_FIXTURES").is_some() {
        std::fs::write(fixture, &csv).expect("write fixture");
    }
    assert_eq!(
        csv,
        std::fs::read_to_string(fixture).expect("fixture"),
        "regenerate with ATTEST_UPDATE_FIXTURES=1"
    );
    let refused = test
        .client
        .get(test.url("/exports/breaches.csv"))
        .bearer_auth(&reporter)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn moves_outside_the_workflow_are_refused_clearly() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let now = test.clock.now();
    let id = test
        .data(&admin, REPORT, report(&school, &["basic_identifiers"], now))
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let skipped = test
        .graphql(
            Some(&dpo),
            ASSESS,
            json!({ "id": id, "v": 1, "input": high_risk()["input"] }),
        )
        .await;
    assert_eq!(error_code(&skipped), "BAD_USER_INPUT");
    assert_eq!(
        error_message(&skipped),
        "status: a reported breach cannot move to assessed; it can move to triaged or closed_not_a_breach"
    );
    let not_dpo = test
        .graphql(
            Some(&admin),
            TRIAGE,
            json!({ "id": id, "v": 1, "at": now.to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&not_dpo), "FORBIDDEN");
    let future = test
        .graphql(
            Some(&dpo),
            TRIAGE,
            json!({ "id": id, "v": 1, "at": (now + Duration::hours(2)).to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&future), "BAD_USER_INPUT");
    assert!(error_message(&future).starts_with("awareAt"), "{future}");

    // Aware on Friday 23 October at 10:00 BST: the deadline is Monday 09:00 GMT.
    let friday = Utc
        .with_ymd_and_hms(2026, 10, 23, 9, 0, 0)
        .single()
        .expect("t");
    let triaged = test
        .data(
            &dpo,
            TRIAGE,
            json!({ "id": id, "v": 1, "at": friday.to_rfc3339() }),
        )
        .await["triageBreach"]
        .clone();
    assert_eq!(
        triaged["deadlineInLondon"],
        "Monday 26 October 2026, 09:00 GMT"
    );
    let view = test
        .data(
            &dpo,
            "query($id: UUID!) { breach(id: $id) { overdue nextStatuses } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        view["breach"]["overdue"], true,
        "a month past its deadline, the ICO not told"
    );
    assert_eq!(
        view["breach"]["nextStatuses"],
        json!(["assessed", "closed_not_a_breach"])
    );
    test.data(
        &dpo,
        ASSESS,
        json!({ "id": id, "v": 2, "input": high_risk()["input"] }),
    )
    .await;
    let late = test
        .graphql(
            Some(&dpo),
            ICO,
            json!({ "id": id, "v": 3, "input": { "icoReference": "IC-1" } }),
        )
        .await;
    assert_eq!(error_code(&late), "BAD_USER_INPUT");
    assert!(error_message(&late).starts_with("delayReason"), "{late}");
    let explained = test.data(&dpo, ICO, json!({ "id": id, "v": 3, "input": { "icoReference": "IC-1", "delayReason": "Reported to the school only at half-term." } })).await;
    assert_eq!(explained["recordIcoNotification"]["status"], "notified_ico");
    let again = test.graphql(Some(&dpo), ICO, json!({ "id": id, "v": 4, "input": { "icoReference": "IC-2", "delayReason": "Again." } })).await;
    assert_eq!(error_code(&again), "CONFLICT");
    let bad_category = test
        .graphql(Some(&admin), REPORT, report(&school, &["passwords"], now))
        .await;
    assert_eq!(error_code(&bad_category), "BAD_USER_INPUT");
    assert!(
        error_message(&bad_category).contains("dataCategories: 'passwords' is not one of"),
        "{bad_category}"
    );
    let unknown = test
        .graphql(
            Some(&dpo),
            TRIAGE,
            json!({ "id": uuid::Uuid::new_v4(), "v": 1, "at": now.to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&unknown), "NOT_FOUND");
}

#[tokio::test]
async fn two_dpos_editing_at_once_one_wins_and_the_other_gets_a_conflict() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let other_dpo = token(&test, &admin, "DPO", None).await;
    let now = test.clock.now();
    let id = test
        .data(&admin, REPORT, report(&school, &["basic_identifiers"], now))
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (first, second) = tokio::join!(
        test.graphql(
            Some(&dpo),
            TRIAGE,
            json!({ "id": id, "v": 1, "at": now.to_rfc3339() })
        ),
        test.graphql(
            Some(&other_dpo),
            TRIAGE,
            json!({ "id": id, "v": 1, "at": (now - Duration::hours(1)).to_rfc3339() })
        ),
    );
    let outcomes = [&first, &second];
    let won = outcomes
        .iter()
        .filter(|answer| answer.get("errors").is_none())
        .count();
    assert_eq!(won, 1, "{first} {second}");
    let lost = outcomes
        .iter()
        .find(|answer| answer.get("errors").is_some())
        .expect("a loser");
    assert_eq!(error_code(lost), "CONFLICT", "{lost}");
    assert!(
        error_message(lost).contains("changed by someone else"),
        "{lost}"
    );
    let timeline = test
        .data(
            &dpo,
            "query($id: UUID!) { breach(id: $id) { version timeline { action } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(timeline["breach"]["version"], 2);
    assert_eq!(
        timeline["breach"]["timeline"]
            .as_array()
            .expect("events")
            .len(),
        2,
        "one triage recorded"
    );
}

#[tokio::test]
async fn alerts_escalate_once_each_until_the_ico_decision() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let trust = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust();
    let start = test.clock.now();
    let id = test
        .data(
            &admin,
            REPORT,
            report(&school, &["basic_identifiers"], start),
        )
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let waiting = test
        .data(&admin, REPORT, report(&school, &["location"], start))
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    test.data(
        &dpo,
        TRIAGE,
        json!({ "id": id, "v": 1, "at": start.to_rfc3339() }),
    )
    .await;
    assert_eq!(alerts(&test).await.len(), 2, "one on each report");
    let mut sent = Vec::new();
    for hours in [23, 24, 25, 48, 50, 60, 61] {
        test.clock.set(start + Duration::hours(hours));
        sent.push(test.app.run_breach_alerts(trust).await.expect("alerts"));
    }
    assert_eq!(
        sent,
        [0, 2, 0, 2, 0, 2, 0],
        "24h, 48h and 12h-left, once each, for both"
    );
    test.data(
        &dpo,
        ASSESS,
        json!({ "id": id, "v": 2, "input": high_risk()["input"] }),
    )
    .await;
    test.clock.set(start + Duration::hours(73));
    assert_eq!(
        test.app.run_breach_alerts(trust).await.expect("alerts"),
        1,
        "only the undecided one"
    );
    let subjects: Vec<String> = alerts(&test).await.into_iter().map(|m| m.subject).collect();
    assert!(
        subjects.contains(&"BR-2026-0002: the 72 hours have passed".to_owned()),
        "{subjects:?}"
    );
    assert!(!subjects.contains(&"BR-2026-0001: the 72 hours have passed".to_owned()));
    let view = test
        .data(
            &dpo,
            "query($id: UUID!) { breach(id: $id) { overdue awareAt } }",
            json!({ "id": waiting }),
        )
        .await;
    assert_eq!(view["breach"]["awareAt"], Value::Null);
}

#[tokio::test]
async fn each_role_sees_only_what_it_may_and_trusts_never_meet() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let other_school = test.with_school(&admin, "Hillside Primary", "700002").await;
    let mine = token(&test, &admin, "SCHOOL_ADMIN", Some(&school)).await;
    let theirs = token(&test, &admin, "SCHOOL_ADMIN", Some(&other_school)).await;
    // The reporter: a school admin reporting for their own school (a read-only token
    // may not report: it changes nothing).
    let staff = theirs.clone();
    let read_only = token(&test, &admin, "READ_ONLY", None).await;
    let now = test.clock.now();
    let refused = test
        .graphql(
            Some(&read_only),
            REPORT,
            report(&other_school, &["location"], now),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let sensitive = test
        .data(
            &dpo,
            REPORT,
            report(&school, &["health", "basic_identifiers"], now),
        )
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    test.data(&staff, REPORT, report(&other_school, &["location"], now))
        .await;
    let outside = test
        .graphql(
            Some(&mine),
            REPORT,
            report(&other_school, &["location"], now),
        )
        .await;
    assert_eq!(error_code(&outside), "FORBIDDEN");

    let list = |token: String| {
        let test = &test;
        async move {
            test.data(
                &token,
                "{ breaches { reference dataCategories specialCategoryHidden } }",
                json!({}),
            )
            .await["breaches"]
                .clone()
        }
    };
    assert_eq!(list(dpo.clone()).await.as_array().expect("all").len(), 2);
    let school_view = list(mine.clone()).await;
    assert_eq!(school_view.as_array().expect("one").len(), 1);
    assert_eq!(
        school_view[0]["dataCategories"],
        json!(["basic_identifiers"])
    );
    assert_eq!(school_view[0]["specialCategoryHidden"], true);
    let own = list(staff.clone()).await;
    assert_eq!(
        own.as_array().expect("own").len(),
        1,
        "a reporter sees their own report"
    );
    assert_eq!(own[0]["reference"], "BR-2026-0002");
    let hidden = test
        .graphql(
            Some(&theirs),
            "query($id: UUID!) { breach(id: $id) { reference } }",
            json!({ "id": sensitive }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    let timeline = test
        .graphql(
            Some(&mine),
            "query($id: UUID!) { breach(id: $id) { timeline { action } } }",
            json!({ "id": sensitive }),
        )
        .await;
    assert_eq!(error_code(&timeline), "FORBIDDEN");

    let beta = test.trust("beta").await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;
    assert_eq!(list(beta_dpo.clone()).await, json!([]));
    let across = test
        .graphql(
            Some(&beta_dpo),
            TRIAGE,
            json!({ "id": sensitive, "v": 1, "at": now.to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&across), "NOT_FOUND");
    let note = test
        .graphql(Some(&beta.admin), NOTE, json!({ "id": sensitive }))
        .await;
    assert_eq!(error_code(&note), "NOT_FOUND");
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "700009")
        .await;
    let first = test
        .data(
            &beta.admin,
            REPORT,
            report(&beta_school, &["location"], now),
        )
        .await;
    assert_eq!(
        first["reportBreach"]["reference"], "BR-2026-0001",
        "references count per trust"
    );
    let wrong_school = test
        .graphql(
            Some(&beta.admin),
            REPORT,
            report(&school, &["location"], now),
        )
        .await;
    assert_eq!(error_code(&wrong_school), "NOT_FOUND", "{wrong_school}");
}

#[tokio::test]
async fn reports_made_at_the_same_moment_each_get_their_own_reference() {
    let Desk {
        test,
        admin,
        school,
        ..
    } = desk().await;
    let now = test.clock.now();
    let one = || test.graphql(Some(&admin), REPORT, report(&school, &["location"], now));
    let (a, b, c, d, e, f) = tokio::join!(one(), one(), one(), one(), one(), one());
    let answers = [a, b, c, d, e, f];
    let mut references: Vec<String> = answers
        .iter()
        .map(|answer| {
            answer["data"]["reportBreach"]["reference"]
                .as_str()
                .unwrap_or_else(|| panic!("{answer}"))
                .to_owned()
        })
        .collect();
    references.sort();
    assert_eq!(
        references,
        (1..=6)
            .map(|n| format!("BR-2026-{n:04}"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn trust_admins_act_for_the_dpo_and_school_admins_see_special_categories_only_when_granted() {
    let Desk {
        test,
        admin,
        dpo,
        school,
    } = desk().await;
    let other_school = test.with_school(&admin, "Hillside Primary", "700002").await;
    let school_admin = token(&test, &admin, "SCHOOL_ADMIN", Some(&school)).await;
    let now = test.clock.now();
    let id = test
        .data(
            &dpo,
            REPORT,
            report(&school, &["health", "basic_identifiers"], now),
        )
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let read = "query($id: UUID!) { breach(id: $id) { dataCategories specialCategoryHidden } }";
    let seen = |token: String| {
        let test = &test;
        let id = id.clone();
        async move { test.data(&token, read, json!({ "id": id })).await["breach"].clone() }
    };
    let triage = json!({ "id": id, "v": 1, "at": now.to_rfc3339() });

    let refused = test.graphql(Some(&admin), TRIAGE, triage.clone()).await;
    assert_eq!(
        error_code(&refused),
        "FORBIDDEN",
        "not unless configured: {refused}"
    );
    assert_eq!(
        seen(school_admin.clone()).await["specialCategoryHidden"],
        true
    );
    let settings = "mutation($act: Boolean!, $schools: [UUID!]!) { setBreachSettings(trustAdminsActAsDpo: $act, specialCategorySchoolIds: $schools) { trustAdminsActAsDpo specialCategorySchoolIds } }";
    let refused = test
        .graphql(
            Some(&school_admin),
            settings,
            json!({ "act": true, "schools": [school] }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let unknown = test
        .graphql(
            Some(&dpo),
            settings,
            json!({ "act": false, "schools": [uuid::Uuid::new_v4()] }),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT", "{unknown}");
    assert!(
        error_message(&unknown).contains("is not a school of this trust"),
        "{unknown}"
    );

    // Granted for another school: still hidden here.
    test.data(
        &admin,
        settings,
        json!({ "act": true, "schools": [other_school] }),
    )
    .await;
    let view = seen(school_admin.clone()).await;
    assert_eq!(view["specialCategoryHidden"], true);
    assert_eq!(view["dataCategories"], json!(["basic_identifiers"]));
    // Granted for their school: the DPO grants it, and the school admin sees it all.
    test.data(&dpo, settings, json!({ "act": true, "schools": [school] }))
        .await;
    let view = seen(school_admin.clone()).await;
    assert_eq!(view["specialCategoryHidden"], false);
    assert_eq!(
        view["dataCategories"],
        json!(["basic_identifiers", "health"])
    );

    let triaged = test.data(&admin, TRIAGE, triage).await;
    assert_eq!(
        triaged["triageBreach"]["status"], "triaged",
        "a trust admin acts as the DPO"
    );
    let refused = test
        .graphql(
            Some(&school_admin),
            ASSESS,
            json!({ "id": id, "v": 2, "input": high_risk()["input"] }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "school admins never do");

    let current = test
        .data(
            &admin,
            "{ breachSettings { trustAdminsActAsDpo specialCategorySchoolIds } }",
            json!({}),
        )
        .await;
    assert_eq!(
        current["breachSettings"],
        json!({ "trustAdminsActAsDpo": true, "specialCategorySchoolIds": [school] })
    );
    let beta = test.trust("beta").await;
    let theirs = test
        .data(
            &beta.admin,
            "{ breachSettings { trustAdminsActAsDpo specialCategorySchoolIds } }",
            json!({}),
        )
        .await;
    assert_eq!(
        theirs["breachSettings"],
        json!({ "trustAdminsActAsDpo": false, "specialCategorySchoolIds": [] }),
        "another trust's settings are its own"
    );
    let cross = test
        .graphql(
            Some(&beta.admin),
            settings,
            json!({ "act": true, "schools": [school] }),
        )
        .await;
    assert_eq!(
        error_code(&cross),
        "BAD_USER_INPUT",
        "another trust's school: {cross}"
    );
    let audit = test
        .data(
            &admin,
            "query { auditLog(first: 50) { action } }",
            json!({}),
        )
        .await;
    assert!(
        audit["auditLog"]
            .as_array()
            .expect("audit")
            .iter()
            .any(|entry| entry["action"] == "breach.settings_changed"),
        "{audit}"
    );
}
