//! The sealed chain (issue 21): a tamper suite that verification catches (a personal
//! field edited, the whole chain rewritten with its head, an anchor replayed, a row
//! deleted), erasure that leaves the chain verifiable, trusted timestamps from a real
//! RFC 3161 authority, and the daily anchor that reaches the DPO.

use attest_store::ConnectionTrait;
use attest_test_support::TestApp;
use serde_json::json;

use crate::signing::{fixture, magic_link, sign_with_link};

pub(crate) async fn exec(test: &TestApp, sql: &str, values: Vec<attest_store::Value>) {
    test.db
        .execute_raw(attest_store::Statement::from_sql_and_values(
            test.db.get_database_backend(),
            sql,
            values,
        ))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

/// Turns the append-only guards off, as someone with the database's owner rights could.
pub(crate) async fn drop_guards(test: &TestApp) {
    let sql = if attest_store::backend(&test.db) == attest_store::Backend::Postgres {
        "ALTER TABLE acceptances DISABLE TRIGGER ALL; ALTER TABLE acceptance_personal DISABLE TRIGGER ALL; ALTER TABLE chain_anchors DISABLE TRIGGER ALL"
    } else {
        "DROP TRIGGER acceptances_no_update; DROP TRIGGER acceptances_no_delete; DROP TRIGGER acceptance_personal_no_update; DROP TRIGGER chain_anchors_no_update; DROP TRIGGER chain_anchors_no_delete"
    };
    for statement in sql.split("; ") {
        test.db
            .execute_unprepared(statement)
            .await
            .expect(statement);
    }
}

#[tokio::test]
async fn verification_catches_edits_rewrites_and_replays_and_survives_erasure() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let names = ["Ivy One", "Jon Two", "Kit Three"];
    let f = fixture(&test, &trust.admin, "310002", &names).await;
    for (person, name) in f.people.iter().zip(names) {
        let secret = magic_link(&test, &trust.admin, "alpha", person, &f.policy).await;
        sign_with_link(&test, &secret, name).await;
    }
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let anchored = test
        .data(
            &trust.admin,
            "mutation { anchorAcceptanceChain { seq keyId signature } }",
            json!({}),
        )
        .await;
    assert_eq!(anchored["anchorAcceptanceChain"]["seq"], 3);
    let reader = crate::access::token(&test, &trust.admin, "READ_ONLY", None).await;
    let refused = test
        .graphql(
            Some(&reader),
            "mutation { anchorAcceptanceChain { seq } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let clean = test.app.verify_chain(&operator).await.expect("verify");
    assert!(clean.ok(), "{clean:?}");
    assert!(
        matches!(clean.seals.head, attest_app::HeadSeal::Valid { .. }),
        "{clean:?}"
    );
    assert_eq!(clean.seals.anchored_through_seq, 3);

    // The published key verifies the head's signature with nothing but the statement.
    let keys = crate::evidence::published_keys(&test).await;
    assert_eq!(keys["keys"][0]["algorithm"], "Ed25519");

    drop_guards(&test).await;
    let first_id = test
        .app
        .acceptance(&operator, {
            let rows = test
                .data(
                    &trust.admin,
                    "query($p: UUID!) { acceptances(personId: $p) { id } }",
                    json!({ "p": f.people[1] }),
                )
                .await;
            rows["acceptances"][0]["id"]
                .as_str()
                .expect("id")
                .parse()
                .expect("uuid")
        })
        .await
        .expect("row");

    // Erasure: the personal fields and salt go; the chain still verifies.
    let erased = first_id.id.as_uuid();
    exec(
        &test,
        "DELETE FROM acceptance_personal WHERE acceptance_id = $1",
        vec![erased.into()],
    )
    .await;
    exec(
        &test,
        "INSERT INTO acceptance_erasures (acceptance_id, trust_id, erased_at, reason) VALUES ($1, $2, $3, 'test')",
        vec![erased.into(), first_id.trust.as_uuid().into(), first_id.signed_at.into()],
    )
    .await;
    let after_erasure = test.app.verify_chain(&operator).await.expect("verify");
    assert!(
        after_erasure.ok() && after_erasure.erased_rows == 1,
        "{after_erasure:?}"
    );

    // An edited personal field (of another row) no longer matches its commitment.
    exec(
        &test,
        "UPDATE acceptance_personal SET salt = $1 WHERE acceptance_id <> $2",
        vec!["1".repeat(64).into(), erased.into()],
    )
    .await;
    let edited = test.app.verify_chain(&operator).await.expect("verify");
    assert!(!edited.ok());
    assert!(
        edited
            .breaks
            .iter()
            .any(|b| matches!(b, attest_domain::ChainBreak::PersonalAltered { .. })),
        "{edited:?}"
    );

    // The whole chain rewritten from row 1 (its renewal date), every later row's hashes
    // recomputed and the head moved to match: the head's signature and the anchor both
    // contradict it.
    let mut rows = Vec::new();
    for person in &f.people {
        let listed = test
            .data(
                &trust.admin,
                "query($p: UUID!) { acceptances(personId: $p) { id } }",
                json!({ "p": person }),
            )
            .await;
        let id = listed["acceptances"][0]["id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid");
        rows.push(test.app.acceptance(&operator, id).await.expect("row"));
    }
    rows.sort_by_key(|row| row.seq);
    let mut previous = attest_domain::GENESIS_HASH.to_owned();
    for (index, row) in rows.iter_mut().enumerate() {
        if index == 0 {
            row.renew_on = None;
        }
        row.prev_hash = previous.clone();
        let forged = row.expected_hash();
        exec(
            &test,
            "UPDATE acceptances SET renew_on = $1, prev_hash = $2, row_hash = $3 WHERE id = $4",
            vec![
                row.renew_on.into(),
                row.prev_hash.clone().into(),
                forged.clone().into(),
                row.id.as_uuid().into(),
            ],
        )
        .await;
        previous = forged;
    }
    exec(
        &test,
        "UPDATE acceptance_chains SET last_hash = $1",
        vec![previous.into()],
    )
    .await;
    let rewritten = test.app.verify_chain(&operator).await.expect("verify");
    assert!(
        rewritten
            .breaks
            .iter()
            .all(|b| matches!(b, attest_domain::ChainBreak::PersonalAltered { .. })),
        "the links themselves hold: {rewritten:?}"
    );
    assert!(
        matches!(rewritten.seals.head, attest_app::HeadSeal::Invalid { .. }),
        "{rewritten:?}"
    );
    assert!(
        rewritten.seals.anchors[0]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("rewritten")),
        "{rewritten:?}"
    );
    assert!(!rewritten.ok());

    // An old anchor replayed as a new one (a later time) does not carry a valid signature.
    exec(
        &test,
        "INSERT INTO chain_anchors (id, trust_id, seq, head_hash, anchored_at, key_id, signature) \
         SELECT $1, trust_id, seq, head_hash, $2, key_id, signature FROM chain_anchors",
        vec![
            uuid::Uuid::new_v4().into(),
            (first_id.signed_at + chrono::Duration::days(1)).into(),
        ],
    )
    .await;
    let replayed = test.app.verify_chain(&operator).await.expect("verify");
    assert!(
        replayed.seals.anchors[1]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("signature")),
        "{replayed:?}"
    );
}

