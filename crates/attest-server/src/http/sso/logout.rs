//! `POST /auth/logout`: the session ends and its cookie is cleared.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::App;
use serde::Deserialize;

use crate::http::caller::Caller;
use crate::http::session_cookie::{SESSION_COOKIE, cookie};
use crate::http::templates;

use super::{SignIn, failed};

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
