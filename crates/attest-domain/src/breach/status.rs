//! Where a breach is in the DPO's workflow, and the moves allowed between states.

use crate::DomainError;

text_enum!(
    /// Where a breach is in the DPO's workflow.
    BreachStatus, "status", {
        Reported => "reported",
        Triaged => "triaged",
        Assessed => "assessed",
        NotifiedIco => "notified_ico",
        SubjectsNotified => "subjects_notified",
        Closed => "closed",
        ClosedNotABreach => "closed_not_a_breach",
    }
);

impl BreachStatus {
    /// The states a breach may move to from this one.
    pub fn next(self) -> &'static [Self] {
        use BreachStatus::*;
        match self {
            Reported => &[Triaged, ClosedNotABreach],
            Triaged => &[Assessed, ClosedNotABreach],
            Assessed => &[NotifiedIco, SubjectsNotified, Closed],
            NotifiedIco => &[SubjectsNotified, Closed],
            SubjectsNotified => &[NotifiedIco, Closed],
            Closed | ClosedNotABreach => &[],
        }
    }

    /// Checks a move, saying what is allowed instead when it is not.
    pub fn transition(self, to: Self) -> Result<Self, DomainError> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        Err(DomainError::invalid(
            "status",
            if allowed.is_empty() {
                format!("a {self} breach is finished and cannot move to {to}")
            } else {
                format!(
                    "a {self} breach cannot move to {to}; it can move to {}",
                    allowed.join(" or ")
                )
            },
        ))
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::ClosedNotABreach)
    }
}
