//! Triage: the DPO confirms when the trust became aware, which starts the ICO's clock.

use attest_domain::{
    BreachId, BreachStatus, Principal, breach_optional_text, check_awareness, ico_deadline,
};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::BreachView;
use crate::{App, AppError};

/// What triage confirms.
#[derive(Debug, Clone, Default)]
pub struct Awareness {
    /// When the trust became aware (default: when the breach was discovered).
    pub aware_at: Option<DateTime<Utc>>,
    /// Needed when that is later than the discovery.
    pub reason: Option<String>,
    pub notes: Option<String>,
}

impl App {
    /// The DPO confirms when the trust became aware: the ICO clock starts there. It is
    /// the discovery unless the DPO says otherwise; a later time needs their reason.
    pub async fn triage_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        awareness: Awareness,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "triage breaches").await?;
        let triager = self.handler_of(principal).await?;
        self.change_breach(principal, id, version, "triaged", |breach, now| {
            breach.status = breach.status.transition(BreachStatus::Triaged)?;
            let discovered = breach.record.facts.discovered_at;
            let aware_at = awareness.aware_at.unwrap_or(discovered);
            if aware_at > now + chrono::Duration::minutes(5) {
                return Err(AppError::invalid("awareAt", "is in the future"));
            }
            let reason = check_awareness(aware_at, discovered, awareness.reason.as_deref())?;
            breach.aware_at = Some(aware_at);
            breach.record.aware_reason = reason;
            breach.record.triage_notes = breach_optional_text("notes", awareness.notes.as_deref())?;
            if breach.record.handler.is_none() {
                breach.record.handler = triager;
            }
            Ok(json!({
                "awareAt": aware_at, "deadline": ico_deadline(aware_at),
                "awareReason": breach.record.aware_reason, "notes": breach.record.triage_notes,
            }))
        })
        .await
    }
}
