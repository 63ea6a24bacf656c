//! The record of reminder steps given, one row per (person, version, step).

use attest_domain::{PersonId, PolicyVersionId, TenantScope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement};

use crate::StoreError;

pub struct ReminderLog<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> ReminderLog<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// Records the step; `false` when it was already recorded (by this tick's
    /// predecessor or another replica), in which case nothing must be sent for it.
    pub async fn record(
        &self,
        person: PersonId,
        version: PolicyVersionId,
        step: &str,
        window_day: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO reminder_log (trust_id, person_id, version_id, step, window_day, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                vec![
                    self.scope.trust().as_uuid().into(),
                    person.as_uuid().into(),
                    version.as_uuid().into(),
                    step.into(),
                    window_day.into(),
                    at.into(),
                ],
            ))
            .await?;
        Ok(result.rows_affected() > 0)
    }
}
