//! Signing through the API: magic links, stale texts, typed names, consent answers,
//! paper forms, declines, exemptions, statuses over time, exports, receipts, tamper
//! evidence, and two trusts that never see each other's signatures.

use attest_app::Clock;
use attest_tests::{TestApp, error_code, error_message};
use chrono::Duration;
use serde_json::{Value, json};

use crate::access::token;

const SAMPLE: &str =
    include_str!("../../crates/attest-document/samples/004-staff-governors-visitors.txt");

const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { policy { id } version { id placeholders { key label } } } }";
const SET_VALUES: &str = "mutation($input: SetSchoolVariablesInput!) { setSchoolVariables(input: $input) { variables { key } } }";
const PUBLISH: &str = "mutation($id: UUID!, $resign: Boolean!) { publishVersion(id: $id, input: {resignRequired: $resign}) { id number } }";
const SEND_LINK: &str = "mutation($p: UUID!, $policy: UUID!) { sendMagicLink(personId: $p, policyId: $policy) { linkId email expiresAt } }";
const FORM: &str = "query($t: String) { signingForm(magicLinkToken: $t) { personName policyTitle versionId contentHash questions { key text options } role html } }";
const SIGN: &str = "mutation($input: SignPolicyInput!) { signPolicy(input: $input) { id seq method paperForm typedName role answers { key answer } ip userAgent contentHash rowHash prevHash decision } }";
const COMPLIANCE: &str = "query($s: UUID, $status: ComplianceStatus, $asOf: DateTime) { compliance(schoolId: $s, status: $status, asOf: $asOf, first: 100) { edges { node { personId fullName status dueOn dueAt declinedAt declineReason exemptUntil lastAcceptance { id method } } } pageInfo { hasNextPage } } }";

/// The sample with a placeholder for each school to fill in.
pub fn sample() -> String {
    SAMPLE.replacen(
        "Images of pupils",
        "At *[School Name]*, images of pupils",
        1,
    )
}

pub struct Fixture {
    pub school: String,
    pub policy: String,
    pub version: String,
    pub people: Vec<String>,
}

/// A school with the sample AUP published (values filled from its labels) and staff.
pub async fn fixture(test: &TestApp, admin: &str, urn: &str, staff: &[&str]) -> Fixture {
    let school = test.with_school(admin, &format!("School {urn}"), urn).await;
    let imported = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": sample(), "schoolId": school } }),
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
    let values: Vec<Value> = imported["importPolicy"]["version"]["placeholders"]
        .as_array()
        .expect("placeholders")
        .iter()
        .map(|p| json!({ "key": p["key"], "value": format!("{} of {urn}", p["label"].as_str().unwrap_or("")) }))
        .collect();
    test.data(
        admin,
        SET_VALUES,
        json!({ "input": { "policyId": policy, "schoolId": school, "variables": values } }),
    )
    .await;
    test.data(admin, PUBLISH, json!({ "id": version, "resign": true }))
        .await;
    let mut people = Vec::new();
    for name in staff {
        let email = format!("{}@{urn}.sch.uk", name.to_lowercase().replace(' ', "."));
        people.push(
            test.with_person(admin, name, &email, &school, "TEACHING")
                .await,
        );
    }
    Fixture {
        school,
        policy,
        version,
        people,
    }
}

/// Sends a magic link and returns its secret, read from the queued email.
pub async fn magic_link(
    test: &TestApp,
    admin: &str,
    trust: &str,
    person: &str,
    policy: &str,
) -> String {
    let sent = test
        .data(admin, SEND_LINK, json!({ "p": person, "policy": policy }))
        .await;
    assert!(sent["sendMagicLink"]["email"].as_str().is_some());
    let operator = test.app.operator_for(trust).await.expect("operator");
    let messages = attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(1)
        .await
        .expect("outbox");
    let body = &messages.first().expect("an email was queued").body_text;
    let start = body.find("/sign/").expect("a link in the email") + "/sign/".len();
    body[start..]
        .split_whitespace()
        .next()
        .expect("secret")
        .to_owned()
}

