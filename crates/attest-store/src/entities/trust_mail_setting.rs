//! The `trust_mail_settings` table. No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "trust_mail_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: Uuid,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    pub footer: Option<String>,
    pub window_opens: String,
    pub window_closes: String,
    pub weekends: bool,
    pub reminder_days: String,
    pub escalate_after_overdue_days: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
