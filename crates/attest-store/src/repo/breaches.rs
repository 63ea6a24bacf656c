//! The breach register and each breach's timeline. A school admin's scope sees only
//! breaches involving one of its schools; the application decides what else each role
//! may see of them.

use std::collections::{BTreeMap, BTreeSet};

use attest_domain::{BreachId, BreachRecord, BreachStatus, SchoolId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::actor_names::actor_names;
use crate::StoreError;
use crate::entities::{breach, breach_event, breach_school};

pub struct NewBreach {
    pub year: i32,
    pub record: BreachRecord,
    pub schools: Vec<SchoolId>,
    pub reported_by_kind: &'static str,
    pub reported_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct Breaches<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::{Breach, BreachEvent, BreachFilter};

fn to_breach(model: breach::Model, schools: Vec<SchoolId>) -> Result<Breach, StoreError> {
    Ok(Breach {
        id: BreachId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        reference: model.reference,
        status: model
            .status
            .parse()
            .map_err(StoreError::corrupt("breach status"))?,
        version: u32::try_from(model.version).unwrap_or_default(),
        reported_by_kind: model.reported_by_kind,
        reported_by: model.reported_by_id,
        reported_at: model.reported_at,
        aware_at: model.aware_at,
        schools,
        record: serde_json::from_str(&model.record).map_err(|error| StoreError::Corrupt {
            what: "breach record",
            detail: error.to_string(),
        })?,
        updated_at: model.updated_at,
    })
}

fn record_json(record: &BreachRecord) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|error| StoreError::Corrupt {
        what: "breach record",
        detail: error.to_string(),
    })
}

