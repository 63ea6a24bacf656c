//! The outside review's probes (issue 15), run against the real server on both
//! databases: a change that reopens one of these holes fails here.

use std::time::{Duration, Instant};

use attest_app::Clock;
use attest_tests::{TestApp, error_code, error_message};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::access::token;
use crate::directory::UPSERT_PERSON;

/// CPU time this process (server and client both) has used, from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse().ok())
        .collect();
    let ticks: u64 = fields.iter().sum();
    // Linux reports these in USER_HZ, 100 a second.
    Duration::from_millis(ticks * 10)
}

fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for level in 0..levels {
        query.push_str(&format!(
            "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
    query
}

async fn post_raw(test: &TestApp, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut request = test
        .client
        .post(test.url("/graphql"))
        .timeout(Duration::from_secs(20))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("answered, not hung");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn documents_that_cannot_be_afforded_are_refused_cheaply_from_anyone() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let aliases: String = (0..1_000).map(|n| format!("a{n}: __typename ")).collect();
    let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(10_000));
    let deep = format!("{}{}", "{ a ".repeat(100_000), "}".repeat(100_000));
    let huge = format!("{{ viewer {{ actorKind }} }} # {}", "x".repeat(900_000));
    let bombs = [
        ("fragment bomb", fragment_bomb(31)),
        ("alias bomb", format!("{{ {aliases} }}")),
        ("10,000 directives", directives),
        ("deep nesting", deep),
        (
            "huge string literal",
            format!("{{ policy(id: \"{}\") {{ id }} }}", "9".repeat(900_000)),
        ),
    ];
    for (caller, token) in [
        ("anonymous", None),
        ("trust admin", Some(trust.admin.as_str())),
    ] {
        for (name, query) in &bombs {
            assert!(query.len() <= 1024 * 1024, "{name} fits the body limit");
            let cpu = cpu_time();
            let started = Instant::now();
            let (status, answer) = post_raw(&test, token, &json!({ "query": query })).await;
            let (spent, took) = (cpu_time() - cpu, started.elapsed());
            println!("{caller}, {name}: {status}, {took:?} wall, {spent:?} CPU");
            assert!(answer["errors"].is_array(), "{name}: {answer}");
            let code = error_code(&answer);
            assert!(
                ["BAD_USER_INPUT", "UNAUTHENTICATED", "NOT_FOUND"].contains(&code),
                "{name}: {answer}"
            );
            // Far above the ~1 ms these take; today's code never answers the bomb.
            assert!(
                spent < Duration::from_secs(2),
                "{name} used {spent:?} of CPU"
            );
        }
        let (_, comment) = post_raw(&test, token, &json!({ "query": huge })).await;
        assert!(comment["errors"].is_array() || comment["data"].is_object());
    }
    // The server is still quick.
    let started = Instant::now();
    let health = test
        .client
        .get(test.url("/healthz"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn anonymous_callers_are_told_before_any_work() {
    let test = TestApp::spawn().await;
    let (status, answer) = post_raw(&test, None, &json!({ "query": fragment_bomb(31) })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
    let (_, answer) = post_raw(
        &test,
        None,
        &json!({ "query": "{ schools { id } complianceSummary { overall { total } } }" }),
    )
    .await;
    assert_eq!(error_code(&answer), "UNAUTHENTICATED");
    assert_eq!(answer["data"], Value::Null);
    let (_, typename) = post_raw(&test, None, &json!({ "query": "{ __typename }" })).await;
    assert_eq!(typename["data"]["__typename"], "Query");
}

#[tokio::test]
async fn trust_wide_fields_cost_what_they_cost() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let summaries: String = (0..50)
        .map(|n| {
            format!(
                "s{n}: complianceSummary(asOf: \"2026-01-01T00:00:00Z\") {{ overall {{ total }} }} "
            )
        })
        .collect();
    let answer = test
        .graphql(Some(&trust.admin), &format!("{{ {summaries} }}"), json!({}))
        .await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
    assert!(error_message(&answer).contains("too complex"), "{answer}");
    // One is fine.
    test.data(
        &trust.admin,
        "{ complianceSummary(asOf: \"2026-01-01T00:00:00Z\") { overall { total } } }",
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn provider_urls_must_be_public_https() {
    let test = TestApp::spawn_strict().await;
    let trust = test.trust("alpha").await;
    let connect =
        "mutation($input: ConnectDirectoryInput!) { connectDirectory(input: $input) { kind } }";
    let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    for (field, value) in [
        ("apiBase", "http://127.0.0.1@169.254.169.254/latest/"),
        ("apiBase", "https://127.0.0.1@169.254.169.254/latest/"),
        ("tokenUrl", "https://10.0.0.1/token"),
        ("tokenUrl", "https://localhost/token"),
        ("apiBase", "https://[::1]/v1.0"),
    ] {
        let mut input = json!({
            "kind": "microsoft", "tenantId": tenant, "clientId": "attest-sync", "secret": "s"
        });
        input[field] = json!(value);
        let answer = test
            .graphql(Some(&trust.admin), connect, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{value}: {answer}");
        assert_eq!(
            answer["errors"][0]["extensions"]["field"], field,
            "{answer}"
        );
    }
    let add =
        "mutation($input: IdentityProviderInput!) { addIdentityProvider(input: $input) { slug } }";
    let answer = test
        .graphql(
            Some(&trust.admin),
            add,
            json!({ "input": {
                "kind": "oidc", "slug": "staff", "displayName": "Staff", "clientId": "c",
                "clientSecret": "s", "issuer": "http://169.254.169.254/"
            }}),
        )
        .await;
    assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
}

#[tokio::test]
async fn a_school_admin_cannot_take_over_someone_who_works_elsewhere_or_holds_a_role() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let a = test.with_school(&trust.admin, "School A", "300001").await;
    let b = test.with_school(&trust.admin, "School B", "300002").await;
    let a_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&a)).await;
    // The DPO once worked at A and now works at B.
    let dpo = test
        .with_person(&trust.admin, "Dee Pio", "dpo@trust.example", &a, "SUPPORT")
        .await;
    let memberships = test
        .data(
            &trust.admin,
            "query($p: UUID!) { person(id: $p) { memberships { id } } }",
            json!({ "p": dpo }),
        )
        .await;
    let at_a = memberships["person"]["memberships"][0]["id"].clone();
    test.data(
        &trust.admin,
        "mutation($id: UUID!) { endMembership(id: $id) { id } }",
        json!({ "id": at_a }),
    )
    .await;
    test.data(
        &trust.admin,
        "mutation($input: AddMembershipInput!) { addMembership(input: $input) { id } }",
        json!({ "input": { "personId": dpo, "schoolId": b, "kind": "SUPPORT" } }),
    )
    .await;
    test.data(
        &trust.admin,
        "mutation($p: UUID!) { grantRole(input: {personId: $p, role: DPO}) { id } }",
        json!({ "p": dpo }),
    )
    .await;
    let takeover = test
        .graphql(
            Some(&a_admin),
            UPSERT_PERSON,
            json!({ "input": { "id": dpo, "fullName": "Dee Pio", "email": "attacker@evil.example" } }),
        )
        .await;
    assert_eq!(error_code(&takeover), "FORBIDDEN", "{takeover}");
    let exempt = test
        .graphql(
            Some(&a_admin),
            "mutation($p: UUID!) { grantExemption(input: {personId: $p, reason: \"leave\", endsOn: \"2027-01-01\"}) { id } }",
            json!({ "p": dpo }),
        )
        .await;
    assert_eq!(error_code(&exempt), "FORBIDDEN", "{exempt}");
    // A new person with the DPO's address: refused without saying who has it.
    let duplicate = test
        .graphql(
            Some(&a_admin),
            UPSERT_PERSON,
            json!({ "input": { "fullName": "Someone New", "email": "dpo@trust.example",
                     "membership": { "schoolId": a, "kind": "SUPPORT" } } }),
        )
        .await;
    assert!(!duplicate.to_string().contains("Dee Pio"), "{duplicate}");
    assert!(duplicate["errors"].is_array(), "{duplicate}");
    // A colleague who works only at A is still theirs to change.
    let colleague = test
        .with_person(&a_admin, "Cal Colleague", "cal@a.example", &a, "TEACHING")
        .await;
    test.data(
        &a_admin,
        UPSERT_PERSON,
        json!({ "input": { "id": colleague, "fullName": "Cal Colleague", "email": "cal2@a.example" } }),
    )
    .await;
}

#[tokio::test]
async fn guessing_links_and_tokens_is_stopped_with_429() {
    let test = TestApp::spawn().await;
    let mut limited = 0;
    for n in 0..150 {
        let response = test
            .client
            .get(test.url(&format!("/sign/ml_{n:064x}")))
            .send()
            .await
            .expect("answer");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            limited += 1;
        } else {
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
        }
    }
    assert!(
        limited >= 100,
        "only {limited} of 150 wrong links were limited"
    );

    let mut refused = 0;
    for _ in 0..40 {
        let response = test
            .client
            .post(test.url("/graphql"))
            .bearer_auth(format!("attest_{:064}", 0))
            .json(&json!({ "query": "{ viewer { actorKind } }" }))
            .send()
            .await
            .expect("answer");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers().contains_key("retry-after"));
            let body: Value = response.json().await.expect("json");
            assert_eq!(error_code(&body), "RATE_LIMITED");
            refused += 1;
        }
    }
    // 20 at once, then one more every 3 s: a slow machine may let one or two more by.
    assert!(refused >= 15, "{refused} of 40 bad tokens were limited");
}

#[tokio::test]
async fn reporting_and_reminding_are_limited_per_caller() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test.with_school(&trust.admin, "School A", "300001").await;
    let report = crate::breaches::report(&school, &["basic_identifiers"], test.clock.now());
    let mutation = "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id } }";
    let mut codes = Vec::new();
    for _ in 0..22 {
        let answer = test
            .graphql(Some(&trust.admin), mutation, report.clone())
            .await;
        codes.push(error_code(&answer).to_owned());
    }
    assert_eq!(codes.iter().filter(|code| *code == "<none>").count(), 20);
    assert_eq!(codes.last().map(String::as_str), Some("RATE_LIMITED"));
    // A read-only token changes nothing, and a report is a change.
    let read_only = token(&test, &trust.admin, "READ_ONLY", None).await;
    let answer = test.graphql(Some(&read_only), mutation, report).await;
    assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
}

