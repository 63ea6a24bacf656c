//! Everything recorded about one breach: the facts, the assessment, the ICO reports and
//! notices, and who besides the DPO may act on a trust's breaches.

use chrono::{DateTime, Duration, Utc};

use super::assessment::Assessment;
use super::clock::ico_deadline;
use super::facts::{BreachFacts, LONG_TEXT, SHORT_TEXT, optional_text, required_text};
use crate::DomainError;

/// A report made to the ICO: the first, or a follow-up with more information.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IcoReport {
    pub follow_up: bool,
    pub ico_reference: String,
    pub reported_at: DateTime<Utc>,
    /// Why the first report came after the 72 hours.
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
    /// What the record said when this was sent (facts and assessment may be corrected
    /// later; what the ICO was told stays as it was).
    #[serde(default)]
    pub sent: Option<IcoSnapshot>,
}

/// The record as it stood when something was sent to the ICO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IcoSnapshot {
    pub facts: BreachFacts,
    pub aware_at: Option<DateTime<Utc>>,
    pub assessment: Option<Assessment>,
}

impl IcoReport {
    /// Checks a report to the ICO against the deadline from `aware_at`.
    pub fn parse(
        follow_up: bool,
        ico_reference: &str,
        reported_at: DateTime<Utc>,
        delay_reason: Option<&str>,
        detail: Option<&str>,
        aware_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if reported_at > now + Duration::minutes(5) {
            return Err(DomainError::invalid("notified_at", "is in the future"));
        }
        if reported_at < aware_at {
            return Err(DomainError::invalid(
                "notified_at",
                "is before the trust became aware",
            ));
        }
        let delay_reason = optional_text("delay_reason", delay_reason, LONG_TEXT)?;
        if !follow_up && reported_at > ico_deadline(aware_at) && delay_reason.is_none() {
            return Err(DomainError::invalid(
                "delay_reason",
                "the ICO was told more than 72 hours after the trust became aware: give the reasons for the delay",
            ));
        }
        Ok(Self {
            follow_up,
            ico_reference: required_text("ico_reference", ico_reference, SHORT_TEXT)?,
            reported_at,
            delay_reason,
            detail: optional_text("detail", detail, LONG_TEXT)?,
            sent: None,
        })
    }
}

/// Telling the people affected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubjectNotice {
    pub notified_at: DateTime<Utc>,
    pub how: String,
    /// What they were told (article 34(2)).
    #[serde(default)]
    pub message: Option<String>,
    /// How many were told.
    #[serde(default)]
    pub people_told: Option<u32>,
    /// A public notice instead of telling each person (article 34(3)(c)).
    #[serde(default)]
    pub public_notice: bool,
}

/// Another body told of the breach: who, when, and their reference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OtherNotice {
    pub party: super::OtherParty,
    pub notified_at: DateTime<Utc>,
    pub reference: Option<String>,
    pub detail: Option<String>,
}

/// Who is on a breach: the person working it for the DPO, shown with its countdown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BreachHandler {
    pub person: crate::PersonId,
    pub name: String,
}

/// Everything recorded about one breach besides its identity and status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BreachRecord {
    pub facts: BreachFacts,
    pub triage_notes: Option<String>,
    /// Why the trust became aware later than the breach was discovered.
    #[serde(default)]
    pub aware_reason: Option<String>,
    pub assessment: Option<Assessment>,
    pub ico_reports: Vec<IcoReport>,
    pub subject_notice: Option<SubjectNotice>,
    /// Other bodies told (police, Action Fraud, the DfE, the RPA, …), each recorded.
    #[serde(default)]
    pub others_notified: Vec<OtherNotice>,
    pub lessons_learned: Option<String>,
    pub close_reason: Option<String>,
    /// Who is on it (set at triage to whoever triaged; handed on by the DPO).
    #[serde(default)]
    pub handler: Option<BreachHandler>,
}

impl BreachRecord {
    pub fn new(facts: BreachFacts) -> Self {
        Self {
            facts,
            triage_notes: None,
            aware_reason: None,
            assessment: None,
            ico_reports: Vec::new(),
            subject_notice: None,
            others_notified: Vec::new(),
            lessons_learned: None,
            close_reason: None,
            handler: None,
        }
    }

