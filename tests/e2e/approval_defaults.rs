//! A trust's default approval rule per kind of policy: school policies without a rule
//! of their own need their own school's admin and the DPO; a policy can be set to need
//! none; changing the default withdraws decisions on drafts in review; other trusts
//! and other roles are untouched or refused.

use attest_tests::{TestApp, error_code};
use serde_json::{Value, json};

use crate::access::token;
use crate::approval::{
    APPROVE, IMPORT, PUBLISH, REVIEW, SET_RULE, SUBMIT, TEXT, as_person, data, sign_in,
};

const SET_DEFAULT: &str = "mutation($kind: PolicyKind!, $rule: ApprovalRuleInput) { setDefaultApprovalRule(kind: $kind, rule: $rule) { body needed approvers { capacity role } } }";
const POLICY_RULE: &str = "query($id: UUID!) { policy(id: $id) { followsDefaultApprovalRule approvalRule { needed approvers { capacity } } } }";

async fn school_policy(test: &TestApp, admin: &str, school: &str) -> (Value, String) {
    let imported = test
        .data(
            admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "schoolId": school } }),
        )
        .await;
    (
        imported["importPolicy"]["policy"]["id"].clone(),
        imported["importPolicy"]["version"]["id"]
            .as_str()
            .expect("version")
            .to_owned(),
    )
}

#[tokio::test]
async fn school_policies_follow_the_trusts_default_unless_set_otherwise() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let admin = trust.admin.clone();
    let north = test.with_school(&admin, "North Primary", "600041").await;
    let south = test.with_school(&admin, "South Primary", "600042").await;
    let sam = test
        .with_person(&admin, "Sam Head", "sam@north.sch.uk", &north, "LEADERSHIP")
        .await;
    crate::portal::grant(&test, "alpha", &sam, "school_admin", Some(&north)).await;
    let sue = test
        .with_person(&admin, "Sue Head", "sue@south.sch.uk", &south, "LEADERSHIP")
        .await;
    crate::portal::grant(&test, "alpha", &sue, "school_admin", Some(&south)).await;
    let dee = test
        .with_person(
            &admin,
            "Dee Protection",
            "dee@alpha-trust.org.uk",
            &north,
            "SUPPORT",
        )
        .await;
    crate::portal::grant(&test, "alpha", &dee, "dpo", None).await;

    let school_default = json!({ "approvers": [{ "role": "SCHOOL_ADMIN" }, { "role": "DPO" }] });
    // Only trust admins set defaults, and a trust policy has no school admin's seat.
    let north_admin = token(&test, &admin, "SCHOOL_ADMIN", Some(&north)).await;
    let refused = test
        .graphql(
            Some(&north_admin),
            SET_DEFAULT,
            json!({ "kind": "SCHOOL", "rule": school_default }),
        )
        .await;
    assert_eq!(error_code(&refused), "FORBIDDEN");
    let refused = test
        .graphql(
            Some(&admin),
            SET_DEFAULT,
            json!({ "kind": "TRUST_LOCKED", "rule": school_default }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT", "{refused}");
    let set = test
        .data(
            &admin,
            SET_DEFAULT,
            json!({ "kind": "SCHOOL", "rule": school_default }),
        )
        .await;
    assert_eq!(
        set["setDefaultApprovalRule"],
        json!({ "body": "the local governing body", "needed": 2, "approvers": [
            { "capacity": "School administrator", "role": "SCHOOL_ADMIN" },
            { "capacity": "Data Protection Officer", "role": "DPO" }
        ] })
    );

    let (north_policy, north_version) = school_policy(&test, &admin, &north).await;
    let follows = test
        .data(&admin, POLICY_RULE, json!({ "id": north_policy }))
        .await;
    assert_eq!(follows["policy"]["followsDefaultApprovalRule"], true);
    assert_eq!(follows["policy"]["approvalRule"]["needed"], 2);
    let early = test
        .graphql(Some(&admin), PUBLISH, json!({ "id": north_version }))
        .await;
    assert_eq!(error_code(&early), "CONFLICT");
    test.data(&admin, SUBMIT, json!({ "v": north_version }))
        .await;

    // North's head holds the school's seat; South's head cannot even find North's.
    let sam_session = sign_in(&test, &admin, "sam@north.sch.uk").await;
    let sue_session = sign_in(&test, &admin, "sue@south.sch.uk").await;
    let dee_session = sign_in(&test, &admin, "dee@alpha-trust.org.uk").await;
    let seen = data(as_person(&test, &sam_session, REVIEW, json!({ "v": north_version })).await);
    assert_eq!(
        seen["versionReview"]["myOpenSeats"],
        json!(["School administrator"])
    );
    let answer = as_person(&test, &sue_session, APPROVE, json!({ "v": north_version })).await;
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    data(as_person(&test, &sam_session, APPROVE, json!({ "v": north_version })).await);
    let approved =
        data(as_person(&test, &dee_session, APPROVE, json!({ "v": north_version })).await);
    assert_eq!(approved["approveVersion"]["stage"], "APPROVED");

    // South's policy is set to need no approval: published at once.
    let (south_policy, south_version) = school_policy(&test, &admin, &south).await;
    let none = test
        .data(&admin, SET_RULE, json!({ "p": south_policy, "rule": null }))
        .await;
    assert_eq!(none["setApprovalRule"], Value::Null);
    let follows = test
        .data(&admin, POLICY_RULE, json!({ "id": south_policy }))
        .await;
    assert_eq!(follows["policy"]["followsDefaultApprovalRule"], false);
    let published = test
        .data(&admin, PUBLISH, json!({ "id": south_version }))
        .await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");

    // A third policy follows the default; changing the default withdraws its decisions.
    let (_, third_version) = school_policy(&test, &admin, &north).await;
    test.data(&admin, SUBMIT, json!({ "v": third_version }))
        .await;
    data(as_person(&test, &sam_session, APPROVE, json!({ "v": third_version })).await);
    test.data(
        &admin,
        SET_DEFAULT,
        json!({ "kind": "SCHOOL", "rule": { "approvers": [{ "role": "SCHOOL_ADMIN" }, { "role": "DPO" }], "quorum": 1 } }),
    )
    .await;
    let review = test
        .data(&admin, REVIEW, json!({ "v": third_version }))
        .await;
    assert_eq!(review["versionReview"]["round"], 2, "{review}");
    assert_eq!(review["versionReview"]["decisions"][0]["withdrawn"], true);
    // Following the default again is a choice too.
    let back = test
        .data(&admin, "mutation($p: UUID!) { setApprovalRule(policyId: $p, followTrustDefault: true) { needed } }", json!({ "p": south_policy }))
        .await;
    assert_eq!(back["setApprovalRule"]["needed"], 1);

    // Another trust has no defaults and publishes its school policies at once.
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "600043")
        .await;
    let defaults = test
        .data(&beta.admin, "{ defaultApprovalRules { kind } }", json!({}))
        .await;
    assert_eq!(defaults["defaultApprovalRules"], json!([]));
    let (_, beta_version) = school_policy(&test, &beta.admin, &beta_school).await;
    let published = test
        .data(&beta.admin, PUBLISH, json!({ "id": beta_version }))
        .await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");
    let ours = test
        .data(
            &admin,
            "{ defaultApprovalRules { kind rule { needed } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ours["defaultApprovalRules"],
        json!([{ "kind": "SCHOOL", "rule": { "needed": 1 } }])
    );
}
