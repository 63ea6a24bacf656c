//! The DPO's casework beyond breaches: information requests with their timeline and
//! documents, the record of processing activities, suppliers, links from breaches to
//! the activities and suppliers they touched, and each trust's term calendar.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    append_only_guards, date, date_null, id, index, integer, tenant_fk, text, text_null, time,
    unique_index, uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::{Schools, Trusts};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TrustCalendars {
    Table,
    TrustId,
    Calendar,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InfoRequests {
    Table,
    Id,
    TrustId,
    SchoolId,
    Reference,
    Kind,
    Year,
    Seq,
    Status,
    ReceivedOn,
    DueOn,
    ClosedOn,
    Version,
    Record,
    LoggedByKind,
    LoggedById,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum InfoRequestEvents {
    Table,
    Id,
    TrustId,
    RequestId,
    Seq,
    At,
    ActorKind,
    ActorId,
    Action,
    Detail,
}

#[derive(DeriveIden, Clone, Copy)]
enum InfoRequestDocuments {
    Table,
    Id,
    TrustId,
    RequestId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    Description,
    UploadedByKind,
    UploadedById,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProcessingActivities {
    Table,
    Id,
    TrustId,
    SchoolId,
    Name,
    Record,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Suppliers {
    Table,
    Id,
    TrustId,
    Name,
    Record,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BreachLinks {
    Table,
    TrustId,
    BreachId,
    Kind,
    TargetId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Breaches {
    Table,
    TrustId,
    Id,
}

fn trust_fk<T: IntoIden + Copy, C: IntoIden + Copy>(
    name: &str,
    table: T,
    column: C,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Trusts::Table, Trusts::Id)
        .to_owned()
}

async fn calendars_and_requests(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(TrustCalendars::Table)
                .col(
                    ColumnDef::new(TrustCalendars::TrustId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(text(TrustCalendars::Calendar))
                .col(time(TrustCalendars::UpdatedAt))
                .foreign_key(&mut trust_fk(
                    "fk_trust_calendars_trust",
                    TrustCalendars::Table,
                    TrustCalendars::TrustId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(InfoRequests::Table)
                .col(id(InfoRequests::Id))
                .col(uuid(InfoRequests::TrustId))
                .col(uuid_null(InfoRequests::SchoolId))
                .col(text(InfoRequests::Reference))
                .col(text(InfoRequests::Kind))
                .col(integer(InfoRequests::Year))
                .col(integer(InfoRequests::Seq))
                .col(text(InfoRequests::Status))
                .col(date(InfoRequests::ReceivedOn))
                .col(date(InfoRequests::DueOn))
                .col(date_null(InfoRequests::ClosedOn))
                .col(integer(InfoRequests::Version))
                .col(text(InfoRequests::Record))
                .col(text(InfoRequests::LoggedByKind))
                .col(uuid_null(InfoRequests::LoggedById))
                .col(time(InfoRequests::CreatedAt))
                .col(time(InfoRequests::UpdatedAt))
                .foreign_key(&mut trust_fk(
                    "fk_info_requests_trust",
                    InfoRequests::Table,
                    InfoRequests::TrustId,
                ))
                .foreign_key(&mut tenant_fk(
                    "fk_info_requests_school",
                    (
                        InfoRequests::Table,
                        InfoRequests::TrustId,
                        InfoRequests::SchoolId,
                    ),
                    (Schools::Table, Schools::TrustId, Schools::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique_index(
            "ux_info_requests_trust_id",
            InfoRequests::Table,
            &[InfoRequests::TrustId, InfoRequests::Id],
        ))
        .await?;
    manager
        .create_index(unique_index(
            "ux_info_requests_reference",
            InfoRequests::Table,
            &[InfoRequests::TrustId, InfoRequests::Reference],
        ))
        .await?;
    manager
        .create_index(index(
            "ix_info_requests_school",
            InfoRequests::Table,
            &[InfoRequests::TrustId, InfoRequests::SchoolId],
        ))
        .await?;
    manager
        .create_index(index(
            "ix_info_requests_due",
            InfoRequests::Table,
            &[
                InfoRequests::TrustId,
                InfoRequests::Status,
                InfoRequests::DueOn,
            ],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(InfoRequestEvents::Table)
                .col(id(InfoRequestEvents::Id))
                .col(uuid(InfoRequestEvents::TrustId))
                .col(uuid(InfoRequestEvents::RequestId))
                .col(integer(InfoRequestEvents::Seq))
                .col(time(InfoRequestEvents::At))
                .col(text(InfoRequestEvents::ActorKind))
                .col(uuid_null(InfoRequestEvents::ActorId))
                .col(text(InfoRequestEvents::Action))
                .col(text(InfoRequestEvents::Detail))
                .foreign_key(&mut tenant_fk(
                    "fk_info_request_events_request",
                    (
                        InfoRequestEvents::Table,
                        InfoRequestEvents::TrustId,
                        InfoRequestEvents::RequestId,
                    ),
                    (InfoRequests::Table, InfoRequests::TrustId, InfoRequests::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique_index(
            "ux_info_request_events_seq",
            InfoRequestEvents::Table,
            &[
                InfoRequestEvents::TrustId,
                InfoRequestEvents::RequestId,
                InfoRequestEvents::Seq,
            ],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(InfoRequestDocuments::Table)
                .col(id(InfoRequestDocuments::Id))
                .col(uuid(InfoRequestDocuments::TrustId))
                .col(uuid(InfoRequestDocuments::RequestId))
                .col(text(InfoRequestDocuments::FileName))
                .col(text(InfoRequestDocuments::ContentType))
                .col(
                    ColumnDef::new(InfoRequestDocuments::SizeBytes)
                        .big_integer()
                        .not_null(),
                )
                .col(text(InfoRequestDocuments::Sha256))
                .col(
                    ColumnDef::new(InfoRequestDocuments::Content)
                        .blob()
                        .not_null(),
                )
                .col(text_null(InfoRequestDocuments::Description))
                .col(text(InfoRequestDocuments::UploadedByKind))
                .col(uuid_null(InfoRequestDocuments::UploadedById))
                .col(time(InfoRequestDocuments::UploadedAt))
                .foreign_key(&mut tenant_fk(
                    "fk_info_request_documents_request",
                    (
                        InfoRequestDocuments::Table,
                        InfoRequestDocuments::TrustId,
                        InfoRequestDocuments::RequestId,
                    ),
                    (InfoRequests::Table, InfoRequests::TrustId, InfoRequests::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "ix_info_request_documents_request",
            InfoRequestDocuments::Table,
            &[
                InfoRequestDocuments::TrustId,
                InfoRequestDocuments::RequestId,
            ],
        ))
        .await?;
    let backend = manager.get_database_backend();
    for table in ["info_request_events", "info_request_documents"] {
        manager
            .get_connection()
            .execute_unprepared(&append_only_guards(table, backend))
            .await?;
    }
    Ok(())
}

async fn records(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ProcessingActivities::Table)
                .col(id(ProcessingActivities::Id))
                .col(uuid(ProcessingActivities::TrustId))
                .col(uuid_null(ProcessingActivities::SchoolId))
                .col(text(ProcessingActivities::Name))
                .col(text(ProcessingActivities::Record))
                .col(time(ProcessingActivities::CreatedAt))
                .col(time(ProcessingActivities::UpdatedAt))
                .foreign_key(&mut trust_fk(
                    "fk_processing_activities_trust",
                    ProcessingActivities::Table,
                    ProcessingActivities::TrustId,
                ))
                .foreign_key(&mut tenant_fk(
                    "fk_processing_activities_school",
                    (
                        ProcessingActivities::Table,
                        ProcessingActivities::TrustId,
                        ProcessingActivities::SchoolId,
                    ),
                    (Schools::Table, Schools::TrustId, Schools::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique_index(
            "ux_processing_activities_trust_id",
            ProcessingActivities::Table,
            &[ProcessingActivities::TrustId, ProcessingActivities::Id],
        ))
        .await?;
    manager
        .create_index(index(
            "ix_processing_activities_school",
            ProcessingActivities::Table,
            &[
                ProcessingActivities::TrustId,
                ProcessingActivities::SchoolId,
            ],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Suppliers::Table)
                .col(id(Suppliers::Id))
                .col(uuid(Suppliers::TrustId))
                .col(text(Suppliers::Name))
                .col(text(Suppliers::Record))
                .col(time(Suppliers::CreatedAt))
                .col(time(Suppliers::UpdatedAt))
                .foreign_key(&mut trust_fk(
                    "fk_suppliers_trust",
                    Suppliers::Table,
                    Suppliers::TrustId,
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(unique_index(
            "ux_suppliers_trust_id",
            Suppliers::Table,
            &[Suppliers::TrustId, Suppliers::Id],
        ))
        .await?;
    manager
        .create_index(unique_index(
            "ux_suppliers_trust_name",
            Suppliers::Table,
            &[Suppliers::TrustId, Suppliers::Name],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(BreachLinks::Table)
                .col(uuid(BreachLinks::TrustId))
                .col(uuid(BreachLinks::BreachId))
                .col(text(BreachLinks::Kind))
                .col(uuid(BreachLinks::TargetId))
                .primary_key(
                    Index::create()
                        .col(BreachLinks::TrustId)
                        .col(BreachLinks::BreachId)
                        .col(BreachLinks::Kind)
                        .col(BreachLinks::TargetId),
                )
                .foreign_key(&mut tenant_fk(
                    "fk_breach_links_breach",
                    (
                        BreachLinks::Table,
                        BreachLinks::TrustId,
                        BreachLinks::BreachId,
                    ),
                    (Breaches::Table, Breaches::TrustId, Breaches::Id),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "ix_breach_links_target",
            BreachLinks::Table,
            &[BreachLinks::TrustId, BreachLinks::TargetId],
        ))
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        calendars_and_requests(manager).await?;
        records(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "breach_links",
            "suppliers",
            "processing_activities",
            "info_request_documents",
            "info_request_events",
            "info_requests",
            "trust_calendars",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "DROP FUNCTION IF EXISTS info_request_events_append_only(); DROP FUNCTION IF EXISTS info_request_documents_append_only()",
                )
                .await?;
        }
        Ok(())
    }
}
