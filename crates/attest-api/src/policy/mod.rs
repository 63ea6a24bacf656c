//! Policies over GraphQL: types, queries and mutations, each a call into attest-app.

mod inputs;
mod mutation;
mod objects;
mod query;
mod report;
mod review_objects;
mod source_file;
mod values;

pub use mutation::PolicyMutation;
pub use objects::{Policy, PolicyKind};
pub use query::PolicyQuery;
pub use review_objects::{
    ApprovalRule, ApproverRole, DefaultApprovalRule, ReviewComment, VersionReview,
};
pub use values::ObligationKind;
pub use values::PolicyChange;
