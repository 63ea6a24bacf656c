//! Personal data breaches under UK GDPR: the workflow's states and the moves between
//! them, the ICO's categories, the risk assessment, the trust-scoped reference, and the
//! 72-hour clock with its alerts. Pure: the application stores and enforces these.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        DomainError::invalid(
                            $field,
                            format!("'{raw}' is not one of {}", allowed.join(", ")),
                        )
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// Where a breach is in the DPO's workflow.
    BreachStatus, "status", {
        Reported => "reported",
        Triaged => "triaged",
        Assessed => "assessed",
        NotifiedIco => "notified_ico",
        SubjectsNotified => "subjects_notified",
        Closed => "closed",
        ClosedNotABreach => "closed_not_a_breach",
    }
);

impl BreachStatus {
    /// The states a breach may move to from this one.
    pub fn next(self) -> &'static [Self] {
        use BreachStatus::*;
        match self {
            Reported => &[Triaged, ClosedNotABreach],
            Triaged => &[Assessed, ClosedNotABreach],
            Assessed => &[NotifiedIco, SubjectsNotified, Closed],
            NotifiedIco => &[SubjectsNotified, Closed],
            SubjectsNotified => &[NotifiedIco, Closed],
            Closed | ClosedNotABreach => &[],
        }
    }

    /// Checks a move, saying what is allowed instead when it is not.
    pub fn transition(self, to: Self) -> Result<Self, DomainError> {
        if self.next().contains(&to) {
            return Ok(to);
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        Err(DomainError::invalid(
            "status",
            if allowed.is_empty() {
                format!("a {self} breach is finished and cannot move to {to}")
            } else {
                format!(
                    "a {self} breach cannot move to {to}; it can move to {}",
                    allowed.join(" or ")
                )
            },
        ))
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::ClosedNotABreach)
    }
}

text_enum!(
    /// The kinds of personal data involved, as the ICO's breach report form lists them.
    DataCategory, "data_categories", {
        BasicIdentifiers => "basic_identifiers",
        IdentificationData => "identification_data",
        Financial => "financial",
        OfficialDocuments => "official_documents",
        Location => "location",
        Health => "health",
        RacialOrEthnicOrigin => "racial_or_ethnic_origin",
        ReligiousBeliefs => "religious_beliefs",
        SexLifeOrOrientation => "sex_life_or_orientation",
        GeneticOrBiometric => "genetic_or_biometric",
        CriminalOffences => "criminal_offences",
        NotYetKnown => "not_yet_known",
        Other => "other",
    }
);

impl DataCategory {
    /// Special category data (UK GDPR article 9) and criminal offence data (article
    /// 10): shown to school admins only when granted.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            Self::Health
                | Self::RacialOrEthnicOrigin
                | Self::ReligiousBeliefs
                | Self::SexLifeOrOrientation
                | Self::GeneticOrBiometric
                | Self::CriminalOffences
        )
    }

    /// How the ICO's form words it.
    pub fn label(self) -> &'static str {
        match self {
            Self::BasicIdentifiers => "Basic personal identifiers",
            Self::IdentificationData => "Identification data (e.g. usernames, passwords)",
            Self::Financial => "Economic and financial data",
            Self::OfficialDocuments => "Official documents",
            Self::Location => "Location data",
            Self::Health => "Health data",
            Self::RacialOrEthnicOrigin => "Racial or ethnic origin",
            Self::ReligiousBeliefs => "Religious or philosophical beliefs",
            Self::SexLifeOrOrientation => "Sex life or sexual orientation",
            Self::GeneticOrBiometric => "Genetic or biometric data",
            Self::CriminalOffences => "Criminal convictions and offences",
            Self::NotYetKnown => "Not yet known",
            Self::Other => "Other",
        }
    }
}

text_enum!(
    /// Whose data it is.
    PeopleCategory, "people_categories", {
        Pupils => "pupils",
        Staff => "staff",
        Parents => "parents",
        Governors => "governors",
        VulnerableAdults => "vulnerable_adults",
        NotYetKnown => "not_yet_known",
        Other => "other",
    }
);

