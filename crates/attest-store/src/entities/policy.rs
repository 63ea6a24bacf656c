//! The `policies` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub school_id: Option<Uuid>,
    pub kind: String,
    pub title: String,
    pub template_policy_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
    pub resign_schedule: String,
    pub grace_days: i32,
    pub obligation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
