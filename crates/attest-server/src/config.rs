//! Typed configuration, built once in `main`: defaults, then an optional TOML file
//! (`--config` or `ATTEST_CONFIG`), then `ATTEST_*` environment variables (nested keys
//! with `__`, e.g. `ATTEST_GRAPHQL__MAX_DEPTH=8`), then command-line flags.

use std::fmt;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://attest.db?mode=rwc` or `postgres://user:pass@host/db`.
    pub database_url: String,
    pub database_max_connections: u32,
    /// Address `attest serve` listens on.
    pub bind: String,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// Where staff reach this server (for links in emails), e.g. `https://attest.trust.org.uk`.
    pub public_url: String,
    /// Where email goes: `smtp://host:25` (plain, local sinks), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465`, `file:///dir` (one .eml per message) or `log:`.
    pub smtp_url: String,
    /// The From address of every email.
    pub mail_from: String,
    /// How often `attest serve` delivers the outbox, in seconds (0: never).
    pub mail_dispatch_seconds: u64,
    /// When the scheduler queues the reminder jobs: cron with seconds, in Europe/London
    /// (`sec min hour day month weekday`); empty: never. Each trust's send window still
    /// decides whether anything goes out.
    pub reminders_cron: String,
    /// When the scheduler queues the breach alert jobs (cron with seconds); empty: never.
    pub breach_alerts_cron: String,
    /// When each trust's directory sync runs (cron with seconds, Europe/London; nightly
    /// at 02:30 by default); empty: never.
    pub directory_sync_cron: String,
    /// Job workers in this process (0: this replica queues jobs but others run them).
    pub job_workers: usize,
    /// How often an idle job worker looks for work, in seconds.
    pub job_poll_seconds: u64,
    /// Base64 of 32 random bytes that seals secrets at rest (identity providers' client
    /// secrets); `attest sso key` makes one. Without it, providers cannot be added.
    pub secret_key: Option<String>,
    /// An RFC 3161 time-stamping authority (its http(s) URL) that timestamps each chain
    /// anchor; none by default.
    pub timestamp_authority_url: Option<String>,
    /// Mark session cookies `Secure`; turn off only for plain-http local use.
    pub cookie_secure: bool,
    /// Let trusts point attest at loopback, private addresses and plain http for their
    /// identity and directory providers. For tests and the demo only.
    pub allow_local_providers: bool,
    /// When set (e.g. `/run/attest/migrator.url`'s contents or a URL), `serve` and
    /// `migrate` apply migrations with this connection (the owner role), and the server
    /// itself connects with `database_url` (the runtime role). See docs/security.md.
    pub migration_database_url: Option<String>,
    /// How many attempts of each kind are allowed (0 turns one off). See `attest_app::Limit`.
    pub rate_limits: attest_app::RateLimitSettings,
    /// Addresses or ranges of the proxies in front (load balancers), whose
    /// `X-Forwarded-For` then names the client. Empty: the header is ignored.
    pub trusted_proxies: Vec<String>,
    pub graphql: GraphqlConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlConfig {
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Requests per batch; 0 turns batching off.
    pub max_batch: usize,
    pub max_body_bytes: usize,
    /// The GraphQL document's own length (values belong in variables).
    pub max_document_bytes: usize,
    /// Tokens in a document, counted before it is parsed.
    pub max_tokens: usize,
    /// Aliased fields once fragments are expanded.
    pub max_aliases: u64,
    /// Fields once fragments are expanded.
    pub max_fields: u64,
    pub introspection: bool,
    /// Serve the GraphiQL page at `/graphiql`.
    pub graphiql: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://attest.db?mode=rwc".to_owned(),
            database_max_connections: 10,
            bind: "127.0.0.1:8080".to_owned(),
            workers: 0,
            log_format: LogFormat::Text,
            public_url: "http://127.0.0.1:8080".to_owned(),
            smtp_url: "log:".to_owned(),
            mail_from: "attest <attest@localhost>".to_owned(),
            mail_dispatch_seconds: 5,
            reminders_cron: "0 */10 * * * *".to_owned(),
            breach_alerts_cron: "0 */5 * * * *".to_owned(),
            directory_sync_cron: "0 30 2 * * *".to_owned(),
            job_workers: 2,
            job_poll_seconds: 2,
            secret_key: None,
            timestamp_authority_url: None,
            cookie_secure: true,
            allow_local_providers: false,
            migration_database_url: None,
            rate_limits: attest_app::RateLimitSettings::default(),
            trusted_proxies: Vec::new(),
            graphql: GraphqlConfig {
                max_depth: 12,
                max_complexity: 2_000,
                max_batch: 0,
                max_body_bytes: 1024 * 1024,
                max_document_bytes: attest_api::DocumentLimits::default().max_bytes,
                max_tokens: attest_api::DocumentLimits::default().max_tokens,
                max_aliases: attest_api::DocumentLimits::default().max_aliases,
                max_fields: attest_api::DocumentLimits::default().max_fields,
                introspection: false,
                graphiql: false,
            },
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(Box::new(figment::Error::from(format!(
                    "config file {} does not exist",
                    file.display()
                ))));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment
            // Variables read elsewhere: secrets the commands take (never on a command
            // line), and the test suite's own switches.
            .merge(Env::prefixed("ATTEST_").split("__").ignore(&[
                "config",
                "log",
                "sso_client_secret",
                "directory_secret",
                "owner_password",
                "runtime_password",
                "test_database_url",
                "model_cases",
                "update_fixtures",
                "update_schema",
                "update_screenshots",
                "url",
            ]))
            .extract()
            .map_err(Box::new)
    }
}

