//! `GET /auth/{trust}/{provider}/login`: off to the trust's identity provider, with PKCE,
//! a nonce and the state sealed in a short-lived cookie.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, Limit};
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge, Scope};

use crate::http::session_cookie::cookie;

use super::{LOGIN_COOKIE, LOGIN_MINUTES, Pending, SignIn, failed, provider_client, too_fast};

/// `GET /auth/{trust}/{provider}/login`
pub async fn login(
    request: HttpRequest,
    path: web::Path<(String, String)>,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    if let Err(limited) = app
        .rate_limits()
        .hit(Limit::SignIn, &crate::http::client_address(&request))
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
