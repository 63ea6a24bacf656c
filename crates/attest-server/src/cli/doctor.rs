//! `attest doctor`: what an operator checks before going live, one line per check, exit 1
//! if any fails. Nothing is changed: the database is not migrated, no email is sent (SMTP
//! gets EHLO only), no one signs in.

use std::sync::Arc;
use std::time::Duration;

use attest_app::{App, SystemClock};
use serde_json::json;

use crate::config::{Config, redacted_url};
use crate::startup::print_json;

/// One check's outcome.
struct Check {
    name: String,
    ok: bool,
    detail: String,
}

#[derive(Default)]
struct Report(Vec<Check>);

impl Report {
    fn add(&mut self, name: impl Into<String>, outcome: Result<String, String>) {
        let (ok, detail) = match outcome {
            Ok(detail) => (true, detail),
            Err(detail) => (false, detail),
        };
        self.0.push(Check {
            name: name.into(),
            ok,
            detail,
        });
    }

    fn ok(&self) -> bool {
        self.0.iter().all(|check| check.ok)
    }
}

/// Secure cookies are only sent over https, and over https they must be Secure.
fn cookies_match_public_url(config: &Config) -> Result<String, String> {
    let https = config.public_url.starts_with("https://");
    if !https && !config.public_url.starts_with("http://") {
        return Err(format!(
            "ATTEST_PUBLIC_URL '{}' is not an http(s) address",
            config.public_url
        ));
    }
    match (https, config.cookie_secure) {
        (true, true) => Ok(format!("{} with Secure cookies", config.public_url)),
        (false, false) => Ok(format!(
            "{} over plain http with cookies not marked Secure: for a demo or a test only",
            config.public_url
        )),
        (true, false) => Err(format!(
            "{} is https but ATTEST_COOKIE_SECURE is false: set it to true so session cookies never travel in clear",
            config.public_url
        )),
        (false, true) => Err(format!(
            "{} is plain http but cookies are marked Secure: browsers will not send them back, so no one stays signed in (use https, or ATTEST_COOKIE_SECURE=false for a local demo)",
            config.public_url
        )),
    }
}

fn secret_key(config: &Config) -> Result<String, String> {
    match &config.secret_key {
        None => Err("ATTEST_SECRET_KEY is not set: sign-in sessions and identity providers' secrets need it (`attest sso key` makes one)".to_owned()),
        Some(key) => attest_auth::SealingKey::from_base64(key)
            .map(|_| "present (32 bytes)".to_owned())
            .map_err(|error| format!("ATTEST_SECRET_KEY is not usable: {error}")),
    }
}

async fn smtp(config: &Config) -> Result<String, String> {
    let transport = attest_mail::MailTransport::from_url(&config.smtp_url)
        .map_err(|error| format!("{}: {error}", redacted_url(&config.smtp_url)))?;
    tokio::time::timeout(Duration::from_secs(20), transport.check())
        .await
        .map_err(|_| "the SMTP server did not answer within 20 s".to_owned())?
}

/// The HTTP status (and for a GET the JSON body) `url` answers with.
async fn answers(
    app: &App,
    url: &str,
    post: bool,
) -> Result<(u16, Option<serde_json::Value>), String> {
    let parsed = url
        .parse()
        .map_err(|error| format!("'{url}' is not a URL: {error}"))?;
    let egress = app.egress();
    egress.check(&parsed)?;
    let client = egress
        .client_builder()
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|error| error.to_string())?;
    let request = if post {
        client
            .post(url)
            .form(&[("grant_type", "client_credentials")])
    } else {
        client.get(url)
    };
    let response = request
        .send()
        .await
        .map_err(|error| format!("{url} cannot be reached: {error}"))?;
    let status = response.status().as_u16();
    let body = if post {
        None
    } else {
        response.json().await.ok()
    };
    Ok((status, body))
}

async fn discovery(app: &App, issuer: &str) -> Result<String, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    match answers(app, &url, false).await? {
        (200, Some(document))
            if document["issuer"].as_str().is_some_and(|found| {
                found.trim_end_matches('/') == issuer.trim_end_matches('/')
            }) =>
        {
            Ok(format!("{url} names the issuer"))
        }
        (200, Some(document)) => Err(format!(
            "{url} names another issuer ({}) than the one configured",
            document["issuer"]
        )),
        (status, _) => Err(format!("{url} answered {status}, not a discovery document")),
    }
}

