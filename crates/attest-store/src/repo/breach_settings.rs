//! A trust's breach settings (the defaults until a trust changes them).

use std::collections::BTreeSet;

use attest_domain::{BreachSettings, SchoolId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::StoreError;

pub struct TrustBreachSettings<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

#[derive(FromQueryResult)]
struct Row {
    trust_admins_act_as_dpo: bool,
    special_category_schools: String,
    dpo_contact: Option<String>,
}

impl<'a, C: ConnectionTrait> TrustBreachSettings<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn get(&self) -> Result<BreachSettings, StoreError> {
        let row = Row::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            "SELECT trust_admins_act_as_dpo, special_category_schools, dpo_contact FROM trust_breach_settings \
             WHERE trust_id = $1",
            vec![self.scope.trust().as_uuid().into()],
        ))
        .one(self.conn)
        .await?;
        let Some(row) = row else {
            return Ok(BreachSettings::default());
        };
        let special_category_schools = row
            .special_category_schools
            .split(',')
            .filter(|id| !id.is_empty())
            .map(|id| {
                id.parse::<uuid::Uuid>()
                    .map(SchoolId::from_uuid)
                    .map_err(|error| StoreError::Corrupt {
                        what: "breach settings",
                        detail: error.to_string(),
                    })
            })
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(BreachSettings {
            trust_admins_act_as_dpo: row.trust_admins_act_as_dpo,
            special_category_schools,
            dpo_contact: row.dpo_contact,
        })
    }

    pub async fn put(
        &self,
        settings: &BreachSettings,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let schools: Vec<String> = settings
            .special_category_schools
            .iter()
            .map(ToString::to_string)
            .collect();
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO trust_breach_settings (trust_id, trust_admins_act_as_dpo, special_category_schools, updated_at, dpo_contact) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (trust_id) DO UPDATE SET \
                 trust_admins_act_as_dpo = excluded.trust_admins_act_as_dpo, \
                 special_category_schools = excluded.special_category_schools, updated_at = excluded.updated_at, \
                 dpo_contact = excluded.dpo_contact",
                vec![
                    self.scope.trust().as_uuid().into(),
                    settings.trust_admins_act_as_dpo.into(),
                    schools.join(",").into(),
                    at.into(),
                    settings.dpo_contact.clone().into(),
                ],
            ))
            .await?;
        Ok(())
    }
}
