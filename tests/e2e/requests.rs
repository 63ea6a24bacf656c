//! Information requests on UK clocks: a subject access request with its identity
//! pause and extension, an FOI request counted in the trust's school days, the register
//! with filters and CSV, the alerts before and after a deadline; who may see and do what
//! (school admins, another school, another trust, read-only, anonymous, bad input).

use attest_tests::{TestApp, error_code, error_message};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::access::token;
use crate::breach_desk::staff_with_role;

pub(crate) const LOG: &str = "mutation($input: LogInfoRequestInput!) { logInfoRequest(input: $input) { id reference status version dueOn firstDueOn clockStopped overdue workingDaysLeft } }";
const FIELDS: &str = "id reference status version dueOn firstDueOn clockStopped overdue identityVerifiedOn workingDaysLeft answeredLate";

pub(crate) const CALENDAR: &str = "mutation($input: TermCalendarInput!) { setTermCalendar(input: $input) { coveredUntil terms { name } } }";

pub(crate) fn school_year() -> Value {
    json!({ "input": {
        "terms": [
            { "name": "Autumn 2026", "startsOn": "2026-09-02", "endsOn": "2026-12-18" },
            { "name": "Spring 2027", "startsOn": "2027-01-04", "endsOn": "2027-03-26" }
        ],
        "insetDays": ["2027-01-04"]
    }})
}

pub(crate) fn sar(school: Option<&str>, received: &str) -> Value {
    json!({ "input": {
        "kind": "subject_access", "schoolId": school,
        "requesterName": "Pat Parent", "requesterContact": "pat@example.org",
        "relationship": "parent_or_carer", "about": "Their child in Year 5",
        "description": "Copies of everything held about my child this year",
        "receivedOn": received
    }})
}

fn foi(received: &str) -> Value {
    json!({ "input": {
        "kind": "foi", "requesterName": "Ria Reporter", "requesterContact": "ria@news.example",
        "relationship": "member_of_public",
        "description": "Spending on agency staff 2024-25", "receivedOn": received
    }})
}

fn at(day: u32, month: u32, year: i32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 10, 0, 0)
        .single()
        .expect("valid")
}