async fn providers_and_directories(app: &App, report: &mut Report) {
    let trusts = match app.operators_for_all().await {
        Ok(trusts) => trusts,
        Err(error) => {
            report.add("trusts", Err(format!("cannot list the trusts: {error}")));
            return;
        }
    };
    report.add("trusts", Ok(format!("{} on this server", trusts.len())));
    for (slug, operator) in trusts {
        match app.identity_providers(&operator).await {
            Ok(providers) => {
                for provider in providers {
                    let name = format!("sign-in {slug}/{}", provider.settings.slug);
                    report.add(name, discovery(app, &provider.settings.issuer).await);
                }
            }
            Err(error) => report.add(format!("sign-in {slug}"), Err(error.to_string())),
        }
        match app.directory_connection(&operator).await {
            Ok(Some(connection)) => {
                let url = &connection.settings.token_url;
                // A token endpoint refuses a request without credentials with 400 or 401;
                // anything else (404, a web page) means the URL is not one.
                let outcome = answers(app, url, true)
                    .await
                    .and_then(|(status, _)| match status {
                        200 | 400 | 401 => {
                            Ok(format!("{url} answers as a token endpoint ({status})"))
                        }
                        other => Err(format!("{url} answered {other}: not a token endpoint")),
                    });
                report.add(format!("directory {slug}"), outcome);
            }
            Ok(None) => {}
            Err(error) => report.add(format!("directory {slug}"), Err(error.to_string())),
        }
    }
}

pub async fn run(config: &Config, json: bool) -> anyhow::Result<bool> {
    let mut report = Report::default();
    let database = attest_app::bootstrap::connect(&config.database_url, 2).await;
    let app = match database {
        Ok(db) => {
            report.add(
                "database",
                Ok(format!("{} answers", redacted_url(&config.database_url))),
            );
            let pending = attest_app::bootstrap::pending_migrations(&db).await;
            report.add(
                "migrations",
                match pending {
                    Ok(pending) if pending.is_empty() => Ok("the schema is current".to_owned()),
                    Ok(pending) => Err(format!(
                        "{} migration(s) not applied ({}): run `attest migrate`",
                        pending.len(),
                        pending.join(", ")
                    )),
                    Err(error) => Err(format!("cannot read the applied migrations: {error}")),
                },
            );
            Some(
                App::new(db, Arc::new(SystemClock))
                    .with_local_providers(config.allow_local_providers),
            )
        }
        Err(error) => {
            report.add(
                "database",
                Err(format!(
                    "{} cannot be opened: {error}",
                    redacted_url(&config.database_url)
                )),
            );
            None
        }
    };
    report.add("secret key", secret_key(config));
    report.add("public URL and cookies", cookies_match_public_url(config));
    report.add("email", smtp(config).await);
    if let Some(app) = &app {
        providers_and_directories(app, &mut report).await;
    }
    if json {
        print_json(&json!({
            "ok": report.ok(),
            "checks": report.0.iter().map(|check| json!({
                "check": check.name, "ok": check.ok, "detail": check.detail,
            })).collect::<Vec<_>>(),
        }));
    } else {
        for check in &report.0 {
            let mark = if check.ok { "ok  " } else { "FAIL" };
            println!("{mark}  {:<24} {}", check.name, check.detail);
        }
    }
    Ok(report.ok())
}

#[cfg(test)]
mod tests {
    use super::cookies_match_public_url;
    use crate::config::Config;

    #[test]
    fn cookie_security_must_match_the_public_url() {
        let with = |url: &str, secure: bool| Config {
            public_url: url.to_owned(),
            cookie_secure: secure,
            ..Config::default()
        };
        assert!(cookies_match_public_url(&with("https://attest.trust.org.uk", true)).is_ok());
        assert!(cookies_match_public_url(&with("http://127.0.0.1:8080", false)).is_ok());
        let insecure = cookies_match_public_url(&with("https://attest.trust.org.uk", false));
        assert!(
            insecure
                .expect_err("refused")
                .contains("ATTEST_COOKIE_SECURE")
        );
        let lost = cookies_match_public_url(&with("http://attest.trust.org.uk", true));
        assert!(
            lost.expect_err("refused")
                .contains("no one stays signed in")
        );
        assert!(cookies_match_public_url(&with("ftp://x", false)).is_err());
    }
}
