//! The retention schedule (issue 21): the plan, periods per trust, applying it (a
//! leaver's signature erased six years on, the chain still verifying), who may do what,
//! bad input, and two trusts kept apart.

use attest_test_support::TestApp;
use serde_json::json;

use crate::signing::{fixture, magic_link, sign_with_link};

const PLAN: &str = "query { retentionPlan { automatic applied rules { record keep setByTrust disposal due held } } }";
const APPLY: &str = "mutation { applyRetention { applied rules { record due held } } }";
const SET: &str = "mutation($r: RetentionRecord, $k: String, $a: Boolean) { setRetention(record: $r, keep: $k, automatic: $a) { automatic rules { record keep setByTrust } } }";

fn due(plan: &serde_json::Value, record: &str) -> u64 {
    plan["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|rule| rule["record"] == record)
        .and_then(|rule| rule["due"].as_u64())
        .expect("rule")
}

#[tokio::test]
async fn a_leavers_signature_is_erased_six_years_on_and_the_chain_still_verifies() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let f = fixture(
        &test,
        &alpha.admin,
        "320001",
        &["Lee Leaver", "Stan Stayer"],
    )
    .await;
    for (person, name) in f.people.iter().zip(["Lee Leaver", "Stan Stayer"]) {
        let secret = magic_link(&test, &alpha.admin, "alpha", person, &f.policy).await;
        sign_with_link(&test, &secret, name).await;
    }
    let b = fixture(&test, &beta.admin, "320002", &["Bea Beta"]).await;
    let secret = magic_link(&test, &beta.admin, "beta", &b.people[0], &b.policy).await;
    sign_with_link(&test, &secret, "Bea Beta").await;

    // Lee leaves; six years and a day later the plan finds their signature due.
    let memberships = test
        .data(
            &alpha.admin,
            "query($p: UUID!) { person(id: $p) { memberships { id } } }",
            json!({ "p": f.people[0] }),
        )
        .await;
    let membership = memberships["person"]["memberships"][0]["id"]
        .as_str()
        .expect("membership");
    test.data(
        &alpha.admin,
        "mutation($id: UUID!) { endMembership(id: $id) { endedOn } }",
        json!({ "id": membership }),
    )
    .await;
    let plan = test.data(&alpha.admin, PLAN, json!({})).await;
    assert_eq!(
        due(&plan["retentionPlan"], "SIGNATURE_PERSONAL_DATA"),
        0,
        "{plan}"
    );
    assert_eq!(
        plan["retentionPlan"]["automatic"], false,
        "off until a trust admin turns it on"
    );
    test.clock.advance(chrono::Duration::days(6 * 366));
    let plan = test.data(&alpha.admin, PLAN, json!({})).await;
    assert_eq!(
        due(&plan["retentionPlan"], "SIGNATURE_PERSONAL_DATA"),
        1,
        "{plan}"
    );
    assert!(
        due(&plan["retentionPlan"], "AUDIT_LOG") > 0,
        "the audit log is listed for the owner"
    );

    // Who may: the DPO reads the plan but cannot apply it; read-only and anonymous neither.
    let dpo = crate::access::token(&test, &alpha.admin, "DPO", None).await;
    assert!(test.graphql(Some(&dpo), PLAN, json!({})).await["errors"].is_null());
    let refused = test.graphql(Some(&dpo), APPLY, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let reader = crate::access::token(&test, &alpha.admin, "READ_ONLY", None).await;
    let refused = test.graphql(Some(&reader), PLAN, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let anonymous = test.graphql(None, PLAN, json!({})).await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let school_admin =
        crate::access::token(&test, &alpha.admin, "SCHOOL_ADMIN", Some(&f.school)).await;
    let refused = test.graphql(Some(&school_admin), APPLY, json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // Bad periods are refused with what to write.
    let bad = test
        .graphql(
            Some(&alpha.admin),
            SET,
            json!({ "r": "SESSIONS", "k": "P6W" }),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("P90D"),
        "{bad}"
    );
    let orphan = test
        .graphql(Some(&alpha.admin), SET, json!({ "k": "P1Y" }))
        .await;
    assert_eq!(orphan["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let set = test
        .data(&alpha.admin, SET, json!({ "r": "SESSIONS", "k": "P30D" }))
        .await;
    assert!(
        set["setRetention"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .any(|rule| rule["record"] == "SESSIONS"
                && rule["keep"] == "P30D"
                && rule["setByTrust"] == true)
    );

    // Beta applying its own schedule touches nothing of alpha's.
    test.clock.advance(chrono::Duration::days(1));
    let beta_applied = test.data(&beta.admin, APPLY, json!({})).await;
    assert_eq!(
        due(&beta_applied["applyRetention"], "SIGNATURE_PERSONAL_DATA"),
        0
    );
    let applied = test.data(&alpha.admin, APPLY, json!({})).await;
    assert_eq!(applied["applyRetention"]["applied"], true);
    assert_eq!(
        due(&applied["applyRetention"], "SIGNATURE_PERSONAL_DATA"),
        1
    );

    // The chain still verifies, with one row's personal fields gone; the stayer's remain.
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let report = test.app.verify_chain(&operator).await.expect("verify");
    assert!(report.ok() && report.erased_rows == 1, "{report:?}");
    let rows = test
        .data(
            &alpha.admin,
            "query($p: UUID!) { acceptances(personId: $p) { typedName } }",
            json!({ "p": f.people[0] }),
        )
        .await;
    assert_eq!(rows["acceptances"][0]["typedName"], "");
    let kept = test
        .data(
            &alpha.admin,
            "query($p: UUID!) { acceptances(personId: $p) { typedName } }",
            json!({ "p": f.people[1] }),
        )
        .await;
    assert_eq!(kept["acceptances"][0]["typedName"], "Stan Stayer");
    let beta_operator = test.app.operator_for("beta").await.expect("operator");
    let beta_report = test.app.verify_chain(&beta_operator).await.expect("verify");
    assert!(beta_report.ok() && beta_report.erased_rows == 0);
    let again = test.data(&alpha.admin, PLAN, json!({})).await;
    assert_eq!(
        due(&again["retentionPlan"], "SIGNATURE_PERSONAL_DATA"),
        0,
        "nothing twice"
    );
}
