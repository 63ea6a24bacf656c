//! The term calendar, processing activities and suppliers as the API shows them.

use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(SimpleObject)]
pub struct Term {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(SimpleObject)]
pub struct TermCalendar {
    pub terms: Vec<Term>,
    pub inset_days: Vec<NaiveDate>,
    pub extra_bank_holidays: Vec<NaiveDate>,
    /// The last day the terms cover.
    pub covered_until: Option<NaiveDate>,
}

impl From<attest_domain::requests::TermCalendar> for TermCalendar {
    fn from(calendar: attest_domain::requests::TermCalendar) -> Self {
        Self {
            covered_until: calendar.covered_until(),
            terms: calendar
                .terms
                .into_iter()
                .map(|term| Term {
                    name: term.name,
                    starts_on: term.starts_on,
                    ends_on: term.ends_on,
                })
                .collect(),
            inset_days: calendar.inset_days,
            extra_bank_holidays: calendar.extra_bank_holidays,
        }
    }
}

fn words<T: std::fmt::Display>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

#[derive(SimpleObject)]
pub struct ProcessingActivity {
    pub id: Uuid,
    /// Empty: the whole trust.
    pub school_id: Option<Uuid>,
    pub name: String,
    pub purpose: String,
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
    pub supplier_ids: Vec<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl From<attest_app::StoredActivity> for ProcessingActivity {
    fn from(stored: attest_app::StoredActivity) -> Self {
        let activity = stored.activity;
        Self {
            id: stored.id,
            school_id: stored.school.map(|school| school.as_uuid()),
            people_categories: words(&activity.people_categories),
            data_categories: words(&activity.data_categories),
            name: activity.name,
            purpose: activity.purpose,
            lawful_basis: activity.lawful_basis.as_str().to_owned(),
            special_condition: activity.special_condition,
            joint_controller: activity.joint_controller,
            recipients: activity.recipients,
            transfers: activity.transfers,
            transfer_safeguards: activity.transfer_safeguards,
            retention: activity.retention,
            security: activity.security,
            source: activity.source,
            supplier_ids: activity.suppliers,
            updated_at: stored.updated_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct Supplier {
    pub id: Uuid,
    pub name: String,
    pub service: String,
    pub contact: Option<String>,
    pub data_categories: Vec<String>,
    pub people_categories: Vec<String>,
    pub location: String,
    pub location_detail: Option<String>,
    pub contract_starts_on: Option<NaiveDate>,
    pub contract_ends_on: Option<NaiveDate>,
    pub dpa_signed_on: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    /// e.g. "no data processing agreement recorded".
    pub warnings: Vec<String>,
    /// The breaches it was involved in (their ids).
    pub breach_ids: Vec<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl From<attest_app::SupplierView> for Supplier {
    fn from(view: attest_app::SupplierView) -> Self {
        let stored = view.stored;
        let supplier = stored.supplier;
        Self {
            id: stored.id,
            warnings: supplier.warnings().into_iter().map(str::to_owned).collect(),
            data_categories: words(&supplier.data_categories),
            people_categories: words(&supplier.people_categories),
            location: supplier.location.as_str().to_owned(),
            name: supplier.name,
            service: supplier.service,
            contact: supplier.contact,
            location_detail: supplier.location_detail,
            contract_starts_on: supplier.contract_starts_on,
            contract_ends_on: supplier.contract_ends_on,
            dpa_signed_on: supplier.dpa_signed_on,
            review_on: supplier.review_on,
            breach_ids: view
                .breaches
                .into_iter()
                .map(|breach| breach.as_uuid())
                .collect(),
            updated_at: stored.updated_at,
        }
    }
}

/// The processing activities and suppliers a breach touched.
#[derive(SimpleObject)]
pub struct BreachRecords {
    pub activity_ids: Vec<Uuid>,
    pub supplier_ids: Vec<Uuid>,
}

impl From<attest_app::BreachRecords> for BreachRecords {
    fn from(records: attest_app::BreachRecords) -> Self {
        Self {
            activity_ids: records.activities,
            supplier_ids: records.suppliers,
        }
    }
}
