//! attest-migrations: every schema change of attest, in order, for SQLite and PostgreSQL.
//!
//! Rules: a change is always a new migration (never an edit to a landed one); every
//! migration has a `down`; tenant tables carry `trust_id` and their foreign keys to
//! other tenant tables include it, so a row can never point into another trust.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261123_000001_create_trusts_and_schools;
mod m20261123_000002_create_people_and_memberships;
mod m20261123_000003_create_access;
mod m20261123_000004_create_audit_log;
mod m20261123_000005_create_policies;
mod m20261123_000006_add_policy_adaptations;
mod m20261123_000007_create_signing;
mod m20261123_000008_add_outbox_delivery;
mod m20261123_000009_create_reminder_log;
mod m20261123_000010_create_jobs_and_mail_settings;
mod m20261123_000011_create_breaches;
mod m20261123_000012_create_identity_providers;
mod m20261123_000013_create_sign_in;
mod m20261123_000014_create_directory_sync;
mod m20261124_000015_create_breach_settings;
mod m20261201_000016_create_obligations;
mod m20261201_000017_create_email_sign_in;
mod m20261201_000018_add_dpo_contact;
mod m20261201_000019_create_breach_evidence;
mod m20261202_000020_create_policy_version_files;
mod m20261202_000021_create_policy_approval;
mod m20261202_000022_create_policy_approval_defaults;
mod m20261202_000023_create_signing_evidence;
mod m20261202_000024_create_trust_retention;
mod m20261202_000025_create_scim;
mod m20261203_000026_create_learning;
mod m20261203_000027_create_attributes;
mod m20261203_000028_create_induction;
mod m20261204_000029_create_casework;
mod m20261205_000030_index_obligation_closings;
mod m20261205_000031_index_magic_links_by_trust;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_trusts_and_schools::Migration),
            Box::new(m20261123_000002_create_people_and_memberships::Migration),
            Box::new(m20261123_000003_create_access::Migration),
            Box::new(m20261123_000004_create_audit_log::Migration),
            Box::new(m20261123_000005_create_policies::Migration),
            Box::new(m20261123_000006_add_policy_adaptations::Migration),
            Box::new(m20261123_000007_create_signing::Migration),
            Box::new(m20261123_000008_add_outbox_delivery::Migration),
            Box::new(m20261123_000009_create_reminder_log::Migration),
            Box::new(m20261123_000010_create_jobs_and_mail_settings::Migration),
            Box::new(m20261123_000011_create_breaches::Migration),
            Box::new(m20261123_000012_create_identity_providers::Migration),
            Box::new(m20261123_000013_create_sign_in::Migration),
            Box::new(m20261123_000014_create_directory_sync::Migration),
            Box::new(m20261124_000015_create_breach_settings::Migration),
            Box::new(m20261201_000016_create_obligations::Migration),
            Box::new(m20261201_000017_create_email_sign_in::Migration),
            Box::new(m20261201_000018_add_dpo_contact::Migration),
            Box::new(m20261201_000019_create_breach_evidence::Migration),
            Box::new(m20261202_000020_create_policy_version_files::Migration),
            Box::new(m20261202_000021_create_policy_approval::Migration),
            Box::new(m20261202_000022_create_policy_approval_defaults::Migration),
            Box::new(m20261202_000023_create_signing_evidence::Migration),
            Box::new(m20261202_000024_create_trust_retention::Migration),
            Box::new(m20261202_000025_create_scim::Migration),
            Box::new(m20261203_000026_create_learning::Migration),
            Box::new(m20261203_000027_create_attributes::Migration),
            Box::new(m20261203_000028_create_induction::Migration),
            Box::new(m20261204_000029_create_casework::Migration),
            Box::new(m20261205_000030_index_obligation_closings::Migration),
            Box::new(m20261205_000031_index_magic_links_by_trust::Migration),
        ]
    }
}

/// Column helpers shared by the migrations so every table spells types the same way.
pub(crate) mod columns {
    use sea_orm_migration::prelude::*;

    pub fn id<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).uuid().not_null().primary_key().take()
    }

    pub fn uuid<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).uuid().not_null().take()
    }

    pub fn uuid_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).uuid().null().take()
    }

    pub fn text<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).text().not_null().take()
    }

    pub fn text_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).text().null().take()
    }

    pub fn integer<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).integer().not_null().take()
    }

    pub fn time<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .not_null()
            .take()
    }

    pub fn time_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name)
            .timestamp_with_time_zone()
            .null()
            .take()
    }

    pub fn date<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).date().not_null().take()
    }

    pub fn date_null<T: IntoIden>(name: T) -> ColumnDef {
        ColumnDef::new(name).date().null().take()
    }

    /// An index on `columns` of `table`, in that order.
    pub fn index<T: IntoIden + Copy, C: IntoIden + Copy>(
        name: &str,
        table: T,
        columns: &[C],
    ) -> IndexCreateStatement {
        let mut index = Index::create();
        index.name(name).table(table);
        for column in columns {
            index.col(*column);
        }
        index
    }

    pub fn unique_index<T: IntoIden + Copy, C: IntoIden + Copy>(
        name: &str,
        table: T,
        columns: &[C],
    ) -> IndexCreateStatement {
        index(name, table, columns).unique().to_owned()
    }

    /// A foreign key of two columns (trust_id plus an id), so rows never point into
    /// another trust.
    pub fn tenant_fk(
        name: &str,
        from: (impl IntoIden, impl IntoIden, impl IntoIden),
        to: (impl IntoIden, impl IntoIden, impl IntoIden),
    ) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .name(name)
            .from_tbl(from.0)
            .from_col(from.1)
            .from_col(from.2)
            .to_tbl(to.0)
            .to_col(to.1)
            .to_col(to.2)
            .to_owned()
    }

    /// Triggers that refuse every UPDATE and DELETE on `table`, for each backend.
    pub fn append_only_guards(
        table: &str,
        backend: sea_orm_migration::sea_orm::DbBackend,
    ) -> String {
        match backend {
            sea_orm_migration::sea_orm::DbBackend::Postgres => format!(
                "CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{table} is append-only'; END $$;
CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
            ),
            _ => format!(
                "CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            ),
        }
    }
}
