//! Obligations beyond signing: a policy's obligation kind (sign, read, training), the
//! check of understanding on a read-and-understand version and every attempt at it,
//! training certificates, in-house sessions with their registers, and external
//! providers' completion files.

use sea_orm_migration::prelude::*;

use crate::columns::{
    date, id, index, integer, tenant_fk, text, text_null, time, unique_index, uuid, uuid_null,
};
use crate::m20261123_000001_create_trusts_and_schools::Schools;
use crate::m20261123_000002_create_people_and_memberships::People;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    Id,
    TrustId,
    Obligation,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    Id,
    TrustId,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnderstandingChecks {
    Table,
    VersionId,
    TrustId,
    Questions,
    PassMark,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnderstandingAttempts {
    Table,
    Id,
    TrustId,
    PersonId,
    PolicyId,
    VersionId,
    SchoolId,
    Chosen,
    Correct,
    Total,
    PassMark,
    Passed,
    AttemptedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingCertificates {
    Table,
    Id,
    TrustId,
    PersonId,
    PolicyId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingSessions {
    Table,
    Id,
    TrustId,
    PolicyId,
    SchoolId,
    HeldOn,
    Trainer,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingAttendance {
    Table,
    TrustId,
    SessionId,
    PersonId,
    AcceptanceId,
}

#[derive(DeriveIden, Clone, Copy)]
enum TrainingImports {
    Table,
    Id,
    TrustId,
    PolicyId,
    Provider,
    FileSha256,
    Lines,
    Recorded,
    Skipped,
    ImportedBy,
    ImportedAt,
}

fn boolean<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).boolean().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Policies::Table)
                    .add_column(
                        ColumnDef::new(Policies::Obligation)
                            .text()
                            .not_null()
                            .default("sign"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnderstandingChecks::Table)
                    .col(id(UnderstandingChecks::VersionId))
                    .col(uuid(UnderstandingChecks::TrustId))
                    .col(text(UnderstandingChecks::Questions))
                    .col(integer(UnderstandingChecks::PassMark))
                    .col(time(UnderstandingChecks::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_understanding_checks_version",
                        (
                            UnderstandingChecks::Table,
                            UnderstandingChecks::TrustId,
                            UnderstandingChecks::VersionId,
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
                "ix_understanding_checks_version",
                UnderstandingChecks::Table,
                &[UnderstandingChecks::TrustId, UnderstandingChecks::VersionId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnderstandingAttempts::Table)
                    .col(id(UnderstandingAttempts::Id))
                    .col(uuid(UnderstandingAttempts::TrustId))
                    .col(uuid(UnderstandingAttempts::PersonId))
                    .col(uuid(UnderstandingAttempts::PolicyId))
                    .col(uuid(UnderstandingAttempts::VersionId))
                    .col(uuid(UnderstandingAttempts::SchoolId))
                    .col(text(UnderstandingAttempts::Chosen))
                    .col(integer(UnderstandingAttempts::Correct))
                    .col(integer(UnderstandingAttempts::Total))
                    .col(integer(UnderstandingAttempts::PassMark))
                    .col(boolean(UnderstandingAttempts::Passed))
                    .col(time(UnderstandingAttempts::AttemptedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_understanding_attempts_person",
                        (
                            UnderstandingAttempts::Table,
                            UnderstandingAttempts::TrustId,
                            UnderstandingAttempts::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_understanding_attempts_version",
                        (
                            UnderstandingAttempts::Table,
                            UnderstandingAttempts::TrustId,
                            UnderstandingAttempts::VersionId,
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
                "ix_understanding_attempts_person",
                UnderstandingAttempts::Table,
                &[
                    UnderstandingAttempts::TrustId,
                    UnderstandingAttempts::PersonId,
                    UnderstandingAttempts::PolicyId,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_understanding_attempts_version",
                UnderstandingAttempts::Table,
                &[
                    UnderstandingAttempts::TrustId,
                    UnderstandingAttempts::VersionId,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingCertificates::Table)
                    .col(id(TrainingCertificates::Id))
                    .col(uuid(TrainingCertificates::TrustId))
                    .col(uuid(TrainingCertificates::PersonId))
                    .col(uuid(TrainingCertificates::PolicyId))
                    .col(text(TrainingCertificates::FileName))
                    .col(text(TrainingCertificates::ContentType))
                    .col(
                        ColumnDef::new(TrainingCertificates::SizeBytes)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(TrainingCertificates::Sha256))
                    .col(
                        ColumnDef::new(TrainingCertificates::Content)
                            .blob()
                            .not_null(),
                    )
                    .col(uuid_null(TrainingCertificates::UploadedBy))
                    .col(time(TrainingCertificates::UploadedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_certificates_person",
                        (
                            TrainingCertificates::Table,
                            TrainingCertificates::TrustId,
                            TrainingCertificates::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_certificates_policy",
                        (
                            TrainingCertificates::Table,
                            TrainingCertificates::TrustId,
                            TrainingCertificates::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_training_certificates_person",
                TrainingCertificates::Table,
                &[
                    TrainingCertificates::TrustId,
                    TrainingCertificates::PersonId,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_training_certificates_policy",
                TrainingCertificates::Table,
                &[
                    TrainingCertificates::TrustId,
                    TrainingCertificates::PolicyId,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingSessions::Table)
                    .col(id(TrainingSessions::Id))
                    .col(uuid(TrainingSessions::TrustId))
                    .col(uuid(TrainingSessions::PolicyId))
                    .col(uuid(TrainingSessions::SchoolId))
                    .col(date(TrainingSessions::HeldOn))
                    .col(text(TrainingSessions::Trainer))
                    .col(text_null(TrainingSessions::Note))
                    .col(uuid_null(TrainingSessions::RecordedBy))
                    .col(time(TrainingSessions::CreatedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_sessions_policy",
                        (
                            TrainingSessions::Table,
                            TrainingSessions::TrustId,
                            TrainingSessions::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_sessions_school",
                        (
                            TrainingSessions::Table,
                            TrainingSessions::TrustId,
                            TrainingSessions::SchoolId,
                        ),
                        (Schools::Table, Schools::TrustId, Schools::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_training_sessions_trust_id",
                TrainingSessions::Table,
                &[TrainingSessions::TrustId, TrainingSessions::Id],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_training_sessions_policy",
                TrainingSessions::Table,
                &[
                    TrainingSessions::TrustId,
                    TrainingSessions::PolicyId,
                    TrainingSessions::HeldOn,
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_training_sessions_school",
                TrainingSessions::Table,
                &[TrainingSessions::TrustId, TrainingSessions::SchoolId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingAttendance::Table)
                    .col(uuid(TrainingAttendance::TrustId))
                    .col(uuid(TrainingAttendance::SessionId))
                    .col(uuid(TrainingAttendance::PersonId))
                    .col(uuid_null(TrainingAttendance::AcceptanceId))
                    .primary_key(
                        Index::create()
                            .col(TrainingAttendance::SessionId)
                            .col(TrainingAttendance::PersonId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_training_attendance_session",
                        (
                            TrainingAttendance::Table,
                            TrainingAttendance::TrustId,
                            TrainingAttendance::SessionId,
                        ),
                        (
                            TrainingSessions::Table,
                            TrainingSessions::TrustId,
                            TrainingSessions::Id,
                        ),
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_attendance_person",
                        (
                            TrainingAttendance::Table,
                            TrainingAttendance::TrustId,
                            TrainingAttendance::PersonId,
                        ),
                        (People::Table, People::TrustId, People::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_training_attendance_session",
                TrainingAttendance::Table,
                &[TrainingAttendance::TrustId, TrainingAttendance::SessionId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_training_attendance_person",
                TrainingAttendance::Table,
                &[TrainingAttendance::TrustId, TrainingAttendance::PersonId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingImports::Table)
                    .col(id(TrainingImports::Id))
                    .col(uuid(TrainingImports::TrustId))
                    .col(uuid(TrainingImports::PolicyId))
                    .col(text(TrainingImports::Provider))
                    .col(text(TrainingImports::FileSha256))
                    .col(integer(TrainingImports::Lines))
                    .col(integer(TrainingImports::Recorded))
                    .col(integer(TrainingImports::Skipped))
                    .col(uuid_null(TrainingImports::ImportedBy))
                    .col(time(TrainingImports::ImportedAt))
                    .foreign_key(&mut tenant_fk(
                        "fk_training_imports_policy",
                        (
                            TrainingImports::Table,
                            TrainingImports::TrustId,
                            TrainingImports::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_training_imports_policy",
                TrainingImports::Table,
                &[TrainingImports::TrustId, TrainingImports::PolicyId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TrainingImports::Table.into_iden(),
            TrainingAttendance::Table.into_iden(),
            TrainingSessions::Table.into_iden(),
            TrainingCertificates::Table.into_iden(),
            UnderstandingAttempts::Table.into_iden(),
            UnderstandingChecks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Policies::Table)
                    .drop_column(Policies::Obligation)
                    .to_owned(),
            )
            .await
    }
}
