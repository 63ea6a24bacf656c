//! The request log never holds a signing link, an OIDC code or state, or a query string
//! (issue 15): requests go to the real server and its log lines are read back.

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use attest_app::{App, SystemClock};
use attest_server::config::Config;
use attest_server::{ServerSettings, start};
use attest_test_support::TestDatabase;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_request_log_keeps_routes_not_secrets() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_env_filter("info")
        .with_ansi(false)
        .init();
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let listener = TcpListener::bind("127.0.0.1:0").expect("port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let settings = ServerSettings {
        graphql: Config::default().graphql,
        workers: 1,
        handle_signals: false,
        secure_cookies: false,
        trusted_proxies: attest_server::http::TrustedProxies::default(),
    };
    let server = start(app, settings, listener).expect("server");
    let handle = server.handle();
    tokio::spawn(server);

    let link = format!("ml_{}", "5ec2e7".repeat(10) + "abcd");
    let client = reqwest::Client::new();
    for path in [
        format!("/sign/{link}"),
        "/auth/some-trust/staff/callback?code=SECRETCODE123&state=SECRETSTATE456".to_owned(),
        "/graphql?query=%7B__typename%7D&variables=%7B%22secret%22%3A%22QUERYSECRET%22%7D"
            .to_owned(),
    ] {
        client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("answered");
    }
    drop(handle.stop(true));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = String::from_utf8_lossy(
        &captured
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
    .into_owned();
    assert!(log.contains("/sign/{token}"), "{log}");
    assert!(
        log.contains("/auth/{trust}/{provider}/callback?code=…&state=…"),
        "{log}"
    );
    for secret in [
        link.as_str(),
        "SECRETCODE123",
        "SECRETSTATE456",
        "QUERYSECRET",
    ] {
        assert!(!log.contains(secret), "{secret} reached the log:\n{log}");
    }
}
