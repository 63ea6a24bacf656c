//! Output types.

use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::people::Acceptance;
pub use crate::policy::ObligationKind;

/// A question of a check of understanding, as a reader sees it (no answer).
#[derive(SimpleObject)]
pub struct ReaderQuestion {
    pub prompt: String,
    pub options: Vec<String>,
}

/// A check of understanding as a reader sees it.
#[derive(SimpleObject)]
pub struct ReaderCheck {
    pub questions: Vec<ReaderQuestion>,
    /// Right answers needed to pass.
    pub pass_mark: u32,
}

impl From<attest_app::ReaderCheck> for ReaderCheck {
    fn from(check: attest_app::ReaderCheck) -> Self {
        Self {
            questions: check
                .questions
                .into_iter()
                .map(|question| ReaderQuestion {
                    prompt: question.prompt,
                    options: question.options,
                })
                .collect(),
            pass_mark: check.pass_mark,
        }
    }
}

/// A question with its right answer, for those who write the check.
#[derive(SimpleObject)]
pub struct CheckQuestion {
    pub prompt: String,
    pub options: Vec<String>,
    /// The right option's index, from 0.
    pub correct: u32,
}

#[derive(SimpleObject)]
pub struct UnderstandingCheck {
    pub questions: Vec<CheckQuestion>,
    pub pass_mark: u32,
}

impl From<attest_domain::UnderstandingCheck> for UnderstandingCheck {
    fn from(check: attest_domain::UnderstandingCheck) -> Self {
        Self {
            questions: check
                .questions
                .into_iter()
                .map(|question| CheckQuestion {
                    prompt: question.prompt,
                    options: question.options,
                    correct: u32::try_from(question.correct).unwrap_or(u32::MAX),
                })
                .collect(),
            pass_mark: check.pass_mark,
        }
    }
}

/// One attempt at a check of understanding, kept whether it passed or not.
#[derive(SimpleObject)]
pub struct UnderstandingAttempt {
    pub id: Uuid,
    pub person_id: Uuid,
    pub policy_id: Uuid,
    pub version_id: Uuid,
    pub school_id: Uuid,
    /// The option chosen for each question, from 0.
    pub chosen: Vec<u32>,
    pub correct: u32,
    pub total: u32,
    pub pass_mark: u32,
    pub passed: bool,
    pub attempted_at: DateTime<Utc>,
}

impl From<attest_domain::UnderstandingAttempt> for UnderstandingAttempt {
    fn from(attempt: attest_domain::UnderstandingAttempt) -> Self {
        Self {
            id: attempt.id,
            person_id: attempt.person.as_uuid(),
            policy_id: attempt.policy.as_uuid(),
            version_id: attempt.version.as_uuid(),
            school_id: attempt.school.as_uuid(),
            chosen: attempt
                .chosen
                .into_iter()
                .map(|choice| u32::try_from(choice).unwrap_or(u32::MAX))
                .collect(),
            correct: attempt.correct,
            total: attempt.total,
            pass_mark: attempt.pass_mark,
            passed: attempt.passed,
            attempted_at: attempt.attempted_at,
        }
    }
}

/// A certificate kept as a training completion's evidence.
#[derive(SimpleObject)]
pub struct TrainingCertificate {
    pub id: Uuid,
    pub person_id: Uuid,
    pub policy_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the file, hex: sealed into the chain with the completion.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// Where a signed-in admin downloads it.
    pub download_path: String,
}

