//! `attest demo` as a new user meets it: started as its README says, its banner's
//! sign-in links (trust admin, DPO, school admin, member of staff) opened in headless
//! Chromium, and every page reachable from them visited and checked with axe-core
//! (tests/browser/demo.mjs). Screenshots go to a temporary directory, or to
//! `docs/screenshots/` with `ATTEST_UPDATE_SCREENSHOTS=1`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use attest_test_support::peers;

struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_page_of_the_demo_is_reached_from_its_printed_sign_in_links() {
    let chromium = peers::chromium();
    let browser = peers::workspace().join("tests/browser");
    peers::npm_ci(&browser);

    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    let mut demo = Demo(
        Command::new(env!("CARGO_BIN_EXE_attest"))
            .args(["demo", "--bind", &format!("127.0.0.1:{port}"), "--database"])
            .arg(dir.path().join("attest-demo.db"))
            .env("ATTEST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("attest demo starts"),
    );
    let mut banner = Vec::new();
    let mut stdout = BufReader::new(demo.0.stdout.take().expect("stdout"));
    loop {
        let mut line = String::new();
        let read = stdout.read_line(&mut line).expect("banner");
        assert!(
            read > 0,
            "the demo stopped before it was ready:\n{}",
            banner.join("")
        );
        let done = line.contains("Ctrl-C stops the server");
        banner.push(line);
        if done {
            break;
        }
    }
    let links: Vec<serde_json::Value> = banner
        .iter()
        .filter(|line| line.contains("/sign-in/email/si_"))
        .map(|line| {
            let url = line.split_whitespace().last().unwrap_or_default();
            let part = line.trim_start().get(..40).unwrap_or_default().trim();
            serde_json::json!({ "part": part, "url": url })
        })
        .collect();
    let parts: Vec<&str> = links
        .iter()
        .filter_map(|link| link["part"].as_str())
        .collect();
    assert_eq!(
        parts,
        [
            "trust admin",
            "DPO",
            "school admin",
            "member of staff with a policy to sign",
            "governor asked to approve a policy"
        ],
        "{}",
        banner.join("")
    );

    let screenshots = if std::env::var_os("ATTEST_UPDATE_SCREENSHOTS").is_some() {
        peers::workspace().join("docs/screenshots")
    } else {
        dir.path().join("screenshots")
    };
    let run = Command::new("node")
        .arg(browser.join("demo.mjs"))
        .env("ATTEST_URL", format!("http://127.0.0.1:{port}"))
        .env("LINKS", serde_json::Value::from(links).to_string())
        .env("SCREENSHOTS", &screenshots)
        .env("CHROMIUM", chromium)
        .output()
        .expect("node runs the demo walkthrough");
    let report = String::from_utf8_lossy(&run.stdout).into_owned();
    let errors = String::from_utf8_lossy(&run.stderr).into_owned();
    eprintln!("{report}\n{errors}");
    assert!(
        run.status.success(),
        "the demo walkthrough failed:\n{errors}\n{report}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(report.lines().last().unwrap_or_default()).expect("report");
    let checked = summary["checked"].as_array().expect("checked");
    assert!(
        checked.len() >= 14 + 5,
        "every kind of page and every sign-in: {checked:?}"
    );
}
