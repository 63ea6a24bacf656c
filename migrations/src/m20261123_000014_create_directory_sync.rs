//! Directory sync: each trust's connection to Entra ID or Google Workspace (its secret
//! sealed, its mapping rules, the directory as last applied and Graph's delta link), and
//! every sync run: what the provider said, the plan shown, and what became of it.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, text, text_null, time, time_null, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DirectoryConnections {
    Table,
    TrustId,
    Kind,
    Settings,
    SealedSecret,
    Rules,
    Snapshot,
    DeltaLink,
    Generation,
    Accounts,
    LastAppliedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DirectorySyncRuns {
    Table,
    Id,
    TrustId,
    Status,
    Trigger,
    BaseGeneration,
    Changes,
    DeltaLink,
    Summary,
    Plan,
    Error,
    RequestedBy,
    CreatedAt,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DirectoryConnections::Table)
                    .col(uuid(DirectoryConnections::TrustId).primary_key())
                    .col(text(DirectoryConnections::Kind))
                    .col(text(DirectoryConnections::Settings))
                    .col(text(DirectoryConnections::SealedSecret))
                    .col(text_null(DirectoryConnections::Rules))
                    .col(text(DirectoryConnections::Snapshot))
                    .col(text_null(DirectoryConnections::DeltaLink))
                    .col(
                        ColumnDef::new(DirectoryConnections::Generation)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DirectoryConnections::Accounts)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time_null(DirectoryConnections::LastAppliedAt))
                    .col(time(DirectoryConnections::CreatedAt))
                    .col(time(DirectoryConnections::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_directory_connections_trust")
                            .from(DirectoryConnections::Table, DirectoryConnections::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirectorySyncRuns::Table)
                    .col(id(DirectorySyncRuns::Id))
                    .col(uuid(DirectorySyncRuns::TrustId))
                    .col(text(DirectorySyncRuns::Status))
                    .col(text(DirectorySyncRuns::Trigger))
                    .col(
                        ColumnDef::new(DirectorySyncRuns::BaseGeneration)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(DirectorySyncRuns::Changes))
                    .col(text_null(DirectorySyncRuns::DeltaLink))
                    .col(text(DirectorySyncRuns::Summary))
                    .col(text(DirectorySyncRuns::Plan))
                    .col(text_null(DirectorySyncRuns::Error))
                    .col(text(DirectorySyncRuns::RequestedBy))
                    .col(time(DirectorySyncRuns::CreatedAt))
                    .col(time_null(DirectorySyncRuns::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_directory_sync_runs_trust")
                            .from(DirectorySyncRuns::Table, DirectorySyncRuns::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_directory_sync_runs_trust",
                DirectorySyncRuns::Table,
                &[DirectorySyncRuns::TrustId, DirectorySyncRuns::CreatedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DirectorySyncRuns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DirectoryConnections::Table).to_owned())
            .await
    }
}
