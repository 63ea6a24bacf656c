//! Policy governance end to end: a school's AUP goes from draft through review and its
//! governors' approval to publication on the day the approval takes effect; editing
//! withdraws approvals; a rejection returns it; only the people the rule names decide,
//! and other schools, other trusts and other roles are refused.

use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};

use crate::portal::{field, get, signed_in};

pub(crate) const TEXT: &str = "Staff Acceptable Use Policy\n\n## 1 Email\n\n1.1 I will use school email for school work only.\n\n1.2 I will not share my password.\n\nSigned ____________ Date ____________\n";
const EDITED: &str = "Staff Acceptable Use Policy\n\n## 1 Email\n\n1.1 I will use school email for school work only.\n\n1.2 I will never share my password, even with IT.\n\nSigned ____________ Date ____________\n";

pub(crate) const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { policy { id } version { id } } }";
pub(crate) const SET_RULE: &str = "mutation($p: UUID!, $rule: ApprovalRuleInput) { setApprovalRule(policyId: $p, rule: $rule) { body needed allMustApprove approvers { capacity personId role } reviewerIds } }";
pub(crate) const SUBMIT: &str =
    "mutation($v: UUID!) { submitForReview(versionId: $v) { stage round approvals needed } }";
pub(crate) const REVIEW: &str = "query($v: UUID!) { versionReview(versionId: $v) { stage round approvals needed myOpenSeats canManage scheduledOn versionState
    decisions { round capacity verdict meeting minute effectiveOn reason withdrawn }
    comments { clause body round } changes { change number } } }";
pub(crate) const APPROVE: &str = "mutation($v: UUID!, $on: NaiveDate) { approveVersion(versionId: $v, input: { meeting: \"Local governing body, 1 December 2026\", minute: \"7.2\", effectiveOn: $on }) { stage approvals needed } }";
pub(crate) const REJECT: &str = "mutation($v: UUID!, $why: String!) { rejectVersion(versionId: $v, reason: $why) { stage round } }";
pub(crate) const COMMENT: &str = "mutation($v: UUID!, $clause: String, $body: String!) { commentOnVersion(versionId: $v, input: { clause: $clause, body: $body }) { clause round } }";
pub(crate) const PUBLISH: &str =
    "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { state } }";

/// A person signed in to the pages, calling GraphQL with their session.
pub(crate) struct Signed {
    client: reqwest::Client,
    csrf: String,
}

pub(crate) async fn sign_in(test: &TestApp, admin: &str, email: &str) -> Signed {
    let client = signed_in(test, "alpha", admin, email).await;
    let (status, page) = get(&client, test, "/me").await;
    assert_eq!(status, 200, "{page}");
    let csrf = field(&page, "csrf").to_owned();
    Signed { client, csrf }
}

pub(crate) async fn as_person(
    test: &TestApp,
    who: &Signed,
    query: &str,
    variables: Value,
) -> Value {
    who.client
        .post(test.url("/graphql"))
        .header("x-csrf-token", &who.csrf)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("graphql")
        .json()
        .await
        .expect("json")
}

pub(crate) fn data(answer: Value) -> Value {
    assert!(
        answer.get("errors").is_none(),
        "unexpected errors: {answer}"
    );
    answer["data"].clone()
}

pub(crate) struct School {
    pub(crate) test: TestApp,
    pub(crate) admin: String,
    pub(crate) school: String,
    pub(crate) chair: String,
    pub(crate) head: String,
    pub(crate) policy: String,
    pub(crate) version: String,
}

