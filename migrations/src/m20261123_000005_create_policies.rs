//! Policies, their versions, and each school's settings for a policy (placeholder
//! values, audience, review dates).

use sea_orm_migration::prelude::*;

use crate::columns::{
    date_null, id, index, tenant_fk, text, text_null, time, time_null, unique_index, uuid,
    uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    Id,
    TrustId,
    SchoolId,
    Kind,
    Title,
    TemplatePolicyId,
    CreatedAt,
    UpdatedAt,
    RetiredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    Id,
    TrustId,
    PolicyId,
    Number,
    State,
    Source,
    Document,
    ContentHash,
    ResignRequired,
    ChangeNote,
    BasedOnVersionId,
    ReviewCycleMonths,
    NextReviewOn,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicySchoolSettings {
    Table,
    TrustId,
    PolicyId,
    SchoolId,
    Variables,
    Audience,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres;
        let template_fk = || {
            tenant_fk(
                "fk_policies_template",
                (
                    Policies::Table,
                    Policies::TrustId,
                    Policies::TemplatePolicyId,
                ),
                (Policies::Table, Policies::TrustId, Policies::Id),
            )
        };
        let mut policies = Table::create();
        policies
            .table(Policies::Table)
            .col(id(Policies::Id))
            .col(uuid(Policies::TrustId))
            .col(uuid_null(Policies::SchoolId))
            .col(text(Policies::Kind))
            .col(text(Policies::Title))
            .col(uuid_null(Policies::TemplatePolicyId))
            .col(time(Policies::CreatedAt))
            .col(time(Policies::UpdatedAt))
            .col(time_null(Policies::RetiredAt))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_policies_trust")
                    .from(Policies::Table, Policies::TrustId)
                    .to(Trusts::Table, Trusts::Id),
            )
            .foreign_key(&mut tenant_fk(
                "fk_policies_school",
                (Policies::Table, Policies::TrustId, Policies::SchoolId),
                (Schools::Table, Schools::TrustId, Schools::Id),
            ));
        // PostgreSQL needs the referenced unique index first; SQLite can only have the
        // key inline (it checks the parent index when rows are written).
        if !postgres {
            policies.foreign_key(&mut template_fk());
        }
        manager.create_table(policies).await?;
        manager
            .create_index(unique_index(
                "ux_policies_trust_id",
                Policies::Table,
                &[Policies::TrustId, Policies::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_policies_trust_school",
                Policies::Table,
                &[Policies::TrustId, Policies::SchoolId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_policies_trust_template",
                Policies::Table,
                &[Policies::TrustId, Policies::TemplatePolicyId],
            ))
            .await?;
        if postgres {
            manager.create_foreign_key(template_fk()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(PolicyVersions::Table)
                    .col(id(PolicyVersions::Id))
                    .col(uuid(PolicyVersions::TrustId))
                    .col(uuid(PolicyVersions::PolicyId))
                    .col(ColumnDef::new(PolicyVersions::Number).integer().not_null())
                    .col(text(PolicyVersions::State))
                    .col(text(PolicyVersions::Source))
                    .col(ColumnDef::new(PolicyVersions::Document).json().not_null())
                    .col(text_null(PolicyVersions::ContentHash))
                    .col(
                        ColumnDef::new(PolicyVersions::ResignRequired)
                            .boolean()
                            .null(),
                    )
                    .col(text_null(PolicyVersions::ChangeNote))
                    .col(uuid_null(PolicyVersions::BasedOnVersionId))
                    .col(
                        ColumnDef::new(PolicyVersions::ReviewCycleMonths)
                            .integer()
                            .null(),
                    )
                    .col(date_null(PolicyVersions::NextReviewOn))
                    .col(time(PolicyVersions::CreatedAt))
                    .col(time(PolicyVersions::UpdatedAt))
                    .col(time_null(PolicyVersions::PublishedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_versions_policy",
                        (
                            PolicyVersions::Table,
                            PolicyVersions::TrustId,
                            PolicyVersions::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_versions_number",
                PolicyVersions::Table,
                &[
                    PolicyVersions::TrustId,
                    PolicyVersions::PolicyId,
                    PolicyVersions::Number,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_policy_versions_based_on",
                PolicyVersions::Table,
                &[PolicyVersions::TrustId, PolicyVersions::BasedOnVersionId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PolicySchoolSettings::Table)
                    .col(uuid(PolicySchoolSettings::TrustId))
                    .col(uuid(PolicySchoolSettings::PolicyId))
                    .col(uuid(PolicySchoolSettings::SchoolId))
                    .col(
                        ColumnDef::new(PolicySchoolSettings::Variables)
                            .json()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PolicySchoolSettings::Audience)
                            .json()
                            .not_null(),
                    )
                    .col(time(PolicySchoolSettings::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(PolicySchoolSettings::TrustId)
                            .col(PolicySchoolSettings::PolicyId)
                            .col(PolicySchoolSettings::SchoolId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_settings_policy",
                        (
                            PolicySchoolSettings::Table,
                            PolicySchoolSettings::TrustId,
                            PolicySchoolSettings::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_settings_school",
                        (
                            PolicySchoolSettings::Table,
                            PolicySchoolSettings::TrustId,
                            PolicySchoolSettings::SchoolId,
                        ),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_policy_settings_school",
                PolicySchoolSettings::Table,
                &[
                    PolicySchoolSettings::TrustId,
                    PolicySchoolSettings::SchoolId,
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PolicySchoolSettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PolicyVersions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Policies::Table).to_owned())
            .await
    }
}