text_enum!(
    /// Yes, no or don't know: whether a cyber incident caused it, whether a member of
    /// staff was involved, whether the data is recovered or contained.
    Answer, "answer", {
        Yes => "yes",
        No => "no",
        Unknown => "unknown",
    }
);

text_enum!(
    /// How likely harm is, or how bad it would be.
    Rating, "rating", {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

text_enum!(
    /// The DPO's conclusion: what decides whether the ICO and the people must be told.
    RiskLevel, "riskLevel", {
        NoLikelyRisk => "no_likely_risk",
        Risk => "risk",
        HighRisk => "high_risk",
    }
);

text_enum!(
    /// Others the trust told.
    OtherParty, "othersTold", {
        Police => "police",
        Insurer => "insurer",
        LocalAuthority => "local_authority",
        TrustBoard => "trust_board",
        Other => "other",
    }
);

/// Likelihood × severity, as the ICO's guidance weighs them: a high score on both, or
/// high severity with at least medium likelihood, is high risk; both low is no likely
/// risk; anything else is a risk.
pub fn risk_level(likelihood: Rating, severity: Rating) -> RiskLevel {
    use Rating::*;
    match (likelihood, severity) {
        (Low, Low) => RiskLevel::NoLikelyRisk,
        (Medium | High, High) | (High, Medium) => RiskLevel::HighRisk,
        _ => RiskLevel::Risk,
    }
}

/// The trust-scoped reference of a breach, e.g. `BR-2026-0007`.
pub fn breach_reference(year: i32, seq: u32) -> String {
    format!("BR-{year}-{seq:04}")
}

/// The ICO must hear within 72 hours of the trust becoming aware: wall-clock hours,
/// weekends and bank holidays included, so plain UTC arithmetic.
pub const ICO_HOURS: i64 = 72;

pub fn ico_deadline(aware_at: DateTime<Utc>) -> DateTime<Utc> {
    aware_at + Duration::hours(ICO_HOURS)
}

/// Whether the ICO deadline has passed at `now`.
pub fn is_overdue(aware_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= ico_deadline(aware_at)
}

text_enum!(
    /// The alerts the DPOs get while no decision about telling the ICO is recorded.
    AlertStage, "stage", {
        Reported => "reported",
        After24Hours => "after_24h",
        After48Hours => "after_48h",
        TwelveHoursLeft => "12h_left",
        Overdue => "overdue",
    }
);

impl AlertStage {
    /// How long after the trust became aware this alert falls due (`Reported` is sent
    /// with the report itself).
    pub fn after_awareness(self) -> Option<Duration> {
        match self {
            Self::Reported => None,
            Self::After24Hours => Some(Duration::hours(24)),
            Self::After48Hours => Some(Duration::hours(48)),
            Self::TwelveHoursLeft => Some(Duration::hours(ICO_HOURS - 12)),
            Self::Overdue => Some(Duration::hours(ICO_HOURS)),
        }
    }
}

/// The escalating alerts due at `now` for a breach the trust became aware of at
/// `aware_at`, oldest first. The caller sends each once (by key) and stops as soon as
/// a decision about the ICO is recorded.
pub fn alerts_due(aware_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<AlertStage> {
    AlertStage::ALL
        .iter()
        .copied()
        .filter(|stage| {
            stage
                .after_awareness()
                .is_some_and(|after| now >= aware_at + after)
        })
        .collect()
}

/// Free text the form asks for: trimmed, required, and of a sane length.
fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "is required"));
    }
    if text.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => required_text(field, text, max).map(Some),
    }
}

const LONG_TEXT: usize = 10_000;
const SHORT_TEXT: usize = 500;

/// What the person reporting says, as the ICO's form asks it. The form's rule applies:
/// no names of the people affected in free text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BreachFacts {
    pub what_happened: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub how_discovered: String,
    pub cyber_incident: Answer,
    pub data_categories: Vec<DataCategory>,
    pub data_other: Option<String>,
    pub records_affected: Option<u32>,
    pub people_affected: Option<u32>,
    pub people_categories: Vec<PeopleCategory>,
    pub people_other: Option<String>,
    pub staff_involved: Answer,
    pub staff_training: Option<String>,
    pub recovered_or_contained: Answer,
    pub containment_detail: Option<String>,
    pub reporter_name: String,
    pub reporter_contact: Option<String>,
}

