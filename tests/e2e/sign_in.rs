//! Staff sign-in against a real OpenID provider (`oidc-provider` from npm, started here
//! on a loopback port): a full login through its own login and consent pages, then the
//! cases that must fail — a wrong or replayed state, an account outside the trust's
//! Google domains or Microsoft tenant, an unverified email, an account of another trust
//! only — and sign-out ending the session.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use attest_tests::TestApp;
use serde_json::json;

pub(crate) const TENANT: &str = "11111111-2222-3333-4444-555555555555";

pub(crate) struct Provider {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    pub(crate) fn start(redirect_uris: &[String]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        Self::start_on(port, redirect_uris)
    }

    /// On `port`, with a signing key of its own (so a restart rotates the keys).
    fn start_on(port: u16, redirect_uris: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let config = json!({
            "freshKey": true,
            "idTokenTtl": 60,
            "clients": [{
                "client_id": "attest-test",
                "client_secret": "attest-test-secret",
                "redirect_uris": redirect_uris,
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
                "require_auth_time": true
            }],
            "accounts": {
                "ann": { "email": "ann@alpha.example", "email_verified": true, "name": "Ann Alpha", "tid": TENANT, "oid": "oid-ann", "hd": "alpha.example" },
                "ann-again": { "email_verified": false, "name": "Ann via another app", "tid": TENANT, "oid": "oid-ann", "hd": "alpha.example" },
                "eve": { "email": "ann@alpha.example", "email_verified": false, "name": "Eve", "tid": TENANT, "hd": "alpha.example" },
                "out": { "email": "out@elsewhere.example", "email_verified": true, "name": "Out", "tid": TENANT, "hd": "elsewhere.example" },
                "ten": { "email": "ann@alpha.example", "email_verified": true, "name": "Other tenant", "tid": "99999999-2222-3333-4444-555555555555", "hd": "alpha.example" },
                "zed": { "email": "zed@beta.example", "email_verified": true, "name": "Zed Beta", "tid": TENANT, "hd": "alpha.example" },
                "sam": { "email": "sam@alpha.example", "email_verified": true, "name": "Sam Head", "tid": TENANT, "hd": "alpha.example" },
                "dee": { "email": "dpo@alpha.example", "email_verified": true, "name": "Dee Protection", "tid": TENANT, "hd": "alpha.example" },
                "gita": { "email": "gita@alpha.example", "email_verified": true, "name": "Gita Governor", "tid": TENANT, "hd": "alpha.example" }
            }
        });
        // The provider is a pinned npm package: installed on first use.
        attest_test_support::peers::npm_ci(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/oidc"
        )));
        let path = dir.path().join("config.json");
        std::fs::write(&path, config.to_string()).expect("config");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the test OpenID provider (npm install --prefix tests/oidc)");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("ready");
        // Keep reading: a closed pipe would kill the provider at its next log line.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        assert_eq!(
            line.trim(),
            "ready",
            "the OpenID provider did not start (is oidc-provider installed?)"
        );
        Self {
            child,
            port,
            _dir: dir,
        }
    }

    pub(crate) fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A browser: keeps cookies, and stops before following the provider's redirect back
/// to attest so a test can look at (or tamper with) the callback.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::custom(|attempt| {
            if attempt.url().path().ends_with("/callback") {
                attempt.stop()
            } else {
                attempt.follow()
            }
        }))
        .build()
        .expect("client")
}

fn form_action(provider: &Provider, html: &str) -> String {
    let start = html
        .find("action=\"")
        .unwrap_or_else(|| panic!("a form in {html}"))
        + "action=\"".len();
    let action = html[start..].split('"').next().expect("action");
    if action.starts_with("http") {
        action.to_owned()
    } else {
        format!("{}{action}", provider.issuer())
    }
}

