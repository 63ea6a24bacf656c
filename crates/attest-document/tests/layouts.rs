//! Layouts the five samples do not show, written as schools write them
//! (fixtures/layouts): `Key - Value` and `Key: Value` metadata in any order, headings in
//! capitals or bold, a contents list, a version-history table, every placeholder
//! style, month-year dates, several fields on one signature line and a
//! counter-signature that is not the signer's.

use attest_document::{BlockKind, Document, parse};
use chrono::NaiveDate;

fn layouts() -> Document {
    parse(include_str!("../fixtures/layouts/005-layouts.txt")).expect("parses")
}

#[test]
fn metadata_in_any_order_with_dashes_colons_and_month_year_dates() {
    let meta = layouts().meta;
    assert_eq!(
        meta.title.as_deref(),
        Some("ACCEPTABLE USE POLICY FOR STAFF")
    );
    assert_eq!(
        meta.version.as_deref(),
        Some("4"),
        "the version table's last row"
    );
    let next = meta.next_review.expect("next review");
    assert_eq!(
        (next.text.as_str(), next.date),
        ("Sept 2025", NaiveDate::from_ymd_opt(2025, 9, 1))
    );
    assert_eq!(
        meta.approved.and_then(|d| d.date),
        NaiveDate::from_ymd_opt(2024, 7, 14)
    );
    assert_eq!(meta.reviewed_by.as_deref(), Some("Governing Board"));
}

#[test]
fn contents_lists_and_version_tables_are_metadata_not_sections() {
    let document = layouts();
    let headings: Vec<String> = document
        .all_blocks()
        .iter()
        .filter(|block| block.kind == BlockKind::Section)
        .filter_map(|block| block.heading.clone())
        .collect();
    assert_eq!(headings, ["INTRODUCTION", "Email", "AGREEMENT"]);
    let values: Vec<&str> = document
        .meta
        .fields
        .iter()
        .map(|f| f.value.as_str())
        .collect();
    assert!(values.contains(&"2. Email ........ 3"), "{values:?}");
    assert!(
        values.contains(&"Sept 2022 J Smith First issue"),
        "{values:?}"
    );
    assert!(
        document
            .all_blocks()
            .iter()
            .all(|block| block.kind != BlockKind::Clause),
        "no contents entry or version row became a clause"
    );
}

#[test]
fn every_placeholder_style_is_found() {
    let keys: Vec<String> = layouts().placeholders.into_iter().map(|p| p.key).collect();
    assert_eq!(
        keys,
        [
            "dpo_name",
            "school_name",
            "head_teacher",
            "school_email_system",
            "it_support_desk"
        ]
    );
}

#[test]
fn several_fields_on_a_line_and_a_counter_signature_that_is_not_the_signers() {
    let document = layouts();
    assert_eq!(
        document.signature_fields,
        ["name", "role", "signature", "date"]
    );
    let fields: Vec<(String, String, bool)> = document
        .all_blocks()
        .iter()
        .flat_map(|block| &block.fields)
        .map(|f| (f.name.clone(), f.label.clone(), f.signer))
        .collect();
    assert_eq!(fields[0], ("name".to_owned(), "Full name".to_owned(), true));
    assert_eq!(fields[1], ("role".to_owned(), "post".to_owned(), true));
    assert_eq!(
        &fields[4..],
        [
            (
                "signature".to_owned(),
                "Signed (Headteacher)".to_owned(),
                false
            ),
            ("date".to_owned(), "Date".to_owned(), false)
        ]
    );
    assert!(document.warnings.is_empty(), "{:?}", document.warnings);
}

#[test]
fn the_report_keeps_the_signers_fields_apart_from_a_counter_signature() {
    let imported = attest_document::import(include_bytes!("../fixtures/layouts/005-layouts.txt"))
        .expect("imports");
    let report = attest_document::report(&imported);
    let signer: Vec<(&str, Vec<String>)> = report
        .signature_fields
        .iter()
        .map(|f| (f.name.as_str(), f.places.clone()))
        .collect();
    assert_eq!(signer[3], ("date", vec!["line 28".to_owned()]));
    assert_eq!(report.countersignature_fields.len(), 2);
    assert_eq!(report.countersignature_fields[0].places, ["line 29"]);
    assert_eq!(report.dates.len(), 2);
    assert!(report.dates.iter().all(|date| date.date.is_some()));
}
