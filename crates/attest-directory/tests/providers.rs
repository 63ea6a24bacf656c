//! The providers' documented answers, served by a local HTTP server: Microsoft Graph's
//! users delta (pages, delta links, `@removed`, partial updates, 429 with Retry-After,
//! 410 for an expired delta token) and group members; Google's token endpoint (which
//! checks the signed assertion) and users.list (pages, 403 userRateLimitExceeded,
//! suspended and archived accounts, org units).

use std::time::Duration;

use attest_directory::{Directory, DirectoryError, Egress, Retry};
use attest_domain::{DirectoryInput, DirectorySettings};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const PRIVATE_KEY: &str = include_str!("fixtures/service_account_key.pem");
const PUBLIC_KEY: &str = include_str!("fixtures/service_account_public.pem");

fn retry() -> Retry {
    Retry {
        attempts: 4,
        base: Duration::from_millis(50),
        cap: Duration::from_secs(2),
    }
}

fn microsoft(server: &MockServer) -> Directory {
    microsoft_reaching(server, Egress { allow_local: true })
}

fn microsoft_reaching(server: &MockServer, egress: Egress) -> Directory {
    let settings = DirectorySettings::parse(&DirectoryInput {
        kind: "microsoft".to_owned(),
        tenant_id: Some(TENANT.to_owned()),
        client_id: Some("attest-sync".to_owned()),
        api_base: Some(format!("{}/v1.0", server.uri())),
        token_url: Some(format!("{}/{TENANT}/oauth2/v2.0/token", server.uri())),
        ..DirectoryInput::default()
    })
    .expect("settings");
    Directory::new(settings, "s3cret value".to_owned(), (retry(), egress))
}

async fn graph_token(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_secret=s3cret+value"))
        .and(body_string_contains(
            "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
            "access_token": "graph-token"
        })))
        .mount(server)
        .await;
}

fn graph_user(id: &str, name: &str, mail: Option<&str>, enabled: bool) -> Value {
    json!({
        "id": id, "displayName": name, "givenName": name.split(' ').next(),
        "surname": name.split(' ').nth(1), "mail": mail,
        "userPrincipalName": format!("{id}@trust.onmicrosoft.com"),
        "accountEnabled": enabled, "jobTitle": "Teacher", "department": "North Primary",
        "officeLocation": null, "employeeId": null
    })
}

