//! Policy governance over GraphQL: approval rules, reviews, decisions and comments,
//! each a call into attest-app.

mod inputs;
mod mutation;
mod query;

pub use mutation::ApprovalMutation;
pub use query::ApprovalQuery;
