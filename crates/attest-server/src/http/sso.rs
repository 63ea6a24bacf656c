//! Staff sign-in over OpenID Connect (authorization code flow with PKCE S256, state and
//! nonce). The pending sign-in (state, nonce, PKCE verifier) travels in a sealed,
//! ten-minute, HttpOnly cookie bound to the trust and provider; the callback checks the
//! state against it, exchanges the code with the verifier, and has openidconnect check
//! the ID token's signature (JWKS from discovery), issuer, audience, expiry and nonce
//! before the application applies the trust's own rules and links the person.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, Limit, LoginProvider, VerifiedLogin};
use base64::Engine as _;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::session_cookie::{SESSION_COOKIE, cookie};
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

/// Why a code exchange failed, without the provider's words: its error description
/// (and any body) is text from outside that would go into the audit log. The standard
/// OAuth error code is kept when it is one.
fn exchange_failure<RE: std::error::Error>(
    error: &openidconnect::RequestTokenError<
        RE,
        openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    >,
) -> String {
    use openidconnect::RequestTokenError;
    match error {
        RequestTokenError::ServerResponse(response) => {
            let code = response.error().to_string();
            let code = if !code.is_empty()
                && code.len() <= 40
                && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            {
                code
            } else {
                "an unrecognised error".to_owned()
            };
            format!("the provider refused the authorization code ({code})")
        }
        RequestTokenError::Request(_) => {
            "the provider's token endpoint could not be reached".to_owned()
        }
        RequestTokenError::Parse(..) => "the provider's token answer was not understood".to_owned(),
        RequestTokenError::Other(_) => "the code exchange failed".to_owned(),
    }
}

/// A sign-in refused for coming too fast: 429 with `Retry-After`.
fn too_fast(limited: AppError) -> HttpResponse {
    match limited {
        AppError::RateLimited {
            message,
            retry_after,
        } => super::with_retry_after(failed(StatusCode::TOO_MANY_REQUESTS, &message), retry_after),
        other => failed(StatusCode::INTERNAL_SERVER_ERROR, &other.to_string()),
    }
}

