//! Google Workspace: a service account signs a JWT assertion (RS256) naming the admin it
//! acts as (domain-wide delegation) and trades it for an access token; then
//! `users.list` for the customer, 500 a page, follows `nextPageToken`. There is no delta:
//! every run is a full listing, diffed by the plan.

use std::time::Duration;

use attest_domain::{AccountChange, DirectoryChanges, DirectorySettings};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::{Client, Verdict, error_message};
use crate::{DirectoryError, Fetched};

pub const DIRECTORY_SCOPE: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";

/// The assertion a service account signs.
#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    sub: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Name {
    full_name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Organization {
    title: Option<String>,
    department: Option<String>,
    location: Option<String>,
    #[serde(default)]
    primary: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GoogleUser {
    id: String,
    primary_email: Option<String>,
    #[serde(default)]
    name: Name,
    #[serde(default)]
    suspended: bool,
    #[serde(default)]
    archived: bool,
    org_unit_path: Option<String>,
    #[serde(default)]
    organizations: Vec<Organization>,
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

impl GoogleUser {
    fn into_change(self) -> AccountChange {
        let name = clean(self.name.full_name).unwrap_or_else(|| {
            [self.name.given_name, self.name.family_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        });
        let mut organizations = self.organizations;
        organizations.sort_by_key(|organization| !organization.primary);
        let organization = organizations.into_iter().next();
        let (title, department, location) = organization
            .map(|o| (o.title, o.department, o.location))
            .unwrap_or_default();
        AccountChange {
            id: self.id,
            display_name: Some(name),
            email: Some(clean(self.primary_email)),
            // Suspended and archived accounts belong to people who have gone.
            enabled: Some(!self.suspended && !self.archived),
            job_title: Some(clean(title)),
            department: Some(clean(department)),
            office_location: Some(clean(location)),
            org_unit: Some(clean(self.org_unit_path)),
        }
    }
}

fn rate_limited(status: StatusCode, body: &Value) -> bool {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return true;
    }
    let reasons = body
        .pointer("/error/errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|error| error.get("reason").and_then(Value::as_str));
    status == StatusCode::FORBIDDEN
        && reasons.into_iter().any(|reason| {
            matches!(
                reason,
                "userRateLimitExceeded" | "rateLimitExceeded" | "quotaExceeded"
            )
        })
}

fn judge(
    provider: &'static str,
    what: &str,
    status: StatusCode,
    asked: Option<Duration>,
    body: Value,
) -> Verdict {
    if status.is_success() {
        return Verdict::Done(body);
    }
    if rate_limited(status, &body) || status == StatusCode::SERVICE_UNAVAILABLE {
        return Verdict::Again(asked);
    }
    let message = error_message(status);
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        return Verdict::Failed(DirectoryError::Credentials {
            provider,
            message: format!(
                "{message} (the service account needs domain-wide delegation of {DIRECTORY_SCOPE}, and the admin it acts as must be able to read users)"
            ),
        });
    }
    Verdict::Failed(DirectoryError::Api {
        provider,
        what: what.to_owned(),
        status: status.as_u16(),
        message,
    })
}

pub(crate) struct Google<'a> {
    client: &'a Client,
    settings: &'a DirectorySettings,
    token: String,
}

impl<'a> Google<'a> {
    pub async fn connect(
        client: &'a Client,
        settings: &'a DirectorySettings,
        private_key: &str,
    ) -> Result<Self, DirectoryError> {
        let key = EncodingKey::from_rsa_pem(private_key.as_bytes()).map_err(|error| {
            DirectoryError::Secret(format!(
                "the service account's private key is not an RSA key in PEM: {error}"
            ))
        })?;
        let now = chrono::Utc::now().timestamp();
        let claims = Assertion {
            iss: settings.service_account.as_deref().unwrap_or_default(),
            sub: settings.admin_subject.as_deref().unwrap_or_default(),
            scope: DIRECTORY_SCOPE,
            aud: &settings.token_url,
            iat: now,
            exp: now + 3600,
        };
        let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key)
            .map_err(|error| {
                DirectoryError::Secret(format!("could not sign the assertion: {error}"))
            })?;
        let token = client
            .access_token(
                &settings.token_url,
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("assertion", assertion.as_str()),
                ],
            )
            .await?;
        Ok(Self {
            client,
            settings,
            token,
        })
    }

    /// Every user of the customer.
    pub async fn users(&self) -> Result<Fetched, DirectoryError> {
        let provider = self.client.provider;
        let url = format!("{}/admin/directory/v1/users", self.settings.api_base);
        let customer = self.settings.customer.as_deref().unwrap_or("my_customer");
        let mut changes = DirectoryChanges {
            full: true,
            ..DirectoryChanges::default()
        };
        let mut page_token: Option<String> = None;
        loop {
            let what = "users.list";
            let page = self
                .client
                .send(
                    what,
                    || {
                        let mut query = vec![
                            ("customer", customer),
                            ("maxResults", "500"),
                            ("projection", "full"),
                            ("orderBy", "email"),
                        ];
                        if let Some(token) = &page_token {
                            query.push(("pageToken", token.as_str()));
                        }
                        self.client
                            .http()
                            .get(&url)
                            .query(&query)
                            .bearer_auth(&self.token)
                    },
                    |status, asked, body| judge(provider, what, status, asked, body),
                )
                .await?;
            // A customer with no users has no `users` field at all.
            let users = page
                .get("users")
                .cloned()
                .unwrap_or(Value::Array(Vec::new()));
            let users: Vec<GoogleUser> = serde_json::from_value(users)
                .map_err(|error| self.client.unexpected(what, error))?;
            changes
                .accounts
                .extend(users.into_iter().map(GoogleUser::into_change));
            match page.get("nextPageToken").and_then(Value::as_str) {
                Some(next) if !next.is_empty() => page_token = Some(next.to_owned()),
                _ => break,
            }
        }
        Ok(Fetched {
            changes,
            ..Fetched::default()
        })
    }
}
