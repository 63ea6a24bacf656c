//! Mutations.

use async_graphql::{Context, Object};
use attest_app::{NewRequest, RequestStep};
use attest_domain::processing::{ActivityInput, SupplierFacts};
use attest_domain::requests::{RequestInput, Term, TermCalendar as DomainCalendar};
use attest_domain::{BreachId, SchoolId};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

use super::inputs::{
    LogInfoRequestInput, ProcessingActivityInput, SupplierInput, TermCalendarInput, word,
};
use super::objects::InfoRequest;
use super::records::{BreachRecords, ProcessingActivity, Supplier, TermCalendar};

#[derive(Default)]
pub struct CaseworkMutation;

async fn step(
    ctx: &Context<'_>,
    id: Uuid,
    version: u32,
    step: RequestStep,
) -> async_graphql::Result<InfoRequest> {
    Ok(app(ctx)?
        .take_request_step(principal(ctx)?, id, version, step)
        .await
        .gql()?
        .into())
}

#[Object]
impl CaseworkMutation {
    /// Logs a request as it arrived: numbered (SAR-, RR-, FOI-year-n) and its deadline
    /// computed. The DPO, trust admins, or a school admin for one of their schools.
    async fn log_info_request(
        &self,
        ctx: &Context<'_>,
        input: LogInfoRequestInput,
    ) -> async_graphql::Result<InfoRequest> {
        let new = NewRequest {
            school: input.school_id.map(SchoolId::from_uuid),
            input: RequestInput {
                kind: word(&input.kind)?,
                requester_name: input.requester_name,
                requester_contact: input.requester_contact,
                relationship: word(&input.relationship)?,
                about: input.about,
                description: input.description,
                received_on: input.received_on,
            },
        };
        Ok(app(ctx)?
            .log_info_request(principal(ctx)?, new)
            .await
            .gql()?
            .into())
    }

    /// Stops the clock from `from` while identity (`identity`) or clarification
    /// (`clarification`) is awaited.
    async fn stop_request_clock(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        reason: String,
        from: NaiveDate,
        note: Option<String>,
    ) -> async_graphql::Result<InfoRequest> {
        let reason = word(&reason)?;
        step(
            ctx,
            id,
            version,
            RequestStep::StopClock { reason, from, note },
        )
        .await
    }

    /// The awaited answer arrived on `on`: the clock runs again.
    async fn restart_request_clock(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        on: NaiveDate,
    ) -> async_graphql::Result<InfoRequest> {
        step(ctx, id, version, RequestStep::RestartClock { on }).await
    }

    /// Identity checked without stopping the clock.
    async fn verify_requester_identity(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        on: NaiveDate,
    ) -> async_graphql::Result<InfoRequest> {
        step(ctx, id, version, RequestStep::VerifyIdentity { on }).await
    }

    /// Extends the deadline: a rights request by 1–2 further months (complex or
    /// numerous), an FOI request by up to 20 working days (public interest test). The
    /// requester must have been told by the first deadline.
    async fn extend_info_request(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        by: u32,
        reason: String,
        requester_told_on: NaiveDate,
    ) -> async_graphql::Result<InfoRequest> {
        step(
            ctx,
            id,
            version,
            RequestStep::Extend {
                by,
                reason,
                requester_told_on,
            },
        )
        .await
    }

    /// An exemption relied on, e.g. "DPA 2018 Sch 2 para 16" or "FOIA s40(2)".
    async fn record_request_exemption(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        provision: String,
        reason: String,
    ) -> async_graphql::Result<InfoRequest> {
        step(
            ctx,
            id,
            version,
            RequestStep::Exemption { provision, reason },
        )
        .await
    }

    async fn add_info_request_note(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        text: String,
    ) -> async_graphql::Result<InfoRequest> {
        step(ctx, id, version, RequestStep::Note { text }).await
    }

