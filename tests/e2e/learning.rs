//! Obligations beyond signing, end to end: a read-and-understand text with a check of
//! understanding (every attempt kept, the pass sealed with the declaration), and a
//! training course completed by certificate, by a session's register and by a
//! provider's file, renewed on its schedule; with the abuse and tenancy cases.

use attest_tests::{TestApp, error_code, error_message};
use base64::Engine;
use chrono::Duration;
use serde_json::{Value, json};

use crate::access::token;
use crate::signing::magic_link;

pub(crate) const KCSIE: &str = "# Keeping Children Safe in Education: Part one\n\n\
## Safeguarding information for all staff\n\n\
1. Everyone who comes into contact with children has a role to play in safeguarding.\n\
2. If you have a concern about a child, speak to the designated safeguarding lead.\n\
3. Anyone can make a referral to children's social care.\n\
4. Filtering and monitoring protects children online; report anything that gets through.\n";

const COURSE: &str = "# Safeguarding and online safety training\n\n\
## The course\n\n\
1. Complete the trust's safeguarding course every year.\n\
2. It covers filtering and monitoring.\n";

const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { policy { id obligation } version { id } } }";
const PUBLISH: &str =
    "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { id } }";
const SET_CHECK: &str = "mutation($v: UUID!, $input: UnderstandingCheckInput!) { setUnderstandingCheck(versionId: $v, input: $input) { passMark questions { prompt options correct } } }";
const FORM: &str = "query($t: String) { signingForm(magicLinkToken: $t) { versionId contentHash obligation understandingCheck { passMark questions { prompt options } } } }";
const SIGN: &str = "mutation($input: SignPolicyInput!) { signPolicy(input: $input) { id method evidence { completion { kind description attemptId correct total passMark certificateId sha256 sessionId importId line reference } } signedOn renewOn } }";
const STATUS: &str = "query($s: UUID) { compliance(schoolId: $s, first: 50) { edges { node { fullName policyId status dueOn } } } }";
const ATTEMPTS: &str = "query($p: UUID!) { understandingAttempts(personId: $p) { correct total passMark passed chosen } }";
const RECORD: &str = "mutation($input: RecordTrainingCompletionInput!) { recordTrainingCompletion(input: $input) { acceptance { id method signedOn renewOn evidence { completion { kind certificateId sha256 } } } certificate { id sha256 fileName downloadPath } } }";
const SESSION: &str = "mutation($input: RecordTrainingSessionInput!) { recordTrainingSession(input: $input) { id heldOn trainer attendees { personId acceptanceId } } }";
const IMPORT_CSV: &str = "mutation($input: ImportTrainingCompletionsInput!) { importTrainingCompletions(input: $input) { import { lines recorded skipped provider } alreadyRecordedLines } }";

/// A minimal PDF: its kind is read from its first bytes.
const CERTIFICATE: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn check_input() -> Value {
    json!({ "passMark": 2, "questions": [
        { "prompt": "Who do you tell about a concern?", "options": ["A friend", "The designated safeguarding lead"], "correct": 1 },
        { "prompt": "Who can make a referral?", "options": ["Anyone", "Only the head"], "correct": 0 },
        { "prompt": "Whose job is filtering and monitoring?", "options": ["IT only", "Everyone's"], "correct": 1 },
    ]})
}

/// A school, its staff, and a published policy of `obligation` kind from `text`.
pub(crate) async fn published(
    test: &TestApp,
    admin: &str,
    school: &str,
    text: &str,
    obligation: &str,
    check: Option<Value>,
) -> (String, String) {
    let imported = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": text, "schoolId": school, "obligation": obligation } }),
        )
        .await;
    assert_eq!(imported["importPolicy"]["policy"]["obligation"], obligation);
    let policy = imported["importPolicy"]["policy"]["id"]
        .as_str()
        .expect("policy")
        .to_owned();
    let version = imported["importPolicy"]["version"]["id"]
        .as_str()
        .expect("version")
        .to_owned();
    if let Some(check) = check {
        test.data(admin, SET_CHECK, json!({ "v": version, "input": check }))
            .await;
    }
    test.data(admin, PUBLISH, json!({ "id": version })).await;
    (policy, version)
}

