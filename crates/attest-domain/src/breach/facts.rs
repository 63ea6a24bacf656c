//! What the person reporting says, as the ICO's form asks it, and the checks of its
//! free text.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use super::categories::{Answer, DataCategory, PeopleCategory};
use crate::DomainError;

/// Free text the form asks for: trimmed, required, and of a sane length.
pub(crate) fn required_text(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<String, DomainError> {
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

pub(crate) fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => required_text(field, text, max).map(Some),
    }
}

pub(crate) const LONG_TEXT: usize = 10_000;
pub(crate) const SHORT_TEXT: usize = 500;

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
    /// Reported to the trust by a processor (article 33(2)).
    #[serde(default)]
    pub supplier: Option<super::SupplierReport>,
    /// What happened to the data: destruction, loss, alteration, disclosure, access.
    #[serde(default)]
    pub nature: Vec<super::BreachNature>,
    /// How it happened, in the ICO's incident types.
    #[serde(default)]
    pub incident_type: Option<super::IncidentType>,
    /// What was already in place to prevent it (the ICO asks).
    #[serde(default)]
    pub preventive_measures: Option<String>,
    /// When the staff involved last had data protection training.
    #[serde(default)]
    pub staff_trained_on: Option<chrono::NaiveDate>,
    /// People in other countries affected, or other regulators told.
    #[serde(default)]
    pub cross_border: Option<String>,
    /// The members of staff involved who are people in attest: their records (and
    /// training, when attest holds it) are a link away.
    #[serde(default)]
    pub staff_people: Vec<StaffMember>,
}

/// A member of staff involved in a breach, linked to their record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffMember {
    pub person: crate::PersonId,
    pub name: String,
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
    /// When a supplier (processor) reported it to the trust.
    pub supplier: Option<super::SupplierInput>,
    pub nature: Vec<String>,
    pub incident_type: Option<String>,
    pub preventive_measures: Option<String>,
    pub staff_trained_on: Option<chrono::NaiveDate>,
    pub cross_border: Option<String>,
    /// The email addresses of the staff involved who are people in attest; the
    /// application finds them in the trust (the domain cannot look people up) ...
    pub staff_emails: Vec<String>,
    /// ... and gives them here.
    pub staff_people: Vec<StaffMember>,
}

pub(super) fn parse_answer(field: &'static str, raw: &str) -> Result<Answer, DomainError> {
    raw.trim()
        .parse::<Answer>()
        .map_err(|_| DomainError::invalid(field, format!("'{raw}' is not yes, no or unknown")))
}

pub(super) fn parse_list<T: FromStr<Err = DomainError> + Ord>(
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

/// One corrected field of a report: its name and the values before and after (article
/// 33(4)/(5): what changed is kept, with the previous value).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FactChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

impl BreachFacts {
    /// The fields that differ from `earlier`, in the record's order.
    pub fn changes_since(&self, earlier: &BreachFacts) -> Vec<FactChange> {
        let (Ok(serde_json::Value::Object(before)), Ok(serde_json::Value::Object(after))) =
            (serde_json::to_value(earlier), serde_json::to_value(self))
        else {
            return Vec::new();
        };
        after
            .into_iter()
            .filter_map(|(field, value)| {
                let old = before
                    .get(&field)
                    .cloned()
                    .unwrap_or(serde_json::Value::Null);
                (old != value).then_some(FactChange {
                    field,
                    before: old,
                    after: value,
                })
            })
            .collect()
    }

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
                "occurred_at",
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
                "staff_training",
                input.staff_training.as_deref(),
                LONG_TEXT,
            )?,
            recovered_or_contained: parse_answer(
                "recovered_or_contained",
                &input.recovered_or_contained,
            )?,
            containment_detail: optional_text(
                "containment_detail",
                input.containment_detail.as_deref(),
                LONG_TEXT,
            )?,
            supplier: input
                .supplier
                .map(|supplier| super::SupplierReport::parse(supplier, now))
                .transpose()?,
            nature: {
                let mut nature = input
                    .nature
                    .iter()
                    .map(|raw| raw.trim().parse::<super::BreachNature>())
                    .collect::<Result<Vec<_>, _>>()?;
                nature.sort();
                nature.dedup();
                nature
            },
            incident_type: input
                .incident_type
                .as_deref()
                .map(str::trim)
                .filter(|raw| !raw.is_empty())
                .map(str::parse::<super::IncidentType>)
                .transpose()?,
            preventive_measures: optional_text(
                "preventive_measures",
                input.preventive_measures.as_deref(),
                LONG_TEXT,
            )?,
            staff_trained_on: match input.staff_trained_on {
                Some(day) if day > now.date_naive() => {
                    return Err(DomainError::invalid("staff_trained_on", "is in the future"));
                }
                day => day,
            },
            cross_border: optional_text("cross_border", input.cross_border.as_deref(), LONG_TEXT)?,
            staff_people: {
                let mut staff = input.staff_people;
                staff.sort_by(|a, b| a.name.cmp(&b.name));
                staff.dedup_by_key(|member| member.person);
                staff
            },
            reporter_name: required_text("reporter_name", &input.reporter_name, SHORT_TEXT)?,
            reporter_contact: optional_text(
                "reporter_contact",
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
