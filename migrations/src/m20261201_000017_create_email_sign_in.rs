//! Email sign-in: each trust's choice of who may sign in by email, the single-use links
//! that start such a session (only their hash is kept), and how each session started.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, tenant_fk, text, text_null, time, time_null, unique_index, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrustSignInSettings {
    Table,
    TrustId,
    EmailEnabled,
    EmailKinds,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SignInLinks {
    Table,
    Id,
    TrustId,
    PersonId,
    TokenHash,
    SentTo,
    /// `requested` (by the person at the sign-in page) or `issued` (by trust IT or the demo).
    Origin,
    RequestedFrom,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Method,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrustSignInSettings::Table)
                    .col(uuid(TrustSignInSettings::TrustId).primary_key())
                    .col(
                        ColumnDef::new(TrustSignInSettings::EmailEnabled)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text(TrustSignInSettings::EmailKinds))
                    .col(time(TrustSignInSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_sign_in_settings_trust")
                            .from(TrustSignInSettings::Table, TrustSignInSettings::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignInLinks::Table)
                    .col(id(SignInLinks::Id))
                    .col(uuid(SignInLinks::TrustId))
                    .col(uuid(SignInLinks::PersonId))
                    .col(text(SignInLinks::TokenHash))
                    .col(text(SignInLinks::SentTo))
                    .col(text(SignInLinks::Origin))
                    .col(text_null(SignInLinks::RequestedFrom))
                    .col(time(SignInLinks::CreatedAt))
                    .col(time(SignInLinks::ExpiresAt))
                    .col(time_null(SignInLinks::UsedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_sign_in_links_person",
                        (
                            SignInLinks::Table,
                            SignInLinks::TrustId,
                            SignInLinks::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_sign_in_links_token",
                SignInLinks::Table,
                &[SignInLinks::TokenHash],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_sign_in_links_person",
                SignInLinks::Table,
                &[
                    SignInLinks::TrustId,
                    SignInLinks::PersonId,
                    SignInLinks::CreatedAt,
                ],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(
                        ColumnDef::new(Sessions::Method)
                            .text()
                            .not_null()
                            .default("sso"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::Method)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SignInLinks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TrustSignInSettings::Table).to_owned())
            .await
    }
}
