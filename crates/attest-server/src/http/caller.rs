//! Who is calling: the one extractor GraphQL, pages and downloads use.
//!
//! `Authorization: Bearer attest_…` is an API token (a header that does not
//! authenticate is refused, and repeated failures from one address are rate limited).
//! Otherwise the `attest_session` cookie is a signed-in person. A cookie is sent by the
//! browser to any request, so for anything that may change state (every request but a
//! download, and every GraphQL request) the principal is handed out only once the
//! session's CSRF token has been checked: from the `X-CSRF-Token` header here, or from
//! a page's form field by `confirm_form`.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::Cookie;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use attest_app::{App, AppError, Limit, SessionContext};
use attest_domain::Principal;

use super::session_cookie::{CookiePolicy, SESSION_COOKIE, renewed_session_cookie};
use super::web_error::{Surface, WebError};

pub(crate) struct Caller {
    identity: Identity,
    surface: Surface,
    /// The session's renewed cookie, to send back with the answer.
    renewed: Option<Cookie<'static>>,
}

enum Identity {
    Anonymous,
    Token(Principal),
    Session {
        context: Box<SessionContext>,
        csrf: Csrf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Csrf {
    /// A download: nothing changes and another site cannot read the answer.
    NotNeeded,
    Checked,
    /// Still to be shown (a page's form field) before the principal may act.
    Unchecked,
}

impl Caller {
    /// The principal for this request, `None` when anonymous. A session whose CSRF token
    /// has not been checked where one is needed is refused.
    pub(crate) fn principal(&self) -> Result<Option<&Principal>, WebError> {
        match &self.identity {
            Identity::Anonymous => Ok(None),
            Identity::Token(principal) => Ok(Some(principal)),
            Identity::Session { context, csrf } => match csrf {
                Csrf::NotNeeded | Csrf::Checked => Ok(Some(&context.principal)),
                Csrf::Unchecked => Err(self.refuse(AppError::forbidden(
                    "a request with the session cookie needs the page's X-CSRF-Token header",
                ))),
            },
        }
    }

    /// The principal of a caller who must be someone.
    pub(crate) fn required(&self, anonymous: &str) -> Result<&Principal, WebError> {
        self.principal()?
            .ok_or_else(|| self.refuse(AppError::Unauthenticated(anonymous.to_owned())))
    }

    /// A signed-in person's session, for pages; API tokens have none.
    pub(crate) fn session(&self) -> Result<&SessionContext, WebError> {
        match &self.identity {
            Identity::Session { context, .. } => Ok(context),
            _ => Err(WebError::not_signed_in()),
        }
    }

    /// A page's form post: checks the form's CSRF field, then acts as its person.
    pub(crate) fn confirm_form(&mut self, app: &App, presented: &str) -> Result<(), WebError> {
        let Identity::Session { context, csrf } = &mut self.identity else {
            return Err(WebError::not_signed_in());
        };
        if *csrf == Csrf::Checked || app.check_csrf(context, presented) {
            *csrf = Csrf::Checked;
            Ok(())
        } else {
            Err(WebError::page(AppError::forbidden(
                "This form has expired or did not come from attest. Open the page again.",
            )))
        }
    }

    /// A page's signed-in person: their session, with its CSRF token checked for a post.
    pub(crate) fn visitor(&self) -> Result<(&SessionContext, &Principal), WebError> {
        let context = self.session()?;
        Ok((context, self.required("not signed in")?))
    }

    /// Sends the renewed session cookie back with `response`.
    pub(crate) fn answer(&self, mut response: HttpResponse) -> HttpResponse {
        if let Some(renewed) = &self.renewed {
            let _ = response.add_cookie(renewed);
        }
        response
    }

    pub(crate) fn renewed(&self) -> Option<&Cookie<'static>> {
        self.renewed.as_ref()
    }

    fn refuse(&self, error: AppError) -> WebError {
        WebError::new(error, self.surface)
    }
}

impl FromRequest for Caller {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let surface = Surface::of(&request);
            let app = request
                .app_data::<web::Data<App>>()
                .cloned()
                .ok_or_else(|| WebError::new(AppError::Internal("no app".to_owned()), surface))?;
            identify(&app, &request, surface)
                .await
                .map_err(|error| WebError::new(error, surface))
        })
    }
}

async fn identify(app: &App, request: &HttpRequest, surface: Surface) -> Result<Caller, AppError> {
    if let Some(value) = request.headers().get(header::AUTHORIZATION) {
        let principal = bearer(app, request, value).await?;
        return Ok(Caller {
            identity: Identity::Token(principal),
            surface,
            renewed: None,
        });
    }
    let Some(cookie) = request.cookie(SESSION_COOKIE) else {
        return Ok(Caller {
            identity: Identity::Anonymous,
            surface,
            renewed: None,
        });
    };
    let context = match app.session(cookie.value()).await {
        Ok(context) => context,
        // A page visited with an ended session is answered as not signed in; the API
        // says why.
        Err(AppError::Unauthenticated(_)) if surface == Surface::Page => {
            return Err(AppError::Unauthenticated(
                "Your session has ended. Sign in again.".to_owned(),
            ));
        }
        Err(error) => return Err(error),
    };
    let csrf = if surface == Surface::Download {
        Csrf::NotNeeded
    } else if csrf_header_matches(app, request, &context) {
        Csrf::Checked
    } else if surface == Surface::Page && request.method() == Method::GET {
        Csrf::NotNeeded
    } else {
        Csrf::Unchecked
    };
    let secure = request
        .app_data::<web::Data<CookiePolicy>>()
        .is_some_and(|policy| policy.secure);
    Ok(Caller {
        renewed: renewed_session_cookie(app, &context, secure),
        identity: Identity::Session {
            context: Box::new(context),
            csrf,
        },
        surface,
    })
}

fn csrf_header_matches(app: &App, request: &HttpRequest, context: &SessionContext) -> bool {
    request
        .headers()
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|presented| app.check_csrf(context, presented))
}

/// An API token: refused outright when it does not authenticate, and after repeated
/// failures from one address, refused before it is looked at.
async fn bearer(
    app: &App,
    request: &HttpRequest,
    value: &header::HeaderValue,
) -> Result<Principal, AppError> {
    let address = super::client_address(request);
    let limits = app.rate_limits();
    limits.blocked(Limit::BearerFailure, &address)?;
    let authenticated = match value.to_str() {
        Err(_) => Err(AppError::Unauthenticated(
            "the Authorization header is not text".to_owned(),
        )),
        Ok(value) => match attest_auth::bearer_token(value) {
            Err(error) => Err(AppError::Unauthenticated(error.to_string())),
            Ok(token) => app.authenticate_api_token(token).await,
        },
    };
    if let Err(AppError::Unauthenticated(_)) = &authenticated {
        limits.failed(Limit::BearerFailure, &address)?;
    }
    authenticated
}