/// The yes / no / not known questions a report answers, by field, in the ICO's words.
pub const REPORT_QUESTIONS: [(&str, &str); 3] = [
    ("cyber_incident", "Was it caused by a cyber incident?"),
    ("staff_involved", "Was a member of staff involved?"),
    (
        "recovered_or_contained",
        "Has the data been recovered or the breach contained?",
    ),
];

/// The report as typed, before checking.
#[derive(Debug, Clone, Default)]
pub struct BreachFactsInput {
    pub what_happened: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: Option<DateTime<Utc>>,
    pub how_discovered: String,
    pub cyber_incident: String,
    pub data_categories: Vec<String>,
    pub data_other: Option<String>,
    pub records_affected: Option<u32>,
    pub people_affected: Option<u32>,
    pub people_categories: Vec<String>,
    pub people_other: Option<String>,
    pub staff_involved: String,
    pub staff_training: Option<String>,
    pub recovered_or_contained: String,
    pub containment_detail: Option<String>,
    pub reporter_name: String,
    pub reporter_contact: Option<String>,
}

fn parse_answer(field: &'static str, raw: &str) -> Result<Answer, DomainError> {
    raw.trim()
        .parse::<Answer>()
        .map_err(|_| DomainError::invalid(field, format!("'{raw}' is not yes, no or unknown")))
}

fn parse_list<T: FromStr<Err = DomainError> + Ord>(
    field: &'static str,
    raw: &[String],
) -> Result<Vec<T>, DomainError> {
    let mut parsed = raw
        .iter()
        .map(|item| {
            item.trim().parse::<T>().map_err(|error| {
                DomainError::invalid(
                    field,
                    error
                        .to_string()
                        .split_once(": ")
                        .map_or(String::new(), |(_, m)| m.to_owned()),
                )
            })
        })
        .collect::<Result<Vec<T>, _>>()?;
    if parsed.is_empty() {
        return Err(DomainError::invalid(
            field,
            "choose at least one (or not yet known)",
        ));
    }
    parsed.sort();
    parsed.dedup();
    Ok(parsed)
}

impl BreachFacts {
    /// Checks a report made at `now`.
    pub fn parse(input: BreachFactsInput, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let what_happened = required_text("what_happened", &input.what_happened, LONG_TEXT)?;
        let discovered_at = input
            .discovered_at
            .ok_or_else(|| DomainError::invalid("discovered_at", "is required"))?;
        // A few minutes' grace for clocks that disagree.
        if discovered_at > now + Duration::minutes(5) {
            return Err(DomainError::invalid("discovered_at", "is in the future"));
        }
        if let Some(occurred) = input.occurred_at
            && occurred > discovered_at
        {
            return Err(DomainError::invalid(
                "occurredAt",
                "is after it was discovered",
            ));
        }
        let data_categories: Vec<DataCategory> =
            parse_list("data_categories", &input.data_categories)?;
        let data_other = optional_text("data_other", input.data_other.as_deref(), SHORT_TEXT)?;
        if data_categories.contains(&DataCategory::Other) && data_other.is_none() {
            return Err(DomainError::invalid(
                "data_other",
                "say what other data was involved",
            ));
        }
        let people_categories: Vec<PeopleCategory> =
            parse_list("people_categories", &input.people_categories)?;
        let people_other =
            optional_text("people_other", input.people_other.as_deref(), SHORT_TEXT)?;
        if people_categories.contains(&PeopleCategory::Other) && people_other.is_none() {
            return Err(DomainError::invalid(
                "people_other",
                "say who else is affected",
            ));
        }
        Ok(Self {
            what_happened,
            occurred_at: input.occurred_at,
            discovered_at,
            how_discovered: required_text("how_discovered", &input.how_discovered, LONG_TEXT)?,
            cyber_incident: parse_answer("cyber_incident", &input.cyber_incident)?,
            data_categories,
            data_other,
            records_affected: input.records_affected,
            people_affected: input.people_affected,
            people_categories,
            people_other,
            staff_involved: parse_answer("staff_involved", &input.staff_involved)?,
            staff_training: optional_text(
                "staffTraining",
                input.staff_training.as_deref(),
                LONG_TEXT,
            )?,
            recovered_or_contained: parse_answer(
                "recoveredOrContained",
                &input.recovered_or_contained,
            )?,
            containment_detail: optional_text(
                "containmentDetail",
                input.containment_detail.as_deref(),
                LONG_TEXT,
            )?,
            reporter_name: required_text("reporter_name", &input.reporter_name, SHORT_TEXT)?,
            reporter_contact: optional_text(
                "reporterContact",
                input.reporter_contact.as_deref(),
                SHORT_TEXT,
            )?,
        })
    }

