//! Trusts (the tenants) and their schools.

use sea_orm_migration::prelude::*;

use crate::columns::{id, text, text_null, time, unique_index, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Trusts {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Schools {
    Table,
    Id,
    TrustId,
    Name,
    Slug,
    Urn,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Trusts::Table)
                    .col(id(Trusts::Id))
                    .col(text(Trusts::Slug).unique_key())
                    .col(text(Trusts::Name))
                    .col(time(Trusts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Schools::Table)
                    .col(id(Schools::Id))
                    .col(uuid(Schools::TrustId))
                    .col(text(Schools::Name))
                    .col(text(Schools::Slug))
                    .col(text_null(Schools::Urn))
                    .col(time(Schools::CreatedAt))
                    .col(time(Schools::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schools_trust")
                            .from(Schools::Table, Schools::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_schools_trust_id",
                Schools::Table,
                &[Schools::TrustId, Schools::Id],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "ux_schools_trust_slug",
                Schools::Table,
                &[Schools::TrustId, Schools::Slug],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "ux_schools_trust_urn",
                Schools::Table,
                &[Schools::TrustId, Schools::Urn],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Schools::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Trusts::Table).to_owned())
            .await
    }
}
