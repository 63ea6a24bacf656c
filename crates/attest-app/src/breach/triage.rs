//! Triage: the DPO confirms when the trust became aware, which starts the ICO's clock.

use attest_domain::{BreachId, BreachStatus, Principal, breach_optional_text, ico_deadline};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::BreachView;
use crate::{App, AppError};

impl App {
    /// The DPO confirms when the trust became aware: the ICO clock starts there.
    pub async fn triage_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        aware_at: DateTime<Utc>,
        notes: Option<String>,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "triage breaches").await?;
        self.change_breach(principal, id, version, "triaged", |breach, now| {
            breach.status = breach.status.transition(BreachStatus::Triaged)?;
            if aware_at > now + chrono::Duration::minutes(5) {
                return Err(AppError::invalid("awareAt", "is in the future"));
            }
            breach.aware_at = Some(aware_at);
            breach.record.triage_notes = breach_optional_text("notes", notes.as_deref())?;
            Ok(json!({ "awareAt": aware_at, "deadline": ico_deadline(aware_at), "notes": breach.record.triage_notes }))
        })
        .await
    }
}
