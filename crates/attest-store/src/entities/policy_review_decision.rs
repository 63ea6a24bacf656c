//! The `policy_review_decisions` table (append-only). No business rules here: see the
//! repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_review_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub version_id: Uuid,
    pub round: i32,
    pub seat: i32,
    pub capacity: String,
    pub person_id: Option<Uuid>,
    pub verdict: String,
    pub meeting: Option<String>,
    pub minute: Option<String>,
    pub effective_on: Option<Date>,
    pub reason: Option<String>,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
