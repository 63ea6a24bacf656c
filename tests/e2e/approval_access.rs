//! Who may decide, end to end: only the people a rule names, for their own school or
//! the trust's board; everyone else refused (anonymous, read-only, tokens, another
//! school's admin and governors, another trust); and the weekly asks to those who have
//! not acted.

use attest_tests::{TestApp, error_code};
use serde_json::{Value, json};

use crate::access::token;
use crate::approval::{
    APPROVE, COMMENT, IMPORT, REVIEW, SET_RULE, SUBMIT, School, TEXT, as_person, data,
    school_with_rule, sign_in,
};

#[tokio::test]
async fn only_the_people_the_rule_names_decide_and_others_are_refused() {
    let School {
        test,
        admin,
        school,
        version,
        policy,
        chair,
        ..
    } = school_with_rule().await;
    let v = json!({ "v": version });
    test.data(&admin, SUBMIT, v.clone()).await;
    let other = test.trust("beta").await;
    let second = test.with_school(&admin, "Hillside Primary", "600002").await;
    test.with_person(
        &admin,
        "Ola Other",
        "ola@riverside.sch.uk",
        &school,
        "GOVERNOR",
    )
    .await;

    let anonymous = test.graphql(None, REVIEW, v.clone()).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    // Another school's admin and another trust cannot even find it.
    let second_admin = token(&test, &admin, "SCHOOL_ADMIN", Some(&second)).await;
    for caller in [&second_admin, &other.admin] {
        for (query, variables) in [
            (REVIEW, v.clone()),
            (APPROVE, v.clone()),
            (SUBMIT, v.clone()),
        ] {
            let answer = test.graphql(Some(caller), query, variables).await;
            assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
        }
        let answer = test
            .graphql(Some(caller), SET_RULE, json!({ "p": policy, "rule": null }))
            .await;
        assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    }
    // A read-only token reads the review but changes nothing; a token holds no seat.
    let read_only = token(&test, &admin, "READ_ONLY", None).await;
    assert_eq!(
        test.data(&read_only, REVIEW, v.clone()).await["versionReview"]["stage"],
        "IN_REVIEW"
    );
    for (query, variables) in [
        (SET_RULE, json!({ "p": policy, "rule": null })),
        (
            "mutation($v: UUID!) { returnToDraft(versionId: $v) { stage } }",
            v.clone(),
        ),
        (APPROVE, v.clone()),
    ] {
        let answer = test.graphql(Some(&read_only), query, variables).await;
        assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
    }
    let as_token = test.graphql(Some(&admin), APPROVE, v.clone()).await;
    assert_eq!(error_code(&as_token), "FORBIDDEN");
    // A governor the rule does not name cannot find the version, nor decide on it.
    let ola = sign_in(&test, &admin, "ola@riverside.sch.uk").await;
    for (query, variables) in [(REVIEW, v.clone()), (APPROVE, v.clone())] {
        let answer = as_person(&test, &ola, query, variables).await;
        assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    }
    // Rules name people of the trust only, and ask for a seat's capacity.
    let stranger = test
        .with_person(
            &other.admin,
            "Sam Stranger",
            "sam@beta.sch.uk",
            &test
                .with_school(&other.admin, "Beta School", "600003")
                .await,
            "GOVERNOR",
        )
        .await;
    for rule in [
        json!({ "approvers": [{ "personId": stranger, "capacity": "Chair" }] }),
        json!({ "approvers": [{ "personId": chair }] }),
        json!({ "approvers": [] }),
        json!({ "approvers": [{ "personId": chair, "capacity": "Chair" }], "quorum": 2 }),
        json!({ "approvers": [{ "personId": chair, "capacity": "x".repeat(500) }] }),
    ] {
        let answer = test
            .graphql(Some(&admin), SET_RULE, json!({ "p": policy, "rule": rule }))
            .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{rule}: {answer}");
    }
    // An oversized comment is refused; the chair's own comment is kept.
    let chair_session = sign_in(&test, &admin, "chair@riverside.sch.uk").await;
    let long = as_person(
        &test,
        &chair_session,
        COMMENT,
        json!({ "v": version, "body": "x".repeat(5_000) }),
    )
    .await;
    assert_eq!(error_code(&long), "BAD_USER_INPUT");
    data(
        as_person(
            &test,
            &chair_session,
            COMMENT,
            json!({ "v": version, "body": "Fine by me." }),
        )
        .await,
    );
    // The school's own admin manages it; a school admin cannot change a trust policy's rule.
    let own_admin = token(&test, &admin, "SCHOOL_ADMIN", Some(&school)).await;
    let own = test.data(&own_admin, REVIEW, v.clone()).await;
    assert_eq!(own["versionReview"]["canManage"], true);
    assert_eq!(
        own["versionReview"]["comments"].as_array().map(Vec::len),
        Some(1)
    );
    let trust_policy = test
        .data(
            &admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "kind": "TRUST_LOCKED", "title": "Trust AUP" } }),
        )
        .await["importPolicy"]["policy"]["id"]
        .clone();
    let answer = test
        .graphql(
            Some(&own_admin),
            SET_RULE,
            json!({ "p": trust_policy, "rule": { "approvers": [{ "role": "DPO" }] } }),
        )
        .await;
    assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
}

