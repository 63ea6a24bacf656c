//! Inputs.

use async_graphql::InputObject;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::{ErrorCode, coded};

/// A request as it arrived.
#[derive(InputObject)]
pub struct LogInfoRequestInput {
    /// subject_access, erasure, rectification, restriction, objection, portability, foi.
    pub kind: String,
    /// The school it arrived at; leave out for the trust itself (the DPO and trust admins).
    pub school_id: Option<Uuid>,
    pub requester_name: String,
    /// An email or postal address to answer to.
    pub requester_contact: String,
    /// data_subject, parent_or_carer, staff, representative, member_of_public, other.
    pub relationship: String,
    /// Whose personal data (required except for FOI).
    pub about: Option<String>,
    pub description: String,
    pub received_on: NaiveDate,
}

#[derive(InputObject)]
pub struct TermInput {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The trust's term calendar: terms (in session), INSET days, and one-off bank holidays
/// on top of England and Wales's fixed ones.
#[derive(InputObject)]
pub struct TermCalendarInput {
    pub terms: Vec<TermInput>,
    #[graphql(default)]
    pub inset_days: Vec<NaiveDate>,
    #[graphql(default)]
    pub extra_bank_holidays: Vec<NaiveDate>,
}

/// A processing activity (UK GDPR article 30). Categories are the breach form's.
#[derive(InputObject)]
pub struct ProcessingActivityInput {
    pub name: String,
    pub purpose: String,
    /// consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests.
    pub lawful_basis: String,
    pub special_condition: Option<String>,
    pub joint_controller: Option<String>,
    pub people_categories: Vec<String>,
    pub data_categories: Vec<String>,
    pub recipients: String,
    pub transfers: Option<String>,
    pub transfer_safeguards: Option<String>,
    pub retention: String,
    pub security: String,
    pub source: Option<String>,
    #[graphql(default)]
    pub supplier_ids: Vec<Uuid>,
}

/// A supplier that processes the trust's data.
#[derive(InputObject)]
pub struct SupplierInput {
    pub name: String,
    pub service: String,
    pub contact: Option<String>,
    pub data_categories: Vec<String>,
    pub people_categories: Vec<String>,
    /// uk, eea, adequacy, other.
    pub location: String,
    pub location_detail: Option<String>,
    pub contract_starts_on: Option<NaiveDate>,
    pub contract_ends_on: Option<NaiveDate>,
    pub dpa_signed_on: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
}

/// A stored word parsed, or `BAD_USER_INPUT` with the domain's message.
pub fn word<T: std::str::FromStr<Err = attest_domain::DomainError>>(
    raw: &str,
) -> async_graphql::Result<T> {
    raw.trim()
        .parse()
        .map_err(|error: attest_domain::DomainError| {
            coded(ErrorCode::BadUserInput, error.to_string())
        })
}
