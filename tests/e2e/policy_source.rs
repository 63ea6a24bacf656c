//! The file a policy version was imported from is kept with it (name, type, size,
//! SHA-256) and downloaded byte for byte by the policy's admins, from
//! `PolicyVersion.sourceFile` and `GET /exports/policy-versions/{id}/source`; no one
//! else reaches it, and another trust cannot even find it.

use attest_tests::{TestApp, error_code};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::access::token;

const DOCX: &[u8] =
    include_bytes!("../../crates/attest-document/fixtures/converted/001-kensington.docx");
const PDF: &[u8] = include_bytes!(
    "../../crates/attest-document/fixtures/converted/004-staff-governors-visitors.pdf"
);
const TEXT: &str = include_str!("../../crates/attest-document/samples/000-wessex-gardens.txt");

const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) {
    policy { id } version { id sourceFile { fileName format contentType sizeBytes sha256
      uploadedByKind downloadPath } } } }";
const SOURCE_FILE: &str =
    "query($id: UUID!) { policyVersion(id: $id) { sourceFile { fileName sha256 } } }";
const PUBLISH: &str =
    "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { state } }";

async fn import(test: &TestApp, admin: &str, input: Value) -> (String, String, Value) {
    let answer = test.data(admin, IMPORT, json!({ "input": input })).await;
    let imported = &answer["importPolicy"];
    (
        imported["policy"]["id"]
            .as_str()
            .expect("policy")
            .to_owned(),
        imported["version"]["id"]
            .as_str()
            .expect("version")
            .to_owned(),
        imported["version"]["sourceFile"].clone(),
    )
}

async fn download(test: &TestApp, version: &str, bearer: Option<&str>) -> reqwest::Response {
    let request = test
        .client
        .get(test.url(&format!("/exports/policy-versions/{version}/source")));
    match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .expect("download")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn the_imported_file_is_kept_and_downloaded_byte_for_byte() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Kensington Primary School", "500011")
        .await;
    let (policy, word_version, described) = import(
        &test,
        &trust.admin,
        json!({ "file": STANDARD.encode(DOCX), "fileName": "C:\\Users\\head\\Kensington AUP.docx", "schoolId": school }),
    )
    .await;
    assert_eq!(
        described,
        json!({
            "fileName": "Kensington AUP.docx",
            "format": "docx",
            "contentType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "sizeBytes": DOCX.len(),
            "sha256": sha256(DOCX),
            "uploadedByKind": "api_token",
            "downloadPath": format!("/exports/policy-versions/{word_version}/source"),
        })
    );
    let response = download(&test, &word_version, Some(&trust.admin)).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Kensington AUP.docx\""
    );
    assert_eq!(headers["x-source-sha256"], sha256(DOCX).as_str());
    assert_eq!(
        headers["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(response.bytes().await.expect("body").as_ref(), DOCX);

    // Publish, then a PDF as the next draft, with no name given: one is made.
    let values: Vec<Value> = [
        "lgfl_staffmail",
        "email_system_london_mail_learning",
        "mojisola_omole",
    ]
    .into_iter()
    .map(|key| json!({ "key": key, "value": "set" }))
    .collect();
    test.data(
        &trust.admin,
        "mutation($input: SetSchoolVariablesInput!) { setSchoolVariables(input: $input) { variables { key } } }",
        json!({ "input": { "policyId": policy, "schoolId": school, "variables": values } }),
    )
    .await;
    test.data(&trust.admin, PUBLISH, json!({ "id": word_version }))
        .await;
    let (_, pdf_version, described) = import(
        &test,
        &trust.admin,
        json!({ "file": STANDARD.encode(PDF), "policyId": policy }),
    )
    .await;
    assert_eq!(described["fileName"], "policy-version-2.pdf");
    assert_eq!(described["format"], "pdf");
    let response = download(&test, &pdf_version, Some(&trust.admin)).await;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.expect("body").as_ref(), PDF);
    // The first version still has its own file.
    let again = test
        .data(&trust.admin, SOURCE_FILE, json!({ "id": word_version }))
        .await;
    assert_eq!(again["policyVersion"]["sourceFile"]["sha256"], sha256(DOCX));

    // Text given as text is kept as the text file it was.
    let (_, text_version, described) = import(
        &test,
        &trust.admin,
        json!({ "text": TEXT, "schoolId": school, "title": "Wessex AUP" }),
    )
    .await;
    assert_eq!(described["format"], "text");
    assert_eq!(described["fileName"], "policy-version-1.txt");
    let response = download(&test, &text_version, Some(&trust.admin)).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.text().await.expect("body"), TEXT);
}