impl From<attest_domain::TrainingCertificate> for TrainingCertificate {
    fn from(certificate: attest_domain::TrainingCertificate) -> Self {
        Self {
            download_path: format!("/exports/training/certificates/{}", certificate.id),
            id: certificate.id,
            person_id: certificate.person.as_uuid(),
            policy_id: certificate.policy.as_uuid(),
            file_name: certificate.file_name,
            content_type: certificate.content_type,
            size: certificate.size,
            sha256: certificate.sha256,
            uploaded_at: certificate.uploaded_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct TrainingCompletionRecorded {
    pub acceptance: Acceptance,
    pub certificate: TrainingCertificate,
}

#[derive(SimpleObject)]
pub struct Attendee {
    pub person_id: Uuid,
    /// The completion recorded for them; none when one as recent was already there.
    pub acceptance_id: Option<Uuid>,
}

/// An in-house session and its register.
#[derive(SimpleObject)]
pub struct TrainingSession {
    pub id: Uuid,
    pub policy_id: Uuid,
    pub school_id: Uuid,
    pub held_on: NaiveDate,
    pub trainer: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub attendees: Vec<Attendee>,
}

impl From<attest_domain::TrainingSession> for TrainingSession {
    fn from(session: attest_domain::TrainingSession) -> Self {
        Self {
            id: session.id,
            policy_id: session.policy.as_uuid(),
            school_id: session.school.as_uuid(),
            held_on: session.held_on,
            trainer: session.trainer,
            note: session.note,
            created_at: session.created_at,
            attendees: session
                .attendees
                .into_iter()
                .map(|attendee| Attendee {
                    person_id: attendee.person.as_uuid(),
                    acceptance_id: attendee.acceptance,
                })
                .collect(),
        }
    }
}

/// An external provider's completions file, as imported.
#[derive(SimpleObject)]
pub struct TrainingImport {
    pub id: Uuid,
    pub policy_id: Uuid,
    pub provider: String,
    pub file_sha256: String,
    pub lines: u32,
    pub recorded: u32,
    /// Completions already recorded as recently or later.
    pub skipped: u32,
    pub imported_at: DateTime<Utc>,
}

impl From<attest_domain::TrainingImport> for TrainingImport {
    fn from(import: attest_domain::TrainingImport) -> Self {
        Self {
            id: import.id,
            policy_id: import.policy.as_uuid(),
            provider: import.provider,
            file_sha256: import.file_sha256,
            lines: import.lines,
            recorded: import.recorded,
            skipped: import.skipped,
            imported_at: import.imported_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct TrainingImportResult {
    pub import: TrainingImport,
    /// The file's lines whose completion was already recorded.
    pub already_recorded_lines: Vec<u32>,
}

#[derive(SimpleObject)]
pub struct InductionBundle {
    pub id: Uuid,
    pub name: String,
    /// Days after starting by which every item must be done.
    pub within_days: u32,
    pub policy_ids: Vec<Uuid>,
}

impl From<attest_domain::InductionBundle> for InductionBundle {
    fn from(bundle: attest_domain::InductionBundle) -> Self {
        Self {
            id: bundle.id,
            name: bundle.name,
            within_days: bundle.within_days,
            policy_ids: bundle.items.iter().map(|item| item.as_uuid()).collect(),
        }
    }
}

#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ItemState")]
pub enum ChecklistItemState {
    Done,
    Exempt,
    Outstanding,
    NotRequired,
}

#[derive(SimpleObject)]
pub struct ChecklistItem {
    pub policy_id: Uuid,
    pub state: ChecklistItemState,
    pub done_on: Option<NaiveDate>,
}

/// A new starter's induction checklist.
#[derive(SimpleObject)]
pub struct StarterChecklist {
    pub person_id: Uuid,
    pub full_name: String,
    pub bundle_id: Uuid,
    pub bundle_name: String,
    pub started_on: NaiveDate,
    pub deadline: NaiveDate,
    pub complete: bool,
    /// Past the deadline with something still to do.
    pub overdue: bool,
    pub outstanding: u32,
    pub items: Vec<ChecklistItem>,
}

impl StarterChecklist {
    pub(crate) fn of(starter: attest_app::StarterChecklist, today: NaiveDate) -> Self {
        let list = &starter.checklist;
        Self {
            complete: list.complete(),
            overdue: list.overdue(today),
            outstanding: u32::try_from(list.outstanding()).unwrap_or(u32::MAX),
            started_on: list.started_on,
            deadline: list.deadline,
            items: list
                .items
                .iter()
                .map(|item| ChecklistItem {
                    policy_id: item.policy.as_uuid(),
                    state: item.state.into(),
                    done_on: item.done_on,
                })
                .collect(),
            person_id: starter.person.as_uuid(),
            full_name: starter.full_name,
            bundle_id: starter.bundle,
            bundle_name: starter.bundle_name,
        }
    }
}
