//! A trust's induction bundles and their items.

use std::collections::BTreeMap;

use attest_domain::{InductionBundle, PolicyId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::raw::Raw;
use crate::StoreError;

pub struct Inductions<'a, C> {
    raw: Raw<'a, C>,
}

#[derive(FromQueryResult)]
struct BundleRow {
    id: uuid::Uuid,
    name: String,
    within_days: i32,
}

#[derive(FromQueryResult)]
struct ItemRow {
    bundle_id: uuid::Uuid,
    policy_id: uuid::Uuid,
}

impl<'a, C: ConnectionTrait> Inductions<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// Adds the bundle, or replaces its name, window and items.
    pub async fn save(
        &self,
        bundle: &InductionBundle,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let within = i32::try_from(bundle.within_days).unwrap_or(i32::MAX);
        let changed = self.raw
            .execute(
                "UPDATE induction_bundles SET name = $1, within_days = $2, updated_at = $3 WHERE trust_id = $4 AND id = $5",
                vec![bundle.name.clone().into(), within.into(), at.into(), self.raw.trust(), bundle.id.into()],
            )
            .await?;
        if changed == 0 {
            self.raw.execute(
                "INSERT INTO induction_bundles (id, trust_id, name, within_days, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                vec![bundle.id.into(), self.raw.trust(), bundle.name.clone().into(), within.into(), at.into()],
            )
            .await?;
        }
        self.raw
            .execute(
                "DELETE FROM induction_items WHERE trust_id = $1 AND bundle_id = $2",
                vec![self.raw.trust(), bundle.id.into()],
            )
            .await?;
        for (position, policy) in bundle.items.iter().enumerate() {
            self.raw.execute(
                "INSERT INTO induction_items (trust_id, bundle_id, policy_id, position) VALUES ($1, $2, $3, $4)",
                vec![
                    self.raw.trust(),
                    bundle.id.into(),
                    policy.as_uuid().into(),
                    i32::try_from(position).unwrap_or(i32::MAX).into(),
                ],
            )
            .await?;
        }
        Ok(())
    }

    pub async fn list(&self) -> Result<Vec<InductionBundle>, StoreError> {
        let bundles = BundleRow::find_by_statement(self.raw.statement(
            "SELECT id, name, within_days FROM induction_bundles WHERE trust_id = $1 ORDER BY name, id",
            vec![self.raw.trust()],
        ))
        .all(self.raw.conn)
        .await?;
        let items = ItemRow::find_by_statement(self.raw.statement(
            "SELECT bundle_id, policy_id FROM induction_items WHERE trust_id = $1 ORDER BY bundle_id, position",
            vec![self.raw.trust()],
        ))
        .all(self.raw.conn)
        .await?;
        let mut by_bundle: BTreeMap<uuid::Uuid, Vec<PolicyId>> = BTreeMap::new();
        for item in items {
            by_bundle
                .entry(item.bundle_id)
                .or_default()
                .push(PolicyId::from_uuid(item.policy_id));
        }
        Ok(bundles
            .into_iter()
            .map(|row| InductionBundle {
                items: by_bundle.remove(&row.id).unwrap_or_default(),
                id: row.id,
                name: row.name,
                within_days: u32::try_from(row.within_days).unwrap_or_default(),
            })
            .collect())
    }

    /// Removes a bundle; `false` when there was none.
    pub async fn delete(&self, id: uuid::Uuid) -> Result<bool, StoreError> {
        self.raw
            .execute(
                "DELETE FROM induction_items WHERE trust_id = $1 AND bundle_id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?;
        Ok(self
            .raw
            .execute(
                "DELETE FROM induction_bundles WHERE trust_id = $1 AND id = $2",
                vec![self.raw.trust(), id.into()],
            )
            .await?
            > 0)
    }
}
