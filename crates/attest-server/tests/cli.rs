//! The `attest` binary as a script would use it: exit codes, `--json` output, and
//! clear errors that change nothing.

#[path = "../../attest-mail/tests/support/sink.rs"]
mod sink;

use std::process::{Command, Output};
use std::sync::Arc;

use attest_app::{App, SystemClock};
use attest_test_support::TestDatabase;
use serde_json::Value;
use sink::Sink;

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
        vec!["acceptance", "verify", "--help"],
        vec!["report", "compliance", "--help"],
        vec!["mail", "test", "--help"],
        vec!["mail", "dispatch", "--help"],
        vec!["mail", "preview", "--help"],
        vec!["reminders", "run", "--help"],
        vec!["jobs", "list", "--help"],
        vec!["jobs", "run", "--help"],
        vec!["jobs", "retry", "--help"],
        vec!["jobs", "cancel", "--help"],
        vec!["breach", "export", "--help"],
        vec!["breach", "list", "--help"],
        vec!["sso", "key", "--help"],
        vec!["sso", "list", "--help"],
        vec!["sso", "add", "--help"],
        vec!["sso", "remove", "--help"],
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
    assert_eq!(
        migrated["applied"].as_array().expect("list").len(),
        <attest_migrations::Migrator as attest_migrations::MigratorTrait>::migrations().len()
    );

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
    assert_eq!((demo.schools, demo.people, demo.policies), (5, 42, 5));
    // Walkable in a browser: a sign-in link for each part, breaches in four states.
    let parts: Vec<&str> = demo
        .sign_in_links
        .iter()
        .map(|(part, _, _)| part.as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "trust admin",
            "DPO",
            "school admin",
            "member of staff with a policy to sign",
            "governor asked to approve a policy"
        ]
    );
    assert!(
        demo.sign_in_links
            .iter()
            .all(|(_, _, url)| url.contains("/sign-in/email/si_"))
    );
    assert_eq!(demo.breaches, 4);
    assert!(
        demo.signing_link
            .as_deref()
            .is_some_and(|link| link.contains("/sign/ml_"))
    );
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
    assert_eq!(page.people.len(), 42);
    let emails: std::collections::HashSet<_> =
        page.people.iter().filter_map(|p| p.email.clone()).collect();
    assert_eq!(emails.len(), 42, "every demo person has their own email");

    // Dashboards have something to show: every status, paper forms and a decline.
    let summary = app
        .compliance_summary(&admin, None, None)
        .await
        .expect("summary");
    for status in attest_domain::ComplianceStatus::ALL {
        assert!(summary.overall.count(status) > 0, "{status:?} in the demo");
    }
    let csv = app
        .acceptances_csv(&admin, None)
        .await
        .expect("acceptances");
    assert!(
        csv.contains(",paper,yes,") && csv.contains(",declined,"),
        "{csv}"
    );
    let chain = app.verify_chain(&admin).await.expect("chain");
    assert!(
        chain.ok() && chain.rows == demo.signatures as u64 + 1,
        "{chain:?}"
    );
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

fn attest_plain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(args)
        .env("ATTEST_LOG", "warn")
        .output()
        .expect("run attest")
}

const KENSINGTON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../attest-document/samples/001-kensington.txt"
);

#[test]
fn policy_parse_prints_the_documented_json() {
    let document = stdout_json(&attest_plain(&["policy", "parse", KENSINGTON, "--json"]));
    for key in [
        "meta",
        "blocks",
        "placeholders",
        "signature_fields",
        "warnings",
    ] {
        assert!(document.get(key).is_some(), "{key}");
    }
    let first = &document["blocks"][0];
    for key in ["kind", "number", "audience", "children", "line"] {
        assert!(first.get(key).is_some(), "block field {key}: {first}");
    }
    assert_eq!(document["meta"]["school_name"], "Kensington Primary School");
    assert_eq!(
        document["signature_fields"],
        serde_json::json!(["name", "signature", "date"])
    );
    assert_eq!(document["placeholders"][0]["key"], "lgfl_staffmail");
    let summary = attest_plain(&["policy", "parse", KENSINGTON]);
    assert!(String::from_utf8_lossy(&summary.stdout).contains("placeholder:  lgfl_staffmail"));
}

