//! Sync runs: each plan with the provider's answer, what became of it, and listing them.

use attest_domain::{DirectoryChanges, SyncRunRecord};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Directory, json_error};
use crate::StoreError;

/// A sync run as read.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
struct SyncRunRow {
    pub id: uuid::Uuid,
    pub status: String,
    pub trigger: String,
    pub base_generation: i64,
    pub summary: String,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub struct NewSyncRun<'a> {
    pub id: uuid::Uuid,
    pub status: &'a str,
    pub trigger: &'a str,
    pub base_generation: i64,
    pub changes: &'a DirectoryChanges,
    pub delta_link: Option<&'a str>,
    pub summary: &'a serde_json::Value,
    pub plan: &'a serde_json::Value,
    pub error: Option<&'a str>,
    pub requested_by: &'a str,
    pub at: DateTime<Utc>,
}

impl<C: ConnectionTrait> Directory<'_, C> {
    pub async fn insert_run(&self, run: NewSyncRun<'_>) -> Result<(), StoreError> {
        let changes =
            serde_json::to_string(run.changes).map_err(json_error("directory changes"))?;
        self.execute(
            "INSERT INTO directory_sync_runs (id, trust_id, status, trigger, base_generation, changes, delta_link, \
             summary, plan, error, requested_by, created_at, finished_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            vec![
                run.id.into(),
                self.trust(),
                run.status.into(),
                run.trigger.into(),
                run.base_generation.into(),
                changes.into(),
                run.delta_link.map(str::to_owned).into(),
                run.summary.to_string().into(),
                run.plan.to_string().into(),
                run.error.map(str::to_owned).into(),
                run.requested_by.into(),
                run.at.into(),
                (run.status != "planned").then_some(run.at).into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Earlier plans not applied are replaced by a newer one.
    pub async fn supersede_plans(&self, at: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute(
            "UPDATE directory_sync_runs SET status = 'superseded', finished_at = $2 \
             WHERE trust_id = $1 AND status IN ('planned', 'stopped')",
            vec![self.trust(), at.into()],
        )
        .await
    }

    pub async fn runs(&self, first: u64) -> Result<Vec<SyncRunRecord>, StoreError> {
        Ok(SyncRunRow::find_by_statement(self.statement(
            "SELECT id, status, trigger, base_generation, summary, error, requested_by, created_at, finished_at \
             FROM directory_sync_runs WHERE trust_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            vec![self.trust(), i64::try_from(first).unwrap_or(i64::MAX).into()],
        ))
        .all(self.conn)
        .await?
        .into_iter()
        .map(SyncRunRow::into_record)
        .collect())
    }

    pub async fn run(&self, id: uuid::Uuid) -> Result<SyncRunRecord, StoreError> {
        SyncRunRow::find_by_statement(self.statement(
            "SELECT id, status, trigger, base_generation, summary, error, requested_by, created_at, finished_at \
             FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .map(SyncRunRow::into_record)
        .ok_or(StoreError::NotFound("sync run"))
    }

    /// What the provider said for this run, and where its next delta starts.
    pub async fn run_changes(
        &self,
        id: uuid::Uuid,
    ) -> Result<(DirectoryChanges, Option<String>), StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            changes: String,
            delta_link: Option<String>,
        }
        let row = Row::find_by_statement(self.statement(
            "SELECT changes, delta_link FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("sync run"))?;
        Ok((
            serde_json::from_str(&row.changes).map_err(json_error("directory changes"))?,
            row.delta_link,
        ))
    }

    /// The plan this run showed (without the provider's answer, which can be large).
    pub async fn run_plan(&self, id: uuid::Uuid) -> Result<serde_json::Value, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            plan: String,
        }
        let row = Row::find_by_statement(self.statement(
            "SELECT plan FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("sync run"))?;
        serde_json::from_str(&row.plan).map_err(json_error("sync plan"))
    }

    /// Records how a planned run ended; only a run still `planned` (or `stopped` by the
    /// safety valve, waiting for confirmation) can end.
    pub async fn finish_run(
        &self,
        id: uuid::Uuid,
        status: &str,
        summary: &serde_json::Value,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE directory_sync_runs SET status = $3, summary = $4, error = $5, finished_at = $6 \
                 WHERE trust_id = $1 AND id = $2 AND status IN ('planned', 'stopped')",
                vec![
                    self.trust(),
                    id.into(),
                    status.into(),
                    summary.to_string().into(),
                    error.map(str::to_owned).into(),
                    at.into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "this plan is no longer waiting to be applied (applied, stopped or replaced by a newer plan)"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

impl SyncRunRow {
    fn into_record(self) -> SyncRunRecord {
        SyncRunRecord {
            id: self.id,
            status: self.status,
            trigger: self.trigger,
            base_generation: self.base_generation,
            summary: self.summary,
            error: self.error,
            requested_by: self.requested_by,
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}