/// A school with a chair of governors, a headteacher and a reviewer, and a draft AUP
/// whose rule names them.
pub(crate) async fn school_with_rule() -> School {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let admin = trust.admin.clone();
    let school = test
        .with_school(&admin, "Riverside Primary", "600001")
        .await;
    let chair = test
        .with_person(
            &admin,
            "Gita Governor",
            "chair@riverside.sch.uk",
            &school,
            "GOVERNOR",
        )
        .await;
    let head = test
        .with_person(
            &admin,
            "Hana Head",
            "head@riverside.sch.uk",
            &school,
            "LEADERSHIP",
        )
        .await;
    let reviewer = test
        .with_person(
            &admin,
            "Rita Reviewer",
            "rita@riverside.sch.uk",
            &school,
            "SUPPORT",
        )
        .await;
    let imported = test
        .data(
            &admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "schoolId": school } }),
        )
        .await;
    let policy = imported["importPolicy"]["policy"]["id"]
        .as_str()
        .expect("policy")
        .to_owned();
    let version = imported["importPolicy"]["version"]["id"]
        .as_str()
        .expect("version")
        .to_owned();
    let rule = test
        .data(
            &admin,
            SET_RULE,
            json!({ "p": policy, "rule": {
                "approvers": [
                    { "personId": chair, "capacity": "Chair of governors" },
                    { "personId": head, "capacity": "Headteacher" }
                ],
                "reviewerIds": [reviewer]
            }}),
        )
        .await;
    assert_eq!(
        rule["setApprovalRule"],
        json!({
            "body": "the local governing body", "needed": 2, "allMustApprove": true,
            "approvers": [
                { "capacity": "Chair of governors", "personId": chair, "role": null },
                { "capacity": "Headteacher", "personId": head, "role": null }
            ],
            "reviewerIds": [reviewer]
        })
    );
    School {
        test,
        admin,
        school,
        chair,
        head,
        policy,
        version,
    }
}

