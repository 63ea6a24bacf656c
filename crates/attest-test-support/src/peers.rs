//! The real peers the tests talk to, installed or started on first use when the machine
//! lacks them, so `cargo nextest run --workspace` works on a machine with only Rust:
//! npm packages (pinned by each directory's package-lock.json), Debian's Chromium, and
//! a local PostgreSQL cluster when `ATTEST_TEST_DATABASE_URL` names one that is down.
//!
//! Tests run as separate processes side by side, so each install holds a file lock and
//! looks again once it has it. A system package is installed only by root (apt-get);
//! otherwise the test stops with the command to run.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace's root (this crate lives in `crates/attest-test-support`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Holds `target/peers/{name}.lock` until dropped.
fn lock(name: &str) -> File {
    let dir = workspace().join("target/peers");
    std::fs::create_dir_all(&dir).expect("target/peers");
    let file = File::create(dir.join(format!("{name}.lock"))).expect("lock file");
    file.lock().expect("lock");
    file
}

fn found(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// Installs Debian packages (as root), or stops the test saying what to install.
pub fn apt_install(packages: &[&str], why: &str) {
    let _held = lock("apt");
    let wanted = packages.join(" ");
    assert!(
        is_root() && found("apt-get"),
        "{why} needs the Debian packages `{wanted}`: run `apt-get install -y {wanted}` as root"
    );
    eprintln!("installing {wanted} ({why})");
    let installed = Command::new("sh")
        .args([
            "-c",
            &format!(
                "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q {wanted} >/dev/null"
            ),
        ])
        .status()
        .expect("apt-get runs");
    assert!(installed.success(), "apt-get install {wanted} failed");
}

/// Node.js and npm, for the OpenID provider and the browser tests.
pub fn node() {
    if !found("node") || !found("npm") {
        apt_install(&["nodejs", "npm"], "the sign-in and browser tests");
    }
}

/// `npm ci` in `dir` (a directory of the workspace with a package-lock.json) unless it
/// has already been done for this lock file.
///
/// Done means the stamp `node_modules/.attest-installed` holds the lock file, written
/// only once `npm ci` has finished: a package's directory appears while npm is still
/// unpacking it, so a test that took its presence for "installed" could start node
/// against a half-written package.
pub fn npm_ci(dir: &Path) {
    let lock_file = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.attest-installed");
    let wanted = std::fs::read(&lock_file)
        .unwrap_or_else(|error| panic!("{}: {error}", lock_file.display()));
    let ready = || std::fs::read(&stamp).is_ok_and(|held| held == wanted);
    if ready() {
        return;
    }
    node();
    let _held = lock("npm");
    if ready() {
        return;
    }
    eprintln!("npm ci in {}", dir.display());
    let installed = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(dir)
        .status()
        .expect("npm runs");
    assert!(installed.success(), "npm ci in {} failed", dir.display());
    std::fs::write(&stamp, &wanted).unwrap_or_else(|error| panic!("{}: {error}", stamp.display()));
}

/// The Chromium to drive: `$CHROMIUM`, or Debian's, installed when missing.
pub fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if !debian.exists() {
        apt_install(&["chromium"], "the browser tests");
    }
    debian
}

/// When the PostgreSQL at `url` does not answer and it is this machine's, start the
/// machine's cluster (Debian's `pg_ctlcluster`, installing PostgreSQL as root if it is
/// not there) and wait for it.
pub fn start_local_postgres(url: &str) {
    let local = ["@127.0.0.1", "@localhost", "@[::1]"]
        .iter()
        .any(|host| url.contains(host));
    if !local {
        return;
    }
    let _held = lock("postgres");
    let answering = || {
        Command::new("pg_isready")
            .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
            .status()
            .is_ok_and(|status| status.success())
    };
    if answering() {
        return;
    }
    if !found("pg_ctlcluster") {
        apt_install(&["postgresql"], "the PostgreSQL tests");
    }
    let versions = std::fs::read_dir("/etc/postgresql")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for version in versions {
        eprintln!("starting PostgreSQL {version} for the tests");
        let _ = Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect", &version, "main", "start"])
            .status();
    }
    for _ in 0..30 {
        if answering() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    panic!("PostgreSQL at {url} does not answer and could not be started");
}
