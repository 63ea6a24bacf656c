//! The DPO's casework on the pages: log a request, stop and restart its clock, attach
//! a document and download it back, the register's filters and export; the term
//! calendar form with a line-numbered mistake; records of processing and suppliers;
//! a school admin sees only their school's; forms without the page's token are refused.

use attest_tests::TestApp;
use serde_json::json;

use crate::access::token;
use crate::breach_desk::staff_with_role;
use crate::portal::{field, get, signed_in};
use crate::requests::{LOG, sar};

async fn post(
    browser: &reqwest::Client,
    test: &TestApp,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, shown) = get(browser, test, page).await;
    let csrf = field(&shown, "csrf").to_owned();
    let mut form = vec![("csrf", csrf.as_str())];
    if shown.contains("name=\"version\"") {
        form.push(("version", field(&shown, "version")));
    }
    form.extend_from_slice(fields);
    let response = browser
        .post(test.url(action))
        .form(&form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("text");
    (status, if status == 303 { location } else { text })
}

#[tokio::test]
async fn the_dpo_works_requests_and_records_on_the_pages() {
    let test = TestApp::spawn().await;
    let admin = test.trust("alpha").await.admin;
    let school = test
        .with_school(&admin, "Riverside Primary", "730001")
        .await;
    let other = test.with_school(&admin, "Other Primary", "730002").await;
    staff_with_role(
        &test,
        ("alpha", &admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    staff_with_role(
        &test,
        ("alpha", &admin),
        &other,
        ("Oli Head", "oli@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&other)),
    )
    .await;
    let dpo = signed_in(&test, "alpha", &admin, "dpo@alpha.example").await;
    let head = signed_in(&test, "alpha", &admin, "oli@alpha.example").await;

    let (status, calendar_page) = get(&dpo, &test, "/calendar").await;
    assert_eq!(status, 200);
    assert!(calendar_page.contains("No term dates yet"));
    let (status, shown) = post(
        &dpo,
        &test,
        "/calendar",
        "/calendar",
        &[
            (
                "terms",
                "Autumn 2026, 2026-09-02, 2026-12-18\nSpring, 4 January, 2027-03-26",
            ),
            ("inset_days", ""),
            ("extra_bank_holidays", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(shown.contains("line 2"), "{shown}");
    assert!(
        shown.contains("Spring, 4 January"),
        "what was typed is kept"
    );
    let (status, _) = post(
        &dpo,
        &test,
        "/calendar",
        "/calendar",
        &[
            (
                "terms",
                "Autumn 2026, 2026-09-02, 2026-12-18\nSpring 2027, 2027-01-04, 2027-03-26",
            ),
            ("inset_days", "2027-01-04"),
            ("extra_bank_holidays", ""),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, calendar_page) = get(&dpo, &test, "/calendar").await;
    assert!(calendar_page.contains("Spring 2027") && calendar_page.contains("Fri 26 Mar 2027"));
    let (_, head_calendar) = get(&head, &test, "/calendar").await;
    assert!(
        !head_calendar.contains("Save the calendar"),
        "the form is the DPO's"
    );

    // Log an FOI request on the register's form.
    let (status, location) = post(
        &dpo,
        &test,
        "/requests",
        "/requests",
        &[
            ("kind", "foi"),
            ("school", &school),
            ("received_on", "2026-11-23"),
            ("requester_name", "Ria Reporter"),
            ("requester_contact", "ria@news.example"),
            ("relationship", "member_of_public"),
            ("about", ""),
            ("description", "Agency staff spending"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert!(location.starts_with("/requests/"));
    let (_, page) = get(&dpo, &test, &location).await;
    assert!(page.contains("FOI-2026-001"));
    assert!(
        page.contains("Tue 5 Jan 2027"),
        "20 school days on the calendar"
    );
    let (status, shown) = post(
        &dpo,
        &test,
        &location,
        &format!("{location}/stop"),
        &[
            ("reason", "clarification"),
            ("from", "2026-11-23"),
            ("note", "which years?"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{shown}");
    let (_, page) = get(&dpo, &test, &location).await;
    assert!(page.contains("the clock is stopped"));
    let (status, shown) = post(
        &dpo,
        &test,
        &location,
        &format!("{location}/restart"),
        &[("on", "2026-11-22")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(shown.contains("before the clock stopped"), "{shown}");
    // A form without the page's token is refused.
    let forged = dpo
        .post(test.url(&format!("{location}/note")))
        .form(&[("version", "2"), ("text", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);

    // A document, attached on the page and downloaded back.
    let (_, page) = get(&dpo, &test, &location).await;
    let csrf = field(&page, "csrf").to_owned();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("description", "Clarification letter")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"Dear Ria, which years do you mean?".to_vec())
                .file_name("letter.txt"),
        );
    let attached = dpo
        .post(test.url(&format!("{location}/documents")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(
        attached.status().as_u16(),
        303,
        "{:?}",
        attached.headers().get("location")
    );
    let (_, page) = get(&dpo, &test, &location).await;
    let page = page.replace("&#x2f;", "/");
    let start = page.find("/exports/requests/").unwrap_or_else(|| {
        panic!(
            "download link in {}",
            &page[page.find("id=\"documents\"").unwrap_or(0)..]
        )
    });
    let href = &page[start..start + page[start..].find('"').expect("end")];
    let (status, bytes) = get(&dpo, &test, href).await;
    assert_eq!(
        (status, bytes.as_str()),
        (200, "Dear Ria, which years do you mean?")
    );
    let (status, _) = get(&head, &test, href).await;
    assert_eq!(status, 404, "another school's admin");

    // The register: the school admin of another school sees none of it.
    test.data(
        &token(&test, &admin, "DPO", None).await,
        LOG,
        sar(Some(&other), "2026-11-20"),
    )
    .await;
    let (_, register) = get(&dpo, &test, "/requests?kind=foi").await;
    assert!(register.contains("FOI-2026-001") && !register.contains("SAR-2026-002"));
    let (_, heads) = get(&head, &test, "/requests").await;
    assert!(
        heads.contains("SAR-2026-002") && !heads.contains("FOI-2026-001"),
        "{heads}"
    );
    let (status, _) = get(&head, &test, &location).await;
    assert_eq!(status, 404);

    // Records of processing and suppliers.
    let (status, shown) = post(
        &dpo,
        &test,
        "/records",
        "/records/suppliers",
        &[
            ("name", "Arbor Education"),
            ("service", "MIS"),
            ("people", "pupils"),
            ("data", "basic_identifiers"),
            ("location", "uk"),
            ("dpa_signed_on", "2024-08-20"),
            ("review_on", "2027-09-01"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{shown}");
    let (status, shown) = post(
        &dpo,
        &test,
        "/records",
        "/records/activities",
        &[
            ("name", "Admissions"),
            ("school", ""),
            ("purpose", "Places"),
            ("lawful_basis", "public_task"),
            ("people", "pupils"),
            ("data", "health"),
            ("recipients", "LA"),
            ("retention", "1 year"),
            ("security", "RBAC"),
        ],
    )
    .await;
    assert_eq!(status, 422, "health data needs its article 9 condition");
    assert!(shown.contains("article 9"), "{shown}");
    let (_, records) = get(&dpo, &test, "/records").await;
    assert!(records.contains("Arbor Education") && records.contains("2024-08-20"));
    let (_, head_records) = get(&head, &test, "/records").await;
    assert!(!head_records.contains("Add a supplier"));
    let (status, _) = post(
        &head,
        &test,
        "/records",
        "/records/suppliers",
        &[("name", "X")],
    )
    .await;
    assert_eq!(status, 403);
    // The breach page links the breach to the supplier it involved.
    let dpo_token = token(&test, &admin, "DPO", None).await;
    let (breach, _) = crate::breach_desk::report(
        &test,
        &dpo_token,
        &school,
        "MIS export sent to the wrong school",
    )
    .await;
    let supplier = test
        .data(&dpo_token, "{ suppliers { id } }", json!({}))
        .await["suppliers"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let page = format!("/breaches/{breach}");
    let (status, shown) = post(
        &dpo,
        &test,
        &page,
        &format!("{page}/records"),
        &[("supplier", &supplier)],
    )
    .await;
    assert_eq!(status, 303, "{shown}");
    let (_, shown) = get(&dpo, &test, &page).await;
    assert!(
        shown.contains("Supplier: Arbor Education"),
        "linked on the breach"
    );
    let (_, records) = get(&dpo, &test, "/records").await;
    assert!(
        records.contains(&format!("/breaches/{breach}")),
        "and the breach on the supplier"
    );
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let (status, _) = get(&anonymous, &test, "/requests").await;
    assert_ne!(status, 200);
}