fn status_of(data: &Value, name: &str, policy: &str) -> String {
    data["compliance"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|edge| edge["node"]["fullName"] == name && edge["node"]["policyId"] == policy)
        .map(|edge| edge["node"]["status"].as_str().unwrap_or("").to_owned())
        .unwrap_or_else(|| panic!("{name} owes {policy}: {data:#}"))
}

#[tokio::test]
async fn a_read_and_understand_text_keeps_every_attempt_and_seals_the_pass() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "310001")
        .await;
    let ann = test
        .with_person(
            &trust.admin,
            "Ann Smith",
            "ann@oak.sch.uk",
            &school,
            "TEACHING",
        )
        .await;
    let (policy, version) = published(
        &test,
        &trust.admin,
        &school,
        KCSIE,
        "READ",
        Some(check_input()),
    )
    .await;
    let before = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(status_of(&before, "Ann Smith", &policy), "DUE");

    let secret = magic_link(&test, &trust.admin, "alpha", &ann, &policy).await;
    let form = test.graphql(None, FORM, json!({ "t": secret })).await;
    let form = &form["data"]["signingForm"];
    assert_eq!(form["obligation"], "READ");
    let check = &form["understandingCheck"];
    assert_eq!(check["passMark"], 2);
    assert_eq!(check["questions"].as_array().map(Vec::len), Some(3));
    assert!(
        !check.to_string().contains("correct"),
        "a reader is never sent the answers: {check}"
    );
    let sign = |understanding: Value| {
        json!({ "input": {
            "versionId": version, "contentHash": form["contentHash"], "typedName": "Ann Smith",
            "magicLinkToken": secret, "understanding": understanding } })
    };
    let unanswered = test.graphql(None, SIGN, sign(json!([]))).await;
    assert_eq!(error_code(&unanswered), "BAD_USER_INPUT", "{unanswered}");
    assert!(error_message(&unanswered).contains("answer all 3 questions"));
    let failed = test.graphql(None, SIGN, sign(json!([0, 0, 0]))).await;
    assert_eq!(error_code(&failed), "BAD_USER_INPUT", "{failed}");
    assert!(
        error_message(&failed).contains("you answered 1 of 3 questions correctly and 2 are needed"),
        "{failed}"
    );
    let still_due = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(status_of(&still_due, "Ann Smith", &policy), "DUE");

    test.clock.advance(Duration::minutes(5));
    let passed = test.graphql(None, SIGN, sign(json!([1, 0, 0]))).await;
    let acceptance = &passed["data"]["signPolicy"];
    let completion = &acceptance["evidence"]["completion"];
    assert_eq!(completion["kind"], "understood", "{passed}");
    assert_eq!(
        (completion["correct"].clone(), completion["total"].clone()),
        (json!(2), json!(3))
    );
    let after = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(status_of(&after, "Ann Smith", &policy), "COMPLIANT");

    let attempts = test.data(&trust.admin, ATTEMPTS, json!({ "p": ann })).await;
    assert_eq!(
        attempts["understandingAttempts"],
        json!([
            { "correct": 2, "total": 3, "passMark": 2, "passed": true, "chosen": [1, 0, 0] },
            { "correct": 1, "total": 3, "passMark": 2, "passed": false, "chosen": [0, 0, 0] },
        ]),
        "both scored attempts are kept, newest first (an incomplete one is not scored)"
    );
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let chain = test.app.verify_chain(&operator).await.expect("verify");
    assert!(chain.ok() && chain.rows == 1, "{chain:?}");
}

