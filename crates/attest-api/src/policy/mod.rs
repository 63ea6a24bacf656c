//! Policies over GraphQL: types, queries and mutations, each a call into attest-app.

mod inputs;
mod mutation;
mod objects;
mod query;
mod report;
mod source_file;

pub use mutation::PolicyMutation;
pub use objects::{Policy, PolicyChange, VersionState};
pub use query::PolicyQuery;
