//! The SCIM provisioning benchmark: a trust of 110 schools with a SCIM connection and
//! mapping rules (department → school, job title → kind), and 12,000 staff pushed to
//! the real server over HTTP as Entra ID's provisioning service sends them (a
//! `userName eq` probe, then the POST), 16 requests in flight; then a group of every
//! one of them, its members added in PATCHes of 100 (what Entra sends), and a PATCH
//! disabling 50 people.
//!
//! SQLite by default; `ATTEST_TEST_DATABASE_URL=postgres://…` for PostgreSQL.
//!
//! ```text
//! cargo run --release -p attest-server --example scim_bench
//! ```

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use attest_app::{App, RateLimitSettings, SystemClock, TokenExpiry};
use attest_domain::{DirectoryInput, RuleInput, SchoolName, Slug, SyncRulesInput};
use attest_server::config::Config;
use attest_server::http::{ServerSettings, start};
use attest_store::{NewSchool, Schools};
use attest_test_support::TestDatabase;
use chrono::Utc;
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

const SCHOOLS: usize = 110;
const STAFF: usize = 12_000;
const IN_FLIGHT: usize = 16;
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn user(n: usize) -> Value {
    let email = format!("staff{n}@largest.example");
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": format!("00000000-0000-4000-8000-{n:012}"),
        "userName": email,
        "active": true,
        "displayName": format!("Staff Member{n}"),
        "emails": [{ "primary": true, "type": "work", "value": email }],
        "name": { "givenName": "Staff", "familyName": format!("Member{n}") },
        "title": if n.is_multiple_of(3) { "Teacher" } else { "Teaching Assistant" },
        ENTERPRISE: { "department": format!("School {:03}", n % SCHOOLS), "employeeNumber": format!("E{n}") },
    })
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        anyhow::ensure!(status.is_success(), "{path}: {status} {text}");
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

async fn setup(app: &App, db: &attest_store::Database) -> anyhow::Result<String> {
    let trust = app
        .create_trust("Largest Learning Trust", "largest")
        .await?;
    let operator = attest_test_support::principals::operator(trust.id);
    let scope = operator.scope();
    for n in 0..SCHOOLS {
        Schools::new(db, &scope)
            .insert(NewSchool {
                name: SchoolName::parse(&format!("School {n:03}"))?,
                slug: Slug::parse(&format!("school-{n:03}"))?,
                urn: None,
                at: Utc::now(),
            })
            .await?;
    }
    app.connect_directory(
        &operator,
        DirectoryInput {
            kind: "scim".to_owned(),
            tenant_id: Some("72f988bf-86f1-41af-91ab-2d7cd011db47".to_owned()),
            max_leaver_share: Some(0.1),
            ..DirectoryInput::default()
        },
        "",
    )
    .await?;
    let rule = |field: &str, value: String, target: String| RuleInput {
        field: field.to_owned(),
        value,
        target,
    };
    app.set_sync_rules(
        &operator,
        SyncRulesInput {
            schools: (0..SCHOOLS)
                .map(|n| {
                    rule(
                        "department",
                        format!("School {n:03}"),
                        format!("school-{n:03}"),
                    )
                })
                .collect(),
            kinds: vec![rule("group", "Governors".to_owned(), "governor".to_owned())],
            default_kind: Some("teaching".to_owned()),
            ignore: Vec::new(),
        },
    )
    .await?;
    let issued = app
        .issue_api_token(
            &operator,
            "Entra provisioning",
            "scim",
            None,
            TokenExpiry::Default,
        )
        .await?;
    Ok(issued.secret)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let database = TestDatabase::migrated().await?;
    let backend = if database.url().starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let db = attest_store::connect(database.url(), 16).await?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let app = App::new(db.clone(), Arc::new(SystemClock))
        .with_public_url(&address)
        .with_rate_limits(&RateLimitSettings {
            scim_requests_per_minute: 0,
            ..RateLimitSettings::default()
        });
    let token = setup(&app, &db).await.context("the benchmark trust")?;
    let settings = ServerSettings {
        graphql: Config::default().graphql,
        workers: 2,
        handle_signals: false,
        secure_cookies: false,
        trusted_proxies: attest_server::http::TrustedProxies::default(),
    };
    let server = start(app.clone(), settings, listener)?;
    let handle = server.handle();
    tokio::spawn(server);
    let client = Arc::new(Client {
        http: reqwest::Client::new(),
        base: format!("{address}/scim/v2"),
        token,
    });

    let started = Instant::now();
    let ids: Vec<String> = stream::iter(0..STAFF)
        .map(|n| {
            let client = client.clone();
            async move {
                let body = user(n);
                let filter = format!("/Users?filter=userName+eq+%22staff{n}%40largest.example%22");
                let probe = client.send(reqwest::Method::GET, &filter, None).await?;
                anyhow::ensure!(probe["totalResults"] == 0, "staff{n} exists already");
                let created = client
                    .send(reqwest::Method::POST, "/Users", Some(&body))
                    .await?;
                Ok(created["id"].as_str().unwrap_or_default().to_owned())
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect::<Vec<anyhow::Result<String>>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let elapsed = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = STAFF as f64 / elapsed;
    println!(
        "[{backend}] {STAFF} users provisioned through SCIM (probe + POST, {IN_FLIGHT} in flight): {elapsed:.1} s, {rate:.0} users/s"
    );

    let group = client
        .send(
            reqwest::Method::POST,
            "/Groups",
            Some(&json!({ "displayName": "All staff", "members": [] })),
        )
        .await?;
    let group = group["id"].as_str().unwrap_or_default().to_owned();
    let started = Instant::now();
    for chunk in ids.chunks(100) {
        let members: Vec<Value> = chunk.iter().map(|id| json!({ "value": id })).collect();
        client
            .send(
                reqwest::Method::PATCH,
                &format!("/Groups/{group}"),
                Some(&json!({ "Operations": [{ "op": "Add", "path": "members", "value": members }] })),
            )
            .await?;
    }
    println!(
        "[{backend}] a group of {STAFF} built in PATCHes of 100 members: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    for id in ids.iter().take(50) {
        client
            .send(
                reqwest::Method::PATCH,
                &format!("/Users/{id}"),
                Some(&json!({ "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] })),
            )
            .await?;
    }
    println!(
        "[{backend}] 50 people disabled one PATCH at a time: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let listed = client
        .send(
            reqwest::Method::GET,
            "/Users?filter=title+eq+%22Teacher%22&count=1",
            None,
        )
        .await?;
    println!(
        "[{backend}] a filter over every user (title eq \"Teacher\": {} found): {:.2} s",
        listed["totalResults"],
        started.elapsed().as_secs_f64()
    );
    handle.stop(true).await;
    Ok(())
}