    /// Closes the request: complied, complied_in_part, refused, not_held or withdrawn.
    async fn close_info_request(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        version: u32,
        outcome: String,
        on: NaiveDate,
        summary: String,
    ) -> async_graphql::Result<InfoRequest> {
        let outcome = word(&outcome)?;
        step(
            ctx,
            id,
            version,
            RequestStep::Close {
                outcome,
                on,
                summary,
            },
        )
        .await
    }

    /// Replaces the trust's term calendar (the DPO or a trust admin); open requests'
    /// deadlines move with it.
    async fn set_term_calendar(
        &self,
        ctx: &Context<'_>,
        input: TermCalendarInput,
    ) -> async_graphql::Result<TermCalendar> {
        let calendar = DomainCalendar {
            terms: input
                .terms
                .into_iter()
                .map(|term| Term {
                    name: term.name,
                    starts_on: term.starts_on,
                    ends_on: term.ends_on,
                })
                .collect(),
            inset_days: input.inset_days,
            extra_bank_holidays: input.extra_bank_holidays,
        };
        Ok(app(ctx)?
            .set_term_calendar(principal(ctx)?, calendar)
            .await
            .gql()?
            .into())
    }

    /// Adds (no `id`) or replaces a processing activity of the trust (no `schoolId`) or
    /// a school.
    async fn save_processing_activity(
        &self,
        ctx: &Context<'_>,
        id: Option<Uuid>,
        school_id: Option<Uuid>,
        input: ProcessingActivityInput,
    ) -> async_graphql::Result<ProcessingActivity> {
        let input = ActivityInput {
            name: input.name,
            purpose: input.purpose,
            lawful_basis: input.lawful_basis,
            special_condition: input.special_condition,
            joint_controller: input.joint_controller,
            people_categories: input.people_categories,
            data_categories: input.data_categories,
            recipients: input.recipients,
            transfers: input.transfers,
            transfer_safeguards: input.transfer_safeguards,
            retention: input.retention,
            security: input.security,
            source: input.source,
            suppliers: input.supplier_ids,
        };
        Ok(app(ctx)?
            .save_processing_activity(
                principal(ctx)?,
                id,
                school_id.map(SchoolId::from_uuid),
                input,
            )
            .await
            .gql()?
            .into())
    }

    async fn delete_processing_activity(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<bool> {
        app(ctx)?
            .delete_processing_activity(principal(ctx)?, id)
            .await
            .gql()?;
        Ok(true)
    }

    /// Adds (no `id`) or replaces a supplier (the DPO or a trust admin).
    async fn save_supplier(
        &self,
        ctx: &Context<'_>,
        id: Option<Uuid>,
        input: SupplierInput,
    ) -> async_graphql::Result<Supplier> {
        let facts = SupplierFacts {
            name: input.name,
            service: input.service,
            contact: input.contact,
            data_categories: input.data_categories,
            people_categories: input.people_categories,
            location: input.location,
            location_detail: input.location_detail,
            contract_starts_on: input.contract_starts_on,
            contract_ends_on: input.contract_ends_on,
            dpa_signed_on: input.dpa_signed_on,
            review_on: input.review_on,
        };
        let app = app(ctx)?;
        let principal = principal(ctx)?;
        let saved = app.save_supplier(principal, id, facts).await.gql()?;
        Ok(attest_app::SupplierView {
            stored: saved,
            breaches: Vec::new(),
        }
        .into())
    }

    async fn delete_supplier(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<bool> {
        app(ctx)?.delete_supplier(principal(ctx)?, id).await.gql()?;
        Ok(true)
    }

    /// Records which processing activities and suppliers a breach touched (the DPO).
    async fn link_breach_records(
        &self,
        ctx: &Context<'_>,
        breach_id: Uuid,
        #[graphql(default)] activity_ids: Vec<Uuid>,
        #[graphql(default)] supplier_ids: Vec<Uuid>,
    ) -> async_graphql::Result<BreachRecords> {
        Ok(app(ctx)?
            .link_breach_records(
                principal(ctx)?,
                BreachId::from_uuid(breach_id),
                attest_app::BreachRecords {
                    activities: activity_ids,
                    suppliers: supplier_ids,
                },
            )
            .await
            .gql()?
            .into())
    }
}
