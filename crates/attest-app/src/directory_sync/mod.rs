//! Directory sync, as trust admins drive it: connect the trust's Entra ID tenant or Google
//! Workspace, write the mapping rules, then plan (read the directory, show who would be
//! added, changed, or marked as left) and apply a plan in one transaction. A plan that
//! would end too large a share of a school stops unless confirmed. Leavers' memberships
//! end; people and their acceptances stay.

mod apply;
mod connection;
mod plan;
mod push;
mod rules;
mod runs;

use std::collections::HashMap;

use attest_domain::{DirectorySettings, Principal, SchoolId, SyncRulesInput, TrustId};
use attest_store::{Directory as DirectoryStore, DirectoryConnection, Schools};
use serde_json::Value;

use crate::{App, AppError};

/// The connection as admins see it (never its secret).
#[derive(Debug, Clone)]
pub struct DirectoryConnectionView {
    pub settings: DirectorySettings,
    pub rules: Option<SyncRulesInput>,
    pub has_delta_link: bool,
    pub last_applied_at: Option<chrono::DateTime<chrono::Utc>>,
    pub accounts_known: usize,
}

/// A sync run: its plan, and what became of it.
#[derive(Debug, Clone)]
pub struct SyncRun {
    pub row: attest_domain::SyncRunRecord,
    pub summary: Value,
    /// The plan shown: adds, updates, leavers, unmapped accounts, alarms.
    pub plan: Value,
}

/// Who asked for a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncTrigger {
    Cli,
    Api,
    Schedule,
}

impl SyncTrigger {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Api => "api",
            Self::Schedule => "schedule",
        }
    }
}

fn seal_context(trust: TrustId) -> Vec<u8> {
    format!("directory_connection:{trust}").into_bytes()
}

impl App {
    fn directory_key(&self) -> Result<&attest_auth::SealingKey, AppError> {
        self.sealing_key("secret")
    }

    async fn school_slugs(
        &self,
        principal: &Principal,
    ) -> Result<HashMap<SchoolId, String>, AppError> {
        school_slugs_in(&self.db, &principal.scope()).await
    }

    async fn connection_of(&self, principal: &Principal) -> Result<DirectoryConnection, AppError> {
        DirectoryStore::new(&self.db, &principal.scope())
            .connection()
            .await?
            .ok_or_else(|| {
                AppError::NotFound(
                    "this trust has no directory connected: connect Entra ID or Google Workspace first"
                        .to_owned(),
                )
            })
    }
}

/// The trust's school slugs read through `conn` (a push's own transaction: a second
/// connection taken while holding one could wait for ever on a busy pool).
pub(super) async fn school_slugs_in(
    conn: &impl attest_store::ConnectionTrait,
    scope: &attest_domain::TenantScope,
) -> Result<HashMap<SchoolId, String>, AppError> {
    Ok(Schools::new(conn, scope)
        .list()
        .await?
        .into_iter()
        .map(|school| (school.id, school.slug.to_string()))
        .collect())
}
