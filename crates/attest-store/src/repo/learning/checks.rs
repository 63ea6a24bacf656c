//! A read-and-understand version's check of understanding, and every attempt at it.

use attest_domain::{
    CheckQuestion, PersonId, PolicyId, PolicyVersionId, SchoolId, UnderstandingAttempt,
    UnderstandingCheck,
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Learning, count};
use crate::StoreError;

#[derive(FromQueryResult)]
struct CheckRow {
    questions: String,
    pass_mark: i32,
}

#[derive(FromQueryResult)]
struct AttemptRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    policy_id: uuid::Uuid,
    version_id: uuid::Uuid,
    school_id: uuid::Uuid,
    chosen: String,
    correct: i32,
    total: i32,
    pass_mark: i32,
    passed: bool,
    attempted_at: DateTime<Utc>,
}

impl AttemptRow {
    fn attempt(self) -> Result<UnderstandingAttempt, StoreError> {
        Ok(UnderstandingAttempt {
            id: self.id,
            person: PersonId::from_uuid(self.person_id),
            policy: PolicyId::from_uuid(self.policy_id),
            version: PolicyVersionId::from_uuid(self.version_id),
            school: SchoolId::from_uuid(self.school_id),
            chosen: serde_json::from_str(&self.chosen)
                .map_err(StoreError::corrupt("attempt answers"))?,
            correct: count(self.correct),
            total: count(self.total),
            pass_mark: count(self.pass_mark),
            passed: self.passed,
            attempted_at: self.attempted_at,
        })
    }
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl<C: ConnectionTrait> Learning<'_, C> {
    /// The check of understanding on `version`, if it has one.
    pub async fn check(
        &self,
        version: PolicyVersionId,
    ) -> Result<Option<UnderstandingCheck>, StoreError> {
        let row = CheckRow::find_by_statement(self.raw.statement(
            "SELECT questions, pass_mark FROM understanding_checks WHERE trust_id = $1 AND version_id = $2",
            vec![self.raw.trust(), version.as_uuid().into()],
        ))
        .one(self.raw.conn)
        .await?;
        row.map(|row| {
            let questions: Vec<CheckQuestion> = serde_json::from_str(&row.questions)
                .map_err(StoreError::corrupt("check of understanding"))?;
            Ok(UnderstandingCheck {
                questions,
                pass_mark: count(row.pass_mark),
            })
        })
        .transpose()
    }

    /// Sets (or with `None` removes) `version`'s check. The caller has checked the
    /// version is a draft the principal may change.
    pub async fn set_check(
        &self,
        version: PolicyVersionId,
        check: Option<&UnderstandingCheck>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.raw
            .execute(
                "DELETE FROM understanding_checks WHERE trust_id = $1 AND version_id = $2",
                vec![self.raw.trust(), version.as_uuid().into()],
            )
            .await?;
        if let Some(check) = check {
            let questions = serde_json::to_string(&check.questions)
                .map_err(StoreError::corrupt("check of understanding"))?;
            self.raw.execute(
                "INSERT INTO understanding_checks (version_id, trust_id, questions, pass_mark, updated_at) \
                 VALUES ($1, $2, $3, $4, $5)",
                vec![
                    version.as_uuid().into(),
                    self.raw.trust(),
                    questions.into(),
                    to_i32(check.pass_mark).into(),
                    at.into(),
                ],
            )
            .await?;
        }
        Ok(())
    }

    pub async fn insert_attempt(&self, attempt: &UnderstandingAttempt) -> Result<(), StoreError> {
        let chosen = serde_json::to_string(&attempt.chosen)
            .map_err(StoreError::corrupt("attempt answers"))?;
        self.raw.execute(
            "INSERT INTO understanding_attempts (id, trust_id, person_id, policy_id, version_id, school_id, \
             chosen, correct, total, pass_mark, passed, attempted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            vec![
                attempt.id.into(),
                self.raw.trust(),
                attempt.person.as_uuid().into(),
                attempt.policy.as_uuid().into(),
                attempt.version.as_uuid().into(),
                attempt.school.as_uuid().into(),
                chosen.into(),
                to_i32(attempt.correct).into(),
                to_i32(attempt.total).into(),
                to_i32(attempt.pass_mark).into(),
                attempt.passed.into(),
                attempt.attempted_at.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// `person`'s attempts (at `policy` if given), newest first, at the scope's schools.
    pub async fn attempts(
        &self,
        person: PersonId,
        policy: Option<PolicyId>,
    ) -> Result<Vec<UnderstandingAttempt>, StoreError> {
        let mut values = vec![self.raw.trust(), person.as_uuid().into()];
        let mut sql =
            "SELECT id, person_id, policy_id, version_id, school_id, chosen, correct, total, \
                       pass_mark, passed, attempted_at FROM understanding_attempts \
                       WHERE trust_id = $1 AND person_id = $2"
                .to_owned();
        if let Some(policy) = policy {
            values.push(policy.as_uuid().into());
            sql.push_str(&format!(" AND policy_id = ${}", values.len()));
        }
        sql.push_str(&self.school_filter("school_id", &mut values));
        sql.push_str(" ORDER BY attempted_at DESC, id DESC");
        AttemptRow::find_by_statement(self.raw.statement(&sql, values))
            .all(self.raw.conn)
            .await?
            .into_iter()
            .map(AttemptRow::attempt)
            .collect()
    }
}
