//! The `acceptance_personal` table: a format-2 signature's personal fields and salt,
//! never changed, erased under the retention schedule.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "acceptance_personal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub acceptance_id: Uuid,
    pub trust_id: Uuid,
    pub salt: String,
    pub fields: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
