//! One request as the DPO keeps it: who asked, about whom, when it arrived, the clock's
//! stops, an extension, the exemptions relied on, and how it ended. Every change is a
//! method that checks it against what is already recorded.

use chrono::NaiveDate;

use super::deadlines::MAX_EXTRA_MONTHS;
use super::kinds::{Outcome, PauseReason, Relationship, RequestKind, RequestStatus};
use super::{Calendar, Pause, foi_deadline, rights_deadline};
use crate::DomainError;
use crate::breach::{LONG_TEXT, SHORT_TEXT, optional_text, required_text};

/// Further working days an FOI public interest test may take (the ICO's "reasonable"
/// extension).
pub const MAX_FOI_EXTRA_DAYS: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Requester {
    pub name: String,
    /// An email or postal address to answer to.
    pub contact: String,
    pub relationship: Relationship,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockStop {
    pub reason: PauseReason,
    pub from: NaiveDate,
    /// None while still awaited.
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extension {
    /// Further months (rights requests, 1–2) or working days (FOI, 1–20).
    pub by: u32,
    pub reason: String,
    pub requester_told_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExemptionRelied {
    /// The provision, e.g. "DPA 2018 Sch 2 para 16 (third parties)" or "FOIA s40(2)".
    pub provision: String,
    pub reason: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ending {
    pub outcome: Outcome,
    pub on: NaiveDate,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestRecord {
    pub kind: RequestKind,
    pub requester: Requester,
    /// Whose data (rights requests); FOI requests are about information, not a person.
    pub about: Option<String>,
    pub description: String,
    pub received_on: NaiveDate,
    pub identity_verified_on: Option<NaiveDate>,
    #[serde(default)]
    pub stops: Vec<ClockStop>,
    pub extension: Option<Extension>,
    #[serde(default)]
    pub exemptions: Vec<ExemptionRelied>,
    pub ending: Option<Ending>,
}

/// A new request as typed.
#[derive(Debug, Clone)]
pub struct RequestInput {
    pub kind: RequestKind,
    pub requester_name: String,
    pub requester_contact: String,
    pub relationship: Relationship,
    pub about: Option<String>,
    pub description: String,
    pub received_on: NaiveDate,
}

/// When a request is due, as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due_on: NaiveDate,
    /// The clock is stopped today (identity or clarification awaited): `due_on`
    /// assumes it restarts today and moves on with every day it stays stopped.
    pub clock_stopped: bool,
    /// Without the extension (when there is one): the day the requester had to be told by.
    pub first_due_on: NaiveDate,
}

fn not_after(field: &'static str, day: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if day > today {
        return Err(DomainError::invalid(
            field,
            format!("{day} is in the future"),
        ));
    }
    Ok(())
}

impl RequestRecord {
    pub fn parse(input: RequestInput, today: NaiveDate) -> Result<Self, DomainError> {
        not_after("received_on", input.received_on, today)?;
        let about = optional_text("about", input.about.as_deref(), SHORT_TEXT)?;
        if about.is_none() && !input.kind.is_foi() {
            return Err(DomainError::invalid(
                "about",
                "say whose personal data the request is about",
            ));
        }
        Ok(Self {
            kind: input.kind,
            requester: Requester {
                name: required_text("requester_name", &input.requester_name, SHORT_TEXT)?,
                contact: required_text("requester_contact", &input.requester_contact, SHORT_TEXT)?,
                relationship: input.relationship,
            },
            about,
            description: required_text("description", &input.description, LONG_TEXT)?,
            received_on: input.received_on,
            identity_verified_on: None,
            stops: Vec::new(),
            extension: None,
            exemptions: Vec::new(),
            ending: None,
        })
    }

    pub fn status(&self) -> RequestStatus {
        match &self.ending {
            Some(ending) if ending.outcome == Outcome::Withdrawn => RequestStatus::Withdrawn,
            Some(_) => RequestStatus::Answered,
            None if self.open_stop().is_some() => RequestStatus::Paused,
            None => RequestStatus::Open,
        }
    }

    fn open_stop(&self) -> Option<&ClockStop> {
        self.stops.iter().find(|stop| stop.until.is_none())
    }

    fn still_open(&self) -> Result<(), DomainError> {
        if self.ending.is_some() {
            return Err(DomainError::invalid(
                "request",
                "is closed: reopening is not possible, log a new request",
            ));
        }
        Ok(())
    }

    /// The clock stops from `from` until `resume` is called.
    pub fn stop_clock(
        &mut self,
        reason: PauseReason,
        from: NaiveDate,
        note: Option<&str>,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.still_open()?;
        not_after("from", from, today)?;
        if let Some(stop) = self.open_stop() {
            return Err(DomainError::invalid(
                "from",
                format!("the clock is already stopped (since {})", stop.from),
            ));
        }
        let last_restart = self.stops.iter().filter_map(|stop| stop.until).max();
        let earliest = last_restart
            .unwrap_or(self.received_on)
            .max(self.received_on);
        if from < earliest {
            return Err(DomainError::invalid(
                "from",
                format!(
                    "{from} is before {earliest} (when the request arrived or the clock last restarted)"
                ),
            ));
        }
        if reason == PauseReason::Identity && self.identity_verified_on.is_some() {
            return Err(DomainError::invalid(
                "reason",
                "identity is already verified",
            ));
        }
        self.stops.push(ClockStop {
            reason,
            from,
            until: None,
            note: optional_text("note", note, SHORT_TEXT)?,
        });
        Ok(())
    }

    /// The awaited answer arrived on `on`: the clock runs again (and identity, when
    /// that was awaited, counts as verified).
    pub fn restart_clock(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        self.still_open()?;
        not_after("on", on, today)?;
        let stop = self
            .stops
            .iter_mut()
            .find(|stop| stop.until.is_none())
            .ok_or_else(|| DomainError::invalid("request", "the clock is not stopped"))?;
        if on < stop.from {
            return Err(DomainError::invalid(
                "on",
                format!("{on} is before the clock stopped ({})", stop.from),
            ));
        }
        stop.until = Some(on);
        if stop.reason == PauseReason::Identity {
            self.identity_verified_on = Some(on);
        }
        Ok(())
    }

    /// Identity checked without stopping the clock (e.g. a member of staff known to the school).
    pub fn verify_identity(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        self.still_open()?;
        not_after("on", on, today)?;
        if on < self.received_on {
            return Err(DomainError::invalid("on", "is before the request arrived"));
        }
        self.identity_verified_on = Some(on);
        Ok(())
    }

    /// Extends the deadline: a rights request by one or two further months, an FOI
    /// request by up to 20 working days for a public interest test. Either way the
    /// requester must be told before the first deadline.
    pub fn extend(
        &mut self,
        by: u32,
        reason: &str,
        told_on: NaiveDate,
        calendar: &Calendar,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.still_open()?;
        not_after("requester_told_on", told_on, today)?;
        let max = if self.kind.is_foi() {
            MAX_FOI_EXTRA_DAYS
        } else {
            MAX_EXTRA_MONTHS
        };
        let unit = if self.kind.is_foi() {
            "working days"
        } else {
            "months"
        };
        if by == 0 || by > max {
            return Err(DomainError::invalid(
                "by",
                format!("must be 1 to {max} {unit}"),
            ));
        }
        let first_due = self.deadline_with(calendar, today, 0).due_on;
        if told_on > first_due {
            return Err(DomainError::invalid(
                "requester_told_on",
                format!(
                    "the requester must be told of an extension by the first deadline ({first_due}); {told_on} is too late"
                ),
            ));
        }
        if told_on < self.received_on {
            return Err(DomainError::invalid(
                "requester_told_on",
                "is before the request arrived",
            ));
        }
        self.extension = Some(Extension {
            by,
            reason: required_text("reason", reason, LONG_TEXT)?,
            requester_told_on: told_on,
        });
        Ok(())
    }

    pub fn rely_on_exemption(
        &mut self,
        provision: &str,
        reason: &str,
        on: NaiveDate,
    ) -> Result<(), DomainError> {
        self.still_open()?;
        if self.exemptions.len() >= 50 {
            return Err(DomainError::invalid(
                "provision",
                "50 exemptions is the most a request records",
            ));
        }
        self.exemptions.push(ExemptionRelied {
            provision: required_text("provision", provision, SHORT_TEXT)?,
            reason: required_text("reason", reason, LONG_TEXT)?,
            on,
        });
        Ok(())
    }

    /// Closes the request (answered, refused, withdrawn…); an awaited answer that never
    /// came ends with it.
    pub fn close(
        &mut self,
        outcome: Outcome,
        on: NaiveDate,
        summary: &str,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.still_open()?;
        not_after("on", on, today)?;
        if on < self.received_on {
            return Err(DomainError::invalid("on", "is before the request arrived"));
        }
        if outcome != Outcome::Withdrawn && self.open_stop().is_some() {
            return Err(DomainError::invalid(
                "outcome",
                "the clock is stopped awaiting the requester: restart it, or close the request as withdrawn",
            ));
        }
        for stop in self.stops.iter_mut().filter(|stop| stop.until.is_none()) {
            stop.until = Some(on.max(stop.from));
        }
        self.ending = Some(Ending {
            outcome,
            on,
            summary: required_text("summary", summary, LONG_TEXT)?,
        });
        Ok(())
    }

    /// When the request is due as of `today`.
    pub fn deadline(&self, calendar: &Calendar, today: NaiveDate) -> Deadline {
        let extra = self.extension.as_ref().map_or(0, |extension| extension.by);
        let mut deadline = self.deadline_with(calendar, today, extra);
        deadline.first_due_on = self.deadline_with(calendar, today, 0).due_on;
        deadline
    }

    fn deadline_with(&self, calendar: &Calendar, today: NaiveDate, extra: u32) -> Deadline {
        let stopped = self.open_stop().is_some() && self.ending.is_none();
        let pauses: Vec<Pause> = self
            .stops
            .iter()
            .map(|stop| Pause {
                from: stop.from,
                until: stop.until.unwrap_or(today).max(stop.from),
            })
            .collect();
        let due_on = if self.kind.is_foi() {
            // FOIA s1(3): the 20 days run from when the clarification arrives.
            let start = pauses
                .iter()
                .map(|pause| pause.until)
                .max()
                .unwrap_or(self.received_on);
            foi_deadline(start.max(self.received_on), calendar, extra)
        } else {
            rights_deadline(self.received_on, &pauses, extra, calendar)
        };
        Deadline {
            due_on,
            clock_stopped: stopped,
            first_due_on: due_on,
        }
    }

    /// Answered after its deadline.
    pub fn answered_late(&self, calendar: &Calendar, today: NaiveDate) -> bool {
        self.ending.as_ref().is_some_and(|ending| {
            ending.outcome != Outcome::Withdrawn
                && ending.on > self.deadline(calendar, today).due_on
        })
    }
}
