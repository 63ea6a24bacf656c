//! Evidence a signature carries (issue 21): who signed (the link and where it was sent),
//! that the text was open and read to its end, the trust's reading rule enforced by the
//! server, what changed for a re-signer, and the certificate checked with standard tools.

use attest_store::ConnectionTrait;
use attest_test_support::TestApp;
use serde_json::json;

use crate::signing::{fixture, magic_link, sign_with_link};

use crate::portal::field;

async fn open_page(test: &TestApp, secret: &str) -> String {
    test.client
        .get(test.url(&format!("/sign/{secret}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

async fn post_sign(test: &TestApp, secret: &str, page: &str, name: &str) -> String {
    let form = [
        ("content_hash", field(page, "content_hash")),
        ("view", field(page, "view")),
        ("typed_name", name),
        ("answer.consent_1", "agree"),
        ("decision", "sign"),
    ];
    test.client
        .post(test.url(&format!("/sign/{secret}")))
        .form(&form)
        .send()
        .await
        .expect("post")
        .text()
        .await
        .expect("html")
}

#[tokio::test]
async fn a_signature_records_who_signed_what_they_saw_and_how_long() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "310001", &["Ada Reader"]).await;

    // The reading rule: a minute, to the end. Only a trust admin sets it, within bounds.
    let rule = "mutation($s: Int!, $e: Boolean!) { setSigningReadingRule(minSeconds: $s, toEnd: $e) { minSeconds toEnd } }";
    let too_long = test
        .graphql(Some(&trust.admin), rule, json!({ "s": 4000, "e": true }))
        .await;
    assert_eq!(
        too_long["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    let reader = crate::access::token(&test, &trust.admin, "READ_ONLY", None).await;
    let refused = test
        .graphql(Some(&reader), rule, json!({ "s": 60, "e": true }))
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let anonymous = test
        .graphql(None, rule, json!({ "s": 60, "e": true }))
        .await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    let set = test
        .data(&trust.admin, rule, json!({ "s": 60, "e": true }))
        .await;
    assert_eq!(
        set["setSigningReadingRule"],
        json!({ "minSeconds": 60, "toEnd": true })
    );

    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let page = open_page(&test, &secret).await;
    assert!(
        page.contains("at least 60 seconds"),
        "the rule is on the page"
    );
    let view = field(&page, "view").to_owned();
    assert!(
        page.contains(&format!("/sign/views/{view}/end")),
        "the end marker"
    );

    // Too soon, and not read to the end: the form again, with what to do.
    let early = post_sign(&test, &secret, &page, "Ada Reader").await;
    assert!(early.contains("at least 1 minute"), "{early}");
    test.clock.advance(chrono::Duration::seconds(61));
    let unread = post_sign(&test, &secret, &page, "Ada Reader").await;
    assert!(unread.contains("to its end"), "{unread}");

    // The marker: a malformed id is not found; an unknown one looks like any other.
    let marker = |id: &str| {
        test.client
            .get(test.url(&format!("/sign/views/{id}/end")))
            .send()
    };
    assert_eq!(marker("not-a-view").await.expect("marker").status(), 404);
    let other = test
        .client
        .get(test.url(&format!("/sign/views/{view}/elsewhere")))
        .send();
    assert_eq!(
        other.await.expect("marker").status(),
        404,
        "only end and noscript"
    );
    assert_eq!(
        marker(&uuid::Uuid::new_v4().to_string())
            .await
            .expect("marker")
            .status(),
        200
    );
    let seen = marker(&view).await.expect("marker");
    assert_eq!(seen.headers()["content-type"], "image/gif");
    test.clock.advance(chrono::Duration::seconds(5));
    let done = post_sign(&test, &secret, &page, "Ada Reader").await;
    assert!(done.contains("you have signed"), "{done}");

    let rows = test
        .data(
            &trust.admin,
            "query($p: UUID!) { acceptances(personId: $p) { id } }",
            json!({ "p": f.people[0] }),
        )
        .await;
    let id: attest_domain::AcceptanceId = rows["acceptances"][0]["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    let operator = test.app.operator_for("alpha").await.expect("operator");
    let row = test.app.acceptance(&operator, id).await.expect("row");
    assert_eq!(row.format, attest_domain::ChainFormat::V2);
    let viewed = row.viewed.expect("viewed");
    assert_eq!(viewed.view.to_string(), view);
    assert_eq!(viewed.seconds_open, 66);
    assert!(viewed.reached_end);
    match row.identity.clone().expect("identity") {
        attest_domain::SignerIdentity::MagicLink { sent_to, .. } => {
            assert_eq!(sent_to.as_deref(), Some("ada.reader@310001.sch.uk"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(row.personal_check(), attest_domain::PersonalCheck::Intact);
    // The personal fields are not in the chained row itself.
    let stored = test
        .db
        .query_one_raw(attest_store::Statement::from_sql_and_values(
            test.db.get_database_backend(),
            "SELECT typed_name FROM acceptances WHERE id = $1",
            vec![id.as_uuid().into()],
        ))
        .await
        .expect("read")
        .expect("row");
    let typed: String = stored.try_get("", "typed_name").expect("column");
    assert_eq!(typed, "");
}
/// Publishes a second version of the sample policy with one clause reworded, which
/// everyone must sign again.
pub(crate) async fn publish_changed_version(test: &TestApp, admin: &str, policy: &str) {
    let draft = test
        .data(
            admin,
            "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { version { id } } }",
            json!({ "input": { "text": crate::signing::sample().replace("professional purposes", "school purposes"), "policyId": policy } }),
        )
        .await;
    test.data(
        admin,
        "mutation($id: UUID!) { publishVersion(id: $id, input: {resignRequired: true}) { id } }",
        json!({ "id": draft["importPolicy"]["version"]["id"] }),
    )
    .await;
}

/// The server's published chain keys.
pub(crate) async fn published_keys(test: &TestApp) -> serde_json::Value {
    test.client
        .get(test.url("/.well-known/attest-chain-keys.json"))
        .send()
        .await
        .expect("keys")
        .json()
        .await
        .expect("json")
}

/// The value after `label` on its line of a certificate.
fn line_after<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|line| line.strip_prefix(label))
        .unwrap_or_else(|| panic!("{label} in {text}"))
        .trim()
}

fn shell(script: &str, env: &[(&str, &str)], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("sh runs")
}

#[tokio::test]
async fn a_certificate_is_checked_with_standard_tools_alone() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "310003", &["Una Checker"]).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let signed = sign_with_link(&test, &secret, "Una Checker").await;
    let id = signed["data"]["signPolicy"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    test.data(
        &trust.admin,
        "mutation { anchorAcceptanceChain { seq } }",
        json!({}),
    )
    .await;
    let text = test
        .client
        .get(test.url(&format!("/receipts/{id}.txt")))
        .bearer_auth(&trust.admin)
        .send()
        .await
        .expect("receipt")
        .text()
        .await
        .expect("text");
    assert!(
        line_after(&text, "Identity:").contains("signing link"),
        "{text}"
    );
    let dir = tempfile::tempdir().expect("dir");

    // The row hash: SHA-256 of the previous hash, a newline and the hash input.
    let row = shell(
        "printf '%s\\n%s' \"$PREV\" \"$INPUT\" | sha256sum | cut -d' ' -f1",
        &[
            ("PREV", line_after(&text, "Previous hash:")),
            ("INPUT", line_after(&text, "Hash input:")),
        ],
        dir.path(),
    );
    assert_eq!(
        String::from_utf8_lossy(&row.stdout).trim(),
        line_after(&text, "Row hash:")
    );

    // The seal: an anchor's statement, checked with OpenSSL and the published key.
    let sealed = line_after(&text, "Sealed by:");
    let (head, signature) = sealed.rsplit_once(": ").expect("signature");
    let words: Vec<&str> = head.split_whitespace().collect();
    let at = words[2];
    let seq = words[4].trim_end_matches(',');
    let hash = words[6].trim_end_matches("),");
    let key_id = words[10];
    let keys = published_keys(&test).await;
    let key = keys["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| key["keyId"] == key_id)
        .expect("the sealing key is published");
    let trust_id = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust()
        .to_string();
    let recipe = "printf 'attest chain head v1\\ntrust: %s\\nseq: %s\\nhash: %s\\nat: %s\\n' \"$TRUST\" \"$SEQ\" \"$HASH\" \"$AT\" > statement.txt
echo \"$SIGNATURE\" | base64 -d > signature.bin
(printf '\\060\\052\\060\\005\\006\\003\\053\\145\\160\\003\\041\\000'; echo \"$PUBLIC_KEY\" | base64 -d) > key.der
openssl pkeyutl -verify -pubin -inkey key.der -keyform DER -rawin -in statement.txt -sigfile signature.bin";
    let public_key = key["publicKey"].as_str().expect("key");
    let mut env = vec![
        ("TRUST", trust_id.as_str()),
        ("SEQ", seq),
        ("HASH", hash),
        ("AT", at),
        ("SIGNATURE", signature),
        ("PUBLIC_KEY", public_key),
    ];
    let verified = shell(recipe, &env, dir.path());
    assert!(
        verified.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    env[1] = ("SEQ", "2");
    let forged = shell(recipe, &env, dir.path());
    assert!(
        !forged.status.success(),
        "another row count does not verify"
    );
}
#[tokio::test]
async fn a_re_signer_sees_what_changed_and_the_signature_says_so() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let f = fixture(&test, &trust.admin, "310006", &["Hal Again"]).await;
    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let first_page = open_page(&test, &secret).await;
    assert!(
        !first_page.contains("What changed since you signed"),
        "a first signature has nothing to compare"
    );
    let done = post_sign(&test, &secret, &first_page, "Hal Again").await;
    assert!(done.contains("you have signed"), "{done}");

    publish_changed_version(&test, &trust.admin, &f.policy).await;

    let secret = magic_link(&test, &trust.admin, "alpha", &f.people[0], &f.policy).await;
    let page = open_page(&test, &secret).await;
    assert!(
        page.contains("What changed since you signed version 1"),
        "{page}"
    );
    let changes_at = page.find("What changed since").expect("changes");
    let text_at = page.find("class=\"policy\"").expect("text");
    assert!(changes_at < text_at, "the changes come above the full text");
    assert!(page.contains("school purposes") && page.contains("professional purposes"));
    let form = test
        .graphql(
            None,
            "query($t: String) { signingForm(magicLinkToken: $t) { viewId changesSinceSigned { sinceVersionNumber changes { change } } } }",
            json!({ "t": secret }),
        )
        .await;
    assert_eq!(
        form["data"]["signingForm"]["changesSinceSigned"]["sinceVersionNumber"], 1,
        "{form}"
    );
    assert!(form["data"]["signingForm"]["viewId"].is_string(), "{form}");
    let done = post_sign(&test, &secret, &page, "Hal Again").await;
    assert!(done.contains("you have signed"), "{done}");
    let rows = test
        .data(
            &trust.admin,
            "query($p: UUID!) { acceptances(personId: $p) { id evidence { changesShown { sinceAcceptanceId clausesChanged } } } }",
            json!({ "p": f.people[0] }),
        )
        .await;
    let list = rows["acceptances"].as_array().expect("rows");
    assert_eq!(list.len(), 2);
    assert!(list[0]["evidence"]["changesShown"].is_null());
    let shown = &list[1]["evidence"]["changesShown"];
    assert_eq!(shown["sinceAcceptanceId"], list[0]["id"]);
    assert!(
        shown["clausesChanged"].as_u64().is_some_and(|n| n >= 1),
        "{shown}"
    );
}
