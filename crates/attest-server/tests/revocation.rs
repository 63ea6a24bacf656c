//! API tokens are kept in memory by each replica, and a revocation made anywhere (another
//! replica, the command line) is refused at once by all of them: on PostgreSQL through
//! LISTEN/NOTIFY, on a SQLite file through its signal file.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attest_app::{App, AppError, IssuedToken, SystemClock, TokenExpiry};
use attest_domain::Principal;
use attest_store::ConnectionTrait;
use attest_test_support::TestDatabase;
use serde_json::{Value, json};

/// PostgreSQL delivers a NOTIFY to listeners as the revoking transaction commits, a
/// moment after the revoker hears the commit: long enough for a busy test machine to
/// let a request in between. SQLite's signal is written before the revoker returns.
const NOTIFY_DELIVERY: Duration = Duration::from_secs(5);

/// A trust, its operator and a read-only token for it.
async fn alpha_with_token(app: &App) -> (Principal, IssuedToken) {
    app.create_trust("Alpha Trust", "alpha")
        .await
        .expect("trust");
    let operator = app.operator_for("alpha").await.expect("operator");
    let issued = app
        .issue_api_token(&operator, "script", "read_only", None, TokenExpiry::Never)
        .await
        .expect("token");
    (operator, issued)
}

fn is_postgres(database: &TestDatabase) -> bool {
    database.url().starts_with("postgres")
}

/// Polls `refused` until it holds, for at most the notification's delivery on
/// PostgreSQL, and not at all on SQLite; returns whether it held.
async fn refused_within<F, Fut>(database: &TestDatabase, mut refused: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now()
        + if is_postgres(database) {
            NOTIFY_DELIVERY
        } else {
            Duration::ZERO
        };
    loop {
        if refused().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_replica_keeps_tokens_in_memory_until_a_revocation_is_heard() {
    let database = TestDatabase::migrated().await.expect("database");
    let revoker = App::new(database.db().clone(), Arc::new(SystemClock));
    // Another replica: its own connections and its own memory.
    let other_db = attest_store::connect(database.url(), 4)
        .await
        .expect("second pool");
    let replica = App::new(other_db, Arc::new(SystemClock));
    let (operator, kept) = alpha_with_token(&revoker).await;
    // On PostgreSQL the replica trusts its memory only once its listener is connected.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        replica
            .authenticate_api_token(&kept.secret)
            .await
            .expect("a live token is accepted");
        if replica.hears_revocations() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    replica
        .authenticate_api_token(&kept.secret)
        .await
        .expect("read and kept");

    // Changed behind attest's back, with nothing announced: the replica answers from
    // memory, which shows it no longer reads the token on every request.
    let scope = operator.scope();
    attest_store::ApiTokens::new(database.db(), &scope)
        .revoke(kept.token.id, chrono::Utc::now())
        .await
        .expect("revoked in the store alone");
    replica
        .authenticate_api_token(&kept.secret)
        .await
        .expect("answered from memory");

    // Any revocation through attest, of any token, is heard and the token read again.
    let other = revoker
        .issue_api_token(&operator, "other", "read_only", None, TokenExpiry::Never)
        .await
        .expect("token");
    revoker
        .revoke_api_token(&operator, other.token.id)
        .await
        .expect("revoke");
    let heard = refused_within(&database, || async {
        matches!(
            replica.authenticate_api_token(&kept.secret).await,
            Err(AppError::Unauthenticated(_))
        )
    })
    .await;
    assert!(heard, "the replica heard the revocation");
    let refusal = replica
        .authenticate_api_token(&other.secret)
        .await
        .expect_err("the revoked token is refused");
    assert!(refusal.to_string().contains("revoked"), "{refusal}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(database: &TestDatabase) -> Server {
    let address = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["serve", "--bind", &address])
        .env("ATTEST_DATABASE_URL", database.url())
        .env("ATTEST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start attest serve");
    Server(child, format!("http://{address}"))
}

/// `{ viewer { trust { name } } }` on `server` with `secret`: the status (0 when the
/// server is not answering yet) and the body.
async fn viewer(client: &reqwest::Client, server: &Server, secret: &str) -> (u16, Value) {
    let Ok(response) = client
        .post(format!("{}/graphql", server.1))
        .bearer_auth(secret)
        .json(&json!({ "query": "{ viewer { trust { name } } }" }))
        .send()
        .await
    else {
        return (0, Value::Null);
    };
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_token_revoked_from_the_command_line_is_refused_by_every_replica() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let (_, issued) = alpha_with_token(&app).await;
    let servers = [serve(&database), serve(&database)];
    let client = reqwest::Client::new();
    for server in &servers {
        let deadline = Instant::now() + Duration::from_secs(60);
        let answer = loop {
            let (status, answer) = viewer(&client, server, &issued.secret).await;
            if status == 200 {
                break answer;
            }
            assert!(Instant::now() < deadline, "{} did not start", server.1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(answer["data"]["viewer"]["trust"]["name"], "Alpha Trust");
    }
    let revoked = Command::new(env!("CARGO_BIN_EXE_attest"))
        .args(["token", "revoke", "--trust", "alpha", "--id"])
        .arg(issued.token.id.to_string())
        .env("ATTEST_DATABASE_URL", database.url())
        .env("ATTEST_LOG", "warn")
        .output()
        .expect("attest token revoke");
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    for server in &servers {
        let refused = refused_within(&database, || async {
            viewer(&client, server, &issued.secret).await.0 == 401
        })
        .await;
        assert!(refused, "{} still accepts the revoked token", server.1);
        assert_eq!(viewer(&client, server, &issued.secret).await.0, 401);
    }
}

/// On PostgreSQL: while a replica's listener is down it could miss a revocation, so it
/// trusts nothing it kept, and it listens again by itself.
#[tokio::test]
async fn a_replica_that_cannot_hear_revocations_reads_every_token() {
    let database = TestDatabase::migrated().await.expect("database");
    if !is_postgres(&database) {
        return; // a SQLite file's signal cannot be lost this way
    }
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let (operator, issued) = alpha_with_token(&app).await;
    let until = |hearing: bool| {
        let app = app.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(10);
            while app.hears_revocations() != hearing {
                if Instant::now() > deadline {
                    return false;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            true
        }
    };
    assert!(until(true).await, "the listener connects");
    app.authenticate_api_token(&issued.secret)
        .await
        .expect("read and kept");
    database
        .db()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .expect("terminate the listener");
    assert!(until(false).await, "the lost listener is noticed");
    attest_store::ApiTokens::new(database.db(), &operator.scope())
        .revoke(issued.token.id, chrono::Utc::now())
        .await
        .expect("revoked while nobody listens");
    let refused = app
        .authenticate_api_token(&issued.secret)
        .await
        .expect_err("read from the database, not from memory");
    assert!(refused.to_string().contains("revoked"), "{refused}");
    assert!(until(true).await, "the listener connects again");
}
