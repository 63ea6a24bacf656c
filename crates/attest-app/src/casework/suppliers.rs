//! Suppliers that process the trust's data: kept by the DPO and trust admins, read by
//! anyone who sees casework, each with the breaches it was involved in.

use attest_domain::Principal;
use attest_domain::processing::{Supplier, SupplierFacts};
use attest_store::{BreachLinks, LinkKind, StoredSupplier, Suppliers, TransactionTrait};
use serde_json::json;

use super::{reach, require_trust_worker};
use crate::audit::{Change, record};
use crate::{App, AppError};

/// A supplier with the breaches linked to it (references, for the caller's sight).
#[derive(Debug, Clone)]
pub struct SupplierView {
    pub stored: StoredSupplier,
    pub breaches: Vec<attest_domain::BreachId>,
}

impl App {
    pub async fn suppliers(&self, principal: &Principal) -> Result<Vec<SupplierView>, AppError> {
        reach(principal)?;
        let scope = principal.scope();
        let links = BreachLinks::new(&self.db, &scope)
            .of_breaches(LinkKind::Supplier)
            .await?;
        Ok(Suppliers::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|stored| SupplierView {
                breaches: links
                    .iter()
                    .filter(|(_, targets)| targets.contains(&stored.id))
                    .map(|(breach, _)| *breach)
                    .collect(),
                stored,
            })
            .collect())
    }

    /// Adds (no `id`) or replaces a supplier.
    pub async fn save_supplier(
        &self,
        principal: &Principal,
        id: Option<uuid::Uuid>,
        facts: SupplierFacts,
    ) -> Result<StoredSupplier, AppError> {
        require_trust_worker(principal, "keep the list of suppliers")?;
        self.rate_limits.hit(
            crate::Limit::Casework,
            &crate::rate_limit::principal_key(principal),
        )?;
        let supplier = Supplier::parse(facts)?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let suppliers = Suppliers::new(&txn, &scope);
        let before = match id {
            Some(id) => Some(suppliers.get(id).await?),
            None => None,
        };
        let id = suppliers.save(id, &supplier, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "supplier.save",
                subject_type: "supplier",
                subject_id: id,
                before: before
                    .as_ref()
                    .map(|before| json!(before.supplier))
                    .as_ref(),
                after: Some(&json!(supplier)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Suppliers::new(&self.db, &scope).get(id).await?)
    }

    pub async fn delete_supplier(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<(), AppError> {
        require_trust_worker(principal, "keep the list of suppliers")?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let suppliers = Suppliers::new(&txn, &scope);
        let before = suppliers.get(id).await?;
        suppliers.delete(id).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "supplier.delete",
                subject_type: "supplier",
                subject_id: id,
                before: Some(&json!(before.supplier)),
                after: None::<&serde_json::Value>,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
