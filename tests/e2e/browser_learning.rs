//! Reading KCSIE with its check of understanding in a real browser (a refused attempt,
//! then a pass), and the school's inspector view; every page passes axe-core, is
//! reached with the keyboard and fits a phone.

use std::path::PathBuf;

use attest_tests::TestApp;
use serde_json::json;

use crate::browser::run_script;
use crate::learning::{KCSIE, published};
use crate::portal::{grant, session_token};
use crate::signing::magic_link;

#[tokio::test]
async fn a_reader_answers_the_check_of_understanding_in_a_browser() {
    let chromium = attest_test_support::peers::chromium();
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    attest_test_support::peers::npm_ci(&here.join("browser"));
    let test = TestApp::spawn_public().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Oak Primary", "350001")
        .await;
    let ann = test
        .with_person(
            &trust.admin,
            "Ann Teacher",
            "ann@350001.sch.uk",
            &school,
            "TEACHING",
        )
        .await;
    let head = test
        .with_person(
            &trust.admin,
            "Hana Head",
            "hana@350001.sch.uk",
            &school,
            "LEADERSHIP",
        )
        .await;
    let check = json!({ "passMark": 2, "questions": [
        { "prompt": "Who do you tell about a concern?", "options": ["A friend", "The designated safeguarding lead"], "correct": 1 },
        { "prompt": "Who can make a referral?", "options": ["Anyone", "Only the head"], "correct": 0 },
        { "prompt": "Whose job is filtering and monitoring?", "options": ["Everyone's", "IT only"], "correct": 0 },
    ]});
    let (reading, _) = published(&test, &trust.admin, &school, KCSIE, "READ", Some(check)).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &ann, &reading).await;
    grant(&test, "alpha", &head, "school_admin", Some(&school)).await;
    let session = session_token(&test, "alpha", &trust.admin, "hana@350001.sch.uk").await;
    let (report, screenshots) = run_script(
        "learning.mjs",
        chromium,
        vec![
            ("ATTEST_URL", test.address.clone()),
            ("READER_PATH", format!("/sign/{secret}")),
            ("OBLIGATIONS_PATH", format!("/schools/{school}/obligations")),
            ("SESSION", session),
        ],
    )
    .await;
    assert!(
        report["problems"].as_array().is_some_and(Vec::is_empty),
        "{report}"
    );
    for page in ["reading", "check-failed", "understood", "obligations"] {
        assert!(
            screenshots.join(format!("{page}.png")).exists(),
            "{page}.png"
        );
    }
    let attempts = test
        .data(
            &trust.admin,
            "query($p: UUID!) { understandingAttempts(personId: $p) { passed } }",
            json!({ "p": ann }),
        )
        .await;
    assert_eq!(
        attempts["understandingAttempts"],
        json!([{ "passed": true }, { "passed": false }]),
        "both attempts in the browser are kept"
    );
}
