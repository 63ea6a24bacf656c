//! Roles: what a school admin, a DPO and a read-only token may and may not do.

use attest_tests::{TestApp, error_code};
use serde_json::{Value, json};

use crate::directory::{CREATE_SCHOOL, UPSERT_PERSON};

pub async fn token(test: &TestApp, admin: &str, role: &str, school: Option<&str>) -> String {
    let data = test
        .data(
            admin,
            "mutation($role: Role!, $s: UUID) { issueApiToken(input: {name: \"t\", role: $role, schoolId: $s}) { token } }",
            json!({ "role": role, "s": school }),
        )
        .await;
    data["issueApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn a_school_admin_sees_and_changes_only_their_school() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let mine = test
        .with_school(&trust.admin, "Mine Primary", "200001")
        .await;
    let other = test
        .with_school(&trust.admin, "Other Primary", "200002")
        .await;
    let colleague = test
        .with_person(
            &trust.admin,
            "Cal Colleague",
            "cal@mine.sch.uk",
            &mine,
            "TEACHING",
        )
        .await;
    let stranger = test
        .with_person(
            &trust.admin,
            "Stan Stranger",
            "stan@other.sch.uk",
            &other,
            "TEACHING",
        )
        .await;
    let admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&mine)).await;

    let schools = test.data(&admin, "{ schools { id } }", json!({})).await;
    assert_eq!(schools["schools"], json!([{ "id": mine }]));
    let people = test
        .data(&admin, "{ people { edges { node { id } } } }", json!({}))
        .await;
    assert_eq!(
        people["people"]["edges"],
        json!([{ "node": { "id": colleague } }])
    );
    let hidden = test
        .graphql(
            Some(&admin),
            "query($id: UUID!) { person(id: $id) { id } }",
            json!({ "id": stranger }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    let other_school = test
        .graphql(
            Some(&admin),
            "query($id: UUID!) { school(id: $id) { id } }",
            json!({ "id": other }),
        )
        .await;
    assert_eq!(error_code(&other_school), "NOT_FOUND");

    let create = test
        .graphql(
            Some(&admin),
            CREATE_SCHOOL,
            json!({ "input": { "name": "Rogue" } }),
        )
        .await;
    assert_eq!(error_code(&create), "FORBIDDEN");
    let update =
        "mutation($id: UUID!) { updateSchool(id: $id, input: {name: \"Renamed\"}) { name } }";
    assert_eq!(
        test.data(&admin, update, json!({ "id": mine })).await["updateSchool"]["name"],
        "Renamed"
    );
    assert_eq!(
        error_code(
            &test
                .graphql(Some(&admin), update, json!({ "id": other }))
                .await
        ),
        "NOT_FOUND"
    );

    let hire = json!({ "input": { "fullName": "New Starter", "email": "new@mine.sch.uk", "membership": { "schoolId": mine, "kind": "SUPPORT" } } });
    assert_eq!(
        test.data(&admin, UPSERT_PERSON, hire).await["upsertPerson"]["created"],
        true
    );
    let without_membership = test
        .graphql(
            Some(&admin),
            UPSERT_PERSON,
            json!({ "input": { "fullName": "Floating" } }),
        )
        .await;
    assert_eq!(error_code(&without_membership), "BAD_USER_INPUT");
    let elsewhere = json!({ "input": { "fullName": "Elsewhere", "membership": { "schoolId": other, "kind": "SUPPORT" } } });
    assert_eq!(
        error_code(&test.graphql(Some(&admin), UPSERT_PERSON, elsewhere).await),
        "NOT_FOUND"
    );
    let poach = json!({ "input": { "id": stranger, "fullName": "Poached" } });
    assert_eq!(
        error_code(&test.graphql(Some(&admin), UPSERT_PERSON, poach).await),
        "NOT_FOUND"
    );
    let roles = test
        .graphql(
            Some(&admin),
            "{ people { edges { node { roles { role } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&roles), "FORBIDDEN");
    let tokens = test
        .graphql(Some(&admin), "{ apiTokens { id } }", json!({}))
        .await;
    assert_eq!(error_code(&tokens), "FORBIDDEN");

    let stranger_now = test
        .data(
            &trust.admin,
            "query($id: UUID!) { person(id: $id) { fullName } }",
            json!({ "id": stranger }),
        )
        .await;
    assert_eq!(
        stranger_now["person"]["fullName"], "Stan Stranger",
        "nothing outside the school changed"
    );
}

#[tokio::test]
async fn read_only_and_dpo_tokens_read_but_cannot_change_the_directory() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Some Primary", "300001")
        .await;
    let person = test
        .with_person(
            &trust.admin,
            "Pat Person",
            "pat@some.sch.uk",
            &school,
            "SUPPORT",
        )
        .await;
    for role in ["READ_ONLY", "DPO"] {
        let reader = token(&test, &trust.admin, role, None).await;
        let people = test
            .data(
                &reader,
                "{ schools { id } people { edges { node { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(people["schools"], json!([{ "id": school }]), "{role}");
        assert_eq!(
            people["people"]["edges"],
            json!([{ "node": { "id": person } }]),
            "{role}"
        );
        let attempts = [
            (CREATE_SCHOOL, json!({ "input": { "name": "Nope" } })),
            (
                UPSERT_PERSON,
                json!({ "input": { "id": person, "fullName": "Changed" } }),
            ),
            (
                "mutation($id: UUID!) { updateSchool(id: $id, input: {name: \"Nope\"}) { id } }",
                json!({ "id": school }),
            ),
            (
                "mutation($p: UUID!) { grantRole(input: {personId: $p, role: TRUST_ADMIN}) { id } }",
                json!({ "p": person }),
            ),
            (
                "mutation { issueApiToken(input: {name: \"x\", role: TRUST_ADMIN}) { token } }",
                json!({}),
            ),
            ("{ auditLog { id } }", json!({})),
        ];
        for (query, variables) in attempts {
            let answer = test.graphql(Some(&reader), query, variables).await;
            assert_eq!(
                error_code(&answer),
                "FORBIDDEN",
                "{role}: {query}: {answer}"
            );
        }
    }
    let after = test
        .data(
            &trust.admin,
            "query($id: UUID!) { person(id: $id) { fullName } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(after["person"]["fullName"], "Pat Person");
}

#[tokio::test]
async fn roles_are_granted_checked_and_revoked() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Some Primary", "300001")
        .await;
    let person = test
        .with_person(
            &trust.admin,
            "Dee Pio",
            "dee@some.sch.uk",
            &school,
            "SUPPORT",
        )
        .await;
    let grant = "mutation($p: UUID!, $r: Role!, $s: UUID) { grantRole(input: {personId: $p, role: $r, schoolId: $s}) { id role schoolId revokedAt } }";
    let dpo = test
        .data(
            &trust.admin,
            grant,
            json!({ "p": person, "r": "DPO", "s": null }),
        )
        .await;
    let grant_id = dpo["grantRole"]["id"].as_str().expect("id").to_owned();
    let twice = test
        .graphql(
            Some(&trust.admin),
            grant,
            json!({ "p": person, "r": "DPO", "s": null }),
        )
        .await;
    assert_eq!(error_code(&twice), "CONFLICT");
    let scoped_dpo = test
        .graphql(
            Some(&trust.admin),
            grant,
            json!({ "p": person, "r": "DPO", "s": school }),
        )
        .await;
    assert_eq!(error_code(&scoped_dpo), "BAD_USER_INPUT");
    let roles = test
        .data(
            &trust.admin,
            "query($id: UUID!) { person(id: $id) { roles { role } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(roles["person"]["roles"], json!([{ "role": "DPO" }]));
    let revoke = "mutation($id: UUID!) { revokeRole(id: $id) { revokedAt } }";
    assert_ne!(
        test.data(&trust.admin, revoke, json!({ "id": grant_id }))
            .await["revokeRole"]["revokedAt"],
        Value::Null
    );
    let roles = test
        .data(
            &trust.admin,
            "query($id: UUID!) { person(id: $id) { roles { role } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(roles["person"]["roles"], json!([]));
}