    /// Whether special category or criminal offence data is involved.
    pub fn has_special_category(&self) -> bool {
        self.data_categories
            .iter()
            .any(|category| category.is_special())
    }
}

/// The DPO's assessment and decisions, with reasons either way, as the ICO expects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Assessment {
    pub consequences: String,
    pub likelihood: Rating,
    pub severity: Rating,
    pub risk_level: RiskLevel,
    pub containment_actions: String,
    pub notify_ico: bool,
    pub ico_reasons: String,
    pub notify_subjects: bool,
    pub subjects_reasons: Option<String>,
    pub others_told: Vec<OtherParty>,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub consequences: String,
    pub likelihood: String,
    pub severity: String,
    pub containment_actions: String,
    pub notify_ico: bool,
    pub ico_reasons: String,
    pub notify_subjects: bool,
    pub subjects_reasons: Option<String>,
    pub others_told: Vec<String>,
}

impl Assessment {
    pub fn parse(input: AssessmentInput, now: DateTime<Utc>) -> Result<Self, DomainError> {
        let likelihood: Rating = input.likelihood.trim().parse().map_err(|_| {
            DomainError::invalid(
                "likelihood",
                format!("'{}' is not low, medium or high", input.likelihood),
            )
        })?;
        let severity: Rating = input.severity.trim().parse().map_err(|_| {
            DomainError::invalid(
                "severity",
                format!("'{}' is not low, medium or high", input.severity),
            )
        })?;
        let risk = risk_level(likelihood, severity);
        let subjects_reasons = optional_text(
            "subjectsReasons",
            input.subjects_reasons.as_deref(),
            LONG_TEXT,
        )?;
        if risk == RiskLevel::HighRisk && !input.notify_subjects {
            return Err(DomainError::invalid(
                "notifySubjects",
                "the risk is high: the people affected must be told without undue delay (UK GDPR article 34)",
            ));
        }
        if !input.notify_subjects && subjects_reasons.is_none() {
            return Err(DomainError::invalid(
                "subjectsReasons",
                "record why the people affected are not being told",
            ));
        }
        let mut others_told = input
            .others_told
            .iter()
            .map(|raw| raw.trim().parse::<OtherParty>())
            .collect::<Result<Vec<_>, _>>()?;
        others_told.sort();
        others_told.dedup();
        Ok(Self {
            consequences: required_text("consequences", &input.consequences, LONG_TEXT)?,
            likelihood,
            severity,
            risk_level: risk,
            containment_actions: required_text(
                "containmentActions",
                &input.containment_actions,
                LONG_TEXT,
            )?,
            notify_ico: input.notify_ico,
            ico_reasons: required_text("ico_reasons", &input.ico_reasons, LONG_TEXT)?,
            notify_subjects: input.notify_subjects,
            subjects_reasons,
            others_told,
            assessed_at: now,
        })
    }
}

/// A report made to the ICO: the first, or a follow-up with more information.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IcoReport {
    pub follow_up: bool,
    pub ico_reference: String,
    pub reported_at: DateTime<Utc>,
    /// Why the first report came after the 72 hours.
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
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
        })
    }
}

/// Telling the people affected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubjectNotice {
    pub notified_at: DateTime<Utc>,
    pub how: String,
}

