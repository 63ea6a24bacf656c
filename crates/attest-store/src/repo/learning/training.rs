//! Training records: certificate files, in-house sessions with their registers, and
//! external providers' completion files.

use std::collections::BTreeMap;

use attest_domain::{
    Attendee, PersonId, PolicyId, SchoolId, TrainingCertificate, TrainingImport, TrainingSession,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{Learning, count};
use crate::StoreError;
use crate::repo::raw::bind_list;

pub struct NewCertificate<'b> {
    pub id: uuid::Uuid,
    pub person: PersonId,
    pub policy: PolicyId,
    pub file_name: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: &'b [u8],
    pub uploaded_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct NewSession {
    pub id: uuid::Uuid,
    pub policy: PolicyId,
    pub school: SchoolId,
    pub held_on: NaiveDate,
    pub trainer: String,
    pub note: Option<String>,
    pub recorded_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct NewImport {
    pub id: uuid::Uuid,
    pub policy: PolicyId,
    pub provider: String,
    pub file_sha256: String,
    pub lines: u32,
    pub recorded: u32,
    pub skipped: u32,
    pub imported_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct CertificateRow {
    id: uuid::Uuid,
    person_id: uuid::Uuid,
    policy_id: uuid::Uuid,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: Option<uuid::Uuid>,
    uploaded_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct CertificateWithContent {
    #[sea_orm(nested)]
    row: CertificateRow,
    content: Vec<u8>,
}

#[derive(FromQueryResult)]
struct SessionRow {
    id: uuid::Uuid,
    policy_id: uuid::Uuid,
    school_id: uuid::Uuid,
    held_on: NaiveDate,
    trainer: String,
    note: Option<String>,
    recorded_by: Option<uuid::Uuid>,
    created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct AttendeeRow {
    session_id: uuid::Uuid,
    person_id: uuid::Uuid,
    acceptance_id: Option<uuid::Uuid>,
}

#[derive(FromQueryResult)]
struct ImportRow {
    id: uuid::Uuid,
    policy_id: uuid::Uuid,
    provider: String,
    file_sha256: String,
    lines: i32,
    recorded: i32,
    skipped: i32,
    imported_by: Option<uuid::Uuid>,
    imported_at: DateTime<Utc>,
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

const CERTIFICATE_COLUMNS: &str = "id, person_id, policy_id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at";

impl CertificateRow {
    fn certificate(self) -> TrainingCertificate {
        TrainingCertificate {
            id: self.id,
            person: PersonId::from_uuid(self.person_id),
            policy: PolicyId::from_uuid(self.policy_id),
            file_name: self.file_name,
            content_type: self.content_type,
            size: u64::try_from(self.size_bytes).unwrap_or_default(),
            sha256: self.sha256,
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at,
        }
    }
}

impl<C: ConnectionTrait> Learning<'_, C> {
    pub async fn insert_certificate(
        &self,
        new: NewCertificate<'_>,
    ) -> Result<TrainingCertificate, StoreError> {
        let size = i64::try_from(new.content.len()).unwrap_or(i64::MAX);
        self.raw.execute(
            "INSERT INTO training_certificates (id, trust_id, person_id, policy_id, file_name, content_type, \
             size_bytes, sha256, content, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            vec![
                new.id.into(),
                self.raw.trust(),
                new.person.as_uuid().into(),
                new.policy.as_uuid().into(),
                new.file_name.clone().into(),
                new.content_type.into(),
                size.into(),
                new.sha256.clone().into(),
                new.content.to_vec().into(),
                new.uploaded_by.into(),
                new.at.into(),
            ],
        )
        .await?;
        Ok(TrainingCertificate {
            id: new.id,
            person: new.person,
            policy: new.policy,
            file_name: new.file_name,
            content_type: new.content_type.to_owned(),
            size: u64::try_from(size).unwrap_or_default(),
            sha256: new.sha256,
            uploaded_by: new.uploaded_by,
            uploaded_at: new.at,
        })
    }

    /// A certificate and its bytes. The caller checks the person is in reach.
    pub async fn certificate(
        &self,
        id: uuid::Uuid,
    ) -> Result<(TrainingCertificate, Vec<u8>), StoreError> {
        let found = CertificateWithContent::find_by_statement(self.raw.statement(
            &format!(
                "SELECT {CERTIFICATE_COLUMNS}, content FROM training_certificates WHERE trust_id = $1 AND id = $2"
            ),
            vec![self.raw.trust(), id.into()],
        ))
        .one(self.raw.conn)
        .await?
        .ok_or(StoreError::NotFound("certificate"))?;
        Ok((found.row.certificate(), found.content))
    }

    pub async fn certificates_of(
        &self,
        person: PersonId,
    ) -> Result<Vec<TrainingCertificate>, StoreError> {
        Ok(CertificateRow::find_by_statement(self.raw.statement(
            &format!(
                "SELECT {CERTIFICATE_COLUMNS} FROM training_certificates WHERE trust_id = $1 AND person_id = $2 \
                 ORDER BY uploaded_at DESC, id"
            ),
            vec![self.raw.trust(), person.as_uuid().into()],
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(CertificateRow::certificate)
        .collect())
    }

    pub async fn insert_session(&self, new: &NewSession) -> Result<(), StoreError> {
        if !self.allows(new.school) {
            return Err(StoreError::NotFound("school"));
        }
        self.raw.execute(
            "INSERT INTO training_sessions (id, trust_id, policy_id, school_id, held_on, trainer, note, \
             recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            vec![
                new.id.into(),
                self.raw.trust(),
                new.policy.as_uuid().into(),
                new.school.as_uuid().into(),
                new.held_on.into(),
                new.trainer.clone().into(),
                new.note.clone().into(),
                new.recorded_by.into(),
                new.at.into(),
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn add_attendee(
        &self,
        session: uuid::Uuid,
        person: PersonId,
        acceptance: Option<uuid::Uuid>,
    ) -> Result<(), StoreError> {
        self.raw
            .execute(
                "INSERT INTO training_attendance (trust_id, session_id, person_id, acceptance_id) \
             VALUES ($1, $2, $3, $4)",
                vec![
                    self.raw.trust(),
                    session.into(),
                    person.as_uuid().into(),
                    acceptance.into(),
                ],
            )
            .await
            .map_err(|error| match error {
                StoreError::Database(db) => {
                    StoreError::on_unique(|| "a person is on the register twice".to_owned())(db)
                }
                other => other,
            })?;
        Ok(())
    }

    /// The sessions of `policy` (all, with `None`) at the scope's schools, newest
    /// first, each with its register.
    pub async fn sessions(
        &self,
        policy: Option<PolicyId>,
        session: Option<uuid::Uuid>,
    ) -> Result<Vec<TrainingSession>, StoreError> {
        let mut values = vec![self.raw.trust()];
        let mut sql =
            "SELECT id, policy_id, school_id, held_on, trainer, note, recorded_by, created_at \
                       FROM training_sessions WHERE trust_id = $1"
                .to_owned();
        if let Some(policy) = policy {
            values.push(policy.as_uuid().into());
            sql.push_str(&format!(" AND policy_id = ${}", values.len()));
        }
        if let Some(session) = session {
            values.push(session.into());
            sql.push_str(&format!(" AND id = ${}", values.len()));
        }
        sql.push_str(&self.school_filter("school_id", &mut values));
        sql.push_str(" ORDER BY held_on DESC, created_at DESC, id");
        let rows = SessionRow::find_by_statement(self.raw.statement(&sql, values))
            .all(self.raw.conn)
            .await?;
        let mut registers: BTreeMap<uuid::Uuid, Vec<Attendee>> = BTreeMap::new();
        for chunk in rows.chunks(500) {
            let mut values = vec![self.raw.trust()];
            let marks = bind_list(&mut values, chunk.iter().map(|row| row.id));
            let attendees = AttendeeRow::find_by_statement(self.raw.statement(
                &format!(
                    "SELECT session_id, person_id, acceptance_id FROM training_attendance \
                     WHERE trust_id = $1 AND session_id IN ({marks}) ORDER BY person_id"
                ),
                values,
            ))
            .all(self.raw.conn)
            .await?;
            for row in attendees {
                registers.entry(row.session_id).or_default().push(Attendee {
                    person: PersonId::from_uuid(row.person_id),
                    acceptance: row.acceptance_id,
                });
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| TrainingSession {
                attendees: registers.remove(&row.id).unwrap_or_default(),
                id: row.id,
                policy: PolicyId::from_uuid(row.policy_id),
                school: SchoolId::from_uuid(row.school_id),
                held_on: row.held_on,
                trainer: row.trainer,
                note: row.note,
                recorded_by: row.recorded_by,
                created_at: row.created_at,
            })
            .collect())
    }

    pub async fn insert_import(&self, new: &NewImport) -> Result<(), StoreError> {
        self.raw.execute(
            "INSERT INTO training_imports (id, trust_id, policy_id, provider, file_sha256, lines, recorded, \
             skipped, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            vec![
                new.id.into(),
                self.raw.trust(),
                new.policy.as_uuid().into(),
                new.provider.clone().into(),
                new.file_sha256.clone().into(),
                to_i32(new.lines).into(),
                to_i32(new.recorded).into(),
                to_i32(new.skipped).into(),
                new.imported_by.into(),
                new.at.into(),
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn imports(&self, policy: PolicyId) -> Result<Vec<TrainingImport>, StoreError> {
        Ok(ImportRow::find_by_statement(self.raw.statement(
            "SELECT id, policy_id, provider, file_sha256, lines, recorded, skipped, imported_by, imported_at \
             FROM training_imports WHERE trust_id = $1 AND policy_id = $2 ORDER BY imported_at DESC, id",
            vec![self.raw.trust(), policy.as_uuid().into()],
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(|row| TrainingImport {
            id: row.id,
            policy: PolicyId::from_uuid(row.policy_id),
            provider: row.provider,
            file_sha256: row.file_sha256,
            lines: count(row.lines),
            recorded: count(row.recorded),
            skipped: count(row.skipped),
            imported_by: row.imported_by,
            imported_at: row.imported_at,
        })
        .collect())
    }
}

#[derive(FromQueryResult)]
struct LatestRow {
    person_id: uuid::Uuid,
    completed_on: NaiveDate,
}

impl<C: ConnectionTrait> Learning<'_, C> {
    /// Each person's latest completion (accepted answer) of `policy`, by the day it
    /// was completed; only `person`'s when given.
    pub async fn latest_completions(
        &self,
        policy: PolicyId,
        person: Option<PersonId>,
    ) -> Result<BTreeMap<PersonId, NaiveDate>, StoreError> {
        let mut values = vec![self.raw.trust(), policy.as_uuid().into()];
        let mut filter = String::new();
        if let Some(person) = person {
            values.push(person.as_uuid().into());
            filter = " AND person_id = $3".to_owned();
        }
        Ok(LatestRow::find_by_statement(self.raw.statement(
            &format!(
                "SELECT person_id, MAX(signed_on) AS completed_on FROM acceptances \
                 WHERE trust_id = $1 AND policy_id = $2 AND decision = 'accepted'{filter} GROUP BY person_id"
            ),
            values,
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(|row| (PersonId::from_uuid(row.person_id), row.completed_on))
        .collect())
    }
}

#[derive(FromQueryResult)]
struct DayRow {
    id: uuid::Uuid,
    signed_on: NaiveDate,
}

impl<C: ConnectionTrait> Learning<'_, C> {
    /// The day each answer was given (for a training completion: the day the course
    /// was completed), by answer id.
    pub async fn answer_days(
        &self,
        answers: &[uuid::Uuid],
    ) -> Result<BTreeMap<uuid::Uuid, NaiveDate>, StoreError> {
        let mut days = BTreeMap::new();
        for chunk in answers.chunks(500) {
            let mut values = vec![self.raw.trust()];
            let marks = bind_list(&mut values, chunk.iter().copied());
            let rows = DayRow::find_by_statement(self.raw.statement(
                &format!(
                    "SELECT id, signed_on FROM acceptances WHERE trust_id = $1 AND id IN ({marks})"
                ),
                values,
            ))
            .all(self.raw.conn)
            .await?;
            days.extend(rows.into_iter().map(|row| (row.id, row.signed_on)));
        }
        Ok(days)
    }
}
