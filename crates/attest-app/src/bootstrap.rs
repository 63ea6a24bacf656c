//! Opening, migrating and provisioning the database: what a process does before it has
//! an `App`, and the readiness check after. Nothing here reads or changes a trust's data.

pub use attest_store::roles;
pub use attest_store::{
    Backend, Database, StoreError, backend, connect, migrate, pending_migrations,
};

use crate::App;

/// Whether the database can serve this build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseHealth {
    Ready,
    Unreachable,
    /// Migrations this build needs that have not been applied.
    MigrationsPending(Vec<String>),
    /// The migration table cannot be read.
    Unknown,
}

impl App {
    /// Readiness: the database answers and its schema is current.
    pub async fn database_health(&self) -> DatabaseHealth {
        if let Err(error) = self.db.ping().await {
            tracing::warn!(%error, "readiness: database does not answer");
            return DatabaseHealth::Unreachable;
        }
        match pending_migrations(&self.db).await {
            Ok(pending) if pending.is_empty() => DatabaseHealth::Ready,
            Ok(pending) => DatabaseHealth::MigrationsPending(pending),
            Err(error) => {
                tracing::warn!(%error, "readiness: cannot read migrations");
                DatabaseHealth::Unknown
            }
        }
    }
}
