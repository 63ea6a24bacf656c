//! The attribute conditions a policy puts on who owes it.

use std::collections::BTreeMap;

use attest_domain::{PolicyId, Principal};
use attest_store::{Attributes, ObligationSlice, Policies, TransactionTrait};

use super::known_key;
use crate::audit::{Change, record};
use crate::policy::require_can_change;
use crate::{App, AppError};

impl App {
    /// Sets the attributes a person must hold (`true`) or not hold (`false`) to owe the
    /// policy (none: everyone its audience reaches). Obligations follow at once.
    pub async fn set_policy_conditions(
        &self,
        principal: &Principal,
        policy: PolicyId,
        requires: BTreeMap<String, bool>,
    ) -> Result<Vec<(String, bool)>, AppError> {
        let known = self.attribute_keys(principal).await?;
        for key in requires.keys() {
            known_key("requires", key, &known)?;
        }
        let requires: Vec<(String, bool)> = requires.into_iter().collect();
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let found = Policies::new(&txn, &scope).get(policy).await?;
        require_can_change(principal, &found)?;
        let attributes = Attributes::new(&txn, &scope);
        let before = attributes
            .rules(&[policy])
            .await?
            .remove(&policy)
            .unwrap_or_default();
        if before == requires {
            return Ok(requires);
        }
        attributes.set_rules(policy, &requires).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.set_conditions",
                subject_type: "policy",
                subject_id: policy.as_uuid(),
                before: Some(&before),
                after: Some(&requires),
            },
        )
        .await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(policy))
            .await?;
        txn.commit().await?;
        Ok(requires)
    }

    /// Each policy's attribute conditions (for the policies given).
    pub async fn policy_conditions(
        &self,
        principal: &Principal,
        policies: &[PolicyId],
    ) -> Result<BTreeMap<PolicyId, Vec<(String, bool)>>, AppError> {
        if policies.is_empty() {
            return Ok(BTreeMap::new());
        }
        Ok(Attributes::new(&self.db, &principal.scope())
            .rules(policies)
            .await?)
    }
}