#[tokio::test]
async fn graph_first_sync_follows_pages_waits_when_throttled_and_keeps_the_delta_link() {
    let server = MockServer::start().await;
    graph_token(&server).await;
    let base = format!("{}/v1.0", server.uri());
    // The first page is throttled once, as Graph does under load.
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$select", "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "Too many requests"}})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(header("authorization", "Bearer graph-token"))
        .and(query_param("$select", "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)",
            "@odata.nextLink": format!("{base}/users/delta?$skiptoken=page2"),
            "value": [
                graph_user("u1", "Ann North", Some("ann.north@trust.example"), true),
                graph_user("u2", "Bob Guest", None, true),
            ]
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$skiptoken", "page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.deltaLink": format!("{base}/users/delta?$deltatoken=round1"),
            "value": [ graph_user("u3", "Cy Disabled", Some("cy@trust.example"), false) ]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups"))
        .and(query_param("$filter", "displayName eq 'Teachers'"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "g-teachers", "displayName": "Teachers"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups/g-teachers/transitiveMembers/microsoft.graph.user"))
        .and(query_param("$top", "999"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{base}/groups/g-teachers/transitiveMembers/microsoft.graph.user?$skiptoken=m2"),
            "value": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/v1.0/groups/g-teachers/transitiveMembers/microsoft.graph.user",
        ))
        .and(query_param("$skiptoken", "m2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"@odata.type": "#microsoft.graph.user", "id": "u3"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups"))
        .and(query_param("$filter", "displayName eq 'O''Brien''s group'"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;

    let fetched = microsoft(&server)
        .fetch(None, &["Teachers".to_owned(), "O'Brien's group".to_owned()])
        .await
        .expect("fetched");
    assert!(fetched.changes.full);
    assert_eq!(
        fetched.delta_link.as_deref(),
        Some(format!("{base}/users/delta?$deltatoken=round1").as_str())
    );
    assert_eq!(fetched.throttled, 1, "one 429, waited out");
    let accounts = &fetched.changes.accounts;
    assert_eq!(accounts.len(), 3);
    assert_eq!(
        accounts[0].email,
        Some(Some("ann.north@trust.example".to_owned()))
    );
    assert_eq!(
        accounts[1].email,
        Some(Some("u2@trust.onmicrosoft.com".to_owned())),
        "no mail: the user principal name stands in"
    );
    assert_eq!(accounts[2].enabled, Some(false));
    assert_eq!(
        accounts[0].department,
        Some(Some("North Primary".to_owned()))
    );
    assert_eq!(accounts[0].office_location, Some(None));
    let groups = fetched.changes.groups.expect("groups");
    assert_eq!(groups["Teachers"], vec!["u1".to_owned(), "u3".to_owned()]);
    assert!(
        groups["O'Brien's group"].is_empty(),
        "a missing group has no members"
    );
}

#[tokio::test]
async fn graph_delta_rounds_carry_partial_updates_and_removals() {
    let server = MockServer::start().await;
    graph_token(&server).await;
    let base = format!("{}/v1.0", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$deltatoken", "round1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.deltaLink": format!("{base}/users/delta?$deltatoken=round2"),
            "value": [
                {"id": "u1", "displayName": "Ann Northcott"},
                {"id": "u4", "jobTitle": null, "officeLocation": "South Site"},
                {"id": "u2", "@removed": {"reason": "changed"}},
                {"id": "u5", "@removed": {"reason": "deleted"}}
            ]
        })))
        .mount(&server)
        .await;
    let fetched = microsoft(&server)
        .fetch(Some(&format!("{base}/users/delta?$deltatoken=round1")), &[])
        .await
        .expect("fetched");
    assert!(!fetched.changes.full);
    assert!(!fetched.delta_expired);
    assert_eq!(
        fetched.changes.removed,
        vec!["u2".to_owned(), "u5".to_owned()]
    );
    let ann = &fetched.changes.accounts[0];
    assert_eq!(ann.display_name.as_deref(), Some("Ann Northcott"));
    assert_eq!(ann.email, None, "absent: unchanged");
    assert_eq!(ann.enabled, None);
    let moved = &fetched.changes.accounts[1];
    assert_eq!(moved.job_title, Some(None), "null: cleared");
    assert_eq!(moved.office_location, Some(Some("South Site".to_owned())));
    assert_eq!(
        fetched.delta_link.as_deref(),
        Some(format!("{base}/users/delta?$deltatoken=round2").as_str())
    );
}

#[tokio::test]
async fn an_expired_graph_delta_token_falls_back_to_a_full_sync() {
    let server = MockServer::start().await;
    graph_token(&server).await;
    let base = format!("{}/v1.0", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$deltatoken", "ancient"))
        .respond_with(ResponseTemplate::new(410).set_body_json(json!({
            "error": {"code": "syncStateNotFound", "message": "The sync state generation is not found."}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .and(query_param("$select", "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.deltaLink": format!("{base}/users/delta?$deltatoken=fresh"),
            "value": [graph_user("u1", "Ann North", Some("ann@trust.example"), true)]
        })))
        .mount(&server)
        .await;
    let fetched = microsoft(&server)
        .fetch(
            Some(&format!("{base}/users/delta?$deltatoken=ancient")),
            &[],
        )
        .await
        .expect("fell back");
    assert!(fetched.delta_expired);
    assert!(fetched.changes.full, "a full listing replaces the snapshot");
    assert_eq!(fetched.changes.accounts.len(), 1);
    assert!(fetched.delta_link.expect("new link").ends_with("fresh"));
}

#[tokio::test]
async fn graph_refusals_and_endless_throttling_are_errors_that_say_so() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided."
        })))
        .mount(&server)
        .await;
    let error = microsoft(&server)
        .fetch(None, &[])
        .await
        .expect_err("refused");
    assert!(
        matches!(error, DirectoryError::Credentials { .. }),
        "{error:?}"
    );
    // The status and a fixed explanation; never the provider's body (issue 15).
    assert!(error.to_string().contains("HTTP 401"), "{error}");
    assert!(!error.to_string().contains("AADSTS7000215"), "{error}");
    assert!(
        !error.to_string().contains("s3cret"),
        "never the secret: {error}"
    );

    let server = MockServer::start().await;
    graph_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .mount(&server)
        .await;
    let error = microsoft(&server)
        .fetch(None, &[])
        .await
        .expect_err("gave up");
    assert!(
        matches!(error, DirectoryError::Throttled { attempts: 4, .. }),
        "{error:?}"
    );

    let server = MockServer::start().await;
    graph_token(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}
        })))
        .mount(&server)
        .await;
    let error = microsoft(&server)
        .fetch(None, &[])
        .await
        .expect_err("no permission");
    assert!(error.to_string().contains("User.Read.All"), "{error}");
}

