//! The signing writer's own connection: the same database, on a connection that is never
//! one of the request pool's (so the writer never queues behind requests for one).

use attest_store::dedicated_connection;
use attest_test_support::TestDatabase;
use sea_orm::{ConnectionTrait, Statement};

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64, sea_orm::DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| sea_orm::DbErr::Custom("no row".to_owned()))?;
    row.try_get("", "n")
}

#[tokio::test]
async fn a_dedicated_connection_shares_the_data_but_not_the_pool() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let own = dedicated_connection(db).await.expect("own connection");

    // What the pool commits, the writer's connection reads, and the other way round.
    db.execute_unprepared(
        "INSERT INTO trusts (id, name, slug, created_at) \
         VALUES ('00000000-0000-0000-0000-0000000000a1', 'Pool Trust', 'pool', '2026-12-03T09:00:00Z')",
    )
    .await
    .expect("insert through the pool");
    assert_eq!(
        count(&own, "SELECT COUNT(*) AS n FROM trusts WHERE slug = 'pool'")
            .await
            .expect("read"),
        1
    );

    // A temporary table lives on one connection: made on the writer's, no pooled
    // connection has it, however many times the pool is asked.
    own.execute_unprepared("CREATE TEMPORARY TABLE writer_probe (x INTEGER)")
        .await
        .expect("temporary table");
    assert_eq!(
        count(&own, "SELECT COUNT(*) AS n FROM writer_probe")
            .await
            .expect("own"),
        0
    );
    for _ in 0..20 {
        let seen = count(db, "SELECT COUNT(*) AS n FROM writer_probe").await;
        assert!(
            seen.is_err(),
            "a pooled connection is the writer's: {seen:?}"
        );
    }
}
