//! Setting what a policy asks of each member of staff.

use attest_domain::{ObligationKind, PolicyId, Principal, VersionState};
use attest_store::{Policies, Policy, PolicyVersions, TransactionTrait};

use crate::audit::{Change, record};
use crate::policy::require_can_change;
use crate::{App, AppError};

impl App {
    /// Makes the policy a signature, a read-and-understand or a training course. Only
    /// before its first publication: after it, people's answers mean what they meant.
    pub async fn set_policy_obligation(
        &self,
        principal: &Principal,
        id: PolicyId,
        obligation: ObligationKind,
    ) -> Result<Policy, AppError> {
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let policies = Policies::new(&txn, &scope);
        let before = policies.get(id).await?;
        require_can_change(principal, &before)?;
        if before.template.is_some() {
            return Err(AppError::Conflict(
                "this policy is adopted from a trust template: it asks what the template asks"
                    .to_owned(),
            ));
        }
        if before.obligation == obligation {
            return Ok(before);
        }
        let versions = PolicyVersions::new(&txn, &scope).for_policy(id).await?;
        if versions
            .iter()
            .any(|version| version.state != VersionState::Draft)
        {
            return Err(AppError::Conflict(format!(
                "'{}' has been published as a {} obligation: make a new policy for the other kind",
                before.title,
                before.obligation.as_str()
            )));
        }
        let after = policies.set_obligation(id, obligation, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.set_obligation",
                subject_type: "policy",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}
