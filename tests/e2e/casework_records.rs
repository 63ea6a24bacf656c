//! The record of processing activities and suppliers: kept by the DPO (a school admin
//! for their school's activities), exported in the ICO's template layout, linked from a
//! breach, with review reminders; refused to the wrong callers and across trusts.

use attest_tests::{TestApp, error_code, error_message};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::access::token;
use crate::breach_desk::{report, staff_with_role};

const SUPPLIER: &str =
    "mutation($input: SupplierInput!) { saveSupplier(input: $input) { id name warnings } }";
const ACTIVITY: &str = "mutation($school: UUID, $input: ProcessingActivityInput!) { saveProcessingActivity(schoolId: $school, input: $input) { id name schoolId supplierIds } }";
const LINK: &str = "mutation($b: UUID!, $a: [UUID!]!, $s: [UUID!]!) { linkBreachRecords(breachId: $b, activityIds: $a, supplierIds: $s) { activityIds supplierIds } }";

fn mis(review: &str) -> Value {
    json!({ "input": {
        "name": "Arbor Education", "service": "Management information system",
        "dataCategories": ["basic_identifiers", "health"], "peopleCategories": ["pupils", "staff"],
        "location": "uk", "contractStartsOn": "2024-09-01", "contractEndsOn": "2027-08-31",
        "reviewOn": review
    }})
}

fn admissions(suppliers: &[&str]) -> Value {
    json!({
        "name": "Admissions", "purpose": "Offering school places",
        "lawfulBasis": "public_task", "specialCondition": "Art 9(2)(g); DPA 2018 Sch 1 para 18",
        "peopleCategories": ["pupils", "parents"], "dataCategories": ["basic_identifiers", "health"],
        "recipients": "The local authority", "retention": "Admission + 1 year",
        "security": "Role-based access", "supplierIds": suppliers
    })
}

