//! A trust's staff directory: Microsoft Entra ID (through Microsoft Graph) or Google
//! Workspace (through the Admin SDK Directory API). What a connection must name, the
//! mapping rules as an admin writes them, and how a delta from the provider is laid
//! over the last full list before a sync is planned.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

mod changes;
mod rules;

pub use changes::{AccountChange, DirectoryChanges, apply_changes};
pub use rules::{RuleInput, SyncRulesInput};

use crate::DomainError;
use crate::identity::{is_guid, service_url};

/// Share of a school's people a sync may mark as left before it stops for confirmation.
pub const DEFAULT_MAX_LEAVER_SHARE: f64 = 0.10;

/// The issuer under which a SCIM-provisioned account's attest-made id is kept.
pub const SCIM_ISSUER: &str = "urn:scim";

/// Where Google's ID tokens come from: a Google account's directory id is its `sub`.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    Microsoft,
    Google,
    /// Pushed to attest over SCIM 2.0 rather than read from the provider.
    Scim,
}

impl DirectoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Google => "google",
            Self::Scim => "scim",
        }
    }
}

impl FromStr for DirectoryKind {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim() {
            "microsoft" => Ok(Self::Microsoft),
            "google" => Ok(Self::Google),
            "scim" => Ok(Self::Scim),
            other => Err(DomainError::invalid(
                "kind",
                format!("'{other}' is not microsoft, google or scim"),
            )),
        }
    }
}

impl fmt::Display for DirectoryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directory connection as an admin describes it (the secret travels separately).
#[derive(Debug, Clone, Default)]
pub struct DirectoryInput {
    pub kind: String,
    /// Microsoft: the trust's tenant id and the app registration's client id.
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    /// Google: the service account's email, the admin it acts as (domain-wide
    /// delegation) and the customer (`my_customer` unless told).
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    /// Overrides of the providers' addresses (for a sovereign cloud, or tests).
    pub api_base: Option<String>,
    pub token_url: Option<String>,
    pub max_leaver_share: Option<f64>,
}

/// A checked connection, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectorySettings {
    pub kind: DirectoryKind,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    pub api_base: String,
    pub token_url: String,
    pub max_leaver_share: f64,
}

fn required(field: &'static str, value: Option<&String>, why: &str) -> Result<String, DomainError> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| DomainError::invalid(field, format!("is required {why}")))
}

fn email_like(field: &'static str, value: String) -> Result<String, DomainError> {
    match value.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(value),
        _ => Err(DomainError::invalid(
            field,
            format!("'{value}' is not an email address"),
        )),
    }
}

impl DirectorySettings {
    pub fn parse(input: &DirectoryInput) -> Result<Self, DomainError> {
        let kind: DirectoryKind = input.kind.parse()?;
        let max_leaver_share = input.max_leaver_share.unwrap_or(DEFAULT_MAX_LEAVER_SHARE);
        if !(0.0..=1.0).contains(&max_leaver_share) {
            return Err(DomainError::invalid(
                "max_leaver_share",
                format!("{max_leaver_share} is not a share between 0 and 1 (0.1 is 10%)"),
            ));
        }
        let url = |field, given: &Option<String>, default: String| match given {
            Some(given) if !given.trim().is_empty() => service_url(field, given),
            _ => Ok(default),
        };
        match kind {
            DirectoryKind::Microsoft => {
                let tenant = required("tenant_id", input.tenant_id.as_ref(), "for Microsoft")?
                    .to_lowercase();
                if !is_guid(&tenant) {
                    return Err(DomainError::invalid(
                        "tenant_id",
                        format!("'{tenant}' is not a directory (tenant) id GUID"),
                    ));
                }
                let client_id = required("client_id", input.client_id.as_ref(), "for Microsoft")?;
                Ok(Self {
                    kind,
                    token_url: url(
                        "token_url",
                        &input.token_url,
                        format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
                    )?,
                    api_base: url(
                        "api_base",
                        &input.api_base,
                        "https://graph.microsoft.com/v1.0".to_owned(),
                    )?,
                    tenant_id: Some(tenant),
                    client_id: Some(client_id),
                    service_account: None,
                    admin_subject: None,
                    customer: None,
                    max_leaver_share,
                })
            }
            DirectoryKind::Scim => {
                // An Entra tenant, when named, lets a SCIM user whose externalId is an
                // object id keep the identity that sync and sign-in know it by.
                let tenant_id = match input.tenant_id.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(tenant) if is_guid(tenant) => Some(tenant.to_lowercase()),
                    Some(tenant) => {
                        return Err(DomainError::invalid(
                            "tenant_id",
                            format!("'{tenant}' is not a directory (tenant) id GUID"),
                        ));
                    }
                };
                Ok(Self {
                    kind,
                    tenant_id,
                    client_id: None,
                    service_account: None,
                    admin_subject: None,
                    customer: None,
                    api_base: String::new(),
                    token_url: String::new(),
                    max_leaver_share,
                })
            }
            DirectoryKind::Google => {
                let service_account = email_like(
                    "service_account",
                    required(
                        "service_account",
                        input.service_account.as_ref(),
                        "for Google",
                    )?,
                )?;
                let admin_subject = email_like(
                    "admin_subject",
                    required(
                        "admin_subject",
                        input.admin_subject.as_ref(),
                        "for Google: the Workspace admin the service account acts as",
                    )?,
                )?;
                let customer = input
                    .customer
                    .as_deref()
                    .map(str::trim)
                    .filter(|customer| !customer.is_empty())
                    .unwrap_or("my_customer")
                    .to_owned();
                if !customer
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(DomainError::invalid(
                        "customer",
                        format!("'{customer}' is not a customer id such as C01abc23d"),
                    ));
                }
                Ok(Self {
                    kind,
                    token_url: url(
                        "token_url",
                        &input.token_url,
                        "https://oauth2.googleapis.com/token".to_owned(),
                    )?,
                    api_base: url(
                        "api_base",
                        &input.api_base,
                        "https://admin.googleapis.com".to_owned(),
                    )?,
                    tenant_id: None,
                    client_id: None,
                    service_account: Some(service_account),
                    admin_subject: Some(admin_subject),
                    customer: Some(customer),
                    max_leaver_share,
                })
            }
        }
    }

    /// The issuer under which a synced account's directory id is kept, so the SSO sign-in
    /// finds the person on first login: Entra accounts by tenant and object id, Google
    /// accounts by their id, which is also their ID tokens' subject.
    pub fn identity_issuer(&self) -> String {
        match self.kind {
            DirectoryKind::Microsoft => format!(
                "urn:entra:{}",
                self.tenant_id.as_deref().unwrap_or_default()
            ),
            DirectoryKind::Google => GOOGLE_ISSUER.to_owned(),
            DirectoryKind::Scim => SCIM_ISSUER.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests;
