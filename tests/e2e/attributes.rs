//! Who owes what by attributes: KCSIE Part one for those who work directly with
//! children and Annex A for those who do not, following each person's attribute as it
//! is set by hand, from a file and from the directory; with history, abuse and tenancy.

use attest_app::Clock;
use attest_tests::{TestApp, error_code, error_message};
use chrono::Duration;
use serde_json::{Value, json};

use crate::access::token;
use crate::learning::{KCSIE, published};

const DEFINE: &str = "mutation($input: DefineAttributeInput!) { defineAttribute(input: $input) { key label directoryRule { field containsAny } } }";
const CONDITIONS: &str = "mutation($p: UUID!, $r: [AttributeValueInput!]!) { setPolicyConditions(policyId: $p, requires: $r) { key held } }";
const SET: &str = "mutation($p: UUID!, $v: [AttributeValueInput!]!) { setPersonAttributes(personId: $p, values: $v) }";
const IMPORT: &str = "mutation($csv: String!) { importPersonAttributes(csv: $csv) { lines peopleChanged valuesChanged } }";
const OWED: &str = "query($asOf: DateTime) { compliance(first: 100, asOf: $asOf) { edges { node { fullName policyId } } } }";

fn children() -> Value {
    json!({ "input": { "key": "works_with_children", "label": "Works directly with children" } })
}

