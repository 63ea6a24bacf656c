//! A trust's default approval rule per policy kind (the trustees for trust policies, the
//! school's own for school policies), which a policy without a rule of its own follows.

use sea_orm_migration::prelude::*;

use crate::columns::{id, text, time, unique_index, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PolicyApprovalDefaults {
    Table,
    Id,
    TrustId,
    Kind,
    Rule,
    UpdatedAt,
    UpdatedByKind,
    UpdatedById,
}

#[derive(DeriveIden, Clone, Copy)]
enum Trusts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PolicyApprovalDefaults::Table)
                    .col(id(PolicyApprovalDefaults::Id))
                    .col(uuid(PolicyApprovalDefaults::TrustId))
                    .col(text(PolicyApprovalDefaults::Kind))
                    .col(text(PolicyApprovalDefaults::Rule))
                    .col(time(PolicyApprovalDefaults::UpdatedAt))
                    .col(text(PolicyApprovalDefaults::UpdatedByKind))
                    .col(uuid_null(PolicyApprovalDefaults::UpdatedById))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_policy_approval_defaults_trust")
                            .from(
                                PolicyApprovalDefaults::Table,
                                PolicyApprovalDefaults::TrustId,
                            )
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_approval_defaults_kind",
                PolicyApprovalDefaults::Table,
                &[
                    PolicyApprovalDefaults::TrustId,
                    PolicyApprovalDefaults::Kind,
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(PolicyApprovalDefaults::Table)
                    .to_owned(),
            )
            .await
    }
}
