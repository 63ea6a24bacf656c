//! A school adopting a trust template: its own copy, pinned to the template version it
//! came from, with its values for the template's placeholders.

use std::collections::BTreeMap;

use attest_domain::{PolicyKind, PolicyVersionId, Principal, SchoolId, VersionState};
use attest_store::{
    NewPolicy, NewPolicyVersion, ObligationSlice, Policies, PolicySettings, PolicyVersions,
    Schools, TransactionTrait,
};

use attest_document::{Document, Warning, adapt, editable_sections};

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
        adaptations: BTreeMap<String, String>,
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
                // The copy asks what the template asks (read, complete), not a signature.
                let policy = if policy.obligation == template_policy.obligation {
                    policy
                } else {
                    policies
                        .set_obligation(policy.id, template_policy.obligation, at)
                        .await?
                };
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
        let settings = PolicySettings::new(&txn, &scope);
        let mut current = settings.get(policy.id, school).await?;
        let mut warnings = template.document.warnings.clone();
        let document = adapted_document(
            &template.document,
            &mut current.adaptations,
            adaptations,
            &mut warnings,
        )?;
        merge_variables(&mut current, &[&document], variables)?;
        settings.save(&current, at).await?;
        let version = versions
            .insert(NewPolicyVersion {
                policy: policy.id,
                source: template.source.clone(),
                document,
                based_on: Some(template.id),
                review_cycle_months: template.review_cycle_months,
                next_review_on: template.next_review_on,
                at,
            })
            .await?;
        let learning = attest_store::Learning::new(&txn, &scope);
        if let Some(check) = learning.check(template.id).await? {
            learning.set_check(version.id, Some(&check), at).await?;
        }
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
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(policy.id))
            .await?;
        txn.commit().await?;
        Ok(ImportedDraft {
            policy,
            version,
            warnings,
            report: None,
        })
    }
}

/// The template with the school's adaptations: those given now (checked strictly) and
/// those kept from earlier adoptions (dropped, with a warning, where the new template
/// no longer lets the school write that section).
fn adapted_document(
    template: &Document,
    stored: &mut BTreeMap<String, String>,
    given: BTreeMap<String, String>,
    warnings: &mut Vec<Warning>,
) -> Result<Document, AppError> {
    let given: BTreeMap<String, String> = given
        .into_iter()
        .map(|(key, text)| {
            (
                key.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
                text,
            )
        })
        .collect();
    let (removed, written): (BTreeMap<_, _>, BTreeMap<_, _>) = given
        .into_iter()
        .partition(|(_, text)| text.trim().is_empty());
    adapt(template, &written).map_err(|error| {
        AppError::invalid(format!("adaptations.{}", error.key()), error.to_string())
    })?;
    let editable: Vec<String> = editable_sections(template)
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    stored.retain(|key, _| {
        let keep = editable.contains(key) && !removed.contains_key(key);
        if !keep && !removed.contains_key(key) {
            warnings.push(Warning { line: 0, message: format!("the school's text for section '{key}' was dropped: this template version does not let schools write it") });
        }
        keep
    });
    stored.extend(written);
    adapt(template, stored).map_err(|error| {
        AppError::invalid(format!("adaptations.{}", error.key()), error.to_string())
    })
}
