//! Staff sign-in after the provider has vouched for them: the provider's own rules (the
//! trust's tenant, its Google domains), linking the account to a person of this trust
//! (once, by an earlier link or a verified email where the trust allows it — never by
//! an unverified one, never across trusts), a server-side session, and the audit log.

mod email;
mod email_link;
mod session;

use attest_domain::{
    Email, Person, Principal, ProviderSettings, SignInMethod, SignerIdentity, Slug, Trust, TrustId,
};
use attest_store::{IdentityProviders, People, PersonIdentities, TransactionTrait, Trusts};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::audit::{Change, record};
use crate::{App, AppError};

pub use email::{EMAIL_LINK_MINUTES, SignInChoices};
pub use email_link::{IssuedSignInLink, MAX_ISSUED_LINK_HOURS, SignInLinkPreview};
pub use session::SessionContext;

/// A session ends this long after sign-in, whatever happens.
pub const SESSION_ABSOLUTE: Duration = Duration::hours(8);
/// ...or after this long without a request.
pub const SESSION_IDLE: Duration = Duration::minutes(60);
/// A session's token lives this long (the idle timeout) and is renewed by page loads once
/// less than half of it is left, so the cookie itself goes stale with an idle session.
pub const SESSION_TOKEN_LIFETIME: Duration = SESSION_IDLE;

/// What the provider vouched for, after the ID token's signature, issuer, audience,
/// expiry, nonce and PKCE were checked.
#[derive(Debug, Clone, Default)]
pub struct VerifiedLogin {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// Microsoft: the account's tenant and object id.
    pub tid: Option<String>,
    pub oid: Option<String>,
    /// Google: the account's Workspace domain.
    pub hd: Option<String>,
    /// When the provider authenticated the person (`auth_time`), and how (`amr`).
    pub auth_time: Option<chrono::DateTime<chrono::Utc>>,
    pub amr: Vec<String>,
}

/// The provider a sign-in starts with.
#[derive(Debug, Clone)]
pub struct LoginProvider {
    pub trust: Trust,
    pub settings: ProviderSettings,
    pub client_secret: String,
}

/// A new session: its token goes in the cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: Person,
    pub trust: Trust,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// The server acting on the trust while someone signs in, before anyone is known.
fn signing_in(trust: TrustId) -> Principal {
    crate::principals::system(trust, attest_domain::SystemTask::SignIn)
}

fn refused(reason: &str) -> AppError {
    AppError::Unauthenticated(reason.to_owned())
}

/// The most of a failure's reason (which may quote a provider) kept in the audit log.
const MAX_REASON_CHARS: usize = 300;

/// Text from outside (a provider's error description, a query parameter) made safe to
/// keep: control characters become spaces, and it is cut at `max` characters.
fn neutral_text(text: &str, max: usize) -> String {
    let mut kept: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        kept.push('…');
    }
    kept
}

impl App {
    /// The trust's provider by the names in its URL.
    pub async fn login_provider(
        &self,
        trust: &str,
        provider: &str,
    ) -> Result<LoginProvider, AppError> {
        let not_found = || AppError::NotFound("no such sign-in".to_owned());
        let trust = Trusts::find_by_slug(&self.db, &Slug::parse(trust).map_err(|_| not_found())?)
            .await
            .map_err(|_| not_found())?;
        let slug = Slug::parse(provider).map_err(|_| not_found())?;
        let found = IdentityProviders::new(&self.db, &signing_in(trust.id).scope())
            .by_slug(&slug)
            .await
            .map_err(|_| not_found())?;
        let client_secret = self.open_client_secret(&found)?;
        Ok(LoginProvider {
            trust,
            settings: found.settings,
            client_secret,
        })
    }

    /// Signs the person in, or says why not (and records the failure).
    pub async fn complete_sign_in(
        &self,
        provider: &LoginProvider,
        login: VerifiedLogin,
    ) -> Result<SignedIn, AppError> {
        match self.try_sign_in(provider, &login).await {
            Ok(signed_in) => Ok(signed_in),
            Err(error) => {
                self.record_sign_in_failure(
                    provider.trust.id,
                    &provider.settings,
                    &login,
                    (&error, None),
                )
                .await;
                Err(error)
            }
        }
    }

    /// Audits a refused sign-in (also those refused before the provider's answer was checked).
    pub async fn record_sign_in_failure(
        &self,
        trust: TrustId,
        settings: &ProviderSettings,
        login: &VerifiedLogin,
        (error, address): (&AppError, Option<&str>),
    ) {
        // Failures from an anonymous address (a callback anyone can call) write at most a
        // few rows an hour per address; the rest are counted into the next row written.
        let mut suppressed = 0;
        if let Some(address) = address {
            if self
                .rate_limits
                .hit(crate::Limit::SignInFailureAudit, address)
                .is_err()
            {
                self.rate_limits.suppress(address);
                tracing::warn!(
                    address,
                    "failed sign-in not audited: too many from this address"
                );
                return;
            }
            suppressed = self.rate_limits.take_suppressed(address);
        }
        let operator = signing_in(trust);
        let outcome = record(
            &self.db,
            &operator,
            self.now(),
            Change {
                action: "sso.login_failed",
                subject_type: "identity_provider",
                subject_id: uuid::Uuid::nil(),
                before: None,
                after: Some(&json!({
                    "provider": settings.slug, "issuer": login.issuer, "subject": login.subject,
                    "email": login.email,
                    "reason": neutral_text(&error.to_string(), MAX_REASON_CHARS),
                    "address": address, "suppressedBefore": suppressed,
                })),
            },
        )
        .await;
        if let Err(error) = outcome {
            tracing::error!(%error, "could not audit a failed sign-in");
        }
    }

