//! A supplier that processes the trust's data (a processor under article 28): what it
//! holds and where, its contract and data processing agreement, and the dates the DPO
//! is reminded of.

use chrono::{Days, NaiveDate};

use super::{data_categories, people_categories};
use crate::breach::{LONG_TEXT, SHORT_TEXT, optional_text, required_text};
use crate::{DataCategory, DomainError, PeopleCategory};

/// Days before a review date the DPO is reminded.
pub const REVIEW_DUE_DAYS: u64 = 30;
/// Days before a contract ends the DPO is reminded.
pub const CONTRACT_ENDING_DAYS: u64 = 60;

text_enum!(
    /// Where the supplier keeps the data.
    DataLocation, "location", {
        Uk => "uk",
        Eea => "eea",
        Adequacy => "adequacy",
        Other => "other",
    }
);

impl DataLocation {
    pub fn label(self) -> &'static str {
        match self {
            Self::Uk => "United Kingdom",
            Self::Eea => "European Economic Area",
            Self::Adequacy => "A country with UK adequacy regulations",
            Self::Other => "Elsewhere (a restricted transfer)",
        }
    }
}

text_enum!(
    /// A date about a supplier that needs the DPO.
    SupplierAlert, "stage", {
        ReviewDue => "review_due",
        ContractEnding => "contract_ending",
        ContractEnded => "contract_ended",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Supplier {
    pub name: String,
    /// What it does for the trust, e.g. "Management information system".
    pub service: String,
    pub contact: Option<String>,
    pub data_categories: Vec<DataCategory>,
    pub people_categories: Vec<PeopleCategory>,
    pub location: DataLocation,
    /// Which countries and on what safeguards, when the data leaves the UK and EEA.
    pub location_detail: Option<String>,
    pub contract_starts_on: Option<NaiveDate>,
    pub contract_ends_on: Option<NaiveDate>,
    /// When the data processing agreement (article 28 terms) was signed.
    pub dpa_signed_on: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
}

/// A supplier as typed.
#[derive(Debug, Clone, Default)]
pub struct SupplierFacts {
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
}

impl Supplier {
    pub fn parse(input: SupplierFacts) -> Result<Self, DomainError> {
        let location: DataLocation = input.location.trim().parse()?;
        let location_detail = optional_text(
            "location_detail",
            input.location_detail.as_deref(),
            LONG_TEXT,
        )?;
        if location_detail.is_none()
            && matches!(location, DataLocation::Other | DataLocation::Adequacy)
        {
            return Err(DomainError::invalid(
                "location_detail",
                "name the countries (and the safeguards for a restricted transfer)",
            ));
        }
        if let (Some(starts), Some(ends)) = (input.contract_starts_on, input.contract_ends_on)
            && ends < starts
        {
            return Err(DomainError::invalid(
                "contract_ends_on",
                format!("{ends} is before the contract starts ({starts})"),
            ));
        }
        Ok(Self {
            name: required_text("name", &input.name, SHORT_TEXT)?,
            service: required_text("service", &input.service, SHORT_TEXT)?,
            contact: optional_text("contact", input.contact.as_deref(), SHORT_TEXT)?,
            data_categories: data_categories(&input.data_categories)?,
            people_categories: people_categories(&input.people_categories)?,
            location,
            location_detail,
            contract_starts_on: input.contract_starts_on,
            contract_ends_on: input.contract_ends_on,
            dpa_signed_on: input.dpa_signed_on,
            review_on: input.review_on,
        })
    }

    /// The dates needing the DPO on `today`, each with the date it is about (so a new
    /// date brings a new reminder).
    pub fn alerts_due(&self, today: NaiveDate) -> Vec<(SupplierAlert, NaiveDate)> {
        let within = |day: NaiveDate, days: u64| {
            today
                .checked_add_days(Days::new(days))
                .is_some_and(|limit| day <= limit)
        };
        let mut due = Vec::new();
        if let Some(review) = self
            .review_on
            .filter(|review| within(*review, REVIEW_DUE_DAYS))
        {
            due.push((SupplierAlert::ReviewDue, review));
        }
        if let Some(ends) = self.contract_ends_on {
            if ends < today {
                due.push((SupplierAlert::ContractEnded, ends));
            } else if within(ends, CONTRACT_ENDING_DAYS) {
                due.push((SupplierAlert::ContractEnding, ends));
            }
        }
        due
    }

    /// What a DPO should see at a glance: no agreement, data kept outside the UK/EEA.
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut warnings = Vec::new();
        if self.dpa_signed_on.is_none() {
            warnings.push("no data processing agreement recorded");
        }
        if self.location == DataLocation::Other {
            warnings.push("data kept outside the UK and EEA (a restricted transfer)");
        }
        warnings
    }
}