fn google(server: &MockServer, key: &str) -> Directory {
    let settings = DirectorySettings::parse(&DirectoryInput {
        kind: "google".to_owned(),
        service_account: Some("attest-sync@trust-project.iam.gserviceaccount.com".to_owned()),
        admin_subject: Some("it.admin@trust.example".to_owned()),
        api_base: Some(server.uri()),
        token_url: Some(format!("{}/token", server.uri())),
        ..DirectoryInput::default()
    })
    .expect("settings");
    Directory::new(
        settings,
        key.to_owned(),
        (retry(), Egress { allow_local: true }),
    )
}

/// Google's token endpoint: the assertion must be signed by the service account's key and
/// name it, the admin it acts as, the read-only users scope and this endpoint.
struct TokenEndpoint {
    audience: String,
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form: Vec<(String, String)> =
            form_urlencoded::parse(&request.body).into_owned().collect();
        let field = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        if field("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
            return ResponseTemplate::new(400)
                .set_body_json(json!({"error": "unsupported_grant_type"}));
        }
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).expect("key");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&["attest-sync@trust-project.iam.gserviceaccount.com"]);
        match jsonwebtoken::decode::<Value>(&field("assertion"), &key, &validation) {
            Ok(token)
                if token.claims["sub"] == "it.admin@trust.example"
                    && token.claims["scope"]
                        == "https://www.googleapis.com/auth/admin.directory.user.readonly" =>
            {
                ResponseTemplate::new(200).set_body_json(json!({
                    "access_token": "google-token", "expires_in": 3599, "token_type": "Bearer"
                }))
            }
            _ => ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_grant", "error_description": "Invalid JWT Signature."
            })),
        }
    }
}

fn google_user(id: &str, name: &str, unit: &str, title: &str) -> Value {
    json!({
        "kind": "admin#directory#user", "id": id, "etag": "\"e\"",
        "primaryEmail": format!("{}@trust.example", name.to_lowercase().replace(' ', ".")),
        "name": {"givenName": name.split(' ').next(), "familyName": name.split(' ').nth(1), "fullName": name},
        "isAdmin": false, "suspended": false, "archived": false, "orgUnitPath": unit,
        "organizations": [
            {"title": "Old post", "primary": false},
            {"title": title, "department": "Maths", "location": "North site", "primary": true, "customType": ""}
        ]
    })
}

