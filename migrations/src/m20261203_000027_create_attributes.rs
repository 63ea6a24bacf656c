//! Attributes a trust defines for who owes what ("works directly with children",
//! "designated safeguarding lead"): the trust's list (with an optional rule from
//! directory fields), the spans of time each person held one (so a past instant's
//! obligations can be recomputed), and the conditions a policy puts on them.

use sea_orm_migration::prelude::*;

use crate::columns::{id, index, tenant_fk, text, text_null, time, time_null, uuid, uuid_null};
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    Id,
    TrustId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrustAttributes {
    Table,
    TrustId,
    Key,
    Label,
    Description,
    DirectoryRule,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PersonAttributes {
    Table,
    Id,
    TrustId,
    PersonId,
    Attribute,
    Source,
    HeldFrom,
    HeldUntil,
    SetBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyAttributeRules {
    Table,
    TrustId,
    PolicyId,
    Attribute,
    Held,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrustAttributes::Table)
                    .col(uuid(TrustAttributes::TrustId))
                    .col(text(TrustAttributes::Key))
                    .col(text(TrustAttributes::Label))
                    .col(text_null(TrustAttributes::Description))
                    .col(text_null(TrustAttributes::DirectoryRule))
                    .col(time(TrustAttributes::CreatedAt))
                    .col(time(TrustAttributes::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(TrustAttributes::TrustId)
                            .col(TrustAttributes::Key),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_attributes_trust")
                            .from(TrustAttributes::Table, TrustAttributes::TrustId)
                            .to(
                                crate::m20261123_000001_create_trusts_and_schools::Trusts::Table,
                                crate::m20261123_000001_create_trusts_and_schools::Trusts::Id,
                            ),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersonAttributes::Table)
                    .col(id(PersonAttributes::Id))
                    .col(uuid(PersonAttributes::TrustId))
                    .col(uuid(PersonAttributes::PersonId))
                    .col(text(PersonAttributes::Attribute))
                    .col(text(PersonAttributes::Source))
                    .col(time(PersonAttributes::HeldFrom))
                    .col(time_null(PersonAttributes::HeldUntil))
                    .col(uuid_null(PersonAttributes::SetBy))
                    .foreign_key(&mut tenant_fk(
                        "fk_person_attributes_person",
                        (
                            PersonAttributes::Table,
                            PersonAttributes::TrustId,
                            PersonAttributes::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_person_attributes_attribute",
                        (
                            PersonAttributes::Table,
                            PersonAttributes::TrustId,
                            PersonAttributes::Attribute,
                        ),
                        (
                            TrustAttributes::Table,
                            TrustAttributes::TrustId,
                            TrustAttributes::Key,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_person_attributes_person",
                PersonAttributes::Table,
                &[
                    PersonAttributes::TrustId,
                    PersonAttributes::PersonId,
                    PersonAttributes::Attribute,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_person_attributes_attribute",
                PersonAttributes::Table,
                &[PersonAttributes::TrustId, PersonAttributes::Attribute],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyAttributeRules::Table)
                    .col(uuid(PolicyAttributeRules::TrustId))
                    .col(uuid(PolicyAttributeRules::PolicyId))
                    .col(text(PolicyAttributeRules::Attribute))
                    .col(
                        ColumnDef::new(PolicyAttributeRules::Held)
                            .boolean()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(PolicyAttributeRules::PolicyId)
                            .col(PolicyAttributeRules::Attribute),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_attribute_rules_policy",
                        (
                            PolicyAttributeRules::Table,
                            PolicyAttributeRules::TrustId,
                            PolicyAttributeRules::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_attribute_rules_attribute",
                        (
                            PolicyAttributeRules::Table,
                            PolicyAttributeRules::TrustId,
                            PolicyAttributeRules::Attribute,
                        ),
                        (
                            TrustAttributes::Table,
                            TrustAttributes::TrustId,
                            TrustAttributes::Key,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_policy_attribute_rules_policy",
                PolicyAttributeRules::Table,
                &[
                    PolicyAttributeRules::TrustId,
                    PolicyAttributeRules::PolicyId,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_policy_attribute_rules_attribute",
                PolicyAttributeRules::Table,
                &[
                    PolicyAttributeRules::TrustId,
                    PolicyAttributeRules::Attribute,
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PolicyAttributeRules::Table.into_iden(),
            PersonAttributes::Table.into_iden(),
            TrustAttributes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
