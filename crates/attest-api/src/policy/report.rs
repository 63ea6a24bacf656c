//! The import report as GraphQL objects: what the importer recognised in the file and
//! where it was unsure, shown to the person importing before anything is published.

use async_graphql::SimpleObject;
use chrono::NaiveDate;

use crate::school::MembershipKind;

#[derive(SimpleObject)]
pub struct ImportReport {
    /// text, docx or pdf: what the file was found to be.
    pub format: String,
    pub words: usize,
    pub sections: usize,
    pub clauses: usize,
    pub items: usize,
    pub consent_questions: usize,
    pub declarations: usize,
    pub placeholders: Vec<RecognisedField>,
    /// The fields the signer fills in.
    pub signature_fields: Vec<RecognisedField>,
    /// Fields for someone else (a headteacher's counter-signature, a witness).
    pub countersignature_fields: Vec<RecognisedField>,
    pub audience_clauses: Vec<AudienceClause>,
    pub dates: Vec<RecognisedDate>,
    pub warnings: Vec<LocatedWarning>,
}

#[derive(SimpleObject)]
pub struct RecognisedField {
    /// A placeholder's key, or a signature field's normalised name.
    pub name: String,
    /// As written in the file.
    pub label: String,
    /// Where: "paragraph 12", "table 1, row 3", "page 2, line 7", "line 40".
    pub places: Vec<String>,
}

#[derive(SimpleObject)]
pub struct AudienceClause {
    pub audience: Vec<MembershipKind>,
    pub text: String,
    pub place: String,
}

#[derive(SimpleObject)]
pub struct RecognisedDate {
    /// date, approved, published, last_review or next_review.
    pub field: String,
    pub text: String,
    /// Empty when the text is not a date the importer understands.
    pub date: Option<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct LocatedWarning {
    pub place: String,
    pub message: String,
}

fn fields(found: &[attest_document::Found]) -> Vec<RecognisedField> {
    found
        .iter()
        .map(|found| RecognisedField {
            name: found.name.clone(),
            label: found.label.clone(),
            places: found.places.clone(),
        })
        .collect()
}

impl From<&attest_document::ImportReport> for ImportReport {
    fn from(report: &attest_document::ImportReport) -> Self {
        Self {
            format: report.format.as_str().to_owned(),
            words: report.words,
            sections: report.sections,
            clauses: report.clauses,
            items: report.items,
            consent_questions: report.consent_questions,
            declarations: report.declarations,
            placeholders: fields(&report.placeholders),
            signature_fields: fields(&report.signature_fields),
            countersignature_fields: fields(&report.countersignature_fields),
            audience_clauses: report
                .audience_clauses
                .iter()
                .map(|clause| AudienceClause {
                    audience: clause.audience.iter().copied().map(Into::into).collect(),
                    text: clause.text.clone(),
                    place: clause.place.clone(),
                })
                .collect(),
            dates: report
                .dates
                .iter()
                .map(|date| RecognisedDate {
                    field: date.field.to_owned(),
                    text: date.text.clone(),
                    date: date.date,
                })
                .collect(),
            warnings: report
                .warnings
                .iter()
                .map(|warning| LocatedWarning {
                    place: warning.place.clone(),
                    message: warning.message.clone(),
                })
                .collect(),
        }
    }
}
