//! Two trusts on one server: trust B's token, handed trust A's ids, gets nothing of
//! A's and changes nothing of A's, through every query and mutation.

use attest_tests::{TestApp, error_code};
use serde_json::json;

#[tokio::test]
async fn one_trust_cannot_reach_another() {
    let test = TestApp::spawn().await;
    let a = test.trust("trust-a").await;
    let b = test.trust("trust-b").await;
    let school = test.with_school(&a.admin, "A Primary", "400001").await;
    let person = test
        .with_person(&a.admin, "Alice A", "alice@a.sch.uk", &school, "TEACHING")
        .await;
    let grant = test
        .data(
            &a.admin,
            "mutation($p: UUID!) { grantRole(input: {personId: $p, role: DPO}) { id } }",
            json!({ "p": person }),
        )
        .await["grantRole"]["id"]
        .clone();
    let membership = test
        .data(
            &a.admin,
            "query($id: UUID!) { person(id: $id) { memberships { id } } }",
            json!({ "id": person }),
        )
        .await["person"]["memberships"][0]["id"]
        .clone();
    let token =
        test.data(&a.admin, "{ apiTokens { id } }", json!({})).await["apiTokens"][0]["id"].clone();

    // B's lists hold none of A's rows.
    let lists = test
        .data(&b.admin, "{ trust { slug } schools { id } people { edges { node { id } } } apiTokens { id } auditLog { subjectId } }", json!({}))
        .await;
    assert_eq!(lists["trust"]["slug"], "trust-b");
    assert_eq!(lists["schools"], json!([]));
    assert_eq!(lists["people"]["edges"], json!([]));
    assert!(
        !lists["apiTokens"]
            .to_string()
            .contains(token.as_str().expect("id"))
    );
    assert!(!lists["auditLog"].to_string().contains(&school));

    // Every operation handed A's ids answers NOT_FOUND.
    let attempts = [
        (
            "query($id: UUID!) { school(id: $id) { id } }",
            json!({ "id": school }),
        ),
        (
            "query($id: UUID!) { person(id: $id) { id } }",
            json!({ "id": person }),
        ),
        (
            "query($id: UUID) { people(schoolId: $id) { edges { node { id } } } }",
            json!({ "id": school }),
        ),
        (
            "mutation($id: UUID!) { updateSchool(id: $id, input: {name: \"Taken\"}) { id } }",
            json!({ "id": school }),
        ),
        (
            "mutation($id: UUID) { upsertPerson(input: {id: $id, fullName: \"Taken\"}) { created } }",
            json!({ "id": person }),
        ),
        (
            "mutation($p: UUID!, $s: UUID!) { addMembership(input: {personId: $p, schoolId: $s, kind: GOVERNOR}) { id } }",
            json!({ "p": person, "s": school }),
        ),
        (
            "mutation($id: UUID!) { endMembership(id: $id) { id } }",
            json!({ "id": membership }),
        ),
        (
            "mutation($p: UUID!) { grantRole(input: {personId: $p, role: TRUST_ADMIN}) { id } }",
            json!({ "p": person }),
        ),
        (
            "mutation($id: UUID!) { revokeRole(id: $id) { id } }",
            json!({ "id": grant }),
        ),
        (
            "mutation($id: UUID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": token }),
        ),
        (
            "mutation($s: UUID) { issueApiToken(input: {name: \"x\", role: SCHOOL_ADMIN, schoolId: $s}) { token } }",
            json!({ "s": school }),
        ),
    ];
    for (query, variables) in attempts {
        let answer = test.graphql(Some(&b.admin), query, variables).await;
        assert_eq!(error_code(&answer), "NOT_FOUND", "{query}: {answer}");
    }

    // A's rows are exactly as they were, and A's token still works.
    let after = test
        .data(
            &a.admin,
            "query($id: UUID!) { schools { name } person(id: $id) { fullName memberships(includeLeft: true) { active } roles { role } } }",
            json!({ "id": person }),
        )
        .await;
    assert_eq!(after["schools"], json!([{ "name": "A Primary" }]));
    assert_eq!(after["person"]["fullName"], "Alice A");
    assert_eq!(after["person"]["memberships"], json!([{ "active": true }]));
    assert_eq!(after["person"]["roles"], json!([{ "role": "DPO" }]));
}
