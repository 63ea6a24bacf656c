//! The termly breach report for the trust board, as a page with downloads and as
//! GraphQL: counts only, for the DPO and trust admins of its own trust.

use attest_tests::error_code;
use serde_json::json;

use crate::access::token;
use crate::breach_desk::report;
use crate::breach_handling::{Desk, desk};
use crate::portal::{get, signed_in};

#[tokio::test]
async fn the_board_report_counts_a_term_for_the_dpo_only() {
    let Desk {
        test,
        admin,
        school,
        dpo_token,
        ..
    } = desk("700804").await;
    report(&test, &dpo_token, &school, "A laptop was stolen").await;
    let dpo = signed_in(&test, "alpha", &admin, "dpo@alpha.example").await;
    let (status, page) = get(&dpo, &test, "/breaches/board-report?term=autumn-2026").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Autumn term 2026"), "{page}");
    assert!(page.contains("<svg role=\"img\""), "a chart: {page}");
    assert!(page.contains("North Primary"), "{page}");
    assert!(!page.contains("A laptop was stolen"), "counts only: {page}");
    let (status, csv) = get(
        &dpo,
        &test,
        "/breaches/board-report?term=autumn-2026&format=csv",
    )
    .await;
    assert_eq!(status, 200);
    assert!(csv.contains("summary,Breaches discovered,1"), "{csv}");
    assert!(csv.contains("school,North Primary,1"), "{csv}");
    let (_, none) = get(
        &dpo,
        &test,
        "/breaches/board-report?term=spring-2026&format=md",
    )
    .await;
    assert!(none.contains("| Breaches discovered | 0 |"), "{none}");
    assert_eq!(
        get(&dpo, &test, "/breaches/board-report?term=winter-2026")
            .await
            .0,
        422
    );
    let head = signed_in(&test, "alpha", &admin, "sam@alpha.example").await;
    assert_eq!(get(&head, &test, "/breaches/board-report").await.0, 403);
    assert_eq!(
        get(&reqwest::Client::new(), &test, "/breaches/board-report")
            .await
            .0,
        401
    );
}

const BOARD: &str = "query($term: String, $from: NaiveDate, $to: NaiveDate) { breachBoardReport(term: $term, from: $from, to: $to) { label term from to total bySchool { label count } byIncidentType { label count } byRisk { label count } reportedToIco stillOpen overdue timeToTriage { medianHours of } } }";

#[tokio::test]
async fn the_board_report_over_graphql_keeps_to_its_trust_and_role() {
    let Desk {
        test,
        admin,
        school,
        dpo_token,
        ..
    } = desk("700805").await;
    report(&test, &dpo_token, &school, "A laptop was stolen").await;
    report(&test, &dpo_token, &school, "An email to the wrong parent").await;

    let term = test
        .data(&dpo_token, BOARD, json!({ "term": "autumn-2026" }))
        .await["breachBoardReport"]
        .clone();
    assert_eq!(term["label"], "Autumn term 2026", "{term}");
    assert_eq!(
        (term["from"].as_str(), term["to"].as_str()),
        (Some("2026-09-01"), Some("2026-12-31"))
    );
    assert_eq!(term["total"], 2, "{term}");
    assert_eq!(
        term["bySchool"],
        json!([{ "label": "North Primary", "count": 2 }])
    );
    assert_eq!(term["stillOpen"], 2, "{term}");
    assert_eq!(
        term["timeToTriage"],
        json!(null),
        "nothing triaged yet: {term}"
    );
    let current = test.data(&dpo_token, BOARD, json!({})).await["breachBoardReport"].clone();
    assert_eq!(
        current["term"], "autumn-2026",
        "the current term by default: {current}"
    );
    let days = test
        .data(
            &dpo_token,
            BOARD,
            json!({ "from": "2026-01-01", "to": "2026-08-31" }),
        )
        .await["breachBoardReport"]
        .clone();
    assert_eq!(
        (days["term"].clone(), days["total"].clone()),
        (json!(null), json!(0)),
        "{days}"
    );

    // Bad periods say what was wrong.
    for (variables, says) in [
        (json!({ "term": "winter-2026" }), "winter"),
        (
            json!({ "term": "autumn-2026", "from": "2026-09-01" }),
            "both from and to",
        ),
        (json!({ "from": "2026-09-01" }), "both from and to"),
        (
            json!({ "from": "2026-12-01", "to": "2026-09-01" }),
            "before",
        ),
        (
            json!({ "from": "2020-01-01", "to": "2026-09-01" }),
            "two years",
        ),
    ] {
        let refused = test
            .graphql(Some(&dpo_token), BOARD, variables.clone())
            .await;
        assert_eq!(
            error_code(&refused),
            "BAD_USER_INPUT",
            "{variables}: {refused}"
        );
        assert!(refused.to_string().contains(says), "{variables}: {refused}");
    }
    let malformed = test
        .graphql(
            Some(&dpo_token),
            BOARD,
            json!({ "from": "next tuesday", "to": "2026-09-01" }),
        )
        .await;
    assert_eq!(error_code(&malformed), "BAD_USER_INPUT", "{malformed}");

    // Only the DPO and trust admins; a school admin of the school and read-only tokens are refused.
    let trust_admin =
        test.data(&admin, BOARD, json!({})).await["breachBoardReport"]["total"].clone();
    assert_eq!(trust_admin, 2);
    for role in ["SCHOOL_ADMIN", "READ_ONLY"] {
        let caller = token(
            &test,
            &admin,
            role,
            (role == "SCHOOL_ADMIN").then_some(school.as_str()),
        )
        .await;
        let refused = test.graphql(Some(&caller), BOARD, json!({})).await;
        assert_eq!(error_code(&refused), "FORBIDDEN", "{role}: {refused}");
    }
    let anonymous = test.graphql(None, BOARD, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED", "{anonymous}");

    // Another trust's DPO counts only its own trust's breaches.
    let beta = test.trust("beta").await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;
    let theirs = test
        .data(&beta_dpo, BOARD, json!({ "term": "autumn-2026" }))
        .await["breachBoardReport"]
        .clone();
    assert_eq!(
        (theirs["total"].clone(), theirs["bySchool"].clone()),
        (json!(0), json!([])),
        "{theirs}"
    );
}
