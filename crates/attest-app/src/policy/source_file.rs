//! The file a version was imported from, for admins: what the school gave, byte for
//! byte, to set beside what attest read from it. Staff sign the imported text, never
//! this file, so only those who manage the policy (or, for a trust policy, any school's
//! admin) may fetch it.

use attest_domain::{PolicyVersionId, Principal, Role};
use attest_store::{Policies, PolicySourceFile, PolicyVersionFiles, PolicyVersions};

use crate::{App, AppError};

/// Trust admins, and school admins for their schools' policies and the trust's.
fn may_fetch(principal: &Principal, school: Option<attest_domain::SchoolId>) -> bool {
    match school {
        None => principal.is_trust_admin() || principal.has_role(Role::SchoolAdmin),
        Some(school) => principal.can_manage_school(school),
    }
}

impl App {
    async fn require_source_access(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<(), AppError> {
        let scope = principal.scope();
        let found = PolicyVersions::new(&self.db, &scope).get(version).await?;
        let policy = Policies::new(&self.db, &scope).get(found.policy).await?;
        if may_fetch(principal, policy.school) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only the policy's admins can fetch the file it was imported from",
            ))
        }
    }

    /// What is known about the version's original file; `None` for a version written
    /// in attest or adopted from a template.
    pub async fn policy_source_file(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<Option<PolicySourceFile>, AppError> {
        self.require_source_access(principal, version).await?;
        Ok(PolicyVersionFiles::new(&self.db, &principal.scope())
            .describe(version)
            .await?)
    }

    /// The version's original file with its bytes, for download.
    pub async fn policy_source_file_bytes(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
    ) -> Result<(PolicySourceFile, Vec<u8>), AppError> {
        self.require_source_access(principal, version).await?;
        Ok(PolicyVersionFiles::new(&self.db, &principal.scope())
            .get(version)
            .await?)
    }
}
