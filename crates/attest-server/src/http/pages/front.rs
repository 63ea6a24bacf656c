//! The front door: `/` shows the trust's sign-in choices (its identity providers and
//! email sign-in) and sends a signed-in person on to what they need; email sign-in's
//! pages (ask for a link, then confirm it: mail scanners open links, and a GET must not
//! use one up).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, EMAIL_LINK_MINUTES, SignInChoices};
use attest_domain::{Principal, StartPage};
use minijinja::context;
use serde::Deserialize;

use super::{london, page, see_other};
use crate::http::session_cookie::{CookiePolicy, SESSION_COOKIE, cookie};
use crate::http::web_error::WebError;

/// Where a signed-in person starts (see `Principal::start_page`).
pub(crate) fn landing(principal: &Principal) -> String {
    match principal.start_page() {
        StartPage::Trust => "/trust".to_owned(),
        StartPage::BreachDesk => "/breaches".to_owned(),
        StartPage::School(school) => format!("/schools/{school}"),
        StartPage::OwnPolicies => "/me".to_owned(),
    }
}

fn choices_page(
    status: StatusCode,
    choices: &SignInChoices,
    (error, entered): (Option<String>, &str),
    ended: Option<&str>,
) -> HttpResponse {
    let providers: Vec<_> = choices
        .providers
        .iter()
        .map(|(slug, name, _)| context! { slug => slug, name => name })
        .collect();
    page(
        status,
        "front.html",
        context! {
            trust => choices.trust.name.as_str(),
            slug => choices.trust.slug.as_str(),
            providers => providers,
            email => choices.email.enabled,
            error => error,
            entered => entered,
            ended => ended,
        },
    )
}

/// `GET /`: a signed-in person goes on to their start page; anyone else sees the sign-in
/// choices (of the one trust here, or a list of the trusts).
pub async fn front_door(
    request: HttpRequest,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let mut ended = None;
    if let Some(session) = request.cookie(SESSION_COOKIE) {
        match app.session(session.value()).await {
            Ok(context) => return Ok(see_other(landing(&context.principal))),
            Err(AppError::Unauthenticated(_)) => {
                ended = Some("Your session has ended. Sign in again.");
            }
            Err(error) => return Err(WebError::page(error)),
        }
    }
    let trusts = app.trusts_for_sign_in().await?;
    match trusts.as_slice() {
        [] => Ok(page(StatusCode::OK, "front.html", context! {})),
        [only] => {
            let choices = app.sign_in_choices(only.slug.as_str()).await?;
            Ok(choices_page(StatusCode::OK, &choices, (None, ""), ended))
        }
        many => {
            let listed: Vec<_> = many
                .iter()
                .map(|trust| context! { slug => trust.slug.as_str(), name => trust.name.as_str() })
                .collect();
            Ok(page(
                StatusCode::OK,
                "front.html",
                context! { trusts => listed },
            ))
        }
    }
}

/// `GET /sign-in/{trust}`: one trust's sign-in choices.
pub async fn trust_sign_in(
    path: web::Path<String>,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let choices = app.sign_in_choices(&path.into_inner()).await?;
    Ok(choices_page(StatusCode::OK, &choices, (None, ""), None))
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

/// `POST /sign-in/{trust}/email`: asks for a link. The same page follows whether or not
/// the address is known.
pub async fn request_email_link(
    request: HttpRequest,
    path: web::Path<String>,
    form: web::Form<EmailForm>,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let trust = path.into_inner();
    let address = crate::http::client_address(&request);
    let entered: String = form.email.chars().take(254).collect();
    match app
        .request_email_sign_in(&trust, &form.email, &address)
        .await
    {
        Ok(asked) => Ok(page(
            StatusCode::OK,
            "email_sent.html",
            context! {
                trust => asked.name.as_str(),
                slug => asked.slug.as_str(),
                email => entered.trim(),
                minutes => EMAIL_LINK_MINUTES,
            },
        )),
        Err(AppError::InvalidInput { message, .. }) => {
            let choices = app.sign_in_choices(&trust).await?;
            Ok(choices_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &choices,
                (Some(message), &entered),
                None,
            ))
        }
        Err(error) => Err(WebError::page(error)),
    }
}

/// `GET /sign-in/email/{token}`: who the link signs in, and a button to do it.
pub async fn email_link_page(
    request: HttpRequest,
    path: web::Path<String>,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let token = path.into_inner();
    let address = crate::http::client_address(&request);
    let preview = app.preview_sign_in_link(&token, &address).await?;
    Ok(page(
        StatusCode::OK,
        "email_link.html",
        context! {
            trust => preview.trust_name,
            name => preview.person_name,
            expires => london(preview.expires_at),
            token => token,
        },
    ))
}

/// Whether a form was posted from another site (login CSRF: signing a visitor in as
/// someone else). Browsers say so in `Sec-Fetch-Site`; `Origin` is `null` on our own
/// pages (they send no referrer), so only a real origin that is not ours counts.
fn from_another_site(request: &HttpRequest, public_url: &str) -> bool {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap_or("?").to_owned())
    };
    let fetch_site = header("sec-fetch-site");
    let origin = header("origin");
    fetch_site.is_some_and(|site| site != "same-origin" && site != "none")
        || origin
            .is_some_and(|origin| origin != "null" && origin != public_url.trim_end_matches('/'))
}

/// `POST /sign-in/email/{token}`: uses the link up, starts the session, and goes on to
/// the person's start page.
pub async fn email_link_submit(
    request: HttpRequest,
    path: web::Path<String>,
    app: web::Data<App>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, WebError> {
    if from_another_site(&request, app.public_url()) {
        return Err(WebError::page(AppError::forbidden(
            "This sign-in form did not come from attest. Open the link from your email again.",
        )));
    }
    let address = crate::http::client_address(&request);
    let signed_in = app
        .complete_email_sign_in(&path.into_inner(), &address)
        .await?;
    let max_age = (signed_in.expires_at - app.now()).num_seconds();
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie(
            SESSION_COOKIE,
            signed_in.token,
            "/",
            max_age,
            cookies.secure,
        ))
        .finish())
}
