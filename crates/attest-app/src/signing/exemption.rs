//! Excusing someone from signing for a while (e.g. long-term leave).

use attest_domain::{PersonId, PolicyId, Principal};
use attest_store::{
    Exemption, Exemptions, Memberships, NewExemption, ObligationSlice, People, Policies,
    TransactionTrait,
};
use chrono::NaiveDate;

use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_REASON: usize = 500;
/// Longer than this is not an exemption but a leaver.
const MAX_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone)]
pub struct GrantExemption {
    pub person: PersonId,
    /// `None`: every policy.
    pub policy: Option<PolicyId>,
    pub reason: String,
    /// Today when not given.
    pub starts_on: Option<NaiveDate>,
    /// The last day it covers.
    pub ends_on: NaiveDate,
}

impl App {
    pub async fn grant_exemption(
        &self,
        principal: &Principal,
        input: GrantExemption,
    ) -> Result<Exemption, AppError> {
        let reason = input
            .reason
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "say why (e.g. long-term leave)",
            ));
        }
        if reason.chars().count() > MAX_REASON {
            return Err(AppError::invalid(
                "reason",
                format!("at most {MAX_REASON} characters"),
            ));
        }
        let starts_on = input.starts_on.unwrap_or_else(|| self.today());
        if input.ends_on < starts_on {
            return Err(AppError::invalid("endsOn", "ends before it starts"));
        }
        if (input.ends_on - starts_on).num_days() > MAX_DAYS {
            return Err(AppError::invalid(
                "endsOn",
                "at most three years: someone away longer should leave the school's list",
            ));
        }
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let person = People::new(&txn, &scope).get(input.person).await?;
        let today = self.today();
        // Active (not ended) memberships only: a school the person has left is no longer
        // theirs to excuse them at.
        let schools: Vec<_> = Memberships::new(&txn, &scope)
            .for_people(&[person.id])
            .await?
            .into_iter()
            .filter(|membership| membership.ended_on.is_none_or(|ended| ended > today))
            .map(|membership| membership.school)
            .collect();
        if !schools
            .iter()
            .any(|school| principal.can_manage_school(*school))
        {
            return Err(AppError::forbidden(
                "only an admin of a school this person works at can exempt them",
            ));
        }
        match input.policy {
            // Visible to a school admin only when it applies at their schools.
            Some(policy) => {
                Policies::new(&txn, &scope).get(policy).await?;
            }
            None => {
                if People::new(&txn, &scope)
                    .reaches_beyond_scope(person.id, today)
                    .await?
                    .works_elsewhere
                {
                    return Err(AppError::forbidden(
                        "this person also works at another school: name the policy to exempt them from",
                    ));
                }
            }
        }
        let at = self.now();
        let exemption = Exemptions::new(&txn, &scope)
            .insert(NewExemption {
                person: person.id,
                policy: input.policy,
                reason,
                starts_on,
                ends_on: input.ends_on,
                granted_by_kind: principal.actor().kind(),
                granted_by: principal.actor().id(),
                at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "exemption.grant",
                subject_type: "person",
                subject_id: person.id.as_uuid(),
                before: None,
                after: Some(&exemption),
            },
        )
        .await?;
        let slice = match input.policy {
            Some(policy) => ObligationSlice::person_and_policy(person.id, policy),
            None => ObligationSlice::person(person.id),
        };
        self.refresh_obligations(&txn, scope.trust(), slice).await?;
        txn.commit().await?;
        Ok(exemption)
    }

    pub async fn exemptions_of(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<Exemption>, AppError> {
        let scope = principal.scope();
        People::new(&self.db, &scope).get(person).await?;
        Ok(Exemptions::new(&self.db, &scope).for_person(person).await?)
    }
}