#[tokio::test]
async fn responses_carry_security_headers_and_metrics_stay_bounded() {
    let test = TestApp::spawn().await;
    let page = test
        .client
        .get(test.url(&format!("/sign/ml_{:064x}", 1)))
        .send()
        .await
        .expect("page");
    let headers = page.headers();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().expect("text");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    for method in ["FOO123", "BAR456"] {
        test.client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                test.url("/healthz"),
            )
            .send()
            .await
            .expect("answer");
    }
    let metrics = test.text("/metrics").await;
    assert!(
        !metrics.contains("FOO123") && !metrics.contains("BAR456"),
        "{metrics}"
    );
    assert!(metrics.contains("method=\"OTHER\""), "{metrics}");
}

#[tokio::test]
async fn tokens_expire_unless_asked_not_to() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let issue = "mutation($never: Boolean!) { issueApiToken(input: {name: \"t\", role: READ_ONLY, noExpiry: $never}) { apiToken { expiresAt } } }";
    let default = test
        .data(&trust.admin, issue, json!({ "never": false }))
        .await;
    let expires = default["issueApiToken"]["apiToken"]["expiresAt"]
        .as_str()
        .expect("a default expiry");
    assert!(expires.starts_with("2027-02-21"), "{expires}");
    let never = test
        .data(&trust.admin, issue, json!({ "never": true }))
        .await;
    assert_eq!(never["issueApiToken"]["apiToken"]["expiresAt"], Value::Null);
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_are_bounded_in_the_audit_log() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    test.data(
        &trust.admin,
        "mutation($input: IdentityProviderInput!) { addIdentityProvider(input: $input) { slug } }",
        json!({ "input": {
            "kind": "oidc", "slug": "staff", "displayName": "Staff", "clientId": "c",
            "clientSecret": "s", "issuer": "http://127.0.0.1:9/"
        }}),
    )
    .await;
    let description = "<script>".repeat(1_000);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let response = test
            .client
            .get(test.url("/auth/alpha/staff/callback"))
            .query(&[
                ("error", "access_denied"),
                ("error_description", description.as_str()),
            ])
            .send()
            .await
            .expect("answer");
        statuses.push(response.status());
    }
    // 30 at once, then one more every 2 s: a slow machine may see one or two more.
    let count = |status: StatusCode| statuses.iter().filter(|s| **s == status).count();
    let (refused, limited) = (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
    );
    assert!((30..=33).contains(&refused), "{statuses:?}");
    assert_eq!(refused + limited, 40, "{statuses:?}");
    let audit = test
        .data(
            &trust.admin,
            "{ auditLog(first: 100) { action summary } }",
            json!({}),
        )
        .await;
    let failures: Vec<&Value> = audit["auditLog"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["action"] == "sso.login_failed")
        .collect();
    assert_eq!(failures.len(), 10, "at most ten an hour from one address");
    for entry in failures {
        let reason = entry["summary"].to_string();
        assert!(
            reason.len() < 2_000,
            "the stored reason is capped: {}",
            reason.len()
        );
    }
}

