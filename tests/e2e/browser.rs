//! The pages in a real browser: headless Chromium (Debian's `chromium` package, installed
//! by `.ci/run`) driven by playwright-core from `tests/browser`. A member of staff signs
//! in through the OpenID test provider, signs the policy and reports a breach; her school
//! admin sees the signature on the school's dashboard; the DPO sees the breach on the
//! desk. Every page passes axe-core's WCAG 2.1 A/AA rules, its form is reachable by
//! keyboard, and it fits a phone. Screenshots go to a temporary directory, or to
//! `docs/screenshots/` with `ATTEST_UPDATE_SCREENSHOTS=1`.

use std::path::PathBuf;
use std::process::Command;

use attest_app::Clock;
use attest_tests::TestApp;
use serde_json::json;

use crate::portal::grant;
use crate::sign_in::{Provider, add_provider};
use crate::signing::fixture;

/// Runs one of `tests/browser`'s scripts with node against the running test server and
/// answers with its summary (`{ checked, problems }`) and where its screenshots are.
pub(crate) async fn run_script(
    script: &str,
    chromium: PathBuf,
    env: Vec<(&'static str, String)>,
) -> (serde_json::Value, PathBuf) {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let screenshots = if std::env::var_os("ATTEST_UPDATE_SCREENSHOTS").is_some() {
        here.join("../docs/screenshots")
    } else {
        std::env::temp_dir().join(format!("attest-screenshots-{}", std::process::id()))
    };
    let script = here.join("browser").join(script);
    let shots = screenshots.clone();
    // The script blocks a thread of its own while this runtime serves its requests.
    let run = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .envs(env)
            .env("SCREENSHOTS", shots)
            .env("CHROMIUM", chromium)
            .output()
            .expect("node runs the browser script")
    })
    .await
    .expect("browser script");
    let report = String::from_utf8_lossy(&run.stdout).into_owned();
    let errors = String::from_utf8_lossy(&run.stderr).into_owned();
    eprintln!("{report}\n{errors}");
    assert!(
        run.status.success(),
        "the browser script failed:\n{errors}\n{report}"
    );
    let summary = serde_json::from_str(report.lines().last().unwrap_or_default()).expect("report");
    (summary, screenshots)
}

#[tokio::test]
async fn staff_sign_and_report_and_their_school_and_the_dpo_see_it_in_a_browser() {
    let chromium = attest_test_support::peers::chromium();
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    attest_test_support::peers::npm_ci(&here.join("browser"));

    let test = TestApp::spawn_public().await;
    // The provider stamps its tokens with the real time.
    test.clock.set(chrono::Utc::now());
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    let f = fixture(&test, admin, "300030", &[]).await;
    test.with_person(
        admin,
        "Ann Alpha",
        "ann@alpha.example",
        &f.school,
        "TEACHING",
    )
    .await;
    let sam = test
        .with_person(
            admin,
            "Sam Head",
            "sam@alpha.example",
            &f.school,
            "LEADERSHIP",
        )
        .await;
    grant(&test, "alpha", &sam, "school_admin", Some(&f.school)).await;
    let dee = test
        .with_person(
            admin,
            "Dee Protection",
            "dpo@alpha.example",
            &f.school,
            "SUPPORT",
        )
        .await;
    grant(&test, "alpha", &dee, "dpo", None).await;
    let provider = Provider::start(&[format!("{}/auth/alpha/oidc/callback", test.address)]);
    add_provider(&test, admin, &provider, json!({})).await;
    assert!(test.clock.now() > chrono::Utc::now() - chrono::Duration::minutes(5));

    let (summary, screenshots) = run_script(
        "walkthrough.mjs",
        chromium,
        vec![
            ("ATTEST_URL", test.address.clone()),
            ("SCHOOL_ID", f.school.clone()),
        ],
    )
    .await;
    assert_eq!(
        summary["checked"].as_array().map(Vec::len),
        Some(15),
        "{summary}"
    );
    for page in [
        "me",
        "sign",
        "signed",
        "report",
        "reported",
        "school",
        "breaches",
        "breach",
        "breach-triaged",
        "breach-worked",
        "correct",
        "ico-pack",
        "board-report",
        "breach-closed",
    ] {
        assert!(
            screenshots.join(format!("{page}.png")).exists(),
            "{page}.png"
        );
    }

    // What the browser did is in the database.
    let signed = test
        .data(
            admin,
            "query($s: UUID) { compliance(schoolId: $s, status: COMPLIANT, first: 10) { edges { node { fullName } } } }",
            json!({ "s": f.school }),
        )
        .await;
    assert_eq!(
        signed["compliance"]["edges"][0]["node"]["fullName"], "Ann Alpha",
        "{signed}"
    );
    let breaches = test
        .data(
            admin,
            "{ breaches { status peopleAffected icoReports { icoReference } evidence { fileName } timeline { action actorName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        breaches["breaches"].as_array().map(Vec::len),
        Some(1),
        "{breaches}"
    );
    let worked = &breaches["breaches"][0];
    assert_eq!(worked["status"], "closed", "{breaches}");
    assert_eq!(worked["peopleAffected"], 31, "{breaches}");
    assert_eq!(
        worked["icoReports"].as_array().map(Vec::len),
        Some(2),
        "{breaches}"
    );
    assert_eq!(
        worked["evidence"][0]["fileName"], "driver-call.txt",
        "{breaches}"
    );
    // The timeline names who did each step: Ann reported it, the DPO did the rest.
    let timeline = worked["timeline"].as_array().expect("timeline");
    assert_eq!(timeline[0]["actorName"], "Ann Alpha", "{breaches}");
    assert!(
        timeline[1..]
            .iter()
            .all(|event| event["actorName"] == "Dee Protection"),
        "{breaches}"
    );
}
