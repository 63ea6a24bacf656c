//! Microsoft Graph, app-only: a client-credentials token, `GET /users/delta` paged by
//! `@odata.nextLink` until an `@odata.deltaLink`, and the members of the groups the
//! mapping rules name.

use std::collections::BTreeMap;
use std::time::Duration;

use attest_domain::{AccountChange, DirectoryChanges, DirectorySettings};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;

use crate::http::{Client, Verdict, error_message};
use crate::{DirectoryError, Fetched};

const USER_FIELDS: &str = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId";

/// Error codes Graph uses for a delta token it no longer knows.
const EXPIRED_DELTA: [&str; 3] = ["syncStateNotFound", "resyncRequired", "syncStateInvalid"];

pub(crate) struct Graph<'a> {
    client: &'a Client,
    api_base: &'a str,
    token: String,
}

/// A present-but-null JSON field is `Some(None)`; an absent one is `None`.
fn patch<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphUser {
    id: String,
    #[serde(default, deserialize_with = "patch")]
    display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    mail: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    user_principal_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    account_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "patch")]
    job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    department: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    office_location: Option<Option<String>>,
    #[serde(rename = "@removed")]
    removed: Option<Value>,
}

fn clean(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

impl GraphUser {
    /// Graph's `mail` is the address staff use; a user principal name stands in only when
    /// it is one (guests' `#EXT#` names are not).
    fn into_change(self) -> AccountChange {
        let upn = self
            .user_principal_name
            .flatten()
            .filter(|upn| !upn.contains("#EXT#"));
        let email = match self.mail {
            Some(Some(mail)) if !mail.trim().is_empty() => Some(Some(mail)),
            Some(_) => Some(upn),
            None => upn.map(Some),
        };
        AccountChange {
            id: self.id,
            display_name: self.display_name.map(|name| name.unwrap_or_default()),
            email: email.map(clean),
            enabled: self.account_enabled.map(|enabled| enabled.unwrap_or(false)),
            job_title: self.job_title.map(clean),
            department: self.department.map(clean),
            office_location: self.office_location.map(clean),
            org_unit: None,
        }
    }
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
    let code = body.pointer("/error/code").and_then(Value::as_str);
    if status == StatusCode::GONE || code.is_some_and(|code| EXPIRED_DELTA.contains(&code)) {
        return Verdict::Failed(DirectoryError::DeltaExpired);
    }
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    ) {
        return Verdict::Again(asked);
    }
    let message = error_message(status);
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        return Verdict::Failed(DirectoryError::Credentials {
            provider,
            message: format!(
                "{message} (the app registration needs the User.Read.All and GroupMember.Read.All application permissions, with admin consent)"
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

impl<'a> Graph<'a> {
    pub async fn connect(
        client: &'a Client,
        settings: &'a DirectorySettings,
        secret: &str,
    ) -> Result<Self, DirectoryError> {
        let client_id = settings.client_id.as_deref().unwrap_or_default();
        let token = client
            .access_token(
                &settings.token_url,
                &[
                    ("client_id", client_id),
                    ("client_secret", secret),
                    ("scope", "https://graph.microsoft.com/.default"),
                    ("grant_type", "client_credentials"),
                ],
            )
            .await?;
        Ok(Self {
            client,
            api_base: &settings.api_base,
            token,
        })
    }

    async fn get(&self, what: &str, url: &str) -> Result<Value, DirectoryError> {
        let provider = self.client.provider;
        self.client
            .send(
                what,
                || self.client.http().get(url).bearer_auth(&self.token),
                |status, asked, body| judge(provider, what, status, asked, body),
            )
            .await
    }

    /// Every page of a users delta round, from `delta_link` or from the start.
    pub async fn users_delta(&self, delta_link: Option<&str>) -> Result<Fetched, DirectoryError> {
        let full = delta_link.is_none();
        let mut url = delta_link.map_or_else(
            || format!("{}/users/delta?$select={USER_FIELDS}", self.api_base),
            str::to_owned,
        );
        let mut changes = DirectoryChanges {
            full,
            ..DirectoryChanges::default()
        };
        loop {
            let page = self.get("the users delta", &url).await?;
            let users = page
                .get("value")
                .cloned()
                .ok_or_else(|| self.client.unexpected("the users delta", "no value list"))?;
            let users: Vec<GraphUser> = serde_json::from_value(users)
                .map_err(|error| self.client.unexpected("the users delta", error))?;
            for user in users {
                if user.removed.is_some() {
                    changes.removed.push(user.id);
                } else {
                    changes.accounts.push(user.into_change());
                }
            }
            if let Some(next) = page.get("@odata.nextLink").and_then(Value::as_str) {
                url = next.to_owned();
            } else if let Some(delta) = page.get("@odata.deltaLink").and_then(Value::as_str) {
                return Ok(Fetched {
                    changes,
                    delta_link: Some(delta.to_owned()),
                    ..Fetched::default()
                });
            } else {
                return Err(self.client.unexpected(
                    "the users delta",
                    "a page with neither @odata.nextLink nor @odata.deltaLink",
                ));
            }
        }
    }

    /// The user ids in each named group (by display name, or by id), members of nested
    /// groups included.
    pub async fn group_members(
        &self,
        groups: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>, DirectoryError> {
        let mut members = BTreeMap::new();
        for name in groups {
            let id = if is_object_id(name) {
                name.clone()
            } else {
                let escaped = name.replace('\'', "''");
                let url = format!(
                    "{}/groups?$filter=displayName eq '{escaped}'&$select=id,displayName",
                    self.api_base
                );
                let found = self.get("a group lookup", &url).await?;
                let Some(id) = found
                    .pointer("/value/0/id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                else {
                    tracing::warn!(group = %name, "a group named in the rules does not exist");
                    members.insert(name.clone(), Vec::new());
                    continue;
                };
                id
            };
            let mut url = format!(
                "{}/groups/{id}/transitiveMembers/microsoft.graph.user?$select=id&$top=999",
                self.api_base
            );
            let mut ids = Vec::new();
            loop {
                let page = self.get("a group's members", &url).await?;
                ids.extend(
                    page.get("value")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|member| member.get("id").and_then(Value::as_str))
                        .map(str::to_owned),
                );
                match page.get("@odata.nextLink").and_then(Value::as_str) {
                    Some(next) => url = next.to_owned(),
                    None => break,
                }
            }
            members.insert(name.clone(), ids);
        }
        Ok(members)
    }
}

fn is_object_id(text: &str) -> bool {
    text.len() == 36
        && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && text.matches('-').count() == 4
}