#[tokio::test]
async fn a_bad_file_name_is_refused_and_nothing_is_stored() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Some Primary", "500012")
        .await;
    for name in ["", "/", "\u{0}\u{1}", &"a".repeat(300)] {
        let answer = test
            .graphql(
                Some(&trust.admin),
                IMPORT,
                json!({ "input": { "file": STANDARD.encode(DOCX), "fileName": name, "schoolId": school } }),
            )
            .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], "fileName");
    }
    let policies = test
        .data(&trust.admin, "{ policies { id } }", json!({}))
        .await;
    assert_eq!(policies["policies"], json!([]));
}

#[tokio::test]
async fn only_the_policys_admins_reach_the_original_file() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let other = test.trust("beta").await;
    let school = test.with_school(&trust.admin, "A Primary", "500013").await;
    let second = test.with_school(&trust.admin, "B Primary", "500014").await;
    let (_, version, _) = import(
        &test,
        &trust.admin,
        json!({ "file": STANDARD.encode(DOCX), "schoolId": school }),
    )
    .await;

    assert_eq!(download(&test, &version, None).await.status(), 401);
    let anonymous = test
        .graphql(None, SOURCE_FILE, json!({ "id": version }))
        .await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");

    for role in ["READ_ONLY", "DPO"] {
        let reader = token(&test, &trust.admin, role, None).await;
        assert_eq!(
            download(&test, &version, Some(&reader)).await.status(),
            403,
            "{role}"
        );
        let answer = test
            .graphql(Some(&reader), SOURCE_FILE, json!({ "id": version }))
            .await;
        assert_eq!(error_code(&answer), "FORBIDDEN", "{role}: {answer}");
    }
    let second_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&second)).await;
    assert_eq!(
        download(&test, &version, Some(&second_admin))
            .await
            .status(),
        404
    );
    let answer = test
        .graphql(Some(&second_admin), SOURCE_FILE, json!({ "id": version }))
        .await;
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    assert_eq!(
        download(&test, &version, Some(&other.admin)).await.status(),
        404
    );
    assert_eq!(
        download(&test, "not-a-version", Some(&trust.admin))
            .await
            .status(),
        404
    );

    let own_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let response = download(&test, &version, Some(&own_admin)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.expect("body").as_ref(), DOCX);

    // A trust template's file is open to every school's admin; a school's adopted copy
    // was never imported, so it has none.
    let (_, template, _) = import(
        &test,
        &trust.admin,
        json!({ "text": TEXT, "kind": "TRUST_TEMPLATE", "title": "Trust AUP" }),
    )
    .await;
    assert_eq!(
        download(&test, &template, Some(&second_admin))
            .await
            .status(),
        200
    );
    assert_eq!(
        download(&test, &template, Some(&other.admin))
            .await
            .status(),
        404
    );
    test.data(&trust.admin, PUBLISH, json!({ "id": template }))
        .await;
    let adopted = test
        .data(
            &trust.admin,
            "mutation($v: UUID!, $s: UUID!) { adoptTemplate(input: {templateVersionId: $v, schoolId: $s}) { version { id sourceFile { fileName } } } }",
            json!({ "v": template, "s": school }),
        )
        .await;
    let copy = &adopted["adoptTemplate"]["version"];
    assert_eq!(copy["sourceFile"], Value::Null);
    let copy_id = copy["id"].as_str().expect("id");
    assert_eq!(
        download(&test, copy_id, Some(&trust.admin)).await.status(),
        404
    );
}
