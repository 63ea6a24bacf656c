//! Reporting a breach: any member of staff, for a school they work at; admins for the
//! schools in their scope.

use attest_domain::{BreachFacts, BreachFactsInput, BreachRecord, Principal, SchoolId};
use attest_store::{Breaches, Memberships, NewBreach, Schools, TransactionTrait};
use chrono::{DateTime, Datelike, Utc};
use serde_json::json;

use super::{BreachView, read_only_token};
use crate::audit::{Change, record};
use crate::{App, AppError, SCHOOL_TIME_ZONE};

impl App {
    /// Any member of staff reports a breach. Two reports at the same instant may reach
    /// for the same reference; the one that loses simply takes the next.
    pub async fn report_breach(
        &self,
        principal: &Principal,
        facts: BreachFactsInput,
        schools: Vec<SchoolId>,
    ) -> Result<BreachView, AppError> {
        if read_only_token(principal) {
            return Err(AppError::forbidden(
                "a read-only token changes nothing, and reporting a breach is a change",
            ));
        }
        let at = self.now();
        let mut facts = facts;
        facts.staff_people = self.staff_involved(principal, &facts.staff_emails).await?;
        let facts = BreachFacts::parse(facts, at)?;
        if schools.is_empty() {
            return Err(AppError::invalid("schoolIds", "name at least one school"));
        }
        self.rate_limits.hit(
            crate::Limit::BreachReport,
            &crate::rate_limit::principal_key(principal),
        )?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_report(principal, &facts, &schools, at).await {
                // Many reports at one moment: each loser waits a little longer and takes
                // the next number, so a burst of reports never fails back to staff.
                Err(AppError::Conflict(_)) if attempt < 20 => {
                    tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
                }
                outcome => return outcome,
            }
        }
    }

    pub(super) async fn try_report(
        &self,
        principal: &Principal,
        facts: &BreachFacts,
        schools: &[SchoolId],
        at: DateTime<Utc>,
    ) -> Result<BreachView, AppError> {
        let scope = self.reporting_scope(principal, schools).await?;
        let alert = self.report_alert(principal).await?;
        let txn = self.db.begin().await?;
        Breaches::new(&txn, &scope).lock_register().await?;
        for school in schools {
            Schools::new(&txn, &scope).get(*school).await?;
        }
        let year = at.with_timezone(&SCHOOL_TIME_ZONE).year();
        let breaches = Breaches::new(&txn, &scope);
        let breach = breaches
            .insert(NewBreach {
                year,
                record: BreachRecord::new(facts.clone()),
                schools: schools.to_vec(),
                reported_by_kind: principal.actor().kind(),
                reported_by: principal.actor().id(),
                at,
            })
            .await?;
        breaches
            .append_event(
                breach.id,
                principal.actor().kind(),
                principal.actor().id(),
                "reported",
                &json!({ "reference": breach.reference, "reporter": breach.record.facts.reporter_name }),
                at,
            )
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "breach.report",
                subject_type: "breach",
                subject_id: breach.id.as_uuid(),
                before: None,
                after: Some(&json!({ "reference": breach.reference, "status": breach.status })),
            },
        )
        .await?;
        self.alert_reported(&txn, &alert, &breach).await?;
        txn.commit().await?;
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, breach))
    }

    /// The schools a person may report a breach for: those they manage or read, and
    /// those they work at.
    pub async fn reporting_schools(
        &self,
        principal: &Principal,
    ) -> Result<Vec<attest_domain::School>, AppError> {
        let mut schools = Schools::new(&self.db, &principal.scope()).list().await?;
        if let Some(own) = principal.own_records() {
            let (person, own) = own.keyed();
            let member_of = self.schools_worked_at(person, own).await?;
            let all = Schools::new(&self.db, own).list().await?;
            schools.extend(
                all.into_iter()
                    .filter(|school| member_of.contains(&school.id))
                    .filter(|school| !principal.scope().schools().allows(school.id)),
            );
        }
        schools.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        Ok(schools)
    }

    pub(super) async fn schools_worked_at(
        &self,
        person: attest_domain::PersonId,
        own: &attest_domain::TenantScope,
    ) -> Result<std::collections::BTreeSet<SchoolId>, AppError> {
        let today = self.today();
        Ok(Memberships::new(&self.db, own)
            .for_people(&[person])
            .await?
            .into_iter()
            .filter(|membership| membership.ended_on.is_none_or(|ended| ended > today))
            .map(|membership| membership.school)
            .collect())
    }

    /// Admins report for the schools in their scope; any member of staff for the
    /// schools they work at.
    pub(super) async fn reporting_scope(
        &self,
        principal: &Principal,
        schools: &[SchoolId],
    ) -> Result<attest_domain::TenantScope, AppError> {
        let scope = principal.scope();
        if schools.iter().all(|school| scope.schools().allows(*school)) {
            return Ok(scope);
        }
        if let Some(own) = principal.own_records() {
            let (person, own) = own.keyed();
            let member_of = self.schools_worked_at(person, own).await?;
            if schools.iter().all(|school| member_of.contains(school)) {
                return Ok(own.clone());
            }
        }
        Err(AppError::forbidden(
            "a school admin reports breaches for their own schools, and staff for the schools they work at",
        ))
    }
}
