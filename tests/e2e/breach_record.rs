//! What the breach record keeps for UK GDPR articles 33 and 34, over GraphQL: a high
//! risk not told to each person only under an article 34(3) exception (and, for the
//! disproportionate one, closed only after the public notice); what the people were
//! told (the message, how many); other bodies told with time and reference; a warning
//! on the record when a risk is not reported to the ICO. Other roles and trusts are
//! refused.

use attest_app::Clock;
use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};

use crate::access::token;
use crate::breaches::report;

const REPORT: &str =
    "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id version } }";
const TRIAGE: &str = "mutation($id: UUID!, $v: Int!, $at: DateTime!) { triageBreach(id: $id, version: $v, awareAt: $at) { version } }";
const ASSESS: &str = "mutation($id: UUID!, $v: Int!, $input: AssessBreachInput!) { assessBreach(id: $id, version: $v, input: $input) { version assessment { riskLevel subjectsException icoWarning } } }";
const SUBJECTS: &str = "mutation($id: UUID!, $v: Int!, $public: Boolean!) { recordSubjectNotification(id: $id, version: $v, how: \"Notice on the school website and in the newsletter\", message: \"What happened, what we have done and what you can do.\", publicNotice: $public) { version subjectNotice { publicNotice message } } }";
const OTHER: &str = "mutation($id: UUID!, $v: Int!, $party: String!) { recordOtherNotification(id: $id, version: $v, input: {party: $party, reference: \"NFRC-1\", detail: \"Reported online\"}) { version othersNotified { party reference notifiedAt } } }";
const CLOSE: &str = "mutation($id: UUID!, $v: Int!) { closeBreach(id: $id, version: $v, input: {notABreach: false, lessonsLearned: \"Encrypt exports\"}) { status version } }";

struct Case {
    test: TestApp,
    admin: String,
    dpo: String,
    school: String,
}

async fn case() -> Case {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let school = test
        .with_school(&alpha.admin, "Riverside Primary", "700401")
        .await;
    let dpo = token(&test, &alpha.admin, "DPO", None).await;
    Case {
        test,
        admin: alpha.admin,
        dpo,
        school,
    }
}

