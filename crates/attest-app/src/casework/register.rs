//! The request register: filtered lists, one request with its timeline and documents,
//! and the register as CSV for the DPO's records and the trust board.

use std::collections::BTreeMap;

use attest_domain::{BreachEvent, Principal};
use attest_store::{InfoRequests, RequestDocument, RequestDocuments, RequestFilter, Schools};

use super::{RequestView, reach};
use crate::signing::{csv_error, finish_csv, safe_cell};
use crate::{App, AppError};

pub const REQUEST_CSV_HEADER: [&str; 22] = [
    "reference",
    "kind",
    "status",
    "school",
    "requester",
    "relationship",
    "about",
    "received_on",
    "identity_verified_on",
    "clock_stopped_days",
    "extension",
    "extension_reason",
    "requester_told_of_extension_on",
    "due_on",
    "overdue",
    "exemptions",
    "outcome",
    "closed_on",
    "answered_late",
    "summary",
    "description",
    "requester_contact",
];

/// A request with everything kept about it.
#[derive(Debug, Clone)]
pub struct RequestCase {
    pub view: RequestView,
    pub timeline: Vec<BreachEvent>,
    pub documents: Vec<RequestDocument>,
}

impl App {
    /// The register as the caller may see it (a school admin: their schools').
    pub async fn info_requests(
        &self,
        principal: &Principal,
        filter: RequestFilter,
    ) -> Result<Vec<RequestView>, AppError> {
        reach(principal)?;
        let terms = self.term_calendar_of(principal).await?;
        let requests = InfoRequests::new(&self.db, &principal.scope())
            .list(&filter)
            .await?;
        Ok(requests
            .into_iter()
            .map(|request| self.request_view(&terms, request))
            .collect())
    }

    pub async fn info_request(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<RequestCase, AppError> {
        reach(principal)?;
        let scope = principal.scope();
        let terms = self.term_calendar_of(principal).await?;
        let requests = InfoRequests::new(&self.db, &scope);
        let request = requests.get(id).await?;
        Ok(RequestCase {
            timeline: requests.events(id).await?,
            documents: RequestDocuments::new(&self.db, &scope).list(id).await?,
            view: self.request_view(&terms, request),
        })
    }

    /// The register as CSV (what the caller sees of it).
    pub async fn info_request_register_csv(
        &self,
        principal: &Principal,
        filter: RequestFilter,
    ) -> Result<String, AppError> {
        reach(principal)?;
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let schools: BTreeMap<_, _> = Schools::new(&self.db, &principal.scope())
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(REQUEST_CSV_HEADER).map_err(csv_error)?;
        for view in self.info_requests(principal, filter).await? {
            let request = &view.request;
            let record = &request.record;
            let stopped: i64 = record
                .stops
                .iter()
                .map(|stop| (stop.until.unwrap_or(self.today()) - stop.from).num_days())
                .sum();
            let extension = record.extension.as_ref();
            let unit = if record.kind.is_foi() {
                "working days"
            } else {
                "months"
            };
            let exemptions: Vec<String> = record
                .exemptions
                .iter()
                .map(|exemption| exemption.provision.clone())
                .collect();
            let ending = record.ending.as_ref();
            let date =
                |day: Option<chrono::NaiveDate>| day.map(|day| day.to_string()).unwrap_or_default();
            let row = [
                request.reference.clone(),
                record.kind.as_str().to_owned(),
                request.status.as_str().to_owned(),
                request
                    .school
                    .and_then(|school| schools.get(&school).cloned())
                    .unwrap_or_else(|| "the trust".to_owned()),
                safe_cell(&record.requester.name),
                record.requester.relationship.as_str().to_owned(),
                safe_cell(record.about.as_deref().unwrap_or_default()),
                record.received_on.to_string(),
                date(record.identity_verified_on),
                stopped.to_string(),
                extension
                    .map(|e| format!("{} {unit}", e.by))
                    .unwrap_or_default(),
                safe_cell(extension.map(|e| e.reason.as_str()).unwrap_or_default()),
                date(extension.map(|e| e.requester_told_on)),
                view.deadline.due_on.to_string(),
                if view.overdue { "yes" } else { "no" }.to_owned(),
                safe_cell(&exemptions.join("; ")),
                ending
                    .map(|e| e.outcome.as_str().to_owned())
                    .unwrap_or_default(),
                date(ending.map(|e| e.on)),
                if view.answered_late { "yes" } else { "no" }.to_owned(),
                safe_cell(ending.map(|e| e.summary.as_str()).unwrap_or_default()),
                safe_cell(&record.description),
                safe_cell(&record.requester.contact),
            ];
            writer.write_record(row).map_err(csv_error)?;
        }
        finish_csv(writer)
    }
}
