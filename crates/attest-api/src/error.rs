//! The edge between use-case errors and GraphQL errors.

use async_graphql::{ErrorExtensions, Response};
use attest_app::AppError;

/// The stable codes clients match on, in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The code of each kind of application error: the one table the GraphQL resolvers
    /// and the server's HTTP refusals share.
    pub fn of(error: &AppError) -> Self {
        match error {
            AppError::Unauthenticated(_) => Self::Unauthenticated,
            AppError::Forbidden(_) => Self::Forbidden,
            AppError::NotFound(_) => Self::NotFound,
            AppError::InvalidInput { .. } => Self::BadUserInput,
            AppError::Conflict(_) => Self::Conflict,
            AppError::RateLimited { .. } => Self::RateLimited,
            AppError::Unavailable { .. } => Self::Unavailable,
            _ => Self::Internal,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal => "INTERNAL",
        }
    }
}

pub(crate) fn coded(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message)
        .extend_with(|_, extensions| extensions.set("code", code.as_str()))
}

/// Converts a use-case error. Internal detail is logged here and replaced.
pub(crate) fn to_graphql(error: AppError) -> async_graphql::Error {
    let code = ErrorCode::of(&error);
    match error {
        AppError::RateLimited {
            message,
            retry_after,
        }
        | AppError::Unavailable {
            message,
            retry_after,
        } => coded(code, message).extend_with(|_, extensions| {
            extensions.set("retryAfter", retry_after.as_secs());
        }),
        ref invalid @ AppError::InvalidInput { ref field, .. } => {
            // Display already names the field as the schema does.
            let field = attest_app::field_camel_case(field);
            coded(code, invalid.to_string())
                .extend_with(|_, extensions| extensions.set("field", field.as_str()))
        }
        AppError::Unauthenticated(message)
        | AppError::Forbidden(message)
        | AppError::NotFound(message)
        | AppError::Conflict(message) => coded(code, message),
        other => {
            tracing::error!(error = %other, "internal error while resolving");
            coded(ErrorCode::Internal, "internal error; it has been logged")
        }
    }
}

pub(crate) trait OrGraphql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> OrGraphql<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_graphql)
    }
}

/// Errors raised by the GraphQL engine itself (syntax, validation, variable coercion,
/// limits) carry no code; they are all the caller's input.
pub fn ensure_error_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", ErrorCode::BadUserInput.as_str());
        }
    }
    response
}
