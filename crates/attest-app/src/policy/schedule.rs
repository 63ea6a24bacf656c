//! Scheduling an approved version's publication for the day its approval takes effect
//! (the reminder tick publishes it then).

use attest_domain::{PolicyVersionId, Principal};
use attest_store::{PolicyApprovals, ReviewRecord, TransactionTrait};
use chrono::NaiveDate;
use serde_json::json;

use super::publish::{Publish, checked_note};
use crate::approval::{audit_step, owner_only};
use crate::{App, AppError};

impl App {
    /// An approved version is published by the reminder tick on `on` (the day its
    /// approval takes effect, or later).
    pub async fn schedule_publication(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        on: NaiveDate,
        publish: Publish,
    ) -> Result<(), AppError> {
        let change_note = checked_note(publish.change_note)?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let governed = self.governed(&txn, principal, version).await?;
        owner_only(&governed)?;
        let approvals = PolicyApprovals::new(&txn, &governed.scope);
        approvals.lock(version).await?;
        let open = approvals.review(version).await?.ok_or_else(|| {
            AppError::Conflict(
                "only an approved version can be scheduled for publication".to_owned(),
            )
        })?;
        let review = open.review.schedule(on, self.today())?;
        approvals
            .save_review(
                &ReviewRecord {
                    review,
                    resign_required: Some(publish.resign_required),
                    change_note,
                    updated_at: at,
                    ..open
                },
                false,
            )
            .await?;
        audit_step(
            &txn,
            principal,
            version,
            at,
            "policy_version.schedule_publication",
            json!({ "on": on, "resign_required": publish.resign_required }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