#[tokio::test]
async fn a_check_of_understanding_is_set_only_on_a_read_draft_by_those_who_may_change_it() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "310002")
        .await;
    let other_school = test
        .with_school(&trust.admin, "Elm Primary", "310003")
        .await;
    let imported = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": KCSIE, "schoolId": school, "obligation": "READ" } }),
        )
        .await;
    let version = imported["importPolicy"]["version"]["id"].clone();
    let policy = imported["importPolicy"]["policy"]["id"].clone();
    let set = |token: Option<String>, input: Value| {
        let test = &test;
        let version = version.clone();
        async move {
            test.graphql(
                token.as_deref(),
                SET_CHECK,
                json!({ "v": version, "input": input }),
            )
            .await
        }
    };
    let anonymous = set(None, check_input()).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    let read_only = token(&test, &trust.admin, "READ_ONLY", None).await;
    assert_eq!(
        error_code(&set(Some(read_only), check_input()).await),
        "FORBIDDEN"
    );
    let elsewhere = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&other_school)).await;
    let refused = set(Some(elsewhere), check_input()).await;
    assert!(
        ["FORBIDDEN", "NOT_FOUND"].contains(&error_code(&refused)),
        "{refused}"
    );
    let mut bad = check_input();
    bad["questions"][1]["options"] = json!(["Only option"]);
    let malformed = set(Some(trust.admin.clone()), bad).await;
    assert_eq!(error_code(&malformed), "BAD_USER_INPUT");
    assert!(
        error_message(&malformed).contains("question 2: 1 options"),
        "{malformed}"
    );
    let mut high = check_input();
    high["passMark"] = json!(4);
    assert_eq!(
        error_code(&set(Some(trust.admin.clone()), high).await),
        "BAD_USER_INPUT"
    );
    let own_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let ok = set(Some(own_admin), check_input()).await;
    assert_eq!(ok["data"]["setUnderstandingCheck"]["passMark"], 2, "{ok}");

    // A signature policy has no check; a published version's check is fixed.
    let signature = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": COURSE, "schoolId": school } }),
        )
        .await;
    let sign_version = signature["importPolicy"]["version"]["id"].clone();
    let wrong_kind = test
        .graphql(
            Some(&trust.admin),
            SET_CHECK,
            json!({ "v": sign_version, "input": check_input() }),
        )
        .await;
    assert_eq!(error_code(&wrong_kind), "BAD_USER_INPUT");
    test.data(&trust.admin, PUBLISH, json!({ "id": version }))
        .await;
    let published = set(Some(trust.admin.clone()), check_input()).await;
    assert_eq!(error_code(&published), "CONFLICT");
    let change_kind = test
        .graphql(
            Some(&trust.admin),
            "mutation($p: UUID!) { setPolicyObligation(policyId: $p, obligation: SIGN) { id } }",
            json!({ "p": policy }),
        )
        .await;
    assert_eq!(error_code(&change_kind), "CONFLICT", "{change_kind}");
}

async fn course(test: &TestApp, admin: &str, school: &str) -> String {
    let (policy, _) = published(test, admin, school, COURSE, "TRAINING", None).await;
    test.data(
        admin,
        "mutation($p: UUID!) { setSigningRules(input: {policyId: $p, resignEveryMonths: 12, graceDays: 14}) { id } }",
        json!({ "p": policy }),
    )
    .await;
    policy
}

fn certificate(file_name: &str, bytes: &[u8]) -> Value {
    json!({ "fileName": file_name,
            "contentBase64": base64::engine::general_purpose::STANDARD.encode(bytes) })
}

