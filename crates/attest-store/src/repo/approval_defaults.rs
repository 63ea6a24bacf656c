//! A trust's default approval rule per policy kind, followed by every policy of that
//! kind without a rule of its own.

use attest_domain::{ApprovalRule, PolicyKind, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::StoreError;
use crate::entities::policy_approval_default;

pub struct ApprovalDefaults<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> ApprovalDefaults<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn of_trust(&self) -> sea_orm::Select<policy_approval_default::Entity> {
        policy_approval_default::Entity::find()
            .filter(policy_approval_default::Column::TrustId.eq(self.scope.trust().as_uuid()))
    }

    pub async fn get(&self, kind: PolicyKind) -> Result<Option<ApprovalRule>, StoreError> {
        self.of_trust()
            .filter(policy_approval_default::Column::Kind.eq(kind.as_str()))
            .one(self.conn)
            .await?
            .map(|model| {
                serde_json::from_str(&model.rule).map_err(StoreError::corrupt("approval rule"))
            })
            .transpose()
    }

    /// Every kind's default, in kind order.
    pub async fn all(&self) -> Result<Vec<(PolicyKind, ApprovalRule)>, StoreError> {
        let models = self
            .of_trust()
            .order_by_asc(policy_approval_default::Column::Kind)
            .all(self.conn)
            .await?;
        models
            .into_iter()
            .map(|model| {
                let kind: PolicyKind = model
                    .kind
                    .parse()
                    .map_err(StoreError::corrupt("policy kind"))?;
                let rule = serde_json::from_str(&model.rule)
                    .map_err(StoreError::corrupt("approval rule"))?;
                Ok((kind, rule))
            })
            .collect()
    }

    /// Sets the kind's default, or removes it.
    pub async fn set(
        &self,
        kind: PolicyKind,
        rule: Option<&ApprovalRule>,
        by: (&'static str, Option<uuid::Uuid>),
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        policy_approval_default::Entity::delete_many()
            .filter(policy_approval_default::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy_approval_default::Column::Kind.eq(kind.as_str()))
            .exec(self.conn)
            .await?;
        let Some(rule) = rule else {
            return Ok(());
        };
        policy_approval_default::Entity::insert(policy_approval_default::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            trust_id: Set(self.scope.trust().as_uuid()),
            kind: Set(kind.as_str().to_owned()),
            rule: Set(serde_json::to_string(rule).map_err(StoreError::corrupt("approval rule"))?),
            updated_at: Set(at),
            updated_by_kind: Set(by.0.to_owned()),
            updated_by_id: Set(by.1),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(())
    }
}
