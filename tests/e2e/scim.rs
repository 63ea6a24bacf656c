//! SCIM 2.0 (issue 22): scim2-tester's compliance checks against the real server, and
//! what nobody else may do: no token, the wrong token, another trust's token, SCIM
//! tokens anywhere but `/scim/v2`, bad input, too much input, too fast.

use std::process::{Command, Stdio};

use attest_tests::{TestApp, error_code};
use reqwest::Method;
use serde_json::{Value, json};

use crate::access::token;

const CONNECT: &str = "mutation($input: ConnectDirectoryInput!) { connectDirectory(input: $input) { kind tenantId } }";
const RULES: &str =
    "mutation($rules: SyncRulesInput!) { setSyncRules(rules: $rules) { rules { defaultKind } } }";

/// A trust's SCIM client: its token and the server's SCIM root.
pub struct Scim {
    pub base: String,
    pub token: String,
    client: reqwest::Client,
}

impl Scim {
    pub fn new(test: &TestApp, token: String) -> Self {
        Self {
            base: test.url("/scim/v2"),
            token,
            client: test.client.clone(),
        }
    }

    /// Connects the trust's directory as SCIM with `rules` (and the share of a school
    /// that may leave in a day unconfirmed), and issues a SCIM token.
    pub async fn connect(
        test: &TestApp,
        admin: &str,
        rules: Value,
        (tenant, max_share): (Option<&str>, f64),
    ) -> Self {
        test.data(
            admin,
            CONNECT,
            json!({ "input": { "kind": "scim", "tenantId": tenant, "maxLeaverShare": max_share } }),
        )
        .await;
        test.data(admin, RULES, json!({ "rules": rules })).await;
        Self::new(test, token(test, admin, "SCIM", None).await)
    }

    /// Sends a request; the status and the JSON answer (`null` when empty).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("SCIM request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, operations: Value) -> (u16, Value) {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        });
        self.call(Method::PATCH, path, Some(body)).await
    }

    /// POSTs a user and returns its id.
    pub async fn create_user(&self, body: Value) -> String {
        let (status, user) = self.post("/Users", body).await;
        assert_eq!(status, 201, "{user}");
        user["id"].as_str().expect("id").to_owned()
    }
}

/// A school of the trust; its slug.
pub async fn school(test: &TestApp, admin: &str, name: &str, urn: &str) -> String {
    let data = test
        .data(
            admin,
            "mutation($input: CreateSchoolInput!) { createSchool(input: $input) { slug } }",
            json!({ "input": { "name": name, "urn": urn } }),
        )
        .await;
    data["createSchool"]["slug"]
        .as_str()
        .expect("slug")
        .to_owned()
}

