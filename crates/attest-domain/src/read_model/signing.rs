//! What the signing records look like to the rest of attest: acceptances, exemptions and
//! the rows of a compliance listing.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::evidence::{
    ChainFormat, ChangesShown, PersonalCheck, PersonalFields, SealedFields, SignerIdentity,
    ViewEvidence, sealed_hash,
};
use crate::{
    AcceptanceId, ChainedFields, CompletionEvidence, ComplianceStatus, Decision, ExemptionId,
    MembershipKind, PersonId, PolicyId, PolicyVersionId, SchoolId, SigningMethod, TrustId,
};

/// One signature or decline, with all its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    pub id: AcceptanceId,
    pub trust: TrustId,
    /// Position in the trust's hash chain, from 1.
    pub seq: i64,
    pub person: PersonId,
    pub policy: PolicyId,
    pub version: PolicyVersionId,
    /// The school whose values filled the text.
    pub school: SchoolId,
    pub decision: Decision,
    /// SHA-256 of exactly the text shown.
    pub content_hash: String,
    /// The membership kind the text was rendered for.
    pub audience_kind: MembershipKind,
    /// The school's placeholder values as they were when signed.
    pub variables: BTreeMap<String, String>,
    pub typed_name: String,
    pub role: String,
    /// Consent question key → answer.
    pub answers: BTreeMap<String, String>,
    pub method: SigningMethod,
    /// For a paper form: the person (or token) that recorded it.
    pub recorded_by: Option<uuid::Uuid>,
    pub note: Option<String>,
    pub decline_reason: Option<String>,
    pub signed_at: DateTime<Utc>,
    /// The day in England it was signed.
    pub signed_on: NaiveDate,
    /// When the policy's schedule asks for the next signature.
    pub renew_on: Option<NaiveDate>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub prev_hash: String,
    pub row_hash: String,
    /// Which fields the row hash covers.
    pub format: ChainFormat,
    /// That the text was open before the answer (format 2, from a page).
    pub viewed: Option<ViewEvidence>,
    /// That a re-signer was shown the changes since their last signature.
    pub changes_shown: Option<ChangesShown>,
    /// What showed a read-and-understand or a training was completed.
    pub completion: Option<CompletionEvidence>,
    /// How the signer was authenticated (format 2; `None` once erased).
    pub identity: Option<SignerIdentity>,
    /// Format 2: the salted commitment to the personal fields the chain covers.
    pub personal_commitment: Option<String>,
    /// Format 2: the commitment's salt, hex (`None` once erased).
    pub salt: Option<String>,
    /// When the personal fields were erased under the retention schedule.
    pub erased_at: Option<DateTime<Utc>>,
}

impl Acceptance {
    /// The personal fields as they stand (format 2 commits to these).
    pub fn personal_fields(&self) -> Option<PersonalFields> {
        Some(PersonalFields {
            typed_name: self.typed_name.clone(),
            role: self.role.clone(),
            answers: self.answers.clone(),
            note: self.note.clone(),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            identity: self.identity.clone()?,
        })
    }

