//! The steps of a request after it is logged: the clock stopped and restarted, identity
//! verified, an extension, an exemption relied on, a note, and the outcome. Each is
//! checked against the version it was made on and written with its timeline and audit
//! entries in one transaction.

use attest_domain::Principal;
use attest_domain::requests::{Outcome, PauseReason};
use attest_store::{ConnectionTrait, InfoRequest, InfoRequests, TransactionTrait};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::{RequestView, require_worker};
use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_NOTE: usize = 10_000;

/// One step, as the DPO or a school admin records it.
#[derive(Debug, Clone)]
pub enum RequestStep {
    StopClock {
        reason: PauseReason,
        from: NaiveDate,
        note: Option<String>,
    },
    RestartClock {
        on: NaiveDate,
    },
    VerifyIdentity {
        on: NaiveDate,
    },
    Extend {
        by: u32,
        reason: String,
        requester_told_on: NaiveDate,
    },
    Exemption {
        provision: String,
        reason: String,
    },
    Note {
        text: String,
    },
    Close {
        outcome: Outcome,
        on: NaiveDate,
        summary: String,
    },
}

impl RequestStep {
    fn action(&self) -> &'static str {
        match self {
            Self::StopClock { .. } => "clock_stopped",
            Self::RestartClock { .. } => "clock_restarted",
            Self::VerifyIdentity { .. } => "identity_verified",
            Self::Extend { .. } => "extended",
            Self::Exemption { .. } => "exemption",
            Self::Note { .. } => "note",
            Self::Close { .. } => "closed",
        }
    }
}

/// The timeline entry and the audit entry of a step, in the caller's transaction.
pub(super) async fn log_request_step(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    request: &InfoRequest,
    action: &str,
    detail: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let actor = principal.actor();
    InfoRequests::new(conn, &principal.scope())
        .append_event(request.id, (actor.kind(), actor.id()), action, detail, at)
        .await?;
    let after = json!({ "reference": request.reference, "status": request.status, "version": request.version, "step": action, "detail": detail });
    record(
        conn,
        principal,
        at,
        Change {
            action: "request.step",
            subject_type: "info_request",
            subject_id: request.id,
            before: None::<&serde_json::Value>,
            after: Some(&after),
        },
    )
    .await
}

impl App {
    /// Applies `step` to the request at `version`.
    pub async fn take_request_step(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
        version: u32,
        step: RequestStep,
    ) -> Result<RequestView, AppError> {
        require_worker(principal)?;
        self.rate_limits.hit(
            crate::Limit::Casework,
            &crate::rate_limit::principal_key(principal),
        )?;
        let terms = self.term_calendar_of(principal).await?;
        let today = self.today();
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let requests = InfoRequests::new(&txn, &scope);
        requests.lock(id).await?;
        let before = requests.get(id).await?;
        if before.version != version {
            return Err(AppError::Conflict(format!(
                "{} was changed by someone else (it is now at version {}, you edited version {version}); reload it and try again",
                before.reference, before.version
            )));
        }
        let calendar = terms.calendar(before.record.received_on, 3);
        let mut record = before.record.clone();
        let action = step.action();
        let detail = match step {
            RequestStep::StopClock { reason, from, note } => {
                record.stop_clock(reason, from, note.as_deref(), today)?;
                json!({ "reason": reason, "from": from, "note": note })
            }
            RequestStep::RestartClock { on } => {
                record.restart_clock(on, today)?;
                json!({ "on": on })
            }
            RequestStep::VerifyIdentity { on } => {
                record.verify_identity(on, today)?;
                json!({ "on": on })
            }
            RequestStep::Extend {
                by,
                reason,
                requester_told_on,
            } => {
                record.extend(by, &reason, requester_told_on, &calendar, today)?;
                json!({ "by": by, "reason": reason, "requester_told_on": requester_told_on })
            }
            RequestStep::Exemption { provision, reason } => {
                record.rely_on_exemption(&provision, &reason, today)?;
                json!({ "provision": provision, "reason": reason })
            }
            RequestStep::Note { text } => {
                let text = text.trim().to_owned();
                if text.is_empty() || text.chars().count() > MAX_NOTE {
                    return Err(AppError::invalid(
                        "text",
                        format!("a note is 1 to {MAX_NOTE} characters"),
                    ));
                }
                json!({ "text": text })
            }
            RequestStep::Close {
                outcome,
                on,
                summary,
            } => {
                record.close(outcome, on, &summary, today)?;
                json!({ "outcome": outcome, "on": on, "summary": summary })
            }
        };
        let due_on = record.deadline(&calendar, today).due_on;
        let saved = requests.update(&before, &record, due_on, at).await?;
        log_request_step(&txn, principal, &saved, action, &detail, at).await?;
        txn.commit().await?;
        Ok(self.request_view(&terms, saved))
    }
}