/// Everything recorded about one breach besides its identity and status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BreachRecord {
    pub facts: BreachFacts,
    pub triage_notes: Option<String>,
    pub assessment: Option<Assessment>,
    pub ico_reports: Vec<IcoReport>,
    pub subject_notice: Option<SubjectNotice>,
    pub lessons_learned: Option<String>,
    pub close_reason: Option<String>,
}

impl BreachRecord {
    pub fn new(facts: BreachFacts) -> Self {
        Self {
            facts,
            triage_notes: None,
            assessment: None,
            ico_reports: Vec::new(),
            subject_notice: None,
            lessons_learned: None,
            close_reason: None,
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
        self.triage_notes = None;
        self.assessment = None;
        self.lessons_learned = None;
        self.close_reason = None;
        for report in &mut self.ico_reports {
            report.delay_reason = None;
            report.detail = None;
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
        Ok(())
    }
}

/// Helpers for the application's checks of free text.
pub fn breach_text(field: &'static str, raw: &str) -> Result<String, DomainError> {
    required_text(field, raw, LONG_TEXT)
}

pub fn breach_optional_text(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<String>, DomainError> {
    optional_text(field, raw, LONG_TEXT)
}

/// Who, besides the DPO, may do what with a trust's breaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BreachSettings {
    /// Trust admins move breaches through the workflow as the DPO does.
    pub trust_admins_act_as_dpo: bool,
    /// Schools whose admins see special category details of their schools' breaches.
    pub special_category_schools: std::collections::BTreeSet<crate::SchoolId>,
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn every_move_is_either_allowed_or_refused_with_the_alternatives() {
        use BreachStatus::*;
        let allowed = [
            (Reported, Triaged),
            (Reported, ClosedNotABreach),
            (Triaged, Assessed),
            (Triaged, ClosedNotABreach),
            (Assessed, NotifiedIco),
            (Assessed, SubjectsNotified),
            (Assessed, Closed),
            (NotifiedIco, SubjectsNotified),
            (NotifiedIco, Closed),
            (SubjectsNotified, NotifiedIco),
            (SubjectsNotified, Closed),
        ];
        let mut checked = 0;
        for from in BreachStatus::ALL {
            for to in BreachStatus::ALL {
                let result = from.transition(*to);
                if allowed.contains(&(*from, *to)) {
                    assert_eq!(result.expect("allowed"), *to);
                } else {
                    let error = result.expect_err("refused");
                    assert_eq!(error.field(), "status");
                    assert!(error.to_string().contains(to.as_str()), "{error}");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 49);
        let refused = Reported.transition(NotifiedIco).expect_err("refused");
        assert_eq!(
            refused.to_string(),
            "status: a reported breach cannot move to notified_ico; it can move to triaged or closed_not_a_breach"
        );
        assert!(
            Closed
                .transition(Triaged)
                .expect_err("finished")
                .to_string()
                .contains("finished")
        );
        assert!(!Closed.is_open() && !ClosedNotABreach.is_open() && Assessed.is_open());
    }

    #[test]
    fn categories_round_trip_and_special_ones_are_marked() {
        for category in DataCategory::ALL {
            assert_eq!(
                category.as_str().parse::<DataCategory>().expect("parses"),
                *category
            );
            assert!(!category.label().is_empty());
        }
        assert_eq!(DataCategory::ALL.len(), 13);
        assert_eq!(PeopleCategory::ALL.len(), 7);
        let special: Vec<_> = DataCategory::ALL
            .iter()
            .filter(|c| c.is_special())
            .collect();
        assert_eq!(special.len(), 6);
        let error = "passwords".parse::<DataCategory>().expect_err("unknown");
        assert_eq!(error.field(), "data_categories");
        assert!(error.to_string().contains("identification_data"), "{error}");
    }

    #[test]
    fn risk_is_likelihood_against_severity() {
        use Rating::*;
        assert_eq!(risk_level(Low, Low), RiskLevel::NoLikelyRisk);
        assert_eq!(risk_level(Low, Medium), RiskLevel::Risk);
        assert_eq!(risk_level(Low, High), RiskLevel::Risk);
        assert_eq!(risk_level(Medium, Medium), RiskLevel::Risk);
        assert_eq!(risk_level(Medium, High), RiskLevel::HighRisk);
        assert_eq!(risk_level(High, Medium), RiskLevel::HighRisk);
        assert_eq!(risk_level(High, Low), RiskLevel::Risk);
        assert_eq!(risk_level(High, High), RiskLevel::HighRisk);
    }

    #[test]
    fn references_count_within_the_year() {
        assert_eq!(breach_reference(2026, 7), "BR-2026-0007");
        assert_eq!(breach_reference(2027, 12345), "BR-2027-12345");
    }

    #[test]
    fn the_deadline_is_72_wall_clock_hours_across_the_clock_changes() {
        let utc = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("t");
        // Aware at 10:00 BST on Friday 23 October; clocks go back on Sunday 25th. 72 real
        // hours later is 09:00 GMT on Monday 26th (09:00 UTC), not 10:00.
        let aware = utc(2026, 10, 23, 9);
        let deadline = ico_deadline(aware);
        assert_eq!(deadline, utc(2026, 10, 26, 9));
        assert_eq!(
            deadline
                .with_timezone(&crate::LONDON)
                .format("%a %-d %b %H:%M %Z")
                .to_string(),
            "Mon 26 Oct 09:00 GMT"
        );
        // Aware at 10:00 GMT on Friday 27 March; clocks go forward on Sunday 29th.
        let aware = utc(2026, 3, 27, 10);
        assert_eq!(
            ico_deadline(aware)
                .with_timezone(&crate::LONDON)
                .format("%a %-d %b %H:%M %Z")
                .to_string(),
            "Mon 30 Mar 11:00 BST"
        );
        assert!(!is_overdue(aware, utc(2026, 3, 30, 9)));
        assert!(is_overdue(aware, utc(2026, 3, 30, 10)));
    }

    #[test]
    fn alerts_escalate_at_24_48_and_60_hours_then_overdue() {
        let aware = Utc
            .with_ymd_and_hms(2026, 11, 20, 16, 0, 0)
            .single()
            .expect("t");
        assert!(alerts_due(aware, aware + Duration::hours(23)).is_empty());
        assert_eq!(
            alerts_due(aware, aware + Duration::hours(24)),
            vec![AlertStage::After24Hours]
        );
        assert_eq!(
            alerts_due(aware, aware + Duration::hours(61)),
            vec![
                AlertStage::After24Hours,
                AlertStage::After48Hours,
                AlertStage::TwelveHoursLeft
            ]
        );
        assert_eq!(alerts_due(aware, aware + Duration::hours(72)).len(), 4);
    }

    #[test]
    fn withholding_special_category_removes_every_text_that_may_describe_it() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("t");
        let mut input = facts_input();
        input.data_other = Some("medical notes for two pupils".to_owned());
        let mut record = BreachRecord::new(BreachFacts::parse(input, now).expect("valid"));
        record.triage_notes = Some("SEN and health data of 30 pupils".to_owned());
        record.lessons_learned = Some("check recipients".to_owned());
        record.withhold_special_category();
        assert!(record.facts.data_categories.iter().all(|c| !c.is_special()));
        assert!(!record.facts.data_categories.is_empty(), "others stay");
        assert!(record.facts.what_happened.starts_with("[withheld"));
        assert_eq!(record.facts.data_other, None);
        assert_eq!(record.triage_notes, None);
        assert_eq!(record.lessons_learned, None);
        assert!(record.assessment.is_none());
        assert_eq!(
            record.facts.reporter_name, "Sam Office",
            "who reported stays"
        );
    }

    fn facts_input() -> BreachFactsInput {
        BreachFactsInput {
            what_happened: "A spreadsheet of Year 6 SEN needs was emailed to the wrong parent."
                .to_owned(),
            occurred_at: None,
            discovered_at: Some(
                Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
                    .single()
                    .expect("t"),
            ),
            how_discovered: "The parent replied to say so.".to_owned(),
            cyber_incident: "no".to_owned(),
            data_categories: vec![
                "health".to_owned(),
                "basic_identifiers".to_owned(),
                "health".to_owned(),
            ],
            people_categories: vec!["pupils".to_owned()],
            staff_involved: "yes".to_owned(),
            recovered_or_contained: "unknown".to_owned(),
            reporter_name: "Sam Office".to_owned(),
            ..BreachFactsInput::default()
        }
    }

    #[test]
    fn a_report_is_checked_field_by_field() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("t");
        let facts = BreachFacts::parse(facts_input(), now).expect("valid");
        assert_eq!(
            facts.data_categories,
            vec![DataCategory::BasicIdentifiers, DataCategory::Health]
        );
        assert!(facts.has_special_category());
        type Change = Box<dyn Fn(&mut BreachFactsInput)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "what_happened",
                Box::new(|i| i.what_happened = "  ".to_owned()),
            ),
            ("discovered_at", Box::new(|i| i.discovered_at = None)),
            (
                "discovered_at",
                Box::new(move |i| i.discovered_at = Some(now + Duration::hours(1))),
            ),
            ("occurredAt", Box::new(move |i| i.occurred_at = Some(now))),
            ("data_categories", Box::new(|i| i.data_categories = vec![])),
            (
                "data_categories",
                Box::new(|i| i.data_categories = vec!["passwords".to_owned()]),
            ),
            (
                "data_other",
                Box::new(|i| i.data_categories = vec!["other".to_owned()]),
            ),
            (
                "people_other",
                Box::new(|i| i.people_categories = vec!["other".to_owned()]),
            ),
            (
                "cyber_incident",
                Box::new(|i| i.cyber_incident = "maybe".to_owned()),
            ),
            (
                "reporter_name",
                Box::new(|i| i.reporter_name = String::new()),
            ),
        ];
        for (field, change) in cases {
            let mut input = facts_input();
            change(&mut input);
            let error = BreachFacts::parse(input, now).expect_err(field);
            assert_eq!(error.field(), field, "{error}");
        }
    }

