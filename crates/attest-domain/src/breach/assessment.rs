//! The DPO's assessment: how likely and how severe harm is, the risk that follows,
//! and the decisions about telling the ICO and the people, with reasons either way.

use chrono::{DateTime, Utc};

use super::categories::{OtherParty, Rating, RiskLevel, SubjectsException};
use super::facts::{LONG_TEXT, optional_text, required_text};
use crate::DomainError;

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
    /// The article 34(3) exception relied on when a high risk is not told to each person.
    #[serde(default)]
    pub subjects_exception: Option<SubjectsException>,
    /// Measures proposed, apart from those taken (`containment_actions`), as the ICO asks.
    #[serde(default)]
    pub measures_proposed: Option<String>,
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
    /// unintelligible, risk_removed or disproportionate (article 34(3)).
    pub subjects_exception: Option<String>,
    pub measures_proposed: Option<String>,
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
            "subjects_reasons",
            input.subjects_reasons.as_deref(),
            LONG_TEXT,
        )?;
        let subjects_exception = input
            .subjects_exception
            .as_deref()
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
            .map(str::parse::<SubjectsException>)
            .transpose()?;
        match (risk, input.notify_subjects, subjects_exception) {
            (RiskLevel::HighRisk, false, None) => {
                return Err(DomainError::invalid(
                    "notify_subjects",
                    "the risk is high: the people affected must be told without undue delay \
                     (UK GDPR article 34), unless an article 34(3) exception applies: name it \
                     (unintelligible, risk_removed or disproportionate) and justify it",
                ));
            }
            (RiskLevel::HighRisk, false, Some(_)) => {}
            (_, _, Some(_)) => {
                return Err(DomainError::invalid(
                    "subjects_exception",
                    "an article 34(3) exception is for a high risk the people affected are not each told of",
                ));
            }
            _ => {}
        }
        if !input.notify_subjects && subjects_reasons.is_none() {
            return Err(DomainError::invalid(
                "subjects_reasons",
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
                "containment_actions",
                &input.containment_actions,
                LONG_TEXT,
            )?,
            notify_ico: input.notify_ico,
            ico_reasons: required_text("ico_reasons", &input.ico_reasons, LONG_TEXT)?,
            notify_subjects: input.notify_subjects,
            subjects_reasons,
            subjects_exception,
            measures_proposed: optional_text(
                "measures_proposed",
                input.measures_proposed.as_deref(),
                LONG_TEXT,
            )?,
            others_told,
            assessed_at: now,
        })
    }

    /// A warning kept on the record when a risk to people was found but the ICO is not
    /// being told (the DPO's reason is on record beside it).
    pub fn ico_warning(&self) -> Option<String> {
        (self.risk_level != RiskLevel::NoLikelyRisk && !self.notify_ico).then(|| {
            format!(
                "the risk was assessed as {} but the ICO is not being told; the DPO's reason: {}",
                self.risk_level.as_str().replace('_', " "),
                self.ico_reasons
            )
        })
    }
}