#[tokio::test]
async fn the_record_of_processing_and_suppliers() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "720001").await;
    let other = test.with_school(admin, "Other Primary", "720002").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let dpo = token(&test, admin, "DPO", None).await;
    let head = token(&test, admin, "SCHOOL_ADMIN", Some(&school)).await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;

    let supplier = test.data(&dpo, SUPPLIER, mis("2026-12-10")).await["saveSupplier"].clone();
    assert_eq!(
        supplier["warnings"],
        json!(["no data processing agreement recorded"])
    );
    let supplier_id = supplier["id"].as_str().expect("id").to_owned();
    let twice = test.graphql(Some(&dpo), SUPPLIER, mis("2026-12-10")).await;
    assert_eq!(error_code(&twice), "CONFLICT", "one name once");
    assert_eq!(
        error_code(&test.graphql(Some(&head), SUPPLIER, mis("2026-12-10")).await),
        "FORBIDDEN"
    );
    let mut abroad = mis("2026-12-10");
    abroad["input"]["name"] = json!("Cloud Forms Inc");
    abroad["input"]["location"] = json!("other");
    let refused = test.graphql(Some(&dpo), SUPPLIER, abroad).await;
    assert!(error_message(&refused).contains("countries"), "{refused}");

    let trust_wide = test
        .data(
            &dpo,
            ACTIVITY,
            json!({ "school": null, "input": admissions(&[&supplier_id]) }),
        )
        .await;
    assert_eq!(
        trust_wide["saveProcessingActivity"]["supplierIds"],
        json!([supplier_id])
    );
    let activity_id = trust_wide["saveProcessingActivity"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut clubs = admissions(&[]);
    clubs["name"] = json!("Breakfast club");
    test.data(
        &head,
        ACTIVITY,
        json!({ "school": school, "input": clubs.clone() }),
    )
    .await;
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&head),
                    ACTIVITY,
                    json!({ "school": null, "input": clubs.clone() })
                )
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&head),
                    ACTIVITY,
                    json!({ "school": other, "input": clubs.clone() })
                )
                .await
        ),
        "FORBIDDEN"
    );
    let mut no_condition = admissions(&[]);
    no_condition["specialCondition"] = Value::Null;
    let refused = test
        .graphql(
            Some(&dpo),
            ACTIVITY,
            json!({ "school": null, "input": no_condition }),
        )
        .await;
    assert!(error_message(&refused).contains("article 9"), "{refused}");
    // Another trust cannot point its activities at this trust's supplier.
    let crossing = test
        .graphql(
            Some(&beta_dpo),
            ACTIVITY,
            json!({ "school": null, "input": admissions(&[&supplier_id]) }),
        )
        .await;
    assert_eq!(error_code(&crossing), "BAD_USER_INPUT");
    let beta_sees = test
        .data(
            &beta_dpo,
            "{ processingActivities { id } suppliers { id } }",
            json!({}),
        )
        .await;
    assert_eq!(beta_sees["processingActivities"], json!([]));
    assert_eq!(beta_sees["suppliers"], json!([]));

    // The export: the ICO template's columns, one activity a row, both activities.
    let csv = reqwest::Client::new()
        .get(test.url("/exports/processing-activities.csv"))
        .bearer_auth(&dpo)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "Business function");
    assert_eq!(
        &headers[11],
        "Article 6 lawful basis for processing personal data"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    let admissions_row = rows
        .iter()
        .find(|r| &r[0] == "Admissions")
        .expect("admissions");
    assert_eq!(
        &admissions_row[3],
        "Children; Students; Other (parents and carers)"
    );
    assert_eq!(&admissions_row[6], "Arbor Education (no DPA recorded)");
    assert_eq!(&admissions_row[14], "yes");
    // A school admin sees the trust's activities and their school's.
    let heads = test
        .data(&head, "{ processingActivities { name } }", json!({}))
        .await;
    assert_eq!(
        heads["processingActivities"].as_array().map(Vec::len),
        Some(2)
    );

    // A breach linked to what it touched; the supplier shows it.
    let (breach, _) = report(
        &test,
        &dpo,
        &school,
        "The MIS export was sent to the wrong school",
    )
    .await;
    let linked = test
        .data(
            &dpo,
            LINK,
            json!({ "b": breach, "a": [activity_id], "s": [supplier_id] }),
        )
        .await;
    assert_eq!(
        linked["linkBreachRecords"]["supplierIds"],
        json!([supplier_id])
    );
    let suppliers = test
        .data(&dpo, "{ suppliers { breachIds } }", json!({}))
        .await;
    assert_eq!(suppliers["suppliers"][0]["breachIds"], json!([breach]));
    assert_eq!(
        error_code(
            &test
                .graphql(Some(&head), LINK, json!({ "b": breach, "a": [], "s": [] }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&beta_dpo),
                    LINK,
                    json!({ "b": breach, "a": [], "s": [] })
                )
                .await
        ),
        "NOT_FOUND"
    );
    let (beta_breach, _) = {
        let beta_school = test
            .with_school(&beta.admin, "Beta Primary", "720101")
            .await;
        report(&test, &beta_dpo, &beta_school, "Lost a laptop").await
    };
    let foreign = test
        .graphql(
            Some(&beta_dpo),
            LINK,
            json!({ "b": beta_breach, "a": [], "s": [supplier_id] }),
        )
        .await;
    assert_eq!(error_code(&foreign), "BAD_USER_INPUT", "{foreign}");

    // The review date comes near: the DPO is reminded once.
    let trust = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust();
    test.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0)
            .single()
            .expect("valid"),
    );
    assert_eq!(
        test.app.run_casework_alerts(trust).await.expect("alerts"),
        1
    );
    assert_eq!(
        test.app.run_casework_alerts(trust).await.expect("alerts"),
        0
    );
    // Deleting a supplier removes it from the breach's links too.
    test.data(
        &dpo,
        "mutation($id: UUID!) { deleteSupplier(id: $id) }",
        json!({ "id": supplier_id }),
    )
    .await;
    let records = test
        .data(
            &dpo,
            "query($b: UUID!) { breachRecords(breachId: $b) { supplierIds activityIds } }",
            json!({ "b": breach }),
        )
        .await;
    assert_eq!(
        records["breachRecords"],
        json!({ "supplierIds": [], "activityIds": [activity_id] })
    );
}
