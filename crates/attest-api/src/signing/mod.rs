//! Signing and compliance over GraphQL: statuses, summaries, acceptances with their
//! evidence, and the mutations that sign, decline, record paper forms, exempt and send
//! magic links. Each resolver is one call into attest-app.

mod inputs;
mod mutation;
mod objects;
mod query;

pub use mutation::*;
pub use query::*;
