//! On PostgreSQL the server's runtime role cannot change history: no TRUNCATE, no DDL,
//! no UPDATE or DELETE on the append-only tables, no writes to the migration history.
//! (SQLite has no roles; docs/security.md says what it can and cannot promise.)

use attest_domain::{Slug, TrustName};
use attest_store::{Audit, ConnectionTrait, NewAuditEntry, NewTrust, Trusts, connect, roles};
use attest_test_support::{TEST_DATABASE_ENV, TestDatabase};
use chrono::Utc;

/// The URL with another user name (the test cluster trusts local connections).
fn as_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{host}")
}

#[tokio::test]
async fn the_runtime_role_cannot_rewrite_history() {
    if std::env::var(TEST_DATABASE_ENV).is_err() {
        eprintln!("PostgreSQL only: set {TEST_DATABASE_ENV} to run this test");
        return;
    }
    let database = TestDatabase::empty().await.expect("database");
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let (owner, runtime) = (
        format!("attest_owner_{suffix}"),
        format!("attest_rt_{suffix}"),
    );
    roles::create_roles(database.db(), (&owner, None), (&runtime, None))
        .await
        .expect("roles");
    // Migrate as the owner, then grant the runtime role.
    let migrator = connect(database.url(), 1).await.expect("connect");
    roles::act_as(&migrator, &owner).await.expect("set role");
    attest_store::migrate(&migrator)
        .await
        .expect("migrate as owner");
    roles::grant_runtime(&migrator, &runtime)
        .await
        .expect("grant");
    migrator.close().await.expect("close");

    let server = connect(&as_user(database.url(), &runtime), 2)
        .await
        .expect("the runtime role connects");
    // What the server does works: create a trust, append to the audit log, read.
    let trust = Trusts::create(
        &server,
        NewTrust {
            slug: Slug::parse("alpha").expect("slug"),
            name: TrustName::parse("Alpha").expect("name"),
            created_at: Utc::now(),
        },
    )
    .await
    .expect("the runtime role writes working tables");
    Audit::new(
        &server,
        &attest_test_support::principals::operator(trust.id).scope(),
    )
    .append(NewAuditEntry {
        actor_kind: "operator",
        actor_id: None,
        action: "test.setup",
        subject_type: "trust",
        subject_id: Some(trust.id.as_uuid()),
        summary: serde_json::json!({}),
        at: Utc::now(),
    })
    .await
    .expect("the runtime role appends to the audit log");
    assert!(
        attest_store::pending_migrations(&server)
            .await
            .expect("reads the migration history")
            .is_empty()
    );
    // What would rewrite history is refused.
    for refused in [
        "TRUNCATE audit_log",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM acceptances",
        "UPDATE acceptances SET typed_name = 'x'",
        "DELETE FROM breach_events",
        "UPDATE breach_evidence SET content = ''",
        "DELETE FROM policy_version_files",
        "UPDATE policy_version_files SET content = ''",
        "DELETE FROM chain_anchors",
        "UPDATE chain_anchors SET signature = ''",
        "DELETE FROM acceptance_erasures",
        "UPDATE acceptance_personal SET salt = ''",
        "TRUNCATE acceptance_personal",
        "TRUNCATE acceptances",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "CREATE TABLE shadow (id integer)",
        "DROP TABLE trusts",
        "DELETE FROM seaql_migrations",
        "TRUNCATE trusts CASCADE",
    ] {
        let outcome = server.execute_unprepared(refused).await;
        let error = outcome.expect_err(refused).to_string();
        assert!(
            error.contains("permission denied") || error.contains("must be owner"),
            "{refused}: {error}"
        );
    }
    // A signature's personal fields may be erased (the retention schedule), never changed.
    server
        .execute_unprepared("DELETE FROM acceptance_personal WHERE false")
        .await
        .expect("the runtime role may erase personal fields");
    server.close().await.expect("close");
    drop(database);
    attest_test_support::run_as_admin(
        &std::env::var(TEST_DATABASE_ENV).expect("set"),
        vec![
            format!("DROP ROLE IF EXISTS {runtime}"),
            format!("DROP ROLE IF EXISTS {owner}"),
        ],
    );
}
