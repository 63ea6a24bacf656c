//! The directory sync benchmark: a trust of 110 schools whose Entra ID lists 12,000 staff
//! (plus shared mailboxes and pupils to ignore), served by a local HTTP server speaking
//! Microsoft Graph (999 users a page, as Graph pages `/users/delta`).
//!
//! 1. the first sync: plan (read 12,000 accounts, plan against an empty trust) and apply,
//! 2. a delta of 50 changes (renames, moves, leavers, newcomers): plan and apply,
//! 3. the same with nothing changed.
//!
//! SQLite by default; `ATTEST_TEST_DATABASE_URL=postgres://…` for PostgreSQL.
//!
//! ```text
//! cargo run --release -p attest-server --example sync_bench
//! ```

use std::sync::Arc;
use std::time::Instant;

use attest_app::{App, SyncTrigger, SystemClock};
use attest_domain::{DirectoryInput, Principal, RuleInput, SchoolName, Slug, SyncRulesInput};
use attest_store::{NewSchool, Schools};
use attest_test_support::TestDatabase;
use chrono::Utc;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SCHOOLS: usize = 110;
const STAFF: usize = 12_000;
const PAGE: usize = 999;
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

fn user(n: usize, school: usize, name: &str) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"), "displayName": name,
        "givenName": name.split(' ').next(), "surname": name.split(' ').nth(1),
        "mail": format!("staff{n}@largest.example"), "userPrincipalName": format!("staff{n}@largest.example"),
        "accountEnabled": true, "jobTitle": if n.is_multiple_of(3) { "Teacher" } else { "Teaching Assistant" },
        "department": format!("School {school:03}"), "officeLocation": null, "employeeId": format!("E{n}")
    })
}

/// Serves `users` as a delta round of pages from `from` (None: the initial round).
async fn serve_round(server: &MockServer, from: Option<&str>, next: &str, users: &[Value]) {
    let pages: Vec<&[Value]> = if users.is_empty() {
        vec![&[]]
    } else {
        users.chunks(PAGE).collect()
    };
    let base = format!("{}/v1.0/users/delta", server.uri());
    for (index, page) in pages.iter().enumerate() {
        let last = index + 1 == pages.len();
        let mut body = json!({ "value": page });
        if last {
            body["@odata.deltaLink"] = json!(format!("{base}?$deltatoken={next}"));
        } else {
            body["@odata.nextLink"] = json!(format!("{base}?$skiptoken={next}-{}", index + 1));
        }
        let mock = Mock::given(method("GET")).and(path("/v1.0/users/delta"));
        let mock = if index == 0 {
            match from {
                None => mock.and(query_param("$select", "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId")),
                Some(token) => mock.and(query_param("$deltatoken", token)),
            }
        } else {
            mock.and(query_param("$skiptoken", format!("{next}-{index}")))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

async fn timed_sync(app: &App, operator: &Principal, label: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let planned = app.plan_directory_sync(operator, SyncTrigger::Cli).await?;
    let plan_time = started.elapsed();
    let started = Instant::now();
    let applied = app
        .apply_directory_sync(operator, planned.row.id, true)
        .await?;
    let apply_time = started.elapsed();
    println!(
        "{label}: plan {:.2} s, apply {:.2} s — {}",
        plan_time.as_secs_f64(),
        apply_time.as_secs_f64(),
        applied.summary
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let database = TestDatabase::migrated().await?;
    let backend = if database.url().starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let db = attest_store::connect(database.url(), 8).await?;
    let key = attest_auth::SealingKey::generate()?;
    // Graph is served on loopback here.
    let app = App::new(db.clone(), Arc::new(SystemClock))
        .with_sealing_key(attest_auth::SealingKey::from_base64(&key)?)
        .with_local_providers(true);
    let trust = app
        .create_trust("Largest Learning Trust", "largest")
        .await?;
    let operator = attest_test_support::principals::operator(trust.id);
    let scope = operator.scope();
    for n in 0..SCHOOLS {
        Schools::new(&db, &scope)
            .insert(NewSchool {
                name: SchoolName::parse(&format!("School {n:03}"))?,
                slug: Slug::parse(&format!("school-{n:03}"))?,
                urn: None,
                at: Utc::now(),
            })
            .await?;
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "t"}),
        ))
        .mount(&server)
        .await;
    app.connect_directory(
        &operator,
        DirectoryInput {
            kind: "microsoft".to_owned(),
            tenant_id: Some(TENANT.to_owned()),
            client_id: Some("bench".to_owned()),
            api_base: Some(format!("{}/v1.0", server.uri())),
            token_url: Some(format!("{}/{TENANT}/oauth2/v2.0/token", server.uri())),
            ..DirectoryInput::default()
        },
        "secret",
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
            kinds: vec![rule(
                "job_title",
                "Teacher".to_owned(),
                "teaching".to_owned(),
            )],
            default_kind: Some("support".to_owned()),
            ignore: vec![rule(
                "email_domain",
                "pupils.largest.example".to_owned(),
                String::new(),
            )],
        },
    )
    .await?;

    let mut users: Vec<Value> = (0..STAFF)
        .map(|n| user(n, n % SCHOOLS, &format!("Staff Member{n}")))
        .collect();
    // Accounts the rules leave out: pupils and shared mailboxes without a department.
    for n in 0..200 {
        let mut pupil = user(STAFF + n, 0, &format!("Pupil Account{n}"));
        pupil["mail"] = json!(format!("pupil{n}@pupils.largest.example"));
        users.push(pupil);
    }
    serve_round(&server, None, "round1", &users).await;
    println!(
        "[{backend}] {} accounts ({} staff) in {} pages of {PAGE}",
        users.len(),
        STAFF,
        users.len().div_ceil(PAGE)
    );
    timed_sync(&app, &operator, "first sync of 12,000").await?;

    // 50 changes: 20 renames, 10 moves, 10 leavers, 10 newcomers.
    let mut delta: Vec<Value> = Vec::new();
    for n in 0..20 {
        delta.push(json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "displayName": format!("Renamed Member{n}")}));
    }
    for n in 20..30 {
        delta.push(json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "department": format!("School {:03}", (n + 1) % SCHOOLS)}));
    }
    for n in 30..40 {
        delta.push(json!({"id": format!("00000000-0000-4000-8000-{n:012}"), "@removed": {"reason": "changed"}}));
    }
    for n in 0..10 {
        delta.push(user(STAFF + 1_000 + n, n, &format!("New Starter{n}")));
    }
    serve_round(&server, Some("round1"), "round2", &delta).await;
    timed_sync(&app, &operator, "delta of 50 changes").await?;
    serve_round(&server, Some("round2"), "round3", &[]).await;
    timed_sync(&app, &operator, "delta with nothing changed").await?;
    Ok(())
}
