//! Which processing activities and suppliers a breach touched: set by the DPO on the
//! breach, shown on the breach and on each supplier.

use attest_domain::{BreachId, Principal};
use attest_store::{
    BreachLinks, Breaches, LinkKind, ProcessingActivities, Suppliers, TransactionTrait,
};
use serde_json::json;

use crate::{App, AppError};

/// What a breach is linked to.
#[derive(Debug, Clone, Default)]
pub struct BreachRecords {
    pub activities: Vec<uuid::Uuid>,
    pub suppliers: Vec<uuid::Uuid>,
}

impl App {
    pub async fn breach_records(
        &self,
        principal: &Principal,
        breach: BreachId,
    ) -> Result<BreachRecords, AppError> {
        self.breach(principal, breach).await?;
        let scope = principal.scope();
        let links = BreachLinks::new(&self.db, &scope);
        let mut activities = links.of_breaches(LinkKind::Activity).await?;
        let mut suppliers = links.of_breaches(LinkKind::Supplier).await?;
        Ok(BreachRecords {
            activities: activities.remove(&breach).unwrap_or_default(),
            suppliers: suppliers.remove(&breach).unwrap_or_default(),
        })
    }

    /// Replaces the breach's links (the DPO only); every target must be the trust's.
    pub async fn link_breach_records(
        &self,
        principal: &Principal,
        breach: BreachId,
        mut wanted: BreachRecords,
    ) -> Result<BreachRecords, AppError> {
        self.require_breach_dpo(
            principal,
            "link a breach to processing activities and suppliers",
        )
        .await?;
        let scope = principal.scope();
        self.breach(principal, breach).await?;
        wanted.activities.sort_unstable();
        wanted.activities.dedup();
        wanted.suppliers.sort_unstable();
        wanted.suppliers.dedup();
        let activities = ProcessingActivities::new(&self.db, &scope).list().await?;
        if let Some(unknown) = wanted
            .activities
            .iter()
            .find(|id| !activities.iter().any(|a| a.id == **id))
        {
            return Err(AppError::invalid(
                "activity_ids",
                format!("{unknown} is not one of the trust's processing activities"),
            ));
        }
        let suppliers = Suppliers::new(&self.db, &scope).list().await?;
        if let Some(unknown) = wanted
            .suppliers
            .iter()
            .find(|id| !suppliers.iter().any(|s| s.id == **id))
        {
            return Err(AppError::invalid(
                "supplier_ids",
                format!("{unknown} is not one of the trust's suppliers"),
            ));
        }
        let at = self.now();
        let txn = self.db.begin().await?;
        Breaches::new(&txn, &scope).lock(breach).await?;
        let links = BreachLinks::new(&txn, &scope);
        links
            .set(breach, LinkKind::Activity, &wanted.activities)
            .await?;
        links
            .set(breach, LinkKind::Supplier, &wanted.suppliers)
            .await?;
        let detail = json!({ "activities": wanted.activities, "suppliers": wanted.suppliers });
        self.log_breach_step(&txn, principal, breach, "records_linked", &detail, at)
            .await?;
        txn.commit().await?;
        Ok(wanted)
    }
}