#[tokio::test]
async fn a_subject_access_request_and_an_foi_request_on_uk_clocks() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "710001").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let dpo = token(&test, admin, "DPO", None).await;
    let head = token(&test, admin, "SCHOOL_ADMIN", Some(&school)).await;
    let calendar = test.data(admin, CALENDAR, school_year()).await;
    assert_eq!(calendar["setTermCalendar"]["coveredUntil"], "2027-03-26");

    // Received Friday 20 November: one calendar month, 20 December is a Sunday → Monday 21st.
    let logged = test
        .data(&head, LOG, sar(Some(&school), "2026-11-20"))
        .await["logInfoRequest"]
        .clone();
    assert_eq!(logged["reference"], "SAR-2026-001");
    assert_eq!(logged["status"], "open");
    assert_eq!(logged["dueOn"], "2026-12-21");
    let id = logged["id"].as_str().expect("id").to_owned();
    // FOI received Monday 23 November: 19 school days to the end of term, the Christmas
    // holidays and the INSET day of 4 January do not count: due Tuesday 5 January.
    let foi_request = test.data(&dpo, LOG, foi("2026-11-23")).await["logInfoRequest"].clone();
    assert_eq!(foi_request["reference"], "FOI-2026-002");
    assert_eq!(foi_request["dueOn"], "2027-01-05");
    let foi_id = foi_request["id"].as_str().expect("id").to_owned();

    // Identity asked for on the 23rd: the clock stops.
    let query_stop = format!(
        "mutation($id: UUID!) {{ stopRequestClock(id: $id, version: 1, reason: \"identity\", from: \"2026-11-23\", note: \"photo ID\") {{ {FIELDS} }} }}"
    );
    let stopped =
        test.data(&head, &query_stop, json!({ "id": id })).await["stopRequestClock"].clone();
    assert_eq!(stopped["status"], "paused");
    assert_eq!(stopped["clockStopped"], true);
    // A week later the ID arrives: 7 days added; 27 December is a Sunday and the 28th
    // the Boxing Day substitute → Tuesday 29 December.
    test.clock.set(at(30, 11, 2026));
    let restart = format!(
        "mutation($id: UUID!, $v: Int!) {{ restartRequestClock(id: $id, version: $v, on: \"2026-11-30\") {{ {FIELDS} }} }}"
    );
    let restarted = test
        .data(&head, &restart, json!({ "id": id, "v": 2 }))
        .await["restartRequestClock"]
        .clone();
    assert_eq!(restarted["status"], "open");
    assert_eq!(restarted["identityVerifiedOn"], "2026-11-30");
    assert_eq!(restarted["dueOn"], "2026-12-29");
    // A stale version is a conflict that says what changed.
    let stale = test
        .graphql(Some(&head), &restart, json!({ "id": id, "v": 2 }))
        .await;
    assert_eq!(error_code(&stale), "CONFLICT", "{stale}");
    assert!(error_message(&stale).contains("SAR-2026-001"));
    // Complex: two further months, the requester told now.
    let extend = format!(
        "mutation($id: UUID!) {{ extendInfoRequest(id: $id, version: 3, by: 2, reason: \"Five years of records across two schools\", requesterToldOn: \"2026-11-30\") {{ {FIELDS} extension {{ by unit }} }} }}"
    );
    let extended = test.data(&dpo, &extend, json!({ "id": id })).await["extendInfoRequest"].clone();
    assert_eq!(extended["firstDueOn"], "2026-12-29");
    assert_eq!(
        extended["dueOn"], "2027-03-01",
        "20 February + 7 days is Saturday 27th → Monday"
    );
    assert_eq!(extended["extension"], json!({ "by": 2, "unit": "months" }));
    let too_many = test
        .graphql(
            Some(&dpo),
            &extend.replace("version: 3, by: 2", "version: 4, by: 3"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT", "{too_many}");
    let exemption = format!(
        "mutation($id: UUID!) {{ recordRequestExemption(id: $id, version: 4, provision: \"DPA 2018 Sch 2 para 16\", reason: \"Other pupils named in incident logs\") {{ {FIELDS} exemptions {{ provision }} }} }}"
    );
    test.data(&dpo, &exemption, json!({ "id": id })).await;
    test.clock.set(at(10, 12, 2026));
    let close = format!(
        "mutation($id: UUID!) {{ closeInfoRequest(id: $id, version: 5, outcome: \"complied_in_part\", on: \"2026-12-10\", summary: \"Sent by secure email with third parties redacted\") {{ {FIELDS} outcome {{ outcome on }} timeline {{ action }} }} }}"
    );
    let closed = test.data(&dpo, &close, json!({ "id": id })).await["closeInfoRequest"].clone();
    assert_eq!(closed["status"], "answered");
    assert_eq!(closed["answeredLate"], false);
    let actions: Vec<&str> = closed["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "logged",
            "clock_stopped",
            "clock_restarted",
            "extended",
            "exemption",
            "closed"
        ]
    );
    let again = test
        .graphql(
            Some(&dpo),
            &close.replace("version: 5", "version: 6"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&again), "BAD_USER_INPUT");

    // The register: filters, and what a school admin sees.
    let register = "query($open: Boolean, $kind: String) { infoRequests(openOnly: $open, kind: $kind) { reference dueOn overdue } }";
    let open = test.data(&dpo, register, json!({ "open": true })).await;
    assert_eq!(
        open["infoRequests"],
        json!([{ "reference": "FOI-2026-002", "dueOn": "2027-01-05", "overdue": false }])
    );
    let sars = test
        .data(&dpo, register, json!({ "kind": "subject_access" }))
        .await;
    assert_eq!(sars["infoRequests"].as_array().map(Vec::len), Some(1));
    let heads = test.data(&head, register, json!({})).await;
    assert_eq!(
        heads["infoRequests"].as_array().map(Vec::len),
        Some(1),
        "not the trust's FOI request"
    );
    let hidden = test
        .graphql(
            Some(&head),
            "query($id: UUID!) { infoRequest(id: $id) { reference } }",
            json!({ "id": foi_id }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    let csv = reqwest::Client::new()
        .get(test.url("/exports/requests.csv?kind=subject_access"))
        .bearer_auth(&dpo)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .expect("header")
            .starts_with("reference,kind,status,school,requester")
    );
    let row = lines.next().expect("row");
    assert!(
        row.starts_with(
            "SAR-2026-001,subject_access,answered,Riverside Primary,Pat Parent,parent_or_carer"
        ),
        "{row}"
    );
    assert!(
        row.contains("2027-03-01") && row.contains("complied_in_part") && row.contains("2 months"),
        "{row}"
    );
    assert_eq!(lines.next(), None);

    // Alerts: five working days before the FOI deadline (29 December is in the
    // holidays but a working day), once; then overdue once.
    let trust = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust();
    test.clock.set(at(28, 12, 2026));
    assert_eq!(
        test.app.run_casework_alerts(trust).await.expect("alerts"),
        1
    );
    assert_eq!(
        test.app.run_casework_alerts(trust).await.expect("alerts"),
        0,
        "once"
    );
    test.clock.set(at(6, 1, 2027));
    assert_eq!(
        test.app.run_casework_alerts(trust).await.expect("alerts"),
        1
    );
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let sent: Vec<String> = attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(50)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == "casework_alert")
        .map(|m| m.subject)
        .collect();
    assert!(
        sent.contains(&"FOI-2026-002 is overdue".to_owned()),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|s| s.starts_with("FOI-2026-002 is due in")),
        "{sent:?}"
    );
}

