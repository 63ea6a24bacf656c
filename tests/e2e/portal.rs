//! The pages people use after signing in with their school account: a member of staff
//! signs from "My policies", their school admin sees it on the school's dashboard (and
//! downloads the list), the trust sees its schools side by side, and the DPO's desk
//! counts down to the ICO deadline. Each page allows exactly what the API allows: other
//! schools and other trusts get "not found", other roles "forbidden".

use attest_app::{Clock, VerifiedLogin};
use attest_domain::{PersonId, SchoolId};
use attest_tests::TestApp;
use chrono::Duration;
use serde_json::json;

use crate::access::token;

use crate::signing::fixture;

/// Adds the trust's sign-in provider (once) and signs `email` in through it, as the
/// callback does after the provider vouched for them; a browser holding the session.
pub(crate) async fn signed_in(
    test: &TestApp,
    trust: &str,
    admin: &str,
    email: &str,
) -> reqwest::Client {
    let token = session_token(test, trust, admin, email).await;
    // A cookie jar, as a browser keeps one: renewed session cookies replace the first.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("attest_session={token}; Path=/"),
        &test.url("/").parse().expect("url"),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("browser")
}

/// The session token `email` gets on signing in through the trust's provider.
pub(crate) async fn session_token(test: &TestApp, trust: &str, admin: &str, email: &str) -> String {
    let exists = test
        .data(admin, "{ identityProviders { slug } }", json!({}))
        .await;
    if exists["identityProviders"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        test.data(
            admin,
            "mutation($input: IdentityProviderInput!) { addIdentityProvider(input: $input) { slug } }",
            json!({ "input": {
                "kind": "oidc", "slug": "staff", "displayName": "School account",
                "clientId": "attest", "clientSecret": "secret",
                "issuer": "http://127.0.0.1:9/oidc", "linkByEmail": true
            }}),
        )
        .await;
    }
    let provider = test
        .app
        .login_provider(trust, "staff")
        .await
        .expect("provider");
    let signed = test
        .app
        .complete_sign_in(
            &provider,
            VerifiedLogin {
                issuer: provider.settings.issuer.clone(),
                subject: email.to_owned(),
                email: Some(email.to_owned()),
                email_verified: true,
                ..VerifiedLogin::default()
            },
        )
        .await
        .expect("signed in");
    signed.token
}

pub(crate) async fn get(browser: &reqwest::Client, test: &TestApp, path: &str) -> (u16, String) {
    let response = browser.get(test.url(path)).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

pub(crate) fn field<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("end of value") + start;
    &html[start..end]
}

pub(crate) async fn grant(
    test: &TestApp,
    trust: &str,
    person: &str,
    role: &str,
    school: Option<&str>,
) {
    let operator = test.app.operator_for(trust).await.expect("operator");
    test.app
        .grant_role(
            &operator,
            person.parse::<PersonId>().expect("person"),
            role,
            school.map(|id| id.parse::<SchoolId>().expect("school")),
        )
        .await
        .expect("role");
}

