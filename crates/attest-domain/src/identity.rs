//! A trust's identity providers for staff sign-in: its own Microsoft Entra ID tenant,
//! its Google Workspace domains, or any OpenID Connect provider. What makes a login
//! acceptable is decided here: the issuer a provider's tokens must carry (a Microsoft
//! tenant's own, never "any tenant") and the Google domains allowed.

use std::fmt;
use std::str::FromStr;

use crate::{DomainError, Slug};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Microsoft,
    Google,
    Oidc,
}

impl ProviderKind {
    pub const ALL: [Self; 3] = [Self::Microsoft, Self::Google, Self::Oidc];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Google => "google",
            Self::Oidc => "oidc",
        }
    }
}

impl FromStr for ProviderKind {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
            .ok_or_else(|| {
                DomainError::invalid("kind", format!("'{raw}' is not microsoft, google or oidc"))
            })
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider as an admin describes it.
#[derive(Debug, Clone, Default)]
pub struct ProviderInput {
    pub kind: String,
    /// Short name used in the login URL, e.g. `staff` in `/auth/riverside/staff/login`.
    pub slug: String,
    pub display_name: String,
    pub client_id: String,
    /// Microsoft: the trust's directory (tenant) id.
    pub tenant_id: Option<String>,
    /// Google: the Workspace domains whose accounts may sign in (`hd`).
    pub domains: Vec<String>,
    /// Generic OpenID Connect: the issuer URL (discovery is read from it).
    pub issuer: Option<String>,
    /// Link a first login to a person by the provider's verified email.
    pub link_by_email: bool,
}

/// A checked provider, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    pub kind: ProviderKind,
    pub slug: Slug,
    pub display_name: String,
    pub client_id: String,
    pub tenant_id: Option<String>,
    pub domains: Vec<String>,
    /// The exact issuer its ID tokens must carry.
    pub issuer: String,
    pub link_by_email: bool,
}

pub fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(len, part)| part.len() == *len && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn issuer_url(raw: &str) -> Result<String, DomainError> {
    service_url("issuer", raw)
}

/// An https URL of a service the server calls, or http on this machine (for tests).
pub(crate) fn service_url(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let url = raw.trim().trim_end_matches('/');
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|prefix| url.starts_with(prefix));
    if !(url.starts_with("https://") || loopback) || url.contains(char::is_whitespace) {
        return Err(DomainError::invalid(
            field,
            format!("'{raw}' must be an https:// URL (http only on this machine, for tests)"),
        ));
    }
    Ok(url.to_owned())
}

