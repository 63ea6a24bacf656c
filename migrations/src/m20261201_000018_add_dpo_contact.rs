//! The DPO's contact point on each trust's breach settings (UK GDPR article 33(3)(b)):
//! on the breach record, the register and the report to the ICO.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrustBreachSettings {
    Table,
    DpoContact,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TrustBreachSettings::Table)
                    .add_column(
                        ColumnDef::new(TrustBreachSettings::DpoContact)
                            .text()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TrustBreachSettings::Table)
                    .drop_column(TrustBreachSettings::DpoContact)
                    .to_owned(),
            )
            .await
    }
}