#[tokio::test]
async fn staff_sign_on_their_page_and_their_school_admin_sees_it() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let f = fixture(&test, admin, "300010", &["Cara Lee", "Dan Moss"]).await;
    let head = test
        .with_person(
            admin,
            "Sam Head",
            "sam.head@300010.sch.uk",
            &f.school,
            "LEADERSHIP",
        )
        .await;
    grant(&test, "alpha", &head, "school_admin", Some(&f.school)).await;
    let cara = signed_in(&test, "alpha", admin, "cara.lee@300010.sch.uk").await;
    let sam = signed_in(&test, "alpha", admin, "sam.head@300010.sch.uk").await;

    let (status, me) = get(&cara, &test, "/me").await;
    assert_eq!(status, 200, "{me}");
    let link = format!("/me/sign/{}?school={}", f.version, f.school);
    assert!(
        me.contains(&link.replace('&', "&amp;")) || me.contains(&link),
        "{me}"
    );
    let (status, form) = get(&cara, &test, &link).await;
    assert_eq!(status, 200, "{form}");
    assert!(
        form.contains("<label for=\"typed_name\">"),
        "labelled fields"
    );
    let hash = field(&form, "content_hash").to_owned();
    let csrf = field(&form, "csrf").to_owned();
    let answers = [
        ("content_hash", hash.as_str()),
        ("typed_name", "Cara Lee"),
        ("answer.consent_1", "agree"),
        ("decision", "sign"),
    ];
    let forged = cara
        .post(test.url(&link))
        .form(&answers)
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403, "no CSRF token, no signature");
    let mut with_token = answers.to_vec();
    with_token.push(("csrf", csrf.as_str()));
    let done = cara
        .post(test.url(&link))
        .form(&with_token)
        .send()
        .await
        .expect("post");
    assert_eq!(done.status(), 200);
    let done = done.text().await.expect("html");
    assert!(done.contains("you have signed"), "{done}");
    let (_, me) = get(&cara, &test, "/me").await;
    assert!(me.contains("Nothing to do at the moment"), "{me}");
    // Her receipt, with the evidence, is hers alone.
    let receipt = me
        .split("href=\"/receipts/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a receipt link")
        .to_owned();
    let (status, page) = get(&cara, &test, &format!("/receipts/{receipt}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Row hash") && page.contains("Cara Lee"),
        "{page}"
    );
    let dan = signed_in(&test, "alpha", admin, "dan.moss@300010.sch.uk").await;
    assert_eq!(
        get(&dan, &test, &format!("/receipts/{receipt}")).await.0,
        404
    );
    // Her school admin, signed in as themselves, reads it through their role.
    assert_eq!(
        get(&sam, &test, &format!("/receipts/{receipt}")).await.0,
        200
    );

    // Her school admin's dashboard: one of three signed (Cara; Dan and Sam still due).
    let dashboard = format!("/schools/{}", f.school);
    let (status, page) = get(&sam, &test, &format!("{dashboard}?status=due")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<strong>33.3%</strong>"), "{page}");
    assert!(
        page.contains("Dan Moss") && !page.contains("Cara Lee"),
        "{page}"
    );
    assert!(
        page.contains("aria-current=\"page\""),
        "the nav marks where she is"
    );
    let (status, csv) = get(
        &sam,
        &test,
        &format!("/exports/compliance.csv?schoolId={}", f.school),
    )
    .await;
    assert_eq!(
        status, 200,
        "the page's CSV link works with the session: {csv}"
    );
    assert!(
        csv.contains("Cara Lee") && csv.contains("Dan Moss"),
        "{csv}"
    );

    // "Send reminders now": a signing link to each of the two still due.
    let (_, page) = get(&sam, &test, &dashboard).await;
    assert!(page.contains("Progress over the last weeks"), "{page}");
    let csrf = field(&page, "csrf").to_owned();
    let reminded = sam
        .post(test.url(&format!("{dashboard}/remind")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("remind");
    assert_eq!(reminded.status(), 303);
    let back = reminded
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("location")
        .to_owned();
    let (_, page) = get(&sam, &test, &back).await;
    assert!(page.contains("Signing links sent to 2 people."), "{page}");
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let links = attest_store::Outbox::new(&test.db, &operator.scope())
        .recent(50)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|message| message.kind == "magic_link")
        .count();
    assert_eq!(links, 2);
    let refused = cara
        .post(test.url(&format!("{dashboard}/remind")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("remind");
    assert_eq!(refused.status(), 403, "not with another session's token");
    let (_, her_page) = get(&cara, &test, "/me").await;
    let her_csrf = field(&her_page, "csrf").to_owned();
    let refused = cara
        .post(test.url(&format!("{dashboard}/remind")))
        .form(&[("csrf", her_csrf.as_str())])
        .send()
        .await
        .expect("remind");
    assert_eq!(refused.status(), 403, "not her school to remind");

    // Dan signed on paper: his school admin records it from the outstanding list.
    let (_, due) = get(&sam, &test, &format!("{dashboard}?status=due")).await;
    let paper = format!(
        "{dashboard}/paper?person={}&version={}",
        f.people[1], f.version
    );
    assert!(due.contains(&paper.replace('&', "&amp;")), "{due}");
    let (status, form) = get(&sam, &test, &paper).await;
    assert_eq!(status, 200, "{form}");
    let csrf = field(&form, "csrf").to_owned();
    let mut written = vec![
        ("csrf", csrf.as_str()),
        ("answer.consent_1", "agree"),
        ("typed_name", "Dan Moss"),
        ("signed_on", "2026-11-23"),
        ("note", ""),
    ];
    let unsaid = sam
        .post(test.url(&paper))
        .form(&written)
        .send()
        .await
        .expect("post");
    assert_eq!(unsaid.status(), 422, "where is the paper kept?");
    assert!(
        unsaid
            .text()
            .await
            .expect("html")
            .contains("where the paper form is kept")
    );
    written[4] = (
        "note",
        "In Dan's staff file; witnessed by the office manager",
    );
    let recorded = sam
        .post(test.url(&paper))
        .form(&written)
        .send()
        .await
        .expect("post");
    assert_eq!(recorded.status(), 303);
    let (_, page) = get(
        &sam,
        &test,
        &format!("{dashboard}?status=compliant&recorded=Dan%20Moss"),
    )
    .await;
    assert!(
        page.contains("Paper form recorded for Dan Moss.") && page.contains("<td>Dan Moss</td>"),
        "{page}"
    );
    assert_eq!(
        get(&cara, &test, &paper).await.0,
        404,
        "staff cannot open another person's obligation"
    );

    // Not hers: another school, the trust overview; and not Cara's at all.
    let other = test.with_school(admin, "Other Primary", "300011").await;
    assert_eq!(get(&sam, &test, &format!("/schools/{other}")).await.0, 404);
    assert_eq!(get(&sam, &test, "/trust").await.0, 403);
    assert_eq!(get(&cara, &test, &dashboard).await.0, 404);
    assert_eq!(
        get(&test.client, &test, &dashboard).await.0,
        401,
        "signed out"
    );

    // The trust admin (signed in as a person) sees the schools side by side.
    let it = test
        .with_person(admin, "Ivy Tee", "ivy@trust.example", &f.school, "SUPPORT")
        .await;
    grant(&test, "alpha", &it, "trust_admin", None).await;
    let ivy = signed_in(&test, "alpha", admin, "ivy@trust.example").await;
    let (status, overview) = get(&ivy, &test, "/trust").await;
    assert_eq!(status, 200, "{overview}");
    assert!(
        overview.contains("School 300010") && overview.contains("Other Primary"),
        "{overview}"
    );
    assert!(overview.contains("No directory sync has run"), "{overview}");

    // Another trust's admin, signed in there, finds nothing of Alpha's.
    let beta = test.trust("beta").await;
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "300012")
        .await;
    let bea = test
        .with_person(
            &beta.admin,
            "Bea Beta",
            "bea@beta.example",
            &beta_school,
            "SUPPORT",
        )
        .await;
    grant(&test, "beta", &bea, "trust_admin", None).await;
    let bea = signed_in(&test, "beta", &beta.admin, "bea@beta.example").await;
    assert_eq!(get(&bea, &test, &dashboard).await.0, 404);
    assert_eq!(get(&bea, &test, &link).await.0, 404);
    let (_, theirs) = get(&bea, &test, "/trust").await;
    assert!(!theirs.contains("School 300010"), "{theirs}");
}

#[tokio::test]
async fn the_dpo_desk_counts_down_to_the_ico_deadline() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "Riverside Primary", "700101").await;
    let other = test.with_school(admin, "Hillside Primary", "700102").await;
    let dee = test
        .with_person(
            admin,
            "Dee Protection",
            "dpo@trust.example",
            &school,
            "SUPPORT",
        )
        .await;
    grant(&test, "alpha", &dee, "dpo", None).await;
    let hal = test
        .with_person(admin, "Hal Hill", "hal@trust.example", &other, "LEADERSHIP")
        .await;
    grant(&test, "alpha", &hal, "school_admin", Some(&other)).await;
    test.with_person(admin, "Sid Staff", "sid@trust.example", &school, "TEACHING")
        .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let now = test.clock.now();
    let reported = test
        .data(
            &dpo_token,
            "mutation($input: ReportBreachInput!) { reportBreach(input: $input) { id reference } }",
            json!({ "input": {
                "whatHappened": "A class list was left on the bus.",
                "discoveredAt": now.to_rfc3339(), "howDiscovered": "The driver rang.",
                "cyberIncident": "no", "dataCategories": ["basic_identifiers"],
                "recordsAffected": 30, "peopleAffected": 30, "peopleCategories": ["pupils"],
                "staffInvolved": "yes", "recoveredOrContained": "yes",
                "reporterName": "Sid Staff", "reporterContact": "sid@trust.example",
                "schoolIds": [school]
            }}),
        )
        .await["reportBreach"]
        .clone();
    let id = reported["id"].as_str().expect("id").to_owned();
    let reference = reported["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    let dpo = signed_in(&test, "alpha", admin, "dpo@trust.example").await;

    let (status, desk) = get(&dpo, &test, "/breaches").await;
    assert_eq!(status, 200, "{desk}");
    assert!(
        desk.contains(&reference) && desk.contains("awaiting triage"),
        "{desk}"
    );
    // The DPO triages on the breach's page: the trust became aware at 09:00.
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    let csrf = field(&page, "csrf").to_owned();
    assert_eq!(field(&page, "version"), "1");
    let triage = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("aware_at", "2026-11-23T09:00"),
        ("notes", "Confirmed with the head."),
    ];
    let triaged = dpo
        .post(test.url(&format!("/breaches/{id}/triage")))
        .form(&triage)
        .send()
        .await
        .expect("triage");
    assert_eq!(triaged.status(), 303);
    let again = dpo
        .post(test.url(&format!("/breaches/{id}/triage")))
        .form(&triage)
        .send()
        .await
        .expect("triage");
    assert_eq!(again.status(), 409, "a page showing version 1 is stale now");
    let noted = dpo
        .post(test.url(&format!("/breaches/{id}/note")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Driver returned the list."),
        ])
        .send()
        .await
        .expect("note");
    assert_eq!(noted.status(), 303);
    // Sessions end after an idle hour: the DPO keeps hers alive.
    test.clock.advance(Duration::minutes(45));
    assert_eq!(get(&dpo, &test, "/breaches").await.0, 200);
    test.clock.advance(Duration::minutes(45));
    let (_, desk) = get(&dpo, &test, "/breaches").await;
    assert!(desk.contains("70 h 30 min"), "the countdown: {desk}");
    let (status, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("A class list was left on the bus."), "{page}");
    assert!(
        page.contains("<li>assessed</li>") && page.contains("<li>closed not a breach</li>"),
        "next steps: {page}"
    );
    assert!(
        page.contains("Timeline")
            && page.contains("triaged")
            && page.contains("<td>note")
            && !page.contains("Confirm and start the clock"),
        "{page}"
    );

    test.clock.advance(Duration::hours(71));
    let dpo = signed_in(&test, "alpha", admin, "dpo@trust.example").await;
    let (_, desk) = get(&dpo, &test, "/breaches").await;
    assert!(desk.contains("<strong>overdue</strong>"), "{desk}");

    // Another school's admin does not see it; staff see only their own reports.
    let hal = signed_in(&test, "alpha", admin, "hal@trust.example").await;
    assert_eq!(get(&hal, &test, &format!("/breaches/{id}")).await.0, 404);
    let (_, theirs) = get(&hal, &test, "/breaches").await;
    assert!(!theirs.contains(&reference), "{theirs}");
    let sid = signed_in(&test, "alpha", admin, "sid@trust.example").await;
    let (status, own) = get(&sid, &test, "/breaches").await;
    assert_eq!(status, 200);
    assert!(
        own.contains("No breaches recorded"),
        "reported by the DPO's token, not Sid: {own}"
    );
    assert_eq!(get(&sid, &test, "/trust").await.0, 403);

    // Sid reports one himself, from the form, for the school he works at.
    let (status, form) = get(&sid, &test, "/breaches/new").await;
    assert_eq!(status, 200, "{form}");
    assert!(
        form.contains("Riverside Primary") && !form.contains("Hillside Primary"),
        "{form}"
    );
    assert!(
        form.contains("value=\"Sid Staff\""),
        "his name filled in: {form}"
    );
    let csrf = field(&form, "csrf").to_owned();
    let mut report = vec![
        ("csrf", csrf.as_str()),
        ("school", school.as_str()),
        (
            "what_happened",
            "A laptop with pupil reports was stolen from a car.",
        ),
        ("discovered_at", "2026-11-26T08:30"),
        (
            "how_discovered",
            "The teacher reported it to the police and the office.",
        ),
        ("cyber_incident", "no"),
        ("staff_involved", "yes"),
        ("data", "basic_identifiers"),
        ("data", "health"),
        ("people", "pupils"),
        ("people_affected", "31"),
        ("reporter_name", "Sid Staff"),
    ];
    let incomplete = sid
        .post(test.url("/breaches/new"))
        .form(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(incomplete.status(), 422, "a question left unanswered");
    let page = incomplete.text().await.expect("html");
    assert!(
        page.contains("recoveredOrContained") || page.contains("recovered"),
        "{page}"
    );
    report.push(("recovered_or_contained", "unknown"));
    // The leasing company told the school: a supplier's report keeps when they told us.
    report.push(("supplier_name", "Laptop Leasing Ltd"));
    report.push(("supplier_told_at", "2026-11-26T08:00"));
    let made = sid
        .post(test.url("/breaches/new"))
        .form(&report)
        .send()
        .await
        .expect("post");
    assert_eq!(made.status(), 303);
    let location = made
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("location")
        .to_owned();
    let (status, mine) = get(&sid, &test, &location).await;
    assert_eq!(status, 200, "{mine}");
    assert!(
        mine.contains("A laptop with pupil reports was stolen")
            && mine.contains("Reported by a supplier")
            && mine.contains("Laptop Leasing Ltd"),
        "{mine}"
    );
    assert!(
        !mine.contains("Timeline"),
        "the timeline is the DPO's: {mine}"
    );
    let (_, desk) = get(&dpo, &test, "/breaches").await;
    assert_eq!(
        desk.matches("<th scope=\"row\"><a href=\"/breaches/")
            .count(),
        2,
        "both on the DPO's desk: {desk}"
    );
    let forged = sid
        .post(test.url("/breaches/new"))
        .form(&report[1..])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403, "no CSRF token");
}