/// The database URL with any password hidden, for logs.
pub fn redacted_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    match (rest.find('@'), rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!(
                "{}{}:****{}",
                &url[..scheme_end + 3],
                &rest[..colon],
                &rest[at..]
            )
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redacted_url(&self.database_url))
            .field("database_max_connections", &self.database_max_connections)
            .field("bind", &self.bind)
            .field("workers", &self.workers)
            .field("log_format", &self.log_format)
            .field("public_url", &self.public_url)
            .field("smtp_url", &redacted_url(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("mail_dispatch_seconds", &self.mail_dispatch_seconds)
            .field("reminders_cron", &self.reminders_cron)
            .field("breach_alerts_cron", &self.breach_alerts_cron)
            .field("directory_sync_cron", &self.directory_sync_cron)
            .field("job_workers", &self.job_workers)
            .field("job_poll_seconds", &self.job_poll_seconds)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("timestamp_authority_url", &self.timestamp_authority_url)
            .field("cookie_secure", &self.cookie_secure)
            .field("allow_local_providers", &self.allow_local_providers)
            .field(
                "migration_database_url",
                &self.migration_database_url.as_deref().map(redacted_url),
            )
            .field("rate_limits", &self.rate_limits)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("graphql", &self.graphql)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redacted_url("postgres://attest:s3cret@db:5432/attest"),
            "postgres://attest:****@db:5432/attest"
        );
        assert_eq!(
            redacted_url("sqlite://attest.db?mode=rwc"),
            "sqlite://attest.db?mode=rwc"
        );
        let config = Config {
            database_url: "postgres://u:hunter2@h/db".to_owned(),
            secret_key: Some("c2VjcmV0LWtleQ==".to_owned()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(!format!("{config:?}").contains("c2VjcmV0LWtleQ"));
    }

    #[test]
    fn a_config_file_with_an_unknown_key_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("attest.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\n[graphql]\nmax_dept = 3\n").expect("write");
        let error = Config::load(Some(&path)).expect_err("typo refused");
        assert!(error.to_string().contains("max_dept"), "{error}");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\n[graphql]\nmax_depth = 3\n")
            .expect("write");
        let config = Config::load(Some(&path)).expect("loads");
        assert_eq!(config.bind, "0.0.0.0:9000");
        assert_eq!(config.graphql.max_depth, 3);
        assert_eq!(config.graphql.max_body_bytes, 1024 * 1024);
    }

    #[test]
    fn rate_limits_and_trusted_proxies_are_read_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("attest.toml");
        std::fs::write(
            &path,
            "trusted_proxies = [\"10.0.0.0/8\"]\n[rate_limits]\nsign_in_per_minute = 5\n",
        )
        .expect("write");
        let config = Config::load(Some(&path)).expect("loads");
        assert_eq!(config.rate_limits.sign_in_per_minute, 5);
        assert_eq!(
            config.rate_limits.breach_reports_per_hour,
            attest_app::RateLimitSettings::default().breach_reports_per_hour,
            "the rest keep their defaults"
        );
        assert!(crate::http::TrustedProxies::parse(&config.trusted_proxies).is_ok());
        std::fs::write(&path, "[rate_limits]\nsign_in_per_minut = 5\n").expect("write");
        let error = Config::load(Some(&path)).expect_err("typo refused");
        assert!(error.to_string().contains("sign_in_per_minut"), "{error}");
    }
}
