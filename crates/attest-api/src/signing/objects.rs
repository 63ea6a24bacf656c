//! Output types.

use std::collections::BTreeMap;

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, SimpleObject};
use attest_app::Tally as AppTally;
use attest_domain::SchoolId;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::people::{ComplianceEntry, load_school};
use crate::school::ComplianceStatus;
use crate::school::{MembershipKind, School};

#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: ComplianceStatus,
    pub count: u64,
    /// Share of the total, in percent to one decimal place.
    pub percent: f64,
}

#[derive(SimpleObject)]
pub struct KindTally {
    pub kind: MembershipKind,
    pub total: u64,
    pub counts: Vec<StatusCount>,
}

#[derive(SimpleObject)]
pub struct Tally {
    /// People × policies owed.
    pub total: u64,
    pub counts: Vec<StatusCount>,
    pub by_kind: Vec<KindTally>,
}

fn counts(by_status: &BTreeMap<&'static str, u64>) -> Vec<StatusCount> {
    let total: u64 = by_status.values().sum();
    attest_domain::ComplianceStatus::ALL
        .into_iter()
        .map(|status| {
            let count = by_status
                .get(attest_app::status_key(status))
                .copied()
                .unwrap_or_default();
            StatusCount {
                status: status.into(),
                count,
                percent: attest_app::percent(count, total),
            }
        })
        .collect()
}

impl From<&AppTally> for Tally {
    fn from(tally: &AppTally) -> Self {
        Self {
            total: tally.total(),
            counts: counts(&tally.by_status),
            by_kind: tally
                .by_kind
                .iter()
                .map(|(kind, by_status)| KindTally {
                    kind: (*kind).into(),
                    total: by_status.values().sum(),
                    counts: counts(by_status),
                })
                .collect(),
        }
    }
}

pub struct SchoolTally {
    pub(super) school: SchoolId,
    pub(super) tally: Tally,
}

#[Object]
impl SchoolTally {
    async fn school_id(&self) -> Uuid {
        self.school.as_uuid()
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        load_school(ctx, self.school).await
    }
    async fn tally(&self) -> &Tally {
        &self.tally
    }
}

#[derive(SimpleObject)]
pub struct ComplianceSummary {
    pub as_of: DateTime<Utc>,
    /// Trust-wide (or across your schools): each person × policy once, at their worst
    /// status when they are owed it at two schools.
    pub overall: Tally,
    pub schools: Vec<SchoolTally>,
}

