//! The one error type of the store.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No such row within the caller's scope (it may exist in another trust: we do not say).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was broken: the message says which value clashed.
    #[error("{0}")]
    Conflict(String),
    /// A stored value no longer passes the domain's rules.
    #[error("stored {what} is invalid: {detail}")]
    Corrupt { what: &'static str, detail: String },
    /// Every pooled connection stayed busy for the whole acquire timeout: the server is
    /// overloaded, and the caller may try again shortly.
    #[error("the database is busy: every connection stayed in use")]
    Busy,
    /// Anything else from the database. Never shown to clients.
    #[error("database error: {0}")]
    Database(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(error: DbErr) -> Self {
        match error {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => Self::Busy,
            other => Self::Database(other),
        }
    }
}

impl StoreError {
    /// Turns a unique-constraint failure into a `Conflict` described for people.
    pub(crate) fn on_unique(conflict: impl FnOnce() -> String) -> impl FnOnce(DbErr) -> Self {
        move |error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict(conflict()),
            _ => Self::Database(error),
        }
    }

    pub(crate) fn corrupt<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> Self {
        move |error| Self::Corrupt {
            what,
            detail: error.to_string(),
        }
    }
}
