//! API tokens: required, checked, revocable, expiring, and recorded when used.

use attest_tests::{TestApp, error_code, error_message};
use reqwest::StatusCode;
use serde_json::{Value, json};

const VIEWER: &str = "{ viewer { actorKind roles { role schoolId } trust { slug } } }";

#[tokio::test]
async fn without_a_token_every_field_is_unauthenticated() {
    let test = TestApp::spawn().await;
    let answer = test.graphql(None, "{ schools { id } }", json!({})).await;
    assert_eq!(error_code(&answer), "UNAUTHENTICATED");
    assert_eq!(answer["data"], Value::Null);
}

#[tokio::test]
async fn a_valid_token_identifies_its_trust_and_role() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let data = test.data(&trust.admin, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["actorKind"], "api_token");
    assert_eq!(
        data["viewer"]["roles"],
        json!([{ "role": "TRUST_ADMIN", "schoolId": null }])
    );
    assert_eq!(data["viewer"]["trust"]["slug"], "alpha");
}

#[tokio::test]
async fn unknown_and_malformed_tokens_get_401() {
    let test = TestApp::spawn().await;
    for header in [
        "Bearer attest_0000000000000000000000000000000000000000000000000000000000000000",
        "Bearer nope",
        "Basic abc",
    ] {
        let answer = test
            .client
            .post(test.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .expect("request");
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{header}");
        assert!(answer.headers().contains_key("www-authenticate"));
        let body: Value = answer.json().await.expect("json");
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{header}");
    }
}

#[tokio::test]
async fn issued_tokens_work_until_revoked() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let issued = test
        .data(
            &trust.admin,
            "mutation { issueApiToken(input: {name: \"auditor\", role: READ_ONLY}) { token apiToken { id role lastUsedAt } } }",
            json!({}),
        )
        .await;
    let secret = issued["issueApiToken"]["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let id = issued["issueApiToken"]["apiToken"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert!(secret.starts_with("attest_"));
    assert_eq!(
        issued["issueApiToken"]["apiToken"]["lastUsedAt"],
        Value::Null
    );

    let data = test.data(&secret, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["roles"][0]["role"], "READ_ONLY");
    let tokens = test
        .data(&trust.admin, "{ apiTokens { id lastUsedAt } }", json!({}))
        .await;
    let used = tokens["apiTokens"]
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("listed");
    assert_ne!(used["lastUsedAt"], Value::Null, "use is recorded");

    let revoked = test
        .data(
            &trust.admin,
            "mutation($id: UUID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert_ne!(revoked["revokeApiToken"]["revokedAt"], Value::Null);
    let refused = test
        .client
        .post(test.url("/graphql"))
        .bearer_auth(&secret)
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let body: Value = refused.json().await.expect("json");
    assert!(error_message(&body).contains("revoked"), "{body}");

    let again = test
        .graphql(
            Some(&trust.admin),
            "mutation($id: UUID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
}

#[tokio::test]
async fn tokens_expire() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let expires = (test.app.now() + chrono::Duration::hours(1)).to_rfc3339();
    let issued = test
        .data(
            &trust.admin,
            "mutation($at: DateTime) { issueApiToken(input: {name: \"short\", role: DPO, expiresAt: $at}) { token } }",
            json!({ "at": expires }),
        )
        .await;
    let secret = issued["issueApiToken"]["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    test.data(&secret, VIEWER, json!({})).await;
    test.clock.advance(chrono::Duration::hours(2));
    let answer = test
        .client
        .post(test.url("/graphql"))
        .bearer_auth(&secret)
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let body: Value = answer.json().await.expect("json");
    assert!(error_message(&body).contains("expired"), "{body}");

    let past = test
        .graphql(
            Some(&trust.admin),
            "mutation($at: DateTime) { issueApiToken(input: {name: \"past\", role: DPO, expiresAt: $at}) { token } }",
            json!({ "at": "2020-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(error_code(&past), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_school_admin_token_needs_a_school_of_the_trust() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let answer = test
        .graphql(
            Some(&trust.admin),
            "mutation { issueApiToken(input: {name: \"x\", role: SCHOOL_ADMIN}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
    assert_eq!(answer["errors"][0]["extensions"]["field"], "schoolId");
    let answer = test
        .graphql(
            Some(&trust.admin),
            "mutation($s: UUID) { issueApiToken(input: {name: \"x\", role: SCHOOL_ADMIN, schoolId: $s}) { token } }",
            json!({ "s": uuid::Uuid::now_v7() }),
        )
        .await;
    assert_eq!(error_code(&answer), "NOT_FOUND");
}
