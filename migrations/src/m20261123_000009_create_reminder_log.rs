//! Which reminder step each person has had for each policy version. The primary key is
//! the promise "never twice the same (person, version, step)": a scheduler tick that
//! finds the row already there (another replica's tick got there first) sends nothing.

use sea_orm_migration::prelude::*;

use crate::columns::{date, index, tenant_fk, text, time, uuid};
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReminderLog {
    Table,
    TrustId,
    PersonId,
    VersionId,
    Step,
    WindowDay,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    Id,
    TrustId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReminderLog::Table)
                    .col(uuid(ReminderLog::TrustId))
                    .col(uuid(ReminderLog::PersonId))
                    .col(uuid(ReminderLog::VersionId))
                    .col(text(ReminderLog::Step))
                    .col(date(ReminderLog::WindowDay))
                    .col(time(ReminderLog::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ReminderLog::TrustId)
                            .col(ReminderLog::PersonId)
                            .col(ReminderLog::VersionId)
                            .col(ReminderLog::Step),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_reminder_log_person",
                        (
                            ReminderLog::Table,
                            ReminderLog::TrustId,
                            ReminderLog::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_reminder_log_version",
                        (
                            ReminderLog::Table,
                            ReminderLog::TrustId,
                            ReminderLog::VersionId,
                        ),
                        (
                            PolicyVersions::Table,
                            PolicyVersions::TrustId,
                            PolicyVersions::Id,
                        ),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_reminder_log_version",
                ReminderLog::Table,
                &[ReminderLog::TrustId, ReminderLog::VersionId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReminderLog::Table).to_owned())
            .await
    }
}
