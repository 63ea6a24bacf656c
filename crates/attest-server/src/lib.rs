//! attest-server: the `attest` binary. HTTP (actix-web), the command line (clap),
//! configuration, and the demo. Every command and route calls into attest-app.

pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use http::{ServerSettings, start};
