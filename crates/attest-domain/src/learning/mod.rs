//! Obligations beyond signing a policy: reading and understanding a statutory text
//! (with an optional check of understanding) and completing training that is renewed
//! on a schedule. Each is a policy of another kind on the same engine: a completion is
//! an answer on the trust's chain, so statuses, reminders, exports and receipts cover
//! every kind alike.

mod completions;
mod induction;
mod records;
mod understanding;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::DomainError;

pub use completions::{
    COMPLETIONS_MAX_ROWS, CompletionRow, CompletionRowError, parse_completion_date,
    parse_completions,
};
pub use induction::{
    Checklist, ChecklistItem, InductionBundle, ItemState, MAX_INDUCTION_DAYS, MAX_INDUCTION_ITEMS,
    checklist,
};
pub use records::{
    Attendee, TrainingCertificate, TrainingImport, TrainingSession, UnderstandingAttempt,
};
pub use understanding::{
    CheckQuestion, MAX_CHECK_QUESTIONS, MAX_OPTIONS, ReaderCheck, ReaderQuestion, Score,
    UnderstandingCheck,
};

/// What a member of staff must do to meet an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// Sign the policy (an acceptable use policy, a code of conduct).
    #[default]
    Sign,
    /// Declare they have read and understood a text (Keeping Children Safe in
    /// Education), passing its check of understanding when it has one.
    Read,
    /// Complete a course (safeguarding, online safety, cyber security); their school
    /// records the completion with its evidence, and it is renewed on the schedule.
    Training,
}

impl ObligationKind {
    pub const ALL: [ObligationKind; 3] = [Self::Sign, Self::Read, Self::Training];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Read => "read",
            Self::Training => "training",
        }
    }

    /// Whether the member of staff answers it themselves (a training completion is
    /// recorded by their school, with evidence).
    pub const fn answered_by_the_person(self) -> bool {
        !matches!(self, Self::Training)
    }

    /// The words on the button and in emails: what the person is asked to do.
    pub const fn verb(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Read => "read and confirm",
            Self::Training => "complete",
        }
    }
}

impl fmt::Display for ObligationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ObligationKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "obligation",
                    format!("unknown obligation '{s}'; expected sign, read or training"),
                )
            })
    }
}

/// What shows an obligation other than a signature was met, sealed into the chain
/// with the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CompletionEvidence {
    /// The reader passed the text's check of understanding at this attempt.
    Understood {
        attempt: uuid::Uuid,
        correct: u32,
        total: u32,
        pass_mark: u32,
    },
    /// A certificate from the course, uploaded and kept (its hash is sealed here).
    Certificate {
        file: uuid::Uuid,
        file_name: String,
        sha256: String,
    },
    /// On the register of an in-house session.
    Attendance {
        session: uuid::Uuid,
        held_on: NaiveDate,
        trainer: String,
    },
    /// A line of an external provider's completions file.
    Imported {
        import: uuid::Uuid,
        provider: String,
        line: u32,
        reference: Option<String>,
    },
}

impl CompletionEvidence {
    /// One line an auditor reads.
    pub fn describe(&self) -> String {
        match self {
            Self::Understood {
                correct,
                total,
                pass_mark,
                ..
            } => format!(
                "passed the check of understanding: {correct} of {total} (pass mark {pass_mark})"
            ),
            Self::Certificate {
                file_name, sha256, ..
            } => format!("certificate {file_name} (sha256 {sha256})"),
            Self::Attendance {
                held_on, trainer, ..
            } => format!("attended the session of {held_on} led by {trainer}"),
            Self::Imported {
                provider,
                line,
                reference,
                ..
            } => match reference {
                Some(reference) => {
                    format!("imported from {provider}'s completions (line {line}, ref {reference})")
                }
                None => format!("imported from {provider}'s completions (line {line})"),
            },
        }
    }
}
