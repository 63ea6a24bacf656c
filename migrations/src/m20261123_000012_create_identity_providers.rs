//! Each trust's identity providers for staff sign-in. The client secret is stored
//! sealed (XChaCha20-Poly1305 under the server's key, bound to this row).

use sea_orm_migration::prelude::*;

use crate::columns::{id, text, text_null, time, unique_index, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum IdentityProviders {
    Table,
    Id,
    TrustId,
    Slug,
    Kind,
    DisplayName,
    ClientId,
    SealedSecret,
    TenantId,
    Domains,
    Issuer,
    LinkByEmail,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdentityProviders::Table)
                    .col(id(IdentityProviders::Id))
                    .col(uuid(IdentityProviders::TrustId))
                    .col(text(IdentityProviders::Slug))
                    .col(text(IdentityProviders::Kind))
                    .col(text(IdentityProviders::DisplayName))
                    .col(text(IdentityProviders::ClientId))
                    .col(text(IdentityProviders::SealedSecret))
                    .col(text_null(IdentityProviders::TenantId))
                    .col(text(IdentityProviders::Domains))
                    .col(text(IdentityProviders::Issuer))
                    .col(
                        ColumnDef::new(IdentityProviders::LinkByEmail)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(time(IdentityProviders::CreatedAt))
                    .col(time(IdentityProviders::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_identity_providers_trust")
                            .from(IdentityProviders::Table, IdentityProviders::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_identity_providers_slug",
                IdentityProviders::Table,
                &[IdentityProviders::TrustId, IdentityProviders::Slug],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdentityProviders::Table).to_owned())
            .await
    }
}