/// OpenSSL's time-stamping authority behind a loopback HTTP port (tests/tsa/tsa.py).
struct Authority {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Authority {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_authority() -> Authority {
    use std::io::BufRead;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let dir = tempfile::tempdir().expect("dir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tsa/tsa.py");
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(dir.path().join("tsa"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the authority");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("ready line");
    assert_eq!(line.trim(), "ready", "the authority started");
    Authority {
        child,
        url: format!("http://127.0.0.1:{port}/"),
        _dir: dir,
    }
}

#[tokio::test]
async fn anchors_carry_a_trusted_timestamp_that_verification_checks() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "310004", &["Tia Stamp"]).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    sign_with_link(&test, &secret, "Tia Stamp").await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let authority = start_authority();
    let stamping = test
        .app
        .clone()
        .with_timestamp_authority(Some(&authority.url));
    let first = stamping.anchor_chain(&operator).await.expect("anchor");
    assert!(first.timestamp_token.is_some(), "{first:?}");
    test.clock.advance(chrono::Duration::hours(1));
    let second = stamping.anchor_chain(&operator).await.expect("anchor");
    let report = test.app.verify_chain(&operator).await.expect("verify");
    assert!(report.ok(), "{report:?}");
    let checked = &report.seals.anchors[0];
    assert!(checked.timestamp_time.is_some(), "{checked:?}");
    assert!(
        checked
            .timestamp_authority
            .as_deref()
            .is_some_and(|name| name.contains("attest test TSA")),
        "{checked:?}"
    );