    #[test]
    fn assessments_need_reasons_and_high_risk_means_telling_people() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("t");
        let input = || AssessmentInput {
            consequences: "Distress to the family.".to_owned(),
            likelihood: "medium".to_owned(),
            severity: "high".to_owned(),
            containment_actions: "Recall requested; parent confirmed deletion.".to_owned(),
            notify_ico: true,
            ico_reasons: "Special category data about children.".to_owned(),
            notify_subjects: true,
            subjects_reasons: None,
            others_told: vec!["trust_board".to_owned()],
        };
        let assessed = Assessment::parse(input(), now).expect("valid");
        assert_eq!(assessed.risk_level, RiskLevel::HighRisk);
        let silent = Assessment::parse(
            AssessmentInput {
                notify_subjects: false,
                subjects_reasons: Some("x".to_owned()),
                ..input()
            },
            now,
        )
        .expect_err("high risk");
        assert_eq!(silent.field(), "notifySubjects");
        let low = AssessmentInput {
            likelihood: "low".to_owned(),
            severity: "low".to_owned(),
            notify_ico: false,
            notify_subjects: false,
            ..input()
        };
        assert_eq!(
            Assessment::parse(low.clone(), now)
                .expect_err("why not")
                .field(),
            "subjectsReasons"
        );
        let reasoned = Assessment::parse(
            AssessmentInput {
                subjects_reasons: Some("Recovered unread within the hour.".to_owned()),
                ..low
            },
            now,
        )
        .expect("valid");
        assert_eq!(reasoned.risk_level, RiskLevel::NoLikelyRisk);
        let no_reason = Assessment::parse(
            AssessmentInput {
                ico_reasons: " ".to_owned(),
                ..input()
            },
            now,
        )
        .expect_err("reasons");
        assert_eq!(no_reason.field(), "ico_reasons");
        assert_eq!(
            Assessment::parse(
                AssessmentInput {
                    others_told: vec!["press".to_owned()],
                    ..input()
                },
                now
            )
            .expect_err("party")
            .field(),
            "othersTold"
        );
    }

    #[test]
    fn late_ico_reports_need_a_reason_and_closing_needs_what_was_decided() {
        let aware = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("t");
        let now = aware + Duration::hours(80);
        let late = IcoReport::parse(
            false,
            "ICO-123",
            aware + Duration::hours(73),
            None,
            None,
            aware,
            now,
        )
        .expect_err("late");
        assert_eq!(late.field(), "delay_reason");
        let explained = IcoReport::parse(
            false,
            "ICO-123",
            aware + Duration::hours(73),
            Some("Half-term: the DPO was not reachable."),
            None,
            aware,
            now,
        )
        .expect("explained");
        assert!(explained.delay_reason.is_some());
        assert!(
            IcoReport::parse(
                true,
                "ICO-123",
                aware + Duration::hours(79),
                None,
                Some("More detail"),
                aware,
                now
            )
            .is_ok(),
            "follow-ups need no delay reason"
        );
        assert_eq!(
            IcoReport::parse(
                false,
                "ICO-1",
                aware - Duration::hours(1),
                None,
                None,
                aware,
                now
            )
            .expect_err("early")
            .field(),
            "notified_at"
        );

        let facts = BreachFacts::parse(facts_input(), now).expect("valid");
        let mut record = BreachRecord::new(facts);
        assert!(record.check_can_close().is_err(), "not assessed");
        record.assessment = Some(
            Assessment::parse(
                AssessmentInput {
                    consequences: "c".to_owned(),
                    likelihood: "high".to_owned(),
                    severity: "high".to_owned(),
                    containment_actions: "a".to_owned(),
                    notify_ico: true,
                    ico_reasons: "r".to_owned(),
                    notify_subjects: true,
                    subjects_reasons: None,
                    others_told: vec![],
                },
                now,
            )
            .expect("valid"),
        );
        assert!(
            record
                .check_can_close()
                .expect_err("ico")
                .to_string()
                .contains("ICO")
        );
        record.ico_reports.push(explained);
        assert!(
            record
                .check_can_close()
                .expect_err("people")
                .to_string()
                .contains("people")
        );
        record.subject_notice = Some(SubjectNotice {
            notified_at: now,
            how: "Letter".to_owned(),
        });
        assert!(record.check_can_close().is_ok());
    }

    #[test]
    fn trust_admins_act_as_dpo_and_school_admins_see_special_categories_only_when_granted() {
        use crate::{Actor, PersonId, Principal, RoleAssignment, SchoolId, TrustId};
        let trust = TrustId::generate();
        let (north, south) = (SchoolId::generate(), SchoolId::generate());
        let person = || Actor::Person(PersonId::generate());
        let admin = Principal::mint(trust, person(), vec![RoleAssignment::trust_admin()]);
        let dpo = Principal::mint(
            trust,
            person(),
            vec![RoleAssignment::new(crate::Role::Dpo, None).expect("role")],
        );
        let north_admin = Principal::mint(
            trust,
            person(),
            vec![RoleAssignment::new(crate::Role::SchoolAdmin, Some(north)).expect("role")],
        );
        let mut settings = BreachSettings::default();
        assert!(settings.may_act_as_dpo(&dpo));
        assert!(settings.may_act_as_dpo(&Principal::mint(
            trust,
            Actor::System(crate::SystemTask::CommandLine),
            vec![RoleAssignment::trust_admin()]
        )));
        assert!(!settings.may_act_as_dpo(&admin), "not unless configured");
        assert!(!settings.may_act_as_dpo(&north_admin));
        settings.trust_admins_act_as_dpo = true;
        assert!(settings.may_act_as_dpo(&admin));
        assert!(!settings.may_act_as_dpo(&north_admin));

        assert!(!settings.special_categories_granted(&north_admin, &[north]));
        settings.special_category_schools.insert(south);
        assert!(
            !settings.special_categories_granted(&north_admin, &[north]),
            "another school's grant"
        );
        settings.special_category_schools.insert(north);
        assert!(settings.special_categories_granted(&north_admin, &[north, south]));
        let south_admin = Principal::mint(
            trust,
            person(),
            vec![RoleAssignment::new(crate::Role::SchoolAdmin, Some(south)).expect("role")],
        );
        assert!(
            !settings.special_categories_granted(&south_admin, &[north]),
            "not theirs"
        );
    }
}
