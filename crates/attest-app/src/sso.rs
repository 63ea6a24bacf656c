//! The trust's identity providers for staff sign-in, managed by trust admins. Client
//! secrets are sealed before they reach the database and never leave the server again.

use attest_auth::SealingKey;
use attest_domain::{
    IdentityProviderId, Principal, ProviderInput, ProviderSettings, Slug, TrustId,
};
use attest_store::{IdentityProvider, IdentityProviders, TransactionTrait};
use serde_json::json;

use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// A provider as admins see it: its settings and the URLs to register with it.
#[derive(Debug, Clone)]
pub struct IdentityProviderView {
    pub id: IdentityProviderId,
    pub settings: ProviderSettings,
    /// Where staff start signing in.
    pub login_url: String,
    /// The redirect URI to register at the provider.
    pub callback_url: String,
}

/// What the sealed secret is bound to: this trust's provider of this id.
fn seal_context(trust: TrustId, id: IdentityProviderId) -> Vec<u8> {
    format!("identity_provider:{trust}:{id}").into_bytes()
}

impl App {
    /// The key for secrets at rest; `field` names what the caller was doing without it.
    pub(crate) fn sealing_key(&self, field: &str) -> Result<&SealingKey, AppError> {
        self.sealing_key.as_deref().ok_or_else(|| {
            AppError::invalid(
                field,
                "this server has no key to seal secrets with: set ATTEST_SECRET_KEY (create one with `attest sso key`)",
            )
        })
    }

    fn provider_view(
        &self,
        trust: &attest_domain::Trust,
        provider: IdentityProvider,
    ) -> IdentityProviderView {
        let base = format!(
            "{}/auth/{}/{}",
            self.public_url(),
            trust.slug,
            provider.settings.slug
        );
        IdentityProviderView {
            id: provider.id,
            login_url: format!("{base}/login"),
            callback_url: format!("{base}/callback"),
            settings: provider.settings,
        }
    }

    pub async fn identity_providers(
        &self,
        principal: &Principal,
    ) -> Result<Vec<IdentityProviderView>, AppError> {
        require_trust_admin(principal, "see the identity providers")?;
        let scope = principal.scope();
        let trust = self.trust(principal).await?;
        let providers = IdentityProviders::new(&self.db, &scope).list().await?;
        Ok(providers
            .into_iter()
            .map(|provider| self.provider_view(&trust, provider))
            .collect())
    }

    pub async fn add_identity_provider(
        &self,
        principal: &Principal,
        input: ProviderInput,
        client_secret: &str,
    ) -> Result<IdentityProviderView, AppError> {
        require_trust_admin(principal, "add identity providers")?;
        let settings = ProviderSettings::parse(input)?;
        attest_domain::check_provider_url("issuer", &settings.issuer, self.allow_local_providers)?;
        if client_secret.trim().is_empty() {
            return Err(AppError::invalid("clientSecret", "is required"));
        }
        let id = IdentityProviderId::generate();
        let scope = principal.scope();
        let sealed = self
            .sealing_key("clientSecret")?
            .seal(client_secret.trim(), &seal_context(scope.trust(), id))
            .map_err(|error| AppError::Internal(error.to_string()))?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let provider = IdentityProviders::new(&txn, &scope)
            .insert(id, &settings, sealed, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "sso.provider.add",
                subject_type: "identity_provider",
                subject_id: id.as_uuid(),
                before: None,
                after: Some(&json!({
                    "slug": settings.slug, "kind": settings.kind.as_str(), "clientId": settings.client_id,
                    "issuer": settings.issuer, "domains": settings.domains, "linkByEmail": settings.link_by_email,
                })),
            },
        )
        .await?;
        txn.commit().await?;
        let trust = self.trust(principal).await?;
        Ok(self.provider_view(&trust, provider))
    }

    pub async fn remove_identity_provider(
        &self,
        principal: &Principal,
        slug: &str,
    ) -> Result<(), AppError> {
        require_trust_admin(principal, "remove identity providers")?;
        let slug = Slug::parse(slug)?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let providers = IdentityProviders::new(&txn, &scope);
        let provider = providers.by_slug(&slug).await?;
        providers.delete(&slug).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "sso.provider.remove",
                subject_type: "identity_provider",
                subject_id: provider.id.as_uuid(),
                before: Some(&json!({ "slug": slug, "kind": provider.settings.kind.as_str() })),
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The provider's client secret in the clear, for the sign-in flow's token request.
    pub async fn provider_client_secret(
        &self,
        trust: TrustId,
        slug: &Slug,
    ) -> Result<String, AppError> {
        let scope = crate::principals::system(trust, attest_domain::SystemTask::SignIn).scope();
        let provider = IdentityProviders::new(&self.db, &scope)
            .by_slug(slug)
            .await?;
        self.open_client_secret(&provider)
    }

    /// Opens a provider's sealed client secret.
    pub(crate) fn open_client_secret(
        &self,
        provider: &IdentityProvider,
    ) -> Result<String, AppError> {
        self.sealing_key("clientSecret")?
            .open(
                &provider.sealed_secret,
                &seal_context(provider.trust, provider.id),
            )
            .map_err(|error| {
                AppError::Internal(format!(
                    "identity provider {}: {error}",
                    provider.settings.slug
                ))
            })
    }
}
