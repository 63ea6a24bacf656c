//! Policy governance: an approval rule per policy, and each version's way through
//! review and approval to publication. Admins who may change a policy set its rule and
//! submit its drafts; the rule's approvers decide and its reviewers comment, seeing the
//! version whichever school they belong to (only for the policies they are named on).

mod decide;
mod read;
mod rule;
mod submit;

pub use decide::clause_names;
pub(crate) use read::approval_note;
pub use read::{AwaitingReview, VersionReview};
pub use rule::{ApprovalRuleInput, RuleChoice};
pub(crate) use submit::{
    audit_step, check_publishable, owner_only, spend_schedule, withdraw_on_edit,
};

use attest_domain::{ApprovalRule, PolicyVersionId, Principal, TenantScope};
use attest_store::{Policies, Policy, PolicyApprovals, PolicyVersion, PolicyVersions};

use crate::{App, AppError};

/// A version with its policy and the policy's rule, read for `principal`, with the
/// scope the caller's further reads of it use.
pub(crate) struct Governed {
    pub scope: TenantScope,
    pub policy: Policy,
    pub version: PolicyVersion,
    pub rule: Option<ApprovalRule>,
    /// Whether the caller may change the policy (its admins).
    pub owns: bool,
}

/// Trust admins change the trust's policies; a school's admins change its own.
pub(crate) fn owns(principal: &Principal, policy: &Policy) -> bool {
    match policy.school {
        None => principal.can_administer_trust(),
        Some(school) => principal.can_manage_school(school),
    }
}

impl App {
    /// Reads a version for those whose scope reaches it, or for someone its policy's rule
    /// names (a governor with no role sees only the policies they review or approve).
    /// Anyone else gets "not found", as for a version outside their scope.
    pub(crate) async fn governed(
        &self,
        conn: &impl attest_store::ConnectionTrait,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<Governed, AppError> {
        let own_scope = principal.scope();
        if let Ok(found) = PolicyVersions::new(conn, &own_scope).get(version).await {
            let policy = Policies::new(conn, &own_scope).get(found.policy).await?;
            let rule = PolicyApprovals::new(conn, &own_scope)
                .rule(policy.id)
                .await?;
            return Ok(Governed {
                owns: owns(principal, &policy),
                scope: own_scope,
                policy,
                version: found,
                rule,
            });
        }
        // Someone named on the rule reads across the trust, for this version only.
        let Some(own) = principal.own_records() else {
            return Err(AppError::NotFound("policy version not found".to_owned()));
        };
        let wide = own.keyed().1.clone();
        let not_found = || AppError::NotFound("policy version not found".to_owned());
        let found = PolicyVersions::new(conn, &wide)
            .get(version)
            .await
            .map_err(|_| not_found())?;
        let policy = Policies::new(conn, &wide).get(found.policy).await?;
        let rule = PolicyApprovals::new(conn, &wide).rule(policy.id).await?;
        if !rule.as_ref().is_some_and(|rule| rule.involves(principal)) {
            return Err(not_found());
        }
        Ok(Governed {
            scope: wide,
            policy,
            version: found,
            rule,
            owns: false,
        })
    }
}
