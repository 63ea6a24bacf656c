//! Trusts (the tenants) and their schools.

use sea_orm_migration::prelude::*;

use crate::columns::{id, text, text_null, time, uuid};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Trusts {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
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
        for (name, columns) in [
            ("ux_schools_trust_id", vec![Schools::TrustId, Schools::Id]),
            (
                "ux_schools_trust_slug",
                vec![Schools::TrustId, Schools::Slug],
            ),
            ("ux_schools_trust_urn", vec![Schools::TrustId, Schools::Urn]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Schools::Table).unique();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
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
