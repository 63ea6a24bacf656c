//! The inspector's view and the dashboards' column per obligation: a school's staff
//! with the day each obligation was last met and who is out of date, through GraphQL,
//! the page and the CSV; with the abuse and tenancy cases.

use attest_tests::{TestApp, error_code};
use chrono::Duration;
use serde_json::{Value, json};

use crate::access::token;
use crate::learning::{KCSIE, published};
use crate::portal::{get, grant, signed_in};
use crate::signing::{magic_link, sign_with_link};

const MATRIX: &str = "query($s: UUID!) { schoolObligationMatrix(schoolId: $s) { schoolName outOfDateCount columns { title obligation } rows { fullName outOfDate cells { status doneOn dueOn outOfDate } } } }";
const COURSE: &str = "# Cyber security training\n\n## The course\n\n1. Complete the NCSC's training for school staff every year.\n";

struct School {
    id: String,
    ann: String,
    bob: String,
    reading: String,
    course: String,
}

/// Ann works with children and owes the KCSIE reading and the course; Bob owes only
/// the course. Ann reads hers; Bob's course is recorded from his certificate.
async fn school(test: &TestApp, admin: &str, trust: &str, urn: &str) -> School {
    let id = test.with_school(admin, "Oak Primary", urn).await;
    let ann = test
        .with_person(
            admin,
            "Ann Teacher",
            &format!("ann@{urn}.sch.uk"),
            &id,
            "TEACHING",
        )
        .await;
    let bob = test
        .with_person(
            admin,
            "Bob Office",
            &format!("bob@{urn}.sch.uk"),
            &id,
            "SUPPORT",
        )
        .await;
    test.data(
        admin,
        "mutation { defineAttribute(input: {key: \"works_with_children\", label: \"Works directly with children\"}) { key } }",
        json!({}),
    )
    .await;
    test.data(
        admin,
        "mutation($p: UUID!) { setPersonAttributes(personId: $p, values: [{key: \"works_with_children\", held: true}]) }",
        json!({ "p": ann }),
    )
    .await;
    let (reading, _) = published(test, admin, &id, KCSIE, "READ", None).await;
    test.data(
        admin,
        "mutation($p: UUID!) { setPolicyConditions(policyId: $p, requires: [{key: \"works_with_children\", held: true}]) { key } }",
        json!({ "p": reading }),
    )
    .await;
    let (course, _) = published(test, admin, &id, COURSE, "TRAINING", None).await;
    let secret = magic_link(test, admin, trust, &ann, &reading).await;
    let signed = sign_with_link(test, &secret, "Ann Teacher").await;
    assert!(signed["errors"].is_null(), "{signed}");
    let certificate = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n",
    );
    test.data(
        admin,
        "mutation($input: RecordTrainingCompletionInput!) { recordTrainingCompletion(input: $input) { acceptance { id } } }",
        json!({ "input": { "personId": bob, "policyId": course,
            "completedOn": (test.app.today() - Duration::days(10)).to_string(),
            "certificate": { "fileName": "bob.pdf", "contentBase64": certificate } } }),
    )
    .await;
    School {
        id,
        ann,
        bob,
        reading,
        course,
    }
}

fn row<'a>(matrix: &'a Value, name: &str) -> &'a Value {
    matrix["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["fullName"] == name)
        .unwrap_or_else(|| panic!("{name} in {matrix}"))
}

