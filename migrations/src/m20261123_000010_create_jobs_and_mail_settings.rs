//! Durable background jobs and each trust's email settings.
//!
//! A job is queued once per dedupe key (the scheduler of every replica tries to insert
//! the same key; one wins), leased by one worker at a time (`lease_owner`, so a worker
//! whose lease ran out cannot record the outcome of a job another has taken over), and
//! retried with backoff until `max_attempts`, then left `dead` for an admin to see.

use sea_orm_migration::prelude::*;

use crate::columns::{
    id, index, integer, text, text_null, time, time_null, unique_index, uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    Id,
    TrustId,
    Kind,
    Payload,
    Status,
    RunAt,
    DedupeKey,
    Attempts,
    MaxAttempts,
    LeaseUntil,
    LeaseOwner,
    LastError,
    Result,
    CreatedAt,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrustMailSettings {
    Table,
    TrustId,
    FromName,
    FromAddress,
    ReplyTo,
    Footer,
    WindowOpens,
    WindowCloses,
    Weekends,
    ReminderDays,
    EscalateAfterOverdueDays,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(id(Jobs::Id))
                    .col(uuid(Jobs::TrustId))
                    .col(text(Jobs::Kind))
                    .col(text(Jobs::Payload))
                    .col(text(Jobs::Status))
                    .col(time(Jobs::RunAt))
                    .col(text_null(Jobs::DedupeKey))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(integer(Jobs::MaxAttempts))
                    .col(time_null(Jobs::LeaseUntil))
                    .col(uuid_null(Jobs::LeaseOwner))
                    .col(text_null(Jobs::LastError))
                    .col(text_null(Jobs::Result))
                    .col(time(Jobs::CreatedAt))
                    .col(time_null(Jobs::StartedAt))
                    .col(time_null(Jobs::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_jobs_trust")
                            .from(Jobs::Table, Jobs::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_jobs_dedupe",
                Jobs::Table,
                &[Jobs::TrustId, Jobs::DedupeKey],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_jobs_due",
                Jobs::Table,
                &[Jobs::Status, Jobs::RunAt],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_jobs_trust_created",
                Jobs::Table,
                &[Jobs::TrustId, Jobs::CreatedAt],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TrustMailSettings::Table)
                    .col(
                        ColumnDef::new(TrustMailSettings::TrustId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text_null(TrustMailSettings::FromName))
                    .col(text_null(TrustMailSettings::FromAddress))
                    .col(text_null(TrustMailSettings::ReplyTo))
                    .col(text_null(TrustMailSettings::Footer))
                    .col(text(TrustMailSettings::WindowOpens))
                    .col(text(TrustMailSettings::WindowCloses))
                    .col(
                        ColumnDef::new(TrustMailSettings::Weekends)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text(TrustMailSettings::ReminderDays))
                    .col(integer(TrustMailSettings::EscalateAfterOverdueDays))
                    .col(time(TrustMailSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trust_mail_settings_trust")
                            .from(TrustMailSettings::Table, TrustMailSettings::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrustMailSettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
