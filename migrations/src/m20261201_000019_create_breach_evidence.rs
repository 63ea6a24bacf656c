//! Evidence files attached to a breach (emails, screenshots, letters): the bytes with
//! their checked type, size and SHA-256, who attached them and when. Kept as rows so a
//! database backup holds them with the breach; append-only like the breach's timeline.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    append_only_guards, id, index, tenant_fk, text, text_null, time, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum BreachEvidence {
    Table,
    Id,
    TrustId,
    BreachId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    Description,
    UploadedByKind,
    UploadedById,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Breaches {
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
                    .table(BreachEvidence::Table)
                    .col(id(BreachEvidence::Id))
                    .col(uuid(BreachEvidence::TrustId))
                    .col(uuid(BreachEvidence::BreachId))
                    .col(text(BreachEvidence::FileName))
                    .col(text(BreachEvidence::ContentType))
                    .col(
                        ColumnDef::new(BreachEvidence::SizeBytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(BreachEvidence::Sha256))
                    .col(ColumnDef::new(BreachEvidence::Content).blob().not_null())
                    .col(text_null(BreachEvidence::Description))
                    .col(text(BreachEvidence::UploadedByKind))
                    .col(uuid_null(BreachEvidence::UploadedById))
                    .col(time(BreachEvidence::UploadedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_breach_evidence_breach",
                        (
                            BreachEvidence::Table,
                            BreachEvidence::TrustId,
                            BreachEvidence::BreachId,
                        ),
                        (Breaches::Table, Breaches::TrustId, Breaches::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_breach_evidence_breach",
                BreachEvidence::Table,
                &[BreachEvidence::TrustId, BreachEvidence::BreachId],
            ))
            .await?;
        let guards = append_only_guards("breach_evidence", manager.get_database_backend());
        manager.get_connection().execute_unprepared(&guards).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BreachEvidence::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS breach_evidence_append_only()")
                .await?;
        }
        Ok(())
    }
}
