//! When a trust's model last closed a row: with the newest opening, it tells whether an
//! instant asked about is on or after every change, so the current rows answer it (a
//! `complianceSummary(asOf:)` for a moment ago reads the small current index, not history).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_obligations_closed ON obligations (trust_id, valid_to) \
                 WHERE valid_to IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_obligations_closed")
            .await?;
        Ok(())
    }
}
