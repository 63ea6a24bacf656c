//! Who is on a breach (the countdown shows them), correcting the facts from the page,
//! the staff involved linked to their records, and the desk's incident-type and
//! reporter filters; each refused to those who may not.

use attest_tests::TestApp;
use serde_json::json;

use crate::access::token;
use crate::breach_desk::{report, staff_with_role, step};
use crate::portal::{field, get, signed_in};

pub(crate) struct Desk {
    pub(crate) test: TestApp,
    pub(crate) admin: String,
    pub(crate) school: String,
    pub(crate) dpo_token: String,
    pub(crate) teacher: String,
}

pub(crate) async fn desk(urn: &str) -> Desk {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.clone();
    let school = test.with_school(&admin, "North Primary", urn).await;
    for (name, email) in [
        ("Dee Protection", "dpo@alpha.example"),
        ("Dan Deputy", "deputy@alpha.example"),
    ] {
        staff_with_role(
            &test,
            ("alpha", &admin),
            &school,
            (name, email, "SUPPORT"),
            ("dpo", None),
        )
        .await;
    }
    staff_with_role(
        &test,
        ("alpha", &admin),
        &school,
        ("Sam Head", "sam@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&school)),
    )
    .await;
    let teacher = test
        .with_person(
            &admin,
            "Tia Teacher",
            "tia@alpha.example",
            &school,
            "TEACHING",
        )
        .await;
    let dpo_token = token(&test, &admin, "DPO", None).await;
    Desk {
        test,
        admin,
        school,
        dpo_token,
        teacher,
    }
}

#[tokio::test]
async fn whoever_triages_is_on_it_until_the_dpo_hands_it_on() {
    let Desk {
        test,
        admin,
        school,
        dpo_token,
        teacher: tia,
    } = desk("700801").await;
    let (id, reference) = report(&test, &dpo_token, &school, "A register left on a bus").await;
    let dpo = signed_in(&test, "alpha", &admin, "dpo@alpha.example").await;
    let (_, waiting) = get(&dpo, &test, "/breaches").await;
    assert!(waiting.contains("nobody yet"), "{waiting}");
    let (status, _) = step(&dpo, &test, &id, "triage", &[]).await;
    assert_eq!(status, 303);
    let (_, desk_page) = get(&dpo, &test, "/breaches").await;
    assert!(
        desk_page.contains("Dee Protection"),
        "on the countdown: {desk_page}"
    );

    // Handed to the deputy DPO: the desk and the timeline say so.
    let handlers = test
        .data(
            &dpo_token,
            "{ breachHandlers { personId name } }",
            json!({}),
        )
        .await["breachHandlers"]
        .clone();
    let names: Vec<&str> = handlers
        .as_array()
        .expect("handlers")
        .iter()
        .filter_map(|h| h["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Dan Deputy", "Dee Protection"],
        "DPO role holders only"
    );
    let deputy = handlers[0]["personId"].as_str().expect("id").to_owned();
    let (status, _) = step(&dpo, &test, &id, "assign", &[("person_id", &deputy)]).await;
    assert_eq!(status, 303);
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert!(
        page.contains("now with Dan Deputy"),
        "on the timeline: {page}"
    );
    let (_, desk_page) = get(&dpo, &test, "/breaches").await;
    assert!(desk_page.contains("Dan Deputy"), "{desk_page}");

    // Not to a teacher; not by a school admin; not for another trust.
    let (status, shown) = step(&dpo, &test, &id, "assign", &[("person_id", &tia)]).await;
    assert_eq!(status, 422);
    assert!(
        shown.contains("only to someone who acts as the DPO"),
        "{shown}"
    );
    let head = signed_in(&test, "alpha", &admin, "sam@alpha.example").await;
    let (_, head_page) = get(&head, &test, &format!("/breaches/{id}")).await;
    assert!(!head_page.contains("Hand it on"), "{head_page}");
    let refused = test
        .graphql(
            Some(&token(&test, &admin, "SCHOOL_ADMIN", Some(&school)).await),
            "mutation($id: UUID!, $p: UUID!) { assignBreach(id: $id, version: 3, personId: $p) { version } }",
            json!({ "id": id, "p": deputy }),
        )
        .await;
    assert_eq!(attest_tests::error_code(&refused), "FORBIDDEN", "{refused}");
    let beta = test.trust("beta").await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;
    let other = test
        .graphql(
            Some(&beta_dpo),
            "mutation($id: UUID!, $p: UUID!) { assignBreach(id: $id, version: 3, personId: $p) { version } }",
            json!({ "id": id, "p": deputy }),
        )
        .await;
    assert!(
        ["BAD_USER_INPUT", "NOT_FOUND"].contains(&attest_tests::error_code(&other)),
        "{other}"
    );
    let listed = test
        .data(
            &dpo_token,
            "query($id: UUID!) { breach(id: $id) { reference handler { name } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(listed["breach"]["reference"], reference.as_str());
    assert_eq!(listed["breach"]["handler"]["name"], "Dan Deputy");
}

#[tokio::test]
async fn the_dpo_corrects_the_facts_on_the_report_form_and_staff_link_to_their_records() {
    let Desk {
        test,
        admin,
        school,
        dpo_token,
        ..
    } = desk("700802").await;
    let (id, _) = report(
        &test,
        &dpo_token,
        &school,
        "Reports emailed to the wrong parent",
    )
    .await;
    let dpo = signed_in(&test, "alpha", &admin, "dpo@alpha.example").await;
    let (status, form) = get(&dpo, &test, &format!("/breaches/{id}/correct")).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("Correct the facts of BR-"), "{form}");
    assert!(
        form.contains("value=\"basic_identifiers\" checked"),
        "ticked as recorded: {form}"
    );
    assert!(
        form.contains("name=\"people_affected\" min=\"0\" value=\"28\""),
        "{form}"
    );

    let csrf = field(&form, "csrf").to_owned();
    let version = field(&form, "version").to_owned();
    let post = |fields: Vec<(&'static str, String)>| {
        let dpo = dpo.clone();
        let url = test.url(&format!("/breaches/{id}/correct"));
        async move {
            let response = dpo.post(url).form(&fields).send().await.expect("post");
            let status = response.status().as_u16();
            (status, response.text().await.expect("page"))
        }
    };
    let discovered = field(&form, "discovered_at").to_owned();
    let facts = |people: &str, staff: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            (
                "what_happened",
                "Reports emailed to the wrong parent".to_owned(),
            ),
            ("discovered_at", discovered.clone()),
            ("how_discovered", "A parent rang.".to_owned()),
            ("cyber_incident", "no".to_owned()),
            ("staff_involved", "yes".to_owned()),
            ("recovered_or_contained", "yes".to_owned()),
            ("data", "basic_identifiers".to_owned()),
            ("people", "pupils".to_owned()),
            ("people_affected", people.to_owned()),
            ("records_affected", "31".to_owned()),
            (
                "incident_type",
                "data_emailed_to_incorrect_recipient".to_owned(),
            ),
            ("staff_emails", staff.to_owned()),
            ("staff_trained_on", "2026-09-02".to_owned()),
            ("reporter_name", "Sid Staff".to_owned()),
            ("note", "The office found three more".to_owned()),
        ]
    };
    // A staff address nobody in the trust has is said so, with what was typed kept.
    let (status, shown) = post(facts("31", "nobody@alpha.example")).await;
    assert_eq!(status, 422, "{shown}");
    assert!(
        shown.contains("nobody at this trust has the email address"),
        "{shown}"
    );
    assert!(shown.contains("value=\"31\""), "kept: {shown}");
    let (status, shown) = post(facts("31", "tia@alpha.example")).await;
    assert_eq!(status, 303, "{shown}");
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert!(page.contains("Tia Teacher"), "linked staff: {page}");
    assert!(page.contains("2 September 2026"), "training date: {page}");
    assert!(page.contains("31 (31 records)"), "{page}");
    assert!(page.contains("facts corrected"), "{page}");
    let timeline = test
        .data(
            &dpo_token,
            "query($id: UUID!) { breach(id: $id) { staffPeople { name personId } timeline { action detail } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(timeline["breach"]["staffPeople"][0]["name"], "Tia Teacher");
    let corrected = timeline["breach"]["timeline"]
        .as_array()
        .and_then(|events| events.iter().find(|e| e["action"] == "facts_corrected"))
        .expect("correction on the timeline")
        .clone();
    let fields: Vec<&str> = corrected["detail"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|change| change["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"people_affected") && fields.contains(&"staff_people"),
        "{fields:?}"
    );
    // The form again, at the old version: a conflict, shown on the form.
    let (status, shown) = post(facts("32", "tia@alpha.example")).await;
    assert_eq!(status, 422, "{shown}");
    assert!(shown.contains("changed by someone else"), "{shown}");

    // A school admin, another trust's DPO and anonymous callers do not get the form.
    let head = signed_in(&test, "alpha", &admin, "sam@alpha.example").await;
    assert_eq!(
        get(&head, &test, &format!("/breaches/{id}/correct"))
            .await
            .0,
        403
    );
    let beta = test.trust("beta").await;
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "700899")
        .await;
    staff_with_role(
        &test,
        ("beta", &beta.admin),
        &beta_school,
        ("Bea Beta", "dpo@beta.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let other = signed_in(&test, "beta", &beta.admin, "dpo@beta.example").await;
    assert_eq!(
        get(&other, &test, &format!("/breaches/{id}/correct"))
            .await
            .0,
        404
    );
    assert_eq!(
        get(
            &reqwest::Client::new(),
            &test,
            &format!("/breaches/{id}/correct")
        )
        .await
        .0,
        401
    );
}

#[tokio::test]
async fn the_desk_filters_by_incident_type_and_reporter() {
    let Desk {
        test,
        admin,
        school,
        dpo_token,
        ..
    } = desk("700803").await;
    let (_, laptop) = report(&test, &dpo_token, &school, "A laptop was stolen").await;
    let other_reporter = token(&test, &admin, "DPO", None).await;
    let (email_id, email) = report(
        &test,
        &other_reporter,
        &school,
        "Reports emailed to the wrong parent",
    )
    .await;
    let dpo = signed_in(&test, "alpha", &admin, "dpo@alpha.example").await;
    let (_, form) = get(&dpo, &test, &format!("/breaches/{email_id}/correct")).await;
    let discovered = field(&form, "discovered_at").to_owned();
    let fields = [
        ("csrf", field(&form, "csrf").to_owned()),
        ("version", "1".to_owned()),
        (
            "what_happened",
            "Reports emailed to the wrong parent".to_owned(),
        ),
        ("discovered_at", discovered),
        ("how_discovered", "A parent rang.".to_owned()),
        ("cyber_incident", "no".to_owned()),
        ("staff_involved", "yes".to_owned()),
        ("recovered_or_contained", "yes".to_owned()),
        ("data", "basic_identifiers".to_owned()),
        ("people", "pupils".to_owned()),
        (
            "incident_type",
            "data_emailed_to_incorrect_recipient".to_owned(),
        ),
        ("reporter_name", "Sid Staff".to_owned()),
        ("note", "Type known".to_owned()),
    ];
    let response = dpo
        .post(test.url(&format!("/breaches/{email_id}/correct")))
        .form(&fields)
        .send()
        .await
        .expect("correct");
    assert_eq!(response.status().as_u16(), 303);

    let (_, by_type) = get(
        &dpo,
        &test,
        "/breaches?incident=data_emailed_to_incorrect_recipient",
    )
    .await;
    assert!(
        by_type.contains(&email) && !by_type.contains(&laptop),
        "{by_type}"
    );
    let (_, all) = get(&dpo, &test, "/breaches").await;
    assert!(
        all.contains("Reported by"),
        "a reporter filter when there are two: {all}"
    );
    let reporter = all
        .split("<option value=\"")
        .skip(1)
        .filter_map(|option| option.split_once("\">"))
        .find(|(value, _)| uuid::Uuid::parse_str(value).is_ok())
        .map(|(value, _)| value.to_owned())
        .expect("a reporter option");
    let (_, by_reporter) = get(&dpo, &test, &format!("/breaches?reporter={reporter}")).await;
    assert_eq!(
        [by_reporter.contains(&laptop), by_reporter.contains(&email)]
            .iter()
            .filter(|shown| **shown)
            .count(),
        1,
        "one reporter's breach: {by_reporter}"
    );
    assert_eq!(get(&dpo, &test, "/breaches?incident=meteor").await.0, 422);
    assert_eq!(get(&dpo, &test, "/breaches?reporter=someone").await.0, 422);
}
