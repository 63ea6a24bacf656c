//! One change to a breach: checked against the version it was made on, written with
//! its timeline entry and audit entry in one transaction.

use attest_domain::{BreachId, Principal};
use attest_store::{Breach, Breaches, ConnectionTrait, TransactionTrait};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::BreachView;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    /// Loads the breach, applies `change` to it, saves it against `version`, and writes
    /// the timeline and the audit log, all in one transaction.
    pub(super) async fn change_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        action: &'static str,
        change: impl FnOnce(&mut Breach, DateTime<Utc>) -> Result<serde_json::Value, AppError>,
    ) -> Result<BreachView, AppError> {
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let breaches = Breaches::new(&txn, &scope);
        breaches.lock(id).await?;
        let before = breaches.get(id).await?;
        if before.version != version {
            return Err(AppError::Conflict(format!(
                "{} was changed by someone else (it is now at version {}, you edited version {version}); reload it and try again",
                before.reference, before.version
            )));
        }
        let mut after = before.clone();
        let detail = change(&mut after, at)?;
        let saved = breaches
            .update(id, version, after.status, after.aware_at, &after.record, at)
            .await?;
        let mut detail = detail;
        if before.status != saved.status
            && let Some(object) = detail.as_object_mut()
        {
            object.insert("from".to_owned(), json!(before.status));
            object.insert("to".to_owned(), json!(saved.status));
        }
        let after_audit =
            json!({ "status": saved.status, "version": saved.version, "change": detail });
        log_step(
            &txn,
            principal,
            id,
            at,
            Step {
                event: action,
                detail: &detail,
                audit: match action {
                    "triaged" => "breach.triage",
                    "assessed" => "breach.assess",
                    "ico_notified" => "breach.ico_notification",
                    "subjects_notified" => "breach.subject_notification",
                    "other_notified" => "breach.other_notification",
                    "facts_corrected" => "breach.correct",
                    "assigned" => "breach.assign",
                    _ => "breach.close",
                },
                before: Some(&json!({ "status": before.status, "version": before.version })),
                after: &after_audit,
            },
        )
        .await?;
        txn.commit().await?;
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, saved))
    }
}

impl App {
    /// A step on a breach taken elsewhere (links to the record of processing), on its
    /// timeline and in the audit log as `breach.link`.
    pub(crate) async fn log_breach_step(
        &self,
        conn: &impl ConnectionTrait,
        principal: &Principal,
        id: BreachId,
        event: &str,
        detail: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        log_step(
            conn,
            principal,
            id,
            at,
            Step {
                event,
                detail,
                audit: "breach.link",
                before: None,
                after: detail,
            },
        )
        .await
    }
}

/// One step on a breach: its timeline entry and its audit entry, written together in
/// the caller's transaction.
pub(super) struct Step<'a> {
    /// The timeline's action, e.g. `note`.
    pub event: &'a str,
    pub detail: &'a serde_json::Value,
    /// The audit log's action, e.g. `breach.note`.
    pub audit: &'static str,
    pub before: Option<&'a serde_json::Value>,
    pub after: &'a serde_json::Value,
}

pub(super) async fn log_step(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    id: BreachId,
    at: DateTime<Utc>,
    step: Step<'_>,
) -> Result<(), AppError> {
    let actor = principal.actor();
    Breaches::new(conn, &principal.scope())
        .append_event(id, actor.kind(), actor.id(), step.event, step.detail, at)
        .await?;
    record(
        conn,
        principal,
        at,
        Change {
            action: step.audit,
            subject_type: "breach",
            subject_id: id.as_uuid(),
            before: step.before,
            after: Some(step.after),
        },
    )
    .await
}
