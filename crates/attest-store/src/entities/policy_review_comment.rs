//! The `policy_review_comments` table (append-only). No business rules here: see the
//! repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_review_comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub version_id: Uuid,
    pub round: i32,
    pub author_kind: String,
    pub author_id: Option<Uuid>,
    pub clause: Option<String>,
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
