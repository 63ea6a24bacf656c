//! SCIM 2.0 provisioning: the users and groups an identity system pushes to each trust
//! (the attributes attest keeps, as JSON), and group membership one row per member so
//! that a change to a group of thousands touches only the members it names.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, tenant_fk, text, text_null, time, unique_index, uuid};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ScimUsers {
    Table,
    Id,
    TrustId,
    UserName,
    UserNameKey,
    ExternalId,
    Resource,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ScimGroups {
    Table,
    Id,
    TrustId,
    DisplayName,
    DisplayNameKey,
    ExternalId,
    Resource,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ScimGroupMembers {
    Table,
    TrustId,
    GroupId,
    UserId,
    Member,
}

fn version<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScimUsers::Table)
                    .col(id(ScimUsers::Id))
                    .col(uuid(ScimUsers::TrustId))
                    .col(text(ScimUsers::UserName))
                    .col(text(ScimUsers::UserNameKey))
                    .col(text_null(ScimUsers::ExternalId))
                    .col(text(ScimUsers::Resource))
                    .col(version(ScimUsers::Version))
                    .col(time(ScimUsers::CreatedAt))
                    .col(time(ScimUsers::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scim_users_trust")
                            .from(ScimUsers::Table, ScimUsers::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_scim_users_trust_id",
                ScimUsers::Table,
                &[ScimUsers::TrustId, ScimUsers::Id],
            ))
            .await?;
        manager
            .create_index(unique_index(
                "ux_scim_users_user_name",
                ScimUsers::Table,
                &[ScimUsers::TrustId, ScimUsers::UserNameKey],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_scim_users_external_id",
                ScimUsers::Table,
                &[ScimUsers::TrustId, ScimUsers::ExternalId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimGroups::Table)
                    .col(id(ScimGroups::Id))
                    .col(uuid(ScimGroups::TrustId))
                    .col(text(ScimGroups::DisplayName))
                    .col(text(ScimGroups::DisplayNameKey))
                    .col(text_null(ScimGroups::ExternalId))
                    .col(text(ScimGroups::Resource))
                    .col(version(ScimGroups::Version))
                    .col(time(ScimGroups::CreatedAt))
                    .col(time(ScimGroups::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_scim_groups_trust")
                            .from(ScimGroups::Table, ScimGroups::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_scim_groups_trust_id",
                ScimGroups::Table,
                &[ScimGroups::TrustId, ScimGroups::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_scim_groups_display_name",
                ScimGroups::Table,
                &[ScimGroups::TrustId, ScimGroups::DisplayNameKey],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScimGroupMembers::Table)
                    .col(uuid(ScimGroupMembers::TrustId))
                    .col(uuid(ScimGroupMembers::GroupId))
                    .col(uuid(ScimGroupMembers::UserId))
                    .col(text(ScimGroupMembers::Member))
                    .primary_key(
                        Index::create()
                            .col(ScimGroupMembers::GroupId)
                            .col(ScimGroupMembers::UserId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_scim_group_members_group",
                        (
                            ScimGroupMembers::Table,
                            ScimGroupMembers::TrustId,
                            ScimGroupMembers::GroupId,
                        ),
                        (ScimGroups::Table, ScimGroups::TrustId, ScimGroups::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_scim_group_members_user",
                        (
                            ScimGroupMembers::Table,
                            ScimGroupMembers::TrustId,
                            ScimGroupMembers::UserId,
                        ),
                        (ScimUsers::Table, ScimUsers::TrustId, ScimUsers::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_scim_group_members_group",
                ScimGroupMembers::Table,
                &[ScimGroupMembers::TrustId, ScimGroupMembers::GroupId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_scim_group_members_user",
                ScimGroupMembers::Table,
                &[ScimGroupMembers::TrustId, ScimGroupMembers::UserId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScimGroupMembers::Table.into_iden(),
            ScimGroups::Table.into_iden(),
            ScimUsers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
