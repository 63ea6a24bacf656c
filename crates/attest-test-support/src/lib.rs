//! attest-test-support: what tests share, and nothing a production crate may use.
//!
//! - [`TestDatabase`]: a fresh database per test, SQLite by default or PostgreSQL when
//!   `ATTEST_TEST_DATABASE_URL` names a server.
//! - [`TestWorld`]: an `App` on its own database and clock, filled through the same use
//!   cases trust IT calls: `.with_trust()`, `.with_school()`, `.with_person()`.
//! - [`principals`]: callers with given roles, for tests of the layers below the app.

mod database;
pub mod principals;
mod world;

pub use database::{TEST_DATABASE_ENV, TestDatabase, run_as_admin};
pub use world::{TestPerson, TestWorld};
