//! Retiring a policy: nobody is asked to sign it any more; its history stays.

use attest_domain::{PolicyId, Principal, VersionEvent, VersionState};
use attest_store::{
    ObligationSlice, Policies, Policy, PolicyVersions, StateChange, TransactionTrait,
};

use super::require_can_change;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    pub async fn retire_policy(
        &self,
        principal: &Principal,
        id: PolicyId,
    ) -> Result<Policy, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let policies = Policies::new(&txn, &scope);
        let before = policies.get(id).await?;
        require_can_change(principal, &before)?;
        if before.retired_at.is_some() {
            return Err(AppError::Conflict(
                "this policy is already retired".to_owned(),
            ));
        }
        let at = self.now();
        let versions = PolicyVersions::new(&txn, &scope);
        for state in [VersionState::Published, VersionState::Draft] {
            if let Some(version) = versions.in_state(id, state).await? {
                let to = state
                    .transition(VersionEvent::Retire)
                    .map_err(|e| AppError::Conflict(e.to_string()))?;
                versions
                    .change_state(
                        version.id,
                        StateChange {
                            from: state,
                            to,
                            content_hash: None,
                            resign_required: None,
                            change_note: None,
                            at,
                            on: None,
                        },
                    )
                    .await?;
            }
        }
        let policy = policies.update(id, None, Some(at), at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.retire",
                subject_type: "policy",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&policy),
            },
        )
        .await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(id))
            .await?;
        txn.commit().await?;
        Ok(policy)
    }
}