    /// The record as someone not granted special category details may see it: the
    /// special categories go, and so does every free text that may describe them (what
    /// happened, the other data, the DPO's triage notes and assessment, the lessons).
    pub fn withhold_special_category(&mut self) {
        const WITHHELD: &str = "[withheld: this breach involves special category data;                                 the DPO can grant your school sight of its details]";
        self.facts
            .data_categories
            .retain(|category| !category.is_special());
        self.facts.what_happened = WITHHELD.to_owned();
        self.facts.data_other = None;
        self.facts.people_other = None;
        self.facts.containment_detail = None;
        self.facts.preventive_measures = None;
        self.facts.cross_border = None;
        self.triage_notes = None;
        self.aware_reason = None;
        self.assessment = None;
        self.lessons_learned = None;
        self.close_reason = None;
        for report in &mut self.ico_reports {
            report.delay_reason = None;
            report.detail = None;
            report.sent = None;
        }
        if let Some(notice) = &mut self.subject_notice {
            notice.message = None;
        }
        for notice in &mut self.others_notified {
            notice.detail = None;
        }
    }

    /// What the ICO is sent now: the facts and assessment as they stand.
    pub fn snapshot(&self, aware_at: Option<DateTime<Utc>>) -> IcoSnapshot {
        IcoSnapshot {
            facts: self.facts.clone(),
            aware_at,
            assessment: self.assessment.clone(),
        }
    }

    /// Whether a decision about telling the ICO is on record (which stops the alerts).
    pub fn ico_decided(&self) -> bool {
        self.assessment.is_some()
    }

    /// Checks that closing now leaves nothing the DPO decided to do undone.
    pub fn check_can_close(&self) -> Result<(), DomainError> {
        let Some(assessment) = &self.assessment else {
            return Err(DomainError::invalid(
                "status",
                "assess the breach before closing it",
            ));
        };
        if assessment.notify_ico && !self.ico_reports.iter().any(|r| !r.follow_up) {
            return Err(DomainError::invalid(
                "status",
                "the decision was to tell the ICO: record the notification before closing",
            ));
        }
        if assessment.notify_subjects && self.subject_notice.is_none() {
            return Err(DomainError::invalid(
                "status",
                "the decision was to tell the people affected: record that before closing",
            ));
        }
        if assessment.subjects_exception == Some(super::SubjectsException::Disproportionate)
            && !self
                .subject_notice
                .as_ref()
                .is_some_and(|notice| notice.public_notice)
        {
            return Err(DomainError::invalid(
                "status",
                "telling each person was judged disproportionate: record the public notice made instead before closing (article 34(3)(c))",
            ));
        }
        Ok(())
    }
}

/// Who, besides the DPO, may do what with a trust's breaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreachSettings {
    /// Trust admins move breaches through the workflow as the DPO does.
    pub trust_admins_act_as_dpo: bool,
    /// Schools whose admins see special category details of their schools' breaches.
    pub special_category_schools: std::collections::BTreeSet<crate::SchoolId>,
    /// The DPO's contact point (name, email, phone) for the ICO and the people affected
    /// (article 33(3)(b), 34(2)).
    pub dpo_contact: Option<String>,
}

impl BreachSettings {
    /// Whether this caller triages, assesses, records and closes breaches.
    pub fn may_act_as_dpo(&self, principal: &crate::Principal) -> bool {
        principal.has_role(crate::Role::Dpo)
            || principal.system_task().is_some()
            || (self.trust_admins_act_as_dpo && principal.is_trust_admin())
    }

    /// Whether a school admin sees the special category details of a breach at these
    /// schools: only when one of them is granted and is theirs.
    pub fn special_categories_granted(
        &self,
        principal: &crate::Principal,
        schools: &[crate::SchoolId],
    ) -> bool {
        schools.iter().any(|school| {
            self.special_category_schools.contains(school) && principal.can_manage_school(*school)
        })
    }
}
