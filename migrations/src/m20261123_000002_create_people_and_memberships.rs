//! People (one per human per trust) and their memberships of schools.

use sea_orm_migration::prelude::*;

use crate::columns::{
    date, date_null, id, index, tenant_fk, text, text_null, time, unique_index, uuid,
};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum People {
    Table,
    Id,
    TrustId,
    FullName,
    Email,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
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
            .create_index(unique_index(
                "ux_people_trust_id",
                People::Table,
                &[People::TrustId, People::Id],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "ux_people_trust_email",
                People::Table,
                &[People::TrustId, People::Email],
            ))
            .await?;
        // Keyset pagination of people orders by (full_name, id) within a trust.
        manager
            .create_index(index(
                "ix_people_trust_name",
                People::Table,
                &[People::TrustId, People::FullName, People::Id],
            ))
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
                    .foreign_key(&mut tenant_fk(
                        "fk_memberships_person",
                        (
                            Memberships::Table,
                            Memberships::TrustId,
                            Memberships::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_memberships_school",
                        (
                            Memberships::Table,
                            Memberships::TrustId,
                            Memberships::SchoolId,
                        ),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_memberships_trust_person",
                Memberships::Table,
                &[Memberships::TrustId, Memberships::PersonId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_memberships_trust_school_kind",
                Memberships::Table,
                &[
                    Memberships::TrustId,
                    Memberships::SchoolId,
                    Memberships::Kind,
                ],
            ))
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
