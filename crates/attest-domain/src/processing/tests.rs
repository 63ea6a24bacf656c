use chrono::NaiveDate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|word| (*word).to_owned()).collect()
}

fn admissions() -> ActivityInput {
    ActivityInput {
        name: "Admissions".to_owned(),
        purpose: "Deciding and offering school places".to_owned(),
        lawful_basis: "public_task".to_owned(),
        people_categories: words(&["pupils", "parents"]),
        data_categories: words(&["basic_identifiers", "health"]),
        special_condition: Some(
            "Article 9(2)(g) substantial public interest; DPA 2018 Sch 1 para 18".to_owned(),
        ),
        recipients: "The local authority".to_owned(),
        retention: "Date of admission + 1 year".to_owned(),
        security: "Role-based access in the MIS".to_owned(),
        ..ActivityInput::default()
    }
}

#[test]
fn an_activity_needs_its_article_9_condition_for_special_data_and_safeguards_for_transfers() {
    let activity = ProcessingActivity::parse(admissions()).expect("valid");
    let row = ropa_row(
        &activity,
        &["Arbor (DPA 2025-09-01)".to_owned()],
        Some("Cleves"),
    );
    assert_eq!(row.len(), ROPA_CSV_HEADER.len());
    assert_eq!(row[3], "Children; Students; Other (parents and carers)");
    assert_eq!(row[4], "Basic personal identifiers; Health data");
    assert_eq!(row[11], "Article 6(1)(e) public task");
    assert_eq!(row[14], "yes");
    assert_eq!(row[15], "Cleves");
    let no_condition = ProcessingActivity::parse(ActivityInput {
        special_condition: None,
        ..admissions()
    });
    assert!(
        no_condition
            .expect_err("condition")
            .to_string()
            .contains("article 9")
    );
    let transfer = ProcessingActivity::parse(ActivityInput {
        transfers: Some("USA".to_owned()),
        ..admissions()
    });
    assert!(
        transfer
            .expect_err("safeguards")
            .to_string()
            .contains("transfer_safeguards")
    );
    let basis = ProcessingActivity::parse(ActivityInput {
        lawful_basis: "because".to_owned(),
        ..admissions()
    });
    assert!(
        basis
            .expect_err("basis")
            .to_string()
            .contains("public_task")
    );
    let nobody = ProcessingActivity::parse(ActivityInput {
        people_categories: vec![],
        ..admissions()
    });
    assert!(
        nobody
            .expect_err("people")
            .to_string()
            .contains("people_categories")
    );
}

fn mis() -> SupplierFacts {
    SupplierFacts {
        name: "Arbor Education".to_owned(),
        service: "Management information system".to_owned(),
        data_categories: words(&["basic_identifiers"]),
        people_categories: words(&["pupils", "staff"]),
        location: "uk".to_owned(),
        contract_starts_on: Some(day(2024, 9, 1)),
        contract_ends_on: Some(day(2027, 8, 31)),
        dpa_signed_on: Some(day(2024, 8, 20)),
        review_on: Some(day(2026, 9, 1)),
        ..SupplierFacts::default()
    }
}

#[test]
fn a_supplier_reminds_of_reviews_and_contract_ends() {
    let supplier = Supplier::parse(mis()).expect("valid");
    assert!(supplier.alerts_due(day(2026, 7, 1)).is_empty());
    assert_eq!(
        supplier.alerts_due(day(2026, 8, 2)),
        vec![(SupplierAlert::ReviewDue, day(2026, 9, 1))]
    );
    assert_eq!(
        supplier.alerts_due(day(2027, 7, 5)),
        vec![
            (SupplierAlert::ReviewDue, day(2026, 9, 1)),
            (SupplierAlert::ContractEnding, day(2027, 8, 31))
        ]
    );
    assert!(
        supplier
            .alerts_due(day(2027, 9, 1))
            .contains(&(SupplierAlert::ContractEnded, day(2027, 8, 31)))
    );
    assert!(supplier.warnings().is_empty());
    let abroad = Supplier::parse(SupplierFacts {
        location: "other".to_owned(),
        ..mis()
    });
    assert!(
        abroad
            .expect_err("detail")
            .to_string()
            .contains("location_detail")
    );
    let unsigned = Supplier::parse(SupplierFacts {
        location: "other".to_owned(),
        location_detail: Some("USA, international data transfer agreement".to_owned()),
        dpa_signed_on: None,
        ..mis()
    })
    .expect("valid");
    assert_eq!(unsigned.warnings().len(), 2);
    let backwards = Supplier::parse(SupplierFacts {
        contract_ends_on: Some(day(2024, 1, 1)),
        ..mis()
    });
    assert!(
        backwards
            .expect_err("ends")
            .to_string()
            .contains("before the contract starts")
    );
}
