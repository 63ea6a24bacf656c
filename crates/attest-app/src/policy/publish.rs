//! Publishing a draft: it becomes the version staff sign, and never changes again.

use attest_document::{Reader, content_hash, missing_variables};
use attest_domain::{PolicyKind, PolicyVersionId, Principal, VersionEvent, VersionState};
use attest_store::{
    ObligationSlice, Policies, PolicySettings, PolicyVersion, PolicyVersions, Schools, StateChange,
    TransactionTrait,
};

use super::require_can_change;
use crate::approval::{check_publishable, spend_schedule};
use crate::audit::{Change, record};
use crate::{App, AppError};

pub struct Publish {
    /// Must everyone who signed the previous version sign again?
    pub resign_required: bool,
    pub change_note: Option<String>,
}

const MAX_NOTE: usize = 2_000;

/// A change note trimmed, empty as none, and not too long.
pub(crate) fn checked_note(note: Option<String>) -> Result<Option<String>, AppError> {
    let note = note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    if note
        .as_ref()
        .is_some_and(|note| note.chars().count() > MAX_NOTE)
    {
        return Err(AppError::invalid(
            "changeNote",
            format!("at most {MAX_NOTE} characters"),
        ));
    }
    Ok(note)
}

impl App {
    pub async fn publish_version(
        &self,
        principal: &Principal,
        id: PolicyVersionId,
        publish: Publish,
    ) -> Result<PolicyVersion, AppError> {
        let change_note = checked_note(publish.change_note)?;
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let versions = PolicyVersions::new(&txn, &scope);
        let draft = versions.get(id).await?;
        let policy = Policies::new(&txn, &scope).get(draft.policy).await?;
        require_can_change(principal, &policy)?;
        if policy.retired_at.is_some() {
            return Err(AppError::Conflict("this policy is retired".to_owned()));
        }
        draft
            .state
            .transition(VersionEvent::Publish)
            .map_err(|error| AppError::Conflict(error.to_string()))?;
        let review = check_publishable(&txn, &scope, policy.id, id).await?;

        // Every school the version applies to must have a value for every placeholder.
        let schools = match (policy.kind, policy.school) {
            (PolicyKind::TrustTemplate, _) => Vec::new(),
            (_, Some(school)) => vec![Schools::new(&txn, &scope).get(school).await?],
            (_, None) => Schools::new(&txn, &scope).list().await?,
        };
        // One query for every school's values, not one per school.
        let values: std::collections::HashMap<_, _> = PolicySettings::new(&txn, &scope)
            .for_policy(policy.id)
            .await?
            .into_iter()
            .filter_map(|settings| Some((settings.school?, settings.variables)))
            .collect();
        let none = std::collections::BTreeMap::new();
        let mut gaps = Vec::new();
        for school in &schools {
            let missing =
                missing_variables(&draft.document, values.get(&school.id).unwrap_or(&none));
            if !missing.is_empty() {
                gaps.push(format!(
                    "{} has no value for {}",
                    school.name,
                    missing.join(", ")
                ));
            }
        }
        if !gaps.is_empty() {
            return Err(AppError::invalid(
                "variables",
                format!(
                    "{}; set them with setSchoolVariables before publishing",
                    gaps.join("; ")
                ),
            ));
        }

        let at = self.now();
        let previous = versions
            .in_state(policy.id, VersionState::Published)
            .await?;
        if let Some(previous) = &previous {
            versions
                .change_state(
                    previous.id,
                    StateChange {
                        from: VersionState::Published,
                        to: VersionState::Superseded,
                        content_hash: None,
                        resign_required: None,
                        change_note: None,
                        at,
                        on: None,
                    },
                )
                .await?;
        }
        let published = versions
            .change_state(
                id,
                StateChange {
                    from: VersionState::Draft,
                    to: VersionState::Published,
                    content_hash: Some(content_hash(&draft.document, &Reader::default()).0),
                    resign_required: Some(publish.resign_required),
                    change_note,
                    at,
                    on: Some(attest_domain::school_day(at)),
                },
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.publish",
                subject_type: "policy_version",
                subject_id: id.as_uuid(),
                before: Some(
                    &serde_json::json!({ "state": "draft", "superseding": previous.map(|p| p.id) }),
                ),
                after: Some(&serde_json::json!({
                    "state": "published",
                    "number": published.number,
                    "content_hash": published.content_hash,
                    "resign_required": published.resign_required,
                })),
            },
        )
        .await?;
        spend_schedule(&txn, &scope, review, at).await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::policy(policy.id))
            .await?;
        txn.commit().await?;
        Ok(published)
    }
}
