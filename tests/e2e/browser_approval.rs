//! A governor approves a policy in a real browser: signed in with her school account,
//! she finds the review waiting, reads it, comments on a clause and approves with the
//! meeting and minute. Every page passes axe-core and fits a phone.

use std::path::PathBuf;

use attest_tests::TestApp;
use serde_json::json;

use crate::approval::{IMPORT, REVIEW, SET_RULE, SUBMIT, TEXT};
use crate::browser::run_script;
use crate::sign_in::{Provider, add_provider};

#[tokio::test]
async fn a_governor_reads_comments_and_approves_in_a_browser() {
    let chromium = attest_test_support::peers::chromium();
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    attest_test_support::peers::npm_ci(&here.join("browser"));
    let test = TestApp::spawn_public().await;
    // The provider stamps its tokens with the real time.
    test.clock.set(chrono::Utc::now());
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Alpha Primary", "300040").await;
    let gita = test
        .with_person(
            admin,
            "Gita Governor",
            "gita@alpha.example",
            &school,
            "GOVERNOR",
        )
        .await;
    let head = test
        .with_person(
            admin,
            "Hana Head",
            "hana@alpha.example",
            &school,
            "LEADERSHIP",
        )
        .await;
    let imported = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "schoolId": school } }),
        )
        .await;
    let policy = imported["importPolicy"]["policy"]["id"].clone();
    let version = imported["importPolicy"]["version"]["id"]
        .as_str()
        .expect("version")
        .to_owned();
    test.data(
        admin,
        SET_RULE,
        json!({ "p": policy, "rule": { "approvers": [
            { "personId": gita, "capacity": "Chair of governors" },
            { "personId": head, "capacity": "Headteacher" }
        ] } }),
    )
    .await;
    test.data(admin, SUBMIT, json!({ "v": version })).await;
    let provider = Provider::start(&[format!("{}/auth/alpha/oidc/callback", test.address)]);
    add_provider(&test, admin, &provider, json!({})).await;

    let (summary, screenshots) = run_script(
        "approval.mjs",
        chromium,
        vec![
            ("ATTEST_URL", test.address.clone()),
            ("VERSION_ID", version.clone()),
        ],
    )
    .await;
    assert_eq!(
        summary["checked"].as_array().map(Vec::len),
        Some(3),
        "{summary}"
    );
    for page in ["reviews", "review", "review-approved"] {
        assert!(
            screenshots.join(format!("{page}.png")).exists(),
            "{page}.png"
        );
    }
    // What the browser did is in the database.
    let review = test.data(admin, REVIEW, json!({ "v": version })).await;
    let review = &review["versionReview"];
    assert_eq!(review["approvals"], 1, "{review}");
    assert_eq!(review["decisions"][0]["capacity"], "Chair of governors");
    assert_eq!(review["decisions"][0]["minute"], "7.2");
    assert_eq!(review["comments"][0]["clause"], "1.2");
}
