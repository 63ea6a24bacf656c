//! Memberships: a person joins a school as a kind of member, and later leaves.
//! Leaving ends a membership; nothing is deleted, so history stays answerable.

use attest_domain::{Membership, MembershipId, MembershipKind, PersonId, Principal, SchoolId};
use attest_store::{
    ConnectionTrait, Memberships, NewMembership, ObligationSlice, People, Schools, TransactionTrait,
};
use chrono::NaiveDate;

use crate::audit::{Change, record};
use crate::{App, AppError};

pub struct MembershipInput {
    pub person: PersonId,
    pub school: SchoolId,
    pub kind: String,
    pub job_title: Option<String>,
    /// Today (in England) when not given.
    pub started_on: Option<NaiveDate>,
}

const MAX_JOB_TITLE: usize = 200;

/// Adds a membership inside the caller's transaction. `person_is_new` skips the
/// visibility check for a person created in the same transaction.
pub(crate) async fn add_membership_in(
    app: &App,
    conn: &impl ConnectionTrait,
    principal: &Principal,
    input: MembershipInput,
    person_is_new: bool,
) -> Result<Membership, AppError> {
    let scope = principal.scope();
    if !principal.can_manage_school(input.school) {
        // Hide schools the caller cannot see; refuse the ones they can only read.
        Schools::new(conn, &scope).get(input.school).await?;
        return Err(AppError::forbidden(
            "you cannot change this school's memberships",
        ));
    }
    Schools::new(conn, &scope).get(input.school).await?;
    if !person_is_new {
        People::new(conn, &scope).get(input.person).await?;
    }
    let kind: MembershipKind = input.kind.parse()?;
    let job_title = input
        .job_title
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    if job_title
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_JOB_TITLE)
    {
        return Err(AppError::invalid(
            "jobTitle",
            format!("at most {MAX_JOB_TITLE} characters"),
        ));
    }
    let started_on = input.started_on.unwrap_or_else(|| app.today());
    let memberships = Memberships::new(conn, &scope);
    if memberships
        .open_on(input.person, input.school, kind, started_on)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "this person already has an open {kind} membership at this school"
        )));
    }
    let at = app.now();
    let membership = memberships
        .insert(NewMembership {
            person: input.person,
            school: input.school,
            kind,
            job_title,
            started_on,
            at,
        })
        .await?;
    record(
        conn,
        principal,
        at,
        Change {
            action: "membership.add",
            subject_type: "membership",
            subject_id: membership.id.as_uuid(),
            before: None,
            after: Some(&membership),
        },
    )
    .await?;
    app.refresh_obligations(conn, scope.trust(), ObligationSlice::person(input.person))
        .await?;
    Ok(membership)
}

impl App {
    pub async fn memberships_for_people(
        &self,
        principal: &Principal,
        people: &[PersonId],
    ) -> Result<Vec<Membership>, AppError> {
        Ok(Memberships::new(&self.db, &principal.scope())
            .for_people(people)
            .await?)
    }

    pub async fn add_membership(
        &self,
        principal: &Principal,
        input: MembershipInput,
    ) -> Result<Membership, AppError> {
        let txn = self.db.begin().await?;
        let membership = add_membership_in(self, &txn, principal, input, false).await?;
        txn.commit().await?;
        Ok(membership)
    }

    /// Ends a membership on `ended_on` (today when not given): the first day the person
    /// is no longer a member.
    pub async fn end_membership(
        &self,
        principal: &Principal,
        id: MembershipId,
        ended_on: Option<NaiveDate>,
    ) -> Result<Membership, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let memberships = Memberships::new(&txn, &scope);
        let before = memberships.get(id).await?;
        if !principal.can_manage_school(before.school) {
            return Err(AppError::forbidden(
                "you cannot change this school's memberships",
            ));
        }
        if before.ended_on.is_some() {
            return Err(AppError::Conflict(
                "this membership has already ended".to_owned(),
            ));
        }
        let ended_on = ended_on.unwrap_or_else(|| self.today());
        if ended_on < before.started_on {
            return Err(AppError::invalid(
                "endedOn",
                format!(
                    "{ended_on} is before the membership started ({})",
                    before.started_on
                ),
            ));
        }
        let at = self.now();
        let membership = memberships.end(id, ended_on, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "membership.end",
                subject_type: "membership",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&membership),
            },
        )
        .await?;
        self.refresh_obligations(&txn, scope.trust(), ObligationSlice::person(before.person))
            .await?;
        txn.commit().await?;
        Ok(membership)
    }
}
