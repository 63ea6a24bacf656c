//! Policy governance over GraphQL: approval rules, reviews, decisions and comments,
//! each a call into attest-app.

mod inputs;
mod mutation;
mod objects;
mod query;

pub use mutation::ApprovalMutation;
pub use objects::{ApprovalRule, ReviewStage, VersionReview};
pub use query::ApprovalQuery;