/// Who owes which policy, as (name, policy) pairs in name order.
async fn owed(test: &TestApp, admin: &str, as_of: Option<String>) -> Vec<(String, String)> {
    let data = test.data(admin, OWED, json!({ "asOf": as_of })).await;
    let mut pairs: Vec<(String, String)> = data["compliance"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            (
                edge["node"]["fullName"].as_str().unwrap_or("").to_owned(),
                edge["node"]["policyId"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

/// A school with three staff and KCSIE Part one (for those working with children) and
/// Annex A (for everyone else).
async fn kcsie_school(
    test: &TestApp,
    admin: &str,
    urn: &str,
) -> (String, Vec<String>, String, String) {
    let school = test.with_school(admin, "Oak Primary", urn).await;
    let mut people = Vec::new();
    for name in ["Ann Teacher", "Bob Office", "Cat Cook"] {
        let email = format!(
            "{}@{urn}.sch.uk",
            name.split(' ').next().unwrap_or("x").to_lowercase()
        );
        people.push(
            test.with_person(admin, name, &email, &school, "SUPPORT")
                .await,
        );
    }
    test.data(admin, DEFINE, children()).await;
    let (part_one, _) = published(test, admin, &school, KCSIE, "READ", None).await;
    let (annex_a, _) = published(test, admin, &school, KCSIE, "READ", None).await;
    test.data(
        admin,
        CONDITIONS,
        json!({ "p": part_one, "r": [{ "key": "works_with_children", "held": true }] }),
    )
    .await;
    test.data(
        admin,
        CONDITIONS,
        json!({ "p": annex_a, "r": [{ "key": "works_with_children", "held": false }] }),
    )
    .await;
    (school, people, part_one, annex_a)
}

#[tokio::test]
async fn part_one_or_annex_a_follows_the_attribute_set_by_hand_and_from_a_file() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let (_, people, part_one, annex_a) = kcsie_school(&test, &trust.admin, "320001").await;
    let pair = |name: &str, policy: &str| (name.to_owned(), policy.to_owned());
    assert_eq!(
        owed(&test, &trust.admin, None).await,
        vec![
            pair("Ann Teacher", &annex_a),
            pair("Bob Office", &annex_a),
            pair("Cat Cook", &annex_a)
        ],
        "no one holds the attribute yet: Annex A for all"
    );
    let before = test.clock.now();
    test.clock.advance(Duration::minutes(10));
    let set = test
        .data(
            &trust.admin,
            SET,
            json!({ "p": people[0], "v": [{ "key": "works_with_children", "held": true }] }),
        )
        .await;
    assert_eq!(set["setPersonAttributes"], json!(["works_with_children"]));
    assert_eq!(
        owed(&test, &trust.admin, None).await,
        vec![
            pair("Ann Teacher", &part_one),
            pair("Bob Office", &annex_a),
            pair("Cat Cook", &annex_a)
        ]
    );
    assert_eq!(
        owed(&test, &trust.admin, Some(before.to_rfc3339())).await[0],
        pair("Ann Teacher", &annex_a),
        "as it was before the attribute was set"
    );

    // A file for many: checked whole first.
    let bad = "email,works_with_children\ncat@320001.sch.uk,perhaps\nnobody@320001.sch.uk,yes\n";
    let refused = test
        .graphql(Some(&trust.admin), IMPORT, json!({ "csv": bad }))
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(
        error_message(&refused)
            .contains("line 2, value: works_with_children: 'perhaps' is not yes or no"),
        "{refused}"
    );
    let unknown_column = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "csv": "email,uses_mis\nann@320001.sch.uk,yes\n" }),
        )
        .await;
    assert!(
        error_message(&unknown_column).contains("'uses_mis' is not one of the trust's attributes")
    );
    let unknown_person = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "csv": "email,works_with_children\nnobody@320001.sch.uk,yes\n" }),
        )
        .await;
    assert!(
        error_message(&unknown_person)
            .contains("line 2, email: nobody@320001.sch.uk is not anyone"),
        "{unknown_person}"
    );
    let imported = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "csv": "Email,Name,works_with_children\nann@320001.sch.uk,Ann,yes\ncat@320001.sch.uk,Cat,Y\nbob@320001.sch.uk,Bob,\n" }),
        )
        .await;
    assert_eq!(
        imported["importPersonAttributes"],
        json!({ "lines": 3, "peopleChanged": 1, "valuesChanged": 1 }),
        "Ann already held it; Bob's blank keeps what is set"
    );
    assert_eq!(
        owed(&test, &trust.admin, None).await,
        vec![
            pair("Ann Teacher", &part_one),
            pair("Bob Office", &annex_a),
            pair("Cat Cook", &part_one)
        ]
    );
    // Clearing it moves Ann back; the audit log says who changed what.
    test.data(
        &trust.admin,
        SET,
        json!({ "p": people[0], "v": [{ "key": "works_with_children", "held": false }] }),
    )
    .await;
    assert_eq!(
        owed(&test, &trust.admin, None).await[0],
        pair("Ann Teacher", &annex_a)
    );
    let audit = test
        .data(
            &trust.admin,
            "{ auditLog(first: 20) { action } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["auditLog"]
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"person.set_attributes")
            && actions.contains(&"person.import_attributes")
            && actions.contains(&"policy.set_conditions"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn attributes_are_defined_by_trust_admins_and_set_only_within_reach() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let (school, people, part_one, _) = kcsie_school(&test, &alpha.admin, "320002").await;
    let other = test
        .with_school(&alpha.admin, "Elm Primary", "320003")
        .await;
    let school_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let other_admin = token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&other)).await;
    let read_only = token(&test, &alpha.admin, "READ_ONLY", None).await;

    assert_eq!(
        error_code(&test.graphql(None, DEFINE, children()).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        error_code(&test.graphql(Some(&school_admin), DEFINE, children()).await),
        "FORBIDDEN"
    );
    let bad_key = test
        .graphql(
            Some(&alpha.admin),
            DEFINE,
            json!({ "input": { "key": "Works With Children", "label": "x" } }),
        )
        .await;
    assert_eq!(error_code(&bad_key), "BAD_USER_INPUT");
    let long_label = test
        .graphql(
            Some(&alpha.admin),
            DEFINE,
            json!({ "input": { "key": "dsl", "label": "x".repeat(500) } }),
        )
        .await;
    assert_eq!(error_code(&long_label), "BAD_USER_INPUT");

    let set = |value: bool| json!({ "p": people[1], "v": [{ "key": "works_with_children", "held": value }] });
    assert_eq!(
        error_code(&test.graphql(Some(&read_only), SET, set(true)).await),
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&test.graphql(Some(&other_admin), SET, set(true)).await),
        "NOT_FOUND"
    );
    assert_eq!(
        error_code(&test.graphql(Some(&beta.admin), SET, set(true)).await),
        "BAD_USER_INPUT",
        "beta has no such attribute"
    );
    test.data(&beta.admin, DEFINE, children()).await;
    assert_eq!(
        error_code(&test.graphql(Some(&beta.admin), SET, set(true)).await),
        "NOT_FOUND"
    );
    let unknown = test
        .graphql(
            Some(&school_admin),
            SET,
            json!({ "p": people[1], "v": [{ "key": "dsl", "held": true }] }),
        )
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
    assert!(
        error_message(&unknown).contains("not one of the trust's attributes (works_with_children)")
    );
    test.data(&school_admin, SET, set(true)).await;
    let conditions = test
        .graphql(
            Some(&other_admin),
            CONDITIONS,
            json!({ "p": part_one, "r": [] }),
        )
        .await;
    assert!(
        ["FORBIDDEN", "NOT_FOUND"].contains(&error_code(&conditions)),
        "{conditions}"
    );
    let beta_import = test
        .graphql(
            Some(&beta.admin),
            IMPORT,
            json!({ "csv": "email,works_with_children\nbob@320002.sch.uk,yes\n" }),
        )
        .await;
    assert!(
        error_message(&beta_import).contains("is not anyone"),
        "{beta_import}"
    );
    let beta_list = test
        .data(&beta.admin, "{ attributes { key } }", json!({}))
        .await;
    assert_eq!(
        beta_list["attributes"],
        json!([{ "key": "works_with_children" }])
    );
    let held = test
        .data(
            &alpha.admin,
            "query($p: UUID!) { personAttributes(personId: $p) }",
            json!({ "p": people[1] }),
        )
        .await;
    assert_eq!(held["personAttributes"], json!(["works_with_children"]));
}

