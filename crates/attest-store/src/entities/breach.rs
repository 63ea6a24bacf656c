//! The `breaches` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "breaches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub reference: String,
    pub year: i32,
    pub seq: i32,
    pub status: String,
    pub version: i32,
    pub reported_by_kind: String,
    pub reported_by_id: Option<Uuid>,
    pub reported_at: DateTimeUtc,
    pub discovered_at: DateTimeUtc,
    pub aware_at: Option<DateTimeUtc>,
    pub special_category: bool,
    pub record: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
