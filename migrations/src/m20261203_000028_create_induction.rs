//! Induction bundles: obligations a new starter owes within N days of starting,
//! tracked as one checklist.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, integer, tenant_fk, text, time, unique_index, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    Id,
    TrustId,
}

#[derive(DeriveIden, Clone, Copy)]
enum InductionBundles {
    Table,
    Id,
    TrustId,
    Name,
    WithinDays,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InductionItems {
    Table,
    TrustId,
    BundleId,
    PolicyId,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InductionBundles::Table)
                    .col(id(InductionBundles::Id))
                    .col(uuid(InductionBundles::TrustId))
                    .col(text(InductionBundles::Name))
                    .col(integer(InductionBundles::WithinDays))
                    .col(time(InductionBundles::CreatedAt))
                    .col(time(InductionBundles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_induction_bundles_trust")
                            .from(InductionBundles::Table, InductionBundles::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_induction_bundles_trust_id",
                InductionBundles::Table,
                &[InductionBundles::TrustId, InductionBundles::Id],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InductionItems::Table)
                    .col(uuid(InductionItems::TrustId))
                    .col(uuid(InductionItems::BundleId))
                    .col(uuid(InductionItems::PolicyId))
                    .col(integer(InductionItems::Position))
                    .primary_key(
                        Index::create()
                            .col(InductionItems::BundleId)
                            .col(InductionItems::PolicyId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_induction_items_bundle",
                        (
                            InductionItems::Table,
                            InductionItems::TrustId,
                            InductionItems::BundleId,
                        ),
                        (
                            InductionBundles::Table,
                            InductionBundles::TrustId,
                            InductionBundles::Id,
                        ),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_induction_items_policy",
                        (
                            InductionItems::Table,
                            InductionItems::TrustId,
                            InductionItems::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_induction_items_bundle",
                InductionItems::Table,
                &[InductionItems::TrustId, InductionItems::BundleId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_induction_items_policy",
                InductionItems::Table,
                &[InductionItems::TrustId, InductionItems::PolicyId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InductionItems::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InductionBundles::Table).to_owned())
            .await
    }
}
