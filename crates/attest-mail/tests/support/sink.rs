//! A real SMTP server for tests: aiosmtpd (`smtp_sink.py`), started on a free loopback
//! port and writing each message it accepts to a directory. Shared by the mail and
//! server tests (`#[path]`-included), so it names its script from the workspace.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// The version of aiosmtpd the tests run (PyPI).
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// Where aiosmtpd is importable from: nothing extra when the machine's Python has it;
/// otherwise it is installed once (under a lock, as test processes run side by side)
/// into `target/peers/python` and put on `PYTHONPATH`.
fn aiosmtpd_path() -> Option<std::path::PathBuf> {
    let has_it = |path: Option<&std::path::Path>| {
        let mut check = Command::new("python3");
        check.args(["-c", "import aiosmtpd"]).stderr(Stdio::null());
        if let Some(path) = path {
            check.env("PYTHONPATH", path);
        }
        check.status().is_ok_and(|status| status.success())
    };
    if has_it(None) {
        return None;
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/peers/python");
    std::fs::create_dir_all(&dir).expect("target/peers/python");
    let lock = std::fs::File::create(dir.join(".lock")).expect("lock file");
    lock.lock().expect("lock");
    if !has_it(Some(&dir)) {
        eprintln!(
            "installing {AIOSMTPD} for the mail tests into {}",
            dir.display()
        );
        let installed = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&dir)
            .arg(AIOSMTPD)
            .status()
            .expect("python3 with pip is needed for the mail tests (Debian: apt-get install python3-pip)");
        assert!(
            installed.success() && has_it(Some(&dir)),
            "could not install {AIOSMTPD} from PyPI into {}",
            dir.display()
        );
    }
    Some(dir)
}

impl Sink {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../attest-mail/tests/smtp_sink.py"
        );
        let mut command = Command::new("python3");
        if let Some(path) = aiosmtpd_path() {
            command.env("PYTHONPATH", path);
        }
        let mut child = command
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the SMTP sink");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start (is aiosmtpd installed?)"
        );
        Self { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, as text.
    pub fn received(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|entry| std::fs::read_to_string(entry.path()).expect("read"))
            .collect();
        files.sort();
        files
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
