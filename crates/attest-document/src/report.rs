//! The import report: what the importer recognised in a file (sections, clauses,
//! placeholders, signature fields, audience clauses, review dates) and what it was
//! unsure of, each pointing at where it is in the file ("paragraph 12", "page 3,
//! line 7"), for the person importing to check before publishing.

use attest_domain::MembershipKind;
use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{BlockKind, MetaDate};
use crate::source::{Imported, SourceFormat};
use crate::words::document_words;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub format: SourceFormat,
    pub words: usize,
    pub sections: usize,
    pub clauses: usize,
    pub items: usize,
    pub consent_questions: usize,
    pub declarations: usize,
    pub placeholders: Vec<Found>,
    /// The fields the signer fills in.
    pub signature_fields: Vec<Found>,
    /// Fields for someone else: a headteacher's counter-signature, a witness.
    pub countersignature_fields: Vec<Found>,
    pub audience_clauses: Vec<AudienceClause>,
    pub dates: Vec<FoundDate>,
    pub warnings: Vec<Located>,
}

/// A placeholder or signature field: its key or name, as written, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub name: String,
    pub label: String,
    pub places: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AudienceClause {
    pub audience: Vec<MembershipKind>,
    pub text: String,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundDate {
    /// approved, published, last_review, next_review or date.
    pub field: &'static str,
    pub text: String,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    pub place: String,
    pub message: String,
}

const PREVIEW: usize = 80;

pub fn report(imported: &Imported) -> ImportReport {
    let document = &imported.document;
    let place = |line: usize| imported.origin(line).to_string();
    let blocks = document.all_blocks();
    let count = |kind: BlockKind| blocks.iter().filter(|b| b.kind == kind).count();
    let mut signature_fields: Vec<Found> = Vec::new();
    let mut countersignature_fields: Vec<Found> = Vec::new();
    for field in blocks.iter().flat_map(|block| &block.fields) {
        let here = place(field.line);
        let list = if field.signer {
            &mut signature_fields
        } else {
            &mut countersignature_fields
        };
        match list.iter_mut().find(|f| f.name == field.name) {
            Some(found) if !found.places.contains(&here) => found.places.push(here),
            Some(_) => {}
            None => list.push(Found {
                name: field.name.clone(),
                label: field.label.clone(),
                places: vec![here],
            }),
        }
    }
    let meta = &document.meta;
    let dates = [
        ("date", &meta.date),
        ("approved", &meta.approved),
        ("published", &meta.published),
        ("last_review", &meta.last_review),
        ("next_review", &meta.next_review),
    ]
    .into_iter()
    .filter_map(|(field, date): (&'static str, &Option<MetaDate>)| {
        date.as_ref().map(|date| FoundDate {
            field,
            text: date.text.clone(),
            date: date.date,
        })
    })
    .collect();
    ImportReport {
        format: imported.format,
        words: document_words(document).len(),
        sections: count(BlockKind::Section),
        clauses: count(BlockKind::Clause),
        items: count(BlockKind::Item),
        consent_questions: count(BlockKind::Consent),
        declarations: count(BlockKind::Declaration),
        placeholders: document
            .placeholders
            .iter()
            .map(|placeholder| Found {
                name: placeholder.key.clone(),
                label: placeholder.label.clone(),
                places: placeholder.lines.iter().map(|line| place(*line)).collect(),
            })
            .collect(),
        signature_fields,
        countersignature_fields,
        audience_clauses: blocks
            .iter()
            .filter(|block| !block.audience.is_empty())
            .map(|block| AudienceClause {
                audience: block.audience.clone(),
                text: preview(block.heading.as_deref().or(block.text.as_deref())),
                place: place(block.line),
            })
            .collect(),
        dates,
        warnings: document
            .warnings
            .iter()
            .map(|warning| Located {
                place: place(warning.line),
                message: warning.message.clone(),
            })
            .collect(),
    }
}

fn preview(text: Option<&str>) -> String {
    let text = crate::inline::strip_emphasis(text.unwrap_or_default());
    if text.chars().count() <= PREVIEW {
        return text;
    }
    let cut: String = text.chars().take(PREVIEW).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import;

    #[test]
    fn a_report_points_at_lines_of_a_text_file() {
        let imported = import(
            b"Staff AUP\n\nNext review\tJune 2027\n\n## 1. Rules\n\n- 1.1. I will email [DPO Name].\n- *Teaching staff only:* I will teach it.\n\nName: ______\n",
        )
        .expect("imports");
        let report = report(&imported);
        assert_eq!(report.format, SourceFormat::Text);
        assert_eq!((report.sections, report.clauses), (1, 1));
        assert_eq!(report.placeholders[0].name, "dpo_name");
        assert_eq!(report.placeholders[0].places, ["line 7"]);
        assert_eq!(report.signature_fields[0].name, "name");
        assert_eq!(report.signature_fields[0].places, ["line 10"]);
        assert_eq!(report.audience_clauses[0].place, "line 8");
        assert_eq!(
            report.audience_clauses[0].audience,
            [MembershipKind::Teaching]
        );
        assert_eq!(report.dates[0].field, "next_review");
        assert_eq!(report.dates[0].date, NaiveDate::from_ymd_opt(2027, 6, 1));
    }
}
