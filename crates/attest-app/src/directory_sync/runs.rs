//! Sync runs as admins read them, and the scheduled sync.

use attest_domain::{Principal, TrustId};
use attest_store::Directory as DirectoryStore;
use serde_json::Value;

use super::{SyncRun, SyncTrigger};
use crate::access::require_trust_admin;
use crate::{App, AppError};

impl App {
    pub async fn sync_runs(
        &self,
        principal: &Principal,
        first: u64,
    ) -> Result<Vec<SyncRun>, AppError> {
        require_trust_admin(principal, "see directory syncs")?;
        DirectoryStore::new(&self.db, &principal.scope())
            .runs(first.clamp(1, 100))
            .await?
            .into_iter()
            .map(|row| {
                Ok(SyncRun {
                    summary: serde_json::from_str(&row.summary).unwrap_or_default(),
                    plan: Value::Null,
                    row,
                })
            })
            .collect()
    }

    pub async fn sync_run(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<SyncRun, AppError> {
        require_trust_admin(principal, "see directory syncs")?;
        let scope = principal.scope();
        let store = DirectoryStore::new(&self.db, &scope);
        let row = store.run(id).await?;
        let plan = store.run_plan(id).await?;
        Ok(SyncRun {
            summary: serde_json::from_str(&row.summary).unwrap_or_default(),
            plan,
            row,
        })
    }

    /// The scheduled sync: plan and apply at once; a plan stopped by the safety valve
    /// waits for an admin.
    pub async fn run_scheduled_sync(&self, trust: TrustId) -> Result<String, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::DirectorySync);
        let configured = DirectoryStore::new(&self.db, &operator.scope())
            .connection()
            .await?
            .is_some_and(|connection| connection.rules.is_some());
        if !configured {
            return Ok("no directory connected".to_owned());
        }
        let planned = self
            .plan_directory_sync(&operator, SyncTrigger::Schedule)
            .await?;
        match self
            .apply_directory_sync(&operator, planned.row.id, false)
            .await
        {
            Ok(run) => Ok(format!("directory sync applied: {}", run.summary)),
            Err(AppError::Conflict(message)) if message.starts_with("stopped") => Ok(message),
            Err(error) => Err(error),
        }
    }
}