#[tokio::test]
async fn a_school_admin_without_the_grant_sees_no_text_about_special_category_data() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test.with_school(&trust.admin, "School A", "300001").await;
    let dpo = token(&test, &trust.admin, "DPO", None).await;
    let head = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let now = test.clock.now();
    let mut report = crate::breaches::report(&school, &["health", "basic_identifiers"], now);
    report["input"]["dataOther"] = json!("medical notes for two pupils");
    let id = test
        .data(
            &dpo,
            "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id } }",
            report,
        )
        .await["reportBreach"]["id"]
        .clone();
    test.data(
        &dpo,
        "mutation($id: UUID!, $at: DateTime!) { triageBreach(id: $id, version: 1, awareAt: $at, notes: \"Health data of 28 pupils\") { version } }",
        json!({ "id": id, "at": now.to_rfc3339() }),
    )
    .await;
    let read = "query($id: UUID!) { breach(id: $id) { specialCategoryHidden whatHappened dataOther triageNotes dataCategories reporterName } }";
    let seen = test.data(&head, read, json!({ "id": id })).await["breach"].clone();
    assert_eq!(seen["specialCategoryHidden"], true);
    assert!(
        seen["whatHappened"]
            .as_str()
            .expect("text")
            .starts_with("[withheld")
    );
    assert_eq!(seen["dataOther"], Value::Null);
    assert_eq!(seen["triageNotes"], Value::Null);
    assert_eq!(seen["dataCategories"], json!(["basic_identifiers"]));
    let full = test.data(&dpo, read, json!({ "id": id })).await["breach"].clone();
    assert_eq!(full["triageNotes"], "Health data of 28 pupils");
    assert_eq!(full["dataOther"], "medical notes for two pupils");
}

