//! Reading policies: lists, versions, renderings for a school and a reader, diffs, and
//! what is due for review.

use attest_document::{Change, Format, Reader, content_hash, diff, missing_variables, render};
use attest_domain::{
    MembershipKind, PolicyId, PolicyVersionId, Principal, SchoolId, VersionState, review_due,
};
use attest_store::{Policies, Policy, PolicySettings, PolicyVersion, PolicyVersions, Schools};
use chrono::NaiveDate;

use crate::{App, AppError};

pub struct RenderRequest {
    pub version: PolicyVersionId,
    /// Whose values to fill in; defaults to the owning school of a school policy.
    pub school: Option<SchoolId>,
    pub audience: Option<MembershipKind>,
    pub format: Format,
}

pub struct Rendered {
    pub output: String,
    /// SHA-256 of exactly this reader's canonical rendering.
    pub content_hash: String,
    /// Placeholders still without a value at this school.
    pub missing: Vec<String>,
}

/// A newer published template version than the one a school's copy is pinned to.
pub struct TemplateUpdate {
    pub adopted: PolicyVersion,
    pub latest: PolicyVersion,
    pub changes: Vec<Change>,
}

pub struct DueForReview {
    pub policy: Policy,
    pub version: PolicyVersion,
    pub next_review_on: NaiveDate,
    pub overdue: bool,
    /// The review task: the next version being written, and where it is on its way
    /// (`None` when its owner has not started one).
    pub next_draft: Option<(PolicyVersionId, attest_domain::ReviewStage)>,
}

impl App {
    pub async fn policies(
        &self,
        principal: &Principal,
        school: Option<SchoolId>,
    ) -> Result<Vec<Policy>, AppError> {
        let scope = principal.scope();
        if let Some(school) = school {
            Schools::new(&self.db, &scope).get(school).await?;
        }
        Ok(Policies::new(&self.db, &scope).list(school).await?)
    }

    pub async fn policy(&self, principal: &Principal, id: PolicyId) -> Result<Policy, AppError> {
        Ok(Policies::new(&self.db, &principal.scope()).get(id).await?)
    }

    pub async fn policy_versions(
        &self,
        principal: &Principal,
        policy: PolicyId,
    ) -> Result<Vec<PolicyVersion>, AppError> {
        let scope = principal.scope();
        Policies::new(&self.db, &scope).get(policy).await?;
        Ok(PolicyVersions::new(&self.db, &scope)
            .for_policy(policy)
            .await?)
    }

    /// Versions of several policies at once (for batch loading), newest first.
    pub async fn versions_of_policies(
        &self,
        principal: &Principal,
        policies: &[PolicyId],
    ) -> Result<Vec<PolicyVersion>, AppError> {
        Ok(PolicyVersions::new(&self.db, &principal.scope())
            .for_policies(policies)
            .await?)
    }

    pub async fn policy_version(
        &self,
        principal: &Principal,
        id: PolicyVersionId,
    ) -> Result<PolicyVersion, AppError> {
        Ok(PolicyVersions::new(&self.db, &principal.scope())
            .get(id)
            .await?)
    }

    pub async fn render_policy(
        &self,
        principal: &Principal,
        request: RenderRequest,
    ) -> Result<Rendered, AppError> {
        let scope = principal.scope();
        let version = PolicyVersions::new(&self.db, &scope)
            .get(request.version)
            .await?;
        let policy = Policies::new(&self.db, &scope).get(version.policy).await?;
        let school = request.school.or(policy.school);
        let variables = match school {
            Some(school) => {
                Schools::new(&self.db, &scope).get(school).await?;
                if policy.school.is_some_and(|owner| owner != school) {
                    return Err(AppError::invalid(
                        "schoolId",
                        "this policy belongs to another school",
                    ));
                }
                PolicySettings::new(&self.db, &scope)
                    .get(policy.id, school)
                    .await?
                    .variables
            }
            None => Default::default(),
        };
        let reader = Reader {
            variables: Some(&variables),
            audience: request.audience,
        };
        Ok(Rendered {
            output: render(&version.document, &reader, request.format),
            content_hash: content_hash(&version.document, &reader).0,
            missing: missing_variables(&version.document, &variables),
        })
    }

    pub async fn diff_versions(
        &self,
        principal: &Principal,
        from: PolicyVersionId,
        to: PolicyVersionId,
    ) -> Result<Vec<Change>, AppError> {
        let scope = principal.scope();
        let versions = PolicyVersions::new(&self.db, &scope);
        let (before, after) = (versions.get(from).await?, versions.get(to).await?);
        Ok(diff(&before.document, &after.document))
    }

    /// For a school's adopted copy: what changed in the template since the version it
    /// is pinned to, so the school can re-adopt. `None` when it is up to date.
    pub async fn template_update(
        &self,
        principal: &Principal,
        policy: PolicyId,
    ) -> Result<Option<TemplateUpdate>, AppError> {
        let scope = principal.scope();
        let copy = Policies::new(&self.db, &scope).get(policy).await?;
        let Some(template) = copy.template else {
            return Ok(None);
        };
        let versions = PolicyVersions::new(&self.db, &scope);
        let Some(latest) = versions.in_state(template, VersionState::Published).await? else {
            return Ok(None);
        };
        let pinned = versions
            .for_policy(policy)
            .await?
            .into_iter()
            .find_map(|version| version.based_on);
        let Some(pinned) = pinned.filter(|pinned| *pinned != latest.id) else {
            return Ok(None);
        };
        let adopted = versions.get(pinned).await?;
        let changes = diff(&adopted.document, &latest.document);
        Ok(Some(TemplateUpdate {
            adopted,
            latest,
            changes,
        }))
    }

    /// Published policies whose review falls within `notice_days` of today (or is past).
    pub async fn policies_due_for_review(
        &self,
        principal: &Principal,
        notice_days: u32,
    ) -> Result<Vec<DueForReview>, AppError> {
        let scope = principal.scope();
        let today = self.today();
        let by = today + chrono::Days::new(u64::from(notice_days));
        let versions = PolicyVersions::new(&self.db, &scope)
            .published_for_review_by(by)
            .await?;
        let ids: Vec<PolicyId> = versions.iter().map(|version| version.policy).collect();
        let policies: std::collections::HashMap<PolicyId, Policy> = Policies::new(&self.db, &scope)
            .by_ids(&ids)
            .await?
            .into_iter()
            .map(|policy| (policy.id, policy))
            .collect();
        let mut due = Vec::with_capacity(versions.len());
        for version in versions {
            let Some(next_review_on) = version.next_review_on else {
                continue;
            };
            let Some(policy) = policies.get(&version.policy) else {
                continue;
            };
            if version.state != VersionState::Published
                || policy.retired_at.is_some()
                || !review_due(next_review_on, today, notice_days)
            {
                continue;
            }
            let next_draft = match PolicyVersions::new(&self.db, &scope)
                .in_state(policy.id, VersionState::Draft)
                .await?
            {
                None => None,
                Some(draft) => {
                    let stage = attest_store::PolicyApprovals::new(&self.db, &scope)
                        .review(draft.id)
                        .await?
                        .map_or(attest_domain::ReviewStage::Drafting, |record| {
                            record.review.stage
                        });
                    Some((draft.id, stage))
                }
            };
            due.push(DueForReview {
                policy: policy.clone(),
                version,
                next_review_on,
                overdue: next_review_on < today,
                next_draft,
            });
        }
        Ok(due)
    }
}
