//! Policy governance: each policy's approval rule (who approves, how many), the review
//! of each version submitted for approval (stage, round, scheduled publication), and
//! the reviewers' comments and approvers' decisions (append-only: a decision or a
//! comment is never changed; an edit starts a new round instead).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{
    append_only_guards, date_null, id, index, integer, tenant_fk, text, text_null, time,
    unique_index, uuid, uuid_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PolicyApprovalRules {
    Table,
    Id,
    TrustId,
    PolicyId,
    Rule,
    UpdatedAt,
    UpdatedByKind,
    UpdatedById,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyReviews {
    Table,
    Id,
    TrustId,
    VersionId,
    Stage,
    Round,
    ScheduledOn,
    ResignRequired,
    ChangeNote,
    SubmittedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyReviewDecisions {
    Table,
    Id,
    TrustId,
    VersionId,
    Round,
    Seat,
    Capacity,
    PersonId,
    Verdict,
    Meeting,
    Minute,
    EffectiveOn,
    Reason,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyReviewComments {
    Table,
    Id,
    TrustId,
    VersionId,
    Round,
    AuthorKind,
    AuthorId,
    Clause,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Policies {
    Table,
    TrustId,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum PolicyVersions {
    Table,
    TrustId,
    Id,
}

const APPEND_ONLY: [&str; 2] = ["policy_review_decisions", "policy_review_comments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PolicyApprovalRules::Table)
                    .col(id(PolicyApprovalRules::Id))
                    .col(uuid(PolicyApprovalRules::TrustId))
                    .col(uuid(PolicyApprovalRules::PolicyId))
                    .col(text(PolicyApprovalRules::Rule))
                    .col(time(PolicyApprovalRules::UpdatedAt))
                    .col(text(PolicyApprovalRules::UpdatedByKind))
                    .col(uuid_null(PolicyApprovalRules::UpdatedById))
                    .foreign_key(&mut tenant_fk(
                        "fk_policy_approval_rules_policy",
                        (
                            PolicyApprovalRules::Table,
                            PolicyApprovalRules::TrustId,
                            PolicyApprovalRules::PolicyId,
                        ),
                        (Policies::Table, Policies::TrustId, Policies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_approval_rules_policy",
                PolicyApprovalRules::Table,
                &[PolicyApprovalRules::TrustId, PolicyApprovalRules::PolicyId],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyReviews::Table)
                    .col(id(PolicyReviews::Id))
                    .col(uuid(PolicyReviews::TrustId))
                    .col(uuid(PolicyReviews::VersionId))
                    .col(text(PolicyReviews::Stage))
                    .col(integer(PolicyReviews::Round))
                    .col(date_null(PolicyReviews::ScheduledOn))
                    .col(
                        ColumnDef::new(PolicyReviews::ResignRequired)
                            .boolean()
                            .null(),
                    )
                    .col(text_null(PolicyReviews::ChangeNote))
                    .col(time(PolicyReviews::SubmittedAt))
                    .col(time(PolicyReviews::UpdatedAt))
                    .foreign_key(&mut version_fk(
                        "fk_policy_reviews_version",
                        PolicyReviews::Table,
                        PolicyReviews::TrustId,
                        PolicyReviews::VersionId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "ux_policy_reviews_version",
                PolicyReviews::Table,
                &[PolicyReviews::TrustId, PolicyReviews::VersionId],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_policy_reviews_stage",
                PolicyReviews::Table,
                &[PolicyReviews::TrustId, PolicyReviews::Stage],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyReviewDecisions::Table)
                    .col(id(PolicyReviewDecisions::Id))
                    .col(uuid(PolicyReviewDecisions::TrustId))
                    .col(uuid(PolicyReviewDecisions::VersionId))
                    .col(integer(PolicyReviewDecisions::Round))
                    .col(integer(PolicyReviewDecisions::Seat))
                    .col(text(PolicyReviewDecisions::Capacity))
                    .col(uuid_null(PolicyReviewDecisions::PersonId))
                    .col(text(PolicyReviewDecisions::Verdict))
                    .col(text_null(PolicyReviewDecisions::Meeting))
                    .col(text_null(PolicyReviewDecisions::Minute))
                    .col(date_null(PolicyReviewDecisions::EffectiveOn))
                    .col(text_null(PolicyReviewDecisions::Reason))
                    .col(time(PolicyReviewDecisions::DecidedAt))
                    .foreign_key(&mut version_fk(
                        "fk_policy_review_decisions_version",
                        PolicyReviewDecisions::Table,
                        PolicyReviewDecisions::TrustId,
                        PolicyReviewDecisions::VersionId,
                    ))
                    .to_owned(),
            )
            .await?;
        // One decision per seat and round, even when two arrive at once.
        manager
            .create_index(unique_index(
                "ux_policy_review_decisions_seat",
                PolicyReviewDecisions::Table,
                &[
                    PolicyReviewDecisions::TrustId,
                    PolicyReviewDecisions::VersionId,
                    PolicyReviewDecisions::Round,
                    PolicyReviewDecisions::Seat,
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyReviewComments::Table)
                    .col(id(PolicyReviewComments::Id))
                    .col(uuid(PolicyReviewComments::TrustId))
                    .col(uuid(PolicyReviewComments::VersionId))
                    .col(integer(PolicyReviewComments::Round))
                    .col(text(PolicyReviewComments::AuthorKind))
                    .col(uuid_null(PolicyReviewComments::AuthorId))
                    .col(text_null(PolicyReviewComments::Clause))
                    .col(text(PolicyReviewComments::Body))
                    .col(time(PolicyReviewComments::CreatedAt))
                    .foreign_key(&mut version_fk(
                        "fk_policy_review_comments_version",
                        PolicyReviewComments::Table,
                        PolicyReviewComments::TrustId,
                        PolicyReviewComments::VersionId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_policy_review_comments_version",
                PolicyReviewComments::Table,
                &[
                    PolicyReviewComments::TrustId,
                    PolicyReviewComments::VersionId,
                ],
            ))
            .await?;
        for table in APPEND_ONLY {
            let guards = append_only_guards(table, manager.get_database_backend());
            manager.get_connection().execute_unprepared(&guards).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PolicyReviewComments::Table.to_string(),
            PolicyReviewDecisions::Table.to_string(),
            PolicyReviews::Table.to_string(),
            PolicyApprovalRules::Table.to_string(),
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Postgres {
            for table in APPEND_ONLY {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("DROP FUNCTION IF EXISTS {table}_append_only()"))
                    .await?;
            }
        }
        Ok(())
    }
}

fn version_fk(
    name: &str,
    table: impl IntoIden,
    trust: impl IntoIden,
    version: impl IntoIden,
) -> ForeignKeyCreateStatement {
    tenant_fk(
        name,
        (table, trust, version),
        (
            PolicyVersions::Table,
            PolicyVersions::TrustId,
            PolicyVersions::Id,
        ),
    )
}