/// The form's hidden fields (the provider's pages say which prompt they answer).
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| {
            let attribute = |name: &str| {
                tag.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(str::to_owned)
            };
            Some((attribute("name")?, attribute("value")?))
        })
        .collect()
}

/// Logs in at the provider as `account`; returns the callback URL it sends the browser to.
async fn to_callback(
    browser: &reqwest::Client,
    test: &TestApp,
    provider: &Provider,
    trust: &str,
    account: &str,
) -> String {
    let login = browser
        .get(test.url(&format!("/auth/{trust}/oidc/login")))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200, "the provider's login page");
    let page = login.text().await.expect("html");
    let mut fields = hidden_fields(&page);
    fields.push(("login".to_owned(), account.to_owned()));
    fields.push(("password".to_owned(), "anything".to_owned()));
    let consent = browser
        .post(form_action(provider, &page))
        .form(&fields)
        .send()
        .await
        .expect("submit login");
    let page = consent.text().await.expect("html");
    let back = browser
        .post(form_action(provider, &page))
        .form(&hidden_fields(&page))
        .send()
        .await
        .expect("consent");
    assert_eq!(back.status(), 303, "redirected back to attest");
    back.headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("location")
        .to_owned()
}

pub(crate) async fn add_provider(
    test: &TestApp,
    admin: &str,
    provider: &Provider,
    extra: serde_json::Value,
) {
    let mut input = json!({
        "kind": "oidc", "slug": "oidc", "displayName": "School account",
        "clientId": "attest-test", "clientSecret": "attest-test-secret",
        "issuer": provider.issuer(), "linkByEmail": true
    });
    if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
        input.extend(extra.clone());
    }
    test.data(
        admin,
        "mutation($input: IdentityProviderInput!) { addIdentityProvider(input: $input) { slug } }",
        json!({ "input": input }),
    )
    .await;
}

/// The CSRF token a page carries for its forms and scripts.
fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf")
        .to_owned()
}

