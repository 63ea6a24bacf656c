//! Trusts: created by an operator at the command line; read by anyone in them.

use attest_domain::{Principal, Slug, SystemTask, Trust, TrustName};
use attest_store::{NewTrust, TransactionTrait, Trusts};

use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    /// Creates a trust. An operator action: whoever runs this has the database.
    pub async fn create_trust(&self, name: &str, slug: &str) -> Result<Trust, AppError> {
        let name = TrustName::parse(name)?;
        let slug = Slug::parse(slug)?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let trust = Trusts::create(
            &txn,
            NewTrust {
                slug,
                name,
                created_at: at,
            },
        )
        .await?;
        let operator = crate::principals::system(trust.id, SystemTask::TrustSetup);
        record(
            &txn,
            &operator,
            at,
            Change {
                action: "trust.create",
                subject_type: "trust",
                subject_id: trust.id.as_uuid(),
                before: None,
                after: Some(&trust),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(trust)
    }

    /// The trust with this slug, for the command line.
    pub(crate) async fn trust_by_slug(&self, slug: &str) -> Result<Trust, AppError> {
        let slug = Slug::parse(slug)?;
        Trusts::find_by_slug(&self.db, &slug)
            .await
            .map_err(|_| AppError::NotFound(format!("no trust with slug '{slug}'")))
    }

    pub async fn trust(&self, principal: &Principal) -> Result<Trust, AppError> {
        let cached = self
            .trusts
            .read()
            .ok()
            .and_then(|trusts| trusts.get(&principal.trust()).cloned());
        if let Some(trust) = cached {
            return Ok(trust);
        }
        let trust = Trusts::current(&self.db, &principal.scope()).await?;
        if let Ok(mut trusts) = self.trusts.write() {
            trusts.insert(trust.id, trust.clone());
        }
        Ok(trust)
    }
}
