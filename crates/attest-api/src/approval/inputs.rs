//! Inputs for approval rules and decisions.

use async_graphql::InputObject;
use attest_app::{AppError, ApprovalRuleInput as UseCaseRule};
use attest_domain::{Approver, PersonId, Quorum};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::policy::ApproverRole;

/// A seat: a named person with the capacity they approve in, or an attest role.
#[derive(InputObject)]
pub struct ApproverInput {
    pub person_id: Option<Uuid>,
    /// "Chair of governors", "Headteacher" (with `personId`).
    pub capacity: Option<String>,
    pub role: Option<ApproverRole>,
}

#[derive(InputObject)]
pub struct ApprovalRuleInput {
    /// How receipts name the approving body; "the trust board" for the trust's policies
    /// and "the local governing body" for a school's when left out.
    pub body: Option<String>,
    pub approvers: Vec<ApproverInput>,
    /// How many seats must approve; every seat when left out.
    pub quorum: Option<u32>,
    /// People who read and comment without deciding.
    #[graphql(default)]
    pub reviewer_ids: Vec<Uuid>,
}

impl ApprovalRuleInput {
    pub fn into_use_case(self) -> Result<UseCaseRule, AppError> {
        let approvers = self
            .approvers
            .into_iter()
            .enumerate()
            .map(
                |(index, seat)| match (seat.person_id, seat.capacity, seat.role) {
                    (Some(person), Some(capacity), None) => Ok(Approver::Person {
                        person: PersonId::from_uuid(person),
                        capacity,
                    }),
                    (None, None, Some(role)) => Ok(Approver::Role { role: role.into() }),
                    _ => Err(AppError::invalid(
                        "approvers",
                        format!(
                            "approver {}: give personId with capacity, or a role",
                            index + 1
                        ),
                    )),
                },
            )
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UseCaseRule {
            body: self.body,
            approvers,
            quorum: self.quorum.map_or(Quorum::All, Quorum::AtLeast),
            reviewers: self
                .reviewer_ids
                .into_iter()
                .map(PersonId::from_uuid)
                .collect(),
        })
    }
}

#[derive(InputObject)]
pub struct ApproveVersionInput {
    /// The meeting that decided: "Trust board, 4 December 2026".
    pub meeting: String,
    /// The minute's reference: "7.2".
    pub minute: String,
    /// The day the approval takes effect; today when left out.
    pub effective_on: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct CommentInput {
    /// The clause's number ("3.1") or the section's heading; the whole version when
    /// left out.
    pub clause: Option<String>,
    pub body: String,
}

#[derive(InputObject)]
pub struct SchedulePublicationInput {
    pub publish_on: NaiveDate,
    pub resign_required: bool,
    pub change_note: Option<String>,
}