/// `GET /auth/{trust}/{provider}/login`
pub async fn login(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    if let Err(limited) = app
        .rate_limits()
        .hit(Limit::SignIn, &super::client_address(&request))
    {
        return too_fast(limited);
    }
    let (trust, provider) = path.into_inner();
    let found = match app.login_provider(&trust, &provider).await {
        Ok(found) => found,
        Err(_) => return failed(StatusCode::NOT_FOUND, "There is no such sign-in."),
    };
    let client = match provider_client(&app, &sign_in, &found, &trust, &provider, false).await {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, trust, provider, "sign-in provider unavailable");
            return failed(
                StatusCode::BAD_GATEWAY,
                "The sign-in service could not be reached. Try again in a minute.",
            );
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending {
        trust: trust.clone(),
        provider: provider.clone(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        expires: app.now().timestamp() + LOGIN_MINUTES * 60,
    };
    let sealed = match serde_json::to_string(&pending)
        .map_err(|error| AppError::Internal(error.to_string()))
        .and_then(|json| app.seal_for_cookie(&json, LOGIN_COOKIE))
    {
        Ok(sealed) => sealed,
        Err(error) => {
            tracing::error!(%error, "cannot start a sign-in");
            return failed(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in is not set up on this server.",
            );
        }
    };
    HttpResponse::Found()
        .insert_header(("Location", url.to_string()))
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(
            LOGIN_COOKIE,
            sealed,
            "/auth/",
            LOGIN_MINUTES * 60,
            sign_in.secure_cookies,
        ))
        .finish()
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

#[derive(Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The claims attest reads beyond the standard ones (Microsoft `tid`/`oid`, Google `hd`),
/// from the payload of an ID token openidconnect has already verified.
#[derive(Deserialize, Default)]
struct ExtraClaims {
    tid: Option<String>,
    oid: Option<String>,
    hd: Option<String>,
}

fn extra_claims(id_token: &str) -> ExtraClaims {
    id_token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// `GET /auth/{trust}/{provider}/callback`
pub async fn callback(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<CallbackParams>,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    let address = super::client_address(&request);
    if let Err(limited) = app.rate_limits().hit(Limit::SignIn, &address) {
        return too_fast(limited);
    }
    let (trust, provider) = path.into_inner();
    let clear = cookie(
        LOGIN_COOKIE,
        String::new(),
        "/auth/",
        0,
        sign_in.secure_cookies,
    );
    let found = match app.login_provider(&trust, &provider).await {
        Ok(found) => found,
        Err(_) => return failed(StatusCode::NOT_FOUND, "There is no such sign-in."),
    };
    let secure = sign_in.secure_cookies;
    let refuse = |reason: &str| {
        let app = app.clone();
        let found = found.clone();
        let reason = reason.to_owned();
        let address = address.clone();
        async move {
            app.record_sign_in_failure(
                found.trust.id,
                &found.settings,
                &VerifiedLogin::default(),
                (&AppError::Unauthenticated(reason.clone()), Some(&address)),
            )
            .await;
            let mut response = failed(
                StatusCode::UNAUTHORIZED,
                "Sign-in did not work. Start again from your school's sign-in link.",
            );
            let _ = response.add_cookie(&cookie(LOGIN_COOKIE, String::new(), "/auth/", 0, secure));
            response
        }
    };
    if let Some(error) = &params.error {
        let detail = params.error_description.clone().unwrap_or_default();
        return refuse(&format!("the provider answered {error}: {detail}")).await;
    }
    let pending = request
        .cookie(LOGIN_COOKIE)
        .and_then(|cookie| app.open_from_cookie(cookie.value(), LOGIN_COOKIE).ok())
        .and_then(|json| serde_json::from_str::<Pending>(&json).ok());
    let Some(pending) = pending else {
        return refuse(
            "no sign-in was started in this browser (or it was started more than 10 minutes ago)",
        )
        .await;
    };
    if pending.trust != trust
        || pending.provider != provider
        || pending.expires < app.now().timestamp()
    {
        return refuse("the sign-in started for another provider, or too long ago").await;
    }
    if params.state.as_deref() != Some(pending.state.as_str()) {
        return refuse("the state does not match the sign-in this browser started").await;
    }
    let Some(code) = params.code.clone() else {
        return refuse("the provider sent no authorization code").await;
    };
    let client = match provider_client(&app, &sign_in, &found, &trust, &provider, false).await {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "sign-in provider unavailable");
            return failed(
                StatusCode::BAD_GATEWAY,
                "The sign-in service could not be reached. Try again in a minute.",
            );
        }
    };
    let exchanged = match client.exchange_code(AuthorizationCode::new(code)) {
        Ok(request) => request
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&sign_in.http)
            .await
            .map_err(|error| exchange_failure(&error)),
        Err(error) => Err(error.to_string()),
    };
    let tokens = match exchanged {
        Ok(tokens) => tokens,
        Err(reason) => return refuse(&reason).await,
    };
    let Some(id_token) = tokens.id_token() else {
        return refuse("the provider returned no ID token").await;
    };
    let nonce = Nonce::new(pending.nonce.clone());
    // Expiry is judged by the application's clock, like every other time in attest.
    let now = app.now();
    let mut verified = id_token
        .claims(&client.id_token_verifier().set_time_fn(|| now), &nonce)
        .cloned();
    if verified.is_err() {
        // The provider may have rotated its signing keys since discovery was cached.
        if let Ok(fresh) = provider_client(&app, &sign_in, &found, &trust, &provider, true).await {
            verified = id_token
                .claims(&fresh.id_token_verifier().set_time_fn(|| now), &nonce)
                .cloned();
        }
    }
    let claims = match verified {
        Ok(claims) => claims,
        Err(error) => return refuse(&format!("the ID token was refused: {error}")).await,
    };
    let extra = extra_claims(&id_token.to_string());
    let login = VerifiedLogin {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|email| email.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.to_string()),
        tid: extra.tid,
        oid: extra.oid,
        hd: extra.hd,
    };
    match app.complete_sign_in(&found, login).await {
        Ok(signed_in) => {
            let max_age = (signed_in.expires_at - app.now()).num_seconds();
            HttpResponse::SeeOther()
                .insert_header(("Location", "/me"))
                .insert_header(("Cache-Control", "no-store"))
                .cookie(clear)
                .cookie(cookie(
                    SESSION_COOKIE,
                    signed_in.token,
                    "/",
                    max_age,
                    sign_in.secure_cookies,
                ))
                .finish()
        }
        Err(AppError::Unauthenticated(message)) => {
            let mut response = failed(StatusCode::UNAUTHORIZED, &message);
            let _ = response.add_cookie(&clear);
            response
        }
        Err(error) => {
            tracing::error!(%error, "sign-in failed");
            failed(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed on our side; it has been logged.",
            )
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// `POST /auth/logout` (a form from /me carrying its CSRF token).
pub async fn logout(
    mut caller: Caller,
    form: web::Form<LogoutForm>,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    if caller.session().is_err() {
        return failed(StatusCode::UNAUTHORIZED, "Your session has already ended.");
    }
    if caller.confirm_form(&app, &form.csrf).is_err() {
        return failed(
            StatusCode::FORBIDDEN,
            "This sign-out form is stale; go back and try again.",
        );
    }
    let Ok(context) = caller.session() else {
        return failed(StatusCode::UNAUTHORIZED, "Your session has already ended.");
    };
    if let Err(error) = app.sign_out(context).await {
        tracing::error!(%error, "sign-out failed");
        return failed(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-out failed; it has been logged.",
        );
    }
    let mut response = templates::signed_out();
    let _ = response.add_cookie(&cookie(
        SESSION_COOKIE,
        String::new(),
        "/",
        0,
        sign_in.secure_cookies,
    ));
    response
}

#[cfg(test)]
mod tests {
    use openidconnect::core::CoreErrorResponseType;
    use openidconnect::{RequestTokenError, StandardErrorResponse};

    use super::exchange_failure;

    #[test]
    fn a_failed_exchange_keeps_the_error_code_not_the_providers_words() {
        let refused: RequestTokenError<std::io::Error, _> =
            RequestTokenError::ServerResponse(StandardErrorResponse::new(
                CoreErrorResponseType::InvalidGrant,
                Some("<script>secret detail</script>".to_owned()),
                None,
            ));
        let reason = exchange_failure(&refused);
        assert_eq!(
            reason,
            "the provider refused the authorization code (invalid_grant)"
        );
        let odd: RequestTokenError<std::io::Error, _> =
            RequestTokenError::ServerResponse(StandardErrorResponse::new(
                CoreErrorResponseType::Extension("Ünusual <b>".to_owned()),
                None,
                None,
            ));
        assert!(exchange_failure(&odd).contains("an unrecognised error"));
        let other: RequestTokenError<std::io::Error, StandardErrorResponse<CoreErrorResponseType>> =
            RequestTokenError::Other("body text".to_owned());
        assert!(!exchange_failure(&other).contains("body text"));
    }
}
