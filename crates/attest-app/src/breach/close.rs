//! Closing a breach, or closing it as not a breach, with the reason kept.

use attest_domain::{BreachId, BreachStatus, Principal, breach_optional_text, breach_text};
use serde_json::json;

use super::BreachView;
use crate::{App, AppError};

/// How a breach ends.
#[derive(Debug, Clone, Default)]
pub struct CloseBreachInput {
    /// Closed as not a personal data breach after all (from reported or triaged).
    pub not_a_breach: bool,
    pub reason: Option<String>,
    pub lessons_learned: Option<String>,
}

impl App {
    pub async fn close_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: CloseBreachInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "close breaches").await?;
        self.change_breach(principal, id, version, "closed", |breach, _| {
            if input.not_a_breach {
                breach.status = breach.status.transition(BreachStatus::ClosedNotABreach)?;
                breach.record.close_reason = Some(breach_text(
                    "reason",
                    input.reason.as_deref().unwrap_or_default(),
                )?);
            } else {
                breach.status = breach.status.transition(BreachStatus::Closed)?;
                breach.record.check_can_close()?;
                breach.record.close_reason = breach_optional_text("reason", input.reason.as_deref())?;
            }
            breach.record.lessons_learned =
                breach_optional_text("lessonsLearned", input.lessons_learned.as_deref())?;
            Ok(json!({ "reason": breach.record.close_reason, "lessonsLearned": breach.record.lessons_learned }))
        })
        .await
    }
}
