//! Logging a request as it arrives: numbered in the register (SAR-, RR-, FOI-year-n),
//! its deadline computed, the first timeline entry and the audit entry in one transaction.

use attest_domain::requests::{RequestInput, RequestRecord};
use attest_domain::{Principal, SchoolId};
use attest_store::{InfoRequests, NewInfoRequest, Schools, TransactionTrait};
use serde_json::json;

use super::steps::log_request_step;
use super::{Reach, RequestView, require_worker};
use crate::{App, AppError};

/// A request as typed, with the school it arrived at (none: the trust itself).
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub school: Option<SchoolId>,
    pub input: RequestInput,
}

impl App {
    pub async fn log_info_request(
        &self,
        principal: &Principal,
        new: NewRequest,
    ) -> Result<RequestView, AppError> {
        let reach = require_worker(principal)?;
        let scope = principal.scope();
        match new.school {
            Some(school) => {
                if reach == Reach::Schools && !principal.can_manage_school(school) {
                    return Err(AppError::NotFound("school not found".to_owned()));
                }
                Schools::new(&self.db, &scope).get(school).await?;
            }
            None if reach == Reach::Schools => {
                return Err(AppError::invalid(
                    "school_id",
                    "say which of your schools received the request",
                ));
            }
            None => {}
        }
        self.rate_limits.hit(
            crate::Limit::Casework,
            &crate::rate_limit::principal_key(principal),
        )?;
        let record = RequestRecord::parse(new.input, self.today())?;
        let terms = self.term_calendar_of(principal).await?;
        let calendar = terms.calendar(record.received_on, 3);
        let due_on = record.deadline(&calendar, self.today()).due_on;
        let at = self.now();
        let txn = self.db.begin().await?;
        let requests = InfoRequests::new(&txn, &scope);
        requests.lock_register().await?;
        let actor = principal.actor();
        let request = requests
            .insert(NewInfoRequest {
                school: new.school,
                record,
                due_on,
                logged_by_kind: actor.kind(),
                logged_by: actor.id(),
                at,
            })
            .await?;
        let detail = json!({
            "reference": request.reference,
            "kind": request.record.kind,
            "received_on": request.record.received_on,
            "due_on": due_on,
        });
        log_request_step(&txn, principal, &request, "logged", &detail, at).await?;
        txn.commit().await?;
        Ok(self.request_view(&terms, request))
    }
}
