//! A signing page's submission as one use case: the obligation is resolved once, the
//! answer checked and recorded, and the outcome is either the signer's receipt or the
//! form to show again with what was wrong.

use std::collections::BTreeMap;
use std::sync::Arc;

use attest_document::{Format, render};
use attest_domain::{PolicyVersionId, Principal, SchoolId};
use attest_store::Schools;

use super::answer::{DeclinePolicy, Origin, SignPolicy};
use super::evidence::AcceptanceEvidence;
use super::magic_link::SigningForm;
use super::signer::Signer;
use crate::{App, AppError};

/// What the person answered on the page; the version is the page's own.
#[derive(Debug, Clone)]
pub enum SigningAnswer {
    Sign {
        content_hash: String,
        typed_name: String,
        role: Option<String>,
        answers: BTreeMap<String, String>,
        view: Option<uuid::Uuid>,
        /// The check of understanding's answers, if the text has one.
        understanding: Vec<usize>,
    },
    Decline {
        content_hash: String,
        reason: String,
        view: Option<uuid::Uuid>,
    },
}

impl SigningAnswer {
    fn view(&self) -> Option<uuid::Uuid> {
        match self {
            Self::Sign { view, .. } | Self::Decline { view, .. } => *view,
        }
    }
}

/// A page's answer and, where the person works at more than one school, whose copy.
#[derive(Debug, Clone)]
pub struct SigningSubmission {
    pub school: Option<SchoolId>,
    pub answer: SigningAnswer,
}

/// What became of a submission.
pub enum SigningOutcome {
    /// Recorded: the signer's receipt, to keep.
    Signed { receipt: Box<AcceptanceEvidence> },
    /// Not recorded (a wrong name, an unanswered question, a changed text): the form
    /// again, and what to put right.
    Refused {
        form: Box<SigningForm>,
        problem: String,
    },
}

impl App {
    /// The signed-in member of staff answers the page for `version`.
    pub async fn submit_signing(
        &self,
        principal: &Principal,
        version: PolicyVersionId,
        submission: SigningSubmission,
        origin: Origin,
    ) -> Result<SigningOutcome, AppError> {
        let signer = self
            .signed_in(principal, version, submission.school)
            .await?;
        self.answer_page(signer, submission.answer, origin).await
    }

    /// The holder of a magic link answers the page it opened.
    pub async fn submit_with_magic_link(
        &self,
        secret: &str,
        answer: SigningAnswer,
        origin: Origin,
    ) -> Result<SigningOutcome, AppError> {
        let signer = self.link_holder(secret, None).await?;
        self.answer_page(signer, answer, origin).await
    }

    async fn answer_page(
        &self,
        signer: Signer,
        answer: SigningAnswer,
        origin: Origin,
    ) -> Result<SigningOutcome, AppError> {
        let version = signer.found.version.id;
        let school = signer.found.school;
        let view = answer.view();
        let outcome = match answer {
            SigningAnswer::Sign {
                content_hash,
                typed_name,
                role,
                answers,
                view,
                understanding,
            } => {
                let input = SignPolicy {
                    version,
                    school: Some(school),
                    content_hash,
                    typed_name,
                    role,
                    answers,
                    view,
                    understanding,
                };
                self.sign_as(&signer, &input, origin).await
            }
            SigningAnswer::Decline {
                content_hash,
                reason,
                view,
            } => {
                let input = DeclinePolicy {
                    version,
                    school: Some(school),
                    content_hash,
                    reason,
                    view,
                };
                self.decline_as(&signer, &input, origin).await
            }
        };
        let recorded = match outcome {
            Ok(acceptance) => acceptance,
            Err(error) => return self.refusal(error, &signer, view).await,
        };
        let school = Schools::new(&self.db, &signer.scope)
            .get(recorded.school)
            .await?;
        let found = signer.found;
        let approval = crate::approval::approval_note(
            &self.db,
            &signer.scope,
            found.policy.id,
            found.version.id,
        )
        .await?;
        let reader = found.reader();
        let seal = self.seal_note(signer.scope.trust(), recorded.seq).await?;
        let receipt = AcceptanceEvidence {
            approval,
            seal,
            markdown: render(&found.version.document, &reader, Format::Markdown),
            html: render(&found.version.document, &reader, Format::Html),
            // The text was rendered for this person once, and its hash is what they signed.
            text_verified: recorded.content_hash == found.content_hash,
            acceptance: recorded,
            person: found.person,
            policy: found.policy,
            version: Arc::unwrap_or_clone(found.version),
            school,
        };
        Ok(SigningOutcome::Signed {
            receipt: Box::new(receipt),
        })
    }
}

impl App {
    /// Mistakes the person can put right are the form again (in the same view, so the
    /// time they have spent reading counts); anything else is the caller's.
    async fn refusal(
        &self,
        error: AppError,
        signer: &Signer,
        view: Option<uuid::Uuid>,
    ) -> Result<SigningOutcome, AppError> {
        match error {
            AppError::InvalidInput { .. } | AppError::Conflict(_) => {
                let form = self
                    .form_for_reader(&signer.scope, &signer.found, signer.expires_at, view)
                    .await?;
                Ok(SigningOutcome::Refused {
                    problem: error.for_people(),
                    form: Box::new(form),
                })
            }
            other => Err(other),
        }
    }
}
