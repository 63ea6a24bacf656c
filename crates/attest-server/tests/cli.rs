//! The `attest` binary as a script would use it: exit codes, `--json` output, and
//! clear errors that change nothing.

use std::process::{Command, Output};
use std::sync::Arc;

use attest_app::{App, SystemClock};
use attest_store::testing::TestDatabase;
use serde_json::Value;

fn attest(database: &TestDatabase, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .env("ATTEST_DATABASE_URL", database.url())
        .env("ATTEST_LOG", "warn")
        .output()
        .expect("run attest")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "attest failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["trust", "create", "--help"],
        vec!["token", "issue", "--help"],
        vec!["token", "list", "--help"],
        vec!["token", "revoke", "--help"],
        vec!["schema", "print", "--help"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(&args)
            .output()
            .expect("run");
        assert!(output.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage: attest"),
            "{args:?}"
        );
    }
}

#[tokio::test]
async fn trusts_and_tokens_from_the_command_line() {
    let database = TestDatabase::empty().await.expect("database");
    let migrated = stdout_json(&attest(&database, &["migrate", "--json"]));
    assert_eq!(migrated["applied"].as_array().expect("list").len(), 4);

    let trust = stdout_json(&attest(
        &database,
        &[
            "trust",
            "create",
            "--name",
            "Riverside Learning Trust",
            "--slug",
            "riverside",
            "--json",
        ],
    ));
    assert_eq!(trust["slug"], "riverside");
    assert!(trust["id"].as_str().is_some_and(|id| id.len() == 36));

    let duplicate = attest(
        &database,
        &[
            "trust",
            "create",
            "--name",
            "Again",
            "--slug",
            "riverside",
            "--json",
        ],
    );
    assert_eq!(duplicate.status.code(), Some(1));
    assert!(
        stderr(&duplicate).contains("a trust with slug 'riverside' already exists"),
        "{}",
        stderr(&duplicate)
    );
    assert!(duplicate.stdout.is_empty());

    let bad_slug = attest(
        &database,
        &["trust", "create", "--name", "X", "--slug", "Bad Slug"],
    );
    assert!(!bad_slug.status.success());
    assert!(
        stderr(&bad_slug).contains("slug: 'Bad Slug' contains 'B'"),
        "{}",
        stderr(&bad_slug)
    );

    let issued = stdout_json(&attest(
        &database,
        &[
            "token",
            "issue",
            "--trust",
            "riverside",
            "--role",
            "trust_admin",
            "--json",
        ],
    ));
    let secret = issued["token"].as_str().expect("token");
    assert!(secret.starts_with("attest_"));

    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let principal = app
        .authenticate_api_token(secret)
        .await
        .expect("the printed token authenticates");
    assert_eq!(
        principal.trust().to_string(),
        trust["id"].as_str().expect("id")
    );
    assert!(principal.is_trust_admin());

    let bad_role = attest(
        &database,
        &[
            "token",
            "issue",
            "--trust",
            "riverside",
            "--role",
            "superuser",
        ],
    );
    assert!(
        stderr(&bad_role).contains(
            "unknown role 'superuser'; expected one of: trust_admin, dpo, school_admin, read_only"
        ),
        "{}",
        stderr(&bad_role)
    );
    let no_school = attest(
        &database,
        &[
            "token",
            "issue",
            "--trust",
            "riverside",
            "--role",
            "school_admin",
        ],
    );
    assert!(
        stderr(&no_school).contains("schoolId"),
        "{}",
        stderr(&no_school)
    );
    let no_trust = attest(
        &database,
        &["token", "issue", "--trust", "nowhere", "--role", "dpo"],
    );
    assert!(
        stderr(&no_trust).contains("no trust with slug 'nowhere'"),
        "{}",
        stderr(&no_trust)
    );
    let bad_id = attest(
        &database,
        &[
            "token",
            "revoke",
            "--trust",
            "riverside",
            "--id",
            "not-a-uuid",
        ],
    );
    assert!(stderr(&bad_id).contains("--id"), "{}", stderr(&bad_id));

    let listed = stdout_json(&attest(
        &database,
        &["token", "list", "--trust", "riverside", "--json"],
    ));
    assert_eq!(
        listed.as_array().expect("list").len(),
        1,
        "failed issues stored nothing"
    );
    let id = issued["id"].as_str().expect("id");
    let revoked = stdout_json(&attest(
        &database,
        &[
            "token",
            "revoke",
            "--trust",
            "riverside",
            "--id",
            id,
            "--json",
        ],
    ));
    assert!(revoked["revoked_at"].is_string());
    let refused = app
        .authenticate_api_token(secret)
        .await
        .expect_err("revoked");
    assert!(refused.to_string().contains("revoked"));
}

#[tokio::test]
async fn the_demo_trust_is_complete() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let demo = attest_server::demo::seed(&app).await.expect("seed");
    assert_eq!((demo.schools, demo.people), (5, 40));
    let admin = app
        .authenticate_api_token(&demo.admin_token)
        .await
        .expect("admin token");
    let schools = app.schools(&admin).await.expect("schools");
    let names: Vec<&str> = schools.iter().map(|s| s.name.as_str()).collect();
    for seeded in [
        "Wessex Gardens Primary School",
        "Kensington Primary School",
        "The Willows School",
        "Cleves Primary School",
    ] {
        assert!(names.contains(&seeded), "{seeded} in {names:?}");
    }
    let page = app
        .people(&admin, attest_app::PeopleFilter::default(), 100, None)
        .await
        .expect("people");
    assert_eq!(page.people.len(), 40);
    let emails: std::collections::HashSet<_> =
        page.people.iter().filter_map(|p| p.email.clone()).collect();
    assert_eq!(emails.len(), 40, "every demo person has their own email");
}

#[tokio::test]
async fn serve_migrates_serves_and_stops_gracefully_on_sigterm() {
    let database = TestDatabase::empty().await.expect("database");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let server = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("ATTEST_DATABASE_URL", database.url())
        .env("ATTEST_LOG", "info")
        .env("ATTEST_LOG_FORMAT", "json")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start attest serve");
    let client = reqwest::Client::new();
    let ready_url = format!("http://127.0.0.1:{port}/readyz");
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(answer) = client.get(&ready_url).send().await
            && answer.status().is_success()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        ready,
        "attest serve became ready after migrating an empty database"
    );
    let answer = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .expect("healthz");
    let request_id = answer
        .headers()
        .get("x-request-id")
        .expect("request id")
        .to_str()
        .expect("text")
        .to_owned();

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || server.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    assert!(
        exit.status.success(),
        "a graceful stop exits 0: {:?}",
        exit.status
    );
    let logs = String::from_utf8_lossy(&exit.stderr);
    assert!(
        logs.contains(&request_id),
        "the access log carries the request id: {logs}"
    );
    assert!(logs.contains("\"level\":\"INFO\""), "JSON logs: {logs}");
    assert!(logs.contains("attest stopped"), "{logs}");
}
