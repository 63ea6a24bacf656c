//! Input types and their conversion to the use cases' inputs.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{ErrorCode, coded};

/// A report, as the ICO's form asks it. Do not name the people affected in any text.
#[derive(InputObject)]
pub struct ReportBreachInput {
    pub what_happened: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub how_discovered: String,
    /// yes, no or unknown.
    pub cyber_incident: String,
    /// basic_identifiers, identification_data, financial, official_documents, location,
    /// health, racial_or_ethnic_origin, political_opinions, religious_beliefs,
    /// trade_union_membership, genetic, biometric, sex_life, sexual_orientation,
    /// gender_reassignment, criminal_offences, not_yet_known, other.
    pub data_categories: Vec<String>,
    pub data_other: Option<String>,
    /// Approximate.
    pub records_affected: Option<i32>,
    /// Approximate.
    pub people_affected: Option<i32>,
    /// pupils, staff, parents, governors, vulnerable_adults, not_yet_known, other.
    pub people_categories: Vec<String>,
    pub people_other: Option<String>,
    /// Whether a specific member of staff was involved: yes, no or unknown.
    pub staff_involved: String,
    /// Their data protection training, if so.
    pub staff_training: Option<String>,
    /// Whether the data is recovered or contained: yes, no or unknown.
    pub recovered_or_contained: String,
    pub containment_detail: Option<String>,
    pub reporter_name: String,
    pub reporter_contact: Option<String>,
    pub school_ids: Vec<Uuid>,
    /// Reported to the trust by a supplier that processes its data (article 33(2)):
    /// who, when they became aware (if they said), and when they told the trust.
    pub supplier_name: Option<String>,
    pub supplier_aware_at: Option<DateTime<Utc>>,
    pub supplier_told_trust_at: Option<DateTime<Utc>>,
    /// What happened to the data: destruction, loss, alteration, unauthorised_disclosure,
    /// unauthorised_access (confidentiality, integrity or availability).
    #[graphql(default)]
    pub nature: Vec<String>,
    /// The ICO's incident type, e.g. data_emailed_to_incorrect_recipient,
    /// loss_or_theft_of_device, phishing, ransomware (see `BreachNature`'s docs).
    pub incident_type: Option<String>,
    /// What was already in place to prevent it.
    pub preventive_measures: Option<String>,
    /// When the staff involved last had data protection training.
    pub staff_trained_on: Option<chrono::NaiveDate>,
    /// People in other countries affected, or other regulators told.
    pub cross_border: Option<String>,
    /// Email addresses of the staff involved who are people in attest: the record links
    /// to them (an address nobody in the trust has is refused).
    pub staff_emails: Option<Vec<String>>,
}

pub(super) fn count(field: &str, value: Option<i32>) -> async_graphql::Result<Option<u32>> {
    value
        .map(|n| {
            u32::try_from(n).map_err(|_| {
                coded(
                    ErrorCode::BadUserInput,
                    format!("{field}: must not be negative"),
                )
            })
        })
        .transpose()
}

#[derive(InputObject)]
pub struct AssessBreachInput {
    pub consequences: String,
    /// low, medium or high.
    pub likelihood: String,
    /// low, medium or high.
    pub severity: String,
    pub containment_actions: String,
    pub notify_ico: bool,
    /// Why the ICO is (or is not) being told: required either way.
    pub ico_reasons: String,
    /// Required (true) when the risk is high, unless an article 34(3) exception applies.
    pub notify_subjects: bool,
    /// Required when the people affected are not being told (the justification).
    pub subjects_reasons: Option<String>,
    /// A high risk not told to each person: unintelligible (e.g. encrypted),
    /// risk_removed (measures since), or disproportionate (a public notice instead).
    pub subjects_exception: Option<String>,
    /// Measures proposed, apart from those taken (`containmentActions`).
    pub measures_proposed: Option<String>,
    /// police, action_fraud, dfe, insurer (or the RPA), local_authority, ncsc,
    /// trust_board, other.
    #[graphql(default)]
    pub others_told: Vec<String>,
}

#[derive(InputObject)]
pub struct OtherNotificationRecord {
    /// police, action_fraud, dfe, insurer (or the RPA), local_authority, ncsc,
    /// trust_board or other.
    pub party: String,
    /// When they were told (default: now).
    pub notified_at: Option<DateTime<Utc>>,
    /// Their reference (a crime number, an Action Fraud reference, a minute).
    pub reference: Option<String>,
    pub detail: Option<String>,
}

#[derive(InputObject)]
pub struct IcoNotificationRecord {
    pub ico_reference: String,
    /// When the ICO was told (default: now).
    pub notified_at: Option<DateTime<Utc>>,
    /// More information after the first report.
    #[graphql(default)]
    pub follow_up: bool,
    /// Required when the first report is more than 72 hours after awareness.
    pub delay_reason: Option<String>,
    pub detail: Option<String>,
}

#[derive(InputObject)]
pub struct CloseBreachRecord {
    /// Closed as not a personal data breach (from reported or triaged); needs a reason.
    #[graphql(default)]
    pub not_a_breach: bool,
    pub reason: Option<String>,
    pub lessons_learned: Option<String>,
}