#[tokio::test]
async fn approvers_who_have_not_acted_are_asked_once_a_week() {
    let School {
        test,
        admin,
        version,
        ..
    } = school_with_rule().await;
    test.data(&admin, SUBMIT, json!({ "v": version })).await;
    let first = test.app.run_reminders().await.expect("tick");
    assert_eq!(first.approval_requests, 3, "chair, head and the reviewer");
    let head = sign_in(&test, &admin, "head@riverside.sch.uk").await;
    data(as_person(&test, &head, APPROVE, json!({ "v": version })).await);
    let same_week = test.app.run_reminders().await.expect("tick");
    assert_eq!(same_week.approval_requests, 0);
    test.clock.advance(chrono::Duration::days(7));
    let next_week = test.app.run_reminders().await.expect("tick");
    assert_eq!(
        next_week.approval_requests, 2,
        "the chair and the reviewer, not the head"
    );
    let outbox = test
        .data(
            &admin,
            "{ outbox(first: 200) { kind toAddress subject } }",
            json!({}),
        )
        .await;
    let subjects: Vec<&str> = outbox["outbox"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|mail| mail["kind"] == "approval_request")
        .filter_map(|mail| mail["subject"].as_str())
        .collect();
    assert!(
        subjects.contains(&"Approval needed: Staff Acceptable Use Policy (version 1)"),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&"Please review: Staff Acceptable Use Policy (version 1)"),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn the_trust_board_and_two_schools_governors_approve_only_their_own() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let admin = trust.admin.clone();
    let north = test.with_school(&admin, "North Primary", "600031").await;
    let south = test.with_school(&admin, "South Primary", "600032").await;
    let trustee = test
        .with_person(
            &admin,
            "Tess Trustee",
            "tess@alpha-trust.org.uk",
            &north,
            "GOVERNOR",
        )
        .await;
    let dpo = test
        .with_person(
            &admin,
            "Dee Protection",
            "dee@alpha-trust.org.uk",
            &north,
            "SUPPORT",
        )
        .await;
    crate::portal::grant(&test, "alpha", &dpo, "dpo", None).await;
    let north_chair = test
        .with_person(
            &admin,
            "Nina North",
            "nina@north.sch.uk",
            &north,
            "GOVERNOR",
        )
        .await;
    let south_chair = test
        .with_person(&admin, "Sol South", "sol@south.sch.uk", &south, "GOVERNOR")
        .await;
    // The trust's AUP: the board, with the DPO's seat held by whoever is DPO.
    let trust_aup = test
        .data(
            &admin,
            IMPORT,
            json!({ "input": { "text": TEXT, "kind": "TRUST_LOCKED", "title": "Trust AUP" } }),
        )
        .await;
    let trust_policy = trust_aup["importPolicy"]["policy"]["id"].clone();
    let trust_version = trust_aup["importPolicy"]["version"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rule = test
        .data(
            &admin,
            SET_RULE,
            json!({ "p": trust_policy, "rule": { "approvers": [
                { "personId": trustee, "capacity": "Chair of trustees" },
                { "role": "DPO" }
            ] } }),
        )
        .await;
    assert_eq!(rule["setApprovalRule"]["body"], "the trust board");
    assert_eq!(
        rule["setApprovalRule"]["approvers"][1]["capacity"],
        "Data Protection Officer"
    );
    // Each school's own AUP: its own chair.
    let mut school_versions = Vec::new();
    for (school, chair) in [(&north, &north_chair), (&south, &south_chair)] {
        let imported = test
            .data(
                &admin,
                IMPORT,
                json!({ "input": { "text": TEXT, "schoolId": school } }),
            )
            .await;
        test.data(
            &admin,
            SET_RULE,
            json!({ "p": imported["importPolicy"]["policy"]["id"], "rule": { "approvers": [{ "personId": chair, "capacity": "Chair of governors" }] } }),
        )
        .await;
        let version = imported["importPolicy"]["version"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        test.data(&admin, SUBMIT, json!({ "v": version })).await;
        school_versions.push(version);
    }
    test.data(&admin, SUBMIT, json!({ "v": trust_version }))
        .await;

    let tess = sign_in(&test, &admin, "tess@alpha-trust.org.uk").await;
    let dee = sign_in(&test, &admin, "dee@alpha-trust.org.uk").await;
    let nina = sign_in(&test, &admin, "nina@north.sch.uk").await;
    let sol = sign_in(&test, &admin, "sol@south.sch.uk").await;
    // Each sees only what waits for them (the DPO reads every policy, and decides the
    // trust's).
    let waiting = |answer: Value| -> Vec<(String, Value)> {
        data(answer)["reviewsAwaiting"]
            .as_array()
            .expect("list")
            .iter()
            .map(|item| {
                (
                    item["versionId"].as_str().unwrap_or_default().to_owned(),
                    item["myOpenSeats"].clone(),
                )
            })
            .collect()
    };
    const AWAITING: &str = "{ reviewsAwaiting { versionId myOpenSeats } }";
    assert_eq!(
        waiting(as_person(&test, &tess, AWAITING, json!({})).await),
        [(trust_version.clone(), json!(["Chair of trustees"]))]
    );
    assert_eq!(
        waiting(as_person(&test, &nina, AWAITING, json!({})).await),
        [(school_versions[0].clone(), json!(["Chair of governors"]))]
    );
    assert_eq!(
        waiting(as_person(&test, &sol, AWAITING, json!({})).await),
        [(school_versions[1].clone(), json!(["Chair of governors"]))]
    );
    let for_dee = waiting(as_person(&test, &dee, AWAITING, json!({})).await);
    assert_eq!(for_dee.len(), 3);
    assert_eq!(
        for_dee[0],
        (trust_version.clone(), json!(["Data Protection Officer"])),
        "hers to decide first"
    );
    // One school's chair cannot find, let alone approve, the other school's.
    for (who, other) in [(&nina, &school_versions[1]), (&sol, &school_versions[0])] {
        for query in [REVIEW, APPROVE] {
            let answer = as_person(&test, who, query, json!({ "v": other })).await;
            assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
        }
    }
    // Nor the trust's: a school governor holds no seat on the board.
    let answer = as_person(&test, &nina, APPROVE, json!({ "v": trust_version })).await;
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    // The DPO reads a school's review but holds no seat there.
    let answer = as_person(&test, &dee, APPROVE, json!({ "v": school_versions[0] })).await;
    assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");

    data(as_person(&test, &tess, APPROVE, json!({ "v": trust_version })).await);
    let board = data(as_person(&test, &dee, APPROVE, json!({ "v": trust_version })).await);
    assert_eq!(board["approveVersion"]["stage"], "APPROVED");
    data(as_person(&test, &nina, APPROVE, json!({ "v": school_versions[0] })).await);
    let south_review = test
        .data(&admin, REVIEW, json!({ "v": school_versions[1] }))
        .await;
    assert_eq!(
        south_review["versionReview"]["stage"], "IN_REVIEW",
        "south's still waits"
    );
    // The version's evidence carries its review.
    let evidence = test
        .data(&admin, "query($id: UUID!) { policyVersion(id: $id) { review { stage decisions { capacity personId } } } }", json!({ "id": trust_version }))
        .await;
    assert_eq!(
        evidence["policyVersion"]["review"]["decisions"],
        json!([{ "capacity": "Chair of trustees", "personId": trustee }, { "capacity": "Data Protection Officer", "personId": dpo }])
    );
}
