//! The one error type of the use cases. Transports map each variant to their own
//! codes (GraphQL `extensions.code`, HTTP status, CLI exit status).

use attest_domain::DomainError;
use attest_store::StoreError;

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Shown with the field as the API and the command line name it (`discoveredAt`).
    #[error("{}: {message}", field_camel_case(field))]
    InvalidInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; the caller may try again after `retry_after`.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after: std::time::Duration,
    },
    /// The server is overloaded (no database connection came free in time); the caller
    /// may try again after `retry_after`.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after: std::time::Duration,
    },
    /// A SCIM request that RFC 7644 answers with its own error (`invalidFilter`,
    /// `uniqueness`, `noTarget`…): status and keyword as SCIM clients expect them.
    #[error("{0}")]
    Scim(attest_domain::scim::ScimError),
    /// Something broke inside attest. The detail is for the log, never for a client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The error in words for a person at a page: a field is named in words
    /// (`discovered_at` and `discoveredAt` both read "discovered at").
    pub fn for_people(&self) -> String {
        match self {
            Self::InvalidInput { field, message } => format!("{}: {message}", field_words(field)),
            other => other.to_string(),
        }
    }

    /// Too busy to answer now: try again in a second.
    pub fn busy() -> Self {
        Self::Unavailable {
            message: "attest is busy; try again in a moment".to_owned(),
            retry_after: std::time::Duration::from_secs(1),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Busy => Self::busy(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid { field, message } => Self::invalid(field, message),
            other => Self::invalid(other.field(), other.to_string()),
        }
    }
}

impl From<attest_domain::ReviewError> for AppError {
    fn from(error: attest_domain::ReviewError) -> Self {
        match error {
            attest_domain::ReviewError::Invalid(error) => error.into(),
            attest_domain::ReviewError::Conflict(message) => Self::Conflict(message),
            attest_domain::ReviewError::NotYours(message) => Self::Forbidden(message),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        StoreError::from(error).into()
    }
}

/// `discoveredAt`, `discovered_at` → `discovered at`.
pub fn field_words(field: &str) -> String {
    let mut words = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c == '_' {
            words.push(' ');
        } else if c.is_ascii_uppercase() {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    words
}

/// `discovered_at` → `discoveredAt`, as the GraphQL schema names inputs. After a dot
/// come keys the trust chose (`answers.consent_1`), kept as they are.
pub fn field_camel_case(field: &str) -> String {
    let (name, keys) = field
        .split_once('.')
        .map_or((field, None), |(name, keys)| (name, Some(keys)));
    let mut camel = String::with_capacity(field.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            camel.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            camel.push(c);
        }
    }
    if let Some(keys) = keys {
        camel.push('.');
        camel.push_str(keys);
    }
    camel
}

/// A file or list refused whole: what was not done, and every problem to put right.
pub(crate) fn refused_whole(
    field: &str,
    what: &str,
    problems: impl IntoIterator<Item = String>,
) -> AppError {
    AppError::invalid(
        field,
        format!(
            "nothing was {what}; put these right first: {}",
            problems.into_iter().collect::<Vec<_>>().join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_words_for_people_and_camel_case_for_graphql() {
        assert_eq!(field_words("discovered_at"), "discovered at");
        assert_eq!(field_words("typedName"), "typed name");
        assert_eq!(field_camel_case("discovered_at"), "discoveredAt");
        assert_eq!(field_camel_case("adaptations.1"), "adaptations.1");
        assert_eq!(field_camel_case("schoolId"), "schoolId");
        assert_eq!(field_camel_case("answers.consent_1"), "answers.consent_1");
        let error = AppError::invalid("discovered_at", "in the future");
        assert_eq!(error.for_people(), "discovered at: in the future");
    }
}
