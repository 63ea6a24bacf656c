//! attest-server: the `attest` binary. HTTP (actix-web), the command line (clap),
//! configuration, and the demo. Every command and route calls into attest-app.

pub mod breach_cli;
pub mod cli;
pub mod config;
pub mod db_roles;
pub mod demo;
pub mod http;
pub mod jobs_cli;
pub mod mail_cli;
pub mod policy_cli;
pub mod signing_cli;
pub mod sso_cli;
pub mod sync_cli;
pub mod telemetry;

pub use config::Config;
pub use http::{ServerSettings, start};
