//! Writing the model: rows current now (`valid_to IS NULL`), closed and opened as the
//! facts change, and each person's next recheck day.

use std::collections::BTreeMap;

use attest_domain::obligations::ObligationState;
use attest_domain::{AcceptanceId, PersonId, PolicyId, PolicyVersionId, SchoolId};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};
use uuid::Uuid;

use super::{ObligationSlice, Obligations, Refreshed};
use crate::StoreError;
use crate::repo::raw::{bind, bind_list};

/// Rows written per INSERT statement.
const BATCH: usize = 200;

pub(super) const COLUMNS: &str = "person_id, policy_id, school_id, kind, trust_kind, \
     counts_for_trust, obliged_since, due_on, \
     overdue_after, grace_days, exempt_until, current_number, current_version_id, acceptance_id, \
     signed_at, declined_at, decline_reason";

#[derive(FromQueryResult)]
pub(super) struct StateRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub policy_id: Uuid,
    pub school_id: Uuid,
    pub kind: String,
    pub trust_kind: String,
    pub counts_for_trust: bool,
    pub obliged_since: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub grace_days: i32,
    pub exempt_until: Option<NaiveDate>,
    pub current_number: i32,
    pub current_version_id: Uuid,
    pub acceptance_id: Option<Uuid>,
    pub signed_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
}

impl StateRow {
    pub(super) fn into_state(self) -> Result<ObligationState, StoreError> {
        Ok(ObligationState {
            person: PersonId::from_uuid(self.person_id),
            policy: PolicyId::from_uuid(self.policy_id),
            school: SchoolId::from_uuid(self.school_id),
            kind: self
                .kind
                .parse()
                .map_err(StoreError::corrupt("membership kind"))?,
            trust_kind: self
                .trust_kind
                .parse()
                .map_err(StoreError::corrupt("membership kind"))?,
            counts_for_trust: self.counts_for_trust,
            obliged_since: self.obliged_since,
            due_on: self.due_on,
            grace_days: u32::try_from(self.grace_days).unwrap_or_default(),
            exempt_until: self.exempt_until,
            current_number: u32::try_from(self.current_number).unwrap_or_default(),
            current_version: PolicyVersionId::from_uuid(self.current_version_id),
            last_acceptance: self.acceptance_id.map(AcceptanceId::from_uuid),
            signed_at: self.signed_at,
            declined_at: self.declined_at,
            decline_reason: self.decline_reason,
        })
    }
}

type Key = (PersonId, PolicyId, SchoolId);

/// A row to write: in force from, until (`None`: still), and the state.
pub(super) type StoredRevision = (DateTime<Utc>, Option<DateTime<Utc>>, ObligationState);

fn key(state: &ObligationState) -> Key {
    (state.person, state.policy, state.school)
}