    // An authority that cannot be reached leaves the anchor signed, untimestamped.
    drop(authority);
    let unstamped = stamping.anchor_chain(&operator).await.expect("anchor");
    assert!(unstamped.timestamp_token.is_none());

    // A token moved from one anchor to another does not cover its statement.
    drop_guards(&test).await;
    exec(
        &test,
        "UPDATE chain_anchors SET timestamp_token = $1 WHERE id = $2",
        vec![first.timestamp_token.clone().into(), second.id.into()],
    )
    .await;
    let swapped = test.app.verify_chain(&operator).await.expect("verify");
    assert!(
        swapped.seals.anchors[1]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("timestamp")),
        "{swapped:?}"
    );
}

#[tokio::test]
async fn the_daily_tick_anchors_the_chain_and_the_dpo_gets_it_once_a_week() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "310005", &["Rae Signer", "Dee Pio"]).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    sign_with_link(&test, &secret, "Rae Signer").await;
    crate::portal::grant(&test, "alpha", &f.people[1], "DPO", None).await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let anchors = |test: &TestApp| {
        let app = test.app.clone();
        let operator = operator.clone();
        async move { app.chain_anchors(&operator).await.expect("anchors").len() }
    };
    let anchor_emails = |test: &TestApp| {
        let db = test.db.clone();
        let scope = operator.scope();
        async move {
            attest_store::Outbox::new(&db, &scope)
                .recent(100)
                .await
                .expect("outbox")
                .into_iter()
                .filter(|message| message.kind == "chain_anchor")
                .collect::<Vec<_>>()
        }
    };
    test.app.run_reminders().await.expect("tick");
    assert_eq!(anchors(&test).await, 1);
    let sent = anchor_emails(&test).await;
    assert_eq!(sent.len(), 1, "the DPO gets the anchor");
    assert_eq!(sent[0].to_address, "dee.pio@310005.sch.uk");
    assert!(
        sent[0].body_text.contains("Rows:         1"),
        "{}",
        sent[0].body_text
    );

    // A second tick the same day writes nothing; the next day anchors again, but the
    // DPO's email waits for next week.
    test.app.run_reminders().await.expect("tick");
    assert_eq!(anchors(&test).await, 1);
    test.clock.advance(chrono::Duration::days(1));
    test.app.run_reminders().await.expect("tick");
    assert_eq!(anchors(&test).await, 2);
    assert_eq!(anchor_emails(&test).await.len(), 1);
    test.clock.advance(chrono::Duration::days(7));
    test.app.run_reminders().await.expect("tick");
    assert_eq!(anchor_emails(&test).await.len(), 2);
    let report = test.app.verify_chain(&operator).await.expect("verify");
    assert!(report.ok() && report.seals.anchors.len() == 3, "{report:?}");
}

#[tokio::test]
async fn anchoring_by_hand_is_limited_and_kept_to_the_trust() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let f = fixture(&test, &alpha.admin, "310007", &["Ola One"]).await;
    let secret = magic_link(&test, &alpha.admin, "alpha", &f.people[0], &f.policy).await;
    sign_with_link(&test, &secret, "Ola One").await;
    // Beta's anchor is of beta's (empty) chain, and beta cannot read alpha's anchors.
    let theirs = test
        .data(
            &beta.admin,
            "mutation { anchorAcceptanceChain { seq } }",
            json!({}),
        )
        .await;
    assert_eq!(theirs["anchorAcceptanceChain"]["seq"], 0);
    let listed = test
        .data(&beta.admin, "{ acceptanceChainAnchors { seq } }", json!({}))
        .await;
    assert_eq!(
        listed["acceptanceChainAnchors"].as_array().map(Vec::len),
        Some(1)
    );
    let anonymous = test
        .graphql(None, "{ acceptanceChainAnchors { seq } }", json!({}))
        .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let mut limited = None;
    for _ in 0..80 {
        let answer = test
            .graphql(
                Some(&alpha.admin),
                "mutation { anchorAcceptanceChain { seq } }",
                json!({}),
            )
            .await;
        if !answer["errors"].is_null() {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("anchoring by hand is limited");
    assert_eq!(
        limited["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{limited}"
    );
    // The daily job is not held back by the people's limit.
    test.clock.advance(chrono::Duration::days(1));
    test.app.run_reminders().await.expect("tick");
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let report = test.app.verify_chain(&operator).await.expect("verify");
    assert!(report.ok(), "{report:?}");
}
