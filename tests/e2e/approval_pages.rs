//! The review pages over HTTP: a governor named on the rule comments and decides with
//! the page's CSRF token; everyone else is refused as the API refuses them (anonymous,
//! a governor the rule does not name, another school's admin, a forged form).

use attest_tests::TestApp;
use serde_json::json;

use crate::approval::{IMPORT, SET_RULE, SUBMIT, TEXT};
use crate::portal::{field, get, signed_in};

async fn post(
    browser: &reqwest::Client,
    test: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = browser
        .post(test.url(path))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_named_governor_decides_on_the_page_and_no_one_else_can() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let admin = trust.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "600011").await;
    let second = test.with_school(admin, "Hillside Primary", "600012").await;
    let chair = test
        .with_person(
            admin,
            "Gita Governor",
            "chair@600011.sch.uk",
            &school,
            "GOVERNOR",
        )
        .await;
    test.with_person(admin, "Ola Other", "ola@600011.sch.uk", &school, "GOVERNOR")
        .await;
    let imported = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "schoolId": school } }),
        )
        .await;
    let version = imported["importPolicy"]["version"]["id"]
        .as_str()
        .expect("version")
        .to_owned();
    test.data(
        admin,
        SET_RULE,
        json!({ "p": imported["importPolicy"]["policy"]["id"], "rule": { "approvers": [{ "personId": chair, "capacity": "Chair of governors" }] } }),
    )
    .await;
    test.data(admin, SUBMIT, json!({ "v": version })).await;
    let page = format!("/reviews/{version}");

    // Anonymous: sent to sign in.
    let anonymous = test.client.get(test.url(&page)).send().await.expect("page");
    assert_ne!(anonymous.status().as_u16(), 200);
    // A governor the rule does not name, and another school's admin: not found.
    let ola = signed_in(&test, "alpha", admin, "ola@600011.sch.uk").await;
    assert_eq!(get(&ola, &test, &page).await.0, 404);
    let (_, list) = get(&ola, &test, "/reviews").await;
    assert!(list.contains("Nothing is waiting"), "{list}");
    let hana = test
        .with_person(
            admin,
            "Hana Hill",
            "hana@600012.sch.uk",
            &second,
            "LEADERSHIP",
        )
        .await;
    crate::portal::grant(&test, "alpha", &hana, "school_admin", Some(&second)).await;
    let hill_admin = signed_in(&test, "alpha", admin, "hana@600012.sch.uk").await;
    assert_eq!(get(&hill_admin, &test, &page).await.0, 404);

    let gita = signed_in(&test, "alpha", admin, "chair@600011.sch.uk").await;
    let (status, list) = get(&gita, &test, "/reviews").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("your decision as Chair of governors"),
        "{list}"
    );
    let (status, html) = get(&gita, &test, &page).await;
    assert_eq!(status, 200, "{html}");
    let csrf = field(&html, "csrf").to_owned();
    // A forged form (no token, or the token of another session) is refused.
    let (status, _) = post(
        &gita,
        &test,
        &format!("{page}/approve"),
        &[("meeting", "LGB"), ("minute", "1")],
    )
    .await;
    assert_eq!(status, 403);
    let other_csrf = field(&get(&ola, &test, "/me").await.1, "csrf").to_owned();
    let (status, _) = post(
        &gita,
        &test,
        &format!("{page}/approve"),
        &[("csrf", &other_csrf), ("meeting", "LGB"), ("minute", "1")],
    )
    .await;
    assert_eq!(status, 403);
    // What was wrong is shown on the page again.
    let (status, again) = post(
        &gita,
        &test,
        &format!("{page}/approve"),
        &[("csrf", &csrf), ("meeting", " "), ("minute", "7.2")],
    )
    .await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("meeting: must not be empty"), "{again}");
    let (status, again) = post(
        &gita,
        &test,
        &format!("{page}/comment"),
        &[
            ("csrf", &csrf),
            ("clause", "9.9"),
            ("body", "Where is 9.9?"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{again}");
    let (status, _) = post(&gita, &test, &format!("{page}/shred"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 404);
    // The chair comments and approves.
    let (status, _) = post(
        &gita,
        &test,
        &format!("{page}/comment"),
        &[("csrf", &csrf), ("clause", "1.1"), ("body", "Clear.")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = post(
        &gita,
        &test,
        &format!("{page}/approve"),
        &[
            ("csrf", &csrf),
            ("meeting", "LGB, 1 December 2026"),
            ("minute", "7.2"),
            ("effective_on", "2026-12-10"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, done) = get(&gita, &test, &page).await;
    assert!(
        done.contains("This version is <strong>approved</strong>"),
        "{done}"
    );
    assert!(done.contains("Chair of governors approved"), "{done}");
    // Deciding again is refused on the page.
    let (status, again) = post(
        &gita,
        &test,
        &format!("{page}/reject"),
        &[("csrf", &csrf), ("reason", "Changed my mind")],
    )
    .await;
    assert_eq!(status, 409, "{again}");
    assert!(again.contains("already approved"), "{again}");
}

#[tokio::test]
async fn the_trust_page_lists_what_waits_for_approval_and_each_reviews_task() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let admin = trust.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "600021").await;
    let chair = test
        .with_person(
            admin,
            "Gita Governor",
            "chair@600021.sch.uk",
            &school,
            "GOVERNOR",
        )
        .await;
    let tara = test
        .with_person(
            admin,
            "Tara Trust",
            "tara@600021.sch.uk",
            &school,
            "SUPPORT",
        )
        .await;
    crate::portal::grant(&test, "alpha", &tara, "trust_admin", None).await;
    // In use since last year, with its review due on 1 January 2027.
    let dated = TEXT.replace(
        "Staff Acceptable Use Policy\n",
        "Staff Acceptable Use Policy\n\nNext review: 1 January 2027\n",
    );
    let first = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": dated, "schoolId": school } }),
        )
        .await;
    let policy = first["importPolicy"]["policy"]["id"].clone();
    test.data(
        admin,
        "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { state } }",
        json!({ "id": first["importPolicy"]["version"]["id"] }),
    )
    .await;
    const DUE: &str =
        "{ policiesDueForReview(withinDays: 60) { nextReviewOn nextDraftId nextDraftStage } }";
    let due = test.data(admin, DUE, json!({})).await;
    assert_eq!(
        due["policiesDueForReview"],
        json!([{ "nextReviewOn": "2027-01-01", "nextDraftId": null, "nextDraftStage": null }])
    );
    let tara_browser = signed_in(&test, "alpha", admin, "tara@600021.sch.uk").await;
    let (_, page) = get(&tara_browser, &test, "/trust").await;
    assert!(
        page.contains("for the school&#x27;s admins: no new draft yet"),
        "{page}"
    );

    // The owner starts the next version and sends it to the governors.
    let next = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": dated, "policyId": policy } }),
        )
        .await;
    let draft = next["importPolicy"]["version"]["id"]
        .as_str()
        .expect("draft")
        .to_owned();
    test.data(
        admin,
        SET_RULE,
        json!({ "p": policy, "rule": { "approvers": [{ "personId": chair, "capacity": "Chair of governors" }] } }),
    )
    .await;
    test.data(admin, SUBMIT, json!({ "v": draft })).await;
    let due = test.data(admin, DUE, json!({})).await;
    assert_eq!(due["policiesDueForReview"][0]["nextDraftId"], draft);
    assert_eq!(
        due["policiesDueForReview"][0]["nextDraftStage"],
        "IN_REVIEW"
    );
    let (status, page) = get(&tara_browser, &test, "/trust").await;
    assert_eq!(status, 200);
    assert!(page.contains("the new draft is in review"), "{page}");
    assert!(
        page.contains("Staff Acceptable Use Policy, version 2</a>: 0 of 1 approvals from the local governing body"),
        "{page}"
    );
}
