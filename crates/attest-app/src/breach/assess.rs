//! The DPO's assessment and decisions, with reasons either way; re-assessed as facts
//! change (article 33(4)), each earlier assessment kept on the timeline; and corrections
//! to the reported facts, each changed field kept with its previous value.

use attest_domain::{
    Assessment, AssessmentInput, BreachFacts, BreachFactsInput, BreachId, BreachStatus, Principal,
    breach_optional_text,
};
use serde_json::json;

use super::{BreachView, as_detail};
use crate::{App, AppError};

impl App {
    /// The DPO's assessment and decisions, with reasons either way. A triaged breach
    /// moves to assessed; an assessed one (also after telling the ICO or the people) is
    /// re-assessed in place, the previous assessment kept on the timeline.
    pub async fn assess_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: AssessmentInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "assess breaches").await?;
        self.change_breach(principal, id, version, "assessed", |breach, now| {
            let previous = breach.record.assessment.clone();
            let reassessing = previous.is_some() && breach.status.is_open();
            if !reassessing {
                breach.status = breach.status.transition(BreachStatus::Assessed)?;
            }
            let assessment = Assessment::parse(input, now)?;
            let mut detail = as_detail(&assessment)?;
            if let (Some(previous), Some(object)) = (previous, detail.as_object_mut()) {
                object.insert("reassessed".to_owned(), json!(true));
                object.insert("previous".to_owned(), as_detail(&previous)?);
            }
            breach.record.assessment = Some(assessment);
            Ok(detail)
        })
        .await
    }

    /// Corrects what was reported (article 33(4)/(5)): the DPO gives the facts as they
    /// now stand; each changed field goes on the timeline with its previous value. What
    /// the ICO was already sent is not touched (its snapshot).
    pub async fn correct_breach_facts(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        facts: BreachFactsInput,
        note: Option<String>,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "correct breach records")
            .await?;
        let mut facts = facts;
        facts.staff_people = self.staff_involved(principal, &facts.staff_emails).await?;
        self.change_breach(principal, id, version, "facts_corrected", |breach, now| {
            if !breach.status.is_open() {
                return Err(AppError::invalid("status", "the breach is closed"));
            }
            let corrected = BreachFacts::parse(facts, now)?;
            let changes = corrected.changes_since(&breach.record.facts);
            if changes.is_empty() {
                return Err(AppError::invalid(
                    "facts",
                    "nothing differs from the record",
                ));
            }
            breach.record.facts = corrected;
            Ok(json!({
                "changes": changes,
                "note": breach_optional_text("note", note.as_deref())?,
            }))
        })
        .await
    }
}
