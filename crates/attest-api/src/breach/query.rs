//! Queries.

use async_graphql::{Context, Object};
use attest_domain::{BreachId, BreachStatus, SchoolId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::{ErrorCode, OrGraphql, coded};

use super::objects::{Breach, BreachPerson, BreachSettings};

#[derive(Default)]
pub struct BreachQuery;

#[Object]
impl BreachQuery {
    /// The trust's breach settings. The DPO and trust admins only.
    async fn breach_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<BreachSettings> {
        Ok(app(ctx)?
            .breach_settings(principal(ctx)?)
            .await
            .gql()?
            .into())
    }

    /// The breach register, newest first: everything for the DPO and trust admins, a
    /// school admin's schools, otherwise the reports you made. `from`/`to` filter on
    /// when the breach was discovered.
    #[graphql(complexity = "crate::cost::PAGE_QUERY + 50 * child_complexity")]
    async fn breaches(
        &self,
        ctx: &Context<'_>,
        status: Option<String>,
        school_id: Option<Uuid>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<Breach>> {
        let status = status
            .map(|s| s.parse::<BreachStatus>())
            .transpose()
            .map_err(|error| coded(ErrorCode::BadUserInput, error.to_string()))?;
        let filter = attest_app::BreachFilter {
            status,
            school: school_id.map(SchoolId::from_uuid),
            from,
            to,
            ..attest_app::BreachFilter::default()
        };
        Ok(app(ctx)?
            .breaches(principal(ctx)?, filter)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Who a breach may be handed to: the DPO role's holders (and trust admins where
    /// they act as the DPO). The DPO only.
    async fn breach_handlers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BreachPerson>> {
        Ok(app(ctx)?
            .breach_handlers(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn breach(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Breach> {
        Ok(app(ctx)?
            .breach(principal(ctx)?, BreachId::from_uuid(id))
            .await
            .gql()?
            .into())
    }
}
