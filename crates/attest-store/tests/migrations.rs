//! Migrations run up, down and up again on the test backend, and every foreign key is
//! backed by an index whose leading columns are the key's columns.

use attest_migrations::{Migrator, MigratorTrait};
use attest_store::{Backend, backend, pending_migrations};
use attest_test_support::TestDatabase;
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let database = TestDatabase::empty().await.expect("database");
    let db = database.db();
    assert!(!pending_migrations(db).await.expect("pending").is_empty());
    Migrator::up(db, None).await.expect("up");
    assert!(pending_migrations(db).await.expect("pending").is_empty());
    Migrator::down(db, None).await.expect("down");
    assert_eq!(
        pending_migrations(db).await.expect("pending").len(),
        Migrator::migrations().len()
    );
    Migrator::up(db, None).await.expect("up again");
    assert!(pending_migrations(db).await.expect("pending").is_empty());
}

#[tokio::test]
async fn every_foreign_key_has_an_index() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let foreign_keys = foreign_keys(db).await;
    assert!(
        foreign_keys.len() >= 9,
        "expected the schema's foreign keys, found {foreign_keys:?}"
    );
    let indexes = indexes(db).await;
    for (table, columns) in &foreign_keys {
        let covered = indexes.iter().any(|(indexed_table, indexed)| {
            indexed_table == table
                && indexed.len() >= columns.len()
                && indexed[..columns.len()] == columns[..]
        });
        assert!(
            covered,
            "foreign key {table}({}) has no index starting with its columns",
            columns.join(", ")
        );
    }
}

async fn rows(db: &attest_store::Database, sql: &str) -> Vec<(String, String, i64, String)> {
    let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
    db.query_all_raw(statement)
        .await
        .expect("catalog query")
        .into_iter()
        .map(|row| {
            (
                row.try_get::<String>("", "tbl").expect("tbl"),
                row.try_get::<String>("", "name").expect("name"),
                row.try_get::<i64>("", "seq").expect("seq"),
                row.try_get::<String>("", "col").expect("col"),
            )
        })
        .collect()
}

fn group(rows: Vec<(String, String, i64, String)>) -> Vec<(String, Vec<String>)> {
    let mut grouped: std::collections::BTreeMap<(String, String), Vec<(i64, String)>> =
        Default::default();
    for (table, name, seq, column) in rows {
        grouped
            .entry((table, name))
            .or_default()
            .push((seq, column));
    }
    grouped
        .into_iter()
        .map(|((table, _), mut columns)| {
            columns.sort();
            (
                table,
                columns.into_iter().map(|(_, column)| column).collect(),
            )
        })
        .collect()
}

const SQLITE_TABLES: &str =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";

async fn foreign_keys(db: &attest_store::Database) -> Vec<(String, Vec<String>)> {
    let sql = match backend(db) {
        Backend::Sqlite => format!(
            "SELECT t.name AS tbl, CAST(f.id AS TEXT) AS name, CAST(f.seq AS INTEGER) AS seq, f.\"from\" AS col
             FROM ({SQLITE_TABLES}) t, pragma_foreign_key_list(t.name) f"
        ),
        Backend::Postgres => "SELECT c.conrelid::regclass::text AS tbl, c.conname::text AS name,
                 CAST(k.ord AS BIGINT) AS seq, a.attname::text AS col
             FROM pg_constraint c
             CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
            .to_owned(),
    };
    group(rows(db, &sql).await)
}

async fn indexes(db: &attest_store::Database) -> Vec<(String, Vec<String>)> {
    let sql = match backend(db) {
        Backend::Sqlite => format!(
            "SELECT t.name AS tbl, l.name AS name, CAST(i.seqno AS INTEGER) AS seq, i.name AS col
             FROM ({SQLITE_TABLES}) t, pragma_index_list(t.name) l, pragma_index_info(l.name) i"
        ),
        Backend::Postgres => {
            "SELECT ix.indrelid::regclass::text AS tbl, ix.indexrelid::regclass::text AS name,
                 CAST(k.ord AS BIGINT) AS seq, a.attname::text AS col
             FROM pg_index ix
             CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
             JOIN pg_class c ON c.oid = ix.indrelid
             WHERE c.relnamespace = 'public'::regnamespace"
                .to_owned()
        }
    };
    group(rows(db, &sql).await)
}
