//! A trust's retention schedule, and the records each rule finds due (counted and
//! disposed of within the trust, never past it).

use attest_domain::{RecordKind, RetentionSchedule, TenantScope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::StoreError;

pub struct TrustRetention<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

/// People who have left every school of the trust on or before the cutoff day.
const LEFT_BY: &str = "SELECT person_id FROM memberships WHERE trust_id = $1 \
     GROUP BY person_id HAVING COUNT(*) = COUNT(ended_on) AND MAX(ended_on) <= $2";

impl<'a, C: ConnectionTrait> TrustRetention<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    pub async fn schedule(&self) -> Result<RetentionSchedule, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT schedule FROM trust_retention WHERE trust_id = $1",
                vec![self.scope.trust().as_uuid().into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(RetentionSchedule::default());
        };
        let value: serde_json::Value = row.try_get("", "schedule")?;
        serde_json::from_value(value).map_err(|error| StoreError::Corrupt {
            what: "retention schedule",
            detail: error.to_string(),
        })
    }

    pub async fn set_schedule(
        &self,
        schedule: &RetentionSchedule,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let value = serde_json::to_value(schedule).map_err(|error| StoreError::Corrupt {
            what: "retention schedule",
            detail: error.to_string(),
        })?;
        self.conn
            .execute_raw(self.statement(
                "INSERT INTO trust_retention (trust_id, schedule, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (trust_id) DO UPDATE SET schedule = excluded.schedule, updated_at = excluded.updated_at",
                vec![self.scope.trust().as_uuid().into(), value.into(), at.into()],
            ))
            .await?;
        Ok(())
    }

    async fn count(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        let row = self.conn.query_one_raw(self.statement(sql, values)).await?;
        let count: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Records of `kind` counted from before `cutoff` (due for disposal), and for
    /// signatures the format-1 rows that hold their personal fields in the chain itself
    /// (kept: erasing them would break verification).
    pub async fn due(&self, kind: RecordKind, cutoff: NaiveDate) -> Result<(u64, u64), StoreError> {
        let trust = self.scope.trust().as_uuid();
        let at = cutoff_instant(cutoff);
        let day: Value = cutoff.into();
        Ok(match kind {
            RecordKind::SignaturePersonalData => {
                let due = self
                    .count(
                        &format!(
                            "SELECT COUNT(*) AS n FROM acceptance_personal ap JOIN acceptances a \
                             ON a.id = ap.acceptance_id AND a.trust_id = ap.trust_id \
                             WHERE ap.trust_id = $1 AND a.person_id IN ({LEFT_BY})"
                        ),
                        vec![trust.into(), day.clone()],
                    )
                    .await?;
                let held = self
                    .count(
                        &format!(
                            "SELECT COUNT(*) AS n FROM acceptances WHERE trust_id = $1 \
                             AND chain_format = 1 AND person_id IN ({LEFT_BY})"
                        ),
                        vec![trust.into(), day],
                    )
                    .await?;
                (due, held)
            }
            RecordKind::SigningViews => (
                self.count(
                    "SELECT COUNT(*) AS n FROM signing_views WHERE trust_id = $1 AND opened_at < $2",
                    vec![trust.into(), at.into()],
                )
                .await?,
                0,
            ),
            RecordKind::Sessions => (
                self.count(
                    "SELECT COUNT(*) AS n FROM sessions WHERE trust_id = $1 \
                     AND (expires_at < $2 OR revoked_at < $2)",
                    vec![trust.into(), at.into()],
                )
                .await?,
                0,
            ),
            RecordKind::EmailBodies => (
                self.count(
                    "SELECT COUNT(*) AS n FROM outbox WHERE trust_id = $1 AND status = 'sent' \
                     AND sent_at < $2 AND (body_text <> '' OR body_html IS NOT NULL)",
                    vec![trust.into(), at.into()],
                )
                .await?,
                0,
            ),
            RecordKind::AuditLog => (
                self.count(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE trust_id = $1 AND occurred_at < $2",
                    vec![trust.into(), at.into()],
                )
                .await?,
                0,
            ),
            RecordKind::BreachRecords => (
                self.count(
                    "SELECT COUNT(*) AS n FROM breaches WHERE trust_id = $1 AND status = 'closed' \
                     AND updated_at < $2",
                    vec![trust.into(), at.into()],
                )
                .await?,
                0,
            ),
        })
    }

    /// Disposes of the due records of `kind` the server may dispose of; the number done.
    /// Append-only kinds are left for the database owner (0).
    pub async fn dispose(
        &self,
        kind: RecordKind,
        cutoff: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let trust = self.scope.trust().as_uuid();
        let at = cutoff_instant(cutoff);
        let statements: Vec<(String, Vec<Value>)> = match kind {
            RecordKind::SignaturePersonalData => vec![
                (
                    format!(
                        "INSERT INTO acceptance_erasures (acceptance_id, trust_id, erased_at, reason) \
                         SELECT ap.acceptance_id, ap.trust_id, $3, 'retention: signature_personal_data' \
                         FROM acceptance_personal ap JOIN acceptances a \
                         ON a.id = ap.acceptance_id AND a.trust_id = ap.trust_id \
                         WHERE ap.trust_id = $1 AND a.person_id IN ({LEFT_BY})"
                    ),
                    vec![trust.into(), cutoff.into(), now.into()],
                ),
                (
                    "DELETE FROM acceptance_personal WHERE trust_id = $1 AND acceptance_id IN \
                     (SELECT acceptance_id FROM acceptance_erasures WHERE trust_id = $1)"
                        .to_owned(),
                    vec![trust.into()],
                ),
            ],
            RecordKind::SigningViews => vec![(
                "DELETE FROM signing_views WHERE trust_id = $1 AND opened_at < $2".to_owned(),
                vec![trust.into(), at.into()],
            )],
            RecordKind::Sessions => vec![(
                "DELETE FROM sessions WHERE trust_id = $1 AND (expires_at < $2 OR revoked_at < $2)"
                    .to_owned(),
                vec![trust.into(), at.into()],
            )],
            RecordKind::EmailBodies => vec![(
                "UPDATE outbox SET body_text = '', body_html = NULL WHERE trust_id = $1 \
                 AND status = 'sent' AND sent_at < $2 AND (body_text <> '' OR body_html IS NOT NULL)"
                    .to_owned(),
                vec![trust.into(), at.into()],
            )],
            RecordKind::AuditLog | RecordKind::BreachRecords => Vec::new(),
        };
        let mut done = None;
        for (sql, values) in statements {
            let affected = self
                .conn
                .execute_raw(self.statement(&sql, values))
                .await?
                .rows_affected();
            done.get_or_insert(affected);
        }
        Ok(done.unwrap_or(0))
    }
}

fn cutoff_instant(cutoff: NaiveDate) -> DateTime<Utc> {
    cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}