#[tokio::test]
async fn training_is_recorded_by_the_school_with_a_certificate_and_renewed_on_schedule() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "310004")
        .await;
    let ann = test
        .with_person(
            &trust.admin,
            "Ann Smith",
            "ann@oak.sch.uk",
            &school,
            "TEACHING",
        )
        .await;
    let policy = course(&test, &trust.admin, &school).await;

    // Staff cannot sign a course themselves.
    let secret = magic_link(&test, &trust.admin, "alpha", &ann, &policy).await;
    let form = test.graphql(None, FORM, json!({ "t": secret })).await;
    let self_signed = test
        .graphql(
            None,
            SIGN,
            json!({ "input": { "versionId": form["data"]["signingForm"]["versionId"],
                "contentHash": form["data"]["signingForm"]["contentHash"],
                "typedName": "Ann Smith", "magicLinkToken": secret } }),
        )
        .await;
    assert_eq!(error_code(&self_signed), "CONFLICT", "{self_signed}");
    assert!(error_message(&self_signed).contains("is a training course"));

    let completed_on = (test.app.today() - Duration::days(30)).to_string();
    let input = |file: Value, on: &str| json!({ "input": { "personId": ann, "policyId": policy, "completedOn": on, "certificate": file } });
    let html = test
        .graphql(
            Some(&trust.admin),
            RECORD,
            input(
                certificate("cert.pdf", b"<html><script>alert(1)</script></html>"),
                &completed_on,
            ),
        )
        .await;
    assert_eq!(error_code(&html), "BAD_USER_INPUT", "{html}");
    let future = test
        .graphql(
            Some(&trust.admin),
            RECORD,
            input(
                certificate("cert.pdf", CERTIFICATE),
                &(test.app.today() + Duration::days(1)).to_string(),
            ),
        )
        .await;
    assert_eq!(error_code(&future), "BAD_USER_INPUT");
    let read_only = token(&test, &trust.admin, "READ_ONLY", None).await;
    let refused = test
        .graphql(
            Some(&read_only),
            RECORD,
            input(certificate("cert.pdf", CERTIFICATE), &completed_on),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");

    let recorded = test
        .data(
            &trust.admin,
            RECORD,
            input(certificate("cert.pdf", CERTIFICATE), &completed_on),
        )
        .await;
    let recorded = &recorded["recordTrainingCompletion"];
    assert_eq!(recorded["acceptance"]["method"], "CERTIFICATE");
    assert_eq!(recorded["acceptance"]["signedOn"], completed_on);
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(CERTIFICATE));
    assert_eq!(recorded["certificate"]["sha256"], sha);
    assert_eq!(
        recorded["acceptance"]["evidence"]["completion"]["sha256"], sha,
        "the certificate's hash is sealed with the completion"
    );
    let renew_on = recorded["acceptance"]["renewOn"]
        .as_str()
        .expect("renewal")
        .to_owned();
    let now = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(status_of(&now, "Ann Smith", &policy), "COMPLIANT");

    let download = test
        .client
        .get(
            test.url(
                recorded["certificate"]["downloadPath"]
                    .as_str()
                    .expect("path"),
            ),
        )
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.headers()["x-certificate-sha256"]
            .to_str()
            .expect("header"),
        sha
    );
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), CERTIFICATE);
    let anonymous = test
        .client
        .get(
            test.url(
                recorded["certificate"]["downloadPath"]
                    .as_str()
                    .expect("path"),
            ),
        )
        .send()
        .await
        .expect("download");
    assert_eq!(anonymous.status(), 401);

    let older = test
        .graphql(
            Some(&trust.admin),
            RECORD,
            input(
                certificate("old.pdf", CERTIFICATE),
                &(test.app.today() - Duration::days(60)).to_string(),
            ),
        )
        .await;
    assert_eq!(
        error_code(&older),
        "CONFLICT",
        "an older completion would not count"
    );

    // A year on, the training is due again.
    test.clock.advance(Duration::days(340));
    let later = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(
        status_of(&later, "Ann Smith", &policy),
        "DUE",
        "renew by {renew_on}"
    );
}