#[tokio::test]
async fn a_school_shows_each_person_with_each_obligation_and_who_is_out_of_date() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let oak = school(&test, &trust.admin, "alpha", "330001").await;
    let today = test.app.today().to_string();
    let matrix = test
        .data(&trust.admin, MATRIX, json!({ "s": oak.id }))
        .await;
    let matrix = &matrix["schoolObligationMatrix"];
    assert_eq!(
        matrix["columns"],
        json!([
            { "title": "Keeping Children Safe in Education: Part one", "obligation": "READ" },
            { "title": "Cyber security training", "obligation": "TRAINING" },
        ])
    );
    let ann = row(matrix, "Ann Teacher");
    assert_eq!(ann["cells"][0]["doneOn"], today, "{ann}");
    assert_eq!(ann["cells"][0]["status"], "COMPLIANT");
    assert_eq!(ann["cells"][1]["status"], "DUE");
    assert_eq!(ann["outOfDate"], true);
    let bob = row(matrix, "Bob Office");
    assert_eq!(bob["cells"][0], Value::Null, "not his to read");
    assert_eq!(
        bob["cells"][1]["doneOn"],
        (test.app.today() - Duration::days(10)).to_string(),
        "the day the course was completed, not the day it was recorded"
    );
    assert_eq!(bob["outOfDate"], false);
    assert_eq!(matrix["outOfDateCount"], 1);

    // The dashboards' column per obligation.
    let columns = test
        .data(
            &trust.admin,
            "{ complianceByObligation { headings { policyId obligation } schools { schoolId tallies { compliant due total } } } }",
            json!({}),
        )
        .await;
    let by = &columns["complianceByObligation"];
    assert_eq!(by["headings"].as_array().map(Vec::len), Some(2), "{by}");
    assert_eq!(
        by["headings"],
        json!([{ "policyId": null, "obligation": "READ" }, { "policyId": null, "obligation": "TRAINING" }]),
        "a school's own reading and course, each a column"
    );
    assert_eq!(
        by["schools"][0]["tallies"],
        json!([{ "compliant": 1, "due": 0, "total": 1 }, { "compliant": 1, "due": 1, "total": 2 }])
    );

    // The page, as the school's admin sees it, and its CSV.
    grant(&test, "alpha", &oak.bob, "school_admin", Some(&oak.id)).await;
    let browser = signed_in(&test, "alpha", &trust.admin, "bob@330001.sch.uk").await;
    let (status, html) = get(&browser, &test, &format!("/schools/{}/obligations", oak.id)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("1 person has something due or overdue: Ann Teacher"),
        "{html}"
    );
    assert!(html.contains("Cyber security training"));
    let (status, dashboard) = get(&browser, &test, &format!("/schools/{}", oak.id)).await;
    assert_eq!(status, 200);
    assert!(
        dashboard.contains("By obligation") && dashboard.contains("50.0% of 2"),
        "{dashboard}"
    );
    let csv = test
        .client
        .get(test.url(&format!("/exports/schools/{}/obligations.csv", oak.id)))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "person_id,full_name,membership_kind,Keeping Children Safe in Education: Part one: done on,Keeping Children Safe in Education: Part one: status,Cyber security training: done on,Cyber security training: status,out_of_date"
    );
    assert!(lines.iter().any(|line| line.starts_with(&format!("{},Bob Office,support,,not required,", oak.bob))), "{csv}");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(&format!("{},Ann Teacher", oak.ann))
                && line.ends_with(",due,yes")),
        "{csv}"
    );
}

#[tokio::test]
async fn the_inspectors_view_stays_inside_its_trust_and_school() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let oak = school(&test, &alpha.admin, "alpha", "330002").await;
    let elm = test
        .with_school(&alpha.admin, "Elm Primary", "330003")
        .await;
    let query = json!({ "s": oak.id });
    assert_eq!(
        error_code(&test.graphql(None, MATRIX, query.clone()).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        error_code(&test.graphql(Some(&beta.admin), MATRIX, query.clone()).await),
        "NOT_FOUND"
    );
    let elm_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&elm)).await;
    assert_eq!(
        error_code(&test.graphql(Some(&elm_admin), MATRIX, query.clone()).await),
        "NOT_FOUND"
    );
    let read_only = token(&test, &alpha.admin, "READ_ONLY", None).await;
    let seen = test.graphql(Some(&read_only), MATRIX, query).await;
    assert_eq!(
        seen["data"]["schoolObligationMatrix"]["outOfDateCount"], 1,
        "{seen}"
    );
    let beta_columns = test
        .data(
            &beta.admin,
            "{ complianceByObligation { headings { title } schools { schoolId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        beta_columns["complianceByObligation"],
        json!({ "headings": [], "schools": [] })
    );
    let elm_columns = test
        .data(
            &elm_admin,
            "{ complianceByObligation { schools { schoolId } } }",
            json!({}),
        )
        .await;
    assert_eq!(elm_columns["complianceByObligation"]["schools"], json!([]));
    for (caller, expected) in [
        (None, 401),
        (Some(&beta.admin), 404),
        (Some(&elm_admin), 404),
    ] {
        let mut request = test
            .client
            .get(test.url(&format!("/exports/schools/{}/obligations.csv", oak.id)));
        if let Some(caller) = caller {
            request = request.bearer_auth(caller);
        }
        assert_eq!(request.send().await.expect("csv").status(), expected);
    }
    let _ = (&oak.ann, &oak.reading, &oak.course);
}

