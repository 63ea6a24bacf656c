//! What a tick owes each row (a step to the person, an escalation to the school's
//! admins, or nothing because it was given already), and whether a tick has anything
//! to write at all, decided before any name or title is read: a repeat tick, with
//! everything given, reads only the rows' keys and dates.

use std::collections::HashSet;

use attest_domain::{Owing, Principal, ReminderPlan, ReminderStep};
use attest_store::{GivenStep, People};
use chrono::NaiveDate;

use super::school_mail::{DigestWeek, SchoolContacts};
use crate::{App, AppError};

/// What a tick owes one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Due {
    /// The school's admins are to hear that the person is overdue.
    pub(super) escalate: bool,
    /// The step to send the person, and the earlier steps it stands for.
    pub(super) send: Option<(ReminderStep, Vec<ReminderStep>)>,
}

pub(super) fn due(
    owing: &Owing,
    given: &HashSet<GivenStep>,
    plan: &ReminderPlan,
    today: NaiveDate,
) -> Due {
    let was_given =
        |step: ReminderStep| given.contains(&(owing.person, owing.current_version_id, step.key()));
    let steps = plan.steps_due(owing.due_on, owing.grace_days, today);
    let escalate =
        steps.contains(&ReminderStep::Escalation) && !was_given(ReminderStep::Escalation);
    let send = plan
        .step_to_send(owing.due_on, owing.grace_days, today)
        .and_then(|step| {
            let covered: Vec<ReminderStep> = steps
                .into_iter()
                .filter(|s| *s != ReminderStep::Escalation && *s != step)
                .collect();
            if was_given(step) && covered.iter().all(|s| was_given(*s)) {
                None
            } else {
                Some((step, covered))
            }
        });
    Due { escalate, send }
}

/// What a tick decides on, read once: the rows owing now and the steps already given.
pub(super) struct TickFacts<'a> {
    pub(super) plan: &'a ReminderPlan,
    pub(super) today: NaiveDate,
    pub(super) owing: &'a [Owing],
    pub(super) given: &'a HashSet<GivenStep>,
    pub(super) contacts: &'a SchoolContacts,
    pub(super) digests: &'a DigestWeek,
}

impl App {
    /// Whether the tick would write any email: a step to someone who has an address,
    /// an escalation to a school with admins, or a school's weekly digest not yet
    /// queued. What is sent is still decided on the full rows, so this only has to
    /// be true whenever that would send something.
    pub(super) async fn tick_has_work(
        &self,
        operator: &Principal,
        facts: &TickFacts<'_>,
    ) -> Result<bool, AppError> {
        if facts.digests.pending() {
            return Ok(true);
        }
        let unreachable = People::new(&self.db, &operator.scope())
            .without_email()
            .await?;
        for owing in facts.owing {
            let due = due(owing, facts.given, facts.plan, facts.today);
            if due.escalate && !facts.contacts.admins(owing.school).is_empty() {
                return Ok(true);
            }
            if due.send.is_some() && !unreachable.contains(&owing.person) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
