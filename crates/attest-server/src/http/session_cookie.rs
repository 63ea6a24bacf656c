//! The session cookie: its name, how attest's cookies are set, and sending back a
//! renewed session token.

use actix_web::cookie::{Cookie, SameSite};
use attest_app::App;

/// Whether cookies are marked Secure (off only when staff reach the server over plain
/// http). Shared as app data, so every part that sets a cookie agrees.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookiePolicy {
    pub secure: bool,
}

pub const SESSION_COOKIE: &str = "attest_session";

/// The session cookie with the renewed token, when the session's token was renewed.
pub(crate) fn renewed_session_cookie(
    app: &App,
    context: &attest_app::SessionContext,
    secure: bool,
) -> Option<Cookie<'static>> {
    let token = context.renewed_token.clone()?;
    let left = (context.session.expires_at - app.now()).num_seconds();
    Some(cookie(SESSION_COOKIE, token, "/", left, secure))
}

pub(crate) fn cookie<'c>(
    name: &'c str,
    value: String,
    path: &'c str,
    max_age_seconds: i64,
    secure: bool,
) -> Cookie<'c> {
    Cookie::build(name, value)
        .path(path)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::seconds(max_age_seconds))
        .finish()
}