#[tokio::test]
async fn a_session_register_and_a_providers_file_record_completions_for_many() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "310005")
        .await;
    let names = ["Ann Smith", "Bob Jones", "Cat Brown", "Dan Green"];
    let mut people = Vec::new();
    for name in names {
        let email = format!(
            "{}@oak.sch.uk",
            name.split(' ').next().unwrap_or("x").to_lowercase()
        );
        people.push(
            test.with_person(&trust.admin, name, &email, &school, "SUPPORT")
                .await,
        );
    }
    let policy = course(&test, &trust.admin, &school).await;
    let held_on = (test.app.today() - Duration::days(2)).to_string();
    let session_input = |attendees: Vec<&String>| {
        json!({ "input": { "policyId": policy, "schoolId": school, "heldOn": held_on,
                           "trainer": "The DSL", "attendeeIds": attendees } })
    };
    let empty = test
        .graphql(Some(&trust.admin), SESSION, session_input(Vec::new()))
        .await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
    let session = test
        .data(
            &trust.admin,
            SESSION,
            session_input(vec![&people[0], &people[1]]),
        )
        .await;
    let attendees = session["recordTrainingSession"]["attendees"]
        .as_array()
        .expect("register");
    assert_eq!(attendees.len(), 2);
    assert!(attendees.iter().all(|a| a["acceptanceId"].is_string()));
    let listed = test
        .data(
            &trust.admin,
            "query($p: UUID) { trainingSessions(policyId: $p) { trainer attendees { personId } } }",
            json!({ "p": policy }),
        )
        .await;
    assert_eq!(listed["trainingSessions"][0]["trainer"], "The DSL");

    // The provider's file: Ann is already recorded more recently; one line is wrong.
    let older = (test.app.today() - Duration::days(20))
        .format("%d/%m/%Y")
        .to_string();
    let recent = (test.app.today() - Duration::days(1))
        .format("%d/%m/%Y")
        .to_string();
    let bad_file = format!(
        "Learner,Email Address,Date Completed,Certificate Number\n\
         Ann,ann@oak.sch.uk,{older},C-1\nCat,cat@oak.sch.uk,{recent},C-2\nNobody,nobody@oak.sch.uk,{recent},C-3\nDan,dan@oak.sch.uk,31/02/2026,C-4\n"
    );
    let import = |csv: String| json!({ "input": { "policyId": policy, "provider": "National College", "csv": csv } });
    let refused = test
        .graphql(Some(&trust.admin), IMPORT_CSV, import(bad_file))
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert!(
        error_message(&refused).contains("line 5, completed_on"),
        "{refused}"
    );
    let unknown = test
        .graphql(
            Some(&trust.admin),
            IMPORT_CSV,
            import(format!("email,completed_on\nnobody@oak.sch.uk,{recent}\n")),
        )
        .await;
    assert!(
        error_message(&unknown)
            .contains("line 2, email: nobody@oak.sch.uk is not anyone at your schools"),
        "{unknown}"
    );
    let nothing = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    assert_eq!(
        status_of(&nothing, "Cat Brown", &policy),
        "DUE",
        "nothing was written"
    );

    let good_file = format!(
        "Learner,Email Address,Date Completed,Certificate Number\n\
         Ann,ann@oak.sch.uk,{older},C-1\nCat,cat@oak.sch.uk,{recent},C-2\nDan,DAN@oak.sch.uk,{recent},C-4\n"
    );
    let imported = test.data(&trust.admin, IMPORT_CSV, import(good_file)).await;
    assert_eq!(
        imported["importTrainingCompletions"],
        json!({ "import": { "lines": 3, "recorded": 2, "skipped": 1, "provider": "National College" },
                "alreadyRecordedLines": [2] })
    );
    let after = test
        .data(&trust.admin, STATUS, json!({ "s": school }))
        .await;
    for name in names {
        assert_eq!(status_of(&after, name, &policy), "COMPLIANT", "{name}");
    }
    let evidence = test
        .data(
            &trust.admin,
            "query($p: UUID!) { acceptances(personId: $p) { method evidence { completion { kind provider line reference } } } }",
            json!({ "p": people[3] }),
        )
        .await;
    let completion = &evidence["acceptances"][0]["evidence"]["completion"];
    assert_eq!(completion["kind"], "imported");
    assert_eq!(completion["reference"], "C-4");
}

