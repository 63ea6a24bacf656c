//! The DPO works a breach from the pages alone: triage, assess (a missing reason shown on
//! the page again), report to the ICO and follow up, record telling the people, close.
//! The desk filters by status, school, overdue and a search. Each step is refused to a
//! school admin, another trust's DPO, an anonymous caller and a form without the page's
//! token.

use attest_app::Clock;
use attest_tests::TestApp;
use chrono::Duration;
use serde_json::json;

use crate::access::token;
use crate::portal::{field, get, grant, signed_in};

const REPORT: &str =
    "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id reference } }";

pub(crate) async fn report(
    test: &TestApp,
    token: &str,
    school: &str,
    what: &str,
) -> (String, String) {
    let now = test.clock.now();
    let reported = test
        .data(
            token,
            REPORT,
            json!({ "input": {
                "whatHappened": what,
                "discoveredAt": now.to_rfc3339(), "howDiscovered": "A parent rang.",
                "cyberIncident": "no", "dataCategories": ["basic_identifiers"],
                "recordsAffected": 28, "peopleAffected": 28, "peopleCategories": ["pupils"],
                "staffInvolved": "yes", "recoveredOrContained": "yes",
                "reporterName": "Sid Staff", "schoolIds": [school]
            }}),
        )
        .await["reportBreach"]
        .clone();
    (
        reported["id"].as_str().expect("id").to_owned(),
        reported["reference"]
            .as_str()
            .expect("reference")
            .to_owned(),
    )
}

/// A member of staff of `school` with a role (for the pages they sign in to).
pub(crate) async fn staff_with_role(
    test: &TestApp,
    (trust, admin): (&str, &str),
    school: &str,
    (name, email, kind): (&str, &str, &str),
    (role, role_school): (&str, Option<&str>),
) {
    let person = test.with_person(admin, name, email, school, kind).await;
    grant(test, trust, &person, role, role_school).await;
}

/// Posts a step's form as the page shows it (its token and version) and returns the
/// status and, for a page shown again, its text.
pub(crate) async fn step(
    browser: &reqwest::Client,
    test: &TestApp,
    id: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, page) = get(browser, test, &format!("/breaches/{id}")).await;
    let csrf = field(&page, "csrf").to_owned();
    let version = field(&page, "version").to_owned();
    let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    form.extend_from_slice(fields);
    let response = browser
        .post(test.url(&format!("/breaches/{id}/{action}")))
        .form(&form)
        .send()
        .await
        .expect("step");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

