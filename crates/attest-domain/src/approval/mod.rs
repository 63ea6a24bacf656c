//! Policy governance: approval rules and the review of a version before it is
//! published.

mod review;
mod rule;
#[cfg(test)]
mod tests;

pub use review::{Outcome, Review, ReviewError, ReviewStage, SeatDecision, Verdict, may_publish};
pub use rule::{
    ApprovalRule, Approver, ApproverRole, MAX_APPROVERS, MAX_REVIEWERS, Quorum, default_body,
};