#[tokio::test]
async fn a_schools_aup_is_reviewed_approved_and_published_on_its_day() {
    let School {
        test,
        admin,
        version,
        head: head_id,
        ..
    } = school_with_rule().await;
    let v = json!({ "v": version });
    // Not before it is approved.
    let early = test
        .graphql(Some(&admin), PUBLISH, json!({ "id": version }))
        .await;
    assert_eq!(error_code(&early), "CONFLICT");
    assert!(error_message(&early).contains("needs approval by the local governing body"));

    let submitted = test.data(&admin, SUBMIT, v.clone()).await;
    assert_eq!(
        submitted["submitForReview"],
        json!({ "stage": "IN_REVIEW", "round": 1, "approvals": 0, "needed": 2 })
    );
    let chair = sign_in(&test, &admin, "chair@riverside.sch.uk").await;
    let head = sign_in(&test, &admin, "head@riverside.sch.uk").await;
    let rita = sign_in(&test, &admin, "rita@riverside.sch.uk").await;

    // The chair sees the review: their seat open, and no earlier version to compare.
    let seen = data(as_person(&test, &chair, REVIEW, v.clone()).await);
    assert_eq!(
        seen["versionReview"]["myOpenSeats"],
        json!(["Chair of governors"])
    );
    assert_eq!(seen["versionReview"]["canManage"], false);
    assert_eq!(seen["versionReview"]["changes"], Value::Null);
    // The reviewer comments on a clause; a clause that is not there is refused.
    let comment = as_person(&test, &rita, COMMENT, json!({ "v": version, "clause": "1.2", "body": "Say that IT staff never ask for passwords." })).await;
    assert_eq!(
        data(comment)["commentOnVersion"],
        json!({ "clause": "1.2", "round": 1 })
    );
    let nowhere = as_person(
        &test,
        &rita,
        COMMENT,
        json!({ "v": version, "clause": "9.9", "body": "?" }),
    )
    .await;
    assert_eq!(error_code(&nowhere), "BAD_USER_INPUT");
    // A reviewer has no seat.
    let not_a_seat = as_person(&test, &rita, APPROVE, v.clone()).await;
    assert_eq!(error_code(&not_a_seat), "FORBIDDEN");

    let approved = data(
        as_person(
            &test,
            &chair,
            APPROVE,
            json!({ "v": version, "on": "2026-12-10" }),
        )
        .await,
    );
    assert_eq!(
        approved["approveVersion"],
        json!({ "stage": "IN_REVIEW", "approvals": 1, "needed": 2 })
    );
    let twice = as_person(&test, &chair, APPROVE, v.clone()).await;
    assert_eq!(error_code(&twice), "FORBIDDEN");
    assert!(error_message(&twice).contains("already decided"));

    // The owner edits the draft: the chair's approval is withdrawn.
    test.data(
        &admin,
        "mutation($id: UUID!, $text: String!) { updateDraft(id: $id, input: { text: $text }) { id } }",
        json!({ "id": version, "text": EDITED }),
    )
    .await;
    let after_edit = test.data(&admin, REVIEW, v.clone()).await;
    let review = &after_edit["versionReview"];
    assert_eq!(
        (review["round"].clone(), review["approvals"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(review["decisions"][0]["withdrawn"], true);
    assert_eq!(review["stage"], "IN_REVIEW");

    data(
        as_person(
            &test,
            &chair,
            APPROVE,
            json!({ "v": version, "on": "2026-12-10" }),
        )
        .await,
    );
    let both = data(
        as_person(
            &test,
            &head,
            APPROVE,
            json!({ "v": version, "on": "2026-12-08" }),
        )
        .await,
    );
    assert_eq!(
        both["approveVersion"],
        json!({ "stage": "APPROVED", "approvals": 2, "needed": 2 })
    );

    // Scheduled for the day the approval takes effect; the tick publishes it then.
    let today = test.app.today();
    let on = today + chrono::Duration::days(3);
    let scheduled = test
        .data(
            &admin,
            "mutation($v: UUID!, $on: NaiveDate!) { schedulePublication(versionId: $v, input: { publishOn: $on, resignRequired: true, changeNote: \"Approved by the LGB\" }) { scheduledOn } }",
            json!({ "v": version, "on": on }),
        )
        .await;
    assert_eq!(
        scheduled["schedulePublication"]["scheduledOn"],
        on.to_string()
    );
    let before = test.app.run_reminders().await.expect("tick");
    assert_eq!(before.scheduled_publications, 0);
    test.clock.advance(chrono::Duration::days(3));
    let tick = test.app.run_reminders().await.expect("tick");
    assert_eq!(tick.scheduled_publications, 1);
    let done = test.data(&admin, REVIEW, v.clone()).await;
    assert_eq!(done["versionReview"]["versionState"], "PUBLISHED");
    assert_eq!(done["versionReview"]["scheduledOn"], Value::Null);
    let again = test.app.run_reminders().await.expect("tick");
    assert_eq!(again.scheduled_publications, 0, "published once");

    // What staff sign says who approved it, at which meeting.
    let paper = test
        .data(
            &admin,
            "mutation($input: RecordPaperAcceptanceInput!) { recordPaperAcceptance(input: $input) { id } }",
            json!({ "input": { "personId": head_id, "versionId": version, "typedName": "Hana Head", "answers": [], "note": "Signed at the staff meeting" } }),
        )
        .await;
    let receipt = test
        .client
        .get(test.url(&format!(
            "/receipts/{}.txt",
            paper["recordPaperAcceptance"]["id"].as_str().expect("id")
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("receipt")
        .text()
        .await
        .expect("text");
    assert!(
        receipt.contains("Approval:      approved by the local governing body, in effect from 10 December 2026 (Chair of governors at Local governing body, 1 December 2026, minute 7.2; Headteacher at Local governing body, 1 December 2026, minute 7.2)"),
        "{receipt}"
    );
}

#[tokio::test]
async fn a_rejection_returns_the_draft_and_a_new_submission_starts_over() {
    let School {
        test,
        admin,
        version,
        policy,
        ..
    } = school_with_rule().await;
    let v = json!({ "v": version });
    test.data(&admin, SUBMIT, v.clone()).await;
    let head = sign_in(&test, &admin, "head@riverside.sch.uk").await;
    let empty = as_person(&test, &head, REJECT, json!({ "v": version, "why": "  " })).await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
    let rejected = data(
        as_person(
            &test,
            &head,
            REJECT,
            json!({ "v": version, "why": "Section 1 must name the filtering system." }),
        )
        .await,
    );
    assert_eq!(
        rejected["rejectVersion"],
        json!({ "stage": "DRAFTING", "round": 1 })
    );
    let refused = as_person(&test, &head, APPROVE, v.clone()).await;
    assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
    let resubmitted = test.data(&admin, SUBMIT, v.clone()).await;
    assert_eq!(resubmitted["submitForReview"]["round"], 2);
    let review = data(as_person(&test, &head, REVIEW, v.clone()).await);
    assert_eq!(
        review["versionReview"]["myOpenSeats"],
        json!(["Headteacher"])
    );
    assert_eq!(
        review["versionReview"]["decisions"][0]["reason"],
        "Section 1 must name the filtering system."
    );
    // Taking the rule away lets the admins publish at once.
    let cleared = test
        .data(&admin, SET_RULE, json!({ "p": policy, "rule": null }))
        .await;
    assert_eq!(cleared["setApprovalRule"], Value::Null);
    let published = test.data(&admin, PUBLISH, json!({ "id": version })).await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");
}