/// Where scim2-tester is importable from, installed from PyPI once into
/// `target/peers/scim` (under a lock: test processes run side by side).
fn scim_tester() -> std::path::PathBuf {
    const PACKAGES: [&str; 4] = [
        "scim2-cli==0.6.0",
        "scim2-tester==0.5.2",
        "scim2-client==0.13.2",
        "scim2-models==0.12.3",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/peers/scim");
    std::fs::create_dir_all(&dir).expect("target/peers/scim");
    let lock = std::fs::File::create(dir.join(".lock")).expect("lock file");
    lock.lock().expect("lock");
    let importable = || {
        Command::new("python3")
            .args(["-c", "import scim2_cli, scim2_tester"])
            .env("PYTHONPATH", &dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if !importable() {
        eprintln!("installing scim2-tester from PyPI into {}", dir.display());
        let installed = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&dir)
            .args(PACKAGES)
            .status()
            .expect("python3 with pip is needed for the SCIM tests (Debian: apt-get install python3-pip)");
        assert!(
            installed.success() && importable(),
            "could not install scim2-tester"
        );
    }
    dir
}

#[tokio::test]
async fn scim2_tester_passes_every_check_it_runs() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let hill = school(&test, &alpha.admin, "Hill Primary", "330001").await;
    let scim = Scim::connect(
        &test,
        &alpha.admin,
        json!({ "schools": [{ "field": "email_domain", "value": "hill.example", "target": hill }], "defaultKind": "teaching" }),
        (None, 0.1),
    )
    .await;
    let path = scim_tester();
    let base = scim.base.clone();
    let header = format!("Authorization: Bearer {}", scim.token);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args([
                "-c",
                "import sys; from scim2_cli import cli; sys.argv[0] = 'scim2'; sys.exit(cli())",
                "--url",
                &base,
                "-h",
                &header,
                "test",
            ])
            .env("PYTHONPATH", path)
            .output()
            .expect("scim2-tester runs")
    })
    .await
    .expect("joined");
    let report = String::from_utf8_lossy(&output.stdout);
    let passed = report
        .lines()
        .filter(|line| line.starts_with("SUCCESS"))
        .count();
    let failed: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("ERROR") || line.starts_with("CRITICAL"))
        .collect();
    let total = passed
        + failed.len()
        + report
            .lines()
            .filter(|line| line.starts_with("SKIPPED"))
            .count();
    eprintln!("scim2-tester: {passed} checks passed of {total}");
    assert!(failed.is_empty(), "scim2-tester failed checks:\n{report}");
    assert!(
        output.status.success(),
        "scim2-tester: {report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every check of every kind ran: discovery, CRUD, attributes, the three PATCH kinds.
    assert_eq!(passed, total, "{report}");
    assert!(passed >= 80, "only {passed} checks ran:\n{report}");
}

#[tokio::test]
async fn scim_refuses_everyone_but_its_own_trusts_scim_token() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let ours = Scim::new(&test, token(&test, &alpha.admin, "SCIM", None).await);
    let theirs = Scim::new(&test, token(&test, &beta.admin, "SCIM", None).await);
    let ann = ours
        .create_user(json!({ "userName": "ann@alpha.example", "displayName": "Ann Archer" }))
        .await;

    // Anonymous: 401 in SCIM's error schema, with a challenge.
    let anonymous = test
        .client
        .get(test.url("/scim/v2/Users"))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status().as_u16(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    let body: Value = anonymous.json().await.expect("json");
    assert_eq!(
        body["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(body["status"], "401");
    // A wrong token, then an API token of another role: 401, 403.
    let forged = Scim::new(&test, format!("attest_{}", "0".repeat(64)));
    assert_eq!(forged.get("/Users").await.0, 401);
    let admin_api = Scim::new(&test, token(&test, &alpha.admin, "TRUST_ADMIN", None).await);
    let (status, body) = admin_api.get("/Users").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("scim role")
    );
    // A SCIM token is good nowhere else: GraphQL refuses it.
    let answer = test
        .graphql(
            Some(&ours.token),
            "{ viewer { trust { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
    // Nor can a person be granted the scim role.
    let person = test
        .with_school(&alpha.admin, "Alpha Primary", "330101")
        .await;
    let someone = test
        .with_person(
            &alpha.admin,
            "Sam Someone",
            "sam@alpha.example",
            &person,
            "TEACHING",
        )
        .await;
    let granted = test
        .graphql(
            Some(&alpha.admin),
            "mutation($p: UUID!) { grantRole(input: {personId: $p, role: SCIM}) { role } }",
            json!({ "p": someone }),
        )
        .await;
    assert_eq!(error_code(&granted), "BAD_USER_INPUT", "{granted}");

    // Another trust's token sees nothing of this trust and changes nothing.
    assert_eq!(theirs.get(&format!("/Users/{ann}")).await.0, 404);
    let (_, list) = theirs
        .get("/Users?filter=userName%20eq%20%22ann@alpha.example%22")
        .await;
    assert_eq!(list["totalResults"], 0);
    let (status, _) = theirs
        .patch(
            &format!("/Users/{ann}"),
            json!([{ "op": "replace", "path": "active", "value": false }]),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        theirs
            .call(Method::DELETE, &format!("/Users/{ann}"), None)
            .await
            .0,
        404
    );
    let (status, body) = theirs
        .post(
            "/Groups",
            json!({ "displayName": "Stolen", "members": [{ "value": ann }] }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("no user of this trust")
    );
    let (_, mine) = ours.get(&format!("/Users/{ann}")).await;
    assert_eq!(mine["active"], Value::Null);
    assert_eq!(mine["userName"], "ann@alpha.example");

    // Bad input: each refused with SCIM's keyword, nothing stored.
    let (status, body) = ours
        .call(
            Method::POST,
            "/Users",
            Some(Value::String("{not json".to_owned())),
        )
        .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{body}"
    );
    let (status, body) = ours.get("/Users?filter=userName%20eq").await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidFilter")),
        "{body}"
    );
    let (status, body) = ours
        .post("/Users", json!({ "userName": "ANN@alpha.example" }))
        .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (409, Some("uniqueness")),
        "{body}"
    );
    let (status, body) = ours
        .post("/Users", json!({ "displayName": "No userName" }))
        .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidValue")),
        "{body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("userName")
    );
    let (status, _) = ours.get("/Users/not-a-uuid").await;
    assert_eq!(status, 404);
    let (status, body) = ours.get("/Widgets").await;
    assert_eq!((status, body["status"].as_str()), (404, Some("404")));
    let (status, _) = ours.call(Method::DELETE, "/Schemas", None).await;
    assert_eq!(status, 405);
    let huge = json!({ "userName": "big@alpha.example", "title": "x".repeat(5 << 20) });
    let (status, body) = ours.post("/Users", huge).await;
    assert_eq!(status, 413, "{body}");
    let (status, body) = ours
        .patch(
            &format!("/Users/{ann}"),
            json!([{ "op": "replace", "path": "userName", "value": "" }]),
        )
        .await;
    assert_eq!(
        (status, body["scimType"].as_str()),
        (400, Some("invalidValue")),
        "{body}"
    );
    let (_, list) = ours.get("/Users").await;
    assert_eq!(
        list["totalResults"], 1,
        "nothing but Ann was stored: {list}"
    );
    // A stale version is refused (ETag / If-Match).
    let stale = test
        .client
        .patch(format!("{}/Users/{ann}", ours.base))
        .bearer_auth(&ours.token)
        .header("if-match", "W/\"99\"")
        .body(
            json!({ "Operations": [{ "op": "replace", "path": "title", "value": "Head" }] })
                .to_string(),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(stale.status().as_u16(), 412);
}

