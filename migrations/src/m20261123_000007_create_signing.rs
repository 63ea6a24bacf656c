//! Signing: each policy's re-sign rules, the day each version was published, the
//! append-only acceptance log with its per-trust hash chain, exemptions, magic links,
//! and the email outbox that magic links (and later reminders) are queued in.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    date, date_null, id, index, integer, tenant_fk, text, text_null, time, time_null, unique_index,
    uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    Id,
    TrustId,
    ResignSchedule,
    GraceDays,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    Id,
    TrustId,
    PublishedOn,
}

#[derive(DeriveIden, Clone, Copy)]
enum Acceptances {
    Table,
    Id,
    TrustId,
    Seq,
    PersonId,
    PolicyId,
    VersionId,
    SchoolId,
    Decision,
    ContentHash,
    AudienceKind,
    Variables,
    TypedName,
    Role,
    Answers,
    Method,
    RecordedBy,
    Note,
    DeclineReason,
    SignedAt,
    SignedOn,
    RenewOn,
    Ip,
    UserAgent,
    PrevHash,
    RowHash,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcceptanceChains {
    Table,
    TrustId,
    LastSeq,
    LastHash,
}

#[derive(DeriveIden, Clone, Copy)]
enum Exemptions {
    Table,
    Id,
    TrustId,
    PersonId,
    PolicyId,
    Reason,
    StartsOn,
    EndsOn,
    GrantedByKind,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MagicLinks {
    Table,
    Id,
    TrustId,
    PersonId,
    VersionId,
    SchoolId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    TrustId,
    Kind,
    ToAddress,
    Subject,
    BodyText,
    BodyHtml,
    DedupeKey,
    Status,
    Attempts,
    CreatedAt,
    NextAttemptAt,
    SentAt,
    LastError,
}

const SQLITE_GUARDS: &str = "
CREATE TRIGGER acceptances_no_update BEFORE UPDATE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
CREATE TRIGGER acceptances_no_delete BEFORE DELETE ON acceptances
BEGIN SELECT RAISE(ABORT, 'acceptances are append-only'); END;
UPDATE policy_versions SET published_on = date(published_at) WHERE published_at IS NOT NULL;
";

const POSTGRES_GUARDS: &str = "
CREATE FUNCTION acceptances_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'acceptances are append-only'; END $$;
CREATE TRIGGER acceptances_no_change BEFORE UPDATE OR DELETE ON acceptances
FOR EACH ROW EXECUTE FUNCTION acceptances_append_only();
UPDATE policy_versions SET published_on = (published_at AT TIME ZONE 'Europe/London')::date
WHERE published_at IS NOT NULL;
";

fn json<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).json().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Every 12 months with two weeks' grace until a trust says otherwise.
        manager
            .alter_table(
                Table::alter()
                    .table(Policies::Table)
                    .add_column(
                        ColumnDef::new(Policies::ResignSchedule)
                            .text()
                            .not_null()
                            .default(r#"{"kind":"every_months","months":12}"#),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Policies::Table)
                    .add_column(integer(Policies::GraceDays).default(14))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PolicyVersions::Table)
                    .add_column(date_null(PolicyVersions::PublishedOn))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_versions_trust_id",
                PolicyVersions::Table,
                &[PolicyVersions::TrustId, PolicyVersions::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AcceptanceChains::Table)
                    .col(id(AcceptanceChains::TrustId))
                    .col(
                        ColumnDef::new(AcceptanceChains::LastSeq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(AcceptanceChains::LastHash))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_acceptance_chains_trust")
                            .from(AcceptanceChains::Table, AcceptanceChains::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Acceptances::Table)
                    .col(id(Acceptances::Id))
                    .col(uuid(Acceptances::TrustId))
                    .col(ColumnDef::new(Acceptances::Seq).big_integer().not_null())
                    .col(uuid(Acceptances::PersonId))
                    .col(uuid(Acceptances::PolicyId))
                    .col(uuid(Acceptances::VersionId))
                    .col(uuid(Acceptances::SchoolId))
                    .col(text(Acceptances::Decision))
                    .col(text(Acceptances::ContentHash))
                    .col(text(Acceptances::AudienceKind))
                    .col(json(Acceptances::Variables))
                    .col(text(Acceptances::TypedName))
                    .col(text(Acceptances::Role))
                    .col(json(Acceptances::Answers))
                    .col(text(Acceptances::Method))
                    .col(uuid_null(Acceptances::RecordedBy))
                    .col(text_null(Acceptances::Note))
                    .col(text_null(Acceptances::DeclineReason))
                    .col(time(Acceptances::SignedAt))
                    .col(date(Acceptances::SignedOn))
                    .col(date_null(Acceptances::RenewOn))
                    .col(text_null(Acceptances::Ip))
                    .col(text_null(Acceptances::UserAgent))
                    .col(text(Acceptances::PrevHash))
                    .col(text(Acceptances::RowHash))
                    .foreign_key(&mut tenant_fk(
                        "fk_acceptances_person",
                        (
                            Acceptances::Table,
                            Acceptances::TrustId,
                            Acceptances::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_acceptances_policy",
                        (
                            Acceptances::Table,
                            Acceptances::TrustId,
                            Acceptances::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_acceptances_version",
                        (
                            Acceptances::Table,
                            Acceptances::TrustId,
                            Acceptances::VersionId,
                        ),
                        (
                            PolicyVersions::Table,
                            PolicyVersions::TrustId,
                            PolicyVersions::Id,
                        ),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_acceptances_school",
                        (
                            Acceptances::Table,
                            Acceptances::TrustId,
                            Acceptances::SchoolId,
                        ),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "ux_acceptances_chain",
                vec![Acceptances::TrustId, Acceptances::Seq],
                true,
            ),
            (
                "ix_acceptances_person_policy",
                vec![
                    Acceptances::TrustId,
                    Acceptances::PersonId,
                    Acceptances::PolicyId,
                    Acceptances::Seq,
                ],
                false,
            ),
            (
                "ix_acceptances_policy",
                vec![Acceptances::TrustId, Acceptances::PolicyId],
                false,
            ),
            (
                "ix_acceptances_version",
                vec![Acceptances::TrustId, Acceptances::VersionId],
                false,
            ),
            (
                "ix_acceptances_school",
                vec![Acceptances::TrustId, Acceptances::SchoolId],
                false,
            ),
        ] {
            let statement = if unique {
                unique_index(name, Acceptances::Table, &columns)
            } else {
                index(name, Acceptances::Table, &columns)
            };
            manager.create_index(statement).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Exemptions::Table)
                    .col(id(Exemptions::Id))
                    .col(uuid(Exemptions::TrustId))
                    .col(uuid(Exemptions::PersonId))
                    .col(uuid_null(Exemptions::PolicyId))
                    .col(text(Exemptions::Reason))
                    .col(date(Exemptions::StartsOn))
                    .col(date(Exemptions::EndsOn))
                    .col(text(Exemptions::GrantedByKind))
                    .col(uuid_null(Exemptions::GrantedBy))
                    .col(time(Exemptions::CreatedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_exemptions_person",
                        (Exemptions::Table, Exemptions::TrustId, Exemptions::PersonId),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_exemptions_policy",
                        (Exemptions::Table, Exemptions::TrustId, Exemptions::PolicyId),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_exemptions_person",
                Exemptions::Table,
                &[Exemptions::TrustId, Exemptions::PersonId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_exemptions_policy",
                Exemptions::Table,
                &[Exemptions::TrustId, Exemptions::PolicyId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MagicLinks::Table)
                    .col(id(MagicLinks::Id))
                    .col(uuid(MagicLinks::TrustId))
                    .col(uuid(MagicLinks::PersonId))
                    .col(uuid(MagicLinks::VersionId))
                    .col(uuid(MagicLinks::SchoolId))
                    .col(text(MagicLinks::TokenHash))
                    .col(time(MagicLinks::CreatedAt))
                    .col(time(MagicLinks::ExpiresAt))
                    .col(time_null(MagicLinks::UsedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_magic_links_person",
                        (MagicLinks::Table, MagicLinks::TrustId, MagicLinks::PersonId),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_magic_links_version",
                        (
                            MagicLinks::Table,
                            MagicLinks::TrustId,
                            MagicLinks::VersionId,
                        ),
                        (
                            PolicyVersions::Table,
                            PolicyVersions::TrustId,
                            PolicyVersions::Id,
                        ),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_magic_links_school",
                        (MagicLinks::Table, MagicLinks::TrustId, MagicLinks::SchoolId),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_magic_links_token",
                MagicLinks::Table,
                &[MagicLinks::TokenHash],
            ))
            .await?;
        for (name, column) in [
            ("ix_magic_links_person", MagicLinks::PersonId),
            ("ix_magic_links_version", MagicLinks::VersionId),
            ("ix_magic_links_school", MagicLinks::SchoolId),
        ] {
            manager
                .create_index(index(
                    name,
                    MagicLinks::Table,
                    &[MagicLinks::TrustId, column],
                ))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(uuid(Outbox::TrustId))
                    .col(text(Outbox::Kind))
                    .col(text(Outbox::ToAddress))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::BodyText))
                    .col(text_null(Outbox::BodyHtml))
                    .col(text_null(Outbox::DedupeKey))
                    .col(text(Outbox::Status))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(time(Outbox::CreatedAt))
                    .col(time(Outbox::NextAttemptAt))
                    .col(time_null(Outbox::SentAt))
                    .col(text_null(Outbox::LastError))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_trust")
                            .from(Outbox::Table, Outbox::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_outbox_dedupe",
                Outbox::Table,
                &[Outbox::TrustId, Outbox::DedupeKey],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_outbox_due",
                Outbox::Table,
                &[Outbox::Status, Outbox::NextAttemptAt],
            ))
            .await?;

        let guards = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_GUARDS,
            _ => SQLITE_GUARDS,
        };
        manager.get_connection().execute_unprepared(guards).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            MagicLinks::Table.into_iden(),
            Exemptions::Table.into_iden(),
            Acceptances::Table.into_iden(),
            AcceptanceChains::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS acceptances_append_only()")
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_policy_versions_trust_id")
                    .table(PolicyVersions::Table)
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            (
                PolicyVersions::Table.into_iden(),
                PolicyVersions::PublishedOn.into_iden(),
            ),
            (Policies::Table.into_iden(), Policies::GraceDays.into_iden()),
            (
                Policies::Table.into_iden(),
                Policies::ResignSchedule.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
