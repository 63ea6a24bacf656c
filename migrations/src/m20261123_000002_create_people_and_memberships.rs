//! People (one per human per trust) and their memberships of schools.

use sea_orm_migration::prelude::*;

use crate::columns::{date, date_null, id, text, text_null, time, uuid};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum People {
    Table,
    Id,
    TrustId,
    FullName,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    TrustId,
    PersonId,
    SchoolId,
    Kind,
    JobTitle,
    StartedOn,
    EndedOn,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(id(People::Id))
                    .col(uuid(People::TrustId))
                    .col(text(People::FullName))
                    .col(text_null(People::Email))
                    .col(time(People::CreatedAt))
                    .col(time(People::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_trust")
                            .from(People::Table, People::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_people_trust_id")
                    .table(People::Table)
                    .col(People::TrustId)
                    .col(People::Id)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_people_trust_email")
                    .table(People::Table)
                    .col(People::TrustId)
                    .col(People::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Keyset pagination of people orders by (full_name, id) within a trust.
        manager
            .create_index(
                Index::create()
                    .name("ix_people_trust_name")
                    .table(People::Table)
                    .col(People::TrustId)
                    .col(People::FullName)
                    .col(People::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(id(Memberships::Id))
                    .col(uuid(Memberships::TrustId))
                    .col(uuid(Memberships::PersonId))
                    .col(uuid(Memberships::SchoolId))
                    .col(text(Memberships::Kind))
                    .col(text_null(Memberships::JobTitle))
                    .col(date(Memberships::StartedOn))
                    .col(date_null(Memberships::EndedOn))
                    .col(time(Memberships::CreatedAt))
                    .col(time(Memberships::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_person")
                            .from_tbl(Memberships::Table)
                            .from_col(Memberships::TrustId)
                            .from_col(Memberships::PersonId)
                            .to_tbl(People::Table)
                            .to_col(People::TrustId)
                            .to_col(People::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_school")
                            .from_tbl(Memberships::Table)
                            .from_col(Memberships::TrustId)
                            .from_col(Memberships::SchoolId)
                            .to_tbl(Schools::Table)
                            .to_col(Schools::TrustId)
                            .to_col(Schools::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_memberships_trust_person")
                    .table(Memberships::Table)
                    .col(Memberships::TrustId)
                    .col(Memberships::PersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_memberships_trust_school_kind")
                    .table(Memberships::Table)
                    .col(Memberships::TrustId)
                    .col(Memberships::SchoolId)
                    .col(Memberships::Kind)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Memberships::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(People::Table).to_owned())
            .await
    }
}
