//! A trust's directory connection, its sync runs, and the bulk reads and writes a sync
//! needs (a first sync brings thousands of people at once, so they go in batches).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use attest_domain::{
    DirectoryChanges, DirectorySettings, DirectoryUser, KnownPerson, MappingRules, MembershipId,
    MembershipKind, PersonId, SchoolId, SyncRunRecord, TenantScope,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::StoreError;

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryConnection {
    pub settings: DirectorySettings,
    pub sealed_secret: String,
    pub rules: Option<MappingRules>,
    pub delta_link: Option<String>,
    /// Bumped by every applied sync: a plan made against an older one is stale.
    pub generation: i64,
    /// Accounts in the directory as last applied.
    pub accounts: i64,
    pub last_applied_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct ConnectionRow {
    settings: String,
    sealed_secret: String,
    rules: Option<String>,
    delta_link: Option<String>,
    generation: i64,
    accounts: i64,
    last_applied_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct SnapshotRow {
    snapshot: String,
}

/// A sync run as read.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
struct SyncRunRow {
    pub id: uuid::Uuid,
    pub status: String,
    pub trigger: String,
    pub base_generation: i64,
    pub summary: String,
    pub error: Option<String>,
    pub requested_by: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub struct NewSyncRun<'a> {
    pub id: uuid::Uuid,
    pub status: &'a str,
    pub trigger: &'a str,
    pub base_generation: i64,
    pub changes: &'a DirectoryChanges,
    pub delta_link: Option<&'a str>,
    pub summary: &'a serde_json::Value,
    pub plan: &'a serde_json::Value,
    pub error: Option<&'a str>,
    pub requested_by: &'a str,
    pub at: DateTime<Utc>,
}

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

fn json_error(what: &'static str) -> impl FnOnce(serde_json::Error) -> StoreError {
    move |error| StoreError::Corrupt {
        what,
        detail: error.to_string(),
    }
}

pub struct Directory<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Directory<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .execute_raw(self.statement(sql, values))
            .await
            .map_err(StoreError::on_unique(|| {
                "a person with one of these emails already exists in this trust".to_owned()
            }))?
            .rows_affected())
    }

    fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    pub async fn connection(&self) -> Result<Option<DirectoryConnection>, StoreError> {
        let row = ConnectionRow::find_by_statement(self.statement(
            "SELECT settings, sealed_secret, rules, delta_link, generation, accounts, last_applied_at, updated_at \
             FROM directory_connections WHERE trust_id = $1",
            vec![self.trust()],
        ))
        .one(self.conn)
        .await?;
        row.map(|row| {
            Ok(DirectoryConnection {
                settings: serde_json::from_str(&row.settings)
                    .map_err(json_error("directory settings"))?,
                sealed_secret: row.sealed_secret,
                rules: row
                    .rules
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(json_error("directory rules"))?,
                delta_link: row.delta_link,
                generation: row.generation,
                accounts: row.accounts,
                last_applied_at: row.last_applied_at,
                updated_at: row.updated_at,
            })
        })
        .transpose()
    }

    /// Connects the trust's directory, or changes the connection. Moving to another
    /// provider (or tenant) starts again from a full listing.
    pub async fn connect(
        &self,
        settings: &DirectorySettings,
        sealed_secret: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(settings).map_err(json_error("directory settings"))?;
        let same_source = match self.connection().await? {
            Some(existing) => Some(
                existing.settings.kind == settings.kind
                    && existing.settings.identity_issuer() == settings.identity_issuer(),
            ),
            None => None,
        };
        match same_source {
            None => {
                self.execute(
                    "INSERT INTO directory_connections (trust_id, kind, settings, sealed_secret, rules, snapshot, \
                     delta_link, generation, accounts, last_applied_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, NULL, '{}', NULL, 0, 0, NULL, $5, $5)",
                    vec![
                        self.trust(),
                        settings.kind.as_str().into(),
                        encoded.into(),
                        sealed_secret.into(),
                        at.into(),
                    ],
                )
                .await?;
            }
            Some(same) => {
                let reset = if same {
                    ""
                } else {
                    ", snapshot = '{}', delta_link = NULL, accounts = 0, generation = generation + 1"
                };
                self.execute(
                    &format!(
                        "UPDATE directory_connections SET kind = $2, settings = $3, sealed_secret = $4, \
                         updated_at = $5{reset} WHERE trust_id = $1"
                    ),
                    vec![
                        self.trust(),
                        settings.kind.as_str().into(),
                        encoded.into(),
                        sealed_secret.into(),
                        at.into(),
                    ],
                )
                .await?;
            }
        }
        Ok(())
    }

    pub async fn set_rules(
        &self,
        rules: &MappingRules,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(rules).map_err(json_error("directory rules"))?;
        let changed = self
            .execute(
                "UPDATE directory_connections SET rules = $2, updated_at = $3 WHERE trust_id = $1",
                vec![self.trust(), encoded.into(), at.into()],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound("directory connection"));
        }
        Ok(())
    }

    /// The directory as the last applied sync left it, by account id.
    pub async fn snapshot(&self) -> Result<BTreeMap<String, DirectoryUser>, StoreError> {
        let row = SnapshotRow::find_by_statement(self.statement(
            "SELECT snapshot FROM directory_connections WHERE trust_id = $1",
            vec![self.trust()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("directory connection"))?;
        serde_json::from_str(&row.snapshot).map_err(json_error("directory snapshot"))
    }

    /// Stores what an applied sync leaves behind, if nothing was applied since the plan
    /// (`generation` is the one it was planned against).
    pub async fn advance(
        &self,
        generation: i64,
        snapshot: &BTreeMap<String, DirectoryUser>,
        delta_link: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let encoded = serde_json::to_string(snapshot).map_err(json_error("directory snapshot"))?;
        let changed = self
            .execute(
                "UPDATE directory_connections SET snapshot = $3, delta_link = $4, generation = generation + 1, \
                 accounts = $6, last_applied_at = $5, updated_at = $5 WHERE trust_id = $1 AND generation = $2",
                vec![
                    self.trust(),
                    generation.into(),
                    encoded.into(),
                    delta_link.map(str::to_owned).into(),
                    at.into(),
                    i64::try_from(snapshot.len()).unwrap_or(i64::MAX).into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "another sync was applied since this plan was made; plan again".to_owned(),
            ));
        }
        Ok(())
    }

    pub async fn insert_run(&self, run: NewSyncRun<'_>) -> Result<(), StoreError> {
        let changes =
            serde_json::to_string(run.changes).map_err(json_error("directory changes"))?;
        self.execute(
            "INSERT INTO directory_sync_runs (id, trust_id, status, trigger, base_generation, changes, delta_link, \
             summary, plan, error, requested_by, created_at, finished_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            vec![
                run.id.into(),
                self.trust(),
                run.status.into(),
                run.trigger.into(),
                run.base_generation.into(),
                changes.into(),
                run.delta_link.map(str::to_owned).into(),
                run.summary.to_string().into(),
                run.plan.to_string().into(),
                run.error.map(str::to_owned).into(),
                run.requested_by.into(),
                run.at.into(),
                (run.status != "planned").then_some(run.at).into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Earlier plans not applied are replaced by a newer one.
    pub async fn supersede_plans(&self, at: DateTime<Utc>) -> Result<u64, StoreError> {
        self.execute(
            "UPDATE directory_sync_runs SET status = 'superseded', finished_at = $2 \
             WHERE trust_id = $1 AND status IN ('planned', 'stopped')",
            vec![self.trust(), at.into()],
        )
        .await
    }

    pub async fn runs(&self, first: u64) -> Result<Vec<SyncRunRecord>, StoreError> {
        Ok(SyncRunRow::find_by_statement(self.statement(
            "SELECT id, status, trigger, base_generation, summary, error, requested_by, created_at, finished_at \
             FROM directory_sync_runs WHERE trust_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            vec![self.trust(), i64::try_from(first).unwrap_or(i64::MAX).into()],
        ))
        .all(self.conn)
        .await?
        .into_iter()
        .map(SyncRunRow::into_record)
        .collect())
    }

    pub async fn run(&self, id: uuid::Uuid) -> Result<SyncRunRecord, StoreError> {
        SyncRunRow::find_by_statement(self.statement(
            "SELECT id, status, trigger, base_generation, summary, error, requested_by, created_at, finished_at \
             FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .map(SyncRunRow::into_record)
        .ok_or(StoreError::NotFound("sync run"))
    }

    /// What the provider said for this run, and where its next delta starts.
    pub async fn run_changes(
        &self,
        id: uuid::Uuid,
    ) -> Result<(DirectoryChanges, Option<String>), StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            changes: String,
            delta_link: Option<String>,
        }
        let row = Row::find_by_statement(self.statement(
            "SELECT changes, delta_link FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("sync run"))?;
        Ok((
            serde_json::from_str(&row.changes).map_err(json_error("directory changes"))?,
            row.delta_link,
        ))
    }

    /// The plan this run showed (without the provider's answer, which can be large).
    pub async fn run_plan(&self, id: uuid::Uuid) -> Result<serde_json::Value, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            plan: String,
        }
        let row = Row::find_by_statement(self.statement(
            "SELECT plan FROM directory_sync_runs WHERE trust_id = $1 AND id = $2",
            vec![self.trust(), id.into()],
        ))
        .one(self.conn)
        .await?
        .ok_or(StoreError::NotFound("sync run"))?;
        serde_json::from_str(&row.plan).map_err(json_error("sync plan"))
    }

    /// Records how a planned run ended; only a run still `planned` (or `stopped` by the
    /// safety valve, waiting for confirmation) can end.
    pub async fn finish_run(
        &self,
        id: uuid::Uuid,
        status: &str,
        summary: &serde_json::Value,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let changed = self
            .execute(
                "UPDATE directory_sync_runs SET status = $3, summary = $4, error = $5, finished_at = $6 \
                 WHERE trust_id = $1 AND id = $2 AND status IN ('planned', 'stopped')",
                vec![
                    self.trust(),
                    id.into(),
                    status.into(),
                    summary.to_string().into(),
                    error.map(str::to_owned).into(),
                    at.into(),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "this plan is no longer waiting to be applied (applied, stopped or replaced by a newer plan)"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    /// Everyone of the trust as a sync sees them: name, email, the account id under
    /// `issuer`, and their memberships open on `today`.
    pub async fn known_people(
        &self,
        issuer: &str,
        today: NaiveDate,
    ) -> Result<(Vec<KnownPerson>, Vec<OpenMembership>), StoreError> {
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
        let people = PersonRow::find_by_statement(self.statement(
            "SELECT id, full_name, email FROM people WHERE trust_id = $1 ORDER BY id",
            vec![self.trust()],
        ))
        .all(self.conn)
        .await?;
        let links: HashMap<uuid::Uuid, String> = LinkRow::find_by_statement(self.statement(
            "SELECT person_id, subject FROM person_identities WHERE trust_id = $1 AND issuer = $2 \
             ORDER BY created_at",
            vec![self.trust(), issuer.into()],
        ))
        .all(self.conn)
        .await?
        .into_iter()
        .map(|row| (row.person_id, row.subject))
        .collect();
        let open = MembershipRow::find_by_statement(self.statement(
            "SELECT id, person_id, school_id, kind FROM memberships WHERE trust_id = $1 \
             AND (ended_on IS NULL OR ended_on > $2)",
            vec![self.trust(), today.into()],
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

    async fn insert_rows(
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
                let placeholders: Vec<String> = (1..=width)
                    .map(|column| format!("${}", index * width + column))
                    .collect();
                sql.push_str(if index == 0 { " VALUES (" } else { ", (" });
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
                values.extend(row);
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
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 4)).collect();
            let mut values: Vec<Value> = vec![self.trust(), ended_on.into(), at.into()];
            values.extend(chunk.iter().map(|id| Value::from(id.as_uuid())));
            ended += self
                .execute(
                    &format!(
                        "UPDATE memberships SET ended_on = $2, updated_at = $3 WHERE trust_id = $1 \
                         AND ended_on IS NULL AND id IN ({})",
                        placeholders.join(", ")
                    ),
                    values,
                )
                .await?;
        }
        Ok(ended)
    }
}

impl SyncRunRow {
    fn into_record(self) -> SyncRunRecord {
        SyncRunRecord {
            id: self.id,
            status: self.status,
            trigger: self.trigger,
            base_generation: self.base_generation,
            summary: self.summary,
            error: self.error,
            requested_by: self.requested_by,
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}
