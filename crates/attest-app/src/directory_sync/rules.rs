//! The mapping rules: which directory groups or units are which school and kind.

use std::collections::HashMap;

use attest_domain::{MappingRules, Principal, SchoolId, SyncRulesInput};
use attest_store::{Directory as DirectoryStore, TransactionTrait};

use super::DirectoryConnectionView;
use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    pub async fn set_sync_rules(
        &self,
        principal: &Principal,
        input: SyncRulesInput,
    ) -> Result<DirectoryConnectionView, AppError> {
        require_trust_admin(principal, "change the directory mapping rules")?;
        let connection = self.connection_of(principal).await?;
        let by_slug: HashMap<String, SchoolId> = self
            .school_slugs(principal)
            .await?
            .into_iter()
            .map(|(id, slug)| (slug, id))
            .collect();
        let rules = MappingRules::parse(connection.settings.kind, &input, |slug| {
            by_slug.get(slug).copied()
        })?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        DirectoryStore::new(&txn, &scope)
            .set_rules(&rules, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "directory.rules_changed",
                subject_type: "directory_connection",
                subject_id: scope.trust().as_uuid(),
                before: None,
                after: Some(&serde_json::to_value(&input).unwrap_or_default()),
            },
        )
        .await?;
        txn.commit().await?;
        self.directory_connection(principal)
            .await?
            .ok_or_else(|| AppError::Internal("the connection is missing".to_owned()))
    }
}