/// `signPolicy`'s input for a form read with `secret`: the first option of each question.
fn signing_input(form: &Value, secret: &str, name: &str) -> Value {
    let answers: Vec<Value> = form["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| json!({ "key": q["key"], "answer": q["options"][0] }))
        .collect();
    json!({
        "versionId": form["versionId"], "contentHash": form["contentHash"],
        "typedName": name, "answers": answers, "magicLinkToken": secret })
}

pub async fn sign_with_link(test: &TestApp, secret: &str, name: &str) -> Value {
    let form = test.graphql(None, FORM, json!({ "t": secret })).await;
    if form["errors"].is_array() {
        return form;
    }
    let input = signing_input(&form["data"]["signingForm"], secret, name);
    test.graphql(None, SIGN, json!({ "input": input })).await
}

pub(crate) fn statuses(data: &Value) -> Vec<(String, String)> {
    data["compliance"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            (
                edge["node"]["fullName"].as_str().unwrap_or("").to_owned(),
                edge["node"]["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn staff_sign_with_a_magic_link_and_become_compliant() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "300001", &["Ann Smith", "Bob Jones"]).await;
    let before = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(
        statuses(&before),
        vec![
            ("Ann Smith".to_owned(), "DUE".to_owned()),
            ("Bob Jones".to_owned(), "DUE".to_owned())
        ]
    );

    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let outbox = test
        .data(
            &trust.admin,
            "{ outbox(status: \"pending\") { kind toAddress subject status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        outbox["outbox"],
        json!([{ "kind": "magic_link", "toAddress": "ann.smith@300001.sch.uk",
                 "subject": "Please read and sign: Acceptable Use Agreement: Staff, Governors and Visitors", "status": "pending" }])
    );
    let form = test.graphql(None, FORM, json!({ "t": secret })).await;
    let form = &form["data"]["signingForm"];
    assert_eq!(form["personName"], "Ann Smith");
    assert!(
        form["html"].as_str().expect("html").contains("of 300001"),
        "school values are filled in"
    );
    let questions = form["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 1, "the photo consent question");
    assert_eq!(questions[0]["options"], json!(["agree", "disagree"]));
    let good = json!({
        "versionId": form["versionId"], "contentHash": form["contentHash"],
        "typedName": "  ann   SMITH ", "answers": [{ "key": "consent_1", "answer": "disagree" }],
        "magicLinkToken": secret });

    let mut stale = good.clone();
    stale["contentHash"] = json!("0".repeat(64));
    let refused = test.graphql(None, SIGN, json!({ "input": stale })).await;
    assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
    let mut wrong_name = good.clone();
    wrong_name["typedName"] = json!("Bob Jones");
    let refused = test
        .graphql(None, SIGN, json!({ "input": wrong_name }))
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(error_message(&refused).contains("typedName"), "{refused}");
    let mut unanswered = good.clone();
    unanswered["answers"] = json!([]);
    let refused = test
        .graphql(None, SIGN, json!({ "input": unanswered }))
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(error_message(&refused).contains("consent_1"), "{refused}");
    let mut bad_answer = good.clone();
    bad_answer["answers"] = json!([{ "key": "consent_1", "answer": "maybe" }]);
    let refused = test
        .graphql(None, SIGN, json!({ "input": bad_answer }))
        .await;
    assert!(
        error_message(&refused).contains("agree, disagree"),
        "{refused}"
    );

    let signed = test
        .graphql(None, SIGN, json!({ "input": good.clone() }))
        .await;
    let acceptance = &signed["data"]["signPolicy"];
    assert_eq!(acceptance["method"], "MAGIC_LINK", "{signed}");
    assert_eq!(acceptance["paperForm"], false);
    assert_eq!(acceptance["decision"], "ACCEPTED");
    assert_eq!(acceptance["seq"], 1);
    assert_eq!(acceptance["ip"], "127.0.0.1");
    assert_eq!(
        acceptance["answers"],
        json!([{ "key": "consent_1", "answer": "disagree" }])
    );
    assert_eq!(acceptance["contentHash"], form["contentHash"]);
    assert_eq!(acceptance["prevHash"], "0".repeat(64));

    // Single use: the used link and an unknown one get the same answer.
    let reused = test.graphql(None, SIGN, json!({ "input": good })).await;
    let unknown = test
        .graphql(None, FORM, json!({ "t": format!("ml_{}", "a".repeat(64)) }))
        .await;
    assert_eq!(error_code(&reused), "NOT_FOUND");
    assert_eq!(error_message(&reused), error_message(&unknown));
    let page = test
        .client
        .get(test.url(&format!("/sign/{secret}")))
        .send()
        .await
        .expect("page");
    let unknown_page = test
        .client
        .get(test.url(&format!("/sign/ml_{}", "b".repeat(64))))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 404);
    assert_eq!(page.status(), unknown_page.status());
    assert_eq!(
        page.text().await.expect("body"),
        unknown_page.text().await.expect("body")
    );

    let after = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(
        statuses(&after),
        vec![
            ("Ann Smith".to_owned(), "COMPLIANT".to_owned()),
            ("Bob Jones".to_owned(), "DUE".to_owned())
        ]
    );
    let id = acceptance["id"].as_str().expect("id");
    let person = test
        .data(
            &trust.admin,
            "query($id: UUID!) { person(id: $id) { policies { status dueOn dueAt lastAcceptance { id method } } } }",
            json!({ "id": f.people[0] }),
        )
        .await;
    let policies = &person["person"]["policies"];
    assert_eq!(policies[0]["status"], "COMPLIANT");
    assert_eq!(
        policies[0]["dueOn"], "2027-11-23",
        "every 12 months by default"
    );
    assert_eq!(policies[0]["dueAt"], "2027-11-23T00:00:00+00:00");
    assert_eq!(policies[0]["lastAcceptance"]["id"], id);

    let evidence = test
        .data(
            &trust.admin,
            "query($id: UUID!) { acceptance(id: $id) { typedName role person { fullName } school { name } signedText { markdown verified } receiptPath } }",
            json!({ "id": id }),
        )
        .await;
    let evidence = &evidence["acceptance"];
    assert_eq!(evidence["signedText"]["verified"], true);
    assert!(
        evidence["signedText"]["markdown"]
            .as_str()
            .expect("text")
            .contains("of 300001")
    );
    assert_eq!(evidence["person"]["fullName"], "Ann Smith");

    let receipt = test
        .client
        .get(test.url(&format!("/receipts/{id}")))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("receipt");
    assert_eq!(receipt.status(), 200);
    assert!(
        receipt
            .text()
            .await
            .expect("html")
            .contains(acceptance["rowHash"].as_str().expect("hash"))
    );
    let file = test
        .client
        .get(test.url(&format!("/receipts/{id}.txt")))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("file");
    assert_eq!(file.status(), 200);
    assert!(
        file.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .contains("attachment")
    );
    let text = file.text().await.expect("text");
    assert!(
        text.contains("SIGNED") && text.contains("single-use link"),
        "{text}"
    );
    let anonymous = test
        .client
        .get(test.url(&format!("/receipts/{id}")))
        .send()
        .await
        .expect("receipt");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_web_page_signs_with_a_magic_link() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "300002", &["Cara Lee"]).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let page = test
        .client
        .get(test.url(&format!("/sign/{secret}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let hash_at = page
        .find("name=\"content_hash\" value=\"")
        .expect("hash field")
        + 27;
    let hash = &page[hash_at..hash_at + 64];
    let form = [
        ("content_hash", hash),
        ("typed_name", "Cara Lee"),
        ("answer.consent_1", "agree"),
        ("decision", "sign"),
    ];
    let done = test
        .client
        .post(test.url(&format!("/sign/{secret}")))
        .header("user-agent", "e2e-browser/1.0")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(done.status(), 200);
    let done = done.text().await.expect("html");
    assert!(done.contains("you have signed"), "{done}");
    assert!(
        done.contains("Row hash:") && done.contains("e2e-browser"),
        "the receipt to keep"
    );
    let rows = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(
        statuses(&rows),
        vec![("Cara Lee".to_owned(), "COMPLIANT".to_owned())]
    );
    let acceptances = test
        .data(
            &trust.admin,
            "query($p: UUID!) { acceptances(personId: $p) { userAgent method } }",
            json!({ "p": f.people[0] }),
        )
        .await;
    assert_eq!(
        acceptances["acceptances"][0]["userAgent"],
        "e2e-browser/1.0"
    );
}

#[tokio::test]
async fn paper_forms_declines_exemptions_and_time() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(
        &test,
        &trust.admin,
        "300003",
        &["Dan Paper", "Eve Decline", "Fay Leave", "Gus Late"],
    )
    .await;
    let school_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&f.school)).await;

    const PAPER: &str = "mutation($input: RecordPaperAcceptanceInput!) { recordPaperAcceptance(input: $input) { method paperForm note signedOn recordedBy } }";
    let input = json!({ "personId": f.people[0], "versionId": f.version, "typedName": "Dan Paper",
        "answers": [{ "key": "consent_1", "answer": "agree" }], "note": "" });
    let refused = test
        .graphql(
            Some(&school_admin),
            PAPER,
            json!({ "input": input.clone() }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(error_message(&refused).contains("note"));
    let mut input = input;
    input["note"] = json!("Form in the staff file, witnessed by the office manager");
    let paper = test
        .data(&school_admin, PAPER, json!({ "input": input }))
        .await;
    assert_eq!(paper["recordPaperAcceptance"]["method"], "PAPER");
    assert_eq!(paper["recordPaperAcceptance"]["paperForm"], true);
    assert!(paper["recordPaperAcceptance"]["recordedBy"].is_string());

    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[1], &f.policy).await;
    let form = test.graphql(None, FORM, json!({ "t": secret })).await;
    let declined = test
        .graphql(
            None,
            "mutation($input: DeclinePolicyInput!) { declinePolicy(input: $input) { decision declineReason } }",
            json!({ "input": { "versionId": f.version, "contentHash": form["data"]["signingForm"]["contentHash"],
                "reason": "I use my own phone for the class blog", "magicLinkToken": secret } }),
        )
        .await;
    assert_eq!(
        declined["data"]["declinePolicy"]["decision"], "DECLINED",
        "{declined}"
    );

    let exempt = test
        .data(
            &school_admin,
            "mutation($input: GrantExemptionInput!) { grantExemption(input: $input) { endsOn policyId } }",
            json!({ "input": { "personId": f.people[2], "reason": "Long-term sick leave", "endsOn": "2027-01-31" } }),
        )
        .await;
    assert_eq!(exempt["grantExemption"]["endsOn"], "2027-01-31");

    let rows = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    let by_name = |rows: &Value, name: &str| -> Value {
        rows["compliance"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .find(|e| e["node"]["fullName"] == name)
            .map(|e| e["node"].clone())
            .expect(name)
    };
    assert_eq!(by_name(&rows, "Dan Paper")["status"], "COMPLIANT");
    assert_eq!(
        by_name(&rows, "Dan Paper")["lastAcceptance"]["method"],
        "PAPER"
    );
    let eve = by_name(&rows, "Eve Decline");
    assert_eq!(eve["status"], "DUE", "a decline is not compliance");
    assert_eq!(
        eve["declineReason"],
        "I use my own phone for the class blog"
    );
    assert_eq!(by_name(&rows, "Fay Leave")["status"], "EXEMPT");
    assert_eq!(by_name(&rows, "Gus Late")["status"], "DUE");

    // Three weeks on: past the 14 days' grace.
    let published_at = test.clock.now();
    test.clock.advance(Duration::days(21));
    let later = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(by_name(&later, "Gus Late")["status"], "OVERDUE");
    assert_eq!(by_name(&later, "Eve Decline")["status"], "OVERDUE");
    assert_eq!(by_name(&later, "Fay Leave")["status"], "EXEMPT");
    let overdue_only = test
        .data(
            &trust.admin,
            COMPLIANCE,
            json!({ "s": f.school, "status": "OVERDUE" }),
        )
        .await;
    assert_eq!(statuses(&overdue_only).len(), 2);
    // History: the position as it was a day after publishing.
    let then = (published_at + Duration::days(1)).to_rfc3339();
    let history = test
        .data(
            &trust.admin,
            COMPLIANCE,
            json!({ "s": f.school, "asOf": then }),
        )
        .await;
    assert_eq!(by_name(&history, "Gus Late")["status"], "DUE");

    let summary = test
        .data(
            &school_admin,
            "{ complianceSummary { overall { total counts { status count percent } byKind { kind total } } schools { schoolId tally { total } } } }",
            json!({}),
        )
        .await;
    let overall = &summary["complianceSummary"]["overall"];
    assert_eq!(overall["total"], 4);
    assert_eq!(
        overall["counts"],
        json!([
            { "status": "COMPLIANT", "count": 1, "percent": 25.0 },
            { "status": "DUE", "count": 0, "percent": 0.0 },
            { "status": "OVERDUE", "count": 2, "percent": 50.0 },
            { "status": "EXEMPT", "count": 1, "percent": 25.0 },
        ])
    );
    assert_eq!(
        overall["byKind"],
        json!([{ "kind": "TEACHING", "total": 4 }])
    );

    let csv = test
        .client
        .get(test.url(&format!("/exports/compliance.csv?schoolId={}", f.school)))
        .bearer_auth(&school_admin)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let csv = csv.text().await.expect("csv");
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.starts_with("person_id,full_name,email,school,membership_kind,policy"));
    assert!(csv.contains("Gus Late") && csv.contains(",overdue,"));
    let acceptances = test
        .client
        .get(test.url("/exports/acceptances.csv"))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("csv");
    assert_eq!(acceptances.lines().count(), 3, "{acceptances}");
    assert!(
        acceptances.contains(",accepted,paper,yes,")
            && acceptances.contains(",declined,magic_link,no,")
    );
    let anonymous = test
        .client
        .get(test.url("/exports/compliance.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(anonymous.status(), 401);
    let bad = test
        .client
        .get(test.url("/exports/compliance.csv?status=lost"))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("csv");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("text").contains("lost"));
}

#[tokio::test]
async fn a_new_version_requiring_signatures_makes_signers_due_and_old_versions_unsignable() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "300004", &["Hal Early"]).await;
    let old_link = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let signed = sign_with_link(&test, &secret, "Hal Early").await;
    assert!(signed["errors"].is_null(), "{signed}");
    test.clock.advance(Duration::days(10));

    let draft = test
        .data(
            &trust.admin,
            "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { version { id } } }",
            json!({ "input": { "text": sample().replace("professional purposes", "school purposes"), "policyId": f.policy } }),
        )
        .await;
    let v2 = draft["importPolicy"]["version"]["id"]
        .as_str()
        .expect("v2")
        .to_owned();
    test.data(&trust.admin, PUBLISH, json!({ "id": v2, "resign": true }))
        .await;
    let rows = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(
        statuses(&rows),
        vec![("Hal Early".to_owned(), "DUE".to_owned())]
    );

    // The link sent for version 1 can no longer sign.
    let refused = sign_with_link(&test, &old_link, "Hal Early").await;
    assert_eq!(error_code(&refused), "CONFLICT", "{refused}");
    assert!(error_message(&refused).contains("only the current published version"));

    let fresh = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let signed = sign_with_link(&test, &fresh, "Hal Early").await;
    assert_eq!(signed["data"]["signPolicy"]["seq"], 2, "{signed}");
    let rows = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert_eq!(
        statuses(&rows),
        vec![("Hal Early".to_owned(), "COMPLIANT".to_owned())]
    );

    // An annual September round.
    test.data(
        &trust.admin,
        "mutation($p: UUID!) { setSigningRules(input: {policyId: $p, resignAnnuallyOn: \"09-01\", graceDays: 7}) { id } }",
        json!({ "p": f.policy }),
    )
    .await;
    let bad = test
        .graphql(
            Some(&trust.admin),
            "mutation($p: UUID!) { setSigningRules(input: {policyId: $p, resignAnnuallyOn: \"02-30\"}) { id } }",
            json!({ "p": f.policy }),
        )
        .await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
}

#[tokio::test]
async fn signatures_are_tamper_evident() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(
        &test,
        &trust.admin,
        "300005",
        &["Ivy One", "Jon Two", "Kit Three"],
    )
    .await;
    let mut ids = Vec::new();
    for (person, name) in f.people.iter().zip(["Ivy One", "Jon Two", "Kit Three"]) {
        let secret = magic_link(&test, &trust.admin, "alpha", person, &f.policy).await;
        let signed = sign_with_link(&test, &secret, name).await;
        ids.push(
            signed["data"]["signPolicy"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let clean = test.app.verify_chain(&operator).await.expect("verify");
    assert!(clean.ok() && clean.rows == 3, "{clean:?}");

    // The database refuses to change or delete an acceptance…
    use attest_store::ConnectionTrait;
    let db = &test.db;
    assert!(
        db.execute_unprepared("UPDATE acceptances SET typed_name = 'Someone Else'")
            .await
            .is_err()
    );
    assert!(
        db.execute_unprepared("DELETE FROM acceptances")
            .await
            .is_err()
    );

    // …and if someone edits the policy text behind attest's back, verification says so.
    let doctored = db
        .execute_unprepared(&format!(
            "UPDATE policy_versions SET document = REPLACE(CAST(document AS TEXT), 'professional purposes', 'any purposes'){} WHERE CAST(document AS TEXT) LIKE '%professional purposes%'",
            if attest_store::backend(db) == attest_store::Backend::Postgres { "::json" } else { "" },
        ))
        .await;
    assert!(doctored.is_ok(), "{doctored:?}");
    let check = test
        .data(
            &trust.admin,
            "query($id: UUID!) { verifyAcceptance(id: $id) { ok textMatches rowIntact } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(
        check["verifyAcceptance"],
        json!({ "ok": false, "textMatches": false, "rowIntact": true })
    );
    let report = test.app.verify_chain(&operator).await.expect("verify");
    assert_eq!(report.text_mismatches.len(), 3);
    assert!(report.breaks.is_empty());
}

#[tokio::test]
async fn two_trusts_never_see_each_others_signatures() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let a = fixture(&test, &alpha.admin, "400001", &["Amy Alpha"]).await;
    let b = fixture(&test, &beta.admin, "400002", &["Ben Beta"]).await;
    let secret = magic_link(&test, &alpha.admin, "alpha", &a.people[0], &a.policy).await;
    let signed = sign_with_link(&test, &secret, "Amy Alpha").await;
    let id = signed["data"]["signPolicy"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let peek = test
        .graphql(
            Some(&beta.admin),
            "query($id: UUID!) { acceptance(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&peek), "NOT_FOUND");
    let verify = test
        .graphql(
            Some(&beta.admin),
            "query($id: UUID!) { verifyAcceptance(id: $id) { ok } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&verify), "NOT_FOUND");
    let theirs = test
        .graphql(
            Some(&beta.admin),
            "query($p: UUID!) { acceptances(personId: $p) { id } }",
            json!({ "p": a.people[0] }),
        )
        .await;
    assert_eq!(error_code(&theirs), "NOT_FOUND", "{theirs}");
    let rows = test.data(&beta.admin, COMPLIANCE, json!({})).await;
    assert_eq!(
        statuses(&rows),
        vec![("Ben Beta".to_owned(), "DUE".to_owned())]
    );
    let other_school = test
        .graphql(Some(&beta.admin), COMPLIANCE, json!({ "s": a.school }))
        .await;
    assert_eq!(error_code(&other_school), "NOT_FOUND");
    let summary = test
        .data(
            &beta.admin,
            "{ complianceSummary { overall { total } schools { schoolId } } }",
            json!({}),
        )
        .await;
    assert_eq!(summary["complianceSummary"]["overall"]["total"], 1);
    assert_eq!(
        summary["complianceSummary"]["schools"],
        json!([{ "schoolId": b.school }])
    );
    for path in ["/exports/compliance.csv", "/exports/acceptances.csv"] {
        let csv = test
            .client
            .get(test.url(path))
            .bearer_auth(&beta.admin)
            .send()
            .await
            .expect("csv")
            .text()
            .await
            .expect("csv");
        assert!(
            !csv.contains("Amy Alpha") && !csv.contains(&id),
            "{path}: {csv}"
        );
    }
    let receipt = test
        .client
        .get(test.url(&format!("/receipts/{id}")))
        .bearer_auth(&beta.admin)
        .send()
        .await
        .expect("receipt");
    assert_eq!(receipt.status(), 404);
    // Beta cannot send links for, exempt or record forms for alpha's people.
    let link = test
        .graphql(
            Some(&beta.admin),
            SEND_LINK,
            json!({ "p": a.people[0], "policy": a.policy }),
        )
        .await;
    assert_eq!(error_code(&link), "NOT_FOUND");
    let exempt = test
        .graphql(
            Some(&beta.admin),
            "mutation($p: UUID!) { grantExemption(input: {personId: $p, reason: \"x\", endsOn: \"2027-01-01\"}) { id } }",
            json!({ "p": a.people[0] }),
        )
        .await;
    assert_eq!(error_code(&exempt), "NOT_FOUND");
    let paper = test
        .graphql(
            Some(&beta.admin),
            "mutation($p: UUID!, $v: UUID!) { recordPaperAcceptance(input: {personId: $p, versionId: $v, typedName: \"Amy Alpha\", note: \"n\"}) { id } }",
            json!({ "p": a.people[0], "v": a.version }),
        )
        .await;
    assert_eq!(error_code(&paper), "NOT_FOUND");
    // An alpha link cannot sign beta's version.
    let secret = magic_link(&test, &alpha.admin, "alpha", &a.people[0], &a.policy).await;
    let cross = test
        .graphql(
            None,
            SIGN,
            json!({ "input": { "versionId": b.version, "contentHash": "x", "typedName": "Amy Alpha", "magicLinkToken": secret } }),
        )
        .await;
    assert_eq!(error_code(&cross), "BAD_USER_INPUT", "{cross}");
    // Each trust's chain starts at its own row 1.
    let secret = magic_link(&test, &beta.admin, "beta", &b.people[0], &b.policy).await;
    let signed = sign_with_link(&test, &secret, "Ben Beta").await;
    assert_eq!(signed["data"]["signPolicy"]["seq"], 1);
}

/// Answers that arrive together are written together: each link signs once however
/// many times it is sent at once, everyone else's answer in the same batch stands, and
/// the chain stays whole.
#[tokio::test]
async fn answers_sent_together_each_sign_once_and_the_chain_stays_whole() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let names = ["Ann Smith", "Bob Jones", "Cat Brown", "Dan White"];
    let f = fixture(&test, &trust.admin, "300009", &names).await;
    let mut inputs = Vec::new();
    for (person, name) in f.people.iter().zip(names) {
        let secret = magic_link(&test, &trust.admin, "alpha", person, &f.policy).await;
        let form = test.graphql(None, FORM, json!({ "t": secret })).await;
        inputs.push(signing_input(&form["data"]["signingForm"], &secret, name));
    }
    // Each person's answer five times, all at once.
    let mut sends = tokio::task::JoinSet::new();
    for input in &inputs {
        for _ in 0..5 {
            let (client, url) = (test.client.clone(), test.url("/graphql"));
            let body = json!({ "query": SIGN, "variables": { "input": input } });
            sends.spawn(async move {
                let answer: Value = client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("request")
                    .json()
                    .await
                    .expect("json");
                answer
            });
        }
    }
    let mut signed = Vec::new();
    let mut refused = 0;
    while let Some(answer) = sends.join_next().await {
        let answer = answer.expect("task");
        if answer["errors"].is_array() {
            assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
            assert!(error_message(&answer).contains("link"), "{answer}");
            refused += 1;
        } else {
            signed.push(answer["data"]["signPolicy"]["typedName"].clone());
        }
    }
    signed.sort_by_key(ToString::to_string);
    assert_eq!(signed, names.map(Value::from).to_vec(), "each person once");
    assert_eq!(refused, 16);
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let chain = test.app.verify_chain(&operator).await.expect("verify");
    assert!(chain.ok(), "{chain:?}");
    assert_eq!(chain.rows, 4);
    let after = test
        .data(&trust.admin, COMPLIANCE, json!({ "s": f.school }))
        .await;
    assert!(
        statuses(&after)
            .iter()
            .all(|(_, status)| status == "COMPLIANT"),
        "{after}"
    );
}