/// A reported and triaged breach: (id, version).
async fn triaged(case: &Case) -> (String, i64) {
    let now = case.test.clock.now();
    let reported = case
        .test
        .data(
            &case.dpo,
            REPORT,
            report(&case.school, &["basic_identifiers"], now),
        )
        .await;
    let id = reported["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let version = case
        .test
        .data(
            &case.dpo,
            TRIAGE,
            json!({ "id": id, "v": 1, "at": now.to_rfc3339() }),
        )
        .await["triageBreach"]["version"]
        .as_i64()
        .expect("version");
    (id, version)
}

fn assessment(likelihood: &str, notify_ico: bool, exception: Option<&str>) -> Value {
    json!({ "input": {
        "consequences": "Families' addresses exposed on a public page.",
        "likelihood": likelihood, "severity": "high",
        "containmentActions": "The page was taken down within the hour.",
        "notifyIco": notify_ico, "icoReasons": "Our reasons, recorded.",
        "notifySubjects": false,
        "subjectsReasons": "Most contact details are out of date.",
        "subjectsException": exception
    }})
}

#[tokio::test]
async fn a_high_risk_not_told_to_each_needs_an_exception_and_the_public_notice_before_closing() {
    let case = case().await;
    let (id, v) = triaged(&case).await;
    let refused = case
        .test
        .graphql(
            Some(&case.dpo),
            ASSESS,
            json!({ "id": id, "v": v, "input": assessment("high", true, None)["input"] }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(error_message(&refused).contains("34(3)"), "{refused}");
    let assessed = case
        .test
        .data(
            &case.dpo,
            ASSESS,
            json!({ "id": id, "v": v, "input": assessment("high", true, Some("disproportionate"))["input"] }),
        )
        .await["assessBreach"]
        .clone();
    assert_eq!(
        assessed["assessment"]["subjectsException"],
        "disproportionate"
    );
    assert_eq!(assessed["assessment"]["icoWarning"], Value::Null);
    let v = assessed["version"].as_i64().expect("version");
    let ico = "mutation($id: UUID!, $v: Int!) { recordIcoNotification(id: $id, version: $v, input: {icoReference: \"IC-9\"}) { version } }";
    let v = case
        .test
        .data(&case.dpo, ico, json!({ "id": id, "v": v }))
        .await["recordIcoNotification"]["version"]
        .as_i64()
        .expect("version");
    // A notice to each person is not the public notice relied on.
    let told = case
        .test
        .data(
            &case.dpo,
            SUBJECTS,
            json!({ "id": id, "v": v, "public": false }),
        )
        .await["recordSubjectNotification"]
        .clone();
    assert_eq!(
        told["subjectNotice"]["message"],
        "What happened, what we have done and what you can do."
    );
    let v = told["version"].as_i64().expect("version");
    let early = case
        .test
        .graphql(Some(&case.dpo), CLOSE, json!({ "id": id, "v": v }))
        .await;
    assert_eq!(error_code(&early), "BAD_USER_INPUT");
    assert!(error_message(&early).contains("public notice"), "{early}");
}

#[tokio::test]
async fn other_bodies_told_are_kept_and_a_risk_kept_from_the_ico_is_a_warning() {
    let case = case().await;
    let (id, v) = triaged(&case).await;
    let assessed = case
        .test
        .data(
            &case.dpo,
            ASSESS,
            json!({ "id": id, "v": v, "input": {
                "consequences": "A class list seen by a bus driver.",
                "likelihood": "medium", "severity": "medium",
                "containmentActions": "The list was returned.",
                "notifyIco": false, "icoReasons": "Returned unread the same morning.",
                "notifySubjects": true
            }}),
        )
        .await["assessBreach"]
        .clone();
    let warning = assessed["assessment"]["icoWarning"]
        .as_str()
        .expect("a warning");
    assert!(
        warning.contains("risk") && warning.contains("Returned unread"),
        "{warning}"
    );
    let v = assessed["version"].as_i64().expect("version");
    let noted = case
        .test
        .data(
            &case.dpo,
            OTHER,
            json!({ "id": id, "v": v, "party": "action_fraud" }),
        )
        .await["recordOtherNotification"]
        .clone();
    assert_eq!(noted["othersNotified"][0]["party"], "action_fraud");
    assert_eq!(noted["othersNotified"][0]["reference"], "NFRC-1");
    let v = noted["version"].as_i64().expect("version");
    let unknown = case
        .test
        .graphql(
            Some(&case.dpo),
            OTHER,
            json!({ "id": id, "v": v, "party": "the press" }),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
    let unnamed = case
        .test
        .graphql(
            Some(&case.dpo),
            "mutation($id: UUID!, $v: Int!) { recordOtherNotification(id: $id, version: $v, input: {party: \"other\"}) { version } }",
            json!({ "id": id, "v": v }),
        )
        .await;
    assert_eq!(error_code(&unnamed), "BAD_USER_INPUT", "{unnamed}");
    assert!(
        error_message(&unnamed).contains("name the body"),
        "{unnamed}"
    );

    // Only the DPO records it: a school admin is refused, another trust finds nothing,
    // anonymous is asked to sign in.
    let head = token(&case.test, &case.admin, "SCHOOL_ADMIN", Some(&case.school)).await;
    let refused = case
        .test
        .graphql(
            Some(&head),
            OTHER,
            json!({ "id": id, "v": v, "party": "police" }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let beta = case.test.trust("beta").await;
    let beta_dpo = token(&case.test, &beta.admin, "DPO", None).await;
    let elsewhere = case
        .test
        .graphql(
            Some(&beta_dpo),
            OTHER,
            json!({ "id": id, "v": v, "party": "police" }),
        )
        .await;
    assert_eq!(error_code(&elsewhere), "NOT_FOUND");
    let anonymous = case
        .test
        .graphql(None, OTHER, json!({ "id": id, "v": v, "party": "police" }))
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn every_article_9_and_10_category_can_be_reported_and_is_withheld_from_other_eyes() {
    let case = case().await;
    let now = case.test.clock.now();
    let categories = [
        "political_opinions",
        "trade_union_membership",
        "genetic",
        "biometric",
        "sex_life",
        "sexual_orientation",
        "gender_reassignment",
    ];
    let mut data = vec!["basic_identifiers"];
    data.extend(categories);
    let reported = case
        .test
        .data(&case.dpo, REPORT, report(&case.school, &data, now))
        .await;
    let id = reported["reportBreach"]["id"].as_str().expect("id");
    let query = "query($id: UUID!) { breach(id: $id) { dataCategories specialCategoryHidden } }";
    let seen = case.test.data(&case.dpo, query, json!({ "id": id })).await;
    assert_eq!(
        seen["breach"]["dataCategories"].as_array().map(Vec::len),
        Some(8)
    );
    let head = token(&case.test, &case.admin, "SCHOOL_ADMIN", Some(&case.school)).await;
    let withheld = case.test.data(&head, query, json!({ "id": id })).await;
    assert_eq!(withheld["breach"]["specialCategoryHidden"], true);
    assert_eq!(
        withheld["breach"]["dataCategories"],
        json!(["basic_identifiers"]),
        "each is special category data"
    );
    let unknown = case
        .test
        .graphql(
            Some(&case.dpo),
            REPORT,
            report(&case.school, &["star_sign"], now),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_ico_clock_runs_from_the_discovery_not_the_typing_and_a_later_awareness_needs_a_reason()
{
    let case = case().await;
    let now = case.test.clock.now();
    // Discovered ten hours before anyone typed the report in.
    let discovered = now - chrono::Duration::hours(10);
    let id = case
        .test
        .data(
            &case.dpo,
            REPORT,
            report(&case.school, &["basic_identifiers"], discovered),
        )
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let query = "query($id: UUID!) { breach(id: $id) { version deadline deadlineProvisional awareAt awareReason } }";
    let untriaged = case.test.data(&case.dpo, query, json!({ "id": id })).await["breach"].clone();
    assert_eq!(untriaged["deadlineProvisional"], true);
    let deadline: chrono::DateTime<chrono::Utc> = untriaged["deadline"]
        .as_str()
        .expect("a deadline before triage")
        .parse()
        .expect("time");
    assert_eq!(deadline, discovered + chrono::Duration::hours(72));
    let triage = "mutation($id: UUID!, $at: DateTime, $why: String) { triageBreach(id: $id, version: 1, awareAt: $at, awareReason: $why) { deadline deadlineProvisional awareAt awareReason } }";
    let later = case
        .test
        .graphql(
            Some(&case.dpo),
            triage,
            json!({ "id": id, "at": now.to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&later), "BAD_USER_INPUT");
    assert!(error_message(&later).contains("say why"), "{later}");
    let triaged = case
        .test
        .data(
            &case.dpo,
            triage,
            json!({ "id": id, "at": now.to_rfc3339(), "why": "The teacher told no one until this morning" }),
        )
        .await["triageBreach"]
        .clone();
    assert_eq!(triaged["deadlineProvisional"], false);
    assert_eq!(
        triaged["awareReason"],
        "The teacher told no one until this morning"
    );
    // Without a time, awareness is the discovery.
    let other = case
        .test
        .data(
            &case.dpo,
            REPORT,
            report(&case.school, &["basic_identifiers"], discovered),
        )
        .await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let defaulted = case
        .test
        .data(&case.dpo, triage, json!({ "id": other }))
        .await["triageBreach"]
        .clone();
    let aware: chrono::DateTime<chrono::Utc> = defaulted["awareAt"]
        .as_str()
        .expect("aware")
        .parse()
        .expect("time");
    assert_eq!(aware, discovered);
}

#[tokio::test]
async fn a_breach_a_supplier_reported_keeps_who_and_when_they_knew_and_told() {
    let case = case().await;
    let now = case.test.clock.now();
    let mut input = report(&case.school, &["basic_identifiers"], now);
    input["input"]["supplierName"] = json!("CloudMIS Ltd");
    input["input"]["supplierAwareAt"] = json!((now - chrono::Duration::hours(50)).to_rfc3339());
    input["input"]["supplierToldTrustAt"] = json!((now - chrono::Duration::hours(1)).to_rfc3339());
    let id = case.test.data(&case.dpo, REPORT, input.clone()).await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let query = "query($id: UUID!) { breach(id: $id) { supplierName supplierAwareAt supplierToldTrustAt } }";
    let seen = case.test.data(&case.dpo, query, json!({ "id": id })).await["breach"].clone();
    assert_eq!(seen["supplierName"], "CloudMIS Ltd");
    assert!(seen["supplierToldTrustAt"].is_string() && seen["supplierAwareAt"].is_string());
    // Knowing after telling, or a supplier without the time they told us, is refused.
    input["input"]["supplierAwareAt"] = json!(now.to_rfc3339());
    let backwards = case
        .test
        .graphql(Some(&case.dpo), REPORT, input.clone())
        .await;
    assert_eq!(error_code(&backwards), "BAD_USER_INPUT");
    assert!(
        error_message(&backwards).contains("supplier"),
        "{backwards}"
    );
    input["input"]["supplierAwareAt"] = Value::Null;
    input["input"]["supplierToldTrustAt"] = Value::Null;
    let untimed = case.test.graphql(Some(&case.dpo), REPORT, input).await;
    assert_eq!(error_code(&untimed), "BAD_USER_INPUT");
}

#[tokio::test]
async fn corrections_and_reassessments_keep_what_was_before_and_what_the_ico_was_sent() {
    let case = case().await;
    let (id, v) = triaged(&case).await;
    let low = json!({
        "consequences": "A class list seen by one parent.", "likelihood": "medium",
        "severity": "medium", "containmentActions": "Deleted.", "notifyIco": true,
        "icoReasons": "To be safe.", "notifySubjects": true
    });
    let v = case
        .test
        .data(&case.dpo, ASSESS, json!({ "id": id, "v": v, "input": low }))
        .await["assessBreach"]["version"]
        .as_i64()
        .expect("version");
    let ico = "mutation($id: UUID!, $v: Int!) { recordIcoNotification(id: $id, version: $v, input: {icoReference: \"IC-7\"}) { version } }";
    let v = case
        .test
        .data(&case.dpo, ico, json!({ "id": id, "v": v }))
        .await["recordIcoNotification"]["version"]
        .as_i64()
        .expect("version");

    // The facts turn out worse: 31 people, not 28.
    let correct = "mutation($id: UUID!, $v: Int!, $input: ReportBreachInput!) { correctBreach(id: $id, version: $v, input: $input, note: \"The office found three more\") { version peopleAffected icoReports { sent } timeline { action detail } } }";
    let mut facts = report(&case.school, &["basic_identifiers"], case.test.clock.now());
    facts["input"]["peopleAffected"] = json!(31);
    let corrected = case
        .test
        .data(
            &case.dpo,
            correct,
            json!({ "id": id, "v": v, "input": facts["input"] }),
        )
        .await["correctBreach"]
        .clone();
    assert_eq!(corrected["peopleAffected"], 31);
    assert_eq!(
        corrected["icoReports"][0]["sent"]["facts"]["people_affected"], 28,
        "what the ICO was sent stays as it was"
    );
    let event = corrected["timeline"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["action"] == "facts_corrected"))
        .expect("the correction on the timeline")
        .clone();
    assert_eq!(
        event["detail"]["changes"],
        json!([{ "field": "people_affected", "before": 28, "after": 31 }])
    );
    assert_eq!(event["detail"]["note"], "The office found three more");
    let v = corrected["version"].as_i64().expect("version");
    // The same facts again change nothing, and say so.
    let same = case
        .test
        .graphql(
            Some(&case.dpo),
            correct,
            json!({ "id": id, "v": v, "input": facts["input"] }),
        )
        .await;
    assert_eq!(error_code(&same), "BAD_USER_INPUT");
    // Re-assessed after the ICO was told: the status stays, the earlier one is kept.
    let high = json!({
        "consequences": "31 families' details.", "likelihood": "high", "severity": "high",
        "containmentActions": "Deleted.", "notifyIco": true, "icoReasons": "High risk.",
        "notifySubjects": true
    });
    let reassess = "mutation($id: UUID!, $v: Int!, $input: AssessBreachInput!) { assessBreach(id: $id, version: $v, input: $input) { status version assessment { riskLevel } timeline { action detail } } }";
    let reassessed = case
        .test
        .data(
            &case.dpo,
            reassess,
            json!({ "id": id, "v": v, "input": high }),
        )
        .await["assessBreach"]
        .clone();
    assert_eq!(reassessed["status"], "notified_ico");
    assert_eq!(reassessed["assessment"]["riskLevel"], "high_risk");
    let last = reassessed["timeline"]
        .as_array()
        .and_then(|events| events.last())
        .expect("event")
        .clone();
    assert_eq!(last["detail"]["reassessed"], true);
    assert_eq!(last["detail"]["previous"]["risk_level"], "risk");
    // Only the DPO corrects.
    let v = reassessed["version"].as_i64().expect("version");
    let head = token(&case.test, &case.admin, "SCHOOL_ADMIN", Some(&case.school)).await;
    let refused = case
        .test
        .graphql(
            Some(&head),
            correct,
            json!({ "id": id, "v": v, "input": facts["input"] }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
}

#[tokio::test]
async fn the_ico_forms_questions_are_on_the_record() {
    let case = case().await;
    let now = case.test.clock.now();
    let mut input = report(&case.school, &["basic_identifiers"], now);
    input["input"]["nature"] = json!(["unauthorised_disclosure", "loss"]);
    input["input"]["incidentType"] = json!("loss_or_theft_of_device");
    input["input"]["preventiveMeasures"] = json!("Laptops are encrypted; staff trained yearly");
    input["input"]["staffTrainedOn"] = json!("2026-09-02");
    input["input"]["crossBorder"] = json!("None");
    let id = case.test.data(&case.dpo, REPORT, input.clone()).await["reportBreach"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let query = "query($id: UUID!) { breach(id: $id) { nature aspects incidentType cyberIncidentType preventiveMeasures staffTrainedOn crossBorder } }";
    let seen = case.test.data(&case.dpo, query, json!({ "id": id })).await["breach"].clone();
    assert_eq!(seen["nature"], json!(["loss", "unauthorised_disclosure"]));
    assert_eq!(seen["aspects"], json!(["availability", "confidentiality"]));
    assert_eq!(seen["incidentType"], "loss_or_theft_of_device");
    assert_eq!(seen["cyberIncidentType"], false);
    assert_eq!(seen["staffTrainedOn"], "2026-09-02");
    for (field, bad) in [
        ("incidentType", json!("hacked")),
        ("nature", json!(["leak"])),
        ("staffTrainedOn", json!("2031-01-01")),
    ] {
        let mut wrong = input.clone();
        wrong["input"][field] = bad;
        let refused = case.test.graphql(Some(&case.dpo), REPORT, wrong).await;
        assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{field}: {refused}");
    }
    // Measures proposed, apart from those taken, on the assessment.
    let (id, v) = triaged(&case).await;
    let assess = "mutation($id: UUID!, $v: Int!, $input: AssessBreachInput!) { assessBreach(id: $id, version: $v, input: $input) { assessment { measuresProposed containmentActions } } }";
    let assessed = case
        .test
        .data(
            &case.dpo,
            assess,
            json!({ "id": id, "v": v, "input": {
                "consequences": "c", "likelihood": "low", "severity": "low",
                "containmentActions": "Remote wipe done", "measuresProposed": "Move to managed devices",
                "notifyIco": false, "icoReasons": "Encrypted", "notifySubjects": false,
                "subjectsReasons": "Encrypted"
            }}),
        )
        .await["assessBreach"]["assessment"]
        .clone();
    assert_eq!(assessed["measuresProposed"], "Move to managed devices");
}
