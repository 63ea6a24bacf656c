//! The request register and each request's timeline.

use attest_domain::requests::{RequestKind, RequestRecord, RequestStatus};
use attest_domain::{BreachEvent, SchoolId, TenantScope, TrustId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{from_json, reaches, to_json};
use crate::StoreError;
use crate::repo::actor_names::actor_names;
use crate::repo::raw::Params;
use crate::repo::raw::Raw;

#[derive(Debug, Clone)]
pub struct InfoRequest {
    pub id: uuid::Uuid,
    pub trust: TrustId,
    pub school: Option<SchoolId>,
    pub reference: String,
    pub status: RequestStatus,
    /// As computed at the last change (the application recomputes it on reading).
    pub due_on: NaiveDate,
    pub version: u32,
    pub record: RequestRecord,
    pub logged_by_kind: String,
    pub logged_by: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewInfoRequest {
    pub school: Option<SchoolId>,
    pub record: RequestRecord,
    pub due_on: NaiveDate,
    pub logged_by_kind: &'static str,
    pub logged_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

/// The register's filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub kind: Option<RequestKind>,
    pub status: Option<RequestStatus>,
    pub open_only: bool,
    pub school: Option<SchoolId>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Open requests due on or before this day.
    pub due_by: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    trust_id: uuid::Uuid,
    school_id: Option<uuid::Uuid>,
    reference: String,
    status: String,
    due_on: NaiveDate,
    version: i32,
    record: String,
    logged_by_kind: String,
    logged_by_id: Option<uuid::Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct EventRow {
    seq: i32,
    at: DateTime<Utc>,
    actor_kind: String,
    actor_id: Option<uuid::Uuid>,
    action: String,
    detail: String,
}

#[derive(FromQueryResult)]
struct Last {
    last: Option<i32>,
}

const COLUMNS: &str = "id, trust_id, school_id, reference, status, due_on, version, record, logged_by_kind, logged_by_id, created_at, updated_at";

fn to_request(row: Row) -> Result<InfoRequest, StoreError> {
    Ok(InfoRequest {
        id: row.id,
        trust: TrustId::from_uuid(row.trust_id),
        school: row.school_id.map(SchoolId::from_uuid),
        reference: row.reference,
        status: row
            .status
            .parse()
            .map_err(StoreError::corrupt("request status"))?,
        due_on: row.due_on,
        version: u32::try_from(row.version).unwrap_or_default(),
        record: from_json("request record", &row.record)?,
        logged_by_kind: row.logged_by_kind,
        logged_by: row.logged_by_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub struct InfoRequests<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> InfoRequests<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// Records a new request with the next number of its year. Call inside a
    /// transaction after `lock_register`.
    pub async fn insert(&self, new: NewInfoRequest) -> Result<InfoRequest, StoreError> {
        let year = new.record.received_on.year();
        let last = Last::find_by_statement(self.raw.statement(
            "SELECT MAX(seq) AS last FROM info_requests WHERE trust_id = $1 AND year = $2",
            vec![self.raw.trust(), year.into()],
        ))
        .one(self.raw.conn)
        .await?
        .and_then(|row| row.last);
        let seq = last.unwrap_or(0) + 1;
        let reference = format!("{}-{year}-{seq:03}", new.record.kind.prefix());
        let id = uuid::Uuid::now_v7();
        self.raw
            .execute(
                "INSERT INTO info_requests (id, trust_id, school_id, reference, kind, year, seq, status, received_on, due_on, closed_on, version, record, logged_by_kind, logged_by_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, 1, $11, $12, $13, $14, $14)",
                vec![
                    id.into(),
                    self.raw.trust(),
                    new.school.map(|school| school.as_uuid()).into(),
                    reference.clone().into(),
                    new.record.kind.as_str().into(),
                    year.into(),
                    seq.into(),
                    new.record.status().as_str().into(),
                    new.record.received_on.into(),
                    new.due_on.into(),
                    to_json("request record", &new.record)?.into(),
                    new.logged_by_kind.into(),
                    new.logged_by.into(),
                    new.at.into(),
                ],
            )
            .await
            .map_err(|error| match error {
                StoreError::Database(db) => StoreError::on_unique(|| {
                    format!("another request took {reference} at the same moment; log it again")
                })(db),
                other => other,
            })?;
        self.get(id).await
    }

    /// Takes the register's write lock (SQLite) so two new requests queue for numbers.
    pub async fn lock_register(&self) -> Result<(), StoreError> {
        self.raw
            .execute(
                "UPDATE info_requests SET version = version WHERE trust_id = $1 AND seq < 0",
                vec![self.raw.trust()],
            )
            .await?;
        Ok(())
    }

    /// Takes the request's write lock for the rest of the transaction.
    pub async fn lock(&self, id: uuid::Uuid) -> Result<(), StoreError> {
        self.raw
            .execute(
                "UPDATE info_requests SET version = version WHERE trust_id = $1 AND id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn get(&self, id: uuid::Uuid) -> Result<InfoRequest, StoreError> {
        let row = Row::find_by_statement(self.raw.statement(
            &format!("SELECT {COLUMNS} FROM info_requests WHERE trust_id = $1 AND id = $2"),
            vec![self.raw.trust(), id.into()],
        ))
        .one(self.raw.conn)
        .await?
        .ok_or(StoreError::NotFound("request"))?;
        let request = to_request(row)?;
        if !reaches(self.raw.scope, request.school) {
            return Err(StoreError::NotFound("request"));
        }
        Ok(request)
    }

    /// The register, newest first.
    pub async fn list(&self, filter: &RequestFilter) -> Result<Vec<InfoRequest>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM info_requests WHERE trust_id = $1");
        let mut params = Params(vec![self.raw.trust()]);
        if let Some(kind) = filter.kind {
            sql.push_str(&format!(" AND kind = {}", params.bind(kind.as_str())));
        }
        if let Some(status) = filter.status {
            sql.push_str(&format!(" AND status = {}", params.bind(status.as_str())));
        }
        if filter.open_only {
            sql.push_str(" AND status IN ('open', 'paused')");
        }
        if let Some(school) = filter.school {
            sql.push_str(&format!(
                " AND school_id = {}",
                params.bind(school.as_uuid())
            ));
        }
        if let Some(from) = filter.received_from {
            sql.push_str(&format!(" AND received_on >= {}", params.bind(from)));
        }
        if let Some(to) = filter.received_to {
            sql.push_str(&format!(" AND received_on <= {}", params.bind(to)));
        }
        if let Some(due) = filter.due_by {
            sql.push_str(&format!(
                " AND status IN ('open', 'paused') AND due_on <= {}",
                params.bind(due)
            ));
        }
        sql.push_str(&params.school_filter(self.raw.scope, "school_id"));
        sql.push_str(" ORDER BY received_on DESC, id DESC");
        Row::find_by_statement(self.raw.statement(&sql, params.0))
            .all(self.raw.conn)
            .await?
            .into_iter()
            .map(to_request)
            .collect()
    }

    /// Saves a change made against `expected_version`; a `Conflict` when someone else
    /// changed the request first.
    pub async fn update(
        &self,
        before: &InfoRequest,
        record: &RequestRecord,
        due_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<InfoRequest, StoreError> {
        let expected = i32::try_from(before.version).unwrap_or(i32::MAX);
        let closed_on = record.ending.as_ref().map(|ending| ending.on);
        let changed = self
            .raw
            .execute(
                "UPDATE info_requests SET status = $3, due_on = $4, closed_on = $5, record = $6, version = $7, updated_at = $8 \
                 WHERE trust_id = $1 AND id = $2 AND version = $9",
                vec![
                    self.raw.trust(),
                    before.id.into(),
                    record.status().as_str().into(),
                    due_on.into(),
                    closed_on.into(),
                    to_json("request record", record)?.into(),
                    (expected + 1).into(),
                    at.into(),
                    expected.into(),
                ],
            )
            .await?;
        if changed == 0 {
            let current = self.get(before.id).await?;
            return Err(StoreError::Conflict(format!(
                "{} was changed by someone else (it is now at version {}, you edited version {}); reload it and try again",
                current.reference, current.version, before.version
            )));
        }
        self.get(before.id).await
    }

    /// Appends to the request's timeline.
    pub async fn append_event(
        &self,
        id: uuid::Uuid,
        actor: (&str, Option<uuid::Uuid>),
        action: &str,
        detail: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.raw
            .execute(
                "INSERT INTO info_request_events (id, trust_id, request_id, seq, at, actor_kind, actor_id, action, detail) \
                 SELECT $2, $1, $3, COALESCE(MAX(seq), 0) + 1, $4, $5, $6, $7, $8 FROM info_request_events WHERE trust_id = $1 AND request_id = $3",
                vec![
                    self.raw.trust(),
                    uuid::Uuid::now_v7().into(),
                    id.into(),
                    at.into(),
                    actor.0.into(),
                    actor.1.into(),
                    action.into(),
                    detail.to_string().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// The request's timeline, oldest first.
    pub async fn events(&self, id: uuid::Uuid) -> Result<Vec<BreachEvent>, StoreError> {
        self.get(id).await?;
        let rows = EventRow::find_by_statement(self.raw.statement(
            "SELECT seq, at, actor_kind, actor_id, action, detail FROM info_request_events WHERE trust_id = $1 AND request_id = $2 ORDER BY seq",
            vec![self.raw.trust(), id.into()],
        ))
        .all(self.raw.conn)
        .await?;
        let names = actor_names(
            self.raw.conn,
            self.raw.scope.trust().as_uuid(),
            rows.iter()
                .map(|row| (row.actor_kind.as_str(), row.actor_id)),
        )
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(BreachEvent {
                    seq: u32::try_from(row.seq).unwrap_or_default(),
                    at: row.at,
                    actor_name: row.actor_id.and_then(|actor| names.get(&actor).cloned()),
                    actor_kind: row.actor_kind,
                    actor_id: row.actor_id,
                    action: row.action,
                    detail: from_json("request event", &row.detail)?,
                })
            })
            .collect()
    }
}
