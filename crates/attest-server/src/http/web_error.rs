//! The one way an `AppError` becomes an HTTP answer. The status and GraphQL code of
//! each kind of error are decided here; how the answer looks depends on who asked:
//! GraphQL clients get the GraphQL error shape, browsers a page, and downloads (CSV,
//! receipts) plain text. Internal detail stays in the log.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use attest_api::ErrorCode;
use attest_app::AppError;
use minijinja::context;
use serde_json::json;

/// How an answer is written, by where the request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    Graphql,
    Page,
    Download,
}

impl Surface {
    pub(crate) fn of(request: &HttpRequest) -> Self {
        let path = request.path();
        if path.starts_with("/graphql") {
            Self::Graphql
        } else if path.starts_with("/exports/") || path.starts_with("/receipts/") {
            Self::Download
        } else {
            Self::Page
        }
    }
}

/// A refused or failed request, answered in the caller's surface.
#[derive(Debug)]
pub(crate) struct WebError {
    problem: Problem,
    surface: Surface,
}

#[derive(Debug)]
enum Problem {
    /// A use case refused or failed.
    App(AppError),
    /// The HTTP request itself could not be taken (a GraphQL body too large, of the wrong
    /// type, malformed): bad input, with the status that says which.
    Request { status: StatusCode, message: String },
}

/// The status each kind of error answers with. Bad input is 400, except on a page,
/// where the form was understood and its content refused (422).
pub(crate) fn status_of(error: &AppError, surface: Surface) -> StatusCode {
    match error {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::InvalidInput { .. } if surface == Surface::Page => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl WebError {
    pub(crate) fn new(error: AppError, surface: Surface) -> Self {
        Self {
            problem: Problem::App(error),
            surface,
        }
    }

    pub(crate) fn page(error: AppError) -> Self {
        Self::new(error, Surface::Page)
    }

    pub(crate) fn download(error: AppError) -> Self {
        Self::new(error, Surface::Download)
    }

    /// A GraphQL request refused before it was read (too large, wrong type, malformed).
    pub(crate) fn graphql_body(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            problem: Problem::Request {
                status,
                message: message.into(),
            },
            surface: Surface::Graphql,
        }
    }

    /// Not signed in, in words for a person at a browser.
    pub(crate) fn not_signed_in() -> Self {
        Self::page(AppError::Unauthenticated(
            "You are not signed in.".to_owned(),
        ))
    }

    /// What the caller may read: the error's own words, or for an internal failure a
    /// fixed sentence (the detail is logged).
    fn public_message(&self) -> String {
        let error = match &self.problem {
            Problem::Request { message, .. } => return message.clone(),
            Problem::App(error) => error,
        };
        match error {
            AppError::NotFound(_) if self.surface == Surface::Page => {
                "There is no such page here.".to_owned()
            }
            AppError::Unauthenticated(message)
            | AppError::Forbidden(message)
            | AppError::NotFound(message)
            | AppError::Conflict(message)
            | AppError::RateLimited { message, .. } => message.clone(),
            error @ AppError::InvalidInput { .. } if self.surface == Surface::Page => {
                error.for_people()
            }
            error @ AppError::InvalidInput { .. } => error.to_string(),
            other => {
                tracing::error!(error = %other, "request failed");
                match self.surface {
                    Surface::Page => "Something went wrong; it has been logged.".to_owned(),
                    _ => "internal error; it has been logged".to_owned(),
                }
            }
        }
    }

    fn code(&self) -> ErrorCode {
        match &self.problem {
            Problem::App(error) => ErrorCode::of(error),
            Problem::Request { .. } => ErrorCode::BadUserInput,
        }
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Problem::App(error) => write!(f, "{error}"),
            Problem::Request { message, .. } => f.write_str(message),
        }
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        Self::page(error)
    }
}

/// What a page that could not be shown is headed, by why.
fn page_heading(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "Sign in",
        403 => "Not allowed",
        404 => "Not found",
        400 | 413 | 422 => "That could not be used",
        409 => "Changed by someone else",
        429 => "Too many at once",
        503 => "Busy",
        _ => "Something went wrong",
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match &self.problem {
            Problem::App(error) => status_of(error, self.surface),
            Problem::Request { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let message = self.public_message();
        let mut response = match self.surface {
            Surface::Page => super::templates::page(
                status,
                "sign_in_failed.html",
                context! { message => message, heading => page_heading(status) },
            ),
            Surface::Graphql => HttpResponse::build(status).json(json!({
                "errors": [ { "message": message, "extensions": { "code": self.code().as_str() } } ]
            })),
            Surface::Download => HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(format!("{message}\n")),
        };
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED && self.surface != Surface::Page {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"attest\""),
            );
        }
        if status == StatusCode::METHOD_NOT_ALLOWED {
            headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if let Problem::App(
            AppError::RateLimited { retry_after, .. } | AppError::Unavailable { retry_after, .. },
        ) = &self.problem
            && let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_one_status_and_code() {
        let cases = [
            (
                AppError::Unauthenticated("x".into()),
                401,
                "UNAUTHENTICATED",
            ),
            (AppError::forbidden("x"), 403, "FORBIDDEN"),
            (AppError::NotFound("x".into()), 404, "NOT_FOUND"),
            (AppError::invalid("f", "x"), 400, "BAD_USER_INPUT"),
            (AppError::Conflict("x".into()), 409, "CONFLICT"),
            (
                AppError::RateLimited {
                    message: "x".into(),
                    retry_after: std::time::Duration::from_secs(3),
                },
                429,
                "RATE_LIMITED",
            ),
            (AppError::busy(), 503, "UNAVAILABLE"),
            (AppError::Internal("secret SQL".into()), 500, "INTERNAL"),
        ];
        for (error, status, code) in cases {
            let web = WebError::new(error, Surface::Graphql);
            assert_eq!(web.status_code().as_u16(), status);
            assert_eq!(web.code().as_str(), code);
        }
        assert_eq!(
            WebError::page(AppError::invalid("f", "x"))
                .status_code()
                .as_u16(),
            422
        );
    }

    #[test]
    fn internal_detail_never_reaches_the_caller() {
        for surface in [Surface::Graphql, Surface::Page, Surface::Download] {
            let web = WebError::new(AppError::Internal("SELECT secret".into()), surface);
            assert!(!web.public_message().contains("SELECT"));
        }
    }

    #[test]
    fn a_rate_limit_says_when_to_come_back() {
        let web = WebError::download(AppError::RateLimited {
            message: "slow down".into(),
            retry_after: std::time::Duration::from_secs(42),
        });
        let response = web.error_response();
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .map(|v| v.as_bytes()),
            Some(&b"42"[..])
        );
    }
}
