//! A re-signer in a real browser with scripts off: the changes since their last
//! signature above the text, the trust's reading rule refusing a hurried signature, the
//! end of the text known from a lazily loaded image, and the signature that records it.
//! Every page passes axe-core and fits a phone.

use std::path::PathBuf;

use attest_tests::TestApp;
use serde_json::json;

use crate::browser::run_script;
use crate::signing::{fixture, magic_link, sign_with_link};

#[tokio::test]
async fn a_re_signer_reads_the_changes_and_to_the_end_without_scripts() {
    let chromium = attest_test_support::peers::chromium();
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    attest_test_support::peers::npm_ci(&here.join("browser"));
    let test = TestApp::spawn_public().await;
    let trust = test.trust("alpha").await;
    let names = ["Ivy Reader", "Hal Again"];
    let f = fixture(&test, &trust.admin, "340001", &names).await;
    for (person, name) in f.people.iter().zip(names) {
        let secret = magic_link(&test, &trust.admin, "alpha", person, &f.policy).await;
        sign_with_link(&test, &secret, name).await;
    }
    crate::evidence::publish_changed_version(&test, &trust.admin, &f.policy).await;
    test.data(
        &trust.admin,
        "mutation { setSigningReadingRule(minSeconds: 3, toEnd: true) { minSeconds } }",
        json!({}),
    )
    .await;
    let ivy = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let hal = magic_link(&test, &trust.admin, "alpha", &f.people[1], &f.policy).await;
    // The reader's seconds pass in real time.
    let clock = test.clock.clone();
    let ticking = tokio::spawn(async move {
        loop {
            clock.advance(chrono::Duration::milliseconds(100));
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    let (report, _) = run_script(
        "resign.mjs",
        chromium,
        vec![
            ("ATTEST_URL", test.address.clone()),
            ("SCRIPTS_ON_PATH", format!("/sign/{ivy}")),
            ("SCRIPTS_OFF_PATH", format!("/sign/{hal}")),
        ],
    )
    .await;
    ticking.abort();
    assert!(
        report["problems"].as_array().is_some_and(Vec::is_empty),
        "{report}"
    );
    let latest = |person: &str| {
        let test = &test;
        let admin = trust.admin.clone();
        let person = person.to_owned();
        async move {
            let rows = test
                .data(
                    &admin,
                    "query($p: UUID!) { acceptances(personId: $p) { evidence { viewed { secondsOpen reachedEnd } changesShown { clausesChanged } } } }",
                    json!({ "p": person }),
                )
                .await;
            rows["acceptances"][1]["evidence"].clone()
        }
    };
    let ivy = latest(&f.people[0]).await;
    assert_eq!(ivy["viewed"]["reachedEnd"], true, "{ivy}");
    assert!(
        ivy["viewed"]["secondsOpen"]
            .as_i64()
            .is_some_and(|s| s >= 3),
        "{ivy}"
    );
    assert!(
        ivy["changesShown"]["clausesChanged"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );
    let hal = latest(&f.people[1]).await;
    assert_eq!(
        hal["viewed"]["reachedEnd"], false,
        "without scripts the end is not known: {hal}"
    );
    assert!(
        hal["viewed"]["secondsOpen"]
            .as_i64()
            .is_some_and(|s| s >= 3),
        "{hal}"
    );
}
