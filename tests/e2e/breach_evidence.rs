//! Evidence files on a breach (issue 19, point 10): attached from the breach page or by a
//! script, checked by content, size-limited, hashed, on the timeline, downloadable only
//! by those who may see the breach (never shown inline); refused to anonymous callers,
//! a read-only token, a school admin of another school and another trust.

use attest_app::Clock;
use attest_tests::TestApp;
use serde_json::json;

use crate::access::token;
use crate::breach_desk::{report, staff_with_role};
use crate::portal::{field, get, signed_in};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const EMAIL: &[u8] = b"From: office@north.example\r\nTo: parent@example.com\r\nSubject: Reports\r\nDate: Mon, 23 Nov 2026 08:55:00 +0000\r\n\r\nPlease find attached the reports.\r\n";

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Posts a file as the breach page's form does (with its CSRF token unless `csrf` is
/// `None`), answering the status and text.
async fn attach_from_page(
    browser: &reqwest::Client,
    test: &TestApp,
    id: &str,
    (name, bytes): (&str, &[u8]),
    csrf: Option<&str>,
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf", csrf.to_owned());
    }
    form = form.text("description", "What the office sent").part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    let response = browser
        .post(test.url(&format!("/breaches/{id}/evidence")))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.text().await.expect("answer"))
}

async fn attach_with_token(
    test: &TestApp,
    token: &str,
    id: &str,
    (name, bytes): (&str, &[u8]),
) -> (u16, String) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    let response = test
        .client
        .post(test.url(&format!("/breaches/{id}/evidence")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.text().await.expect("answer"))
}

async fn csrf_of(browser: &reqwest::Client, test: &TestApp, id: &str) -> String {
    let (status, page) = get(browser, test, &format!("/breaches/{id}")).await;
    assert_eq!(status, 200, "{page}");
    field(&page, "csrf").to_owned()
}

async fn download(client: &reqwest::Client, url: &str, bearer: Option<&str>) -> reqwest::Response {
    let request = client.get(url);
    match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .expect("download")
}

