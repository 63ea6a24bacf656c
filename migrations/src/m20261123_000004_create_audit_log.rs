//! The audit log: one row per change, never updated or deleted. The database itself
//! refuses UPDATE and DELETE on it, so not even a bug in attest can rewrite history.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{id, index, text, time, uuid, uuid_null};
use crate::m20261123_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    TrustId,
    OccurredAt,
    ActorKind,
    ActorId,
    Action,
    SubjectType,
    SubjectId,
    Summary,
}

const SQLITE_GUARDS: &str = "
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
";

const POSTGRES_GUARDS: &str = "
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id(AuditLog::Id))
                    .col(uuid(AuditLog::TrustId))
                    .col(time(AuditLog::OccurredAt))
                    .col(text(AuditLog::ActorKind))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(text(AuditLog::Action))
                    .col(text(AuditLog::SubjectType))
                    .col(uuid_null(AuditLog::SubjectId))
                    .col(ColumnDef::new(AuditLog::Summary).json().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_log_trust")
                            .from(AuditLog::Table, AuditLog::TrustId)
                            .to(Trusts::Table, Trusts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_audit_log_trust_time",
                AuditLog::Table,
                &[AuditLog::TrustId, AuditLog::OccurredAt],
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
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()")
                .await?;
        }
        Ok(())
    }
}