#[derive(SimpleObject)]
pub struct Exemption {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Null: every policy.
    pub policy_id: Option<Uuid>,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<attest_app::Exemption> for Exemption {
    fn from(e: attest_app::Exemption) -> Self {
        Self {
            id: e.id.as_uuid(),
            person_id: e.person.as_uuid(),
            policy_id: e.policy.map(|p| p.as_uuid()),
            reason: e.reason,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            created_at: e.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct MagicLinkSent {
    pub link_id: Uuid,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct ConsentQuestion {
    pub key: String,
    pub text: String,
    /// The answers allowed; empty means any.
    pub options: Vec<String>,
}

/// What a member of staff is asked to read and sign.
#[derive(SimpleObject)]
pub struct SigningForm {
    pub person_name: String,
    pub policy_title: String,
    pub version_id: Uuid,
    pub version_number: u32,
    pub html: String,
    /// Send this back with `signPolicy`: it proves which text was read.
    pub content_hash: String,
    pub questions: Vec<ConsentQuestion>,
    pub role: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// Send this back with `signPolicy`: the view the text was read in (it records
    /// when it was opened; the trust's reading rule may ask for a minimum time).
    pub view_id: Option<Uuid>,
    /// For a re-signer: what changed since the version they last signed.
    pub changes_since_signed: Option<ChangesSinceSigned>,
    pub reading_rule: ReadingRule,
    /// SIGN, or READ (read and confirm; a training course has no form).
    pub obligation: crate::learning::ObligationKind,
    /// A read-and-understand text's check of understanding: answer it in
    /// `signPolicy(understanding:)`, one option index (from 0) per question.
    pub understanding_check: Option<crate::learning::ReaderCheck>,
}

/// The clause-level changes since the version a re-signer last signed.
#[derive(SimpleObject)]
pub struct ChangesSinceSigned {
    pub since_version_id: Uuid,
    pub since_version_number: u32,
    pub changes: Vec<crate::policy::PolicyChange>,
}

/// What a reader must do before the sign button works.
#[derive(SimpleObject)]
pub struct ReadingRule {
    /// Seconds the text must have been open (0: none).
    pub min_seconds: u32,
    /// The reader must reach the end of the text (the signing page knows; API callers
    /// cannot satisfy this and should use the page).
    pub to_end: bool,
}

impl From<attest_domain::ReadingRule> for ReadingRule {
    fn from(rule: attest_domain::ReadingRule) -> Self {
        Self {
            min_seconds: rule.min_seconds,
            to_end: rule.to_end,
        }
    }
}

impl From<attest_app::SigningForm> for SigningForm {
    fn from(form: attest_app::SigningForm) -> Self {
        Self {
            person_name: form.person_name,
            policy_title: form.policy_title,
            version_id: form.version.as_uuid(),
            version_number: form.version_number,
            html: form.html,
            content_hash: form.content_hash,
            questions: form
                .questions
                .into_iter()
                .map(|q| ConsentQuestion {
                    key: q.key,
                    text: q.text,
                    options: q.options,
                })
                .collect(),
            role: form.role,
            expires_at: form.expires_at,
            view_id: form.view,
            changes_since_signed: form.changes.map(|since| ChangesSinceSigned {
                since_version_id: since.shown.since_version,
                since_version_number: since.since_version_number,
                changes: since.changes.into_iter().map(Into::into).collect(),
            }),
            reading_rule: form.reading_rule.into(),
            obligation: form.obligation.into(),
            understanding_check: form.understanding.map(Into::into),
        }
    }
}

#[derive(SimpleObject)]
pub struct AcceptanceVerification {
    pub acceptance_id: Uuid,
    pub seq: i64,
    pub text_matches: bool,
    pub row_intact: bool,
    pub stored_content_hash: String,
    pub rendered_content_hash: String,
    pub ok: bool,
}

impl From<attest_app::AcceptanceCheck> for AcceptanceVerification {
    fn from(check: attest_app::AcceptanceCheck) -> Self {
        Self {
            ok: check.ok(),
            acceptance_id: check.acceptance.as_uuid(),
            seq: check.seq,
            text_matches: check.text_matches,
            row_intact: check.row_intact,
            stored_content_hash: check.stored_content_hash,
            rendered_content_hash: check.rendered_content_hash,
        }
    }
}

pub type ComplianceConnection = Connection<String, ComplianceEntry>;

/// A signed statement of the trust's chain head at a moment.
#[derive(SimpleObject)]
pub struct ChainAnchor {
    pub id: Uuid,
    /// The last row the anchor vouches for (the chain's row count then).
    pub seq: i64,
    pub head_hash: String,
    pub anchored_at: DateTime<Utc>,
    /// The signing key's id (see `/.well-known/attest-chain-keys.json`).
    pub key_id: String,
    /// Base64 Ed25519 signature over the statement in docs/signing.md.
    pub signature: String,
    /// The RFC 3161 authority that timestamped the statement, if one is configured.
    pub timestamp_authority: Option<String>,
    /// Base64 DER of the authority's token (CMS SignedData over a TSTInfo).
    pub timestamp_token: Option<String>,
}

impl From<attest_app::ChainAnchor> for ChainAnchor {
    fn from(anchor: attest_app::ChainAnchor) -> Self {
        Self {
            id: anchor.id,
            seq: anchor.seq,
            head_hash: anchor.head_hash,
            anchored_at: anchor.anchored_at,
            key_id: anchor.key_id,
            signature: anchor.signature,
            timestamp_authority: anchor.timestamp_authority,
            timestamp_token: anchor.timestamp_token,
        }
    }
}
