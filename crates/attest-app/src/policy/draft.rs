//! Changing a draft. Published versions never change.

use attest_domain::{PolicyVersionId, Principal, ReviewCycle};
use attest_store::{DraftContent, Policies, PolicyVersion, PolicyVersions, TransactionTrait};
use chrono::NaiveDate;

use super::{parse_text, require_can_change};
use crate::approval::withdraw_on_edit;
use crate::audit::{Change, record};
use crate::{App, AppError};

#[derive(Default)]
pub struct DraftChanges {
    pub text: Option<String>,
    pub review_cycle_months: Option<u32>,
    pub next_review_on: Option<NaiveDate>,
}

impl App {
    pub async fn update_draft(
        &self,
        principal: &Principal,
        id: PolicyVersionId,
        changes: DraftChanges,
    ) -> Result<PolicyVersion, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let versions = PolicyVersions::new(&txn, &scope);
        let before = versions.get(id).await?;
        let policy = Policies::new(&txn, &scope).get(before.policy).await?;
        require_can_change(principal, &policy)?;
        if !before.state.is_editable() {
            return Err(AppError::Conflict(format!(
                "version {} is {}: published versions never change; import a new draft",
                before.number,
                before.state.as_str()
            )));
        }
        if changes.text.is_some() && policy.template.is_some() {
            return Err(AppError::Conflict(
                "an adopted template's words come from the template".to_owned(),
            ));
        }
        let (source, document) = match changes.text {
            Some(text) => {
                let document = parse_text(&text)?;
                (text, document)
            }
            None => (before.source.clone(), before.document.clone()),
        };
        let review_cycle_months = match changes.review_cycle_months {
            Some(months) => Some(ReviewCycle::months(months)?.get()),
            None => before.review_cycle_months,
        };
        let next_review_on = changes.next_review_on.or(before.next_review_on);
        let at = self.now();
        let version = versions
            .update_draft(
                id,
                DraftContent {
                    source,
                    document,
                    review_cycle_months,
                    next_review_on,
                },
                at,
            )
            .await?;
        withdraw_on_edit(&txn, principal, &scope, id, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.update_draft",
                subject_type: "policy_version",
                subject_id: id.as_uuid(),
                before: Some(&serde_json::json!({ "review_cycle_months": before.review_cycle_months, "next_review_on": before.next_review_on, "source_bytes": before.source.len() })),
                after: Some(&serde_json::json!({ "review_cycle_months": version.review_cycle_months, "next_review_on": version.next_review_on, "source_bytes": version.source.len() })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(version)
    }
}
