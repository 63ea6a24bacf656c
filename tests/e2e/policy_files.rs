//! Importing Word and PDF files over GraphQL: `importPolicy(input: { file })` reads a
//! .docx or .pdf by its content, stores the text people will sign, and answers with
//! the import report; bad files, callers without the right and other trusts are
//! refused, and nothing is stored for them.

use attest_tests::{TestApp, error_code, error_message};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::access::token;

const DOCX: &[u8] =
    include_bytes!("../../crates/attest-document/fixtures/converted/001-kensington.docx");
const PDF: &[u8] =
    include_bytes!("../../crates/attest-document/fixtures/converted/002-the-willows.pdf");

const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) {
    policy { id title } version { id source signatureFields placeholders { key } }
    report { format words sections clauses items placeholders { name label places }
      signatureFields { name places } audienceClauses { audience place }
      dates { field text date } warnings { place message } } } }";

fn file(bytes: &[u8], school: &str) -> Value {
    json!({ "input": { "file": STANDARD.encode(bytes), "schoolId": school } })
}

async fn policy_count(test: &TestApp, admin: &str) -> usize {
    test.data(admin, "{ policies { id } }", json!({})).await["policies"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn a_word_file_and_a_pdf_are_imported_with_their_reports() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Kensington Primary School", "500001")
        .await;
    let word = test.data(&trust.admin, IMPORT, file(DOCX, &school)).await;
    let imported = &word["importPolicy"];
    assert_eq!(imported["policy"]["title"], "Acceptable Use Policy");
    assert_eq!(
        imported["version"]["signatureFields"],
        json!(["name", "signature", "date"])
    );
    let report = &imported["report"];
    assert_eq!(report["format"], "docx");
    assert_eq!(report["sections"], 2);
    assert_eq!(report["items"], 32);
    assert_eq!(
        report["placeholders"][0],
        json!({ "name": "lgfl_staffmail", "label": "LGfL StaffMail", "places": ["paragraph 20"] })
    );
    assert_eq!(
        report["signatureFields"][0]["places"],
        json!(["paragraph 53"])
    );
    assert_eq!(
        report["audienceClauses"][0],
        json!({ "audience": ["TEACHING"], "place": "paragraph 39" })
    );
    assert_eq!(
        report["dates"][2],
        json!({ "field": "next_review", "text": "April 2024", "date": "2024-04-01" })
    );
    // The stored source is the text read from the file, which is what is signed.
    let source = imported["version"]["source"].as_str().expect("source");
    assert!(source.contains("- I will not reveal my password(s) to anyone."));

    let pdf = test.data(&trust.admin, IMPORT, file(PDF, &school)).await;
    let report = &pdf["importPolicy"]["report"];
    assert_eq!(report["format"], "pdf");
    assert_eq!(report["sections"], 13);
    assert_eq!(report["clauses"], 69);
    assert!(
        report["signatureFields"][0]["places"][0]
            .as_str()
            .is_some_and(|place| place.starts_with("page ")),
        "{report}"
    );
    assert_eq!(policy_count(&test, &trust.admin).await, 2);
}

#[tokio::test]
async fn bad_files_are_refused_with_what_is_wrong_and_nothing_is_stored() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Some Primary", "500005")
        .await;
    let mut damaged = DOCX.to_vec();
    damaged.truncate(DOCX.len() / 2);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    let blank_pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    for (bytes, expected) in [
        (damaged, "Word document is damaged"),
        (ole, "Word 97-2003"),
        (blank_pdf, "PDF is damaged"),
    ] {
        let answer = test
            .graphql(Some(&trust.admin), IMPORT, file(&bytes, &school))
            .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], "file");
        assert!(error_message(&answer).contains(expected), "{answer}");
    }
    let not_base64 = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "input": { "file": "this is *not* base64!", "schoolId": school } }),
        )
        .await;
    assert_eq!(error_code(&not_base64), "BAD_USER_INPUT");
    assert!(error_message(&not_base64).contains("base64"));
    for input in [
        json!({ "text": "Staff AUP\n\n- 1.1. I will.", "file": STANDARD.encode(DOCX), "schoolId": school }),
        json!({ "schoolId": school }),
    ] {
        let answer = test
            .graphql(Some(&trust.admin), IMPORT, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
        assert!(error_message(&answer).contains("text or as a file"));
    }
    // Over the GraphQL body limit (1 MiB): refused before it is read.
    let oversized = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            file(&vec![b'a'; 2 * 1024 * 1024], &school),
        )
        .await;
    assert!(oversized.get("errors").is_some(), "{oversized}");
    assert_eq!(
        policy_count(&test, &trust.admin).await,
        0,
        "nothing was stored"
    );
}

#[tokio::test]
async fn only_those_who_may_add_a_schools_policies_can_import_a_file() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let other = test.trust("beta").await;
    let school = test.with_school(&trust.admin, "A Primary", "500006").await;
    let second = test.with_school(&trust.admin, "B Primary", "500007").await;
    let anonymous = test.graphql(None, IMPORT, file(DOCX, &school)).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
    let read_only = token(&test, &trust.admin, "READ_ONLY", None).await;
    let answer = test
        .graphql(Some(&read_only), IMPORT, file(DOCX, &school))
        .await;
    assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
    let other_school_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&second)).await;
    let answer = test
        .graphql(Some(&other_school_admin), IMPORT, file(DOCX, &school))
        .await;
    // Another school is outside a school admin's scope: not even found.
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    let answer = test
        .graphql(Some(&other.admin), IMPORT, file(DOCX, &school))
        .await;
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    assert_eq!(policy_count(&test, &trust.admin).await, 0);
    assert_eq!(policy_count(&test, &other.admin).await, 0);
    // The school's own admin may.
    let own_admin = token(&test, &trust.admin, "SCHOOL_ADMIN", Some(&school)).await;
    let answer = test.data(&own_admin, IMPORT, file(DOCX, &school)).await;
    assert_eq!(answer["importPolicy"]["report"]["format"], "docx");
}
