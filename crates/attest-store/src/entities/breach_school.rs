//! The `breach_schools` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "breach_schools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub breach_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
