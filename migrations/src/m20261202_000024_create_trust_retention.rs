//! Each trust's retention schedule (its periods over the defaults, and whether the daily
//! job applies it), as one JSON document.

use sea_orm_migration::prelude::*;

use crate::columns::{id, time};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrustRetention {
    Table,
    TrustId,
    Schedule,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrustRetention::Table)
                    .col(id(TrustRetention::TrustId))
                    .col(ColumnDef::new(TrustRetention::Schedule).json().not_null())
                    .col(time(TrustRetention::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_retention_trust")
                            .from(TrustRetention::Table, TrustRetention::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrustRetention::Table).to_owned())
            .await
    }
}
