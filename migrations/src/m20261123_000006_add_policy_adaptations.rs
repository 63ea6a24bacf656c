//! A school's adaptations of a trust template's editable sections, kept with its values
//! so that re-adopting a new template version carries them over.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PolicySchoolSettings {
    Table,
    Adaptations,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PolicySchoolSettings::Table)
                    .add_column(
                        ColumnDef::new(PolicySchoolSettings::Adaptations)
                            .json()
                            .not_null()
                            .default("{}"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PolicySchoolSettings::Table)
                    .drop_column(PolicySchoolSettings::Adaptations)
                    .to_owned(),
            )
            .await
    }
}