#[tokio::test]
async fn a_scim_token_past_its_rate_is_told_when_to_come_back() {
    let test = TestApp::spawn_with_rate_limits(attest_app::RateLimitSettings {
        scim_requests_per_minute: 3,
        ..attest_app::RateLimitSettings::default()
    })
    .await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let ours = Scim::new(&test, token(&test, &alpha.admin, "SCIM", None).await);
    for _ in 0..3 {
        assert_eq!(ours.get("/Users").await.0, 200);
    }
    let response = test
        .client
        .get(format!("{}/Users", ours.base))
        .bearer_auth(&ours.token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "429");
    // A revoked SCIM token stops at once.
    let issued = test
        .data(
            &alpha.admin,
            "mutation { issueApiToken(input: {name: \"Okta\", role: SCIM}) { token apiToken { id } } }",
            json!({}),
        )
        .await;
    let okta = Scim::new(
        &test,
        issued["issueApiToken"]["token"]
            .as_str()
            .expect("token")
            .to_owned(),
    );
    assert_eq!(okta.get("/Schemas").await.0, 200);
    test.data(
        &alpha.admin,
        "mutation($id: UUID!) { revokeApiToken(id: $id) { id } }",
        json!({ "id": issued["issueApiToken"]["apiToken"]["id"] }),
    )
    .await;
    let (status, body) = okta.get("/Schemas").await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked")
    );
    // Each token has its own rate: another trust's is not slowed.
    let theirs = Scim::new(&test, token(&test, &beta.admin, "SCIM", None).await);
    assert_eq!(theirs.get("/Users").await.0, 200);
}
