//! Queries.

use async_graphql::{Context, Object};
use attest_domain::{BreachId, SchoolId};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::inputs::word;
use super::objects::InfoRequest;
use super::records::{BreachRecords, ProcessingActivity, Supplier, TermCalendar};

#[derive(Default)]
pub struct CaseworkQuery;

#[Object]
impl CaseworkQuery {
    /// The request register, newest first: the whole trust for the DPO, trust admins and
    /// read-only tokens, a school admin's schools' requests. Filters are optional;
    /// `dueBy` lists open requests due on or before that day.
    #[graphql(complexity = "crate::cost::PAGE_QUERY + 50 * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn info_requests(
        &self,
        ctx: &Context<'_>,
        kind: Option<String>,
        status: Option<String>,
        open_only: Option<bool>,
        school_id: Option<Uuid>,
        received_from: Option<NaiveDate>,
        received_to: Option<NaiveDate>,
        due_by: Option<NaiveDate>,
    ) -> async_graphql::Result<Vec<InfoRequest>> {
        let filter = attest_app::RequestFilter {
            kind: kind.as_deref().map(word).transpose()?,
            status: status.as_deref().map(word).transpose()?,
            open_only: open_only.unwrap_or(false),
            school: school_id.map(SchoolId::from_uuid),
            received_from,
            received_to,
            due_by,
        };
        Ok(app(ctx)?
            .info_requests(principal(ctx)?, filter)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn info_request(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<InfoRequest> {
        Ok(app(ctx)?
            .info_request(principal(ctx)?, id)
            .await
            .gql()?
            .view
            .into())
    }

    /// The trust's term calendar (FOI clocks count its school days; reminders stay
    /// quiet in its holidays).
    async fn term_calendar(&self, ctx: &Context<'_>) -> async_graphql::Result<TermCalendar> {
        Ok(app(ctx)?.term_calendar(principal(ctx)?).await.gql()?.into())
    }

    /// The record of processing activities (a school admin: the trust's and their schools').
    async fn processing_activities(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProcessingActivity>> {
        Ok(app(ctx)?
            .processing_activities(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The suppliers that process the trust's data, with the breaches they were in.
    async fn suppliers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Supplier>> {
        Ok(app(ctx)?
            .suppliers(principal(ctx)?)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The processing activities and suppliers a breach touched.
    async fn breach_records(
        &self,
        ctx: &Context<'_>,
        breach_id: Uuid,
    ) -> async_graphql::Result<BreachRecords> {
        Ok(app(ctx)?
            .breach_records(principal(ctx)?, BreachId::from_uuid(breach_id))
            .await
            .gql()?
            .into())
    }
}
