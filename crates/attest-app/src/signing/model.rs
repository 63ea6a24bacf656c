//! Keeping the obligations read model current, and the operator's rebuild and check.
//!
//! Every use case that records an event changing who owes what (an answer, an
//! exemption, a membership, a publication, an audience or signing-rule change, a
//! retirement, an adoption, a directory sync) calls `refresh_obligations` in its own
//! transaction, after its writes. Readers roll the model forward to today first
//! (memberships and exemptions that start or end on a day change it with no event).

use attest_domain::{Principal, SystemTask, TrustId};
use attest_store::{ConnectionTrait, ObligationSlice, Obligations, TransactionTrait};
use chrono::{DateTime, Utc};

use crate::principals::system;
use crate::{App, AppError};

/// What `attest compliance rebuild` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    pub removed: u64,
    pub written: u64,
}

/// What `attest compliance check` found: rows the model holds that a recomputation
/// from the records does not agree with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub at: DateTime<Utc>,
    pub rows: u64,
    pub differences: Vec<attest_store::ObligationDifference>,
}

impl App {
    /// Brings `slice` of `trust`'s obligations up to date in `conn` (the event's
    /// transaction).
    pub(crate) async fn refresh_obligations<C: ConnectionTrait>(
        &self,
        conn: &C,
        trust: TrustId,
        slice: ObligationSlice,
    ) -> Result<(), AppError> {
        let scope = system(trust, SystemTask::Compliance).scope();
        Obligations::new(conn, &scope)
            .refresh(&slice, self.now())
            .await?;
        Ok(())
    }

    /// Before reading: recomputes anyone whose membership or exemption started or ended
    /// since the model was last brought forward (usually no one: one indexed read).
    pub(crate) async fn roll_obligations(&self, trust: TrustId) -> Result<(), AppError> {
        let scope = system(trust, SystemTask::Compliance).scope();
        let now = self.now();
        if !Obligations::new(&self.db, &scope)
            .has_rechecks_due(now)
            .await?
        {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        Obligations::new(&txn, &scope).roll_due(now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces the trust's model with one rebuilt from its records (after a restore).
    pub async fn rebuild_compliance(
        &self,
        principal: &Principal,
    ) -> Result<RebuildReport, AppError> {
        let trust = self.model_keeper(principal)?;
        let scope = system(trust, SystemTask::Compliance).scope();
        let txn = self.db.begin().await?;
        let done = Obligations::new(&txn, &scope).rebuild(self.now()).await?;
        txn.commit().await?;
        Ok(RebuildReport {
            removed: done.closed,
            written: done.opened,
        })
    }

    /// Compares the model with a recomputation from the records, now.
    pub async fn check_compliance(&self, principal: &Principal) -> Result<CheckReport, AppError> {
        let trust = self.model_keeper(principal)?;
        self.roll_obligations(trust).await?;
        let scope = system(trust, SystemTask::Compliance).scope();
        let at = self.now();
        let (rows, differences) = Obligations::new(&self.db, &scope).compare(at).await?;
        Ok(CheckReport {
            at,
            rows,
            differences,
        })
    }

    fn model_keeper(&self, principal: &Principal) -> Result<TrustId, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can rebuild or check the compliance model",
            ));
        }
        Ok(principal.trust())
    }
}
