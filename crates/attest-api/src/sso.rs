//! The trust's identity providers over GraphQL (trust admins). The client secret goes
//! in and is never given back.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use attest_app::IdentityProviderView;
use attest_domain::ProviderInput;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;
use crate::school::MembershipKind;

#[derive(SimpleObject)]
pub struct IdentityProvider {
    pub id: Uuid,
    /// The name in its URLs, e.g. `staff`.
    pub slug: String,
    /// microsoft, google or oidc.
    pub kind: String,
    pub display_name: String,
    pub client_id: String,
    /// Microsoft: the trust's directory (tenant) id.
    pub tenant_id: Option<String>,
    /// Google: the Workspace domains allowed (`hd`).
    pub domains: Vec<String>,
    /// The issuer ID tokens must carry.
    pub issuer: String,
    pub link_by_email: bool,
    /// Where staff start signing in.
    pub login_url: String,
    /// The redirect URI to register at the provider.
    pub callback_url: String,
}

impl From<IdentityProviderView> for IdentityProvider {
    fn from(view: IdentityProviderView) -> Self {
        let settings = view.settings;
        Self {
            id: view.id.as_uuid(),
            slug: settings.slug.to_string(),
            kind: settings.kind.as_str().to_owned(),
            display_name: settings.display_name,
            client_id: settings.client_id,
            tenant_id: settings.tenant_id,
            domains: settings.domains,
            issuer: settings.issuer,
            link_by_email: settings.link_by_email,
            login_url: view.login_url,
            callback_url: view.callback_url,
        }
    }
}

#[derive(InputObject)]
pub struct IdentityProviderInput {
    /// microsoft, google or oidc.
    pub kind: String,
    pub slug: String,
    pub display_name: String,
    pub client_id: String,
    /// Sealed at rest; never returned.
    pub client_secret: String,
    pub tenant_id: Option<String>,
    #[graphql(default)]
    pub domains: Vec<String>,
    pub issuer: Option<String>,
    /// Link a first login to a person by the provider's verified email.
    #[graphql(default)]
    pub link_by_email: bool,
}

/// Who may sign in with a link sent to their email address (governors, volunteers,
/// visitors and contractors often have no school account).
#[derive(SimpleObject)]
pub struct EmailSignIn {
    pub enabled: bool,
    /// The membership kinds that may; a person needs a current membership of one.
    pub kinds: Vec<MembershipKind>,
}

impl From<attest_domain::EmailSignIn> for EmailSignIn {
    fn from(setting: attest_domain::EmailSignIn) -> Self {
        Self {
            enabled: setting.enabled,
            kinds: setting.kinds.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Default)]
pub struct SsoQuery;

#[Object]
impl SsoQuery {
    /// The trust's identity providers. Trust admins only.
    async fn identity_providers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<IdentityProvider>> {
        Ok(app(ctx)?
            .identity_providers(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The trust's email sign-in. Trust admins only.
    async fn email_sign_in(&self, ctx: &Context<'_>) -> async_graphql::Result<EmailSignIn> {
        Ok(app(ctx)?.email_sign_in(principal(ctx)?).await.gql()?.into())
    }
}

#[derive(Default)]
pub struct SsoMutation;

#[Object]
impl SsoMutation {
    async fn add_identity_provider(
        &self,
        ctx: &Context<'_>,
        input: IdentityProviderInput,
    ) -> async_graphql::Result<IdentityProvider> {
        let secret = input.client_secret;
        let provider = ProviderInput {
            kind: input.kind,
            slug: input.slug,
            display_name: input.display_name,
            client_id: input.client_id,
            tenant_id: input.tenant_id,
            domains: input.domains,
            issuer: input.issuer,
            link_by_email: input.link_by_email,
        };
        Ok(app(ctx)?
            .add_identity_provider(principal(ctx)?, provider, &secret)
            .await
            .gql()?
            .into())
    }

    /// Turns email sign-in on for people with a current membership of one of `kinds`
    /// (at least one when enabling), or off. Trust admins only; audited.
    async fn set_email_sign_in(
        &self,
        ctx: &Context<'_>,
        enabled: bool,
        #[graphql(default)] kinds: Vec<MembershipKind>,
    ) -> async_graphql::Result<EmailSignIn> {
        let kinds: std::collections::BTreeSet<attest_domain::MembershipKind> =
            kinds.into_iter().map(Into::into).collect();
        let setting = attest_domain::EmailSignIn { enabled, kinds };
        Ok(app(ctx)?
            .set_email_sign_in(principal(ctx)?, setting)
            .await
            .gql()?
            .into())
    }

    /// Removes a provider; its staff can no longer sign in with it.
    async fn remove_identity_provider(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<bool> {
        app(ctx)?
            .remove_identity_provider(principal(ctx)?, &slug)
            .await
            .gql()?;
        Ok(true)
    }
}
