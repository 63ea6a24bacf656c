//! The audit log of the scope's trust: append and read, nothing else. The database
//! refuses UPDATE and DELETE on the table (see the migration).

use attest_domain::{AuditEntry, AuditEntryId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::StoreError;
use crate::entities::audit_entry;

pub struct NewAuditEntry {
    pub actor_kind: &'static str,
    pub actor_id: Option<uuid::Uuid>,
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: Option<uuid::Uuid>,
    pub summary: serde_json::Value,
    pub at: DateTime<Utc>,
}

pub struct Audit<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Audit<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn append(&self, entry: NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let model = self.model(entry).insert(self.conn).await?;
        Ok(to_entry(model))
    }

    /// Appends many entries in a few statements (a batch of signatures').
    pub async fn append_many(&self, entries: Vec<NewAuditEntry>) -> Result<(), StoreError> {
        let models: Vec<audit_entry::ActiveModel> =
            entries.into_iter().map(|entry| self.model(entry)).collect();
        for chunk in models.chunks(200) {
            audit_entry::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(self.conn)
                .await?;
        }
        Ok(())
    }

    fn model(&self, entry: NewAuditEntry) -> audit_entry::ActiveModel {
        audit_entry::ActiveModel {
            id: Set(AuditEntryId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            occurred_at: Set(entry.at),
            actor_kind: Set(entry.actor_kind.to_owned()),
            actor_id: Set(entry.actor_id),
            action: Set(entry.action.to_owned()),
            subject_type: Set(entry.subject_type.to_owned()),
            subject_id: Set(entry.subject_id),
            summary: Set(entry.summary),
        }
    }

    /// The newest entries first, at most `limit`, older than `before` when given.
    pub async fn recent(
        &self,
        limit: u64,
        before: Option<AuditEntryId>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut query = audit_entry::Entity::find()
            .filter(audit_entry::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(before) = before {
            query = query.filter(audit_entry::Column::Id.lt(before.as_uuid()));
        }
        let models = query
            .order_by_desc(audit_entry::Column::Id)
            .limit(limit)
            .all(self.conn)
            .await?;
        Ok(models.into_iter().map(to_entry).collect())
    }
}

fn to_entry(model: audit_entry::Model) -> AuditEntry {
    AuditEntry {
        id: AuditEntryId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        occurred_at: model.occurred_at,
        actor_kind: model.actor_kind,
        actor_id: model.actor_id,
        action: model.action,
        subject_type: model.subject_type,
        subject_id: model.subject_id,
        summary: model.summary,
    }
}
