//! The file a policy version was imported from (a Word document, a PDF, a text file),
//! kept byte for byte with its type, size and SHA-256 so an admin can show what the
//! school gave and check it against what was imported. One per version; append-only.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    append_only_guards, id, tenant_fk, text, time, unique_index, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersionFiles {
    Table,
    Id,
    TrustId,
    VersionId,
    FileName,
    Format,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    UploadedByKind,
    UploadedById,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    TrustId,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PolicyVersionFiles::Table)
                    .col(id(PolicyVersionFiles::Id))
                    .col(uuid(PolicyVersionFiles::TrustId))
                    .col(uuid(PolicyVersionFiles::VersionId))
                    .col(text(PolicyVersionFiles::FileName))
                    .col(text(PolicyVersionFiles::Format))
                    .col(text(PolicyVersionFiles::ContentType))
                    .col(
                        ColumnDef::new(PolicyVersionFiles::SizeBytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(PolicyVersionFiles::Sha256))
                    .col(
                        ColumnDef::new(PolicyVersionFiles::Content)
                            .blob()
                            .not_null(),
                    )
                    .col(text(PolicyVersionFiles::UploadedByKind))
                    .col(uuid_null(PolicyVersionFiles::UploadedById))
                    .col(time(PolicyVersionFiles::UploadedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_version_files_version",
                        (
                            PolicyVersionFiles::Table,
                            PolicyVersionFiles::TrustId,
                            PolicyVersionFiles::VersionId,
                        ),
                        (
                            PolicyVersions::Table,
                            PolicyVersions::TrustId,
                            PolicyVersions::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_version_files_version",
                PolicyVersionFiles::Table,
                &[PolicyVersionFiles::TrustId, PolicyVersionFiles::VersionId],
            ))
            .await?;
        let guards = append_only_guards("policy_version_files", manager.get_database_backend());
        manager.get_connection().execute_unprepared(&guards).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PolicyVersionFiles::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS policy_version_files_append_only()")
                .await?;
        }
        Ok(())
    }
}
