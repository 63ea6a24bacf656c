//! Requests as the API shows them.

use async_graphql::{Context, SimpleObject};
use attest_app::RequestView;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::breach::BreachEvent;

/// A stop of the clock while identity or clarification was awaited.
#[derive(SimpleObject)]
pub struct ClockStop {
    /// identity, clarification.
    pub reason: String,
    pub from: NaiveDate,
    /// Empty while still awaited.
    pub until: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct RequestExtension {
    /// Further months (rights requests) or working days (FOI).
    pub by: u32,
    pub unit: String,
    pub reason: String,
    pub requester_told_on: NaiveDate,
}

#[derive(SimpleObject)]
pub struct RequestExemption {
    pub provision: String,
    pub reason: String,
    pub on: NaiveDate,
}

#[derive(SimpleObject)]
pub struct RequestOutcome {
    /// complied, complied_in_part, refused, not_held, withdrawn.
    pub outcome: String,
    pub on: NaiveDate,
    pub summary: String,
}

/// A document kept with a request. Download it from `downloadPath` with the same token;
/// attach one with `POST /requests/{id}/documents` (multipart, field `file`).
#[derive(SimpleObject)]
pub struct RequestDocument {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub download_path: String,
}

impl From<attest_app::RequestDocument> for RequestDocument {
    fn from(file: attest_app::RequestDocument) -> Self {
        Self {
            download_path: format!(
                "/exports/requests/{}/documents/{}",
                file.request_id, file.id
            ),
            id: file.id,
            file_name: file.file_name,
            content_type: file.content_type,
            size: file.size_bytes,
            sha256: file.sha256,
            description: file.description,
            uploaded_at: file.uploaded_at,
        }
    }
}

/// A subject access (or other rights) or FOI request, with its deadline as of today.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InfoRequest {
    pub id: Uuid,
    /// e.g. SAR-2026-004, RR-2026-005, FOI-2026-006.
    pub reference: String,
    /// subject_access, erasure, rectification, restriction, objection, portability, foi.
    pub kind: String,
    /// open, paused, answered, withdrawn.
    pub status: String,
    /// Send it back with every step; a stale one is a CONFLICT.
    pub version: u32,
    /// The school it arrived at; empty for the trust itself.
    pub school_id: Option<Uuid>,
    pub requester_name: String,
    pub requester_contact: String,
    pub relationship: String,
    pub about: Option<String>,
    pub description: String,
    pub received_on: NaiveDate,
    pub identity_verified_on: Option<NaiveDate>,
    pub clock_stops: Vec<ClockStop>,
    pub extension: Option<RequestExtension>,
    pub exemptions: Vec<RequestExemption>,
    pub outcome: Option<RequestOutcome>,
    /// The deadline by the UK rules (a calendar month, or 20 school days for FOI), with
    /// clock stops and any extension.
    pub due_on: NaiveDate,
    /// Without the extension: when the requester had to be told of one.
    pub first_due_on: NaiveDate,
    /// Stopped today: the deadline moves on a day for every day it stays stopped.
    pub clock_stopped: bool,
    pub overdue: bool,
    pub working_days_left: Option<u32>,
    pub answered_late: bool,
    /// FOI: the deadline is past the last term in the calendar, so it may come later.
    pub past_calendar: bool,
    pub logged_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RequestView> for InfoRequest {
    fn from(view: RequestView) -> Self {
        let request = view.request;
        let record = request.record;
        let unit = if record.kind.is_foi() {
            "working_days"
        } else {
            "months"
        };
        Self {
            id: request.id,
            reference: request.reference,
            kind: record.kind.as_str().to_owned(),
            status: request.status.as_str().to_owned(),
            version: request.version,
            school_id: request.school.map(|school| school.as_uuid()),
            requester_name: record.requester.name,
            requester_contact: record.requester.contact,
            relationship: record.requester.relationship.as_str().to_owned(),
            about: record.about,
            description: record.description,
            received_on: record.received_on,
            identity_verified_on: record.identity_verified_on,
            clock_stops: record
                .stops
                .into_iter()
                .map(|stop| ClockStop {
                    reason: stop.reason.as_str().to_owned(),
                    from: stop.from,
                    until: stop.until,
                    note: stop.note,
                })
                .collect(),
            extension: record.extension.map(|extension| RequestExtension {
                by: extension.by,
                unit: unit.to_owned(),
                reason: extension.reason,
                requester_told_on: extension.requester_told_on,
            }),
            exemptions: record
                .exemptions
                .into_iter()
                .map(|exemption| RequestExemption {
                    provision: exemption.provision,
                    reason: exemption.reason,
                    on: exemption.on,
                })
                .collect(),
            outcome: record.ending.map(|ending| RequestOutcome {
                outcome: ending.outcome.as_str().to_owned(),
                on: ending.on,
                summary: ending.summary,
            }),
            due_on: view.deadline.due_on,
            first_due_on: view.deadline.first_due_on,
            clock_stopped: view.deadline.clock_stopped,
            overdue: view.overdue,
            working_days_left: view.working_days_left,
            answered_late: view.answered_late,
            past_calendar: view.past_calendar,
            logged_at: request.created_at,
            updated_at: request.updated_at,
        }
    }
}

#[async_graphql::ComplexObject]
impl InfoRequest {
    /// Every step, oldest first.
    async fn timeline(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BreachEvent>> {
        use crate::error::OrGraphql;
        Ok(crate::context::app(ctx)?
            .info_request(crate::context::principal(ctx)?, self.id)
            .await
            .gql()?
            .timeline
            .into_iter()
            .map(Into::into)
            .collect())
    }

    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RequestDocument>> {
        use crate::error::OrGraphql;
        Ok(crate::context::app(ctx)?
            .info_request(crate::context::principal(ctx)?, self.id)
            .await
            .gql()?
            .documents
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