fn state_values(state: &ObligationState) -> Vec<Value> {
    vec![
        state.person.as_uuid().into(),
        state.policy.as_uuid().into(),
        state.school.as_uuid().into(),
        state.kind.as_str().into(),
        state.trust_kind.as_str().into(),
        state.counts_for_trust.into(),
        state.obliged_since.into(),
        state.due_on.into(),
        state.overdue_after().into(),
        i32::try_from(state.grace_days).unwrap_or(i32::MAX).into(),
        state.exempt_until.into(),
        i32::try_from(state.current_number)
            .unwrap_or(i32::MAX)
            .into(),
        state.current_version.as_uuid().into(),
        state.last_acceptance.map(|id| id.as_uuid()).into(),
        state.signed_at.into(),
        state.declined_at.into(),
        state.decline_reason.clone().into(),
    ]
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// `AND …` restricting `o.` rows to the slice, with its values appended.
    fn slice_filter(&self, slice: &ObligationSlice, values: &mut Vec<Value>) -> String {
        let mut filter = String::new();
        if let Some(people) = &slice.people {
            let list = bind_list(values, people.iter().map(|id| id.as_uuid()));
            filter.push_str(&format!(" AND o.person_id IN ({list})"));
        }
        if let Some(policy) = slice.policy {
            let mark = bind(values, policy.as_uuid());
            filter.push_str(&format!(" AND o.policy_id = {mark}"));
        }
        filter
    }

    /// On PostgreSQL, waits for any other transaction changing these rows, so the facts
    /// read next include its writes. (SQLite has one writer at a time already.)
    pub(super) async fn lock_current(&self, slice: &ObligationSlice) -> Result<(), StoreError> {
        if self.backend() != DbBackend::Postgres {
            return Ok(());
        }
        let mut values = vec![self.trust()];
        let filter = self.slice_filter(slice, &mut values);
        self.conn
            .query_all_raw(self.statement(
                &format!(
                    "SELECT o.id FROM obligations o WHERE o.trust_id = $1 AND o.valid_to IS NULL\
                     {filter} ORDER BY o.id FOR UPDATE"
                ),
                values,
            ))
            .await?;
        Ok(())
    }

    pub(super) async fn current(
        &self,
        slice: &ObligationSlice,
    ) -> Result<Vec<(Uuid, ObligationState)>, StoreError> {
        let mut values = vec![self.trust()];
        let filter = self.slice_filter(slice, &mut values);
        let rows: Vec<StateRow> = self
            .rows(
                format!(
                    "SELECT o.id, {COLUMNS} FROM obligations o \
                     WHERE o.trust_id = $1 AND o.valid_to IS NULL{filter}"
                ),
                values,
            )
            .await?;
        rows.into_iter()
            .map(|row| Ok((row.id, row.into_state()?)))
            .collect()
    }

    /// Closes the current rows that differ from `fresh` (or are gone from it) and opens
    /// the new ones, both at `at`.
    pub(super) async fn write_changes(
        &self,
        current: Vec<(Uuid, ObligationState)>,
        fresh: Vec<ObligationState>,
        at: DateTime<Utc>,
    ) -> Result<Refreshed, StoreError> {
        let mut fresh: BTreeMap<Key, ObligationState> = fresh
            .into_iter()
            .map(|state| (key(&state), state))
            .collect();
        let mut closing: Vec<Uuid> = Vec::new();
        for (id, kept) in current {
            match fresh.get(&key(&kept)) {
                Some(state) if *state == kept => {
                    fresh.remove(&key(&kept));
                }
                _ => closing.push(id),
            }
        }
        for chunk in closing.chunks(BATCH) {
            let mut values: Vec<Value> = vec![self.trust(), at.into()];
            let list = bind_list(&mut values, chunk.iter().copied());
            self.conn
                .execute_raw(self.statement(
                    &format!(
                        "UPDATE obligations SET valid_to = $2 WHERE trust_id = $1 \
                         AND valid_to IS NULL AND id IN ({list})"
                    ),
                    values,
                ))
                .await?;
        }
        let opening: Vec<StoredRevision> =
            fresh.into_values().map(|state| (at, None, state)).collect();
        let opened = self.insert_revisions(&opening).await?;
        Ok(Refreshed {
            closed: closing.len() as u64,
            opened,
        })
    }

    pub(super) async fn insert_revisions(
        &self,
        revisions: &[StoredRevision],
    ) -> Result<u64, StoreError> {
        for chunk in revisions.chunks(BATCH) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 21);
            let mut rows = Vec::with_capacity(chunk.len());
            for (valid_from, valid_to, state) in chunk {
                let row = [Uuid::now_v7().into(), self.trust()]
                    .into_iter()
                    .chain(state_values(state))
                    .chain([(*valid_from).into(), (*valid_to).into()]);
                rows.push(format!("({})", bind_list(&mut values, row)));
            }
            self.conn
                .execute_raw(self.statement(
                    &format!(
                        "INSERT INTO obligations (id, trust_id, {COLUMNS}, valid_from, valid_to) \
                         VALUES {}",
                        rows.join(", ")
                    ),
                    values,
                ))
                .await?;
        }
        Ok(revisions.len() as u64)
    }

    pub(super) async fn set_rechecks(
        &self,
        rechecks: &[(PersonId, Option<NaiveDate>)],
    ) -> Result<(), StoreError> {
        let (set, cleared): (Vec<_>, Vec<_>) = rechecks.iter().partition(|(_, on)| on.is_some());
        for chunk in cleared.chunks(BATCH) {
            let mut values = vec![self.trust()];
            let list = bind_list(
                &mut values,
                chunk.iter().map(|(person, _)| person.as_uuid()),
            );
            self.conn
                .execute_raw(self.statement(
                    &format!(
                        "DELETE FROM obligation_rechecks WHERE trust_id = $1 AND person_id IN ({list})"
                    ),
                    values,
                ))
                .await?;
        }
        for chunk in set.chunks(BATCH) {
            let mut values = Vec::new();
            let rows: Vec<String> = chunk
                .iter()
                .map(|(person, on)| {
                    let row: [Value; 3] = [self.trust(), person.as_uuid().into(), (*on).into()];
                    format!("({})", bind_list(&mut values, row))
                })
                .collect();
            self.conn
                .execute_raw(self.statement(
                    &format!(
                        "INSERT INTO obligation_rechecks (trust_id, person_id, recheck_on) VALUES {} \
                         ON CONFLICT (trust_id, person_id) DO UPDATE SET recheck_on = excluded.recheck_on",
                        rows.join(", ")
                    ),
                    values,
                ))
                .await?;
        }
        Ok(())
    }

    pub(super) async fn rechecks_due(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<(PersonId, NaiveDate)>, StoreError> {
        #[derive(FromQueryResult)]
        struct Due {
            person_id: Uuid,
            recheck_on: NaiveDate,
        }
        let due: Vec<Due> = self
            .rows(
                "SELECT person_id, recheck_on FROM obligation_rechecks \
                 WHERE trust_id = $1 AND recheck_on <= $2 ORDER BY person_id"
                    .to_owned(),
                vec![self.trust(), today.into()],
            )
            .await?;
        Ok(due
            .into_iter()
            .map(|row| (PersonId::from_uuid(row.person_id), row.recheck_on))
            .collect())
    }

    /// Takes the person's due recheck (a row lock on PostgreSQL); false when another
    /// transaction has already dealt with it.
    pub(super) async fn claim_recheck(
        &self,
        person: PersonId,
        today: NaiveDate,
    ) -> Result<bool, StoreError> {
        let claimed = self
            .conn
            .execute_raw(self.statement(
                "UPDATE obligation_rechecks SET recheck_on = recheck_on \
                 WHERE trust_id = $1 AND person_id = $2 AND recheck_on <= $3",
                vec![self.trust(), person.as_uuid().into(), today.into()],
            ))
            .await?;
        Ok(claimed.rows_affected() > 0)
    }

    pub(super) async fn recheck_of(
        &self,
        person: PersonId,
    ) -> Result<Option<NaiveDate>, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT recheck_on FROM obligation_rechecks WHERE trust_id = $1 AND person_id = $2",
                vec![self.trust(), person.as_uuid().into()],
            ))
            .await?;
        Ok(row.map(|row| row.try_get("", "recheck_on")).transpose()?)
    }

    /// When the person's newest revision began (the epoch when they have none), so a
    /// late recheck never writes a revision before one already written.
    pub(super) async fn last_revision_of(
        &self,
        person: PersonId,
    ) -> Result<DateTime<Utc>, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT MAX(valid_from) AS latest FROM obligations WHERE trust_id = $1 AND person_id = $2",
                vec![self.trust(), person.as_uuid().into()],
            ))
            .await?;
        let latest: Option<DateTime<Utc>> = match row {
            Some(row) => row.try_get("", "latest")?,
            None => None,
        };
        Ok(latest.unwrap_or(DateTime::UNIX_EPOCH))
    }

    /// Removes the trust's model (for a rebuild); how many rows it held.
    pub(super) async fn clear(&self) -> Result<u64, StoreError> {
        self.conn
            .execute_raw(self.statement(
                "DELETE FROM obligation_rechecks WHERE trust_id = $1",
                vec![self.trust()],
            ))
            .await?;
        Ok(self
            .conn
            .execute_raw(self.statement(
                "DELETE FROM obligations WHERE trust_id = $1",
                vec![self.trust()],
            ))
            .await?
            .rows_affected())
    }
}
