//! Whether anything at all has been committed to the database since an earlier look, so
//! an answer computed then may be given again unchanged. Coarse on purpose: any write
//! anywhere (another replica, the CLI, a job) makes every kept answer stale, and nothing
//! has to remember to announce its changes.
//! - PostgreSQL: the current snapshot (`pg_current_snapshot()`). It changes when a write
//!   transaction starts (a new transaction id) and when one commits or aborts.
//! - A SQLite file: `PRAGMA data_version` on a connection of its own that never writes;
//!   it changes whenever any other connection, in this process or another, commits.
//! - An in-memory SQLite database: no version (nothing is kept).

use sea_orm::sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tokio::sync::OnceCell;

use crate::{Database, StoreError};

/// What the database held at one look; equal versions mean nothing was committed between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataVersion(String);

pub struct DataVersions {
    source: Source,
}

enum Source {
    Postgres,
    /// Opened at the first look: a pool of one connection beside the application's.
    SqliteFile(
        Box<(
            sea_orm::sqlx::sqlite::SqliteConnectOptions,
            OnceCell<SqlitePool>,
        )>,
    ),
    Unversioned,
}

impl DataVersions {
    pub fn for_database(db: &Database) -> Self {
        let source = match db.get_database_backend() {
            DbBackend::Postgres => Source::Postgres,
            _ => {
                let options = db.get_sqlite_connection_pool().connect_options();
                if options.get_filename().is_file() {
                    Source::SqliteFile(Box::new(((*options).clone(), OnceCell::new())))
                } else {
                    Source::Unversioned
                }
            }
        };
        Self { source }
    }

    /// The database's version now, or `None` where none can be told (keep nothing).
    /// Read it before reading what is to be kept: a later write then shows as a newer
    /// version, never as an older answer under the current one.
    pub async fn current(&self, db: &Database) -> Result<Option<DataVersion>, StoreError> {
        match &self.source {
            Source::Postgres => {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT CAST(pg_current_snapshot() AS TEXT) AS version",
                    ))
                    .await?;
                Ok(row
                    .map(|row| row.try_get::<String>("", "version"))
                    .transpose()?
                    .map(DataVersion))
            }
            Source::SqliteFile(probe) => {
                let (options, pool) = &**probe;
                let pool = pool
                    .get_or_try_init(|| async {
                        SqlitePoolOptions::new()
                            .max_connections(1)
                            .min_connections(1)
                            .connect_with(options.clone())
                            .await
                    })
                    .await
                    .map_err(|error| StoreError::from(sea_orm::DbErr::Custom(error.to_string())))?;
                let (version,): (i64,) = sea_orm::sqlx::query_as("PRAGMA data_version")
                    .fetch_one(pool)
                    .await
                    .map_err(|error| StoreError::from(sea_orm::DbErr::Custom(error.to_string())))?;
                Ok(Some(DataVersion(version.to_string())))
            }
            Source::Unversioned => Ok(None),
        }
    }
}
