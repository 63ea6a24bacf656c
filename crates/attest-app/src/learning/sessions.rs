//! An in-house training session: its register is the evidence, and everyone on it is
//! recorded as having completed the course on the day it was held.

use std::collections::BTreeSet;

use attest_domain::{
    CompletionEvidence, PersonId, PolicyId, Principal, SchoolId, SigningMethod, TrainingSession,
};
use attest_store::{Learning, NewSession, TransactionTrait};
use chrono::NaiveDate;
use futures_util::future::join_all;

use crate::signing::Completed;
use crate::{App, AppError, Limit};

/// The most people one register may hold (a whole school's INSET day, with room).
pub const MAX_ATTENDEES: usize = 1_000;
const MAX_TRAINER: usize = 200;

#[derive(Debug, Clone)]
pub struct NewTrainingSession {
    pub policy: PolicyId,
    pub school: SchoolId,
    pub held_on: NaiveDate,
    pub trainer: String,
    pub note: Option<String>,
    pub attendees: Vec<PersonId>,
}

impl App {
    /// Records a session and its register. Every attendee must owe the course at the
    /// school (all are checked before anything is written); each is recorded as having
    /// completed it on the day, unless a completion as recent is already recorded.
    pub async fn record_training_session(
        &self,
        principal: &Principal,
        input: NewTrainingSession,
    ) -> Result<TrainingSession, AppError> {
        let trainer = input
            .trainer
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if trainer.is_empty() || trainer.chars().count() > MAX_TRAINER {
            return Err(AppError::invalid(
                "trainer",
                format!("say who led the session (at most {MAX_TRAINER} characters)"),
            ));
        }
        let unique: BTreeSet<PersonId> = input.attendees.iter().copied().collect();
        if unique.is_empty() {
            return Err(AppError::invalid(
                "attendees",
                "the register is empty: list who attended",
            ));
        }
        if unique.len() > MAX_ATTENDEES {
            return Err(AppError::invalid(
                "attendees",
                format!(
                    "{} people; a register holds at most {MAX_ATTENDEES}: record the session in parts",
                    unique.len()
                ),
            ));
        }
        if !principal.can_manage_school(input.school) {
            return Err(AppError::forbidden(
                "you cannot record training for this school",
            ));
        }
        let mut found = Vec::with_capacity(unique.len());
        let mut problems = Vec::new();
        for person in &unique {
            match self
                .training_obligation(principal, *person, input.policy, Some(input.school))
                .await
            {
                Ok(obligation) => found.push(obligation),
                Err(AppError::InvalidInput { message, .. } | AppError::NotFound(message)) => {
                    problems.push(format!("{person}: {message}"));
                }
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(crate::error::refused_whole(
                "attendees",
                "recorded",
                problems,
            ));
        }
        self.rate_limits.hit(
            Limit::TrainingRecord,
            &crate::rate_limit::principal_key(principal),
        )?;
        let scope = principal.scope();
        let latest = Learning::new(&self.db, &scope)
            .latest_completions(input.policy, None)
            .await?;
        let session = NewSession {
            id: uuid::Uuid::new_v4(),
            policy: input.policy,
            school: input.school,
            held_on: input.held_on,
            trainer: trainer.clone(),
            note: input.note.clone().filter(|note| !note.trim().is_empty()),
            recorded_by: principal.actor().id(),
            at: self.now(),
        };
        let txn = self.db.begin().await?;
        Learning::new(&txn, &scope).insert_session(&session).await?;
        txn.commit().await?;
        // Submitted together, the chain writer commits them in a few batches.
        let writes = found.iter().map(|obligation| async {
            if latest
                .get(&obligation.person.id)
                .is_some_and(|recorded| *recorded >= input.held_on)
            {
                return Ok((obligation.person.id, None));
            }
            let acceptance = self
                .write_completion(
                    principal,
                    obligation,
                    Completed {
                        method: SigningMethod::Attendance,
                        completed_on: input.held_on,
                        evidence: CompletionEvidence::Attendance {
                            session: session.id,
                            held_on: input.held_on,
                            trainer: trainer.clone(),
                        },
                        note: None,
                    },
                )
                .await?;
            Ok::<_, AppError>((obligation.person.id, Some(acceptance.id.as_uuid())))
        });
        let written = join_all(writes).await;
        let learning = Learning::new(&self.db, &scope);
        let mut failure = None;
        for result in written {
            match result {
                Ok((person, acceptance)) => {
                    learning
                        .add_attendee(session.id, person, acceptance)
                        .await?;
                }
                Err(error) => failure = Some(error),
            }
        }
        if let Some(error) = failure {
            return Err(error);
        }
        learning
            .sessions(Some(input.policy), Some(session.id))
            .await?
            .pop()
            .ok_or_else(|| AppError::Internal("the session just recorded is not there".to_owned()))
    }

    /// Sessions of a course (or of every course) at the caller's schools, with registers.
    pub async fn training_sessions(
        &self,
        principal: &Principal,
        policy: Option<PolicyId>,
    ) -> Result<Vec<TrainingSession>, AppError> {
        if principal.own_records().is_some() && !principal.can_manage_people() {
            let access = principal.school_access();
            if access
                .restricted_to()
                .is_some_and(|schools| schools.is_empty())
            {
                return Err(AppError::forbidden(
                    "only admins, the DPO and read-only tokens see training registers",
                ));
            }
        }
        Ok(Learning::new(&self.db, &principal.scope())
            .sessions(policy, None)
            .await?)
    }
}
