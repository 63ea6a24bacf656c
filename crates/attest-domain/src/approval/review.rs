//! A version's way to publication under an approval rule: drafting → in review →
//! approved → published, or back to drafting when an approver rejects it or its owner
//! takes it back. Each submission is a round; editing a version withdraws the round's
//! approvals by starting a new one, so only decisions of the current round count.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rule::ApprovalRule;
use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStage {
    /// Being written (again): never submitted, rejected, or taken back.
    Drafting,
    InReview,
    Approved,
}

impl ReviewStage {
    pub const ALL: [ReviewStage; 3] = [Self::Drafting, Self::InReview, Self::Approved];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Drafting => "drafting",
            Self::InReview => "in_review",
            Self::Approved => "approved",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stage| stage.as_str() == raw)
    }
}

/// Why a step cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The version is not at a stage where this can happen.
    #[error("{0}")]
    Conflict(String),
    /// The caller holds no seat, or has used theirs.
    #[error("{0}")]
    NotYours(String),
}

fn conflict(message: impl Into<String>) -> ReviewError {
    ReviewError::Conflict(message.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub stage: ReviewStage,
    /// 1 for the first submission; one more for each submission after it and for each
    /// edit while in review.
    pub round: u32,
    /// Set for an approved version waiting for the date it takes effect.
    pub scheduled_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Approve {
        /// "Trust board, 4 December 2026".
        meeting: String,
        /// "7.2".
        minute: String,
        /// The day the approval takes effect (publication can be scheduled for it).
        effective_on: NaiveDate,
    },
    Reject {
        reason: String,
    },
}

/// One seat's decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatDecision {
    pub seat: usize,
    pub round: u32,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pending { approvals: usize, needed: usize },
    Approved { effective_on: NaiveDate },
    Rejected,
}

const MAX_MEETING: usize = 200;
const MAX_MINUTE: usize = 50;
const MAX_REASON: usize = 2_000;

fn text(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

impl Verdict {
    /// The verdict with its texts trimmed and checked.
    pub fn checked(self) -> Result<Self, DomainError> {
        Ok(match self {
            Self::Approve {
                meeting,
                minute,
                effective_on,
            } => Self::Approve {
                meeting: text("meeting", &meeting, MAX_MEETING)?,
                minute: text("minute", &minute, MAX_MINUTE)?,
                effective_on,
            },
            Self::Reject { reason } => Self::Reject {
                reason: text("reason", &reason, MAX_REASON)?,
            },
        })
    }
}

impl Review {
    /// Sends a draft for review (again): a new round.
    pub fn submit(
        previous: Option<&Review>,
        rule: Option<&ApprovalRule>,
    ) -> Result<Review, ReviewError> {
        if rule.is_none() {
            return Err(conflict(
                "this policy needs no approval: publish the draft when it is ready",
            ));
        }
        let round = match previous {
            None => 1,
            Some(review) if review.stage == ReviewStage::Drafting => review.round + 1,
            Some(review) if review.stage == ReviewStage::InReview => {
                return Err(conflict("this version is already in review"));
            }
            Some(_) => return Err(conflict("this version is already approved")),
        };
        Ok(Review {
            stage: ReviewStage::InReview,
            round,
            scheduled_on: None,
        })
    }

    /// A decision by the holder of one of `seats`, given the decisions already made.
    /// Returns the review after it, the seat it filled and what it means.
    pub fn decide(
        &self,
        rule: &ApprovalRule,
        seats: &[usize],
        decisions: &[SeatDecision],
        verdict: Verdict,
    ) -> Result<(Review, usize, Outcome), ReviewError> {
        match self.stage {
            ReviewStage::InReview => {}
            ReviewStage::Approved => return Err(conflict("this version is already approved")),
            ReviewStage::Drafting => {
                return Err(conflict(
                    "this version is not in review: its owner has to submit it first",
                ));
            }
        }
        if seats.is_empty() {
            return Err(ReviewError::NotYours(format!(
                "you are not one of the approvers for {}",
                rule.body
            )));
        }
        let current: Vec<&SeatDecision> = decisions
            .iter()
            .filter(|decision| decision.round == self.round)
            .collect();
        let seat = seats
            .iter()
            .copied()
            .find(|seat| !current.iter().any(|decision| decision.seat == *seat))
            .ok_or_else(|| {
                ReviewError::NotYours("you have already decided on this version".to_owned())
            })?;
        let verdict = verdict.checked()?;
        if matches!(verdict, Verdict::Reject { .. }) {
            let review = Review {
                stage: ReviewStage::Drafting,
                ..*self
            };
            return Ok((review, seat, Outcome::Rejected));
        }
        let approvals: Vec<NaiveDate> = current
            .iter()
            .map(|decision| &decision.verdict)
            .chain(std::iter::once(&verdict))
            .filter_map(|verdict| match verdict {
                Verdict::Approve { effective_on, .. } => Some(*effective_on),
                Verdict::Reject { .. } => None,
            })
            .collect();
        let needed = rule.needed();
        if approvals.len() < needed {
            return Ok((
                *self,
                seat,
                Outcome::Pending {
                    approvals: approvals.len(),
                    needed,
                },
            ));
        }
        let effective_on = approvals.into_iter().max().unwrap_or_default();
        let review = Review {
            stage: ReviewStage::Approved,
            ..*self
        };
        Ok((review, seat, Outcome::Approved { effective_on }))
    }

    /// The version's text changed: approvals given so far are withdrawn (a new round)
    /// and an approved version goes back to review.
    pub fn edited(&self) -> Review {
        match self.stage {
            ReviewStage::Drafting => *self,
            ReviewStage::InReview | ReviewStage::Approved => Review {
                stage: ReviewStage::InReview,
                round: self.round + 1,
                scheduled_on: None,
            },
        }
    }

    /// The owner takes the version back to work on it.
    pub fn return_to_draft(&self) -> Result<Review, ReviewError> {
        if self.stage == ReviewStage::Drafting {
            return Err(conflict("this version is not in review"));
        }
        Ok(Review {
            stage: ReviewStage::Drafting,
            scheduled_on: None,
            ..*self
        })
    }

    /// An approved version to be published on `on` (today or later).
    pub fn schedule(&self, on: NaiveDate, today: NaiveDate) -> Result<Review, ReviewError> {
        if self.stage != ReviewStage::Approved {
            return Err(conflict(
                "only an approved version can be scheduled for publication",
            ));
        }
        if on < today {
            return Err(DomainError::invalid(
                "publishOn",
                format!("{on} has passed: publish it now, or choose today or a later day"),
            )
            .into());
        }
        Ok(Review {
            scheduled_on: Some(on),
            ..*self
        })
    }

    /// Whether the scheduled day has come.
    pub fn due_for_publication(&self, today: NaiveDate) -> bool {
        self.stage == ReviewStage::Approved && self.scheduled_on.is_some_and(|on| on <= today)
    }
}

/// Whether a version may be published now under `rule`.
pub fn may_publish(
    rule: Option<&ApprovalRule>,
    review: Option<&Review>,
) -> Result<(), ReviewError> {
    let Some(rule) = rule else {
        return Ok(());
    };
    match review.map(|review| review.stage) {
        Some(ReviewStage::Approved) => Ok(()),
        Some(ReviewStage::InReview) => Err(conflict(format!(
            "this version is still in review: it needs approval by {} before it is published",
            rule.body
        ))),
        _ => Err(conflict(format!(
            "this policy needs approval by {} before a version is published: submit the draft for review",
            rule.body
        ))),
    }
}