impl<'a, C: ConnectionTrait> Breaches<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn trust(&self) -> uuid::Uuid {
        self.scope.trust().as_uuid()
    }

    /// Records a new breach with the next reference of its year. Call inside a
    /// transaction: two reports at once take different numbers (or one conflicts).
    pub async fn insert(&self, new: NewBreach) -> Result<Breach, StoreError> {
        let last: Option<i32> = breach::Entity::find()
            .select_only()
            .column_as(breach::Column::Seq.max(), "last")
            .filter(breach::Column::TrustId.eq(self.trust()))
            .filter(breach::Column::Year.eq(new.year))
            .into_tuple::<Option<i32>>()
            .one(self.conn)
            .await?
            .flatten();
        let seq = last.unwrap_or(0) + 1;
        let id = BreachId::generate();
        let reference =
            attest_domain::breach_reference(new.year, u32::try_from(seq).unwrap_or_default());
        breach::Entity::insert(breach::ActiveModel {
            id: Set(id.as_uuid()),
            trust_id: Set(self.trust()),
            reference: Set(reference.clone()),
            year: Set(new.year),
            seq: Set(seq),
            status: Set(BreachStatus::Reported.as_str().to_owned()),
            version: Set(1),
            reported_by_kind: Set(new.reported_by_kind.to_owned()),
            reported_by_id: Set(new.reported_by),
            reported_at: Set(new.at),
            discovered_at: Set(new.record.facts.discovered_at),
            aware_at: Set(None),
            special_category: Set(new.record.facts.has_special_category()),
            record: Set(record_json(&new.record)?),
            updated_at: Set(new.at),
        })
        .exec_without_returning(self.conn)
        .await
        .map_err(StoreError::on_unique(|| {
            format!("another breach took {reference} at the same moment; report again")
        }))?;
        let schools: BTreeSet<SchoolId> = new.schools.into_iter().collect();
        for school in &schools {
            breach_school::Entity::insert(breach_school::ActiveModel {
                trust_id: Set(self.trust()),
                breach_id: Set(id.as_uuid()),
                school_id: Set(school.as_uuid()),
            })
            .exec_without_returning(self.conn)
            .await?;
        }
        self.get(id).await
    }

    async fn schools_of(
        &self,
        breaches: &[uuid::Uuid],
    ) -> Result<BTreeMap<uuid::Uuid, Vec<SchoolId>>, StoreError> {
        let mut by_breach: BTreeMap<uuid::Uuid, Vec<SchoolId>> = BTreeMap::new();
        if breaches.is_empty() {
            return Ok(by_breach);
        }
        for row in breach_school::Entity::find()
            .filter(breach_school::Column::TrustId.eq(self.trust()))
            .filter(breach_school::Column::BreachId.is_in(breaches.iter().copied()))
            .all(self.conn)
            .await?
        {
            by_breach
                .entry(row.breach_id)
                .or_default()
                .push(SchoolId::from_uuid(row.school_id));
        }
        Ok(by_breach)
    }

    /// Whether the scope may see a breach involving `schools` (a school admin: one of theirs).
    fn visible(&self, schools: &[SchoolId]) -> bool {
        match self.scope.schools().restricted_to() {
            None => true,
            Some(allowed) => schools.iter().any(|school| allowed.contains(school)),
        }
    }

    pub async fn get(&self, id: BreachId) -> Result<Breach, StoreError> {
        let model = breach::Entity::find_by_id(id.as_uuid())
            .filter(breach::Column::TrustId.eq(self.trust()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("breach"))?;
        let schools = self
            .schools_of(&[model.id])
            .await?
            .remove(&model.id)
            .unwrap_or_default();
        if !self.visible(&schools) {
            return Err(StoreError::NotFound("breach"));
        }
        to_breach(model, schools)
    }

    /// The register, newest first.
    pub async fn list(&self, filter: &BreachFilter) -> Result<Vec<Breach>, StoreError> {
        let mut query = breach::Entity::find().filter(breach::Column::TrustId.eq(self.trust()));
        if let Some(status) = filter.status {
            query = query.filter(breach::Column::Status.eq(status.as_str()));
        }
        if filter.open_only {
            query = query.filter(breach::Column::Status.is_not_in([
                BreachStatus::Closed.as_str(),
                BreachStatus::ClosedNotABreach.as_str(),
            ]));
        }
        if let Some(from) = filter.from {
            query = query.filter(breach::Column::DiscoveredAt.gte(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(breach::Column::DiscoveredAt.lt(to));
        }
        if let Some(reporter) = filter.reported_by {
            query = query.filter(breach::Column::ReportedById.eq(reporter));
        }
        // School filters in the query itself: the caller's schools (a school admin), then
        // the one asked for.
        let restricted: Option<Vec<uuid::Uuid>> = self
            .scope
            .schools()
            .restricted_to()
            .map(|schools| schools.iter().map(|school| school.as_uuid()).collect());
        for schools in [
            restricted,
            filter.school.map(|school| vec![school.as_uuid()]),
        ]
        .into_iter()
        .flatten()
        {
            query = query.filter(
                breach::Column::Id.in_subquery(
                    Query::select()
                        .column(breach_school::Column::BreachId)
                        .from(breach_school::Entity)
                        .and_where(breach_school::Column::TrustId.eq(self.trust()))
                        .and_where(breach_school::Column::SchoolId.is_in(schools))
                        .to_owned(),
                ),
            );
        }
        let models = query
            .order_by_desc(breach::Column::ReportedAt)
            .order_by_desc(breach::Column::Id)
            .all(self.conn)
            .await?;
        let ids: Vec<uuid::Uuid> = models.iter().map(|model| model.id).collect();
        let mut schools = self.schools_of(&ids).await?;
        models
            .into_iter()
            .map(|model| {
                let of = schools.remove(&model.id).unwrap_or_default();
                to_breach(model, of)
            })
            .collect()
    }

    /// Before numbering a new breach: on SQLite this takes the database's write lock
    /// first, so concurrent reports queue instead of failing halfway; on PostgreSQL it
    /// changes nothing (the unique reference decides, and the loser retries).
    pub async fn lock_register(&self) -> Result<(), StoreError> {
        breach::Entity::update_many()
            .col_expr(breach::Column::Version, Expr::col(breach::Column::Version))
            .filter(breach::Column::TrustId.eq(self.trust()))
            .filter(breach::Column::Seq.lt(0))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Takes the breach's write lock for the rest of the transaction (a row lock on
    /// PostgreSQL, the database's write lock on SQLite), so two editors queue rather
    /// than fail halfway: the second then sees the first's version and gets a conflict.
    pub async fn lock(&self, id: BreachId) -> Result<(), StoreError> {
        breach::Entity::update_many()
            .col_expr(breach::Column::Version, Expr::col(breach::Column::Version))
            .filter(breach::Column::Id.eq(id.as_uuid()))
            .filter(breach::Column::TrustId.eq(self.trust()))
            .exec(self.conn)
            .await?;
        Ok(())
    }

    /// Saves a change made against `expected_version`; a `Conflict` when someone else
    /// changed the breach first.
    pub async fn update(
        &self,
        id: BreachId,
        expected_version: u32,
        status: BreachStatus,
        aware_at: Option<DateTime<Utc>>,
        record: &BreachRecord,
        at: DateTime<Utc>,
    ) -> Result<Breach, StoreError> {
        let expected = i32::try_from(expected_version).unwrap_or(i32::MAX);
        let changed = breach::Entity::update_many()
            .col_expr(breach::Column::Status, Expr::value(status.as_str()))
            .col_expr(breach::Column::Version, Expr::value(expected + 1))
            .col_expr(breach::Column::AwareAt, Expr::value(aware_at))
            .col_expr(
                breach::Column::SpecialCategory,
                Expr::value(record.facts.has_special_category()),
            )
            .col_expr(breach::Column::Record, Expr::value(record_json(record)?))
            .col_expr(breach::Column::UpdatedAt, Expr::value(at))
            .filter(breach::Column::Id.eq(id.as_uuid()))
            .filter(breach::Column::TrustId.eq(self.trust()))
            .filter(breach::Column::Version.eq(expected))
            .exec(self.conn)
            .await?;
        if changed.rows_affected == 0 {
            let current = self.get(id).await?;
            return Err(StoreError::Conflict(format!(
                "{} was changed by someone else (it is now at version {}, you edited version {expected_version}); reload it and try again",
                current.reference, current.version
            )));
        }
        self.get(id).await
    }

    /// Appends to the breach's timeline.
    pub async fn append_event(
        &self,
        id: BreachId,
        actor_kind: &str,
        actor_id: Option<uuid::Uuid>,
        action: &str,
        detail: &serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let last: Option<i32> = breach_event::Entity::find()
            .select_only()
            .column_as(breach_event::Column::Seq.max(), "last")
            .filter(breach_event::Column::TrustId.eq(self.trust()))
            .filter(breach_event::Column::BreachId.eq(id.as_uuid()))
            .into_tuple::<Option<i32>>()
            .one(self.conn)
            .await?
            .flatten();
        breach_event::Entity::insert(breach_event::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            trust_id: Set(self.trust()),
            breach_id: Set(id.as_uuid()),
            seq: Set(last.unwrap_or(0) + 1),
            at: Set(at),
            actor_kind: Set(actor_kind.to_owned()),
            actor_id: Set(actor_id),
            action: Set(action.to_owned()),
            detail: Set(detail.to_string()),
        })
        .exec_without_returning(self.conn)
        .await
        .map_err(StoreError::on_unique(|| {
            "the breach's timeline changed at the same moment; try again".to_owned()
        }))?;
        Ok(())
    }

    /// When each of these breaches first had `action` on its timeline (e.g. triage), in
    /// one query.
    pub async fn first_times(
        &self,
        action: &str,
        ids: &[BreachId],
    ) -> Result<BTreeMap<BreachId, DateTime<Utc>>, StoreError> {
        if ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows: Vec<(uuid::Uuid, Option<DateTime<Utc>>)> = breach_event::Entity::find()
            .select_only()
            .column(breach_event::Column::BreachId)
            .column_as(breach_event::Column::At.min(), "first")
            .filter(breach_event::Column::TrustId.eq(self.trust()))
            .filter(breach_event::Column::Action.eq(action))
            .filter(breach_event::Column::BreachId.is_in(ids.iter().map(BreachId::as_uuid)))
            .group_by(breach_event::Column::BreachId)
            .into_tuple()
            .all(self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, first)| Some((BreachId::from_uuid(id), first?)))
            .collect())
    }

    /// The breach's timeline, oldest first.
    pub async fn events(&self, id: BreachId) -> Result<Vec<BreachEvent>, StoreError> {
        self.get(id).await?;
        let rows = breach_event::Entity::find()
            .filter(breach_event::Column::TrustId.eq(self.trust()))
            .filter(breach_event::Column::BreachId.eq(id.as_uuid()))
            .order_by_asc(breach_event::Column::Seq)
            .all(self.conn)
            .await?;
        let names = actor_names(
            self.conn,
            self.trust(),
            rows.iter()
                .map(|row| (row.actor_kind.as_str(), row.actor_id)),
        )
        .await?;
        rows.into_iter()
            .map(|model| {
                Ok(BreachEvent {
                    seq: u32::try_from(model.seq).unwrap_or_default(),
                    at: model.at,
                    actor_name: model.actor_id.and_then(|actor| names.get(&actor).cloned()),
                    actor_kind: model.actor_kind,
                    actor_id: model.actor_id,
                    action: model.action,
                    detail: serde_json::from_str(&model.detail).map_err(|error| {
                        StoreError::Corrupt {
                            what: "breach event",
                            detail: error.to_string(),
                        }
                    })?,
                })
            })
            .collect()
    }
}
