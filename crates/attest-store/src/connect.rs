//! Opening the database and keeping its schema current.

use std::time::Duration;

use attest_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend};

use crate::StoreError;

pub type Database = DatabaseConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connects to `url` (`sqlite://attest.db?mode=rwc` or `postgres://…`). SQLite runs in
/// WAL mode with a busy timeout so concurrent requests wait for the writer instead of
/// failing.
pub async fn connect(url: &str, max_connections: u32) -> Result<Database, StoreError> {
    connect_with(url, max_connections, DEFAULT_ACQUIRE_TIMEOUT).await
}

/// How much of a SQLite file each connection maps into memory (the whole file, for a
/// large trust's database; SQLite maps no more than the file's size).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// A pooled connection idle this long is pinged before it is given out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// How long a request waits for a pooled connection before it is refused as busy.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// As `connect`, waiting at most `acquire_timeout` for a free connection: past it, a
/// query fails with `StoreError::Busy` (a 503 with Retry-After to clients).
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> Result<Database, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false)
        // A ping on every checkout doubled the round trips of every statement; only a
        // connection idle long enough to have been dropped (a restart, a firewall) is
        // checked.
        .test_before_acquire_if_idle_for(PING_WHEN_IDLE_FOR)
        // Every commit empties the other connections' page caches (WAL), and reading the
        // pages again through read() was an eighth of a signing rush's time: map the file
        // instead, so a page read again is a memory access.
        .map_sqlx_sqlite_opts(|sqlite| sqlite.pragma("mmap_size", SQLITE_MMAP_BYTES.to_string()));
    let db = sea_orm::Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL persists in the file; sqlx already turns on foreign keys and a busy timeout
        // on every pooled connection.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        // Statistics for the planner where a table has changed a lot since it was last
        // analysed (cheap when nothing has): SQLite keeps none by itself.
        db.execute_unprepared("PRAGMA optimize = 0x10002").await?;
    }
    Ok(db)
}

/// A pool of one connection beside `db`'s, opened with the same options, for a task
/// that must never queue behind requests for a pooled connection (the signing writer).
/// Open it on the runtime that will use it: a PostgreSQL socket belongs to the runtime
/// it was opened on. An in-memory SQLite database cannot be reached from a second
/// connection, so its own pool is given back.
pub async fn dedicated_connection(db: &Database) -> Result<Database, StoreError> {
    use sea_orm::sqlx::postgres::PgPoolOptions;
    use sea_orm::sqlx::sqlite::SqlitePoolOptions;
    use sea_orm::{SqlxPostgresConnector, SqlxSqliteConnector};
    let opened =
        |error: sea_orm::sqlx::Error| StoreError::from(sea_orm::DbErr::Custom(error.to_string()));
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let options = db.get_postgres_connection_pool().connect_options();
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .before_acquire(|connection, meta| {
                    Box::pin(async move {
                        if meta.idle_for >= PING_WHEN_IDLE_FOR {
                            sea_orm::sqlx::Connection::ping(connection).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with((*options).clone())
                .await
                .map_err(opened)?;
            Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
        }
        _ => {
            let options = db.get_sqlite_connection_pool().connect_options();
            if !options.get_filename().is_file() {
                return Ok(db.clone());
            }
            // A local file's connection cannot be dropped under it: no pings.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .connect_with((*options).clone())
                .await
                .map_err(opened)?;
            Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        }
    }
}

pub fn backend(db: &Database) -> Backend {
    match db.get_database_backend() {
        DbBackend::Postgres => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &Database) -> Result<(), StoreError> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Names of the migrations not yet applied (empty when the schema is current).
///
/// Read from the history table directly: sea-orm's own check first creates that table
/// if missing, which the runtime role (no DDL) may not do. Only when the table cannot be
/// read (a fresh database) is sea-orm asked, and it creates it.
pub async fn pending_migrations(db: &Database) -> Result<Vec<String>, StoreError> {
    let applied = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations",
        ))
        .await;
    if let Ok(rows) = applied {
        let applied: std::collections::HashSet<String> = rows
            .iter()
            .filter_map(|row| row.try_get::<String>("", "version").ok())
            .collect();
        return Ok(Migrator::migrations()
            .iter()
            .map(|migration| migration.name().to_owned())
            .filter(|name| !applied.contains(name))
            .collect());
    }
    let pending = Migrator::get_pending_migrations(db).await?;
    Ok(pending
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect())
}