#[tokio::test]
async fn training_records_stay_inside_their_trust_and_school() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let oak = test
        .with_school(&alpha.admin, "Oak Primary", "310006")
        .await;
    let elm = test
        .with_school(&alpha.admin, "Elm Primary", "310007")
        .await;
    let ann = test
        .with_person(
            &alpha.admin,
            "Ann Smith",
            "ann@oak.sch.uk",
            &oak,
            "TEACHING",
        )
        .await;
    let policy = course(&test, &alpha.admin, &oak).await;
    let on = (test.app.today() - Duration::days(3)).to_string();
    let record = json!({ "input": { "personId": ann, "policyId": policy, "completedOn": on,
                                    "certificate": certificate("c.pdf", CERTIFICATE) } });
    let other_trust = test
        .graphql(Some(&beta.admin), RECORD, record.clone())
        .await;
    assert_eq!(error_code(&other_trust), "NOT_FOUND", "{other_trust}");
    let elm_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&elm)).await;
    let other_school = test.graphql(Some(&elm_admin), RECORD, record.clone()).await;
    assert!(
        ["NOT_FOUND", "FORBIDDEN"].contains(&error_code(&other_school)),
        "{other_school}"
    );
    let oak_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&oak)).await;
    let recorded = test.data(&oak_admin, RECORD, record).await;
    let path = recorded["recordTrainingCompletion"]["certificate"]["downloadPath"]
        .as_str()
        .expect("path")
        .to_owned();
    for (caller, expected) in [(&beta.admin, 404), (&elm_admin, 404), (&alpha.admin, 200)] {
        let answer = test
            .client
            .get(test.url(&path))
            .bearer_auth(caller)
            .send()
            .await
            .expect("download");
        assert_eq!(answer.status(), expected);
    }
    let sessions = test
        .data(&beta.admin, "{ trainingSessions { id } }", json!({}))
        .await;
    assert_eq!(sessions["trainingSessions"], json!([]));
    let beta_certificates = test
        .graphql(
            Some(&beta.admin),
            "query($p: UUID!) { trainingCertificates(personId: $p) { id } }",
            json!({ "p": ann }),
        )
        .await;
    assert_eq!(error_code(&beta_certificates), "NOT_FOUND");
    let elm_session = test
        .graphql(
            Some(&elm_admin),
            SESSION,
            json!({ "input": { "policyId": policy, "schoolId": oak, "heldOn": on,
                               "trainer": "x", "attendeeIds": [ann] } }),
        )
        .await;
    assert_eq!(error_code(&elm_session), "FORBIDDEN", "{elm_session}");
}

#[tokio::test]
async fn a_reminder_asks_for_each_kind_in_its_own_words() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "310008")
        .await;
    test.with_person(
        &trust.admin,
        "Ann Smith",
        "ann@oak.sch.uk",
        &school,
        "TEACHING",
    )
    .await;
    published(&test, &trust.admin, &school, KCSIE, "READ", None).await;
    course(&test, &trust.admin, &school).await;
    let tick = test.app.run_reminders().await.expect("tick");
    assert_eq!(tick.staff_emails, 1, "{tick:?}");
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let sent = attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(5)
        .await
        .expect("outbox");
    let reminder = sent
        .iter()
        .find(|m| m.kind == "reminder")
        .expect("a reminder");
    assert_eq!(reminder.subject, "Your school asks 2 things of you");
    let body = &reminder.body_text;
    assert!(
        body.contains("- read and confirm Keeping Children Safe in Education"),
        "{body}"
    );
    assert!(
        body.contains("- complete Safeguarding and online safety training"),
        "{body}"
    );
    assert_eq!(
        body.matches("/sign/").count(),
        1,
        "a link for the reading only: {body}"
    );
    assert!(
        body.contains("your school records this when you complete it"),
        "{body}"
    );
}
