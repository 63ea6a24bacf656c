//! Importing a policy's text: a new policy with its first draft, or a new draft of an
//! existing policy.

use attest_document::{ImportReport, Warning, import, report};
use attest_domain::{
    ObligationKind, PolicyId, PolicyKind, Principal, SchoolId, VersionState, clean_file_name,
};
use attest_store::{
    NewPolicy, NewPolicySourceFile, NewPolicyVersion, Policies, Policy, PolicyVersion,
    PolicyVersionFiles, PolicyVersions, Schools, TransactionTrait,
};
use sha2::{Digest, Sha256};

use super::require_can_change;
use crate::audit::{Change, record};
use crate::{App, AppError};

pub struct ImportPolicy {
    /// The file as uploaded: text, Markdown, a Word document or a PDF (told apart by
    /// content).
    pub file: Vec<u8>,
    /// The input field the file came in ("text", "file"), named in errors about it.
    pub field: &'static str,
    /// The file's name as the importer had it; kept with the file for its download.
    pub file_name: Option<String>,
    /// Taken from the document when not given.
    pub title: Option<String>,
    pub kind: PolicyKind,
    /// Required for a school policy, refused for the trust's.
    pub school: Option<SchoolId>,
    /// Import as a new draft of this policy instead of creating one.
    pub policy: Option<PolicyId>,
    /// For a new policy: what it asks of each member of staff.
    pub obligation: ObligationKind,
}

pub struct ImportedDraft {
    pub policy: Policy,
    pub version: PolicyVersion,
    pub warnings: Vec<Warning>,
    /// What was recognised, with warnings pointing into the file (none for a template
    /// adopted rather than imported).
    pub report: Option<ImportReport>,
}

const MAX_TITLE: usize = 200;

impl App {
    pub async fn import_policy(
        &self,
        principal: &Principal,
        input: ImportPolicy,
    ) -> Result<ImportedDraft, AppError> {
        let imported = import(&input.file)
            .map_err(|error| AppError::invalid(input.field, error.to_string()))?;
        let import_report = report(&imported);
        let file_name = match input.file_name.as_deref() {
            Some(name) => Some(
                clean_file_name(name)
                    .map_err(|error| AppError::invalid("fileName", error.to_string()))?,
            ),
            None => None,
        };
        let format = imported.format;
        // People sign the text read from the file; a draft's later edits change it.
        let source = imported.source;
        let document = imported.document;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let policy = match input.policy {
            Some(id) => {
                let policy = Policies::new(&txn, &scope).get(id).await?;
                require_can_change(principal, &policy)?;
                if policy.retired_at.is_some() {
                    return Err(AppError::Conflict("this policy is retired".to_owned()));
                }
                if policy.template.is_some() {
                    return Err(AppError::Conflict(
                        "this policy is adopted from a trust template: its words come from the template".to_owned(),
                    ));
                }
                if PolicyVersions::new(&txn, &scope)
                    .in_state(id, VersionState::Draft)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Conflict(
                        "this policy already has a draft: update or publish it".to_owned(),
                    ));
                }
                policy
            }
            None => {
                match (input.kind.is_trust_level(), input.school) {
                    (true, Some(_)) => {
                        return Err(AppError::invalid(
                            "schoolId",
                            "a trust policy belongs to no one school",
                        ));
                    }
                    (false, None) => {
                        return Err(AppError::invalid(
                            "schoolId",
                            "a school policy needs its school",
                        ));
                    }
                    (false, Some(school)) => {
                        Schools::new(&txn, &scope).get(school).await?;
                        if !principal.can_manage_school(school) {
                            return Err(AppError::forbidden(
                                "you cannot add policies to this school",
                            ));
                        }
                    }
                    (true, None) => {
                        if !principal.can_administer_trust() {
                            return Err(AppError::forbidden(
                                "only a trust admin can add trust policies",
                            ));
                        }
                    }
                }
                let title = input
                    .title
                    .clone()
                    .or_else(|| document.meta.title.clone())
                    .map(|title| title.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|title| !title.is_empty())
                    .unwrap_or_else(|| "Untitled policy".to_owned());
                if title.chars().count() > MAX_TITLE {
                    return Err(AppError::invalid(
                        "title",
                        format!("at most {MAX_TITLE} characters"),
                    ));
                }
                let policy = Policies::new(&txn, &scope)
                    .insert(NewPolicy {
                        school: input.school,
                        kind: input.kind,
                        title,
                        template: None,
                        at,
                    })
                    .await?;
                let policy = match input.obligation {
                    ObligationKind::Sign => policy,
                    other => {
                        Policies::new(&txn, &scope)
                            .set_obligation(policy.id, other, at)
                            .await?
                    }
                };
                record(
                    &txn,
                    principal,
                    at,
                    Change {
                        action: "policy.create",
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
        let next_review_on = document
            .meta
            .next_review
            .as_ref()
            .and_then(|date| date.date);
        let review_cycle_months = document.meta.review_cycle.as_deref().and_then(cycle_months);
        let warnings = document.warnings.clone();
        let version = PolicyVersions::new(&txn, &scope)
            .insert(NewPolicyVersion {
                policy: policy.id,
                source,
                document,
                based_on: None,
                review_cycle_months,
                next_review_on,
                at,
            })
            .await?;
        let original = PolicyVersionFiles::new(&txn, &scope)
            .insert(
                version.id,
                NewPolicySourceFile {
                    file_name: file_name.unwrap_or_else(|| {
                        format!("policy-version-{}.{}", version.number, format.extension())
                    }),
                    format: format.as_str(),
                    content_type: format.media_type(),
                    sha256: hex::encode(Sha256::digest(&input.file)),
                    content: &input.file,
                    uploaded_by_kind: principal.actor().kind(),
                    uploaded_by: principal.actor().id(),
                    at,
                },
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "policy_version.import",
                subject_type: "policy_version",
                subject_id: version.id.as_uuid(),
                before: None,
                after: Some(&serde_json::json!({
                    "policy": policy.id,
                    "number": version.number,
                    "warnings": warnings.len(),
                    "format": import_report.format,
                    "file": {
                        "name": original.file_name,
                        "size": original.size,
                        "sha256": original.sha256,
                    },
                })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(ImportedDraft {
            policy,
            version,
            warnings,
            report: Some(import_report),
        })
    }
}

/// "Annual" → 12, "Every 2 years" → 24, "Termly" → 4.
pub(crate) fn cycle_months(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    let number = lower
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|n| n.parse::<u32>().ok());
    if lower.contains("annual") || lower.contains("yearly") {
        Some(12)
    } else if lower.contains("termly") {
        Some(4)
    } else if lower.contains("year") {
        Some(number.unwrap_or(1) * 12)
    } else if lower.contains("month") {
        number
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn review_cycles_are_read_from_words() {
        assert_eq!(super::cycle_months("Annual"), Some(12));
        assert_eq!(super::cycle_months("Every 2 years"), Some(24));
        assert_eq!(super::cycle_months("18 months"), Some(18));
        assert_eq!(super::cycle_months("As needed"), None);
    }
}
