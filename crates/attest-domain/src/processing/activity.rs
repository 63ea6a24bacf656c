//! A processing activity (UK GDPR article 30(1)): what is done with whose data, on what
//! lawful basis, shared with whom, kept how long and how it is protected; and its row
//! in the ICO's documentation template for controllers.

use uuid::Uuid;

use super::{data_categories, people_categories};
use crate::breach::{LONG_TEXT, SHORT_TEXT, optional_text, required_text};
use crate::{DataCategory, DomainError, PeopleCategory};

text_enum!(
    /// Article 6(1)'s lawful bases.
    LawfulBasis, "lawful_basis", {
        Consent => "consent",
        Contract => "contract",
        LegalObligation => "legal_obligation",
        VitalInterests => "vital_interests",
        PublicTask => "public_task",
        LegitimateInterests => "legitimate_interests",
    }
);

impl LawfulBasis {
    pub fn label(self) -> &'static str {
        match self {
            Self::Consent => "Article 6(1)(a) consent",
            Self::Contract => "Article 6(1)(b) contract",
            Self::LegalObligation => "Article 6(1)(c) legal obligation",
            Self::VitalInterests => "Article 6(1)(d) vital interests",
            Self::PublicTask => "Article 6(1)(e) public task",
            Self::LegitimateInterests => "Article 6(1)(f) legitimate interests",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcessingActivity {
    /// The business function, e.g. "Admissions" or "Payroll".
    pub name: String,
    pub purpose: String,
    pub lawful_basis: LawfulBasis,
    /// The article 9 condition (and DPA 2018 schedule 1 condition) for special category data.
    pub special_condition: Option<String>,
    pub joint_controller: Option<String>,
    pub people_categories: Vec<PeopleCategory>,
    pub data_categories: Vec<DataCategory>,
    pub recipients: String,
    /// Third countries or international organisations the data goes to.
    pub transfers: Option<String>,
    pub transfer_safeguards: Option<String>,
    pub retention: String,
    pub security: String,
    pub source: Option<String>,
    /// The suppliers (processors) that carry it out.
    #[serde(default)]
    pub suppliers: Vec<Uuid>,
}

/// An activity as typed.
#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
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
    pub suppliers: Vec<Uuid>,
}

impl ProcessingActivity {
    pub fn parse(input: ActivityInput) -> Result<Self, DomainError> {
        let data_categories = data_categories(&input.data_categories)?;
        let special_condition = optional_text(
            "special_condition",
            input.special_condition.as_deref(),
            LONG_TEXT,
        )?;
        if special_condition.is_none() && data_categories.iter().any(|data| data.is_special()) {
            return Err(DomainError::invalid(
                "special_condition",
                "special category or criminal offence data needs its article 9 (or 10) condition",
            ));
        }
        let transfers = optional_text("transfers", input.transfers.as_deref(), LONG_TEXT)?;
        let transfer_safeguards = optional_text(
            "transfer_safeguards",
            input.transfer_safeguards.as_deref(),
            LONG_TEXT,
        )?;
        if transfers.is_some() && transfer_safeguards.is_none() {
            return Err(DomainError::invalid(
                "transfer_safeguards",
                "say what safeguards the transfers abroad rely on",
            ));
        }
        let mut suppliers = input.suppliers;
        suppliers.sort_unstable();
        suppliers.dedup();
        Ok(Self {
            name: required_text("name", &input.name, SHORT_TEXT)?,
            purpose: required_text("purpose", &input.purpose, LONG_TEXT)?,
            lawful_basis: input.lawful_basis.trim().parse()?,
            special_condition,
            joint_controller: optional_text(
                "joint_controller",
                input.joint_controller.as_deref(),
                SHORT_TEXT,
            )?,
            people_categories: people_categories(&input.people_categories)?,
            data_categories,
            recipients: required_text("recipients", &input.recipients, LONG_TEXT)?,
            transfers,
            transfer_safeguards,
            retention: required_text("retention", &input.retention, LONG_TEXT)?,
            security: required_text("security", &input.security, LONG_TEXT)?,
            source: optional_text("source", input.source.as_deref(), LONG_TEXT)?,
            suppliers,
        })
    }
}

/// The ICO's documentation template for controllers, one activity a row (its two
/// sheets, the record and the lawful bases, side by side), and who holds it.
pub const ROPA_CSV_HEADER: [&str; 16] = [
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 basis for processing special category data",
    "The source of the personal data",
    "Special category or criminal offence data",
    "School (blank: the whole trust)",
];

/// The activity's cells, with its processors' names (contract dates) and its school.
pub fn ropa_row(
    activity: &ProcessingActivity,
    processors: &[String],
    school: Option<&str>,
) -> [String; 16] {
    let people: Vec<&str> = activity
        .people_categories
        .iter()
        .flat_map(|people| people.ico_types().iter().copied())
        .collect();
    let data: Vec<&str> = activity
        .data_categories
        .iter()
        .map(|data| data.label())
        .collect();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        activity.name.clone(),
        activity.purpose.clone(),
        text(&activity.joint_controller),
        people.join("; "),
        data.join("; "),
        activity.recipients.clone(),
        processors.join("; "),
        text(&activity.transfers),
        text(&activity.transfer_safeguards),
        activity.retention.clone(),
        activity.security.clone(),
        activity.lawful_basis.label().to_owned(),
        text(&activity.special_condition),
        text(&activity.source),
        if activity
            .data_categories
            .iter()
            .any(|data| data.is_special())
        {
            "yes".to_owned()
        } else {
            "no".to_owned()
        },
        school.unwrap_or_default().to_owned(),
    ]
}
