//! A school adopting a trust template: its own copy, pinned to the template version it
//! came from, with its values for the template's placeholders.

use std::collections::BTreeMap;

use attest_domain::{PolicyKind, PolicyVersionId, Principal, SchoolId, VersionState};
use attest_store::{
    NewPolicy, NewPolicyVersion, Policies, PolicySettings, PolicyVersions, Schools,
    TransactionTrait,
};

use super::ImportedDraft;
use super::settings::merge_variables;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    pub async fn adopt_template(
        &self,
        principal: &Principal,
        template_version: PolicyVersionId,
        school: SchoolId,
        variables: BTreeMap<String, String>,
    ) -> Result<ImportedDraft, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let school_record = Schools::new(&txn, &scope).get(school).await?;
        if !principal.can_manage_school(school) {
            return Err(AppError::forbidden(
                "you cannot adopt policies for this school",
            ));
        }
        let versions = PolicyVersions::new(&txn, &scope);
        let template = versions.get(template_version).await?;
        let policies = Policies::new(&txn, &scope);
        let template_policy = policies.get(template.policy).await?;
        if template_policy.kind != PolicyKind::TrustTemplate {
            return Err(AppError::invalid(
                "templateVersionId",
                "that version is not of a trust template",
            ));
        }
        if template.state != VersionState::Published {
            return Err(AppError::Conflict(format!(
                "template version {} is {}, not published",
                template.number,
                template.state.as_str()
            )));
        }
        let at = self.now();
        let policy = match policies.adopted(template_policy.id, school).await? {
            Some(existing) => {
                if versions
                    .in_state(existing.id, VersionState::Draft)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Conflict(format!(
                        "{} already has a draft of this policy: publish it first",
                        school_record.name
                    )));
                }
                existing
            }
            None => {
                let policy = policies
                    .insert(NewPolicy {
                        school: Some(school),
                        kind: PolicyKind::School,
                        title: template_policy.title.clone(),
                        template: Some(template_policy.id),
                        at,
                    })
                    .await?;
                record(
                    &txn,
                    principal,
                    at,
                    Change {
                        action: "policy.adopt",
                        subject_type: "policy",
                        subject_id: policy.id.as_uuid(),
                        before: None,
                        after: Some(&policy),
                    },
                )
                .await?;
                policy
            }
        };
        let version = versions
            .insert(NewPolicyVersion {
                policy: policy.id,
                source: template.source.clone(),
                document: template.document.clone(),
                based_on: Some(template.id),
                review_cycle_months: template.review_cycle_months,
                next_review_on: template.next_review_on,
                at,
            })
            .await?;
        let settings = PolicySettings::new(&txn, &scope);
        let mut current = settings.get(policy.id, school).await?;
        merge_variables(&mut current, &[&version.document], variables)?;
        settings.save(&current, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.adopt",
                subject_type: "policy_version",
                subject_id: version.id.as_uuid(),
                before: None,
                after: Some(&serde_json::json!({ "policy": policy.id, "template_version": template.id, "variables": current.variables })),
            },
        )
        .await?;
        txn.commit().await?;
        let warnings = version.document.warnings.clone();
        Ok(ImportedDraft {
            policy,
            version,
            warnings,
        })
    }
}