#[tokio::test]
async fn google_signs_an_assertion_pages_users_and_backs_off_when_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(TokenEndpoint {
            audience: format!("{}/token", server.uri()),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/directory/v1/users"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": 403, "message": "Quota exceeded for quota metric 'Queries'",
                "errors": [{"message": "Quota exceeded", "domain": "usageLimits", "reason": "userRateLimitExceeded"}]}
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/directory/v1/users"))
        .and(header("authorization", "Bearer google-token"))
        .and(query_param("customer", "my_customer"))
        .and(query_param("maxResults", "500"))
        .and(query_param("pageToken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#directory#users",
            "users": [
                {"kind": "admin#directory#user", "id": "103", "primaryEmail": "gone@trust.example",
                 "name": {"givenName": "Gone", "familyName": "Away"}, "suspended": true, "orgUnitPath": "/Staff/North"},
                {"kind": "admin#directory#user", "id": "104", "primaryEmail": "archived@trust.example",
                 "name": {"fullName": "Archie Ved"}, "archived": true, "orgUnitPath": "/Staff/North"}
            ]
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/directory/v1/users"))
        .and(header("authorization", "Bearer google-token"))
        .and(query_param("customer", "my_customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "admin#directory#users",
            "nextPageToken": "p2",
            "users": [
                google_user("101", "Ann North", "/Staff/North", "Teacher"),
                google_user("102", "Sam South", "/Staff/South/TAs", "Teaching Assistant")
            ]
        })))
        .with_priority(3)
        .mount(&server)
        .await;
    let fetched = google(&server, PRIVATE_KEY)
        .fetch(None, &[])
        .await
        .expect("fetched");
    assert!(fetched.changes.full, "Google has no delta");
    assert_eq!(fetched.throttled, 1);
    let accounts = &fetched.changes.accounts;
    assert_eq!(accounts.len(), 4);
    assert_eq!(
        accounts[0].job_title,
        Some(Some("Teacher".to_owned())),
        "the primary organization"
    );
    assert_eq!(
        accounts[0].office_location,
        Some(Some("North site".to_owned()))
    );
    assert_eq!(
        accounts[1].org_unit,
        Some(Some("/Staff/South/TAs".to_owned()))
    );
    assert_eq!(accounts[2].enabled, Some(false), "suspended");
    assert_eq!(accounts[2].display_name.as_deref(), Some("Gone Away"));
    assert_eq!(accounts[3].enabled, Some(false), "archived");
    assert!(fetched.changes.groups.is_none());
}

#[tokio::test]
async fn google_refuses_an_assertion_signed_with_another_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(TokenEndpoint {
            audience: format!("{}/token", server.uri()),
        })
        .mount(&server)
        .await;
    let other = other_key();
    let error = google(&server, &other)
        .fetch(None, &[])
        .await
        .expect_err("refused");
    assert!(
        matches!(error, DirectoryError::Credentials { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("HTTP 400"), "{error}");
    assert!(
        !error.to_string().contains("Invalid JWT Signature"),
        "never the body: {error}"
    );
    let error = google(&server, "not a key")
        .fetch(None, &[])
        .await
        .expect_err("no key");
    assert!(matches!(error, DirectoryError::Secret(_)), "{error:?}");
}

/// The key of another service account: a valid RSA key the token endpoint does not know.
fn other_key() -> String {
    include_str!("fixtures/other_key.pem").to_owned()
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_nothing_local_is_reached_unless_allowed()
{
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "access_token": "stolen" })))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/token", elsewhere.uri()).as_str())
                .set_body_string("redirect body with secrets"),
        )
        .mount(&server)
        .await;
    let error = microsoft(&server)
        .fetch(None, &[])
        .await
        .expect_err("not followed");
    assert!(error.to_string().contains("HTTP 307"), "{error}");
    assert!(!error.to_string().contains("secrets"), "{error}");

    // Without the operator's permission, loopback is never called.
    let error = microsoft_reaching(&server, Egress::default())
        .fetch(None, &[])
        .await
        .expect_err("refused");
    assert!(
        matches!(error, DirectoryError::Unreachable { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("not a public https address"),
        "{error}"
    );
}
