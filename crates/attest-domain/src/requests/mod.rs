//! Information rights requests on UK clocks: when a subject access (or other article
//! 15–21) request and a freedom of information request must be answered, the record the
//! DPO keeps of each, the trust's term calendar the FOI clock counts school days with,
//! and the alerts before a deadline. Pure rules.

mod alerts;
mod calendar;
mod deadlines;
mod kinds;
mod record;
mod terms;

#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod tests;

pub use alerts::{DUE_SOON_WORKING_DAYS, RequestAlert, request_alert_due, working_days_left};
pub use calendar::Calendar;
pub use deadlines::{
    FOI_SCHOOL_DAYS, FOI_WORKING_DAYS_CAP, MAX_EXTRA_MONTHS, Pause, bank_holidays, foi_deadline,
    one_month_after, rights_deadline,
};
pub use kinds::{Outcome, PauseReason, Relationship, RequestKind, RequestStatus};
pub use record::{
    ClockStop, Deadline, Ending, ExemptionRelied, Extension, MAX_FOI_EXTRA_DAYS, RequestInput,
    RequestRecord, Requester,
};
pub use terms::{MAX_CALENDAR_DAYS, MAX_TERMS, Term, TermCalendar};
