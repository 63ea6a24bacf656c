//! What the obligation rules read: a policy's published versions and reach, and a
//! person's memberships, answers and exemptions.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    AcceptanceId, MembershipKind, PersonId, PolicyId, PolicyKind, PolicyVersionId, SchoolId,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFact {
    pub id: PolicyVersionId,
    pub number: u32,
    pub published_at: DateTime<Utc>,
    pub published_on: NaiveDate,
    pub resign_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFacts {
    pub id: PolicyId,
    pub kind: PolicyKind,
    /// The owning school; `None` for the trust's own policies.
    pub school: Option<SchoolId>,
    pub grace_days: u32,
    pub retired_at: Option<DateTime<Utc>>,
    /// Every version ever published (superseded ones too).
    pub versions: Vec<VersionFact>,
    /// Each school's audience; a school not listed, or an empty list, means everyone.
    pub audiences: BTreeMap<SchoolId, Vec<MembershipKind>>,
    /// Attributes a person must hold (`true`) or not hold (`false`) to owe it, e.g.
    /// "works directly with children" for KCSIE Part one; empty for everyone.
    pub requires: Vec<(String, bool)>,
}

/// A policy's published state at an instant.
pub(super) struct Published {
    pub first_published_on: NaiveDate,
    pub current_number: u32,
    pub current_version: PolicyVersionId,
    /// The newest version that requires everyone to sign again, and its publication day.
    pub resign_version: Option<(u32, NaiveDate)>,
}

impl PolicyFacts {
    /// What was published by `at`, if the policy was in force then.
    pub(super) fn published_at(&self, at: DateTime<Utc>) -> Option<Published> {
        if self.kind == PolicyKind::TrustTemplate || self.retired_at.is_some_and(|r| r <= at) {
            return None;
        }
        let published: Vec<&VersionFact> = self
            .versions
            .iter()
            .filter(|v| v.published_at <= at)
            .collect();
        let current = published.iter().max_by_key(|v| v.number)?;
        Some(Published {
            first_published_on: published.iter().map(|v| v.published_on).min()?,
            current_number: current.number,
            current_version: current.id,
            resign_version: published
                .iter()
                .filter(|v| v.resign_required)
                .max_by_key(|v| v.number)
                .map(|v| (v.number, v.published_on)),
        })
    }

    /// Whether a member of `school` of this `kind` must sign it.
    pub(super) fn reaches(&self, school: SchoolId, kind: MembershipKind) -> bool {
        let school_applies = match self.school {
            Some(owner) => owner == school,
            None => self.kind == PolicyKind::TrustLocked,
        };
        school_applies
            && self
                .audiences
                .get(&school)
                .is_none_or(|audience| audience.is_empty() || audience.contains(&kind))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipFact {
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub started_on: NaiveDate,
    /// The first day no longer a member.
    pub ended_on: Option<NaiveDate>,
}

/// A signature or a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerFact {
    pub id: AcceptanceId,
    /// Its place in the trust's chain: the later answer wins.
    pub seq: i64,
    pub policy: PolicyId,
    pub version_number: u32,
    pub accepted: bool,
    pub signed_at: DateTime<Utc>,
    pub renew_on: Option<NaiveDate>,
    pub decline_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionFact {
    /// `None`: every policy.
    pub policy: Option<PolicyId>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// A span of time a person held an attribute the trust defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeFact {
    pub key: String,
    pub from: DateTime<Utc>,
    /// When it stopped being held; `None` while it is.
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub person: PersonId,
    pub memberships: Vec<MembershipFact>,
    pub answers: Vec<AnswerFact>,
    pub exemptions: Vec<ExemptionFact>,
    pub attributes: Vec<AttributeFact>,
}

impl PersonFacts {
    pub fn new(person: PersonId) -> Self {
        Self {
            person,
            memberships: Vec::new(),
            answers: Vec::new(),
            exemptions: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// Whether the person held attribute `key` at the instant `at`.
    pub fn holds(&self, key: &str, at: DateTime<Utc>) -> bool {
        self.attributes.iter().any(|held| {
            held.key == key && held.from <= at && held.until.is_none_or(|until| until > at)
        })
    }

    /// Whether the person meets a policy's attribute conditions at `at`.
    pub(super) fn meets(&self, requires: &[(String, bool)], at: DateTime<Utc>) -> bool {
        requires
            .iter()
            .all(|(key, held)| self.holds(key, at) == *held)
    }
}
