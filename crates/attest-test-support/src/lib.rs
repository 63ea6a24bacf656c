//! attest-test-support: what tests share, and nothing a production crate may use.
//!
//! - [`TestDatabase`]: a fresh database per test, SQLite by default or PostgreSQL when
//!   `ATTEST_TEST_DATABASE_URL` names a server.
//! - [`TestWorld`]: an `App` on its own database and clock, filled through the same use
//!   cases trust IT calls: `.with_trust()`, `.with_school()`, `.with_person()`.
//! - [`principals`]: callers with given roles, for tests of the layers below the app.
//! - [`store_trust`], [`store_school`]: the store's own tests' fixtures, made through
//!   the repositories they test.
//! - [`peers`]: the real peers (npm packages, Chromium, PostgreSQL), installed or
//!   started on first use.
//! - `TestApp` (feature `server`): the real server on a random port over its own
//!   database, with `.with_trust()`, `.with_school()`, `.with_person()` through the API.

mod database;
pub mod peers;
pub mod principals;
#[cfg(feature = "server")]
mod server;
mod store_fixtures;
mod world;

pub use database::{TEST_DATABASE_ENV, TestDatabase, run_as_admin};
#[cfg(feature = "server")]
pub use server::{TestApp, TestTrust, error_code, error_message};
pub use store_fixtures::{store_school, store_trust};
pub use world::{TestPerson, TestWorld};
