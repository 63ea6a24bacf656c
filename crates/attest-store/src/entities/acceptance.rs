//! The `acceptances` table (append-only). No business rules here: see the repositories.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "acceptances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub trust_id: Uuid,
    pub seq: i64,
    pub person_id: Uuid,
    pub policy_id: Uuid,
    pub version_id: Uuid,
    pub school_id: Uuid,
    pub decision: String,
    pub content_hash: String,
    pub audience_kind: String,
    pub variables: Json,
    pub typed_name: String,
    pub role: String,
    pub answers: Json,
    pub method: String,
    pub recorded_by: Option<Uuid>,
    pub note: Option<String>,
    pub decline_reason: Option<String>,
    pub signed_at: DateTimeUtc,
    pub signed_on: Date,
    pub renew_on: Option<Date>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub prev_hash: String,
    pub row_hash: String,
    pub chain_format: i32,
    pub evidence: Option<Json>,
    pub personal_commitment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
