//! Schools, people and memberships through the API, with validation and audit.

use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};

pub const CREATE_SCHOOL: &str =
    "mutation($input: CreateSchoolInput!) { createSchool(input: $input) { id name slug urn } }";
pub const UPSERT_PERSON: &str = "mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { created person { id fullName email memberships { id kind active school { name } } } } }";

#[tokio::test]
async fn schools_are_created_validated_and_updated() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let created = test
        .data(
            &trust.admin,
            CREATE_SCHOOL,
            json!({ "input": { "name": " Wessex  Gardens Primary School ", "urn": "100001" } }),
        )
        .await;
    assert_eq!(
        created["createSchool"]["name"],
        "Wessex Gardens Primary School"
    );
    assert_eq!(
        created["createSchool"]["slug"],
        "wessex-gardens-primary-school"
    );
    let id = created["createSchool"]["id"].as_str().expect("id");

    let duplicate = test
        .graphql(
            Some(&trust.admin),
            CREATE_SCHOOL,
            json!({ "input": { "name": "Wessex Gardens Primary School" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), "CONFLICT");
    assert!(
        error_message(&duplicate).contains("wessex-gardens-primary-school"),
        "{duplicate}"
    );
    assert!(
        !error_message(&duplicate).to_lowercase().contains("unique"),
        "no SQL leaks: {duplicate}"
    );

    let bad_urn = test
        .graphql(
            Some(&trust.admin),
            CREATE_SCHOOL,
            json!({ "input": { "name": "Bad Urn School", "urn": "12" } }),
        )
        .await;
    assert_eq!(error_code(&bad_urn), "BAD_USER_INPUT");
    assert_eq!(bad_urn["errors"][0]["extensions"]["field"], "urn");

    let unknown_field = test
        .graphql(
            Some(&trust.admin),
            CREATE_SCHOOL,
            json!({ "input": { "name": "X", "colour": "red" } }),
        )
        .await;
    assert_eq!(error_code(&unknown_field), "BAD_USER_INPUT");

    let bad_id = test
        .graphql(
            Some(&trust.admin),
            "{ school(id: \"not-a-uuid\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&bad_id), "BAD_USER_INPUT");

    let schools = test
        .data(&trust.admin, "{ schools { name } }", json!({}))
        .await;
    assert_eq!(
        schools["schools"].as_array().expect("list").len(),
        1,
        "failed creates stored nothing"
    );

    let update = "mutation($id: UUID!, $input: UpdateSchoolInput!) { updateSchool(id: $id, input: $input) { name slug urn } }";
    let updated = test
        .data(
            &trust.admin,
            update,
            json!({ "id": id, "input": { "name": "Wessex Gardens", "urn": null } }),
        )
        .await;
    assert_eq!(
        updated["updateSchool"],
        json!({ "name": "Wessex Gardens", "slug": "wessex-gardens-primary-school", "urn": null })
    );
    let missing = test
        .graphql(
            Some(&trust.admin),
            update,
            json!({ "id": uuid::Uuid::now_v7(), "input": { "name": "Y" } }),
        )
        .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
}

#[tokio::test]
async fn people_are_upserted_by_email_and_paged() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Kensington Primary School", "100002")
        .await;
    let first = test
        .data(
            &trust.admin,
            UPSERT_PERSON,
            json!({ "input": { "fullName": "Mojisola Omole", "email": "M.Omole@Kensington.sch.uk", "membership": { "schoolId": school, "kind": "LEADERSHIP" } } }),
        )
        .await;
    assert_eq!(first["upsertPerson"]["created"], true);
    assert_eq!(
        first["upsertPerson"]["person"]["email"],
        "m.omole@kensington.sch.uk"
    );
    let again = test
        .data(&trust.admin, UPSERT_PERSON, json!({ "input": { "fullName": "Mojisola  Omole-Smith", "email": "m.omole@kensington.sch.uk" } }))
        .await;
    assert_eq!(again["upsertPerson"]["created"], false);
    assert_eq!(
        again["upsertPerson"]["person"]["id"],
        first["upsertPerson"]["person"]["id"]
    );
    assert_eq!(
        again["upsertPerson"]["person"]["fullName"],
        "Mojisola Omole-Smith"
    );

    let bad_email = test
        .graphql(
            Some(&trust.admin),
            UPSERT_PERSON,
            json!({ "input": { "fullName": "X", "email": "nope" } }),
        )
        .await;
    assert_eq!(error_code(&bad_email), "BAD_USER_INPUT");
    assert_eq!(bad_email["errors"][0]["extensions"]["field"], "email");

    for n in 0..7 {
        test.with_person(
            &trust.admin,
            &format!("Teacher {n}"),
            &format!("t{n}@k.sch.uk"),
            &school,
            "TEACHING",
        )
        .await;
    }
    let page = "query($after: String) { people(first: 3, after: $after, schoolId: null) { edges { node { fullName } } pageInfo { hasNextPage endCursor } } }";
    let mut names = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = test
            .data(&trust.admin, page, json!({ "after": after }))
            .await;
        for edge in data["people"]["edges"].as_array().expect("edges") {
            names.push(edge["node"]["fullName"].as_str().expect("name").to_owned());
        }
        if data["people"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data["people"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(names.len(), 8);
    assert_eq!(names[0], "Mojisola Omole-Smith");
    assert_eq!(names[7], "Teacher 6");

    let teachers = test
        .data(&trust.admin, "query($s: UUID) { people(schoolId: $s, kind: TEACHING, search: \"teacher 3\") { edges { node { fullName } } } }", json!({ "s": school }))
        .await;
    assert_eq!(
        teachers["people"]["edges"],
        json!([{ "node": { "fullName": "Teacher 3" } }])
    );

    let bad_cursor = test
        .graphql(
            Some(&trust.admin),
            "{ people(after: \"garbage\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&bad_cursor), "BAD_USER_INPUT");
    let too_many = test
        .graphql(
            Some(&trust.admin),
            "{ people(first: 1000) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&too_many), "BAD_USER_INPUT");
}

#[tokio::test]
async fn memberships_start_and_end_without_losing_history() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "The Willows School", "100003")
        .await;
    let person = test
        .with_person(
            &trust.admin,
            "Ada Lovelace",
            "ada@willows.sch.uk",
            &school,
            "TEACHING",
        )
        .await;
    let add = "mutation($input: AddMembershipInput!) { addMembership(input: $input) { id kind jobTitle active } }";
    let duplicate = test
        .graphql(
            Some(&trust.admin),
            add,
            json!({ "input": { "personId": person, "schoolId": school, "kind": "TEACHING" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), "CONFLICT");
    let governor = test
        .data(&trust.admin, add, json!({ "input": { "personId": person, "schoolId": school, "kind": "GOVERNOR", "jobTitle": "Parent governor" } }))
        .await;
    let membership = governor["addMembership"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(governor["addMembership"]["active"], true);

    let end = "mutation($id: UUID!, $on: NaiveDate) { endMembership(id: $id, endedOn: $on) { endedOn active } }";
    let too_early = test
        .graphql(
            Some(&trust.admin),
            end,
            json!({ "id": membership, "on": "2001-01-01" }),
        )
        .await;
    assert_eq!(error_code(&too_early), "BAD_USER_INPUT");
    let ended = test
        .data(&trust.admin, end, json!({ "id": membership, "on": null }))
        .await;
    assert_eq!(
        ended["endMembership"],
        json!({ "endedOn": "2026-11-23", "active": false })
    );
    let twice = test
        .graphql(
            Some(&trust.admin),
            end,
            json!({ "id": membership, "on": null }),
        )
        .await;
    assert_eq!(error_code(&twice), "CONFLICT");

    let person_query = "query($id: UUID!) { person(id: $id) { current: memberships { kind } all: memberships(includeLeft: true) { kind active } } }";
    let data = test
        .data(&trust.admin, person_query, json!({ "id": person }))
        .await;
    assert_eq!(data["person"]["current"], json!([{ "kind": "TEACHING" }]));
    assert_eq!(data["person"]["all"].as_array().expect("all").len(), 2);
}

#[tokio::test]
async fn every_mutation_is_in_the_audit_log() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Cleves Primary School", "100004")
        .await;
    let person = test
        .with_person(
            &trust.admin,
            "Liza Christofides",
            "liza@cleves.sch.uk",
            &school,
            "LEADERSHIP",
        )
        .await;
    test.data(
        &trust.admin,
        "mutation($p: UUID!, $s: UUID) { grantRole(input: {personId: $p, role: SCHOOL_ADMIN, schoolId: $s}) { id } }",
        json!({ "p": person, "s": school }),
    )
    .await;
    let log = test
        .data(
            &trust.admin,
            "{ auditLog(first: 20) { action actorKind subjectType subjectId summary } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = log["auditLog"]
        .as_array()
        .expect("log")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "role.grant",
            "membership.add",
            "person.create",
            "school.create",
            "api_token.issue",
            "trust.create"
        ]
    );
    let school_entry = &log["auditLog"][3];
    assert_eq!(school_entry["actorKind"], "api_token");
    assert_eq!(school_entry["subjectId"], school.as_str());
    assert_eq!(school_entry["summary"]["before"], Value::Null);
    assert_eq!(
        school_entry["summary"]["after"]["name"],
        "Cleves Primary School"
    );
    let token_entry = &log["auditLog"][4];
    assert!(
        !token_entry["summary"].to_string().contains("attest_"),
        "no secrets in the audit log"
    );
}
