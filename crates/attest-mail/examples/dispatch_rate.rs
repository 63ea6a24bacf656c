//! Dispatcher throughput to a local SMTP sink (aiosmtpd): queue N messages, deliver them
//! one at a time and then 8 at a time. SQLite by default; set
//! `ATTEST_TEST_DATABASE_URL=postgres://…` for PostgreSQL.
//!
//! `cargo run --release -p attest-mail --example dispatch_rate -- [N]`

use std::io::{BufRead, BufReader};
use std::time::Instant;

use attest_domain::{Slug, TrustName};
use attest_mail::{DispatchSettings, Dispatcher, MailTransport};
use attest_store::{NewEmail, NewTrust, Outbox, Trusts};
use attest_test_support::TestDatabase;
use chrono::Utc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(2_000);
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut sink = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
        .arg(port.to_string())
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut ready = String::new();
    if let Some(out) = sink.stdout.take() {
        BufReader::new(out).read_line(&mut ready)?;
    }
    let database = TestDatabase::migrated().await?;
    let db = database.db().clone();
    let trust = Trusts::create(
        &db,
        NewTrust {
            slug: Slug::parse("rate")?,
            name: TrustName::parse("Rate")?,
            created_at: Utc::now(),
        },
    )
    .await?;
    let scope = attest_test_support::principals::operator(trust.id).scope();
    for concurrency in [1, 8] {
        for i in 0..n {
            Outbox::new(&db, &scope)
                .enqueue(NewEmail {
                    kind: "rate",
                    to_address: format!("staff{i}@school.example"),
                    subject: "Please read and sign".to_owned(),
                    body_text: "A reminder.\n".repeat(20),
                    body_html: None,
                    dedupe_key: None,
                    at: Utc::now(),
                })
                .await?;
        }
        let dispatcher = Dispatcher::new(
            attest_app::App::new(db.clone(), std::sync::Arc::new(attest_app::SystemClock))
                .mail_delivery(),
            MailTransport::from_url(&format!("smtp://127.0.0.1:{port}"))?,
            DispatchSettings {
                concurrency,
                ..DispatchSettings::default()
            },
        );
        let started = Instant::now();
        let report = dispatcher.drain(Utc::now()).await?;
        let seconds = started.elapsed().as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let rate = report.sent as f64 / seconds;
        println!(
            "{}: {} sent, {concurrency} at a time: {seconds:.1} s, {rate:.0} emails/s",
            if database.url().starts_with("postgres") {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            report.sent
        );
    }
    let _ = sink.kill();
    let _ = sink.wait();
    Ok(())
}