#[tokio::test]
async fn a_directory_rule_sets_the_attribute_at_each_push() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let riverside = crate::scim::school(&test, &alpha.admin, "Riverside Primary", "320004").await;
    test.data(
        &alpha.admin,
        DEFINE,
        json!({ "input": { "key": "works_with_children", "label": "Works directly with children",
            "directoryRule": { "field": "JOB_TITLE", "containsAny": ["teacher", "teaching assistant"] } } }),
    )
    .await;
    let rules = json!({
        "schools": [{ "field": "department", "value": "Riverside", "target": riverside }],
        "defaultKind": "teaching",
    });
    let scim = crate::scim::Scim::connect(&test, &alpha.admin, rules, (None, 1.0)).await;
    let user = |title: &str| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "userName": "ann@alpha.example", "active": true, "displayName": "Ann Archer",
            "emails": [{ "primary": true, "value": "ann@alpha.example" }],
            "title": title,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Riverside" },
        })
    };
    let id = scim.create_user(user("Year 4 Teacher")).await;
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let ann = test
        .app
        .person_by_email(&operator, "ann@alpha.example")
        .await
        .expect("provisioned");
    let held = || async {
        test.data(
            &alpha.admin,
            "query($p: UUID!) { personAttributes(personId: $p) }",
            json!({ "p": ann.id }),
        )
        .await["personAttributes"]
            .clone()
    };
    assert_eq!(held().await, json!(["works_with_children"]));
    let (status, _) = scim
        .patch(
            &format!("/Users/{id}"),
            json!([{ "op": "replace", "path": "title", "value": "Office Manager" }]),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        held().await,
        json!([]),
        "the directory is the rule's source of truth"
    );
}