#[tokio::test]
async fn the_server_works_as_a_runtime_role_that_cannot_rewrite_history() {
    let Some(test) = TestApp::spawn_as_runtime_role().await else {
        eprintln!("PostgreSQL only: set ATTEST_TEST_DATABASE_URL to run this test");
        return;
    };
    let ready = test
        .client
        .get(test.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(
        ready.status(),
        StatusCode::OK,
        "the runtime role reads the migrations"
    );
    // The product works: a school, staff, a signing link, a signature, a breach report.
    let trust = test.trust("alpha").await;
    let f = crate::signing::fixture(&test, &trust.admin, "300001", &["Ann Smith"]).await;
    let link =
        crate::signing::magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let signed = crate::signing::sign_with_link(&test, &link, "Ann Smith").await;
    assert!(signed["errors"].is_null(), "{signed}");
    let report = crate::breaches::report(&f.school, &["basic_identifiers"], test.clock.now());
    test.data(
        &trust.admin,
        "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id } }",
        report,
    )
    .await;
    let audit = test
        .data(&trust.admin, "{ auditLog(first: 5) { action } }", json!({}))
        .await;
    assert!(!audit["auditLog"].as_array().expect("entries").is_empty());
    // History cannot be rewritten through the server's own connection.
    use attest_store::ConnectionTrait;
    for refused in [
        "TRUNCATE audit_log",
        "DELETE FROM acceptances",
        "ALTER TABLE acceptances DISABLE TRIGGER ALL",
    ] {
        let outcome = test.db.execute_unprepared(refused).await;
        assert!(outcome.is_err(), "{refused} was allowed");
    }
}

#[tokio::test]
async fn typed_names_cannot_be_tried_until_one_matches() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = crate::signing::fixture(&test, &trust.admin, "300001", &["Ann Smith"]).await;
    let link =
        crate::signing::magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let mut codes = Vec::new();
    for attempt in 0..11 {
        let answer =
            crate::signing::sign_with_link(&test, &link, &format!("Guess Number {attempt}")).await;
        codes.push(error_code(&answer).to_owned());
    }
    assert!(
        codes[..10].iter().all(|code| code == "BAD_USER_INPUT"),
        "{codes:?}"
    );
    assert_eq!(codes[10], "RATE_LIMITED", "{codes:?}");
    // Even the right name waits now.
    let right = crate::signing::sign_with_link(&test, &link, "Ann Smith").await;
    assert_eq!(error_code(&right), "RATE_LIMITED", "{right}");
}

#[tokio::test]
async fn the_document_limits_are_the_operators_to_set() {
    let test = TestApp::spawn_with(|graphql| {
        graphql.max_aliases = 5;
        graphql.max_document_bytes = 2_000;
    })
    .await;
    let trust = test.trust("alpha").await;
    let aliases: String = (0..6).map(|n| format!("a{n}: __typename ")).collect();
    let answer = test
        .graphql(Some(&trust.admin), &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert!(
        error_message(&answer).contains("at most 5 are allowed"),
        "{answer}"
    );
    let long = format!("{{ __typename }} # {}", "x".repeat(2_000));
    let answer = test.graphql(Some(&trust.admin), &long, json!({})).await;
    assert!(
        error_message(&answer).contains("send large values as variables"),
        "{answer}"
    );
}

#[tokio::test]
async fn trust_wide_exports_are_limited_per_caller() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let mut statuses = Vec::new();
    for _ in 0..61 {
        let response = test
            .client
            .get(test.url("/exports/compliance.csv"))
            .bearer_auth(&trust.admin)
            .send()
            .await
            .expect("export");
        statuses.push(response.status());
    }
    assert!(
        statuses[..60].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[60], StatusCode::TOO_MANY_REQUESTS);
}
