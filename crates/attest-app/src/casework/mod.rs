//! The DPO's casework beyond breaches: information requests on UK clocks (subject
//! access and the other rights, FOI), the trust's term calendar the FOI clock counts
//! with, the record of processing activities and the suppliers. Who may do what:
//! the DPO and trust admins see and change everything in the trust; a school admin sees
//! and works the requests of their schools (and logs new ones for them); read-only
//! tokens read. Every change is one transaction with its timeline and audit entries.

mod alerts;
mod calendar;
mod documents;
mod links;
mod log;
mod processing;
mod register;
mod steps;
mod suppliers;

use attest_domain::requests::{Deadline, TermCalendar, working_days_left};
use attest_domain::{Actor, Principal, Role};
use attest_store::{InfoRequest, TrustCalendars};

use crate::{App, AppError};

pub use documents::DocumentUpload;
pub use links::BreachRecords;
pub use log::NewRequest;
pub use processing::ROPA_CSV_NAME;
pub use register::{REQUEST_CSV_HEADER, RequestCase};
pub use steps::RequestStep;
pub use suppliers::SupplierView;

/// A request with its deadline as of today.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub request: InfoRequest,
    pub deadline: Deadline,
    /// Open and past its deadline.
    pub overdue: bool,
    /// Working days from today to the deadline (open requests not yet overdue).
    pub working_days_left: Option<u32>,
    pub answered_late: bool,
    /// The deadline falls past the last term the calendar holds (FOI): school holidays
    /// there are not known, so it may come later.
    pub past_calendar: bool,
}

/// How far a caller sees casework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The DPO, trust admins, read-only tokens: the whole trust.
    Trust,
    /// A school admin: their schools' requests and activities.
    Schools,
}

fn reach(principal: &Principal) -> Result<Reach, AppError> {
    if principal.has_role(Role::Dpo)
        || principal.can_administer_trust()
        || principal.has_role(Role::ReadOnly)
    {
        Ok(Reach::Trust)
    } else if principal.has_role(Role::SchoolAdmin) {
        Ok(Reach::Schools)
    } else {
        Err(AppError::forbidden(
            "only the DPO, trust admins and school admins see the DPO's casework",
        ))
    }
}

/// An API token holding nothing but `read_only`.
fn read_only(principal: &Principal) -> bool {
    matches!(principal.actor(), Actor::ApiToken(_))
        && principal
            .roles()
            .iter()
            .all(|assignment| assignment.role() == Role::ReadOnly)
}

/// Whoever changes casework: the DPO, a trust admin, or a school admin (for their schools).
fn require_worker(principal: &Principal) -> Result<Reach, AppError> {
    let reach = reach(principal)?;
    if read_only(principal) {
        return Err(AppError::forbidden(
            "a read-only token cannot change casework",
        ));
    }
    Ok(reach)
}

/// Only the DPO and trust admins keep the trust-wide records (calendar, suppliers).
fn require_trust_worker(principal: &Principal, what: &str) -> Result<(), AppError> {
    if require_worker(principal)? != Reach::Trust {
        return Err(AppError::forbidden(format!(
            "only the DPO and trust admins can {what}"
        )));
    }
    Ok(())
}

impl App {
    async fn term_calendar_of(&self, principal: &Principal) -> Result<TermCalendar, AppError> {
        Ok(TrustCalendars::new(&self.db, &principal.scope())
            .get()
            .await?)
    }

    fn request_view(&self, terms: &TermCalendar, request: InfoRequest) -> RequestView {
        let today = self.today();
        let calendar = terms.calendar(request.record.received_on, 3);
        let deadline = request.record.deadline(&calendar, today);
        let open = request.status.is_open();
        let overdue = open && today > deadline.due_on;
        RequestView {
            working_days_left: (open && !overdue)
                .then(|| working_days_left(today, deadline.due_on, &calendar)),
            answered_late: request.record.answered_late(&calendar, today),
            past_calendar: request.record.kind.is_foi()
                && terms
                    .covered_until()
                    .is_some_and(|until| deadline.due_on > until),
            overdue,
            deadline,
            request,
        }
    }
}
