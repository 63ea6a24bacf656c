//! Fresh, isolated databases for tests: a temporary SQLite file by default, or a new
//! PostgreSQL database named by a UUID when `ATTEST_TEST_DATABASE_URL` points at a
//! server. Each test gets its own and it is dropped afterwards, so tests never share
//! state and can run in parallel.

use attest_store::ConnectionTrait;
use attest_store::{Database, StoreError, connect, migrate};

pub const TEST_DATABASE_ENV: &str = "ATTEST_TEST_DATABASE_URL";

pub struct TestDatabase {
    url: String,
    db: Database,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[expect(
            dead_code,
            reason = "held so the directory lives as long as the database"
        )]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDatabase {
    /// An empty database with no migrations applied.
    pub async fn empty() -> Result<Self, StoreError> {
        match std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|url| !url.trim().is_empty())
        {
            Some(admin_url) => Self::postgres(admin_url).await,
            None => Self::sqlite().await,
        }
    }

    /// A database with every migration applied.
    pub async fn migrated() -> Result<Self, StoreError> {
        let database = Self::empty().await?;
        migrate(&database.db).await?;
        Ok(database)
    }

    async fn sqlite() -> Result<Self, StoreError> {
        let dir = tempfile::tempdir()
            .map_err(|error| StoreError::Database(sea_orm::DbErr::Custom(error.to_string())))?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("attest-test.db").display()
        );
        let db = connect(&url, 4).await?;
        Ok(Self {
            url,
            db,
            cleanup: Cleanup::Sqlite(dir),
        })
    }

    async fn postgres(admin_url: String) -> Result<Self, StoreError> {
        let name = format!("attest_test_{}", uuid::Uuid::new_v4().simple());
        let admin = match connect(&admin_url, 1).await {
            Ok(admin) => admin,
            Err(_) => {
                crate::peers::start_local_postgres(&admin_url);
                connect(&admin_url, 1).await?
            }
        };
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        admin.close().await?;
        let url = with_database_name(&admin_url, &name);
        let db = connect(&url, 4).await?;
        Ok(Self {
            url,
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn db(&self) -> &Database {
        &self.db
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        run_as_admin(
            admin_url,
            vec![format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")],
        );
    }
}

/// Runs `statements` on the PostgreSQL cluster at `admin_url`, ignoring failures, from a
/// thread of its own: for cleaning up in `Drop`, which runs outside async context and
/// possibly inside a runtime.
pub fn run_as_admin(admin_url: &str, statements: Vec<String>) {
    let admin_url = admin_url.to_owned();
    let ran = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        runtime.block_on(async {
            let admin = connect(&admin_url, 1).await.ok()?;
            for statement in statements {
                let _ = admin.execute_unprepared(&statement).await;
            }
            admin.close().await.ok()
        })
    });
    let _ = ran.join();
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database_name;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database_name("postgres://p@h:5432/postgres", "x"),
            "postgres://p@h:5432/x"
        );
        assert_eq!(
            with_database_name("postgres://p@h:5432", "x"),
            "postgres://p@h:5432/x"
        );
        assert_eq!(
            with_database_name("postgres://p@h/db?sslmode=disable", "x"),
            "postgres://p@h/x?sslmode=disable"
        );
    }
}