#[test]
fn policy_render_fills_values_and_refuses_unknown_ones() {
    let output = attest_plain(&[
        "policy",
        "render",
        KENSINGTON,
        "--var",
        "lgfl_staffmail=Microsoft 365",
        "--audience",
        "governor",
        "--format",
        "html",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = String::from_utf8_lossy(&output.stdout);
    assert!(
        html.contains("Microsoft 365") && !html.contains("LGfL StaffMail"),
        "{html}"
    );
    assert!(
        !html.contains("embed the school"),
        "the teaching-only clause is not shown to governors"
    );
    let unknown = attest_plain(&["policy", "render", KENSINGTON, "--var", "colour=red"]);
    assert!(
        stderr(&unknown).contains("--var colour: the document has no such placeholder"),
        "{}",
        stderr(&unknown)
    );
    let json = stdout_json(&attest_plain(&["policy", "render", KENSINGTON, "--json"]));
    assert_eq!(json["hash"].as_str().map(str::len), Some(64));
    assert_eq!(json["missing"].as_array().map(Vec::len), Some(3));
}

#[test]
fn policy_diff_and_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let changed = dir.path().join("changed.txt");
    let text = std::fs::read_to_string(KENSINGTON)
        .expect("sample")
        .replace(
            "I will not reveal my password(s) to anyone.",
            "I will never reveal my passwords to anyone.",
        );
    std::fs::write(&changed, text).expect("write");
    let changes = stdout_json(&attest_plain(&[
        "policy",
        "diff",
        KENSINGTON,
        changed.to_str().expect("path"),
        "--json",
    ]));
    assert_eq!(changes.as_array().map(Vec::len), Some(1));
    assert_eq!(changes[0]["change"], "changed");
    let binary = dir.path().join("policy.pdf");
    std::fs::write(&binary, b"%PDF\x00\x01").expect("write");
    let refused = attest_plain(&["policy", "parse", binary.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("not a text document: byte 4 (line 1) is a NUL byte"),
        "{}",
        stderr(&refused)
    );
    let missing = attest_plain(&["policy", "parse", "/nonexistent/aup.txt"]);
    assert!(
        stderr(&missing).contains("cannot read /nonexistent/aup.txt"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test]
async fn acceptances_verify_and_compliance_reports_from_the_command_line() {
    use attest_store::ConnectionTrait;
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let demo = attest_server::demo::seed(&app).await.expect("seed");

    let verified = stdout_json(&attest(
        &database,
        &["acceptance", "verify", "--all", "--trust", "demo", "--json"],
    ));
    assert_eq!(verified["ok"], true);
    assert_eq!(verified["report"]["rows"], demo.signatures as u64 + 1);

    let csv = attest(
        &database,
        &["report", "compliance", "--trust", "demo", "--csv"],
    );
    assert!(csv.status.success(), "{}", stderr(&csv));
    let csv = String::from_utf8_lossy(&csv.stdout).into_owned();
    assert_eq!(
        csv.lines().count(),
        211,
        "a header and 42 people × 5 (the AUP, KCSIE Part one or Annex A, three courses)"
    );
    let summary = stdout_json(&attest(
        &database,
        &["report", "compliance", "--trust", "demo", "--json"],
    ));
    assert_eq!(summary["overall"]["total"], 210);
    assert_eq!(summary["schools"].as_array().expect("schools").len(), 5);
    // The inspector's view of the first school: a column per obligation, everyone's
    // dates, and who is out of date.
    let school = demo.cast.schools[0].to_string();
    let matrix = stdout_json(&attest(
        &database,
        &[
            "report",
            "obligations",
            "--trust",
            "demo",
            "--school",
            &school,
            "--json",
        ],
    ));
    let columns: Vec<&str> = matrix["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|column| column["obligation"].as_str())
        .collect();
    assert_eq!(
        columns,
        ["read", "read", "training", "training", "training", "sign"],
        "{matrix}"
    );
    let rows = matrix["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|row| row["cells"].as_array().map(Vec::len) == Some(6)),
        "{matrix}"
    );
    assert!(
        !matrix["out_of_date"].as_array().expect("list").is_empty(),
        "the demo has people out of date"
    );
    let text = attest(
        &database,
        &[
            "report",
            "obligations",
            "--trust",
            "demo",
            "--school",
            &school,
        ],
    );
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(String::from_utf8_lossy(&text.stdout).contains("out of date"));

    // Someone edits a published policy's words in the database after people signed it.
    let backend_cast = if attest_store::backend(database.db()) == attest_store::Backend::Postgres {
        "::json"
    } else {
        ""
    };
    database
        .db()
        .execute_unprepared(&format!(
            "UPDATE policy_versions SET document = REPLACE(CAST(document AS TEXT), 'I will', 'I may'){backend_cast}"
        ))
        .await
        .expect("tamper");
    let tampered = attest(
        &database,
        &["acceptance", "verify", "--all", "--trust", "demo", "--json"],
    );
    assert_eq!(tampered.status.code(), Some(1), "verification fails");
    let report: Value = serde_json::from_slice(&tampered.stdout).expect("JSON");
    assert_eq!(report["ok"], false);
    assert!(
        !report["report"]["text_mismatches"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    let id = report["report"]["text_mismatches"][0]["acceptance"]
        .as_str()
        .expect("id")
        .to_owned();
    let one = attest(&database, &["acceptance", "verify", &id, "--trust", "demo"]);
    assert_eq!(one.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&one.stdout).contains("DOES NOT match"));
    let unknown = attest(
        &database,
        &[
            "acceptance",
            "verify",
            "01a2a000-0000-7000-8000-000000000000",
            "--trust",
            "demo",
        ],
    );
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("not found"),
        "{}",
        stderr(&unknown)
    );
}

#[tokio::test]
async fn a_test_email_reaches_a_real_smtp_server() {
    let sink = Sink::start();

    let database = TestDatabase::migrated().await.expect("database");
    stdout_json(&attest(
        &database,
        &[
            "trust",
            "create",
            "--name",
            "Mail Trust",
            "--slug",
            "mailtrust",
            "--json",
        ],
    ));
    let send = |to: &str| {
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(["mail", "test", "--trust", "mailtrust", "--to", to, "--json"])
            .env("ATTEST_DATABASE_URL", database.url())
            .env("ATTEST_SMTP_URL", sink.url())
            .env("ATTEST_MAIL_FROM", "Mail Trust <attest@mailtrust.example>")
            .env("ATTEST_LOG", "warn")
            .output()
            .expect("run attest")
    };
    let sent = stdout_json(&send("it@mailtrust.example"));
    assert_eq!(sent["status"], "sent");
    assert!(
        sent["message_id"]
            .as_str()
            .is_some_and(|id| id.ends_with("@mailtrust.example>"))
    );
    assert_eq!(sink.received().len(), 1);

    let refused = send("nobody.reject@mailtrust.example");
    assert_eq!(refused.status.code(), Some(1));
    let refused: Value = serde_json::from_slice(&refused.stdout).expect("JSON");
    assert_eq!(refused["status"], "failed");
    assert!(
        refused["error"].as_str().is_some_and(|e| e.contains("550")),
        "{refused}"
    );
    let preview = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["mail", "preview", "reminder", "--html"])
        .output()
        .expect("run attest");
    assert!(preview.status.success());
    assert!(String::from_utf8_lossy(&preview.stdout).contains("<ul>"));
    let unknown = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["mail", "preview", "postcard"])
        .output()
        .expect("run attest");
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("magic_link, reminder"),
        "{}",
        stderr(&unknown)
    );
    let bad = send("not an address");
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("email"), "{}", stderr(&bad));
}

#[tokio::test]
async fn jobs_from_the_command_line() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    attest_server::demo::seed(&app).await.expect("demo");
    // The next moment inside the default send window (weekday, 08:00-18:00 in England).
    let mut at = chrono::Utc::now() + chrono::Duration::hours(1);
    while !attest_domain::SendWindow::default().contains(at) {
        at += chrono::Duration::minutes(30);
    }
    let now = at.to_rfc3339();
    let ran = stdout_json(&attest(
        &database,
        &["jobs", "run", "--now", &now, "--json"],
    ));
    // A reminder tick and a breach-alert tick for the one trust.
    assert_eq!(
        (ran["queued"].as_u64(), ran["done"].as_u64()),
        (Some(2), Some(2)),
        "{ran}"
    );
    assert!(ran["sent"].as_u64().is_some_and(|sent| sent > 5), "{ran}");
    assert_eq!(ran["dead"], 0);
    let again = stdout_json(&attest(
        &database,
        &["jobs", "run", "--now", &now, "--json"],
    ));
    assert_eq!(
        (again["queued"].as_u64(), again["sent"].as_u64()),
        (Some(0), Some(0)),
        "the same tick is queued once"
    );

    let listed = stdout_json(&attest(
        &database,
        &["jobs", "list", "--trust", "demo", "--json"],
    ));
    let jobs = listed.as_array().expect("list");
    assert_eq!(jobs.len(), 2);
    let reminders = jobs
        .iter()
        .find(|job| job["kind"] == "reminders")
        .expect("a reminders job");
    assert_eq!(reminders["status"], "done");
    assert!(
        reminders["result"]
            .as_str()
            .is_some_and(|r| r.contains("staff emails")),
        "{listed}"
    );
    let id = reminders["id"].as_str().expect("id");

    let refused = attest(&database, &["jobs", "retry", "--trust", "demo", id]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("only dead or cancelled jobs can be retried"),
        "{}",
        stderr(&refused)
    );
    let bad = attest(
        &database,
        &["jobs", "list", "--trust", "demo", "--status", "finished"],
    );
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("unknown job status 'finished'"),
        "{}",
        stderr(&bad)
    );
    let text = attest(
        &database,
        &["jobs", "list", "--trust", "demo", "--status", "done"],
    );
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("reminders done"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

#[tokio::test]
async fn the_breach_register_from_the_command_line() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    app.create_trust("Breach Trust", "breachtrust")
        .await
        .expect("trust");
    let operator = app.operator_for("breachtrust").await.expect("operator");
    let school = app
        .create_school(
            &operator,
            attest_app::SchoolInput {
                name: "Hillside Primary".to_owned(),
                slug: None,
                urn: None,
            },
        )
        .await
        .expect("school");
    app.report_breach(
        &operator,
        attest_domain::BreachFactsInput {
            what_happened: "A laptop with =SUM(A1) in a file name was left on a train.".to_owned(),
            discovered_at: Some(chrono::Utc::now()),
            how_discovered: "The teacher noticed at home.".to_owned(),
            cyber_incident: "no".to_owned(),
            data_categories: vec!["basic_identifiers".to_owned()],
            people_categories: vec!["pupils".to_owned()],
            staff_involved: "yes".to_owned(),
            recovered_or_contained: "no".to_owned(),
            reporter_name: "Tia Teacher".to_owned(),
            ..attest_domain::BreachFactsInput::default()
        },
        vec![school.id],
    )
    .await
    .expect("reported");

    let listed = stdout_json(&attest(
        &database,
        &["breach", "list", "--trust", "breachtrust", "--json"],
    ));
    assert_eq!(listed[0]["status"], "reported");
    assert!(
        listed[0]["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("BR-20")),
        "{listed}"
    );
    let export = attest(&database, &["breach", "export", "--trust", "breachtrust"]);
    assert!(export.status.success(), "{}", stderr(&export));
    let csv = String::from_utf8_lossy(&export.stdout).into_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("reference,status,schools,"), "{csv}");
    assert!(lines[1].contains(",Hillside Primary,"), "{csv}");
    assert!(
        lines[1].contains("A laptop with =SUM(A1)"),
        "text inside a cell is kept: {csv}"
    );
    let bad = attest(
        &database,
        &[
            "breach",
            "export",
            "--trust",
            "breachtrust",
            "--status",
            "open",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("'open' is not one of reported, triaged"),
        "{}",
        stderr(&bad)
    );
}

#[tokio::test]
async fn identity_providers_from_the_command_line() {
    let database = TestDatabase::migrated().await.expect("database");
    stdout_json(&attest(
        &database,
        &[
            "trust",
            "create",
            "--name",
            "Sso Trust",
            "--slug",
            "ssotrust",
            "--json",
        ],
    ));
    let key = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["sso", "key"])
        .output()
        .expect("run");
    let key = String::from_utf8_lossy(&key.stdout).trim().to_owned();
    assert_eq!(key.len(), 44, "32 bytes of base64: {key}");
    let add = |key: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_attest"));
        command
            .args([
                "sso",
                "add",
                "--trust",
                "ssotrust",
                "--kind",
                "google",
                "--slug",
                "google",
                "--name",
                "Google",
                "--client-id",
                "abc.apps.googleusercontent.com",
                "--domain",
                "ssotrust.sch.uk",
                "--json",
            ])
            .env("ATTEST_DATABASE_URL", database.url())
            .env("ATTEST_SSO_CLIENT_SECRET", "google-secret")
            .env("ATTEST_LOG", "warn");
        if let Some(key) = key {
            command.env("ATTEST_SECRET_KEY", key);
        }
        command.output().expect("run attest")
    };
    let keyless = add(None);
    assert!(!keyless.status.success());
    assert!(
        stderr(&keyless).contains("set ATTEST_SECRET_KEY"),
        "{}",
        stderr(&keyless)
    );
    let added = stdout_json(&add(Some(&key)));
    assert_eq!(added["issuer"], "https://accounts.google.com");
    assert!(!added.to_string().contains("google-secret"));
    let listed = stdout_json(&attest(
        &database,
        &["sso", "list", "--trust", "ssotrust", "--json"],
    ));
    assert_eq!(listed[0]["slug"], "google");
    let bad_key = add(Some("c2hvcnQ="));
    assert!(
        stderr(&bad_key).contains("is 5 bytes; it must be 32"),
        "{}",
        stderr(&bad_key)
    );
}

