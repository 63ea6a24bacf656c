//! Policies, their versions and each school's settings for them, as stored.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{
    MembershipKind, ObligationKind, PolicyId, PolicyKind, PolicyVersionId, ResignSchedule,
    SchoolId, TrustId, VersionState,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub id: PolicyId,
    pub trust: TrustId,
    /// The owning school; `None` for the trust's policies.
    pub school: Option<SchoolId>,
    pub kind: PolicyKind,
    /// What each member of staff must do: sign, read and confirm, or complete training.
    pub obligation: ObligationKind,
    pub title: String,
    /// For a school's adopted copy: the trust template it came from.
    pub template: Option<PolicyId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
    /// When signatures must be renewed.
    pub resign_schedule: ResignSchedule,
    /// Days after a signature falls due before it is overdue.
    pub grace_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyVersion<Document> {
    pub id: PolicyVersionId,
    pub trust: TrustId,
    pub policy: PolicyId,
    pub number: u32,
    pub state: VersionState,
    /// The text as imported.
    pub source: String,
    pub document: Document,
    /// SHA-256 of the canonical rendering, fixed at publishing.
    pub content_hash: Option<String>,
    /// Set at publishing: must everyone sign again?
    pub resign_required: Option<bool>,
    pub change_note: Option<String>,
    /// For an adopted school copy: the template version it came from.
    pub based_on: Option<PolicyVersionId>,
    pub review_cycle_months: Option<u32>,
    pub next_review_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    /// The day (in England) it was published: signatures are due from then.
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchoolPolicySettings {
    pub policy: Option<PolicyId>,
    pub school: Option<SchoolId>,
    pub variables: BTreeMap<String, String>,
    /// Membership kinds that must sign at this school; empty means every kind.
    pub audience: Vec<MembershipKind>,
    /// For an adopted template: the school's text for editable sections, by section key.
    pub adaptations: BTreeMap<String, String>,
    pub updated_at: Option<DateTime<Utc>>,
}
