//! When the DPO hears about a request's deadline: a week of working days before it,
//! and once it has passed unanswered. Never while the clock is stopped.

use chrono::NaiveDate;

use super::{Calendar, Deadline};

/// Working days before the deadline the first alert goes.
pub const DUE_SOON_WORKING_DAYS: u32 = 5;

text_enum!(
    /// An alert about a request's deadline.
    RequestAlert, "stage", {
        DueSoon => "due_soon",
        Overdue => "overdue",
    }
);

/// Working days after `today` up to and including `due_on`.
pub fn working_days_left(today: NaiveDate, due_on: NaiveDate, calendar: &Calendar) -> u32 {
    today
        .iter_days()
        .skip(1)
        .take_while(|day| *day <= due_on)
        .filter(|day| calendar.is_working_day(*day))
        .map(|_| 1)
        .sum()
}

/// The alert due today for an open request, if any.
pub fn request_alert_due(
    deadline: Deadline,
    today: NaiveDate,
    calendar: &Calendar,
) -> Option<RequestAlert> {
    if deadline.clock_stopped {
        return None;
    }
    if today > deadline.due_on {
        return Some(RequestAlert::Overdue);
    }
    (working_days_left(today, deadline.due_on, calendar) <= DUE_SOON_WORKING_DAYS)
        .then_some(RequestAlert::DueSoon)
}
