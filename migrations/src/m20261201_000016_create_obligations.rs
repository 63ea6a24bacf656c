//! The obligations read model: each (person, policy, school) owed, with the dates that
//! decide its status, kept as revisions (`valid_from`, `valid_to`) so the rows current
//! now are `valid_to IS NULL` and the rows at a past instant are a range lookup. And
//! each person's next recheck: the day a membership or exemption starts or ends.

use sea_orm_migration::prelude::*;

use crate::columns::{
    date, date_null, id, integer, text, text_null, time, time_null, uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Obligations {
    Table,
    Id,
    TrustId,
    PersonId,
    PolicyId,
    SchoolId,
    Kind,
    TrustKind,
    CountsForTrust,
    ObligedSince,
    DueOn,
    OverdueAfter,
    GraceDays,
    ExemptUntil,
    CurrentNumber,
    CurrentVersionId,
    AcceptanceId,
    SignedAt,
    DeclinedAt,
    DeclineReason,
    ValidFrom,
    ValidTo,
}

#[derive(DeriveIden, Clone, Copy)]
enum ObligationRechecks {
    Table,
    TrustId,
    PersonId,
    RecheckOn,
}

/// Partial indexes, written the same on both databases.
const INDEXES: [&str; 5] = [
    "CREATE UNIQUE INDEX ux_obligations_current ON obligations \
     (trust_id, person_id, policy_id, school_id) WHERE valid_to IS NULL",
    // Covers the summary: it reads only this index, in its order (no sort).
    "CREATE INDEX ix_obligations_current_school ON obligations \
     (trust_id, school_id, kind, trust_kind, counts_for_trust, exempt_until, due_on, \
     overdue_after, person_id, policy_id) WHERE valid_to IS NULL",
    "CREATE INDEX ix_obligations_current_policy ON obligations (trust_id, policy_id) \
     WHERE valid_to IS NULL",
    // Covers a past instant's summary: the revisions begun by then, still in force.
    "CREATE INDEX ix_obligations_history ON obligations \
     (trust_id, valid_from, valid_to, school_id, kind, trust_kind, counts_for_trust, \
     exempt_until, due_on, overdue_after)",
    "CREATE INDEX ix_obligation_rechecks_due ON obligation_rechecks (trust_id, recheck_on)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Obligations::Table)
                    .col(id(Obligations::Id))
                    .col(uuid(Obligations::TrustId))
                    .col(uuid(Obligations::PersonId))
                    .col(uuid(Obligations::PolicyId))
                    .col(uuid(Obligations::SchoolId))
                    .col(text(Obligations::Kind))
                    .col(text(Obligations::TrustKind))
                    .col(
                        ColumnDef::new(Obligations::CountsForTrust)
                            .boolean()
                            .not_null(),
                    )
                    .col(date(Obligations::ObligedSince))
                    .col(date_null(Obligations::DueOn))
                    .col(date_null(Obligations::OverdueAfter))
                    .col(integer(Obligations::GraceDays))
                    .col(date_null(Obligations::ExemptUntil))
                    .col(integer(Obligations::CurrentNumber))
                    .col(uuid(Obligations::CurrentVersionId))
                    .col(uuid_null(Obligations::AcceptanceId))
                    .col(time_null(Obligations::SignedAt))
                    .col(time_null(Obligations::DeclinedAt))
                    .col(text_null(Obligations::DeclineReason))
                    .col(time(Obligations::ValidFrom))
                    .col(time_null(Obligations::ValidTo))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_obligations_trust")
                            .from(Obligations::Table, Obligations::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ObligationRechecks::Table)
                    .col(uuid(ObligationRechecks::TrustId))
                    .col(uuid(ObligationRechecks::PersonId))
                    .col(date(ObligationRechecks::RecheckOn))
                    .primary_key(
                        Index::create()
                            .col(ObligationRechecks::TrustId)
                            .col(ObligationRechecks::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_obligation_rechecks_trust")
                            .from(ObligationRechecks::Table, ObligationRechecks::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for index in INDEXES {
            manager.get_connection().execute_unprepared(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ObligationRechecks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Obligations::Table).to_owned())
            .await
    }
}