    async fn try_sign_in(
        &self,
        provider: &LoginProvider,
        login: &VerifiedLogin,
    ) -> Result<SignedIn, AppError> {
        let settings = &provider.settings;
        if login.issuer.trim_end_matches('/') != settings.issuer {
            return Err(refused(
                "the account comes from another issuer than this trust's",
            ));
        }
        if let Some(tenant) = &settings.tenant_id
            && login.tid.as_deref().map(str::to_lowercase).as_deref() != Some(tenant.as_str())
        {
            return Err(refused(
                "the account belongs to another Microsoft tenant than this trust's",
            ));
        }
        if !settings.domains.is_empty()
            && !login
                .hd
                .as_deref()
                .is_some_and(|hd| settings.domains.iter().any(|d| d.eq_ignore_ascii_case(hd)))
        {
            return Err(refused(
                "the account is not in one of this trust's Google Workspace domains",
            ));
        }
        let trust = provider.trust.clone();
        let operator = signing_in(trust.id);
        let scope = operator.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let identities = PersonIdentities::new(&txn, &scope);
        // Microsoft accounts are also known by tenant and object id, which stay the same
        // when an app's pairwise subject would not.
        let directory_key = match (&login.tid, &login.oid) {
            (Some(tid), Some(oid)) => {
                Some((format!("urn:entra:{}", tid.to_lowercase()), oid.clone()))
            }
            _ => None,
        };
        let mut linked = identities.find(&login.issuer, &login.subject).await?;
        if linked.is_none()
            && let Some((issuer, subject)) = &directory_key
        {
            linked = identities.find(issuer, subject).await?;
            if let Some(person) = linked {
                identities
                    .link(&login.issuer, &login.subject, person, at)
                    .await?;
            }
        }
        let person = match linked {
            Some(person) => People::new(&txn, &scope).get(person).await?,
            None => {
                let by_email = match (&login.email, login.email_verified, settings.link_by_email) {
                    (Some(email), true, true) => match Email::parse(email) {
                        Ok(email) => People::new(&txn, &scope).find_by_email(&email).await?,
                        Err(_) => None,
                    },
                    _ => None,
                };
                let Some(person) = by_email else {
                    return Err(refused(&format!(
                        "no one at {} is linked to this account; ask the school office",
                        trust.name
                    )));
                };
                identities
                    .link(&login.issuer, &login.subject, person.id, at)
                    .await?;
                if let Some((issuer, subject)) = &directory_key {
                    identities.link(issuer, subject, person.id, at).await?;
                }
                person
            }
        };
        self.open_session(
            txn,
            (trust, person),
            (settings.slug.as_str(), SignInMethod::Sso),
            |session| SignerIdentity::Sso {
                session,
                provider: settings.slug.as_str().to_owned(),
                issuer: login.issuer.clone(),
                subject: login.subject.clone(),
                tenant: login.tid.clone(),
                object_id: login.oid.clone(),
                hosted_domain: login.hd.clone(),
                email: login.email.clone(),
                authenticated_at: login.auth_time,
                methods: login.amr.clone(),
            },
            at,
            (
                "sso.login",
                json!({ "provider": settings.slug, "issuer": login.issuer, "subject": login.subject }),
            ),
        )
        .await
    }
}

impl App {
    /// Seals a short-lived value for a cookie (the pending sign-in), bound to its name.
    pub fn seal_for_cookie(&self, value: &str, cookie: &str) -> Result<String, AppError> {
        self.sealing_key("signIn")?
            .seal(value, cookie.as_bytes())
            .map_err(|error| AppError::Internal(error.to_string()))
    }

    pub fn open_from_cookie(&self, sealed: &str, cookie: &str) -> Result<String, AppError> {
        self.sealing_key("signIn")?
            .open(sealed, cookie.as_bytes())
            .map_err(|_| refused("the sign-in cookie is not valid"))
    }

    /// The form token for the session's pages: tied to the session, so a form from
    /// another site (or another session) is refused.
    /// Empty (and so never accepted) on a server without a sealing key, which cannot
    /// have sessions anyway.
    pub fn csrf_token(&self, context: &SessionContext) -> String {
        let Ok(key) = self
            .sealing_key("csrf")
            .map(|key| key.derive(b"attest csrf v1"))
        else {
            return String::new();
        };
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(key);
        hasher.update(context.session.id.as_bytes());
        hex::encode(hasher.finalize())
    }

    pub fn check_csrf(&self, context: &SessionContext, presented: &str) -> bool {
        let expected = self.csrf_token(context);
        !expected.is_empty()
            && expected.len() == presented.len()
            && expected
                .bytes()
                .zip(presented.bytes())
                .fold(0_u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    }

    /// What the signed-in person owes and has signed.
    pub async fn my_policies(
        &self,
        context: &SessionContext,
    ) -> Result<Vec<attest_store::ComplianceRow>, AppError> {
        // Their own records only: the person filter is the whole point of this query.
        self.compliance_all(
            &signing_in(context.trust.id),
            crate::ComplianceFilter {
                person: Some(context.person.id),
                ..crate::ComplianceFilter::default()
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::neutral_text;

    #[test]
    fn outside_text_is_cut_and_loses_control_characters() {
        assert_eq!(neutral_text("a\nb\u{1b}[31m", 100), "a b [31m");
        assert_eq!(neutral_text(&"x".repeat(500), 300).chars().count(), 301);
        assert_eq!(neutral_text("short", 300), "short");
    }
}
