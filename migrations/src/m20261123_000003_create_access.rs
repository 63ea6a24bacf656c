//! Who may do what: role grants to people, and API tokens for trust IT's scripts.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, tenant_fk, text, time, time_null, uuid, uuid_null};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum RoleGrants {
    Table,
    Id,
    TrustId,
    PersonId,
    Role,
    SchoolId,
    GrantedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiTokens {
    Table,
    Id,
    TrustId,
    Name,
    Role,
    SchoolId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RoleGrants::Table)
                    .col(id(RoleGrants::Id))
                    .col(uuid(RoleGrants::TrustId))
                    .col(uuid(RoleGrants::PersonId))
                    .col(text(RoleGrants::Role))
                    .col(uuid_null(RoleGrants::SchoolId))
                    .col(time(RoleGrants::GrantedAt))
                    .col(time_null(RoleGrants::RevokedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_role_grants_person",
                        (RoleGrants::Table, RoleGrants::TrustId, RoleGrants::PersonId),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_role_grants_school",
                        (RoleGrants::Table, RoleGrants::TrustId, RoleGrants::SchoolId),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_role_grants_trust_person",
                RoleGrants::Table,
                &[RoleGrants::TrustId, RoleGrants::PersonId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_role_grants_trust_school",
                RoleGrants::Table,
                &[RoleGrants::TrustId, RoleGrants::SchoolId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(id(ApiTokens::Id))
                    .col(uuid(ApiTokens::TrustId))
                    .col(text(ApiTokens::Name))
                    .col(text(ApiTokens::Role))
                    .col(uuid_null(ApiTokens::SchoolId))
                    .col(text(ApiTokens::TokenHash).unique_key())
                    .col(time(ApiTokens::CreatedAt))
                    .col(time_null(ApiTokens::ExpiresAt))
                    .col(time_null(ApiTokens::RevokedAt))
                    .col(time_null(ApiTokens::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_tokens_trust")
                            .from(ApiTokens::Table, ApiTokens::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_api_tokens_school",
                        (ApiTokens::Table, ApiTokens::TrustId, ApiTokens::SchoolId),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_api_tokens_trust_school",
                ApiTokens::Table,
                &[ApiTokens::TrustId, ApiTokens::SchoolId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RoleGrants::Table).to_owned())
            .await
    }
}
