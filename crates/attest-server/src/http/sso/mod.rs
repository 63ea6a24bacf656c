//! Staff sign-in over OpenID Connect (authorization code flow with PKCE S256, state and
//! nonce). The pending sign-in (state, nonce, PKCE verifier) travels in a sealed,
//! ten-minute, HttpOnly cookie bound to the trust and provider; the callback checks the
//! state against it, exchanges the code with the verifier, and has openidconnect check
//! the ID token's signature (JWKS from discovery), issuer, audience, expiry and nonce
//! before the application applies the trust's own rules and links the person.

mod callback;
mod login;
mod logout;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use attest_app::{App, AppError, LoginProvider};
use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{ClientId, ClientSecret, IssuerUrl, RedirectUrl};
use serde::{Deserialize, Serialize};

use super::templates;

pub const LOGIN_COOKIE: &str = "attest_login";
const LOGIN_MINUTES: i64 = 10;
/// Discovery documents (and the JWKS they point to) are fetched again after this, so a
/// provider's rotated signing keys are picked up.
const DISCOVERY_TTL: Duration = Duration::from_secs(600);

/// What the sign-in routes share: the HTTP client for providers and cached discovery.
pub struct SignIn {
    http: openidconnect::reqwest::Client,
    discovered: Mutex<HashMap<String, (Instant, Arc<CoreProviderMetadata>)>>,
    /// Cookies get `Secure` (off only for local http).
    pub secure_cookies: bool,
    egress: attest_directory::Egress,
}

impl SignIn {
    pub fn new(secure_cookies: bool, egress: attest_directory::Egress) -> std::io::Result<Self> {
        // Public addresses only, resolved when connecting (see attest_directory::egress).
        let http = egress
            .client_builder()
            // Following redirects would let a provider steer the token request elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Self {
            http,
            discovered: Mutex::new(HashMap::new()),
            secure_cookies,
            egress,
        })
    }

    async fn metadata(
        &self,
        issuer: &str,
        refresh: bool,
    ) -> Result<Arc<CoreProviderMetadata>, String> {
        if !refresh
            && let Some((at, metadata)) = self
                .discovered
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(issuer)
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(metadata.clone());
        }
        let url = IssuerUrl::new(issuer.to_owned()).map_err(|error| error.to_string())?;
        let metadata = Arc::new(
            CoreProviderMetadata::discover_async(url, &self.http)
                .await
                .map_err(|error| format!("discovery at {issuer} failed: {error}"))?,
        );
        // The discovery document names the endpoints the server calls next: they are held
        // to the same rule as the issuer the trust typed.
        let called = [
            Some(metadata.jwks_uri().url()),
            metadata.token_endpoint().map(|endpoint| endpoint.url()),
        ];
        for url in called.into_iter().flatten() {
            self.egress.check(url).map_err(|refused| {
                format!("discovery at {issuer} names an endpoint attest will not call: {refused}")
            })?;
        }
        self.discovered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(issuer.to_owned(), (Instant::now(), metadata.clone()));
        Ok(metadata)
    }
}

/// A client for one provider, built from its discovery document.
type ProviderClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The pending sign-in, sealed into its cookie.
#[derive(Serialize, Deserialize)]
struct Pending {
    trust: String,
    provider: String,
    state: String,
    nonce: String,
    verifier: String,
    expires: i64,
}

fn redirect_url(app: &App, trust: &str, provider: &str) -> String {
    format!("{}/auth/{trust}/{provider}/callback", app.public_url())
}

fn failed(status: StatusCode, message: &str) -> HttpResponse {
    templates::sign_in_failed(status, message)
}

/// A sign-in refused for coming too fast: 429 with `Retry-After`.
fn too_fast(limited: AppError) -> HttpResponse {
    actix_web::ResponseError::error_response(&crate::http::web_error::WebError::page(limited))
}

async fn provider_client(
    app: &App,
    sign_in: &SignIn,
    found: &LoginProvider,
    trust: &str,
    provider: &str,
    refresh: bool,
) -> Result<ProviderClient, String> {
    let metadata = sign_in.metadata(&found.settings.issuer, refresh).await?;
    let redirect =
        RedirectUrl::new(redirect_url(app, trust, provider)).map_err(|error| error.to_string())?;
    Ok(CoreClient::from_provider_metadata(
        (*metadata).clone(),
        ClientId::new(found.settings.client_id.clone()),
        Some(ClientSecret::new(found.client_secret.clone())),
    )
    .set_redirect_uri(redirect))
}

pub use callback::callback;
pub use login::login;
pub use logout::logout;
