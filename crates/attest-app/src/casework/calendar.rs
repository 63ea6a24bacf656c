//! The trust's term calendar: read by anyone who sees casework, kept by the DPO and
//! trust admins. Saving it moves the stored deadlines of open requests with it.

use attest_domain::Principal;
use attest_domain::requests::TermCalendar;
use attest_store::{InfoRequests, RequestFilter, TransactionTrait, TrustCalendars};
use serde_json::json;

use super::require_trust_worker;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    /// The trust's term calendar (anyone signed in to the trust may read it: reminders
    /// and FOI deadlines follow it).
    pub async fn term_calendar(&self, principal: &Principal) -> Result<TermCalendar, AppError> {
        self.term_calendar_of(principal).await
    }

    pub async fn set_term_calendar(
        &self,
        principal: &Principal,
        calendar: TermCalendar,
    ) -> Result<TermCalendar, AppError> {
        require_trust_worker(principal, "change the term calendar")?;
        let calendar = TermCalendar::parse(
            calendar.terms,
            calendar.inset_days,
            calendar.extra_bank_holidays,
        )?;
        let scope = principal.scope();
        let before = self.term_calendar_of(principal).await?;
        let today = self.today();
        let at = self.now();
        let txn = self.db.begin().await?;
        TrustCalendars::new(&txn, &scope).set(&calendar, at).await?;
        let requests = InfoRequests::new(&txn, &scope);
        let open = requests
            .list(&RequestFilter {
                open_only: true,
                ..RequestFilter::default()
            })
            .await?;
        let mut moved = 0;
        for request in open {
            let due_on = request
                .record
                .deadline(&calendar.calendar(request.record.received_on, 3), today)
                .due_on;
            if due_on != request.due_on {
                requests
                    .update(&request, &request.record, due_on, at)
                    .await?;
                moved += 1;
            }
        }
        record(
            &txn,
            principal,
            at,
            Change {
                action: "trust.term_calendar",
                subject_type: "trust",
                subject_id: principal.trust().as_uuid(),
                before: Some(&json!(before)),
                after: Some(&json!({ "calendar": calendar, "deadlines_moved": moved })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(calendar)
    }
}
