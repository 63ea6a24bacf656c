//! Purging the append-only kinds past their retention period (the audit log, closed
//! breach records) as the database owner: the guard triggers are lifted for one
//! transaction, the trust's due rows deleted, and the triggers restored before it
//! commits (DDL is transactional on both databases, so no one else sees them lifted).
//! The server's runtime role cannot do this: run it with the owner's connection.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionSession, TransactionTrait, Value};

use crate::StoreError;

/// The guard of each append-only table this purges: SQLite's delete trigger (recreated
/// with its own text) or PostgreSQL's trigger (disabled and enabled).
const GUARDED: [&str; 3] = ["audit_log", "breach_events", "breach_evidence"];

fn lift(backend: DbBackend, table: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("ALTER TABLE {table} DISABLE TRIGGER {table}_no_change"),
        _ => format!("DROP TRIGGER {table}_no_delete"),
    }
}

fn restore(backend: DbBackend, table: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("ALTER TABLE {table} ENABLE TRIGGER {table}_no_change"),
        _ => format!(
            "CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} \
             BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        ),
    }
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub audit_entries: u64,
    pub breaches: u64,
}

/// Deletes `trust`'s audit entries before `audit_before` and its closed breaches last
/// changed before `breaches_before` (with their schools, events and evidence), in one
/// transaction on the owner's connection.
pub async fn purge_append_only<C: ConnectionTrait + TransactionTrait>(
    owner: &C,
    trust: uuid::Uuid,
    audit_before: DateTime<Utc>,
    breaches_before: DateTime<Utc>,
) -> Result<Purged, StoreError> {
    let backend = owner.get_database_backend();
    let txn = owner.begin().await?;
    let run = |sql: String, values: Vec<Value>| {
        let txn = &txn;
        async move {
            Ok::<u64, StoreError>(
                txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?
                    .rows_affected(),
            )
        }
    };
    for table in GUARDED {
        run(lift(backend, table), Vec::new()).await?;
    }
    let audit_entries = run(
        "DELETE FROM audit_log WHERE trust_id = $1 AND occurred_at < $2".to_owned(),
        vec![trust.into(), audit_before.into()],
    )
    .await?;
    let due =
        "SELECT id FROM breaches WHERE trust_id = $1 AND status = 'closed' AND updated_at < $2";
    for child in ["breach_evidence", "breach_events", "breach_schools"] {
        run(
            format!("DELETE FROM {child} WHERE trust_id = $1 AND breach_id IN ({due})"),
            vec![trust.into(), breaches_before.into()],
        )
        .await?;
    }
    let breaches = run(
        format!("DELETE FROM breaches WHERE id IN ({due})"),
        vec![trust.into(), breaches_before.into()],
    )
    .await?;
    for table in GUARDED {
        run(restore(backend, table), Vec::new()).await?;
    }
    txn.commit().await?;
    Ok(Purged {
        audit_entries,
        breaches,
    })
}
