//! The record of reminder steps given, one row per (person, version, step).

use attest_domain::{PersonId, PolicyVersionId, TenantScope};

/// A step already given: (person, version, step key).
pub type GivenStep = (PersonId, PolicyVersionId, String);

#[derive(FromQueryResult)]
struct GivenRow {
    person_id: uuid::Uuid,
    version_id: uuid::Uuid,
    step: String,
}
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashSet;

use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::StoreError;
use crate::repo::raw::bind_list;

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

    /// Records many steps at once; returns those recorded now (the others were already
    /// given, by an earlier tick or another replica: nothing must be sent for them).
    pub async fn record_many(
        &self,
        steps: &[GivenStep],
        window_day: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<HashSet<GivenStep>, StoreError> {
        let mut recorded = HashSet::new();
        for chunk in steps.chunks(200) {
            let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * 6);
            let rows: Vec<String> = chunk
                .iter()
                .map(|(person, version, step)| {
                    let row: [sea_orm::Value; 6] = [
                        self.scope.trust().as_uuid().into(),
                        person.as_uuid().into(),
                        version.as_uuid().into(),
                        step.clone().into(),
                        window_day.into(),
                        at.into(),
                    ];
                    format!("({})", bind_list(&mut values, row))
                })
                .collect();
            let inserted = GivenRow::find_by_statement(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                format!(
                    "INSERT INTO reminder_log (trust_id, person_id, version_id, step, window_day, created_at) \
                     VALUES {} ON CONFLICT DO NOTHING RETURNING person_id, version_id, step",
                    rows.join(", ")
                ),
                values,
            ))
            .all(self.conn)
            .await?;
            recorded.extend(inserted.into_iter().map(|row| {
                (
                    PersonId::from_uuid(row.person_id),
                    PolicyVersionId::from_uuid(row.version_id),
                    row.step,
                )
            }));
        }
        Ok(recorded)
    }

    /// Every step already given for `versions`, read at once so a tick can skip the
    /// people it has nothing new for without a write each.
    pub async fn given(
        &self,
        versions: &[PolicyVersionId],
    ) -> Result<HashSet<GivenStep>, StoreError> {
        if versions.is_empty() {
            return Ok(HashSet::new());
        }
        let mut values: Vec<sea_orm::Value> = vec![self.scope.trust().as_uuid().into()];
        let list = bind_list(
            &mut values,
            versions.iter().map(|version| version.as_uuid()),
        );
        let rows = GivenRow::find_by_statement(Statement::from_sql_and_values(
            self.conn.get_database_backend(),
            format!(
                "SELECT person_id, version_id, step FROM reminder_log \
                 WHERE trust_id = $1 AND version_id IN ({list})"
            ),
            values,
        ))
        .all(self.conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                (
                    PersonId::from_uuid(row.person_id),
                    PolicyVersionId::from_uuid(row.version_id),
                    row.step,
                )
            })
            .collect())
    }
}