    /// The format-2 fields the row hash covers.
    pub fn sealed_fields(&self) -> SealedFields<'_> {
        SealedFields {
            format: self.format.number(),
            id: self.id.as_uuid(),
            trust: self.trust.as_uuid(),
            seq: self.seq,
            person: self.person.as_uuid(),
            policy: self.policy.as_uuid(),
            version: self.version.as_uuid(),
            school: self.school.as_uuid(),
            decision: self.decision,
            content_hash: &self.content_hash,
            audience_kind: self.audience_kind.as_str(),
            variables: &self.variables,
            method: self.method,
            recorded_by: self.recorded_by,
            decline_reason: self.decline_reason.as_deref(),
            signed_at: self.signed_at,
            signed_on: self.signed_on,
            renew_on: self.renew_on,
            viewed: self.viewed.as_ref(),
            changes_shown: self.changes_shown.as_ref(),
            completion: self.completion.as_ref(),
            personal_commitment: self.personal_commitment.as_deref().unwrap_or(""),
        }
    }

    /// The one line of JSON the row's hash covers: `row_hash = sha256(prev_hash "\n"
    /// this)`, which anyone can recompute with standard tools.
    pub fn hash_input(&self) -> String {
        match self.format {
            ChainFormat::V1 => crate::chained_json(&self.chained_fields()),
            ChainFormat::V2 => crate::sealed_json(&self.sealed_fields()),
        }
    }

    /// What the row's hash must be, from its fields and its stored previous hash.
    pub fn expected_hash(&self) -> String {
        match self.format {
            ChainFormat::V1 => crate::chain_hash(&self.prev_hash, &self.chained_fields()),
            ChainFormat::V2 => sealed_hash(&self.prev_hash, &self.sealed_fields()),
        }
    }

    /// Whether the personal fields still match what the chain committed to.
    pub fn personal_check(&self) -> PersonalCheck {
        if self.format == ChainFormat::V1 {
            return PersonalCheck::InRow;
        }
        if self.erased_at.is_some() {
            return PersonalCheck::Erased;
        }
        match (
            self.personal_fields(),
            &self.salt,
            &self.personal_commitment,
        ) {
            (Some(fields), Some(salt), Some(commitment))
                if fields.commitment(salt) == *commitment =>
            {
                PersonalCheck::Intact
            }
            _ => PersonalCheck::Altered,
        }
    }

    /// The fields the chain hash covers.
    pub fn chained_fields(&self) -> ChainedFields<'_> {
        ChainedFields {
            id: self.id.as_uuid(),
            trust: self.trust.as_uuid(),
            seq: self.seq,
            person: self.person.as_uuid(),
            policy: self.policy.as_uuid(),
            version: self.version.as_uuid(),
            school: self.school.as_uuid(),
            decision: self.decision,
            content_hash: &self.content_hash,
            audience_kind: self.audience_kind.as_str(),
            variables: &self.variables,
            typed_name: &self.typed_name,
            role: &self.role,
            answers: &self.answers,
            method: self.method,
            recorded_by: self.recorded_by,
            note: self.note.as_deref(),
            decline_reason: self.decline_reason.as_deref(),
            signed_at: self.signed_at,
            signed_on: self.signed_on,
            renew_on: self.renew_on,
            ip: self.ip.as_deref(),
            user_agent: self.user_agent.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exemption {
    pub id: ExemptionId,
    pub trust: TrustId,
    pub person: PersonId,
    /// `None`: every policy.
    pub policy: Option<PolicyId>,
    pub reason: String,
    pub starts_on: NaiveDate,
    /// The last day it covers.
    pub ends_on: NaiveDate,
    pub granted_by_kind: String,
    pub granted_by: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Keyset position in a compliance listing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ComplianceCursor {
    pub full_name: String,
    pub person: PersonId,
    pub policy: PolicyId,
    pub school: SchoolId,
}

/// What a reminder tick decides on, for a row owing an answer now: who, where, which
/// version and its dates (no names: most rows of a repeat tick need none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owing {
    pub person: PersonId,
    pub school: SchoolId,
    pub policy: PolicyId,
    pub current_version_id: PolicyVersionId,
    pub due_on: NaiveDate,
    pub grace_days: u32,
}

impl ComplianceRow {
    /// The row as a reminder tick decides on it (`None`: nothing is due).
    pub fn owing(&self) -> Option<Owing> {
        Some(Owing {
            person: self.person,
            school: self.school,
            policy: self.policy,
            current_version_id: self.current_version_id,
            due_on: self.due_on?,
            grace_days: self.grace_days,
        })
    }
}

/// One person, one policy, at one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRow {
    pub person: PersonId,
    pub full_name: String,
    pub email: Option<String>,
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub policy: PolicyId,
    pub policy_title: String,
    /// What the policy asks: sign, read and confirm, or complete training.
    pub obligation: crate::ObligationKind,
    pub status: ComplianceStatus,
    pub due_on: Option<NaiveDate>,
    pub obliged_since: NaiveDate,
    pub current_version: u32,
    pub current_version_id: PolicyVersionId,
    pub grace_days: u32,
    pub last_acceptance: Option<AcceptanceId>,
    pub last_signed_at: Option<DateTime<Utc>>,
    pub exempt_until: Option<NaiveDate>,
    /// Set when the person's latest answer is a decline.
    pub declined_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
}

/// How many people × policies are in a status, for one school (or the trust when
/// `school` is `None`) and one membership kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceCount {
    pub school: Option<SchoolId>,
    pub kind: MembershipKind,
    pub status: ComplianceStatus,
    pub count: u64,
}
