//! Evidence a signature carries (issue 21): chain format 2 with the view, the changes
//! shown and a commitment to the personal fields, which move to a table of their own so
//! they can be erased; the identity behind each session; signing views; each trust's
//! reading rule; the server's Ed25519 keys, the signed chain head and daily anchors.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    append_only_guards, id, index, integer, tenant_fk, text, text_null, time, time_null, uuid,
};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Acceptances {
    Table,
    ChainFormat,
    Evidence,
    PersonalCommitment,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcceptancePersonal {
    Table,
    AcceptanceId,
    TrustId,
    Salt,
    Fields,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcceptanceErasures {
    Table,
    AcceptanceId,
    TrustId,
    ErasedAt,
    Reason,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Identity,
}

#[derive(DeriveIden, Clone, Copy)]
enum SigningViews {
    Table,
    Id,
    TrustId,
    PersonId,
    VersionId,
    SchoolId,
    OpenedAt,
    ReachedEndAt,
    ScriptsOffAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrustSigningSettings {
    Table,
    TrustId,
    MinViewSeconds,
    RequireReadToEnd,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChainSigningKeys {
    Table,
    KeyId,
    PublicKey,
    SealedPrivateKey,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AcceptanceChains {
    Table,
    SignedAt,
    KeyId,
    Signature,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChainAnchors {
    Table,
    Id,
    TrustId,
    Seq,
    HeadHash,
    AnchoredAt,
    KeyId,
    Signature,
    TimestampAuthority,
    TimestampToken,
}

fn json_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).json().null().take()
}

const SQLITE_PERSONAL_GUARD: &str = "
CREATE TRIGGER acceptance_personal_no_update BEFORE UPDATE ON acceptance_personal
BEGIN SELECT RAISE(ABORT, 'acceptance_personal is never changed, only erased'); END;";

const POSTGRES_PERSONAL_GUARD: &str = "
CREATE FUNCTION acceptance_personal_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'acceptance_personal is never changed, only erased'; END $$;
CREATE TRIGGER acceptance_personal_no_change BEFORE UPDATE ON acceptance_personal
FOR EACH ROW EXECUTE FUNCTION acceptance_personal_no_update();";

impl Migration {
    async fn alter_existing(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Acceptances::ChainFormat)
                .integer()
                .not_null()
                .default(1)
                .take(),
            json_null(Acceptances::Evidence),
            text_null(Acceptances::PersonalCommitment),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Acceptances::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(json_null(Sessions::Identity))
                    .to_owned(),
            )
            .await?;
        for column in [
            time_null(AcceptanceChains::SignedAt),
            text_null(AcceptanceChains::KeyId),
            text_null(AcceptanceChains::Signature),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AcceptanceChains::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn create_personal(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AcceptancePersonal::Table)
                    .col(id(AcceptancePersonal::AcceptanceId))
                    .col(uuid(AcceptancePersonal::TrustId))
                    .col(text(AcceptancePersonal::Salt))
                    .col(ColumnDef::new(AcceptancePersonal::Fields).json().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AcceptanceErasures::Table)
                    .col(id(AcceptanceErasures::AcceptanceId))
                    .col(uuid(AcceptanceErasures::TrustId))
                    .col(time(AcceptanceErasures::ErasedAt))
                    .col(text(AcceptanceErasures::Reason))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn create_views_and_settings(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SigningViews::Table)
                    .col(id(SigningViews::Id))
                    .col(uuid(SigningViews::TrustId))
                    .col(uuid(SigningViews::PersonId))
                    .col(uuid(SigningViews::VersionId))
                    .col(uuid(SigningViews::SchoolId))
                    .col(time(SigningViews::OpenedAt))
                    .col(time_null(SigningViews::ReachedEndAt))
                    .col(time_null(SigningViews::ScriptsOffAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_signing_views_person",
                        (
                            SigningViews::Table,
                            SigningViews::TrustId,
                            SigningViews::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_signing_views_person",
                SigningViews::Table,
                &[
                    SigningViews::TrustId,
                    SigningViews::PersonId,
                    SigningViews::VersionId,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrustSigningSettings::Table)
                    .col(id(TrustSigningSettings::TrustId))
                    .col(integer(TrustSigningSettings::MinViewSeconds))
                    .col(
                        ColumnDef::new(TrustSigningSettings::RequireReadToEnd)
                            .boolean()
                            .not_null(),
                    )
                    .col(time(TrustSigningSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_signing_settings_trust")
                            .from(TrustSigningSettings::Table, TrustSigningSettings::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn create_seals(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChainSigningKeys::Table)
                    .col(
                        ColumnDef::new(ChainSigningKeys::KeyId)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(ChainSigningKeys::PublicKey))
                    .col(text(ChainSigningKeys::SealedPrivateKey))
                    .col(time(ChainSigningKeys::CreatedAt))
                    .col(time_null(ChainSigningKeys::RetiredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChainAnchors::Table)
                    .col(id(ChainAnchors::Id))
                    .col(uuid(ChainAnchors::TrustId))
                    .col(ColumnDef::new(ChainAnchors::Seq).big_integer().not_null())
                    .col(text(ChainAnchors::HeadHash))
                    .col(time(ChainAnchors::AnchoredAt))
                    .col(text(ChainAnchors::KeyId))
                    .col(text(ChainAnchors::Signature))
                    .col(text_null(ChainAnchors::TimestampAuthority))
                    .col(text_null(ChainAnchors::TimestampToken))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_chain_anchors_trust")
                            .from(ChainAnchors::Table, ChainAnchors::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_chain_anchors_trust",
                ChainAnchors::Table,
                &[ChainAnchors::TrustId, ChainAnchors::AnchoredAt],
            ))
            .await
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Self::alter_existing(manager).await?;
        Self::create_personal(manager).await?;
        Self::create_views_and_settings(manager).await?;
        Self::create_seals(manager).await?;
        let backend = manager.get_database_backend();
        let personal = match backend {
            DbBackend::Postgres => POSTGRES_PERSONAL_GUARD,
            _ => SQLITE_PERSONAL_GUARD,
        };
        let guards = format!(
            "{personal}\n{}\n{}",
            append_only_guards("acceptance_erasures", backend),
            append_only_guards("chain_anchors", backend)
        );
        manager.get_connection().execute_unprepared(&guards).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChainAnchors::Table.into_iden(),
            ChainSigningKeys::Table.into_iden(),
            TrustSigningSettings::Table.into_iden(),
            SigningViews::Table.into_iden(),
            AcceptanceErasures::Table.into_iden(),
            AcceptancePersonal::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "DROP FUNCTION IF EXISTS acceptance_personal_no_update();
                     DROP FUNCTION IF EXISTS acceptance_erasures_append_only();
                     DROP FUNCTION IF EXISTS chain_anchors_append_only();",
                )
                .await?;
        }
        for column in [
            AcceptanceChains::SignedAt,
            AcceptanceChains::KeyId,
            AcceptanceChains::Signature,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AcceptanceChains::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::Identity)
                    .to_owned(),
            )
            .await?;
        for column in [
            Acceptances::ChainFormat,
            Acceptances::Evidence,
            Acceptances::PersonalCommitment,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Acceptances::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