#[tokio::test]
async fn requests_refuse_the_wrong_callers_and_bad_input() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let admin = alpha.admin.as_str();
    let mine = test.with_school(admin, "Mine Primary", "710101").await;
    let other = test.with_school(admin, "Other Primary", "710102").await;
    let head = token(&test, admin, "SCHOOL_ADMIN", Some(&mine)).await;
    let other_head = token(&test, admin, "SCHOOL_ADMIN", Some(&other)).await;
    let reader = token(&test, admin, "READ_ONLY", None).await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;
    let id = test.data(&head, LOG, sar(Some(&mine), "2026-11-20")).await["logInfoRequest"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let get = "query($id: UUID!) { infoRequest(id: $id) { reference } }";

    let anonymous = test.graphql(None, get, json!({ "id": id })).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    for outsider in [&other_head, &beta_dpo] {
        let seen = test.graphql(Some(outsider), get, json!({ "id": id })).await;
        assert_eq!(error_code(&seen), "NOT_FOUND", "{seen}");
        let note = test
            .graphql(Some(outsider), "mutation($id: UUID!) { addInfoRequestNote(id: $id, version: 1, text: \"x\") { reference } }", json!({ "id": id }))
            .await;
        assert_eq!(error_code(&note), "NOT_FOUND", "{note}");
    }
    assert_eq!(
        test.data(&reader, get, json!({ "id": id })).await["infoRequest"]["reference"],
        "SAR-2026-001"
    );
    let read_only = test
        .graphql(Some(&reader), LOG, sar(Some(&mine), "2026-11-20"))
        .await;
    assert_eq!(error_code(&read_only), "FORBIDDEN");
    // A school admin logs for their own schools only, and must say which.
    let elsewhere = test
        .graphql(Some(&head), LOG, sar(Some(&other), "2026-11-20"))
        .await;
    assert_eq!(error_code(&elsewhere), "NOT_FOUND");
    let nowhere = test
        .graphql(Some(&head), LOG, sar(None, "2026-11-20"))
        .await;
    assert_eq!(error_code(&nowhere), "BAD_USER_INPUT");
    assert!(error_message(&nowhere).contains("which of your schools"));
    // Another trust's school is not found either.
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "710201")
        .await;
    let crossing = test
        .graphql(Some(&beta_dpo), LOG, sar(Some(&mine), "2026-11-20"))
        .await;
    assert_eq!(error_code(&crossing), "NOT_FOUND");
    assert_eq!(
        test.data(&beta_dpo, LOG, sar(Some(&beta_school), "2026-11-20"))
            .await["logInfoRequest"]["reference"],
        "SAR-2026-001",
        "each trust numbers its own"
    );
    // Bad input names the field.
    let mut wrong_kind = sar(Some(&mine), "2026-11-20");
    wrong_kind["input"]["kind"] = json!("sar");
    let refused = test.graphql(Some(&head), LOG, wrong_kind).await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(
        error_message(&refused).contains("subject_access"),
        "{refused}"
    );
    let future = test
        .graphql(Some(&head), LOG, sar(Some(&mine), "2026-12-25"))
        .await;
    assert!(error_message(&future).contains("in the future"), "{future}");
    let mut huge = sar(Some(&mine), "2026-11-20");
    huge["input"]["description"] = json!("x".repeat(10_001));
    let oversized = test.graphql(Some(&head), LOG, huge).await;
    assert_eq!(error_code(&oversized), "BAD_USER_INPUT");
    assert!(
        error_message(&oversized).contains("longer than"),
        "{oversized}"
    );
    let mut nobody = sar(Some(&mine), "2026-11-20");
    nobody["input"]["about"] = Value::Null;
    assert!(
        error_message(&test.graphql(Some(&head), LOG, nobody).await)
            .contains("whose personal data")
    );
    // The calendar is the DPO's and trust admins'.
    let calendar = test.graphql(Some(&head), CALENDAR, school_year()).await;
    assert_eq!(error_code(&calendar), "FORBIDDEN");
    let mut overlapping = school_year();
    overlapping["input"]["terms"][1]["startsOn"] = json!("2026-12-01");
    let overlap = test.graphql(Some(admin), CALENDAR, overlapping).await;
    assert!(error_message(&overlap).contains("overlap"), "{overlap}");
}

