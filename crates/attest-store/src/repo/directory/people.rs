//! The people side of a sync: who the directory already knows, and the bulk writes of
//! applying a plan (a first sync brings thousands of people at once, so in batches).

use std::collections::{BTreeSet, HashMap};

use attest_domain::{KnownPerson, MembershipId, MembershipKind, PersonId, SchoolId};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

use super::{BATCH, Directory};
use crate::StoreError;
use crate::repo::raw::bind_list;

/// An open membership, by what a sync plans with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenMembership {
    pub id: MembershipId,
    pub person: PersonId,
    pub school: SchoolId,
    pub kind: MembershipKind,
}

pub struct NewSyncedPerson {
    pub id: PersonId,
    pub full_name: String,
    pub email: Option<String>,
}

pub struct NewSyncedMembership {
    pub person: PersonId,
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
}

impl<C: ConnectionTrait> Directory<'_, C> {
    /// Everyone of the trust as a sync sees them: name, email, the account id under
    /// `issuer`, and their memberships open on `today`.
    pub async fn known_people(
        &self,
        issuer: &str,
        today: NaiveDate,
    ) -> Result<(Vec<KnownPerson>, Vec<OpenMembership>), StoreError> {
        self.known_people_in(issuer, today, None).await
    }

    /// The people a push about some accounts can touch: those linked to `subjects` under
    /// `issuer` (or to `linked_elsewhere`, the `(issuer, subject)` pairs other systems
    /// know them by), and those whose email is one of `emails`.
    pub async fn known_people_among(
        &self,
        issuer: &str,
        today: NaiveDate,
        subjects: &[String],
        linked_elsewhere: &[(String, String)],
        emails: &[String],
    ) -> Result<(Vec<KnownPerson>, Vec<OpenMembership>), StoreError> {
        #[derive(FromQueryResult)]
        struct IdRow {
            id: uuid::Uuid,
        }
        let mut ids: BTreeSet<uuid::Uuid> = BTreeSet::new();
        let pairs = subjects
            .iter()
            .map(|subject| (issuer.to_owned(), subject.clone()))
            .chain(linked_elsewhere.iter().cloned());
        for (issuer, subject) in pairs {
            let found = IdRow::find_by_statement(self.statement(
                "SELECT person_id AS id FROM person_identities WHERE trust_id = $1 AND issuer = $2 AND subject = $3",
                vec![self.trust(), issuer.into(), subject.into()],
            ))
            .all(self.conn)
            .await?;
            ids.extend(found.into_iter().map(|row| row.id));
        }
        for email in emails {
            let found = IdRow::find_by_statement(self.statement(
                "SELECT id FROM people WHERE trust_id = $1 AND email = $2",
                vec![self.trust(), email.to_lowercase().into()],
            ))
            .all(self.conn)
            .await?;
            ids.extend(found.into_iter().map(|row| row.id));
        }
        if ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        self.known_people_in(issuer, today, Some(ids.into_iter().collect()))
            .await
    }

    async fn known_people_in(
        &self,
        issuer: &str,
        today: NaiveDate,
        only: Option<Vec<uuid::Uuid>>,
    ) -> Result<(Vec<KnownPerson>, Vec<OpenMembership>), StoreError> {
        // `only` is a handful of people (one push); the whole trust reads without a list.
        let among = |column: &str, mut values: Vec<Value>| {
            let filter = match &only {
                None => String::new(),
                Some(ids) => format!(
                    " AND {column} IN ({})",
                    bind_list(&mut values, ids.iter().copied())
                ),
            };
            (filter, values)
        };
        #[derive(FromQueryResult)]
        struct PersonRow {
            id: uuid::Uuid,
            full_name: String,
            email: Option<String>,
        }
        #[derive(FromQueryResult)]
        struct LinkRow {
            person_id: uuid::Uuid,
            subject: String,
        }
        #[derive(FromQueryResult)]
        struct MembershipRow {
            id: uuid::Uuid,
            person_id: uuid::Uuid,
            school_id: uuid::Uuid,
            kind: String,
        }
        let (filter, values) = among("id", vec![self.trust()]);
        let people = PersonRow::find_by_statement(self.statement(
            &format!(
                "SELECT id, full_name, email FROM people WHERE trust_id = $1{filter} ORDER BY id"
            ),
            values,
        ))
        .all(self.conn)
        .await?;
        let (filter, values) = among("person_id", vec![self.trust(), issuer.into()]);
        let links: HashMap<uuid::Uuid, String> = LinkRow::find_by_statement(self.statement(
            &format!(
                "SELECT person_id, subject FROM person_identities WHERE trust_id = $1 AND issuer = $2{filter} \
                 ORDER BY created_at"
            ),
            values,
        ))
        .all(self.conn)
        .await?
        .into_iter()
        .map(|row| (row.person_id, row.subject))
        .collect();
        let (filter, values) = among("person_id", vec![self.trust(), today.into()]);
        let open = MembershipRow::find_by_statement(self.statement(
            &format!(
                "SELECT id, person_id, school_id, kind FROM memberships WHERE trust_id = $1 \
                 AND (ended_on IS NULL OR ended_on > $2){filter}"
            ),
            values,
        ))
        .all(self.conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(OpenMembership {
                id: MembershipId::from_uuid(row.id),
                person: PersonId::from_uuid(row.person_id),
                school: SchoolId::from_uuid(row.school_id),
                kind: row
                    .kind
                    .parse()
                    .map_err(StoreError::corrupt("membership"))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mut memberships: HashMap<PersonId, BTreeSet<(SchoolId, MembershipKind)>> =
            HashMap::new();
        for membership in &open {
            memberships
                .entry(membership.person)
                .or_default()
                .insert((membership.school, membership.kind));
        }
        let known = people
            .into_iter()
            .map(|row| {
                let person = PersonId::from_uuid(row.id);
                KnownPerson {
                    person,
                    directory_id: links.get(&row.id).cloned(),
                    email: row.email,
                    full_name: row.full_name,
                    memberships: memberships.remove(&person).unwrap_or_default(),
                }
            })
            .collect();
        Ok((known, open))
    }

    pub(super) async fn insert_rows(
        &self,
        head: &str,
        width: usize,
        rows: Vec<Vec<Value>>,
        tail: &str,
    ) -> Result<(), StoreError> {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Value>> = rows.by_ref().take(BATCH).collect();
            let mut sql = String::from(head);
            let mut values = Vec::with_capacity(chunk.len() * width);
            for (index, row) in chunk.into_iter().enumerate() {
                debug_assert_eq!(row.len(), width, "a row of {head}");
                sql.push_str(if index == 0 { " VALUES (" } else { ", (" });
                sql.push_str(&bind_list(&mut values, row));
                sql.push(')');
            }
            sql.push_str(tail);
            self.execute(&sql, values).await?;
        }
        Ok(())
    }

    pub async fn insert_people(
        &self,
        people: &[NewSyncedPerson],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let rows = people
            .iter()
            .map(|person| {
                vec![
                    person.id.as_uuid().into(),
                    self.trust(),
                    person.full_name.clone().into(),
                    person.email.clone().into(),
                    at.into(),
                    at.into(),
                ]
            })
            .collect();
        self.insert_rows(
            "INSERT INTO people (id, trust_id, full_name, email, created_at, updated_at)",
            6,
            rows,
            "",
        )
        .await
    }

    pub async fn insert_memberships(
        &self,
        memberships: &[NewSyncedMembership],
        started_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let rows = memberships
            .iter()
            .map(|membership| {
                vec![
                    MembershipId::generate().as_uuid().into(),
                    self.trust(),
                    membership.person.as_uuid().into(),
                    membership.school.as_uuid().into(),
                    membership.kind.as_str().into(),
                    membership.job_title.clone().into(),
                    started_on.into(),
                    at.into(),
                    at.into(),
                ]
            })
            .collect();
        self.insert_rows(
            "INSERT INTO memberships (id, trust_id, person_id, school_id, kind, job_title, started_on, created_at, updated_at)",
            9,
            rows,
            "",
        )
        .await
    }

    /// Keeps each person's account id under `issuer`, for sign-in and later syncs.
    pub async fn link(
        &self,
        issuer: &str,
        links: &[(String, PersonId)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let rows = links
            .iter()
            .map(|(subject, person)| {
                vec![
                    self.trust(),
                    issuer.into(),
                    subject.clone().into(),
                    person.as_uuid().into(),
                    at.into(),
                ]
            })
            .collect();
        self.insert_rows(
            "INSERT INTO person_identities (trust_id, issuer, subject, person_id, created_at)",
            5,
            rows,
            " ON CONFLICT (trust_id, issuer, subject) DO NOTHING",
        )
        .await
    }

    /// Ends these open memberships on `ended_on`; ended ones stay as they are.
    pub async fn end_memberships(
        &self,
        ids: &[MembershipId],
        ended_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut ended = 0;
        for chunk in ids.chunks(BATCH) {
            let mut values: Vec<Value> = vec![self.trust(), ended_on.into(), at.into()];
            let list = bind_list(&mut values, chunk.iter().map(|id| id.as_uuid()));
            ended += self
                .execute(
                    &format!(
                        "UPDATE memberships SET ended_on = $2, updated_at = $3 WHERE trust_id = $1 \
                         AND ended_on IS NULL AND id IN ({list})"
                    ),
                    values,
                )
                .await?;
        }
        Ok(ended)
    }
}

impl<C: ConnectionTrait> Directory<'_, C> {
    /// For each school, how many people are members on `today` and how many people's
    /// memberships ended on `today`: the day's leavers a push is weighed against.
    pub async fn school_headcounts(
        &self,
        today: NaiveDate,
    ) -> Result<HashMap<SchoolId, (usize, usize)>, StoreError> {
        #[derive(FromQueryResult)]
        struct CountRow {
            school_id: uuid::Uuid,
            people: i64,
        }
        let count = |sql: &'static str| async move {
            CountRow::find_by_statement(self.statement(sql, vec![self.trust(), today.into()]))
                .all(self.conn)
                .await
        };
        let mut counts: HashMap<SchoolId, (usize, usize)> = HashMap::new();
        for row in count(
            "SELECT school_id, COUNT(DISTINCT person_id) AS people FROM memberships \
             WHERE trust_id = $1 AND (ended_on IS NULL OR ended_on > $2) GROUP BY school_id",
        )
        .await?
        {
            counts
                .entry(SchoolId::from_uuid(row.school_id))
                .or_default()
                .0 = usize::try_from(row.people).unwrap_or_default();
        }
        for row in count(
            "SELECT school_id, COUNT(DISTINCT person_id) AS people FROM memberships \
             WHERE trust_id = $1 AND ended_on = $2 GROUP BY school_id",
        )
        .await?
        {
            counts
                .entry(SchoolId::from_uuid(row.school_id))
                .or_default()
                .1 = usize::try_from(row.people).unwrap_or_default();
        }
        Ok(counts)
    }
}
