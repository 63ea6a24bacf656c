//! Notes on a breach's timeline.

use attest_domain::{BreachId, Principal, breach_optional_text, breach_text};
use attest_store::{BreachEvent, Breaches, TransactionTrait};
use serde_json::json;

use super::change::{Step, log_step};
use super::{Sight, sight};
use crate::{App, AppError};

/// A breach's free-text note and the description of an attachment kept elsewhere.
#[derive(Debug, Clone, Default)]
pub struct BreachNote {
    pub text: String,
    pub attachment: Option<String>,
}

impl App {
    /// A note on the timeline (and, optionally, what an attachment kept elsewhere is).
    pub async fn add_breach_note(
        &self,
        principal: &Principal,
        id: BreachId,
        note: BreachNote,
    ) -> Result<BreachEvent, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins add notes to a breach",
            ));
        }
        let text = breach_text("text", &note.text)?;
        let attachment = breach_optional_text("attachment", note.attachment.as_deref())?;
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let breaches = Breaches::new(&txn, &scope);
        let breach = breaches.get(id).await?;
        let detail = json!({ "text": text, "attachment": attachment });
        log_step(
            &txn,
            principal,
            id,
            at,
            Step {
                event: "note",
                detail: &detail,
                audit: "breach.note",
                before: None,
                after: &json!({ "reference": breach.reference }),
            },
        )
        .await?;
        txn.commit().await?;
        Breaches::new(&self.db, &scope)
            .events(id)
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the note was not saved".to_owned()))
    }
}