impl ProviderSettings {
    pub fn parse(input: ProviderInput) -> Result<Self, DomainError> {
        let kind: ProviderKind = input.kind.parse()?;
        let slug = Slug::parse(&input.slug)?;
        let display_name = input.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(DomainError::invalid(
                "display_name",
                "1 to 100 characters, shown on the sign-in button",
            ));
        }
        let client_id = input.client_id.trim().to_owned();
        if client_id.is_empty() || client_id.chars().any(char::is_whitespace) {
            return Err(DomainError::invalid(
                "client_id",
                "is required, without spaces",
            ));
        }
        let mut domains: Vec<String> = input
            .domains
            .iter()
            .map(|domain| domain.trim().to_lowercase())
            .filter(|domain| !domain.is_empty())
            .collect();
        domains.sort();
        domains.dedup();
        if let Some(bad) = domains
            .iter()
            .find(|domain| !domain.contains('.') || domain.contains(['@', '/', ' ']))
        {
            return Err(DomainError::invalid(
                "domains",
                format!("'{bad}' is not a domain such as school.org.uk"),
            ));
        }
        let (tenant_id, issuer) = match kind {
            ProviderKind::Microsoft => {
                let tenant = input
                    .tenant_id
                    .as_deref()
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_lowercase();
                if !is_guid(&tenant) {
                    return Err(DomainError::invalid(
                        "tenant_id",
                        format!(
                            "'{tenant}' is not a directory (tenant) id: use the trust's own GUID, never common, organizations or consumers"
                        ),
                    ));
                }
                let issuer = format!("https://login.microsoftonline.com/{tenant}/v2.0");
                (Some(tenant), issuer)
            }
            ProviderKind::Google => {
                if domains.is_empty() {
                    return Err(DomainError::invalid(
                        "domains",
                        "name the trust's Google Workspace domain(s): only their accounts may sign in",
                    ));
                }
                (None, "https://accounts.google.com".to_owned())
            }
            ProviderKind::Oidc => {
                let issuer = input.issuer.as_deref().ok_or_else(|| {
                    DomainError::invalid("issuer", "is required for an OpenID Connect provider")
                })?;
                // Optional here: when given, the account's `tid` claim must match it.
                let tenant = input
                    .tenant_id
                    .as_deref()
                    .map(|tenant| tenant.trim().to_lowercase())
                    .filter(|tenant| !tenant.is_empty());
                if let Some(tenant) = &tenant
                    && !is_guid(tenant)
                {
                    return Err(DomainError::invalid(
                        "tenant_id",
                        format!("'{tenant}' is not a GUID"),
                    ));
                }
                (tenant, issuer_url(issuer)?)
            }
        };
        Ok(Self {
            kind,
            slug,
            display_name,
            client_id,
            tenant_id,
            domains,
            issuer,
            link_by_email: input.link_by_email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> ProviderInput {
        ProviderInput {
            kind: kind.to_owned(),
            slug: "staff".to_owned(),
            display_name: "Sign in with your school account".to_owned(),
            client_id: "0f1e2d3c-aaaa-bbbb-cccc-111122223333".to_owned(),
            ..ProviderInput::default()
        }
    }

    #[test]
    fn microsoft_is_pinned_to_the_trusts_own_tenant() {
        let settings = ProviderSettings::parse(ProviderInput {
            tenant_id: Some("72F988BF-86F1-41AF-91AB-2D7CD011DB47".to_owned()),
            ..input("microsoft")
        })
        .expect("valid");
        assert_eq!(
            settings.issuer,
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
        );
        for tenant in ["common", "organizations", "consumers", "", "72f988bf"] {
            let error = ProviderSettings::parse(ProviderInput {
                tenant_id: Some(tenant.to_owned()),
                ..input("microsoft")
            })
            .expect_err(tenant);
            assert_eq!(error.field(), "tenant_id", "{tenant}");
        }
    }

    #[test]
    fn google_needs_domains_and_oidc_an_issuer() {
        let google = ProviderSettings::parse(ProviderInput {
            domains: vec![
                "Riverside.sch.uk ".to_owned(),
                "riverside.sch.uk".to_owned(),
            ],
            ..input("google")
        })
        .expect("valid");
        assert_eq!(google.domains, vec!["riverside.sch.uk"]);
        assert_eq!(google.issuer, "https://accounts.google.com");
        assert_eq!(
            ProviderSettings::parse(input("google"))
                .expect_err("no hd")
                .field(),
            "domains"
        );
        assert_eq!(
            ProviderSettings::parse(ProviderInput {
                domains: vec!["a@b.org".to_owned()],
                ..input("google")
            })
            .expect_err("bad")
            .field(),
            "domains"
        );
        assert_eq!(
            ProviderSettings::parse(input("oidc"))
                .expect_err("no issuer")
                .field(),
            "issuer"
        );
        let local = ProviderSettings::parse(ProviderInput {
            issuer: Some("http://127.0.0.1:4000/".to_owned()),
            ..input("oidc")
        })
        .expect("loopback http is allowed");
        assert_eq!(local.issuer, "http://127.0.0.1:4000");
        assert!(
            ProviderSettings::parse(ProviderInput {
                issuer: Some("http://idp.example.com".to_owned()),
                ..input("oidc")
            })
            .is_err()
        );
        assert_eq!(
            ProviderSettings::parse(input("saml"))
                .expect_err("kind")
                .field(),
            "kind"
        );
        assert_eq!(
            ProviderSettings::parse(ProviderInput {
                client_id: " ".to_owned(),
                ..input("oidc")
            })
            .expect_err("id")
            .field(),
            "client_id"
        );
    }
}
