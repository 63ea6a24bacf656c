//! `attest doctor` against a configuration that is ready to go live and one that is not:
//! a migrated database, a secret key, https with Secure cookies, a real SMTP server
//! (aiosmtpd, EHLO only), an identity provider whose discovery document answers and a
//! directory connection whose token endpoint answers (both served locally); then an
//! unmigrated database, no key, http with Secure cookies, no SMTP server, and providers
//! that do not answer. One line per check, exit 1 on any failure, and `--json`.

#[path = "../../attest-mail/tests/support/sink.rs"]
mod sink;

use std::process::{Command, Output};

use attest_test_support::TestDatabase;
use serde_json::{Value, json};
use sink::Sink;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "11111111-2222-3333-4444-555555555555";

fn attest(database_url: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_attest"));
    command
        .args(args)
        .env("ATTEST_DATABASE_URL", database_url)
        .env("ATTEST_ALLOW_LOCAL_PROVIDERS", "true")
        .env("ATTEST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run attest")
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "attest failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["check"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {report}"))
}

/// An OpenID provider's discovery document and an Entra token endpoint, served locally.
async fn providers() -> MockServer {
    let server = MockServer::start().await;
    let issuer = format!("{}/oidc", server.uri());
    Mock::given(method("GET"))
        .and(path("/oidc/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn doctor_passes_a_configuration_ready_to_go_live_and_names_each_problem_of_one_that_is_not()
{
    let sink = Sink::start();
    let peers = providers().await;
    let database = TestDatabase::migrated().await.expect("database");
    let url = database.url().to_owned();
    let key = String::from_utf8(attest(&url, &[], &["sso", "key"]).stdout).expect("key");
    let key = key.trim();
    let secrets = tempfile::tempdir().expect("dir");
    let secret = secrets.path().join("secret");
    std::fs::write(&secret, "client-secret").expect("secret");
    let secret = secret.to_str().expect("path");
    let with_key = [("ATTEST_SECRET_KEY", key)];
    succeeded(&attest(
        &url,
        &[],
        &["trust", "create", "--name", "Live Trust", "--slug", "live"],
    ));
    let issuer = format!("{}/oidc", peers.uri());
    succeeded(&attest(
        &url,
        &with_key,
        &[
            "sso",
            "add",
            "--trust",
            "live",
            "--kind",
            "oidc",
            "--slug",
            "staff",
            "--name",
            "Staff",
            "--client-id",
            "attest",
            "--client-secret-file",
            secret,
            "--issuer",
            &issuer,
        ],
    ));
    let token_url = format!("{}/{TENANT}/oauth2/v2.0/token", peers.uri());
    succeeded(&attest(
        &url,
        &with_key,
        &[
            "sync",
            "connect",
            "--trust",
            "live",
            "--kind",
            "microsoft",
            "--tenant-id",
            TENANT,
            "--client-id",
            "attest",
            "--secret-file",
            secret,
            "--api-base",
            &peers.uri(),
            "--token-url",
            &token_url,
        ],
    ));

    let smtp = sink.url();
    let good = [
        ("ATTEST_SECRET_KEY", key),
        ("ATTEST_PUBLIC_URL", "https://attest.live-trust.org.uk"),
        ("ATTEST_COOKIE_SECURE", "true"),
        ("ATTEST_SMTP_URL", smtp.as_str()),
    ];
    let text = succeeded(&attest(&url, &good, &["doctor"]));
    for line in [
        "database",
        "migrations",
        "secret key",
        "public URL and cookies",
        "email",
        "sign-in live/staff",
        "directory live",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok") && l.contains(line)),
            "{line} passes:\n{text}"
        );
    }
    assert!(!text.contains("FAIL"), "{text}");
    assert!(sink.received().is_empty(), "EHLO only: nothing is sent");

    // The same trust with the providers answering 404, a closed SMTP port, no key, http with
    // Secure cookies.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    peers.reset().await;
    let dead_smtp = format!("smtp://127.0.0.1:{closed}");
    let broken = [
        ("ATTEST_PUBLIC_URL", "http://attest.live-trust.org.uk"),
        ("ATTEST_COOKIE_SECURE", "true"),
        ("ATTEST_SMTP_URL", dead_smtp.as_str()),
    ];
    let output = attest(&url, &broken, &["doctor", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["ok"], false);
    assert_eq!(check(&report, "database")["ok"], true);
    for failing in [
        "secret key",
        "public URL and cookies",
        "email",
        "sign-in live/staff",
        "directory live",
    ] {
        assert_eq!(check(&report, failing)["ok"], false, "{failing}: {report}");
    }
    assert!(
        check(&report, "public URL and cookies")["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("no one stays signed in"))
    );

    // A database this build has not migrated, and one that is not there at all.
    let empty = TestDatabase::empty().await.expect("database");
    let output = attest(empty.url(), &good, &["doctor", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(check(&report, "migrations")["ok"], false);
    assert!(
        check(&report, "migrations")["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("attest migrate"))
    );
    let missing = attest("sqlite:///nonexistent/dir/attest.db", &good, &["doctor"]);
    assert_eq!(missing.status.code(), Some(1));
    let text = String::from_utf8_lossy(&missing.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("FAIL") && l.contains("database")),
        "{text}"
    );
}