#[tokio::test]
async fn policy_import_takes_many_files_and_names_the_ones_it_could_not() {
    let database = TestDatabase::migrated().await.expect("database");
    stdout_json(&attest(
        &database,
        &[
            "trust",
            "create",
            "--name",
            "Import Trust",
            "--slug",
            "imports",
            "--json",
        ],
    ));
    let dir = tempfile::tempdir().expect("dir");
    let good = dir.path().join("aup.md");
    std::fs::write(&good, attest_document::samples::ALL[0].1).expect("write");
    let binary = dir.path().join("picture.txt");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0x00, 0x01]).expect("write");
    let missing = dir.path().join("missing.md");
    let paths = [&good, &binary, &missing].map(|path| path.to_str().expect("path").to_owned());
    let mut args = vec![
        "policy",
        "import",
        "--trust",
        "imports",
        "--kind",
        "trust_template",
        "--json",
    ];
    args.extend(paths.iter().map(String::as_str));
    let output = attest(&database, &args);
    assert_eq!(output.status.code(), Some(1), "one file failed");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let imported = report["imported"].as_array().expect("list");
    assert_eq!(imported.len(), 3);
    assert_eq!(imported[0]["ok"], true);
    assert!(imported[0]["policy"].is_string());
    assert_eq!(imported[1]["ok"], false);
    assert_eq!(imported[2]["ok"], false);
    assert!(
        imported[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot read")),
        "{report}"
    );
    // Neither a school nor a trust kind: refused before anything is imported.
    let output = attest(
        &database,
        &["policy", "import", "--trust", "imports", &paths[0]],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--school SCHOOL"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn the_chain_is_anchored_keys_rotate_and_verification_reports_the_seals() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    attest_server::demo::seed(&app).await.expect("seed");
    let key = attest_auth::SealingKey::generate().expect("key");
    let run = |args: &[&str], key: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_attest"));
        command
            .args(args)
            .env("ATTEST_DATABASE_URL", database.url())
            .env("ATTEST_LOG", "warn");
        if let Some(key) = key {
            command.env("ATTEST_SECRET_KEY", key);
        }
        command.output().expect("run attest")
    };
    let keyless = run(&["chain", "anchor", "--trust", "demo"], None);
    assert!(!keyless.status.success());
    assert!(
        stderr(&keyless).contains("ATTEST_SECRET_KEY"),
        "{}",
        stderr(&keyless)
    );

    let anchor = stdout_json(&run(
        &["chain", "anchor", "--trust", "demo", "--json"],
        Some(&key),
    ));
    let seq = anchor["seq"].as_i64().expect("seq");
    assert!(seq > 0, "{anchor}");
    let keys = stdout_json(&run(&["chain", "keys", "--json"], Some(&key)));
    assert_eq!(keys["keys"].as_array().expect("keys").len(), 1);
    assert_eq!(keys["keys"][0]["keyId"], anchor["keyId"]);

    let rotated = run(&["chain", "rotate-key"], Some(&key));
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    let second = stdout_json(&run(
        &["chain", "anchor", "--trust", "demo", "--json"],
        Some(&key),
    ));
    assert_ne!(second["keyId"], anchor["keyId"], "the new key signs");
    let keys = stdout_json(&run(&["chain", "keys", "--json"], Some(&key)));
    let keys = keys["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 2);
    assert!(keys[0]["retiredAt"].is_string() && keys[1]["retiredAt"].is_null());
    let listed = run(&["chain", "anchors", "--trust", "demo"], Some(&key));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).lines().count(),
        3,
        "a header and two anchors"
    );

    // Both anchors, signed by the retired key and the new one, still verify.
    let verified = run(
        &["acceptance", "verify", "--all", "--trust", "demo"],
        Some(&key),
    );
    let text = String::from_utf8_lossy(&verified.stdout).into_owned();
    assert!(verified.status.success(), "{text}");
    assert_eq!(text.matches(": holds").count(), 2, "{text}");
    assert!(text.contains("vouched for by a signed anchor"), "{text}");

    // The reading rule.
    let rule = stdout_json(&run(
        &[
            "acceptance",
            "reading-rule",
            "--trust",
            "demo",
            "--min-seconds",
            "45",
            "--to-end",
            "on",
            "--json",
        ],
        None,
    ));
    assert_eq!(rule, serde_json::json!({ "minSeconds": 45, "toEnd": true }));
    let too_long = run(
        &[
            "acceptance",
            "reading-rule",
            "--trust",
            "demo",
            "--min-seconds",
            "4000",
        ],
        None,
    );
    assert!(!too_long.status.success());
    assert!(stderr(&too_long).contains("1800"), "{}", stderr(&too_long));

    // The retention schedule: a plan, a period set, bad input named.
    let plan = stdout_json(&run(
        &["retention", "plan", "--trust", "demo", "--json"],
        None,
    ));
    assert_eq!(plan["items"].as_array().expect("items").len(), 6);
    assert_eq!(plan["applied"], false);
    let set = run(
        &[
            "retention",
            "set",
            "--trust",
            "demo",
            "--record",
            "sessions",
            "--keep",
            "P30D",
            "--automatic",
            "on",
        ],
        None,
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(
        String::from_utf8_lossy(&set.stdout)
            .contains("sessions                 keep P30D   (trust's)"),
        "{}",
        String::from_utf8_lossy(&set.stdout)
    );
    let bad = run(
        &[
            "retention",
            "set",
            "--trust",
            "demo",
            "--record",
            "sessions",
            "--keep",
            "P6W",
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("P90D"), "{}", stderr(&bad));
    let unknown = run(
        &[
            "retention",
            "set",
            "--trust",
            "demo",
            "--record",
            "pupils",
            "--keep",
            "P1Y",
        ],
        None,
    );
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("signature_personal_data"),
        "{}",
        stderr(&unknown)
    );
    let applied = stdout_json(&run(
        &["retention", "apply", "--trust", "demo", "--json"],
        None,
    ));
    assert_eq!(applied["applied"], true);
}
