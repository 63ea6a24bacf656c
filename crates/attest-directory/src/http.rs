//! JSON over HTTPS with the providers' throttling honoured: wait as long as `Retry-After`
//! says (or back off exponentially when it says nothing), a bounded number of times.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;

use crate::DirectoryError;

/// How often and how long to wait when a provider throttles.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    /// The first wait when the provider gives no `Retry-After`; doubled each time.
    pub base: Duration,
    /// No single wait is longer.
    pub cap: Duration,
}

/// What a provider's answer means.
pub(crate) enum Verdict {
    Done(Value),
    /// Throttled: wait (as long as the provider asked, if it did) and try again.
    Again(Option<Duration>),
    Failed(DirectoryError),
}

pub(crate) struct Client {
    pub provider: &'static str,
    http: reqwest::Client,
    egress: crate::Egress,
    retry: Retry,
    requests: AtomicU32,
    throttled: AtomicU32,
}

/// `Retry-After` as seconds (Graph and Google send seconds, not dates).
pub(crate) fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

impl Client {
    pub fn new(provider: &'static str, retry: Retry, egress: crate::Egress) -> Self {
        let http = egress
            .client_builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("attest/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            provider,
            http,
            egress,
            retry,
            requests: AtomicU32::new(0),
            throttled: AtomicU32::new(0),
        }
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u32 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub fn unexpected(&self, what: &str, message: impl ToString) -> DirectoryError {
        DirectoryError::Unexpected {
            provider: self.provider,
            what: what.to_owned(),
            message: message.to_string(),
        }
    }

    /// Sends the request `build` makes until `judge` accepts the answer or gives up.
    pub async fn send<F, J>(&self, what: &str, build: F, judge: J) -> Result<Value, DirectoryError>
    where
        F: Fn() -> RequestBuilder,
        J: Fn(StatusCode, Option<Duration>, Value) -> Verdict,
    {
        let mut wait = self.retry.base;
        for attempt in 1..=self.retry.attempts {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let request = build()
                .build()
                .map_err(|error| self.unexpected(what, error.without_url()))?;
            self.egress
                .check(request.url())
                .map_err(|message| DirectoryError::Unreachable {
                    provider: self.provider,
                    what: what.to_owned(),
                    message,
                })?;
            let response =
                self.http
                    .execute(request)
                    .await
                    .map_err(|error| DirectoryError::Unreachable {
                        provider: self.provider,
                        what: what.to_owned(),
                        message: error.without_url().to_string(),
                    })?;
            let status = response.status();
            let asked = retry_after(&response);
            let text = response
                .text()
                .await
                .map_err(|error| self.unexpected(what, error.without_url()))?;
            let body = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            };
            match judge(status, asked, body) {
                Verdict::Done(value) => return Ok(value),
                Verdict::Failed(error) => return Err(error),
                Verdict::Again(asked) => {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    if attempt == self.retry.attempts {
                        break;
                    }
                    let pause = asked.unwrap_or(wait).min(self.retry.cap);
                    tracing::info!(
                        provider = self.provider,
                        what,
                        status = status.as_u16(),
                        pause_ms = pause.as_millis() as u64,
                        "throttled; waiting"
                    );
                    tokio::time::sleep(pause).await;
                    wait = (wait * 2).min(self.retry.cap);
                }
            }
        }
        Err(DirectoryError::Throttled {
            provider: self.provider,
            what: what.to_owned(),
            attempts: self.retry.attempts,
        })
    }
}

impl Client {
    /// An OAuth access token from `url` for this form (client credentials, or a signed
    /// assertion); a refusal is a credentials error.
    pub async fn access_token(
        &self,
        url: &str,
        form: &[(&str, &str)],
    ) -> Result<String, DirectoryError> {
        let provider = self.provider;
        let answer = self
            .send(
                "the token request",
                || self.http.post(url).form(form),
                |status, asked, body| {
                    if status.is_success() {
                        Verdict::Done(body)
                    } else if status == StatusCode::TOO_MANY_REQUESTS {
                        Verdict::Again(asked)
                    } else {
                        Verdict::Failed(DirectoryError::Credentials {
                            provider,
                            message: error_message(status),
                        })
                    }
                },
            )
            .await?;
        answer
            .get("access_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| self.unexpected("the token request", "no access_token"))
    }
}

/// What a provider's refusal means, from its status alone. The body is never quoted:
/// it is the provider's (or whatever answered in its place) and ends up in errors,
/// logs and `syncRuns`.
pub(crate) fn error_message(status: StatusCode) -> String {
    let meaning = match status.as_u16() {
        400 => "the provider refused the request as malformed",
        401 => "the provider did not accept the credentials",
        403 => "the credentials lack the permission this needs",
        404 => "the provider has no such resource (check the tenant or customer id)",
        408 | 504 => "the provider timed out",
        409 | 412 => "the provider reported a conflict",
        410 => "the provider no longer has what was asked for",
        429 => "the provider is throttling requests",
        500..=599 => "the provider failed; try again later",
        300..=399 => "the provider redirected elsewhere, which attest does not follow",
        _ => "the provider answered unexpectedly",
    };
    format!("HTTP {}: {meaning}", status.as_u16())
}
