//! The record of processing activities, the suppliers, and the links from breaches to
//! the activities and suppliers they touched.

use std::collections::BTreeMap;

use attest_domain::processing::{ProcessingActivity, Supplier};
use attest_domain::{BreachId, SchoolId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{from_json, reaches, to_json};
use crate::StoreError;
use crate::repo::raw::Raw;
use crate::repo::raw::school_filter;

#[derive(Debug, Clone)]
pub struct StoredActivity {
    pub id: uuid::Uuid,
    pub school: Option<SchoolId>,
    pub activity: ProcessingActivity,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct StoredSupplier {
    pub id: uuid::Uuid,
    pub supplier: Supplier,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct ActivityRow {
    id: uuid::Uuid,
    school_id: Option<uuid::Uuid>,
    record: String,
    updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct SupplierRow {
    id: uuid::Uuid,
    record: String,
    updated_at: DateTime<Utc>,
}

pub struct ProcessingActivities<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> ProcessingActivities<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// Every activity the scope reaches (a school admin: their schools' and the
    /// trust-wide ones, which apply to their schools too), by name.
    pub async fn list(&self) -> Result<Vec<StoredActivity>, StoreError> {
        let mut values = vec![self.raw.trust()];
        let clause = school_filter(self.raw.scope, "school_id", &mut values);
        let clause = if clause.is_empty() {
            clause
        } else {
            format!(
                " AND (school_id IS NULL OR ({}))",
                clause.trim_start_matches(" AND ")
            )
        };
        ActivityRow::find_by_statement(self.raw.statement(
            &format!("SELECT id, school_id, record, updated_at FROM processing_activities WHERE trust_id = $1{clause} ORDER BY name, id"),
            values,
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(StoredActivity {
                id: row.id,
                school: row.school_id.map(SchoolId::from_uuid),
                activity: from_json("processing activity", &row.record)?,
                updated_at: row.updated_at,
            })
        })
        .collect()
    }

    pub async fn get(&self, id: uuid::Uuid) -> Result<StoredActivity, StoreError> {
        self.list()
            .await?
            .into_iter()
            .find(|activity| activity.id == id)
            .ok_or(StoreError::NotFound("processing activity"))
    }

    /// Adds (no `id`) or replaces an activity.
    pub async fn save(
        &self,
        id: Option<uuid::Uuid>,
        school: Option<SchoolId>,
        activity: &ProcessingActivity,
        at: DateTime<Utc>,
    ) -> Result<uuid::Uuid, StoreError> {
        if !reaches(self.raw.scope, school) {
            return Err(StoreError::NotFound("school"));
        }
        let json = to_json("processing activity", activity)?;
        let school = school.map(|school| school.as_uuid());
        if let Some(id) = id {
            self.get(id).await?;
            self.raw
                .execute(
                    "UPDATE processing_activities SET school_id = $3, name = $4, record = $5, updated_at = $6 WHERE trust_id = $1 AND id = $2",
                    vec![self.raw.trust(), id.into(), school.into(), activity.name.clone().into(), json.into(), at.into()],
                )
                .await?;
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7();
        self.raw
            .execute(
                "INSERT INTO processing_activities (id, trust_id, school_id, name, record, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                vec![id.into(), self.raw.trust(), school.into(), activity.name.clone().into(), json.into(), at.into()],
            )
            .await?;
        Ok(id)
    }

    pub async fn delete(&self, id: uuid::Uuid) -> Result<(), StoreError> {
        self.get(id).await?;
        self.raw
            .execute(
                "DELETE FROM breach_links WHERE trust_id = $1 AND kind = 'activity' AND target_id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        self.raw
            .execute(
                "DELETE FROM processing_activities WHERE trust_id = $1 AND id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        Ok(())
    }
}

pub struct Suppliers<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> Suppliers<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    pub async fn list(&self) -> Result<Vec<StoredSupplier>, StoreError> {
        SupplierRow::find_by_statement(self.raw.statement(
            "SELECT id, record, updated_at FROM suppliers WHERE trust_id = $1 ORDER BY name, id",
            vec![self.raw.trust()],
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(StoredSupplier {
                id: row.id,
                supplier: from_json("supplier", &row.record)?,
                updated_at: row.updated_at,
            })
        })
        .collect()
    }

    pub async fn get(&self, id: uuid::Uuid) -> Result<StoredSupplier, StoreError> {
        self.list()
            .await?
            .into_iter()
            .find(|supplier| supplier.id == id)
            .ok_or(StoreError::NotFound("supplier"))
    }

    /// Adds (no `id`) or replaces a supplier; a `Conflict` when another has its name.
    pub async fn save(
        &self,
        id: Option<uuid::Uuid>,
        supplier: &Supplier,
        at: DateTime<Utc>,
    ) -> Result<uuid::Uuid, StoreError> {
        let json = to_json("supplier", supplier)?;
        let clash = |error: StoreError| match error {
            StoreError::Database(db) => StoreError::on_unique(|| {
                format!("the trust already has a supplier called {}", supplier.name)
            })(db),
            other => other,
        };
        if let Some(id) = id {
            self.get(id).await?;
            self.raw
                .execute(
                    "UPDATE suppliers SET name = $3, record = $4, updated_at = $5 WHERE trust_id = $1 AND id = $2",
                    vec![self.raw.trust(), id.into(), supplier.name.clone().into(), json.into(), at.into()],
                )
                .await
                .map_err(clash)?;
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7();
        self.raw
            .execute(
                "INSERT INTO suppliers (id, trust_id, name, record, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                vec![id.into(), self.raw.trust(), supplier.name.clone().into(), json.into(), at.into()],
            )
            .await
            .map_err(clash)?;
        Ok(id)
    }

    pub async fn delete(&self, id: uuid::Uuid) -> Result<(), StoreError> {
        self.get(id).await?;
        self.raw
            .execute(
                "DELETE FROM breach_links WHERE trust_id = $1 AND kind = 'supplier' AND target_id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        self.raw
            .execute(
                "DELETE FROM suppliers WHERE trust_id = $1 AND id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        Ok(())
    }
}

/// What a breach is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkKind {
    Activity,
    Supplier,
}

impl LinkKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Activity => "activity",
            Self::Supplier => "supplier",
        }
    }
}

#[derive(FromQueryResult)]
struct LinkRow {
    breach_id: uuid::Uuid,
    target_id: uuid::Uuid,
}

pub struct BreachLinks<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> BreachLinks<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// Replaces the breach's links of `kind` (the caller has checked the breach and the
    /// targets are in its scope).
    pub async fn set(
        &self,
        breach: BreachId,
        kind: LinkKind,
        targets: &[uuid::Uuid],
    ) -> Result<(), StoreError> {
        self.raw
            .execute(
                "DELETE FROM breach_links WHERE trust_id = $1 AND breach_id = $2 AND kind = $3",
                vec![
                    self.raw.trust(),
                    breach.as_uuid().into(),
                    kind.as_str().into(),
                ],
            )
            .await?;
        for target in targets {
            self.raw
                .execute(
                    "INSERT INTO breach_links (trust_id, breach_id, kind, target_id) VALUES ($1, $2, $3, $4)",
                    vec![self.raw.trust(), breach.as_uuid().into(), kind.as_str().into(), (*target).into()],
                )
                .await?;
        }
        Ok(())
    }

    /// The targets of `kind` each breach links to.
    pub async fn of_breaches(
        &self,
        kind: LinkKind,
    ) -> Result<BTreeMap<BreachId, Vec<uuid::Uuid>>, StoreError> {
        let rows = LinkRow::find_by_statement(self.raw.statement(
            "SELECT breach_id, target_id FROM breach_links WHERE trust_id = $1 AND kind = $2 ORDER BY breach_id, target_id",
            vec![self.raw.trust(), kind.as_str().into()],
        ))
        .all(self.raw.conn)
        .await?;
        let mut by_breach: BTreeMap<BreachId, Vec<uuid::Uuid>> = BTreeMap::new();
        for row in rows {
            by_breach
                .entry(BreachId::from_uuid(row.breach_id))
                .or_default()
                .push(row.target_id);
        }
        Ok(by_breach)
    }
}
