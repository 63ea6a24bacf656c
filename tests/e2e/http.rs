//! The HTTP contract of the GraphQL endpoint and the operational routes.

use attest_tests::{TestApp, error_code, error_message};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let test = TestApp::spawn().await;
    let health = test
        .client
        .get(test.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"));
    let ready: Value = test
        .client
        .get(test.url("/readyz"))
        .send()
        .await
        .expect("readyz")
        .json()
        .await
        .expect("json");
    assert_eq!(ready["status"], "ready");
    test.graphql(None, "{ viewer { actorKind } }", json!({}))
        .await;
    let metrics = test.text("/metrics").await;
    assert!(
        metrics.contains(
            r#"attest_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("attest_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"attest_graphql_errors_total{code="UNAUTHENTICATED"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn readiness_fails_while_migrations_are_pending() {
    let test = TestApp::spawn_unmigrated().await;
    let answer = test
        .client
        .get(test.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["reason"], "migrations pending");
    assert!(
        body["pending"]
            .as_array()
            .is_some_and(|pending| !pending.is_empty()),
        "{body}"
    );
    let health = test
        .client
        .get(test.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK, "alive even when not ready");
}

#[tokio::test]
async fn only_json_is_accepted() {
    let test = TestApp::spawn().await;
    let answer = test
        .client
        .post(test.url("/graphql"))
        .header("content-type", "text/plain")
        .body(r#"{"query":"{ viewer { actorKind } }"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = answer.json().await.expect("json");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("application/json")
    );
    let missing = test
        .client
        .post(test.url("/graphql"))
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let test = TestApp::spawn().await;
    let padding = "x".repeat(1024 * 1024);
    let answer = test
        .client
        .post(test.url("/graphql"))
        .json(&json!({ "query": format!("# {padding}\n{{ viewer {{ actorKind }} }}") }))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn malformed_json_and_unknown_fields_are_refused_clearly() {
    let test = TestApp::spawn().await;
    let send = |body: &'static str| {
        test.client
            .post(test.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let broken = send(r#"{"query": "{ viewer { actorKind } }""#)
        .await
        .expect("request");
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: Value = broken.json().await.expect("json");
    assert!(error_message(&body).contains("line 1"), "{body}");
    let unknown = send(r#"{"query": "{ viewer { actorKind } }", "operation": "x"}"#)
        .await
        .expect("request");
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let body: Value = unknown.json().await.expect("json");
    assert!(
        error_message(&body).contains("unknown field `operation`"),
        "{body}"
    );
    let bad_variables = send(r#"{"query": "{ viewer { actorKind } }", "variables": [1]}"#)
        .await
        .expect("request");
    assert_eq!(bad_variables.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn get_serves_queries_but_never_mutations() {
    let test = TestApp::spawn().await;
    let trust = test.trust("get-trust").await;
    let query = test
        .client
        .get(test.url("/graphql"))
        .query(&[("query", "{ trust { slug } }")])
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("request");
    assert_eq!(query.status(), StatusCode::OK);
    let body: Value = query.json().await.expect("json");
    assert_eq!(body["data"]["trust"]["slug"], "get-trust");
    let mutation = test
        .client
        .get(test.url("/graphql"))
        .query(&[(
            "query",
            r#"mutation { createSchool(input: {name: "Sneaky"}) { id } }"#,
        )])
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("request");
    assert_eq!(mutation.status(), StatusCode::METHOD_NOT_ALLOWED);
    let schools = test
        .data(&trust.admin, "{ schools { name } }", json!({}))
        .await;
    assert_eq!(
        schools["schools"],
        json!([]),
        "the GET mutation changed nothing"
    );
}

#[tokio::test]
async fn batches_are_off_by_default_and_limited_when_on() {
    let off = TestApp::spawn().await;
    let batch =
        json!([{ "query": "{ viewer { actorKind } }" }, { "query": "{ viewer { actorKind } }" }]);
    let answer = off
        .client
        .post(off.url("/graphql"))
        .json(&batch)
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);

    let on = TestApp::spawn_with(|graphql| graphql.max_batch = 2).await;
    let trust = on.trust("batch").await;
    let answer: Value = on
        .client
        .post(on.url("/graphql"))
        .bearer_auth(&trust.admin)
        .json(&batch)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(answer[1]["data"]["viewer"]["actorKind"], "api_token");
    let three = json!([{ "query": "{ viewer { actorKind } }" }, { "query": "{ viewer { actorKind } }" }, { "query": "{ viewer { actorKind } }" }]);
    let answer = on
        .client
        .post(on.url("/graphql"))
        .json(&three)
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn depth_introspection_and_suggestions_are_limited() {
    let test = TestApp::spawn_with(|graphql| graphql.max_depth = 4).await;
    let trust = test.trust("limits").await;
    let deep = "{ people { edges { node { memberships { school { name } } } } } }";
    let answer = test.graphql(Some(&trust.admin), deep, json!({})).await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
    assert!(
        error_message(&answer).contains("nested too deep"),
        "{answer}"
    );

    let introspection = test
        .graphql(
            Some(&trust.admin),
            "{ __schema { types { name } } }",
            json!({}),
        )
        .await;
    let exposed = introspection["data"]["__schema"]["types"]
        .as_array()
        .is_some_and(|types| !types.is_empty());
    assert!(!exposed, "introspection is off by default: {introspection}");

    let typo = test
        .graphql(Some(&trust.admin), "{ shools { name } }", json!({}))
        .await;
    assert_eq!(error_code(&typo), "BAD_USER_INPUT");
    assert!(
        !error_message(&typo).contains("Did you mean"),
        "suggestions are off: {typo}"
    );

    let open = TestApp::spawn_with(|graphql| graphql.introspection = true).await;
    let trust = open.trust("open").await;
    let answer = open
        .data(
            &trust.admin,
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(answer["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn graphiql_is_served_only_when_enabled() {
    let off = TestApp::spawn().await;
    let answer = off
        .client
        .get(off.url("/graphiql"))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let on = TestApp::spawn_with(|graphql| graphql.graphiql = true).await;
    let answer = on
        .client
        .get(on.url("/graphiql"))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/html")
    );
    assert!(answer.text().await.expect("body").contains("/graphql"));
}

#[tokio::test]
async fn complexity_is_limited() {
    let test = TestApp::spawn_with(|graphql| graphql.max_complexity = 50).await;
    let trust = test.trust("complex").await;
    let answer = test
        .graphql(
            Some(&trust.admin),
            "{ people(first: 100) { edges { node { fullName email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT");
    assert!(
        error_message(&answer).to_lowercase().contains("complex"),
        "{answer}"
    );
}

/// With every database connection in use past the acquire timeout, requests are refused
/// with 503 and Retry-After (never a 500), and answered again once one comes free.
#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after() {
    use attest_store::TransactionTrait;
    let test = TestApp::spawn_with_pool(1, std::time::Duration::from_millis(300)).await;
    let trust = test.trust("busy").await;
    let held = test.db.begin().await.expect("the only connection");
    let post = |token: Option<&str>, query: &str| {
        let mut request = test
            .client
            .post(test.url("/graphql"))
            .json(&json!({ "query": query }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    // A token is looked up before the query runs; a magic link inside a resolver.
    let link = attest_auth::mint_magic_link()
        .expect("a link's shape")
        .secret;
    let form = format!("{{ signingForm(magicLinkToken: \"{link}\") {{ versionId }} }}");
    for (token, query) in [
        (Some(trust.admin.as_str()), "{ viewer { trust { name } } }"),
        (None, form.as_str()),
    ] {
        let response = post(token, query).await.expect("answered");
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{query}"
        );
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().ok()),
            Some(Some("1"))
        );
        let body: Value = response.json().await.expect("json");
        assert_eq!(error_code(&body), "UNAVAILABLE", "{body}");
        assert!(!body.to_string().contains("pool"), "{body}");
    }
    drop(held);
    let response = post(Some(&trust.admin), "{ viewer { trust { name } } }")
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
}
