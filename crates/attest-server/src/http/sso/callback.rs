//! `GET /auth/{trust}/{provider}/callback`: the provider's answer, checked, becomes a
//! session (or a page that says why not).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, Limit, VerifiedLogin};
use base64::Engine as _;
use openidconnect::{AuthorizationCode, Nonce, PkceCodeVerifier, TokenResponse};
use serde::Deserialize;

use crate::http::session_cookie::{SESSION_COOKIE, cookie};

use super::{LOGIN_COOKIE, Pending, SignIn, failed, provider_client, too_fast};

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
    auth_time: Option<i64>,
    #[serde(default)]
    amr: Vec<String>,
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
    let address = crate::http::client_address(&request);
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
        auth_time: extra
            .auth_time
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0)),
        amr: extra.amr.into_iter().take(16).collect(),
    };
    match app.complete_sign_in(&found, login).await {
        Ok(signed_in) => {
            let max_age = (signed_in.expires_at - app.now()).num_seconds();
            HttpResponse::SeeOther()
                .insert_header(("Location", "/"))
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
