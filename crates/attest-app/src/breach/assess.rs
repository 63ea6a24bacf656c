//! The DPO's assessment and decisions, with reasons either way.

use attest_domain::{Assessment, AssessmentInput, BreachId, BreachStatus, Principal};

use super::{BreachView, as_detail};
use crate::{App, AppError};

impl App {
    /// The DPO's assessment and decisions, with reasons either way.
    pub async fn assess_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        input: AssessmentInput,
    ) -> Result<BreachView, AppError> {
        self.require_dpo(principal, "assess breaches").await?;
        self.change_breach(principal, id, version, "assessed", |breach, now| {
            breach.status = breach.status.transition(BreachStatus::Assessed)?;
            let assessment = Assessment::parse(input, now)?;
            let detail = as_detail(&assessment)?;
            breach.record.assessment = Some(assessment);
            Ok(detail)
        })
        .await
    }
}
