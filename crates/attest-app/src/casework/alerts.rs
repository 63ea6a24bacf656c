//! The DPO's casework alerts, run with the breach alerts job: each open request a week
//! of working days before its deadline and once overdue; each supplier's review date
//! and contract end as they come near. Each goes once (by outbox key, with the date it
//! is about, so a new deadline or date brings a new alert).

use attest_domain::TrustId;
use attest_domain::processing::SupplierAlert;
use attest_domain::requests::{RequestAlert, request_alert_due};
use attest_store::{InfoRequests, NewEmail, Outbox, RequestFilter, Schools, Suppliers};
use minijinja::context;

use crate::email_templates::render_email;
use crate::reminders::dpos_or_trust_admins;
use crate::{App, AppError};

struct Alert {
    key: String,
    subject: String,
    detail: String,
    url: String,
}

fn long_date(day: chrono::NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

impl App {
    /// One trust's casework alerts; how many emails were queued.
    pub async fn run_casework_alerts(&self, trust: TrustId) -> Result<usize, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::BreachAlerts);
        let scope = operator.scope();
        let today = self.today();
        let terms = self.term_calendar_of(&operator).await?;
        let schools = Schools::new(&self.db, &scope).list().await?;
        let mut alerts = Vec::new();
        let open = InfoRequests::new(&self.db, &scope)
            .list(&RequestFilter {
                open_only: true,
                ..RequestFilter::default()
            })
            .await?;
        for request in open {
            let view = self.request_view(&terms, request);
            let calendar = terms.calendar(view.request.record.received_on, 3);
            let Some(stage) = request_alert_due(view.deadline, today, &calendar) else {
                continue;
            };
            let request = &view.request;
            let school = request
                .school
                .and_then(|id| schools.iter().find(|school| school.id == id))
                .map_or("the trust".to_owned(), |school| {
                    school.name.as_str().to_owned()
                });
            let due = long_date(view.deadline.due_on);
            alerts.push(Alert {
                key: format!("request:{}:{stage}:{}", request.id, view.deadline.due_on),
                subject: match stage {
                    RequestAlert::DueSoon => format!(
                        "{} is due in {} working days",
                        request.reference,
                        view.working_days_left.unwrap_or_default()
                    ),
                    RequestAlert::Overdue => format!("{} is overdue", request.reference),
                },
                detail: format!(
                    "{} from {} ({school}), received {}: {} {due}.",
                    request.record.kind.label(),
                    request.record.requester.name,
                    long_date(request.record.received_on),
                    if stage == RequestAlert::Overdue {
                        "it was due on"
                    } else {
                        "due"
                    },
                ),
                url: format!("{}/requests/{}", self.public_url(), request.id),
            });
        }
        for stored in Suppliers::new(&self.db, &scope).list().await? {
            for (stage, day) in stored.supplier.alerts_due(today) {
                let name = &stored.supplier.name;
                let subject = match stage {
                    SupplierAlert::ReviewDue => format!("{name}: review due on {}", long_date(day)),
                    SupplierAlert::ContractEnding => {
                        format!("{name}: contract ends on {}", long_date(day))
                    }
                    SupplierAlert::ContractEnded => {
                        format!("{name}: contract ended on {}", long_date(day))
                    }
                };
                alerts.push(Alert {
                    key: format!("supplier:{}:{stage}:{day}", stored.id),
                    detail: format!(
                        "{} ({}). Check the data processing agreement and where the data is kept, and record the new dates.",
                        name, stored.supplier.service
                    ),
                    subject,
                    url: format!("{}/suppliers", self.public_url()),
                });
            }
        }
        if alerts.is_empty() {
            return Ok(0);
        }
        let recipients = dpos_or_trust_admins(self, &scope).await?;
        let branding = self.branding(&operator).await?;
        let mut queued = 0;
        for alert in alerts {
            let body = render_email(
                "casework_alert",
                &branding,
                context! { subject => alert.subject, detail => alert.detail, url => alert.url },
            )?;
            for person in &recipients {
                let Some(email) = &person.email else { continue };
                let sent = Outbox::new(&self.db, &scope)
                    .enqueue(NewEmail {
                        kind: "casework_alert",
                        to_address: email.as_str().to_owned(),
                        subject: body.subject.clone(),
                        body_text: body.text.clone(),
                        body_html: Some(body.html.clone()),
                        dedupe_key: Some(format!("{}:{}", alert.key, person.id)),
                        at: self.now(),
                    })
                    .await?;
                queued += usize::from(sent.is_some());
            }
        }
        Ok(queued)
    }
}
