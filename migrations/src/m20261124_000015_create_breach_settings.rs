//! Each trust's breach settings: whether trust admins may act as the DPO, and the schools
//! whose admins may see special category details of their breaches.

use sea_orm_migration::prelude::*;

use crate::columns::{text, time, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrustBreachSettings {
    Table,
    TrustId,
    TrustAdminsActAsDpo,
    SpecialCategorySchools,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrustBreachSettings::Table)
                    .col(uuid(TrustBreachSettings::TrustId).primary_key())
                    .col(
                        ColumnDef::new(TrustBreachSettings::TrustAdminsActAsDpo)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text(TrustBreachSettings::SpecialCategorySchools))
                    .col(time(TrustBreachSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_breach_settings_trust")
                            .from(TrustBreachSettings::Table, TrustBreachSettings::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrustBreachSettings::Table).to_owned())
            .await
    }
}
