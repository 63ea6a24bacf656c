//! The trust's and schools' settings as one file: exported, changed, imported back
//! (every part checked before anything changes), refused in another trust and from
//! callers who may not; the round trip gives the same file.

use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};

use crate::access::token;
use crate::learning::{KCSIE, published};

const EXPORT: &str = "{ settingsExport }";
const IMPORT: &str = "mutation($f: String!) { importSettings(file: $f) { parts policies schoolSettings attributes inductions } }";

async fn exported(test: &TestApp, admin: &str) -> Value {
    let data = test.data(admin, EXPORT, json!({})).await;
    serde_json::from_str(data["settingsExport"].as_str().expect("file")).expect("JSON")
}

fn without_time(mut file: Value) -> Value {
    file.as_object_mut().expect("object").remove("exported_at");
    file
}

#[tokio::test]
async fn settings_export_and_import_as_one_file() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let school = test
        .with_school(&alpha.admin, "Oak Primary", "340501")
        .await;
    test.data(
        &alpha.admin,
        "mutation { defineAttribute(input: {key: \"works_with_children\", label: \"Works directly with children\"}) { key } }",
        json!({}),
    )
    .await;
    let (reading, _) = published(&test, &alpha.admin, &school, KCSIE, "READ", None).await;
    let file = exported(&test, &alpha.admin).await;
    assert_eq!(file["format"], "attest-settings/1");
    assert_eq!(file["trust"], "alpha");
    assert_eq!(file["policies"][0]["obligation"], "read");
    assert_eq!(file["attributes"][0]["key"], "works_with_children");

    // Changed by hand: the reading only for those who work with children, renewed
    // yearly from 1 September, mail from the trust's name, an induction.
    let mut changed = file.clone();
    changed["policies"][0]["conditions"] = json!({ "works_with_children": true });
    changed["policies"][0]["resign_schedule"] =
        json!({ "kind": "annually_on", "month": 9, "day": 1 });
    changed["mail"]["from_name"] = json!("Alpha Learning Trust");
    changed["reading_rule"] = json!({ "min_seconds": 30, "to_end": false });
    changed["inductions"] =
        json!([{ "name": "New staff", "within_days": 20, "policies": [reading] }]);
    changed["schools"][0]["policies"] =
        json!([{ "policy": reading, "audience": ["teaching"], "variables": {} }]);
    let imported = test
        .data(&alpha.admin, IMPORT, json!({ "f": changed.to_string() }))
        .await;
    assert_eq!(
        imported["importSettings"],
        json!({ "parts": ["mail", "reading_rule", "retention", "breach"], "policies": 1,
                "schoolSettings": 1, "attributes": 1, "inductions": 1 })
    );
    let after = exported(&test, &alpha.admin).await;
    assert_eq!(
        without_time(after.clone()),
        without_time(changed.clone()),
        "the round trip gives the file back"
    );
    // Importing the same file again changes nothing and keeps one induction.
    test.data(&alpha.admin, IMPORT, json!({ "f": changed.to_string() }))
        .await;
    assert_eq!(
        without_time(exported(&test, &alpha.admin).await),
        without_time(changed.clone())
    );

    // Wrong files: nothing changes.
    let broken = test
        .graphql(
            Some(&alpha.admin),
            IMPORT,
            json!({ "f": "{\n  \"format\": \"attest-settings/1\",\n  \"mail\": \n}" }),
        )
        .await;
    assert_eq!(error_code(&broken), "BAD_USER_INPUT");
    assert!(
        error_message(&broken).contains("line 4, column 1"),
        "{broken}"
    );
    let mut unknown = changed.clone();
    unknown["colour"] = json!("blue");
    let refused = test
        .graphql(
            Some(&alpha.admin),
            IMPORT,
            json!({ "f": unknown.to_string() }),
        )
        .await;
    assert!(
        error_message(&refused).contains("unknown field `colour`"),
        "{refused}"
    );
    let mut bad_school = changed.clone();
    bad_school["schools"][0]["slug"] = json!("nowhere");
    bad_school["mail"]["from_name"] = json!("Should not be saved");
    let refused = test
        .graphql(
            Some(&alpha.admin),
            IMPORT,
            json!({ "f": bad_school.to_string() }),
        )
        .await;
    assert!(
        error_message(&refused).contains("'nowhere' is not a school of this trust"),
        "{refused}"
    );
    let mut bad_kind = changed.clone();
    bad_kind["policies"][0]["obligation"] = json!("training");
    let refused = test
        .graphql(
            Some(&alpha.admin),
            IMPORT,
            json!({ "f": bad_kind.to_string() }),
        )
        .await;
    assert!(
        error_message(&refused).contains("has been published as a read obligation"),
        "{refused}"
    );
    assert_eq!(
        exported(&test, &alpha.admin).await["mail"]["from_name"],
        "Alpha Learning Trust",
        "a refused file changed nothing"
    );

    // Another trust's policies are not this trust's; only trust admins export or import.
    let beta = test.trust("beta").await;
    let elsewhere = test
        .graphql(
            Some(&beta.admin),
            IMPORT,
            json!({ "f": changed.to_string() }),
        )
        .await;
    assert_eq!(error_code(&elsewhere), "BAD_USER_INPUT");
    assert!(
        error_message(&elsewhere).contains("is not a school of this trust")
            || error_message(&elsewhere).contains("is not one of this trust's policies"),
        "{elsewhere}"
    );
    let school_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&school)).await;
    assert_eq!(
        error_code(&test.graphql(Some(&school_admin), EXPORT, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &test
                .graphql(
                    Some(&school_admin),
                    IMPORT,
                    json!({ "f": changed.to_string() })
                )
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&test.graphql(None, EXPORT, json!({})).await),
        "UNAUTHENTICATED"
    );
}
