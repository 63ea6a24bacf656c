//! The end-to-end suite's harness lives in `attest-test-support` (feature `server`).

pub use attest_test_support::{TestApp, TestTrust, error_code, error_message};
