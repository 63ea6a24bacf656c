//! A school's values for a policy's placeholders.

use std::collections::BTreeMap;

use attest_document::Document;
use attest_domain::{MembershipKind, PolicyId, PolicyKind, Principal, SchoolId, VersionState};
use attest_store::{
    ObligationSlice, Policies, PolicySettings, PolicyVersions, SchoolPolicySettings, Schools,
    TransactionTrait,
};

use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_VALUE: usize = 500;

/// Merges `values` into `settings`: keys must be placeholders of one of `documents`;
/// an empty value removes the key.
pub(crate) fn merge_variables(
    settings: &mut SchoolPolicySettings,
    documents: &[&Document],
    values: BTreeMap<String, String>,
) -> Result<(), AppError> {
    for (key, value) in values {
        let known = documents
            .iter()
            .any(|document| document.placeholders.iter().any(|p| p.key == key));
        if !known {
            let keys: Vec<&str> = documents
                .iter()
                .flat_map(|d| d.placeholders.iter().map(|p| p.key.as_str()))
                .collect();
            return Err(AppError::invalid(
                format!("variables.{key}"),
                format!(
                    "the policy has no placeholder '{key}'; it has: {}",
                    if keys.is_empty() {
                        "none".to_owned()
                    } else {
                        keys.join(", ")
                    }
                ),
            ));
        }
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.chars().count() > MAX_VALUE {
            return Err(AppError::invalid(
                format!("variables.{key}"),
                format!("at most {MAX_VALUE} characters"),
            ));
        }
        if value.is_empty() {
            settings.variables.remove(&key);
        } else {
            settings.variables.insert(key, value);
        }
    }
    Ok(())
}

impl App {
    pub async fn school_policy_settings(
        &self,
        principal: &Principal,
        policy: PolicyId,
        school: SchoolId,
    ) -> Result<SchoolPolicySettings, AppError> {
        let scope = principal.scope();
        Policies::new(&self.db, &scope).get(policy).await?;
        Schools::new(&self.db, &scope).get(school).await?;
        Ok(PolicySettings::new(&self.db, &scope)
            .get(policy, school)
            .await?)
    }

    pub async fn set_school_variables(
        &self,
        principal: &Principal,
        policy_id: PolicyId,
        school: SchoolId,
        values: BTreeMap<String, String>,
        audience: Option<Vec<MembershipKind>>,
    ) -> Result<SchoolPolicySettings, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let policy = Policies::new(&txn, &scope).get(policy_id).await?;
        Schools::new(&txn, &scope).get(school).await?;
        if !principal.can_manage_school(school) {
            return Err(AppError::forbidden(
                "you cannot change this school's policy values",
            ));
        }
        if policy.kind == PolicyKind::TrustTemplate {
            return Err(AppError::Conflict(
                "a template's values are set when a school adopts it (adoptTemplate)".to_owned(),
            ));
        }
        if policy.school.is_some_and(|owner| owner != school) {
            return Err(AppError::invalid(
                "schoolId",
                "this policy belongs to another school",
            ));
        }
        let versions = PolicyVersions::new(&txn, &scope);
        let draft = versions.in_state(policy_id, VersionState::Draft).await?;
        let published = versions
            .in_state(policy_id, VersionState::Published)
            .await?;
        let documents: Vec<&Document> = [&draft, &published]
            .into_iter()
            .flatten()
            .map(|v| &v.document)
            .collect();
        let settings = PolicySettings::new(&txn, &scope);
        let before = settings.get(policy_id, school).await?;
        let mut after = before.clone();
        merge_variables(&mut after, &documents, values)?;
        if let Some(mut audience) = audience {
            audience.sort();
            audience.dedup();
            after.audience = audience;
        }
        let at = self.now();
        let saved = settings.save(&after, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.set_school_variables",
                subject_type: "policy",
                subject_id: policy_id.as_uuid(),
                before: Some(&before),
                after: Some(&saved),
            },
        )
        .await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(policy_id))
            .await?;
        txn.commit().await?;
        Ok(saved)
    }
}

impl App {
    /// How often a policy is signed again, and the grace before a due signature is
    /// overdue. Applies to signatures given from now on (each keeps its renewal date).
    pub async fn set_signing_rules(
        &self,
        principal: &Principal,
        policy_id: PolicyId,
        schedule: attest_domain::ResignSchedule,
        grace_days: u32,
    ) -> Result<attest_store::Policy, AppError> {
        if grace_days > 365 {
            return Err(AppError::invalid("graceDays", "at most 365 days"));
        }
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let policies = Policies::new(&txn, &scope);
        let before = policies.get(policy_id).await?;
        super::require_can_change(principal, &before)?;
        let at = self.now();
        let after = policies
            .set_signing_rules(policy_id, schedule, grace_days, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy.set_signing_rules",
                subject_type: "policy",
                subject_id: policy_id.as_uuid(),
                before: Some(&serde_json::json!({
                    "resign_schedule": before.resign_schedule,
                    "grace_days": before.grace_days,
                })),
                after: Some(&serde_json::json!({
                    "resign_schedule": after.resign_schedule,
                    "grace_days": after.grace_days,
                })),
            },
        )
        .await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(policy_id))
            .await?;
        txn.commit().await?;
        Ok(after)
    }
}
