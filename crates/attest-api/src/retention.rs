//! The retention schedule over GraphQL: the plan (trust admins, the DPO), the trust's
//! periods and whether the daily job applies them, and applying it now.

use async_graphql::{Context, Enum, Object, SimpleObject};
use attest_app::AppError;
use attest_domain::{Keep, RecordKind};
use chrono::NaiveDate;

use crate::context::{app, principal};
use crate::error::OrGraphql;

/// A kind of record the schedule covers.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::RecordKind")]
pub enum RetentionRecord {
    SignaturePersonalData,
    SigningViews,
    Sessions,
    EmailBodies,
    AuditLog,
    BreachRecords,
}

/// What becomes of a due record.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::Disposal")]
pub enum RetentionDisposal {
    Erase,
    Delete,
    ClearBody,
    OwnerPurge,
}

#[derive(SimpleObject)]
pub struct RetentionRule {
    pub record: RetentionRecord,
    /// ISO 8601 period: `P6Y`, `P18M`, `P90D`.
    pub keep: String,
    pub set_by_trust: bool,
    /// Where the default comes from.
    pub source: String,
    pub counted_from: String,
    pub disposal: RetentionDisposal,
    /// Records counted from before this day are due.
    pub cutoff: NaiveDate,
    /// Due today; in `applyRetention`'s answer, what was disposed of (or, for the
    /// owner's kinds, left for the owner).
    pub due: u64,
    /// Due but kept: signatures written before commitments (their personal fields are
    /// in the chain itself).
    pub held: u64,
}

#[derive(SimpleObject)]
pub struct RetentionPlan {
    /// The daily job applies the schedule.
    pub automatic: bool,
    pub applied: bool,
    pub rules: Vec<RetentionRule>,
}

impl From<attest_app::RetentionPlan> for RetentionPlan {
    fn from(plan: attest_app::RetentionPlan) -> Self {
        Self {
            automatic: plan.automatic,
            applied: plan.applied,
            rules: plan
                .items
                .into_iter()
                .map(|item| RetentionRule {
                    record: item.record.into(),
                    keep: item.keep.to_string(),
                    set_by_trust: item.set_by_trust,
                    source: item.source.to_owned(),
                    counted_from: item.counted_from.to_owned(),
                    disposal: item.disposal.into(),
                    cutoff: item.cutoff,
                    due: item.due,
                    held: item.held,
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct RetentionQuery;

#[Object]
impl RetentionQuery {
    /// What each retention rule finds due today (trust admins and the DPO).
    async fn retention_plan(&self, ctx: &Context<'_>) -> async_graphql::Result<RetentionPlan> {
        app(ctx)?
            .retention_plan(principal(ctx)?)
            .await
            .map(Into::into)
            .gql()
    }
}

#[derive(Default)]
pub struct RetentionMutation;

#[Object]
impl RetentionMutation {
    /// Sets how long a kind of record is kept (`keep: null` goes back to the default),
    /// and/or whether the daily job applies the schedule. Trust admins. Answers with
    /// the plan as it now stands.
    async fn set_retention(
        &self,
        ctx: &Context<'_>,
        record: Option<RetentionRecord>,
        keep: Option<String>,
        automatic: Option<bool>,
    ) -> async_graphql::Result<RetentionPlan> {
        let app = app(ctx)?;
        let principal = principal(ctx)?;
        let period = match (record, keep) {
            (Some(record), keep) => {
                let keep = keep
                    .map(|raw| raw.parse::<Keep>().map_err(AppError::from))
                    .transpose()
                    .gql()?;
                Some((RecordKind::from(record), keep))
            }
            (None, Some(_)) => {
                return Err(AppError::invalid(
                    "record",
                    "say which record kind the period is for",
                ))
                .gql();
            }
            (None, None) => None,
        };
        app.set_retention(principal, period, automatic)
            .await
            .gql()?;
        app.retention_plan(principal).await.map(Into::into).gql()
    }

    /// Applies the schedule now: erases, deletes and clears what is due (trust admins).
    async fn apply_retention(&self, ctx: &Context<'_>) -> async_graphql::Result<RetentionPlan> {
        app(ctx)?
            .apply_retention(principal(ctx)?)
            .await
            .map(Into::into)
            .gql()
    }
}
