//! PostgreSQL roles that keep history safe from the server itself.
//!
//! Append-only tables are guarded by `BEFORE UPDATE/DELETE` triggers, but the owner of
//! a table can `TRUNCATE` it or `ALTER TABLE … DISABLE TRIGGER`. So migrations run as an
//! owner role, and the server connects as a runtime role that owns nothing: it may read
//! and write the working tables, only read and insert the append-only ones, and has no
//! `TRUNCATE`, no DDL and no way to change the migration history. SQLite has no roles;
//! docs/security.md says what it can and cannot promise.

use sea_orm::ConnectionTrait;

use crate::{Backend, Database, StoreError, backend};

/// Tables whose rows are evidence: never updated, never deleted.
pub const APPEND_ONLY_TABLES: [&str; 9] = [
    "audit_log",
    "acceptances",
    "breach_events",
    "breach_evidence",
    "policy_version_files",
    "policy_review_decisions",
    "policy_review_comments",
    "acceptance_erasures",
    "chain_anchors",
];

/// Tables whose rows are never changed but may be erased under the retention schedule
/// (a signature's personal fields: the chain keeps a commitment to them).
pub const ERASE_ONLY_TABLES: [&str; 1] = ["acceptance_personal"];

/// The migration history: the runtime role may read it (readiness), never write it.
const MIGRATION_TABLE: &str = "seaql_migrations";

/// A role name safe to put in SQL: lower-case letters, digits and `_`, not starting
/// with a digit, at most 63 characters (PostgreSQL's limit).
pub fn role_name(name: &str) -> Result<&str, StoreError> {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if valid {
        Ok(name)
    } else {
        Err(StoreError::Conflict(format!(
            "'{name}' is not a role name attest will use: lower-case letters, digits and _ only"
        )))
    }
}

fn postgres_only(db: &Database) -> Result<(), StoreError> {
    match backend(db) {
        Backend::Postgres => Ok(()),
        Backend::Sqlite => Err(StoreError::Conflict(
            "database roles exist only on PostgreSQL".to_owned(),
        )),
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Creates the owner and runtime roles if they do not exist (as a superuser), sets
/// passwords where given, and hands the schema and every existing table to the owner.
pub async fn create_roles(
    db: &Database,
    (owner, owner_password): (&str, Option<&str>),
    (runtime, runtime_password): (&str, Option<&str>),
) -> Result<(), StoreError> {
    postgres_only(db)?;
    let (owner, runtime) = (role_name(owner)?, role_name(runtime)?);
    for (role, password) in [(owner, owner_password), (runtime, runtime_password)] {
        db.execute_unprepared(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {name}) \
             THEN CREATE ROLE {role} LOGIN; END IF; END $$",
            name = quoted(role)
        ))
        .await?;
        if let Some(password) = password {
            db.execute_unprepared(&format!(
                "ALTER ROLE {role} LOGIN PASSWORD {}",
                quoted(password)
            ))
            .await?;
        }
    }
    db.execute_unprepared(&format!(
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC; \
         GRANT USAGE, CREATE ON SCHEMA public TO {owner}; \
         GRANT USAGE ON SCHEMA public TO {runtime}; \
         GRANT CONNECT ON DATABASE \"{database}\" TO {owner}, {runtime}",
        database = current_database(db).await?
    ))
    .await?;
    // Tables made before the owner existed (by the superuser) move to the owner.
    db.execute_unprepared(&format!(
        "DO $$ DECLARE t record; BEGIN \
           FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP \
             EXECUTE format('ALTER TABLE public.%I OWNER TO {owner}', t.tablename); \
           END LOOP; \
           FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP \
             EXECUTE format('ALTER SEQUENCE public.%I OWNER TO {owner}', t.sequencename); \
           END LOOP; \
         END $$"
    ))
    .await?;
    Ok(())
}

async fn current_database(db: &Database) -> Result<String, StoreError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT current_database() AS name",
        ))
        .await?
        .ok_or(StoreError::NotFound("current database"))?;
    Ok(row.try_get::<String>("", "name")?)
}

/// Gives `runtime` exactly what the server needs on every table, from the owner of the
/// tables (run after every migration, so new tables are covered). Use of the schema
/// itself is granted once, by `create_roles`.
pub async fn grant_runtime(db: &Database, runtime: &str) -> Result<(), StoreError> {
    postgres_only(db)?;
    let runtime = role_name(runtime)?;
    let mut statements = vec![
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {runtime}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {runtime}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {runtime}"),
        format!("REVOKE INSERT, UPDATE, DELETE ON {MIGRATION_TABLE} FROM {runtime}"),
    ];
    for table in APPEND_ONLY_TABLES {
        statements.push(format!("REVOKE UPDATE, DELETE ON {table} FROM {runtime}"));
    }
    for table in ERASE_ONLY_TABLES {
        statements.push(format!("REVOKE UPDATE ON {table} FROM {runtime}"));
    }
    for statement in statements {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

/// Makes this connection act as `owner` (so the tables migrations create are the
/// owner's). Use on a single-connection pool.
pub async fn act_as(db: &Database, owner: &str) -> Result<(), StoreError> {
    postgres_only(db)?;
    db.execute_unprepared(&format!("SET ROLE {}", role_name(owner)?))
        .await?;
    Ok(())
}

/// The user name in a `postgres://user[:password]@host/db` URL.
pub fn url_user(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let (userinfo, _) = rest.split_once('@')?;
    let user = userinfo.split(':').next()?;
    (!user.is_empty()).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_role_names_reach_sql() {
        assert!(role_name("attest_runtime").is_ok());
        assert!(role_name("a1").is_ok());
        for bad in [
            "",
            "1abc",
            "Attest",
            "x; DROP TABLE audit_log",
            "a\"b",
            &"a".repeat(64),
        ] {
            assert!(role_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_user_is_read_from_a_url() {
        assert_eq!(
            url_user("postgres://attest_app:pw@db:5432/attest"),
            Some("attest_app")
        );
        assert_eq!(
            url_user("postgres://postgres@127.0.0.1/postgres"),
            Some("postgres")
        );
        assert_eq!(url_user("postgres://db/attest"), None);
        assert_eq!(url_user("sqlite://attest.db"), None);
    }
}
