//! The evidence a signature carries beyond its answer, as GraphQL reads it.

use async_graphql::SimpleObject;
use attest_domain::{CompletionEvidence, SignerIdentity};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How the signer was authenticated. Which fields are set depends on `kind`: `sso`
/// (issuer, subject, tenant, object id or hosted domain, email, authentication time and
/// methods), `email_link` and `magic_link` (the link and the address it went to),
/// `paper` (who recorded it, where the form is kept), `direct`.
#[derive(SimpleObject, Default)]
pub struct SignerIdentityView {
    pub kind: String,
    /// One line an auditor reads.
    pub description: String,
    pub session_id: Option<Uuid>,
    pub provider: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub tenant: Option<String>,
    pub object_id: Option<String>,
    pub hosted_domain: Option<String>,
    pub email: Option<String>,
    pub authenticated_at: Option<DateTime<Utc>>,
    pub methods: Vec<String>,
    pub link_id: Option<Uuid>,
    pub sent_to: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub kept_at: Option<String>,
}

impl From<&SignerIdentity> for SignerIdentityView {
    fn from(identity: &SignerIdentity) -> Self {
        let description = identity.describe();
        match identity.clone() {
            SignerIdentity::Sso {
                session,
                provider,
                issuer,
                subject,
                tenant,
                object_id,
                hosted_domain,
                email,
                authenticated_at,
                methods,
            } => Self {
                kind: "sso".to_owned(),
                description,
                session_id: Some(session),
                provider: Some(provider),
                issuer: Some(issuer),
                subject: Some(subject),
                tenant,
                object_id,
                hosted_domain,
                email,
                authenticated_at,
                methods,
                ..Self::default()
            },
            SignerIdentity::EmailLink {
                session,
                link,
                sent_to,
            } => Self {
                kind: "email_link".to_owned(),
                description,
                session_id: Some(session),
                link_id: Some(link),
                sent_to: Some(sent_to),
                ..Self::default()
            },
            SignerIdentity::MagicLink { link, sent_to } => Self {
                kind: "magic_link".to_owned(),
                description,
                link_id: Some(link),
                sent_to,
                ..Self::default()
            },
            SignerIdentity::Paper {
                recorded_by,
                kept_at,
            } => Self {
                kind: "paper".to_owned(),
                description,
                recorded_by,
                kept_at: Some(kept_at),
                ..Self::default()
            },
            SignerIdentity::Recorded { recorded_by } => Self {
                kind: "recorded".to_owned(),
                description,
                recorded_by,
                ..Self::default()
            },
            SignerIdentity::Direct => Self {
                kind: "direct".to_owned(),
                description,
                ..Self::default()
            },
        }
    }
}

/// That the text was open before the answer.
#[derive(SimpleObject)]
pub struct ViewedView {
    pub view_id: Uuid,
    pub opened_at: DateTime<Utc>,
    pub seconds_open: i64,
    pub reached_end: bool,
}

/// That a re-signer was shown what changed since their last signature.
#[derive(SimpleObject)]
pub struct ChangesShownView {
    pub since_version_id: Uuid,
    pub since_acceptance_id: Uuid,
    pub clauses_changed: u32,
}

/// Evidence beyond the answer.
#[derive(SimpleObject)]
pub struct SignatureEvidence {
    /// 1: rows before 2026-12-02 (every field in the row hash); 2: identity, view and
    /// changes in the row, personal fields under a salted commitment.
    pub chain_format: i32,
    /// `None` for format 1, and once erased.
    pub identity: Option<SignerIdentityView>,
    pub viewed: Option<ViewedView>,
    pub changes_shown: Option<ChangesShownView>,
    /// A read-and-understand's passed check, or a training completion's evidence.
    pub completion: Option<CompletionView>,
    pub personal_commitment: Option<String>,
    /// When the personal fields were erased under the retention schedule.
    pub erased_at: Option<DateTime<Utc>>,
}

impl From<&attest_app::Acceptance> for SignatureEvidence {
    fn from(row: &attest_app::Acceptance) -> Self {
        Self {
            chain_format: row.format.number(),
            identity: row.identity.as_ref().map(Into::into),
            viewed: row.viewed.map(|viewed| ViewedView {
                view_id: viewed.view,
                opened_at: viewed.opened_at,
                seconds_open: viewed.seconds_open,
                reached_end: viewed.reached_end,
            }),
            changes_shown: row.changes_shown.map(|changes| ChangesShownView {
                since_version_id: changes.since_version,
                since_acceptance_id: changes.since_acceptance,
                clauses_changed: changes.clauses_changed,
            }),
            completion: row.completion.as_ref().map(Into::into),
            personal_commitment: row.personal_commitment.clone(),
            erased_at: row.erased_at,
        }
    }
}

/// What showed a read-and-understand or a training was completed. Which fields are set
/// depends on `kind`: `understood` (the attempt and its score), `certificate` (the file
/// and its hash), `attendance` (the session), `imported` (the file, its line and the
/// provider's reference).
#[derive(SimpleObject, Default)]
pub struct CompletionView {
    pub kind: String,
    /// One line an auditor reads.
    pub description: String,
    pub attempt_id: Option<Uuid>,
    pub correct: Option<u32>,
    pub total: Option<u32>,
    pub pass_mark: Option<u32>,
    pub certificate_id: Option<Uuid>,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub session_id: Option<Uuid>,
    pub held_on: Option<chrono::NaiveDate>,
    pub trainer: Option<String>,
    pub import_id: Option<Uuid>,
    pub provider: Option<String>,
    pub line: Option<u32>,
    pub reference: Option<String>,
}

impl From<&CompletionEvidence> for CompletionView {
    fn from(evidence: &CompletionEvidence) -> Self {
        let description = evidence.describe();
        match evidence.clone() {
            CompletionEvidence::Understood {
                attempt,
                correct,
                total,
                pass_mark,
            } => Self {
                kind: "understood".to_owned(),
                description,
                attempt_id: Some(attempt),
                correct: Some(correct),
                total: Some(total),
                pass_mark: Some(pass_mark),
                ..Self::default()
            },
            CompletionEvidence::Certificate {
                file,
                file_name,
                sha256,
            } => Self {
                kind: "certificate".to_owned(),
                description,
                certificate_id: Some(file),
                file_name: Some(file_name),
                sha256: Some(sha256),
                ..Self::default()
            },
            CompletionEvidence::Attendance {
                session,
                held_on,
                trainer,
            } => Self {
                kind: "attendance".to_owned(),
                description,
                session_id: Some(session),
                held_on: Some(held_on),
                trainer: Some(trainer),
                ..Self::default()
            },
            CompletionEvidence::Imported {
                import,
                provider,
                line,
                reference,
            } => Self {
                kind: "imported".to_owned(),
                description,
                import_id: Some(import),
                provider: Some(provider),
                line: Some(line),
                reference,
                ..Self::default()
            },
        }
    }
}
