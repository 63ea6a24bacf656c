//! Who may change how a trust's people sign in (GraphQL `emailSignIn` and
//! `setEmailSignIn`): its trust admins only, never another trust's; and the sign-in
//! pages' answers to a trust without email sign-in, to a link from nowhere and to a
//! link of another shape.

use attest_tests::{TestApp, error_code};
use serde_json::json;

use crate::access::token;

const SET: &str = "mutation($on: Boolean!, $kinds: [MembershipKind!]!) { setEmailSignIn(enabled: $on, kinds: $kinds) { enabled kinds } }";
const GET: &str = "{ emailSignIn { enabled kinds } }";

#[tokio::test]
async fn only_the_trusts_own_admins_choose_who_signs_in_by_email() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let school = test
        .with_school(&alpha.admin, "Alpha Primary", "300100")
        .await;
    let school_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let dpo = token(&test, &alpha.admin, "DPO", None).await;

    let off = test.data(&alpha.admin, GET, json!({})).await;
    assert_eq!(off["emailSignIn"], json!({ "enabled": false, "kinds": [] }));
    let on = test
        .data(
            &alpha.admin,
            SET,
            json!({ "on": true, "kinds": ["GOVERNOR", "VOLUNTEER"] }),
        )
        .await;
    assert_eq!(
        on["setEmailSignIn"],
        json!({ "enabled": true, "kinds": ["GOVERNOR", "VOLUNTEER"] })
    );
    // Enabling it for no one is a mistake, said so.
    let empty = test
        .graphql(Some(&alpha.admin), SET, json!({ "on": true, "kinds": [] }))
        .await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");

    for (who, caller) in [
        ("school admin", Some(school_admin.as_str())),
        ("DPO", Some(dpo.as_str())),
        ("anonymous", None),
    ] {
        let refused = test
            .graphql(caller, SET, json!({ "on": true, "kinds": ["TEACHING"] }))
            .await;
        let expected = if caller.is_some() {
            "FORBIDDEN"
        } else {
            "UNAUTHENTICATED"
        };
        assert_eq!(error_code(&refused), expected, "{who}: {refused}");
        let read = test.graphql(caller, GET, json!({})).await;
        assert_eq!(error_code(&read), expected, "{who} reads: {read}");
    }
    // Another trust's admin changes their own trust only.
    test.data(
        &beta.admin,
        SET,
        json!({ "on": true, "kinds": ["TEACHING"] }),
    )
    .await;
    let still = test.data(&alpha.admin, GET, json!({})).await;
    assert_eq!(
        still["emailSignIn"]["kinds"],
        json!(["GOVERNOR", "VOLUNTEER"])
    );
}

#[tokio::test]
async fn the_sign_in_pages_refuse_what_they_cannot_do_without_telling_who_exists() {
    let test = TestApp::spawn().await;
    test.trust("alpha").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    // Email sign-in is off: the page offers none, and asking is refused for everyone alike.
    let page = test.text("/sign-in/alpha").await;
    assert!(!page.contains("Email me a sign-in link"), "{page}");
    let asked = client
        .post(test.url("/sign-in/alpha/email"))
        .form(&[("email", "ann@alpha.example")])
        .send()
        .await
        .expect("ask");
    assert_eq!(asked.status(), 403);
    // One trust on the server: the front door is its sign-in page.
    let front = test.text("/").await;
    assert!(front.contains("Sign in to read and sign"), "{front}");
    // Links that do not exist, are malformed, or are signing links, all get the same 404.
    let fake = format!("si_{}", "0".repeat(64));
    for link in [fake.as_str(), "si_short", "ml_0000", "../../etc/passwd"] {
        let url = test.url(&format!("/sign-in/email/{link}"));
        assert_eq!(
            client.get(&url).send().await.expect("answer").status(),
            404,
            "{link}"
        );
        assert_eq!(
            client.post(&url).send().await.expect("answer").status(),
            404,
            "{link}"
        );
    }
    // A session cookie that is not one is not a session: the front door shows sign-in.
    let forged = client
        .get(test.url("/"))
        .header("cookie", "attest_session=forged")
        .send()
        .await
        .expect("front");
    assert_eq!(forged.status(), 200);
}