#[tokio::test]
async fn evidence_is_checked_hashed_on_the_timeline_and_downloaded_as_an_attachment() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "North Primary", "700701").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &school,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let (id, _) = report(
        &test,
        &dpo_token,
        &school,
        "Reports emailed to the wrong parent",
    )
    .await;
    let dpo = signed_in(&test, "alpha", admin, "dpo@alpha.example").await;
    let csrf = csrf_of(&dpo, &test, &id).await;

    let (status, _) =
        attach_from_page(&dpo, &test, &id, ("screenshot.png", PNG), Some(&csrf)).await;
    assert_eq!(status, 303);
    let (_, page) = get(&dpo, &test, &format!("/breaches/{id}")).await;
    assert!(page.contains("screenshot.png"), "listed: {page}");
    assert!(page.contains("What the office sent"), "described: {page}");
    assert!(
        page.contains(&format!(
            "evidence attached: screenshot.png (SHA-256 {})",
            &sha256(PNG)[..12]
        )),
        "on the timeline: {page}"
    );
    // Templates escape '/' in attributes; a browser reads it back.
    let page = page.replace("&#x2f;", "/");
    let href_start = page.find("/exports/breaches/").expect("a download link");
    let href = &page[href_start..href_start + page[href_start..].find('"').expect("end")];
    let answer = download(&dpo, &test.url(href), None).await;
    assert_eq!(answer.status(), 200);
    let headers = answer.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    let disposition = headers["content-disposition"].to_str().expect("text");
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("screenshot.png"), "{disposition}");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .is_ok_and(|csp| csp.contains("sandbox"))
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["x-evidence-sha256"].to_str().expect("hash"),
        sha256(PNG)
    );
    assert_eq!(answer.bytes().await.expect("bytes").as_ref(), PNG);

    // A script attaches with its token and gets the record back; the kind comes from
    // the content, the name is kept.
    let (status, body) = attach_with_token(&test, &dpo_token, &id, ("sent.eml", EMAIL)).await;
    assert_eq!(status, 201, "{body}");
    let record: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(record["contentType"], "message/rfc822");
    assert_eq!(record["sha256"], sha256(EMAIL));
    let by_token = download(
        &test.client,
        &test.url(&format!(
            "/exports/breaches/{id}/evidence/{}",
            record["id"].as_str().expect("id")
        )),
        Some(&dpo_token),
    )
    .await;
    assert_eq!(by_token.status(), 200);
    assert_eq!(by_token.bytes().await.expect("bytes").as_ref(), EMAIL);

    // Bad files are said so on the page, and nothing is kept.
    for (name, bytes, expected_status, says) in [
        (
            "page.png",
            &b"<!DOCTYPE html><script>alert(1)</script>"[..],
            422,
            "browser would run",
        ),
        (
            "letter.png",
            &b"%PDF-1.7\n%%EOF\n"[..],
            422,
            "named as a PNG image but its content is a PDF",
        ),
        ("empty.pdf", &b""[..], 422, "is empty"),
    ] {
        let (status, shown) = attach_from_page(&dpo, &test, &id, (name, bytes), Some(&csrf)).await;
        assert_eq!(status, expected_status, "{name}: {shown}");
        assert!(shown.contains(says), "{name}: {says} in {shown}");
        assert!(shown.contains("role=\"alert\""), "{shown}");
    }
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(attest_domain::EVIDENCE_MAX_BYTES + 10, b' ');
    let (status, shown) =
        attach_from_page(&dpo, &test, &id, ("scan.pdf", &huge), Some(&csrf)).await;
    assert_eq!(status, 413, "over the limit");
    assert!(shown.contains("at most 10 MiB"), "{shown}");
    let (status, said) = attach_with_token(&test, &dpo_token, &id, ("scan.pdf", &huge)).await;
    assert_eq!(status, 413, "{said}");
    // A form without the page's token is refused; so is a body that is not multipart.
    let (status, _) = attach_from_page(&dpo, &test, &id, ("again.png", PNG), None).await;
    assert_eq!(status, 403);
    let garbage = test
        .client
        .post(test.url(&format!("/breaches/{id}/evidence")))
        .bearer_auth(&dpo_token)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end")
        .send()
        .await
        .expect("garbage");
    assert_eq!(garbage.status().as_u16(), 400);
    let listed = test
        .data(
            &dpo_token,
            "query($id: UUID!) { breach(id: $id) { evidence { fileName sha256 size contentType } } }",
            json!({ "id": id }),
        )
        .await;
    let files = listed["breach"]["evidence"]
        .as_array()
        .expect("files")
        .clone();
    assert_eq!(
        files.len(),
        2,
        "only the two good files are kept: {files:?}"
    );
    assert_eq!(files[0]["fileName"], "screenshot.png");
    assert_eq!(files[1]["size"], EMAIL.len());
}

