//! Email sign-in end to end, as a governor or volunteer would use it: `attest serve`
//! delivering to a real SMTP server (aiosmtpd). A link is asked for at the sign-in page,
//! arrives by email, opens a confirmation page (a mail scanner's GET uses nothing), signs
//! in once and never again; the person is sent to their policies and what they sign
//! records that they signed in by email. Unknown addresses, kinds the trust did not allow
//! and people of another trust get the same answer and no email; bad input and asking too
//! often are refused.

#[path = "../../attest-mail/tests/support/sink.rs"]
mod sink;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attest_app::{App, SystemClock};
use attest_domain::EmailSignIn;
use attest_test_support::TestDatabase;
use sink::Sink;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn serve(database: &TestDatabase, sink: &Sink, port: u16) -> Server {
    let key = attest_auth::SealingKey::generate().expect("key");
    Server(
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("ATTEST_DATABASE_URL", database.url())
            .env("ATTEST_SMTP_URL", sink.url())
            .env("ATTEST_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("ATTEST_SECRET_KEY", key)
            .env("ATTEST_COOKIE_SECURE", "false")
            .env("ATTEST_MAIL_DISPATCH_SECONDS", "1")
            .env("ATTEST_REMINDERS_CRON", "")
            .env("ATTEST_BREACH_ALERTS_CRON", "")
            .env("ATTEST_DIRECTORY_SYNC_CRON", "")
            .env("ATTEST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start attest serve"),
    )
}

/// The text of a quoted-printable email body, with its soft line breaks joined.
fn unfolded(email: &str) -> String {
    email
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

fn sign_in_emails_to(sink: &Sink, address: &str) -> Vec<String> {
    sink.received()
        .into_iter()
        .map(|email| unfolded(&email))
        .filter(|email| email.contains("Subject: Sign in to"))
        .filter(|email| email.contains(&format!("To: {address}")))
        .collect()
}

fn link_in(email: &str) -> String {
    let start = email.find("http://").expect("a link");
    email[start..]
        .split_whitespace()
        .next()
        .expect("link")
        .trim_end_matches(['"', '>'])
        .to_owned()
}

/// The value of the first `<input name="{name}" … value="…">` in a page.
fn field(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_end = at + html[at..].find('>')?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

/// Every radio question's name and first option.
fn first_answers(html: &str) -> Vec<(String, String)> {
    let mut answers: Vec<(String, String)> = Vec::new();
    for piece in html.split("name=\"answer.").skip(1) {
        let name = piece.split('"').next().unwrap_or_default();
        let value = piece
            .split("value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap_or_default();
        if !answers.iter().any(|(known, _)| known == name) {
            answers.push((format!("answer.{name}"), value.to_owned()));
        }
    }
    answers
}

async fn ask(client: &reqwest::Client, base: &str, trust: &str, email: &str) -> (u16, String) {
    let response = client
        .post(format!("{base}/sign-in/{trust}/email"))
        .form(&[("email", email)])
        .send()
        .await
        .expect("ask for a link");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

#[tokio::test]
async fn a_link_asked_for_by_email_arrives_signs_in_once_and_is_kept_as_evidence() {
    let sink = Sink::start();
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    let demo = attest_server::demo::seed(&app).await.expect("demo trust");
    let operator = app.operator_for(&demo.trust_slug).await.expect("operator");
    let signer = app
        .person(&operator, demo.cast.signer.expect("a signer"))
        .await
        .expect("signer");
    let address = signer.email.clone().expect("an email").as_str().to_owned();
    // A second trust with email sign-in on for everyone, but none of the demo's people.
    let other = app
        .create_trust("Other Trust", "other")
        .await
        .expect("trust");
    let other_operator = app.operator_for(other.slug.as_str()).await.expect("op");
    app.set_email_sign_in(&other_operator, EmailSignIn::for_kinds("all").expect("ok"))
        .await
        .expect("other trust's setting");

    let port = free_port();
    let _server = serve(&database, &sink, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The front door offers email sign-in.
    let front = client
        .get(format!("{base}/sign-in/demo"))
        .send()
        .await
        .expect("front");
    assert_eq!(front.status(), 200);
    assert!(
        front
            .text()
            .await
            .expect("ok")
            .contains("Email me a sign-in link")
    );

    // Only visitors may: the signer gets the same answer as an unknown address, and no email.
    app.set_email_sign_in(&operator, EmailSignIn::for_kinds("visitor").expect("ok"))
        .await
        .expect("visitors only");
    let (status, not_allowed) = ask(&client, &base, "demo", &address).await;
    assert_eq!(status, 200, "{not_allowed}");
    let (status, unknown) = ask(&client, &base, "demo", "nobody@nowhere.example").await;
    assert_eq!(status, 200);
    assert_eq!(
        not_allowed.replace(&address, "ADDRESS"),
        unknown.replace("nobody@nowhere.example", "ADDRESS"),
        "an unknown address is answered exactly as a known one"
    );
    // Another trust does not know the demo's people.
    let (status, _) = ask(&client, &base, "other", &address).await;
    assert_eq!(status, 200);
    // Bad input is said so, on the form again.
    let (status, page) = ask(&client, &base, "demo", "not an address").await;
    assert_eq!(status, 422);
    assert!(page.contains("enter an email address"), "{page}");
    let (status, _) = ask(
        &client,
        &base,
        "demo",
        &format!("{}@x.example", "a".repeat(300)),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = ask(&client, &base, "nosuchtrust", &address).await;
    assert_eq!(status, 404);

    // Everyone may: the link arrives through the SMTP server.
    app.set_email_sign_in(&operator, EmailSignIn::for_kinds("all").expect("ok"))
        .await
        .expect("everyone");
    let (status, _) = ask(&client, &base, "demo", &address).await;
    assert_eq!(status, 200);
    let deadline = Instant::now() + Duration::from_secs(30);
    let email = loop {
        if let Some(email) = sign_in_emails_to(&sink, &address).pop() {
            break email;
        }
        assert!(Instant::now() < deadline, "no sign-in email arrived");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let link = link_in(&email);
    assert!(
        link.starts_with(&format!("{base}/sign-in/email/si_")),
        "{link}"
    );

    // Opening it (as a mail scanner would) shows who it signs in and uses nothing.
    for _ in 0..2 {
        let preview = client.get(&link).send().await.expect("preview");
        assert_eq!(preview.status(), 200);
        assert!(
            preview
                .text()
                .await
                .expect("ok")
                .contains(signer.full_name.as_str())
        );
    }
    // A form on another site cannot use it (login CSRF), and does not use it up.
    let elsewhere = client
        .post(&link)
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("cross-site");
    assert_eq!(elsewhere.status(), 403);
    let cross_site = client
        .post(&link)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "null")
        .send()
        .await
        .expect("cross-site");
    assert_eq!(cross_site.status(), 403);
    let signed_in = client
        .post(&link)
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/");
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("attest_session="))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned();
    // Used once: the second time it is refused, and so is its preview.
    assert_eq!(client.post(&link).send().await.expect("ok").status(), 404);
    assert_eq!(client.get(&link).send().await.expect("ok").status(), 404);

    // The front door sends a member of staff to their policies.
    let front = client
        .get(format!("{base}/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("front door");
    assert_eq!(front.status(), 303);
    assert_eq!(front.headers()["location"], "/me");
    let me = client
        .get(format!("{base}/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me")
        .text()
        .await
        .expect("page");
    let sign_path = me
        .split("href=\"")
        .find_map(|rest| rest.strip_prefix("/me/sign/"))
        .and_then(|rest| rest.split('"').next())
        .map(|rest| format!("/me/sign/{}", rest.replace("&amp;", "&")))
        .expect("a policy to sign on My policies");

    // Signing from there records the email sign-in on the receipt.
    let form = client
        .get(format!("{base}{sign_path}"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("form page");
    let mut fields = vec![
        ("csrf".to_owned(), field(&form, "csrf").expect("csrf")),
        (
            "content_hash".to_owned(),
            field(&form, "content_hash").expect("content hash"),
        ),
        (
            "typed_name".to_owned(),
            signer.full_name.as_str().to_owned(),
        ),
        ("decision".to_owned(), "sign".to_owned()),
    ];
    fields.extend(first_answers(&form));
    let done = client
        .post(format!("{base}{sign_path}"))
        .header("cookie", &cookie)
        .form(&fields)
        .send()
        .await
        .expect("sign");
    assert_eq!(done.status(), 200);
    let done = done.text().await.expect("receipt");
    assert!(
        done.contains("signed in with a single-use link sent to their email"),
        "the receipt names how they signed in: {done}"
    );
    // …and the signature itself holds the link and the address it was sent to.
    let signed_by = app
        .person_evidence(&operator, signer.id)
        .await
        .expect("evidence")
        .pop()
        .expect("the signature")
        .acceptance
        .identity
        .expect("identity");
    match signed_by {
        attest_domain::SignerIdentity::EmailLink { sent_to, .. } => {
            assert_eq!(sent_to, address);
        }
        other => panic!("{other:?}"),
    }

    // No email went to the addresses that were not allowed, unknown or of another trust.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sign_in_emails_to(&sink, &address).len(), 1);
    assert!(sign_in_emails_to(&sink, "nobody@nowhere.example").is_empty());

    // Asking too often from one address is refused with Retry-After.
    let mut limited = None;
    for n in 0..12 {
        let response = client
            .post(format!("{base}/sign-in/demo/email"))
            .form(&[("email", format!("someone{n}@nowhere.example"))])
            .send()
            .await
            .expect("ask");
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("asking a dozen times in a row is limited");
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn trust_it_issues_a_sign_in_link_and_sets_who_may_sign_in_from_the_command_line() {
    let database = TestDatabase::migrated().await.expect("database");
    let app = App::new(database.db().clone(), Arc::new(SystemClock));
    attest_server::demo::seed(&app).await.expect("demo trust");
    let attest = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(args)
            .env("ATTEST_DATABASE_URL", database.url())
            .env("ATTEST_LOG", "warn")
            .output()
            .expect("run attest");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, out, _) = attest(&[
        "sign-in",
        "email",
        "--trust",
        "demo",
        "--kinds",
        "governor,volunteer",
        "--json",
    ]);
    assert_eq!(code, Some(0));
    let setting: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        setting["kinds"],
        serde_json::json!(["governor", "volunteer"])
    );
    let (code, _, err) = attest(&["sign-in", "email", "--trust", "demo", "--kinds", "janitor"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("janitor"), "{err}");
    let (code, out, _) = attest(&["sign-in", "email", "--trust", "demo", "--off", "--json"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("\"enabled\":false") || out.contains("\"enabled\": false"),
        "{out}"
    );

    let (code, out, _) = attest(&[
        "sign-in",
        "link",
        "--trust",
        "demo",
        "--person",
        "it@demo-trust.org.uk",
        "--hours",
        "2",
        "--json",
    ]);
    assert_eq!(code, Some(0));
    let link: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert!(
        link["url"]
            .as_str()
            .is_some_and(|url| url.contains("/sign-in/email/si_"))
    );
    assert_eq!(link["name"], "Tom Trust-IT");
    let (code, _, err) = attest(&[
        "sign-in",
        "link",
        "--trust",
        "demo",
        "--person",
        "nobody@x.example",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no one in the trust"), "{err}");
    let (code, _, err) = attest(&[
        "sign-in",
        "link",
        "--trust",
        "demo",
        "--person",
        "it@demo-trust.org.uk",
        "--hours",
        "500",
    ]);
    assert_eq!(code, Some(1));
    assert!(err.contains("72 hours"), "{err}");
}
