//! The `policy_reviews` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub version_id: Uuid,
    pub stage: String,
    pub round: i32,
    pub scheduled_on: Option<Date>,
    pub resign_required: Option<bool>,
    pub change_note: Option<String>,
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
