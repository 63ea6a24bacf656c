//! The DPO's casework pages in a real browser (the register, logging a request, its
//! clock stopped, the calendar, the records of processing and suppliers): every page
//! passes axe-core, is reached with the keyboard and fits a phone.

use std::path::PathBuf;

use attest_tests::TestApp;
use serde_json::json;

use crate::access::token;
use crate::breach_desk::staff_with_role;
use crate::browser::run_script;
use crate::portal::session_token;
use crate::requests::{CALENDAR, LOG, school_year};

#[tokio::test]
async fn the_dpo_works_casework_in_a_browser() {
    let chromium = attest_test_support::peers::chromium();
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    attest_test_support::peers::npm_ci(&here.join("browser"));
    let test = TestApp::spawn_public().await;
    let admin = test.trust("alpha").await.admin;
    let school = test
        .with_school(&admin, "Riverside Primary", "740001")
        .await;
    staff_with_role(
        &test,
        ("alpha", &admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let dpo = token(&test, &admin, "DPO", None).await;
    test.data(&dpo, CALENDAR, school_year()).await;
    test.data(
        &dpo,
        LOG,
        json!({ "input": {
            "kind": "foi", "schoolId": school, "requesterName": "Ria Reporter",
            "requesterContact": "ria@news.example", "relationship": "member_of_public",
            "description": "Agency staff spending", "receivedOn": "2026-11-23"
        }}),
    )
    .await;
    test.data(
        &dpo,
        "mutation($input: SupplierInput!) { saveSupplier(input: $input) { id } }",
        json!({ "input": {
            "name": "Arbor Education", "service": "Management information system",
            "dataCategories": ["basic_identifiers"], "peopleCategories": ["pupils", "staff"],
            "location": "uk", "reviewOn": "2027-09-01"
        }}),
    )
    .await;
    let session = session_token(&test, "alpha", &admin, "dpo@alpha.example").await;
    let (report, screenshots) = run_script(
        "casework.mjs",
        chromium,
        vec![("ATTEST_URL", test.address.clone()), ("SESSION", session)],
    )
    .await;
    assert!(
        report["problems"].as_array().is_some_and(Vec::is_empty),
        "{report}"
    );
    for page in ["requests", "request-paused", "calendar", "records"] {
        assert!(
            screenshots.join(format!("{page}.png")).exists(),
            "{page}.png"
        );
    }
    let logged = test
        .data(
            &dpo,
            "{ infoRequests(kind: \"subject_access\") { reference status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        logged["infoRequests"],
        json!([{ "reference": "SAR-2026-002", "status": "paused" }])
    );
}
