//! A compliance page is kept and given again only while nothing at all has been written to
//! the database, on the same day: a signature through this server, a write by another
//! replica's connections behind attest's back and a new day each show at once, and a page
//! kept for one caller is never given to a caller with other reach.

use attest_tests::{TestApp, error_code};
use chrono::Duration;
use serde_json::json;

use crate::access::token;
use crate::signing::{fixture, magic_link, sign_with_link, statuses as rows};

const PAGE: &str = "query($s: UUID) { compliance(schoolId: $s, first: 50) { edges { node { fullName status } } } }";

fn expect(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, status)| ((*name).to_owned(), (*status).to_owned()))
        .collect()
}

/// Asks again until the kept page is given (equal to `kept`). On PostgreSQL the version is
/// the cluster's snapshot, which other databases' transactions on the same server (the
/// other tests) also move: a few asks may be read afresh before one finds it unmoved.
async fn kept_and_given_again<F, Fut>(test: &TestApp, kept: &serde_json::Value, ask: &F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = serde_json::Value>,
{
    for _ in 0..50 {
        let hits = test.app.compliance_page_hits();
        assert_eq!(&ask().await, kept);
        if test.app.compliance_page_hits() > hits {
            return;
        }
    }
    panic!("nothing was written, yet the kept page was never given again in 50 asks");
}

#[tokio::test]
async fn a_kept_page_is_given_again_only_while_nothing_was_written() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "300101", &["Ann Smith", "Bob Jones"]).await;
    let ask = || test.data(&trust.admin, PAGE, json!({ "s": f.school }));
    let first = ask().await;
    assert_eq!(
        rows(&first),
        expect(&[("Ann Smith", "DUE"), ("Bob Jones", "DUE")])
    );
    kept_and_given_again(&test, &first, &ask).await;

    // A signature through this server.
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let signed = sign_with_link(&test, &secret, "Ann Smith").await;
    assert!(signed["errors"].is_null(), "{signed}");
    assert_eq!(
        rows(&ask().await),
        expect(&[("Ann Smith", "COMPLIANT"), ("Bob Jones", "DUE")])
    );

    // Another replica's connections, behind attest's back: nothing announces it.
    let replica = attest_store::connect(test.database_url(), 1)
        .await
        .expect("another pool");
    attest_store::ConnectionTrait::execute_unprepared(
        &replica,
        "UPDATE people SET full_name = 'Robert Jones' WHERE full_name = 'Bob Jones'",
    )
    .await
    .expect("rename");
    let hits = test.app.compliance_page_hits();
    assert_eq!(
        rows(&ask().await),
        expect(&[("Ann Smith", "COMPLIANT"), ("Robert Jones", "DUE")])
    );
    assert_eq!(test.app.compliance_page_hits(), hits, "read afresh");
    let renamed = ask().await;
    kept_and_given_again(&test, &renamed, &ask).await;

    // A new day decides due and overdue afresh, with nothing written.
    test.clock.advance(Duration::days(60));
    let hits = test.app.compliance_page_hits();
    assert_eq!(
        rows(&ask().await),
        expect(&[("Ann Smith", "COMPLIANT"), ("Robert Jones", "OVERDUE")])
    );
    assert_eq!(
        test.app.compliance_page_hits(),
        hits,
        "a new day is read afresh"
    );
}

#[tokio::test]
async fn a_kept_page_never_reaches_a_caller_with_other_reach() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let mine = fixture(&test, &alpha.admin, "300201", &["Ann Smith"]).await;
    let other = fixture(&test, &alpha.admin, "300202", &["Cat Brown"]).await;
    let mine_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&mine.school)).await;
    let other_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&other.school)).await;
    // Kept for the trust admin and for the school's own admin, asked twice each.
    for caller in [&alpha.admin, &mine_admin] {
        for _ in 0..2 {
            let page = test.data(caller, PAGE, json!({ "s": mine.school })).await;
            assert_eq!(rows(&page), expect(&[("Ann Smith", "DUE")]));
        }
    }
    // The same question from another school's admin and from another trust: refused as
    // before, never answered from memory.
    let hits = test.app.compliance_page_hits();
    for caller in [&other_admin, &beta.admin] {
        let refused = test
            .graphql(Some(caller), PAGE, json!({ "s": mine.school }))
            .await;
        assert_eq!(error_code(&refused), "NOT_FOUND", "{refused}");
    }
    // Without a school: each caller's own reach (a school admin's schools only).
    let whole = test.data(&alpha.admin, PAGE, json!({ "s": null })).await;
    assert_eq!(
        rows(&whole),
        expect(&[("Ann Smith", "DUE"), ("Cat Brown", "DUE")])
    );
    let theirs = test.data(&other_admin, PAGE, json!({ "s": null })).await;
    assert_eq!(rows(&theirs), expect(&[("Cat Brown", "DUE")]));
    let nothing = test.data(&beta.admin, PAGE, json!({ "s": null })).await;
    assert_eq!(rows(&nothing), Vec::<(String, String)>::new());
    assert_eq!(
        test.app.compliance_page_hits(),
        hits,
        "no other caller was given a kept page"
    );
    // Anonymous callers are refused before any page is looked at.
    let anonymous = test.graphql(None, PAGE, json!({ "s": mine.school })).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
}
