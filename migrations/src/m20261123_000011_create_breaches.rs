//! The breach register: one row per breach (its workflow fields as columns for the
//! register's filters, the DPO's record as JSON), the schools each involves, and an
//! append-only timeline of every change (triggers refuse UPDATE and DELETE).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    id, index, integer, tenant_fk, text, time, time_null, unique_index, uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Breaches {
    Table,
    Id,
    TrustId,
    Reference,
    Year,
    Seq,
    Status,
    Version,
    ReportedByKind,
    ReportedById,
    ReportedAt,
    DiscoveredAt,
    AwareAt,
    SpecialCategory,
    Record,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BreachSchools {
    Table,
    TrustId,
    BreachId,
    SchoolId,
}

#[derive(DeriveIden, Clone, Copy)]
enum BreachEvents {
    Table,
    Id,
    TrustId,
    BreachId,
    Seq,
    At,
    ActorKind,
    ActorId,
    Action,
    Detail,
}

const SQLITE_GUARDS: &str = "
CREATE TRIGGER breach_events_no_update BEFORE UPDATE ON breach_events
BEGIN SELECT RAISE(ABORT, 'breach_events is append-only'); END;
CREATE TRIGGER breach_events_no_delete BEFORE DELETE ON breach_events
BEGIN SELECT RAISE(ABORT, 'breach_events is append-only'); END;
";

const POSTGRES_GUARDS: &str = "
CREATE FUNCTION breach_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'breach_events is append-only'; END $$;
CREATE TRIGGER breach_events_no_change BEFORE UPDATE OR DELETE ON breach_events
FOR EACH ROW EXECUTE FUNCTION breach_events_append_only();
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Breaches::Table)
                    .col(id(Breaches::Id))
                    .col(uuid(Breaches::TrustId))
                    .col(text(Breaches::Reference))
                    .col(integer(Breaches::Year))
                    .col(integer(Breaches::Seq))
                    .col(text(Breaches::Status))
                    .col(integer(Breaches::Version))
                    .col(text(Breaches::ReportedByKind))
                    .col(uuid_null(Breaches::ReportedById))
                    .col(time(Breaches::ReportedAt))
                    .col(time(Breaches::DiscoveredAt))
                    .col(time_null(Breaches::AwareAt))
                    .col(
                        ColumnDef::new(Breaches::SpecialCategory)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text(Breaches::Record))
                    .col(time(Breaches::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_breaches_trust")
                            .from(Breaches::Table, Breaches::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ux_breaches_trust_id",
                vec![Breaches::TrustId, Breaches::Id],
            ),
            (
                "ux_breaches_reference",
                vec![Breaches::TrustId, Breaches::Reference],
            ),
            (
                "ux_breaches_year_seq",
                vec![Breaches::TrustId, Breaches::Year, Breaches::Seq],
            ),
        ] {
            manager
                .create_index(unique_index(name, Breaches::Table, &columns))
                .await?;
        }
        manager
            .create_index(index(
                "ix_breaches_status",
                Breaches::Table,
                &[Breaches::TrustId, Breaches::Status],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BreachSchools::Table)
                    .col(uuid(BreachSchools::TrustId))
                    .col(uuid(BreachSchools::BreachId))
                    .col(uuid(BreachSchools::SchoolId))
                    .primary_key(
                        Index::create()
                            .col(BreachSchools::TrustId)
                            .col(BreachSchools::BreachId)
                            .col(BreachSchools::SchoolId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_breach_schools_breach",
                        (
                            BreachSchools::Table,
                            BreachSchools::TrustId,
                            BreachSchools::BreachId,
                        ),
                        (Breaches::Table, Breaches::TrustId, Breaches::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_breach_schools_school",
                        (
                            BreachSchools::Table,
                            BreachSchools::TrustId,
                            BreachSchools::SchoolId,
                        ),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_breach_schools_school",
                BreachSchools::Table,
                &[BreachSchools::TrustId, BreachSchools::SchoolId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BreachEvents::Table)
                    .col(id(BreachEvents::Id))
                    .col(uuid(BreachEvents::TrustId))
                    .col(uuid(BreachEvents::BreachId))
                    .col(integer(BreachEvents::Seq))
                    .col(time(BreachEvents::At))
                    .col(text(BreachEvents::ActorKind))
                    .col(uuid_null(BreachEvents::ActorId))
                    .col(text(BreachEvents::Action))
                    .col(text(BreachEvents::Detail))
                    .foreign_key(&mut tenant_fk(
                        "fk_breach_events_breach",
                        (
                            BreachEvents::Table,
                            BreachEvents::TrustId,
                            BreachEvents::BreachId,
                        ),
                        (Breaches::Table, Breaches::TrustId, Breaches::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_breach_events_seq",
                BreachEvents::Table,
                &[
                    BreachEvents::TrustId,
                    BreachEvents::BreachId,
                    BreachEvents::Seq,
                ],
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
            BreachEvents::Table.into_iden(),
            BreachSchools::Table.into_iden(),
            Breaches::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS breach_events_append_only()")
                .await?;
        }
        Ok(())
    }
}