#[tokio::test]
async fn logging_requests_too_fast_is_refused() {
    let limits = attest_app::RateLimitSettings {
        casework_changes_per_hour: 2,
        ..attest_app::RateLimitSettings::default()
    };
    let test = TestApp::spawn_with_rate_limits(limits).await;
    let alpha = test.trust("alpha").await;
    let school = test
        .with_school(&alpha.admin, "Riverside Primary", "710301")
        .await;
    for _ in 0..2 {
        test.data(&alpha.admin, LOG, sar(Some(&school), "2026-11-20"))
            .await;
    }
    let third = test
        .graphql(Some(&alpha.admin), LOG, sar(Some(&school), "2026-11-20"))
        .await;
    assert_eq!(error_code(&third), "RATE_LIMITED", "{third}");
    let listed = test
        .data(&alpha.admin, "{ infoRequests { reference } }", json!({}))
        .await;
    assert_eq!(
        listed["infoRequests"].as_array().map(Vec::len),
        Some(2),
        "nothing half-written"
    );
}

#[tokio::test]
async fn reminders_stay_quiet_in_school_holidays_and_go_in_term() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    crate::signing::fixture(&test, &alpha.admin, "710401", &["Ann Early", "Bob Late"]).await;
    // Monday 23 November falls in a half-term holiday between these two terms.
    let holiday = json!({ "input": { "terms": [
        { "name": "Autumn 1", "startsOn": "2026-09-02", "endsOn": "2026-11-20" },
        { "name": "Autumn 2", "startsOn": "2026-11-30", "endsOn": "2026-12-18" }
    ]}});
    test.data(&alpha.admin, CALENDAR, holiday).await;
    let trust = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust();
    let quiet = test.app.run_trust_reminders(trust).await.expect("tick");
    assert_eq!(quiet.staff_emails, 0, "half term");
    test.clock.set(at(30, 11, 2026));
    let term = test.app.run_trust_reminders(trust).await.expect("tick");
    assert_eq!(term.staff_emails, 2, "back in term");
}
