//! The retention schedule as a use case: its plan (what each rule finds due today),
//! applying it (in one transaction, audited), and a trust's own periods. Trust admins
//! set and apply it; the DPO may read the plan.

use attest_domain::{Disposal, Keep, Principal, RecordKind, RetentionSchedule, Role, SystemTask};
use attest_store::{TransactionTrait, TrustRetention};
use chrono::NaiveDate;
use serde::Serialize;

use crate::audit::{Change, record};
use crate::{App, AppError};

/// One rule of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionItem {
    pub record: RecordKind,
    pub keep: Keep,
    /// The trust set this period (else the default).
    pub set_by_trust: bool,
    pub source: &'static str,
    pub counted_from: &'static str,
    pub disposal: Disposal,
    /// Records counted from before this day are due.
    pub cutoff: NaiveDate,
    /// Due today (for an applied plan: disposed of).
    pub due: u64,
    /// Kept although due: signatures written before commitments hold their personal
    /// fields in the chain itself.
    pub held: u64,
}

/// What the schedule finds (or did) today.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionPlan {
    pub automatic: bool,
    pub applied: bool,
    pub items: Vec<RetentionItem>,
}

impl App {
    fn may_read_retention(principal: &Principal) -> Result<(), AppError> {
        if principal.can_administer_trust() || principal.has_role(Role::Dpo) {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only a trust admin or the DPO can read the retention schedule",
            ))
        }
    }

    fn may_change_retention(principal: &Principal) -> Result<(), AppError> {
        if principal.can_administer_trust() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "only a trust admin can change or apply the retention schedule",
            ))
        }
    }

    /// The trust's schedule as set (its own periods over the defaults).
    pub async fn retention_schedule(
        &self,
        principal: &Principal,
    ) -> Result<attest_domain::RetentionSchedule, AppError> {
        Self::may_read_retention(principal)?;
        Ok(TrustRetention::new(&self.db, &principal.scope())
            .schedule()
            .await?)
    }

    /// What each rule finds due today.
    pub async fn retention_plan(&self, principal: &Principal) -> Result<RetentionPlan, AppError> {
        Self::may_read_retention(principal)?;
        let scope = principal.scope();
        let store = TrustRetention::new(&self.db, &scope);
        let schedule = store.schedule().await?;
        let today = self.today();
        let mut items = Vec::new();
        for kind in RecordKind::ALL {
            let keep = schedule.keep(kind);
            let cutoff = keep.cutoff(today);
            let (due, held) = store.due(kind, cutoff).await?;
            items.push(item(&schedule, kind, cutoff, due, held));
        }
        Ok(RetentionPlan {
            automatic: schedule.automatic,
            applied: false,
            items,
        })
    }

    /// Disposes of everything due that the server may dispose of, in one transaction,
    /// and audits what it did.
    pub async fn apply_retention(&self, principal: &Principal) -> Result<RetentionPlan, AppError> {
        Self::may_change_retention(principal)?;
        let scope = principal.scope();
        let today = self.today();
        let now = self.now();
        let txn = self.db.begin().await?;
        let store = TrustRetention::new(&txn, &scope);
        let schedule = store.schedule().await?;
        let mut items = Vec::new();
        for kind in RecordKind::ALL {
            let keep = schedule.keep(kind);
            let cutoff = keep.cutoff(today);
            let (due, held) = store.due(kind, cutoff).await?;
            let done = match kind.disposal() {
                Disposal::OwnerPurge => due,
                _ => store.dispose(kind, cutoff, now).await?,
            };
            items.push(item(&schedule, kind, cutoff, done, held));
        }
        let summary = serde_json::json!(
            items
                .iter()
                .map(|item| (item.record.as_str(), item.due))
                .collect::<std::collections::BTreeMap<_, _>>()
        );
        record(
            &txn,
            principal,
            now,
            Change {
                action: "retention.apply",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: None::<&serde_json::Value>,
                after: Some(&summary),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(RetentionPlan {
            automatic: schedule.automatic,
            applied: true,
            items,
        })
    }

    /// Sets a record kind's period (`None`: back to the default) and whether the daily
    /// job applies the schedule.
    pub async fn set_retention(
        &self,
        principal: &Principal,
        period: Option<(RecordKind, Option<Keep>)>,
        automatic: Option<bool>,
    ) -> Result<RetentionSchedule, AppError> {
        Self::may_change_retention(principal)?;
        let scope = principal.scope();
        let now = self.now();
        let txn = self.db.begin().await?;
        let store = TrustRetention::new(&txn, &scope);
        let before = store.schedule().await?;
        let mut after = before.clone();
        if let Some((kind, keep)) = period {
            match keep {
                Some(keep) => after.periods.insert(kind, keep),
                None => after.periods.remove(&kind),
            };
        }
        if let Some(automatic) = automatic {
            after.automatic = automatic;
        }
        store.set_schedule(&after, now).await?;
        record(
            &txn,
            principal,
            now,
            Change {
                action: "retention.set",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Purges the append-only kinds past their period (the audit log, closed breach
    /// records) through `owner`, the database owner's connection (the command line's
    /// `attest retention purge`): the server's own role cannot. Audited afterwards.
    pub async fn purge_retention(
        &self,
        principal: &Principal,
        owner: &attest_store::Database,
    ) -> Result<attest_store::Purged, AppError> {
        Self::may_change_retention(principal)?;
        let scope = principal.scope();
        let schedule = TrustRetention::new(&self.db, &scope).schedule().await?;
        let today = self.today();
        let cutoff = |kind: RecordKind| {
            schedule
                .keep(kind)
                .cutoff(today)
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
        };
        let purged = attest_store::purge_append_only(
            owner,
            scope.trust().as_uuid(),
            cutoff(RecordKind::AuditLog),
            cutoff(RecordKind::BreachRecords),
        )
        .await?;
        record(
            &self.db,
            principal,
            self.now(),
            Change {
                action: "retention.purge",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: None::<&attest_store::Purged>,
                after: Some(&purged),
            },
        )
        .await?;
        Ok(purged)
    }

    /// The daily job's part: applies the schedule where the trust turned that on.
    pub(crate) async fn apply_retention_daily(
        &self,
        trust: attest_domain::TrustId,
    ) -> Result<Option<RetentionPlan>, AppError> {
        let operator = crate::principals::system(trust, SystemTask::Retention);
        let schedule = TrustRetention::new(&self.db, &operator.scope())
            .schedule()
            .await?;
        if !schedule.automatic {
            return Ok(None);
        }
        self.apply_retention(&operator).await.map(Some)
    }
}

fn item(
    schedule: &RetentionSchedule,
    kind: RecordKind,
    cutoff: NaiveDate,
    due: u64,
    held: u64,
) -> RetentionItem {
    RetentionItem {
        record: kind,
        keep: schedule.keep(kind),
        set_by_trust: schedule.is_set(kind),
        source: kind.default_rule().1,
        counted_from: kind.counted_from(),
        disposal: kind.disposal(),
        cutoff,
        due,
        held,
    }
}
