//! Alerts to the DPO(s): one when a breach is reported, then escalating 24 and 48
//! hours after the trust became aware, with 12 hours left, and once overdue, for as
//! long as no decision about telling the ICO is recorded. The legal clock runs at
//! weekends, so these ignore the trust's send window. Each goes once (by outbox key).

use attest_domain::{
    AlertStage, Person, Principal, TenantScope, TrustId, alerts_due, clock_start, ico_deadline,
};
use attest_store::{Breach, BreachFilter, Breaches, ConnectionTrait, NewEmail, Outbox};
use minijinja::context;

use crate::email_templates::{Branding, render_email};
use crate::reminders::dpos_or_trust_admins;
use crate::{App, AppError, SCHOOL_TIME_ZONE};

pub(super) struct ReportAlert {
    scope: TenantScope,
    recipients: Vec<Person>,
    branding: Branding,
}

fn stage_text(stage: AlertStage) -> &'static str {
    match stage {
        AlertStage::Reported => "new breach reported",
        AlertStage::After24Hours => "24 hours since the trust became aware",
        AlertStage::After48Hours => "48 hours since the trust became aware",
        AlertStage::TwelveHoursLeft => "12 hours left to tell the ICO",
        AlertStage::Overdue => "the 72 hours have passed",
    }
}

impl App {
    /// Who hears about breaches: the DPO(s), or the trust admins where there is none.
    async fn breach_recipients(&self, scope: &TenantScope) -> Result<Vec<Person>, AppError> {
        dpos_or_trust_admins(self, scope).await
    }

    async fn queue_alert(
        &self,
        conn: &impl ConnectionTrait,
        scope: &TenantScope,
        branding: &Branding,
        breach: &Breach,
        stage: AlertStage,
        recipients: &[Person],
    ) -> Result<usize, AppError> {
        let aware = clock_start(breach.aware_at, breach.record.facts.discovered_at);
        let deadline = ico_deadline(aware);
        let left = deadline - self.now();
        let body = render_email(
            "breach_alert",
            branding,
            context! {
                reference => breach.reference.as_str(),
                stage => stage_text(stage),
                status => breach.status.as_str(),
                confirmed => breach.aware_at.is_some(),
                deadline => deadline.with_timezone(&SCHOOL_TIME_ZONE).format("%A %-d %B %Y, %H:%M %Z").to_string(),
                // Whole hours, rounded up: 71 h 59 min left reads as 72.
                hours_left => (left.num_minutes() + 59).div_euclid(60),
                overdue => left.num_seconds() <= 0,
                url => format!("{}/breaches/{}", self.public_url(), breach.id),
            },
        )?;
        let mut queued = 0;
        for person in recipients {
            let Some(email) = &person.email else { continue };
            let sent = Outbox::new(conn, scope)
                .enqueue(NewEmail {
                    kind: "breach_alert",
                    to_address: email.as_str().to_owned(),
                    subject: body.subject.clone(),
                    body_text: body.text.clone(),
                    body_html: Some(body.html.clone()),
                    dedupe_key: Some(format!("breach:{}:{stage}:{}", breach.id, person.id)),
                    at: self.now(),
                })
                .await?;
            queued += usize::from(sent.is_some());
        }
        Ok(queued)
    }

    /// Who to alert about a new report and how to brand it, read before the report's
    /// transaction (so that transaction holds one connection, not two).
    pub(super) async fn report_alert(
        &self,
        principal: &Principal,
    ) -> Result<ReportAlert, AppError> {
        // A system alert: the DPOs are found trust-wide whoever reported.
        let operator =
            crate::principals::system(principal.trust(), attest_domain::SystemTask::BreachAlerts);
        let scope = operator.scope();
        Ok(ReportAlert {
            recipients: self.breach_recipients(&scope).await?,
            branding: self.branding(&operator).await?,
            scope,
        })
    }

    /// The first alert, in the report's own transaction.
    pub(super) async fn alert_reported(
        &self,
        conn: &impl ConnectionTrait,
        alert: &ReportAlert,
        breach: &Breach,
    ) -> Result<usize, AppError> {
        self.queue_alert(
            conn,
            &alert.scope,
            &alert.branding,
            breach,
            AlertStage::Reported,
            &alert.recipients,
        )
        .await
    }

    /// One trust's escalations (the `breach_alerts` job): for each open breach with no
    /// ICO decision, the latest stage due, once. Until the DPO confirms when the trust
    /// became aware, the clock runs from the discovery (never from the report's typing).
    pub async fn run_breach_alerts(&self, trust: TrustId) -> Result<usize, AppError> {
        let operator = crate::principals::system(trust, attest_domain::SystemTask::BreachAlerts);
        let scope = operator.scope();
        let open = Breaches::new(&self.db, &scope)
            .list(&BreachFilter {
                open_only: true,
                ..BreachFilter::default()
            })
            .await?;
        let now = self.now();
        let waiting: Vec<(Breach, AlertStage)> = open
            .into_iter()
            .filter(|breach| !breach.record.ico_decided())
            .filter_map(|breach| {
                let aware = clock_start(breach.aware_at, breach.record.facts.discovered_at);
                let stage = alerts_due(aware, now).pop()?;
                Some((breach, stage))
            })
            .collect();
        if waiting.is_empty() {
            return Ok(0);
        }
        let recipients = self.breach_recipients(&scope).await?;
        let branding = self.branding(&operator).await?;
        let mut queued = 0;
        for (breach, stage) in waiting {
            queued += self
                .queue_alert(&self.db, &scope, &branding, &breach, stage, &recipients)
                .await?;
        }
        Ok(queued)
    }
}
