//! Input types.

use async_graphql::InputObject;
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(InputObject)]
pub struct CheckQuestionInput {
    pub prompt: String,
    /// Between 2 and 6.
    pub options: Vec<String>,
    /// The right option's index, from 0.
    pub correct: u32,
}

#[derive(InputObject)]
pub struct UnderstandingCheckInput {
    /// Up to 20; none removes the check.
    pub questions: Vec<CheckQuestionInput>,
    /// Right answers needed to pass (1 to the number of questions).
    #[graphql(default)]
    pub pass_mark: u32,
}

#[derive(InputObject)]
pub struct CertificateInput {
    pub file_name: String,
    /// The file, base64 (PDF, an image, a Word document…; its kind is read from its
    /// bytes; at most 10 MiB, and the request must fit the GraphQL body limit).
    pub content_base64: String,
}

#[derive(InputObject)]
pub struct RecordTrainingCompletionInput {
    pub person_id: Uuid,
    /// The course.
    pub policy_id: Uuid,
    pub school_id: Option<Uuid>,
    pub completed_on: NaiveDate,
    pub certificate: CertificateInput,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RecordTrainingSessionInput {
    pub policy_id: Uuid,
    pub school_id: Uuid,
    pub held_on: NaiveDate,
    /// Who led it.
    pub trainer: String,
    pub note: Option<String>,
    /// Who attended (at most 1,000).
    pub attendee_ids: Vec<Uuid>,
}

#[derive(InputObject)]
pub struct ImportTrainingCompletionsInput {
    pub policy_id: Uuid,
    /// Who ran the course.
    pub provider: String,
    /// The provider's CSV: an email column and a completion date column (ISO or
    /// day-first dates), optionally a certificate reference.
    pub csv: String,
}

#[derive(InputObject)]
pub struct InductionBundleInput {
    /// Replace this bundle; a new one when left out.
    pub id: Option<Uuid>,
    pub name: String,
    /// Days after starting by which every item must be done (1 to 180).
    pub within_days: u32,
    /// The obligations a new starter owes (up to 30).
    pub policy_ids: Vec<Uuid>,
}
