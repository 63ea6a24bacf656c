//! Values shared by the policy types and the review types: kinds, states and a
//! clause-level change.

use async_graphql::{Enum, SimpleObject};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::PolicyKind")]
pub enum PolicyKind {
    TrustLocked,
    TrustTemplate,
    School,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ObligationKind")]
pub enum ObligationKind {
    /// Sign the policy (an acceptable use policy).
    Sign,
    /// Read the text and confirm it was understood (Keeping Children Safe in Education),
    /// passing its check of understanding when it has one.
    Read,
    /// Complete a course; the school records it with a certificate, a session register
    /// or the provider's completions file, and it is renewed on the course's schedule.
    Training,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::VersionState")]
pub enum VersionState {
    Draft,
    Published,
    Superseded,
    Retired,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_document::ChangeKind")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(SimpleObject)]
pub struct WordChange {
    /// equal, insert or delete.
    pub op: String,
    pub text: String,
}

#[derive(SimpleObject)]
pub struct PolicyChange {
    pub change: ChangeKind,
    /// section, clause, item, paragraph, …
    pub kind: String,
    pub number: Option<String>,
    pub section: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub words: Vec<WordChange>,
}

impl From<attest_document::Change> for PolicyChange {
    fn from(change: attest_document::Change) -> Self {
        let name = |value: serde_json::Result<serde_json::Value>| {
            value
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        Self {
            change: change.change.into(),
            kind: name(serde_json::to_value(change.kind)),
            number: change.number,
            section: change.section,
            before: change.before,
            after: change.after,
            words: change
                .words
                .into_iter()
                .map(|w| WordChange {
                    op: name(serde_json::to_value(w.op)),
                    text: w.text,
                })
                .collect(),
        }
    }
}