#[tokio::test]
async fn evidence_is_only_for_those_who_may_see_the_breach() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let north = test.with_school(admin, "North Primary", "700711").await;
    let south = test.with_school(admin, "South Primary", "700712").await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &north,
        ("Dee Protection", "dpo@alpha.example", "SUPPORT"),
        ("dpo", None),
    )
    .await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &north,
        ("Nia North", "nia@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&north)),
    )
    .await;
    staff_with_role(
        &test,
        ("alpha", admin),
        &south,
        ("Seb South", "seb@alpha.example", "LEADERSHIP"),
        ("school_admin", Some(&south)),
    )
    .await;
    let dpo_token = token(&test, admin, "DPO", None).await;
    let (id, _) = report(&test, &dpo_token, &north, "A laptop was left on a train").await;
    let (status, body) = attach_with_token(
        &test,
        &dpo_token,
        &id,
        ("log.txt", b"08:10 laptop missed\n"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let file: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let url = test.url(&format!(
        "/exports/breaches/{id}/evidence/{}",
        file["id"].as_str().expect("id")
    ));

    // The school admin of the breach's school sees it and may add to it.
    let nia = signed_in(&test, "alpha", admin, "nia@alpha.example").await;
    assert_eq!(download(&nia, &url, None).await.status(), 200);
    let csrf = csrf_of(&nia, &test, &id).await;
    let (status, _) = attach_from_page(&nia, &test, &id, ("photo.png", PNG), Some(&csrf)).await;
    assert_eq!(status, 303);

    // A school admin of another school, another trust's DPO, anonymous callers and
    // read-only tokens are refused, and learn nothing of the file.
    let seb = signed_in(&test, "alpha", admin, "seb@alpha.example").await;
    assert_eq!(download(&seb, &url, None).await.status(), 404);
    assert_eq!(get(&seb, &test, &format!("/breaches/{id}")).await.0, 404);
    let beta = test.trust("beta").await;
    let beta_dpo = token(&test, &beta.admin, "DPO", None).await;
    assert_eq!(
        download(&test.client, &url, Some(&beta_dpo)).await.status(),
        404
    );
    let (status, _) = attach_with_token(&test, &beta_dpo, &id, ("x.png", PNG)).await;
    assert_eq!(status, 404);
    assert_eq!(
        download(&reqwest::Client::new(), &url, None).await.status(),
        401
    );
    let (status, _) =
        attach_from_page(&reqwest::Client::new(), &test, &id, ("x.png", PNG), None).await;
    assert_eq!(status, 401);
    let reader = token(&test, admin, "READ_ONLY", None).await;
    let (status, _) = attach_with_token(&test, &reader, &id, ("x.png", PNG)).await;
    assert_eq!(status, 403);
    // An unknown file of a real breach is not found either.
    let unknown = test.url(&format!(
        "/exports/breaches/{id}/evidence/{}",
        uuid::Uuid::now_v7()
    ));
    assert_eq!(
        download(&test.client, &unknown, Some(&dpo_token))
            .await
            .status(),
        404
    );

    // Once the breach involves health data, the school admin (not granted special
    // category details) no longer downloads the DPO's files, only what she attached.
    let now = test.clock.now();
    let corrected = test
        .data(
            &dpo_token,
            "mutation($id: UUID!, $input: ReportBreachInput!) { correctBreach(id: $id, version: 1, input: $input, note: \"It held SEN notes\") { version } }",
            json!({ "id": id, "input": {
                "whatHappened": "A laptop was left on a train",
                "discoveredAt": now.to_rfc3339(), "howDiscovered": "A parent rang.",
                "cyberIncident": "no", "dataCategories": ["basic_identifiers", "health"],
                "recordsAffected": 28, "peopleAffected": 28, "peopleCategories": ["pupils"],
                "staffInvolved": "yes", "recoveredOrContained": "yes",
                "reporterName": "Sid Staff", "schoolIds": [north]
            }}),
        )
        .await;
    assert_eq!(corrected["correctBreach"]["version"], 2);
    assert_eq!(download(&nia, &url, None).await.status(), 403);
    let (_, page) = get(&nia, &test, &format!("/breaches/{id}")).await;
    assert!(
        page.contains("photo.png") && !page.contains("log.txt"),
        "{page}"
    );
    assert_eq!(
        download(&test.client, &url, Some(&dpo_token))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn uploads_are_rate_limited_and_a_breach_holds_at_most_a_hundred_files() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let school = test.with_school(admin, "North Primary", "700721").await;
    let first = token(&test, admin, "DPO", None).await;
    let second = token(&test, admin, "DPO", None).await;
    let (id, reference) = report(&test, &first, &school, "Paper records in a skip").await;
    for n in 0..60 {
        let (status, body) =
            attach_with_token(&test, &first, &id, (&format!("note-{n}.txt"), b"seen at 9")).await;
        assert_eq!(status, 201, "upload {n}: {body}");
    }
    let (status, said) = attach_with_token(&test, &first, &id, ("one-more.txt", b"x")).await;
    assert_eq!(status, 429, "{said}");
    for n in 0..40 {
        let (status, body) = attach_with_token(
            &test,
            &second,
            &id,
            (&format!("more-{n}.txt"), b"seen at 10"),
        )
        .await;
        assert_eq!(status, 201, "upload {n}: {body}");
    }
    let third = token(&test, admin, "DPO", None).await;
    let (status, said) = attach_with_token(&test, &third, &id, ("full.txt", b"x")).await;
    assert_eq!(status, 400, "{said}");
    assert!(
        said.contains(&format!("{reference} already holds 100 evidence files")),
        "{said}"
    );
}
