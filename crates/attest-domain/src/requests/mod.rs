//! Information rights requests on UK clocks: when a subject access (or other article
//! 15–22) request and a freedom of information request must be answered. Pure rules
//! against a calendar of working and school days; the first piece of the DPO's
//! casework (issue 24).

mod calendar;
mod deadlines;

#[cfg(test)]
mod tests;

pub use calendar::Calendar;
pub use deadlines::{
    FOI_SCHOOL_DAYS, FOI_WORKING_DAYS_CAP, Pause, bank_holidays, foi_deadline, one_month_after,
    rights_deadline,
};
