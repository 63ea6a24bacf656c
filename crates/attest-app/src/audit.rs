//! Writing and reading the audit log. Every mutation records who did what to which
//! subject, with the subject's public shape before and after.

use attest_domain::{AuditEntry, AuditEntryId, Principal};
use attest_store::{Audit, ConnectionTrait, NewAuditEntry};
use serde::Serialize;

use crate::{App, AppError};

pub(crate) struct Change<'a, T: Serialize> {
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: uuid::Uuid,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

pub(crate) async fn record<T: Serialize>(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    at: chrono::DateTime<chrono::Utc>,
    change: Change<'_, T>,
) -> Result<(), AppError> {
    Audit::new(conn, &principal.scope())
        .append(entry(principal, at, change))
        .await?;
    Ok(())
}

/// The audit entry recording `change` by `principal`, to append now or with others.
pub(crate) fn entry<T: Serialize>(
    principal: &Principal,
    at: chrono::DateTime<chrono::Utc>,
    change: Change<'_, T>,
) -> NewAuditEntry {
    let mut summary = serde_json::json!({ "before": change.before, "after": change.after });
    if let Some(task) = principal.system_task() {
        summary["task"] = serde_json::Value::from(task.as_str());
    }
    NewAuditEntry {
        actor_kind: principal.actor().kind(),
        actor_id: principal.actor().id(),
        action: change.action,
        subject_type: change.subject_type,
        subject_id: Some(change.subject_id),
        summary,
        at,
    }
}

impl App {
    /// The trust's audit log, newest first. Trust admins only.
    pub async fn audit_log(
        &self,
        principal: &Principal,
        first: u64,
        before: Option<AuditEntryId>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can read the audit log",
            ));
        }
        Ok(Audit::new(&self.db, &principal.scope())
            .recent(first, before)
            .await?)
    }
}