const SAVE_BUNDLE: &str = "mutation($input: InductionBundleInput!) { saveInductionBundle(input: $input) { id name withinDays policyIds } }";
const CHECKLISTS: &str = "query($s: UUID!) { inductionChecklists(schoolId: $s) { fullName bundleName startedOn deadline complete overdue outstanding items { policyId state doneOn } } }";

#[tokio::test]
async fn a_new_starter_owes_an_induction_within_its_window_as_one_checklist() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let oak = school(&test, &trust.admin, "alpha", "330004").await;
    let school_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&oak.id)).await;
    let input = |within: u32, items: Vec<&String>| json!({ "input": { "name": "New staff induction", "withinDays": within, "policyIds": items } });
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&school_admin),
                    SAVE_BUNDLE,
                    input(10, vec![&oak.reading])
                )
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&trust.admin),
                    SAVE_BUNDLE,
                    input(0, vec![&oak.reading])
                )
                .await
        ),
        "BAD_USER_INPUT"
    );
    let stranger = uuid::Uuid::now_v7().to_string();
    let unknown = test
        .graphql(Some(&trust.admin), SAVE_BUNDLE, input(10, vec![&stranger]))
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT", "{unknown}");
    let saved = test
        .data(
            &trust.admin,
            SAVE_BUNDLE,
            input(10, vec![&oak.reading, &oak.course]),
        )
        .await;
    assert_eq!(saved["saveInductionBundle"]["withinDays"], 10);

    let lists = test
        .data(&school_admin, CHECKLISTS, json!({ "s": oak.id }))
        .await;
    let lists = lists["inductionChecklists"]
        .as_array()
        .expect("lists")
        .clone();
    assert_eq!(lists.len(), 2, "both started today: {lists:?}");
    let ann = lists
        .iter()
        .find(|l| l["fullName"] == "Ann Teacher")
        .expect("Ann");
    assert_eq!(
        (
            ann["complete"].clone(),
            ann["outstanding"].clone(),
            ann["overdue"].clone()
        ),
        (json!(false), json!(1), json!(false)),
        "read done, course to do: {ann}"
    );
    assert_eq!(
        ann["deadline"],
        (test.app.today() + Duration::days(10)).to_string()
    );
    let bob = lists
        .iter()
        .find(|l| l["fullName"] == "Bob Office")
        .expect("Bob");
    assert_eq!(
        bob["complete"], true,
        "his course is recorded and the reading is not his: {bob}"
    );
    assert_eq!(bob["items"][0]["state"], "NOT_REQUIRED");

    // Eleven days on, Ann's induction is overdue; the page says so.
    test.clock.advance(Duration::days(11));
    let later = test
        .data(&school_admin, CHECKLISTS, json!({ "s": oak.id }))
        .await;
    let ann = later["inductionChecklists"]
        .as_array()
        .expect("lists")
        .iter()
        .find(|l| l["fullName"] == "Ann Teacher")
        .expect("Ann")
        .clone();
    assert_eq!(ann["overdue"], true);
    grant(&test, "alpha", &oak.bob, "school_admin", Some(&oak.id)).await;
    let browser = signed_in(&test, "alpha", &trust.admin, "bob@330004.sch.uk").await;
    let (_, html) = get(&browser, &test, &format!("/schools/{}/obligations", oak.id)).await;
    assert!(html.contains("New starters' induction"), "{html}");
    assert!(html.contains("<strong>overdue</strong>, 1 to do"), "{html}");

    // Another trust sees neither the bundle nor the checklists.
    let beta = test.trust("beta").await;
    let theirs = test
        .data(&beta.admin, "{ inductionBundles { id } }", json!({}))
        .await;
    assert_eq!(theirs["inductionBundles"], json!([]));
    assert_eq!(
        error_code(
            &test
                .graphql(Some(&beta.admin), CHECKLISTS, json!({ "s": oak.id }))
                .await
        ),
        "NOT_FOUND"
    );
}
