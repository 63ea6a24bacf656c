//! The `policy_versions` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub policy_id: Uuid,
    pub number: i32,
    pub state: String,
    pub source: String,
    pub document: Json,
    pub content_hash: Option<String>,
    pub resign_required: Option<bool>,
    pub change_note: Option<String>,
    pub based_on_version_id: Option<Uuid>,
    pub review_cycle_months: Option<i32>,
    pub next_review_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub published_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