async fn page_text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn staff_sign_in_with_the_trusts_provider_and_nothing_else_gets_in() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let school = test
        .with_school(&alpha.admin, "Alpha Primary", "800001")
        .await;
    test.with_person(
        &alpha.admin,
        "Ann Alpha",
        "ann@alpha.example",
        &school,
        "TEACHING",
    )
    .await;
    let beta_school = test
        .with_school(&beta.admin, "Beta Primary", "800002")
        .await;
    test.with_person(
        &beta.admin,
        "Zed Beta",
        "zed@beta.example",
        &beta_school,
        "TEACHING",
    )
    .await;
    let provider = Provider::start(&[
        test.url("/auth/alpha/oidc/callback")
            .replace("http://127.0.0.1", "http://localhost"),
        "http://localhost:8080/auth/alpha/oidc/callback".to_owned(),
    ]);
    add_provider(
        &test,
        &alpha.admin,
        &provider,
        json!({ "domains": ["alpha.example"], "tenantId": TENANT }),
    )
    .await;

    // Ann: a full login lands on her own page with a session.
    let ann = browser();
    let callback = to_callback(&ann, &test, &provider, "alpha", "ann").await;
    let callback = callback.replace("http://localhost:8080", &test.address);
    let landed = ann.get(&callback).send().await.expect("callback");
    assert_eq!(
        landed.url().path(),
        "/me",
        "the callback sends her to her page"
    );
    let me = ann.get(test.url("/me")).send().await.expect("me");
    let (status, html) = page_text(me).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Ann Alpha") && html.contains("alpha trust"),
        "{html}"
    );

    // GraphQL takes the session cookie only with the page's CSRF token in a header.
    let csrf_token = csrf_of(&html);
    let viewer = json!({ "query": "{ viewer { actorKind trust { name } } }" });
    let without = ann
        .post(test.url("/graphql"))
        .json(&viewer)
        .send()
        .await
        .expect("graphql");
    let without: serde_json::Value = without.json().await.expect("json");
    assert_eq!(attest_tests::error_code(&without), "FORBIDDEN", "{without}");
    let with = ann
        .post(test.url("/graphql"))
        .header("X-CSRF-Token", &csrf_token)
        .json(&viewer)
        .send()
        .await
        .expect("graphql");
    let with: serde_json::Value = with.json().await.expect("json");
    assert_eq!(with["data"]["viewer"]["actorKind"], "person", "{with}");
    assert_eq!(with["data"]["viewer"]["trust"]["name"], "alpha trust");

    // The same callback again (a replayed state and code) does not sign anyone in.
    let replayed = browser().get(&callback).send().await.expect("replay");
    assert_eq!(replayed.status(), 401);

    // Sign-out ends the session: the cookie no longer works.
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf")
        .to_owned();
    let stale = ann
        .post(test.url("/auth/logout"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("logout");
    assert_eq!(stale.status(), 403, "a forged form is refused");
    let out = ann
        .post(test.url("/auth/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 200);
    assert_eq!(
        ann.get(test.url("/me")).send().await.expect("me").status(),
        401
    );

    // A tampered state is refused.
    let tamper = browser();
    let callback = to_callback(&tamper, &test, &provider, "alpha", "ann")
        .await
        .replace("http://localhost:8080", &test.address);
    let forged = callback.replace("state=", "state=x");
    let (status, html) = page_text(tamper.get(&forged).send().await.expect("forged")).await;
    assert_eq!(status, 401, "{html}");

    // Accounts the trust's rules refuse.
    for (account, why) in [
        ("out", "Google Workspace domains"),
        ("ten", "another Microsoft tenant"),
        ("eve", "no one at alpha trust is linked"),
        ("zed", "no one at alpha trust is linked"),
    ] {
        let browser = browser();
        let callback = to_callback(&browser, &test, &provider, "alpha", account)
            .await
            .replace("http://localhost:8080", &test.address);
        let (status, html) =
            page_text(browser.get(&callback).send().await.expect("callback")).await;
        assert_eq!(status, 401, "{account}: {html}");
        assert!(html.contains(why), "{account}: {html}");
    }

    let audit = test
        .data(
            &alpha.admin,
            "{ auditLog(first: 50) { action } }",
            json!({}),
        )
        .await
        .to_string();
    assert_eq!(audit.matches("sso.login_failed").count(), 6, "{audit}");
    assert!(
        audit.contains("\"sso.login\"") && audit.contains("sso.logout"),
        "{audit}"
    );
}

/// Signs `account` in from a fresh browser and returns it (on `/me`).
pub(crate) async fn sign_in(
    test: &TestApp,
    provider: &Provider,
    account: &str,
) -> (reqwest::Client, u16) {
    let browser = browser();
    let callback = to_callback(&browser, test, provider, "alpha", account)
        .await
        .replace("http://localhost:8080", &test.address);
    let landed = browser.get(&callback).send().await.expect("callback");
    let status = landed.status().as_u16();
    (browser, status)
}

#[tokio::test]
async fn pkce_rotated_keys_foreign_issuers_and_idle_sessions() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let school = test
        .with_school(&alpha.admin, "Alpha Primary", "800001")
        .await;
    test.with_person(
        &alpha.admin,
        "Ann Alpha",
        "ann@alpha.example",
        &school,
        "TEACHING",
    )
    .await;
    let redirects = ["http://localhost:8080/auth/alpha/oidc/callback".to_owned()];
    let provider = Provider::start(&redirects);
    add_provider(&test, &alpha.admin, &provider, json!({})).await;

    let started = std::time::Instant::now();
    let (_, status) = sign_in(&test, &provider, "ann").await;
    eprintln!(
        "login round trip (attest → provider login and consent → attest → /me): {:?}",
        started.elapsed()
    );
    assert_eq!(status, 200);

    // Once linked, Ann is also known by tenant and object id: another subject with the
    // same (tid, oid) and no usable email is still her.
    let (again, status) = sign_in(&test, &provider, "ann-again").await;
    assert_eq!(status, 200);
    let page = again
        .get(test.url("/me"))
        .send()
        .await
        .expect("me")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Ann Alpha"), "{page}");

    // The provider restarts with a new signing key: attest refetches its keys and carries on.
    let port = provider.port;
    drop(provider);
    let provider = Provider::start_on(port, &redirects);
    let (_, status) = sign_in(&test, &provider, "ann").await;
    assert_eq!(status, 200, "a rotated signing key is picked up");

    // PKCE: a code issued to another browser's sign-in cannot be redeemed with ours.
    let mine = browser();
    let first = mine
        .get(test.url("/auth/alpha/oidc/login"))
        .send()
        .await
        .expect("login");
    assert_eq!(first.status(), 200);
    let my_state = first
        .url()
        .query_pairs()
        .find(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned());
    let theirs = browser();
    let their_callback = to_callback(&theirs, &test, &provider, "alpha", "ann")
        .await
        .replace("http://localhost:8080", &test.address);
    let code = their_callback
        .split("code=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("code")
        .to_owned();
    let my_state = my_state.unwrap_or_default();
    let stolen = mine
        .get(test.url(&format!(
            "/auth/alpha/oidc/callback?code={code}&state={my_state}"
        )))
        .send()
        .await
        .expect("callback");
    let (status, html) = page_text(stolen).await;
    assert_eq!(status, 401, "{html}");

    // Sessions end eight hours after sign-in however busy they are...
    let (busy, _) = sign_in(&test, &provider, "ann").await;
    let mut visits = 0;
    for _ in 0..11 {
        test.clock.advance(chrono::Duration::minutes(50));
        visits += 1;
        let status = busy.get(test.url("/me")).send().await.expect("me").status();
        if status == 401 {
            break;
        }
    }
    assert_eq!(
        busy.get(test.url("/me")).send().await.expect("me").status(),
        401,
        "absolute timeout"
    );
    assert_eq!(visits, 10, "still signed in at 7 h 30, out at 8 h 20");
    // A page load past half the token's hour renews it: 31 + 50 minutes after signing
    // in (beyond the first token's hour) the session still works.
    let (renewing, _) = sign_in(&test, &provider, "ann").await;
    for minutes in [31, 50] {
        test.clock.advance(chrono::Duration::minutes(minutes));
        let page = renewing.get(test.url("/me")).send().await.expect("me");
        assert_eq!(page.status(), 200, "after {minutes} more minutes");
    }
    // GraphQL calls renew it too: a page left open that only talks GraphQL.
    let (scripted, _) = sign_in(&test, &provider, "ann").await;
    let (_, html) = page_text(scripted.get(test.url("/me")).send().await.expect("me")).await;
    let csrf = csrf_of(&html);
    for minutes in [31, 50] {
        test.clock.advance(chrono::Duration::minutes(minutes));
        let answer: serde_json::Value = scripted
            .post(test.url("/graphql"))
            .header("X-CSRF-Token", &csrf)
            .json(&json!({ "query": "{ viewer { actorKind } }" }))
            .send()
            .await
            .expect("graphql")
            .json()
            .await
            .expect("json");
        assert_eq!(
            answer["data"]["viewer"]["actorKind"], "person",
            "after {minutes} more minutes: {answer}"
        );
    }
    // ...and after an hour without a request.
    let (ann, status) = sign_in(&test, &provider, "ann").await;
    assert_eq!(status, 200);
    assert_eq!(
        ann.get(test.url("/me")).send().await.expect("me").status(),
        200
    );
    test.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        ann.get(test.url("/me")).send().await.expect("me").status(),
        401
    );

    // An ID token that has expired by the time it is checked is refused (the provider's
    // tokens here live a minute; the sign-in itself is still within its ten minutes).
    let real_now = chrono::Utc::now();
    test.clock.set(real_now);
    let late = browser();
    let callback = to_callback(&late, &test, &provider, "alpha", "ann")
        .await
        .replace("http://localhost:8080", &test.address);
    test.clock.set(real_now + chrono::Duration::minutes(5));
    let (status, html) = page_text(late.get(&callback).send().await.expect("callback")).await;
    assert_eq!(status, 401, "{html}");
    let audit = test
        .data(
            &alpha.admin,
            "{ auditLog(first: 1) { action summary } }",
            json!({}),
        )
        .await;
    assert!(
        audit.to_string().contains("the ID token was refused"),
        "refused for its expiry, not the sign-in's: {audit}"
    );

    // Whatever a provider says, an ID token from another issuer signs no one in.
    let found = test
        .app
        .login_provider("alpha", "oidc")
        .await
        .expect("provider");
    let foreign = test
        .app
        .complete_sign_in(
            &found,
            attest_app::VerifiedLogin {
                issuer: "https://login.microsoftonline.com/common/v2.0".to_owned(),
                subject: "ann".to_owned(),
                email: Some("ann@alpha.example".to_owned()),
                email_verified: true,
                ..attest_app::VerifiedLogin::default()
            },
        )
        .await
        .expect_err("refused");
    assert!(foreign.to_string().contains("another issuer"), "{foreign}");
}

#[tokio::test]
async fn a_signature_in_an_sso_session_records_the_account_behind_it() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let redirects = ["http://localhost:8080/auth/alpha/oidc/callback".to_owned()];
    let provider = Provider::start(&redirects);
    add_provider(&test, &trust.admin, &provider, json!({})).await;
    let f = crate::signing::fixture(&test, &trust.admin, "330002", &[]).await;
    let ann = test
        .with_person(
            &trust.admin,
            "Ann Alpha",
            "ann@alpha.example",
            &f.school,
            "TEACHING",
        )
        .await;
    let (browser, status) = sign_in(&test, &provider, "ann").await;
    assert!(status < 400, "{status}");
    let link = test.url(&format!("/me/sign/{}?school={}", f.version, f.school));
    let form = browser
        .get(&link)
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("html");
    let field = |name: &str| crate::portal::field(&form, name).to_owned();
    let answers = [
        ("content_hash", field("content_hash")),
        ("view", field("view")),
        ("csrf", field("csrf")),
        ("typed_name", "Ann Alpha".to_owned()),
        ("answer.consent_1", "agree".to_owned()),
        ("decision", "sign".to_owned()),
    ];
    let done = browser
        .post(&link)
        .form(&answers)
        .send()
        .await
        .expect("sign");
    assert_eq!(done.status(), 200);
    let evidence = test
        .data(
            &trust.admin,
            "query($p: UUID!) { acceptances(personId: $p) { method evidence { chainFormat identity { kind issuer subject tenant objectId hostedDomain email authenticatedAt sessionId description } viewed { secondsOpen } } } }",
            json!({ "p": ann }),
        )
        .await;
    let row = &evidence["acceptances"][0];
    assert_eq!(row["method"], "SSO");
    assert_eq!(row["evidence"]["chainFormat"], 2);
    let identity = &row["evidence"]["identity"];
    assert_eq!(identity["kind"], "sso");
    assert_eq!(identity["issuer"], provider.issuer());
    assert_eq!(identity["subject"], "ann");
    assert_eq!(identity["tenant"], TENANT);
    assert_eq!(identity["objectId"], "oid-ann");
    assert_eq!(identity["hostedDomain"], "alpha.example");
    assert_eq!(identity["email"], "ann@alpha.example");
    assert!(
        identity["authenticatedAt"].is_string(),
        "auth_time from the ID token: {identity}"
    );
    assert!(identity["sessionId"].is_string());
    assert!(row["evidence"]["viewed"]["secondsOpen"].is_number());
}