#[tokio::test]
async fn the_dpo_takes_a_breach_from_report_to_closed_on_the_pages() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "700201").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Sam Head", "sam@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&school)),
    )
    .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let (id, reference) = report(
        &test,
        &dpo_token,
        &school,
        "Reports emailed to the wrong parent",
    )
    .await;
    let dpo = signed_in(&test, "alpha", admin, "dpo@alpha.example").await;

    let (status, _) = step(
        &dpo,
        &test,
        &id,
        "triage",
        &[("aware_at", "2026-11-23T09:00")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert!(page.contains("Assess the risk"), "the next form: {page}");

    // The reason for not telling the ICO is missing: said on the page, nothing changes.
    let assess = [
        ("consequences", "Names and emails seen by another family"),
        ("likelihood", "low"),
        ("severity", "low"),
        ("containment_actions", "Recipient deleted it and confirmed"),
        ("notify_ico", "no"),
        ("notify_subjects", "no"),
        ("subjects_reasons", "No likely risk"),
        ("others_told", "trust_board"),
    ];
    let (status, shown) = step(&dpo, &test, &id, "assess", &assess).await;
    assert_eq!(status, 422, "{shown}");
    assert!(shown.contains("class=\"error\""), "{shown}");
    assert!(
        shown.contains("Assess the risk"),
        "the form is there again: {shown}"
    );
    let mut assess = assess.to_vec();
    assess.push(("ico_reasons", "No likely risk to the families"));
    assess[1] = ("likelihood", "medium");
    assess[2] = ("severity", "high");
    assess[4] = ("notify_ico", "yes");
    assess[5] = ("notify_subjects", "yes");
    let (status, shown) = step(&dpo, &test, &id, "assess", &assess).await;
    assert_eq!(status, 303, "{shown}");

    let (status, shown) = step(
        &dpo,
        &test,
        &id,
        "ico",
        &[("ico_reference", "IC-0001"), ("detail", "Online form")],
    )
    .await;
    assert_eq!(status, 303, "{shown}");
    let (status, _) = step(
        &dpo,
        &test,
        &id,
        "ico",
        &[
            ("ico_reference", "IC-0001"),
            ("follow_up", "yes"),
            ("detail", "Recipient's confirmation"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, shown) = step(
        &dpo,
        &test,
        &id,
        "subjects",
        &[("how", "A letter to each family")],
    )
    .await;
    assert_eq!(status, 422, "what they were told is needed: {shown}");
    let (status, _) = step(
        &dpo,
        &test,
        &id,
        "subjects",
        &[
            ("how", "A letter to each family"),
            (
                "message",
                "Your child's report was emailed to another parent, who deleted it.",
            ),
            ("people_told", "28"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = step(
        &dpo,
        &test,
        &id,
        "other",
        &[("party", "trust_board"), ("reference", "Minute 4.2")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, shown) = step(&dpo, &test, &id, "other", &[("party", "the press")]).await;
    assert_eq!(status, 422, "{shown}");
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    for shown in [
        "high risk",
        "Reported to the ICO",
        "ICO follow-up",
        "IC-0001",
        "A letter to each family",
        "28 people",
        "who deleted it",
        "Told the trust board",
        "Minute 4.2",
    ] {
        assert!(page.contains(shown), "{shown} on the page: {page}");
    }
    assert!(
        !page.contains("The people affected were told</h3>"),
        "told once: {page}"
    );

    // A school admin may read the breach (no forms for them) but not take a DPO's step,
    // even with a good form token of their own session.
    let head = signed_in(&test, "alpha", admin, "sam@alpha.example").await;
    let (status, page) = get(&head, &test, &format!("/breaches/{id}")).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Close the breach"), "{page}");
    let (_, me) = get(&head, &test, "/me").await;
    let csrf = field(&me, "csrf").to_owned();
    let refused = head
        .post(test.url(&format!("/breaches/{id}/close")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "6"),
            ("lessons_learned", "none"),
        ])
        .send()
        .await
        .expect("school admin");
    assert_eq!(refused.status(), 403);
    // A form without the page's token is refused; an unknown step is not found.
    let forged = dpo
        .post(test.url(&format!("/breaches/{id}/close")))
        .form(&[("csrf", "forged"), ("version", "6")])
        .send()
        .await
        .expect("forged");
    assert_eq!(forged.status(), 403);
    assert_eq!(step(&dpo, &test, &id, "delete", &[]).await.0, 404);
    // Anonymous: the page says to sign in.
    let anonymous = reqwest::Client::new()
        .post(test.url(&format!("/breaches/{id}/close")))
        .form(&[("csrf", "x")])
        .send()
        .await
        .expect("anonymous");
    assert_eq!(anonymous.status(), 401);
    // Another trust's DPO does not find it.
    let beta = test.trust("beta").await;
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "700299")
        .await;
    staff_with_role(
        &test,
        ("beta", &beta.admin),
        &beta_school,
        ("Bea Beta", "dpo@beta.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let other = signed_in(&test, "beta", &beta.admin, "dpo@beta.example").await;
    assert_eq!(get(&other, &test, &format!("/breaches/{id}")).await.0, 404);
    let (_, theirs) = get(&other, &test, &format!("/breaches?q={reference}")).await;
    assert!(
        !theirs.contains(&format!("/breaches/{id}")) && theirs.contains("No breach matches"),
        "{theirs}"
    );

    let (status, _) = step(
        &dpo,
        &test,
        &id,
        "close",
        &[("lessons_learned", "Check the recipient before sending")],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert!(page.contains(": closed</h1>"), "{page}");
    assert!(!page.contains("Close the breach"), "no more steps: {page}");
}

#[tokio::test]
async fn the_desk_filters_by_status_school_overdue_and_a_search() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let north = test.with_school(admin, "North Primary", "700301").await;
    let south = test.with_school(admin, "South Primary", "700302").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &north,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let (laptop, laptop_ref) = report(&test, &dpo_token, &north, "A laptop was stolen").await;
    // The second is discovered 40 hours later: its own 72 hours run from then.
    test.clock.advance(Duration::hours(40));
    let (_, email_ref) = report(
        &test,
        &dpo_token,
        &south,
        "Reports emailed to the wrong parent",
    )
    .await;
    let dpo = signed_in(&test, "alpha", admin, "dpo@alpha.example").await;
    step(
        &dpo,
        &test,
        &laptop,
        "triage",
        &[("aware_at", "2026-11-23T08:00")],
    )
    .await;

    let shows = |page: &str, yes: &[&str], no: &[&str]| {
        for reference in yes {
            assert!(page.contains(reference), "{reference} listed: {page}");
        }
        for reference in no {
            assert!(!page.contains(reference), "{reference} not listed: {page}");
        }
    };
    let (_, all) = get(&dpo, &test, "/breaches").await;
    shows(&all, &[&laptop_ref, &email_ref], &[]);
    let (_, triaged) = get(&dpo, &test, "/breaches?status=triaged").await;
    shows(&triaged, &[&laptop_ref], &[&email_ref]);
    let (_, south_only) = get(&dpo, &test, &format!("/breaches?school={south}")).await;
    shows(&south_only, &[&email_ref], &[&laptop_ref]);
    let (_, search) = get(&dpo, &test, "/breaches?q=LAPTOP").await;
    shows(&search, &[&laptop_ref], &[&email_ref]);
    let (_, none) = get(&dpo, &test, "/breaches?overdue=yes").await;
    assert!(none.contains("No breach matches these filters"), "{none}");
    test.clock.advance(Duration::hours(40));
    let dpo = signed_in(&test, "alpha", admin, "dpo@alpha.example").await;
    let (_, overdue) = get(&dpo, &test, "/breaches?overdue=yes").await;
    shows(&overdue, &[&laptop_ref], &[&email_ref]);
    let (_, later) = get(&dpo, &test, "/breaches?from=2026-12-01").await;
    shows(&later, &[], &[&laptop_ref, &email_ref]);
    // Bad filters are said so, not ignored.
    assert_eq!(get(&dpo, &test, "/breaches?status=lost").await.0, 422);
}

#[tokio::test]
async fn the_ico_report_pack_lays_the_record_out_as_the_form_asks_for_the_dpo_only() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "700501").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Sam Head", "sam@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&school)),
    )
    .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let settings = "mutation($contact: String) { setBreachSettings(trustAdminsActAsDpo: false, dpoContact: $contact) { dpoContact } }";
    let set = test
        .data(
            &dpo_token,
            settings,
            json!({ "contact": "Dee Protection, dpo@alpha.example, 01632 960 001" }),
        )
        .await;
    assert_eq!(
        set["setBreachSettings"]["dpoContact"],
        "Dee Protection, dpo@alpha.example, 01632 960 001"
    );
    // Left out, it stays; empty, it goes.
    let kept = test.data(&dpo_token, settings, json!({})).await;
    assert_eq!(
        kept["setBreachSettings"]["dpoContact"],
        "Dee Protection, dpo@alpha.example, 01632 960 001"
    );
    let (id, reference) = report(
        &test,
        &dpo_token,
        &school,
        "Reports emailed to the wrong parent",
    )
    .await;

    let dpo = signed_in(&test, "alpha", admin, "dpo@alpha.example").await;
    let (status, page) = get(&dpo, &test, &format!("/breaches/{id}/ico-pack")).await;
    assert_eq!(status, 200, "{page}");
    for expected in [
        "About your report",
        "Personal data placed at risk",
        "Containment and recovery",
        "Telling the people affected",
        "dpo@alpha.example",
        &reference,
        "Initial report",
        "Reports emailed to the wrong parent",
    ] {
        assert!(page.contains(expected), "{expected} in the pack: {page}");
    }
    let markdown = dpo
        .get(test.url(&format!("/breaches/{id}/ico-pack?format=md")))
        .send()
        .await
        .expect("markdown");
    assert_eq!(markdown.status(), 200);
    assert!(
        markdown.headers()["content-disposition"]
            .to_str()
            .is_ok_and(|value| value.contains(&format!("{reference}-ico-report.md")))
    );
    let text = markdown.text().await.expect("text");
    assert!(
        text.starts_with(&format!("# Personal data breach report: {reference}")),
        "{text}"
    );
    let json_pack: serde_json::Value = dpo
        .get(test.url(&format!("/breaches/{id}/ico-pack?format=json")))
        .send()
        .await
        .expect("json")
        .json()
        .await
        .expect("JSON");
    assert_eq!(json_pack["report_kind"], "initial");
    assert_eq!(json_pack["sections"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        get(&dpo, &test, &format!("/breaches/{id}/ico-pack?format=pdf"))
            .await
            .0,
        422
    );

    // A school admin of the breach's school, and another trust's DPO, do not get it.
    let head = signed_in(&test, "alpha", admin, "sam@alpha.example").await;
    assert_eq!(
        get(&head, &test, &format!("/breaches/{id}/ico-pack"))
            .await
            .0,
        403
    );
    let beta = test.trust("beta").await;
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "700599")
        .await;
    staff_with_role(
        &test,
        ("beta", &beta.admin),
        &beta_school,
        ("Bea Beta", "dpo@beta.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let other = signed_in(&test, "beta", &beta.admin, "dpo@beta.example").await;
    assert_eq!(
        get(&other, &test, &format!("/breaches/{id}/ico-pack"))
            .await
            .0,
        404
    );
    assert_eq!(
        reqwest::Client::new()
            .get(test.url(&format!("/breaches/{id}/ico-pack")))
            .send()
            .await
            .expect("anonymous")
            .status(),
        401
    );
    let cleared = test
        .data(&dpo_token, settings, json!({ "contact": "" }))
        .await;
    assert_eq!(
        cleared["setBreachSettings"]["dpoContact"],
        serde_json::Value::Null
    );
}
