//! Staff sign-in: which provider account is which person (linked once, then matched by
//! issuer and subject), and sessions, kept server-side so they can be revoked.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, tenant_fk, text, time, time_null, uuid};
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PersonIdentities {
    Table,
    TrustId,
    Issuer,
    Subject,
    PersonId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
    TrustId,
    PersonId,
    ProviderSlug,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PersonIdentities::Table)
                    .col(uuid(PersonIdentities::TrustId))
                    .col(text(PersonIdentities::Issuer))
                    .col(text(PersonIdentities::Subject))
                    .col(uuid(PersonIdentities::PersonId))
                    .col(time(PersonIdentities::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(PersonIdentities::TrustId)
                            .col(PersonIdentities::Issuer)
                            .col(PersonIdentities::Subject),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_person_identities_person",
                        (
                            PersonIdentities::Table,
                            PersonIdentities::TrustId,
                            PersonIdentities::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_person_identities_person",
                PersonIdentities::Table,
                &[PersonIdentities::TrustId, PersonIdentities::PersonId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id))
                    .col(uuid(Sessions::TrustId))
                    .col(uuid(Sessions::PersonId))
                    .col(text(Sessions::ProviderSlug))
                    .col(time(Sessions::CreatedAt))
                    .col(time(Sessions::LastSeenAt))
                    .col(time(Sessions::ExpiresAt))
                    .col(time_null(Sessions::RevokedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_sessions_person",
                        (Sessions::Table, Sessions::TrustId, Sessions::PersonId),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_sessions_person",
                Sessions::Table,
                &[Sessions::TrustId, Sessions::PersonId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PersonIdentities::Table).to_owned())
            .await
    }
}
