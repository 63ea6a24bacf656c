//! The obligations read model: each (person, policy, school) owed with the dates that
//! decide its status (`attest_domain::obligations`), kept current in the transaction of
//! every event that changes it, and kept as revisions so a past instant is a range
//! lookup. `Compliance` (the set-based recomputation) is what it is checked against.

mod by_policy;
mod facts;
mod owing;
mod read;
pub use by_policy::PolicyCount;
pub use read::Revision;
mod revisions;

use std::collections::{BTreeMap, BTreeSet};

use attest_domain::obligations::{
    ObligationState, PolicyFacts, recheck_after, start_of_day, states_at, timeline,
};
use attest_domain::{PersonId, PolicyId, SchoolId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::StoreError;
use revisions::StoredRevision;

/// Which obligations an event can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationSlice {
    /// `None`: everyone in the trust.
    pub people: Option<Vec<PersonId>>,
    /// `None`: every policy.
    pub policy: Option<PolicyId>,
}

impl ObligationSlice {
    pub fn person(person: PersonId) -> Self {
        Self {
            people: Some(vec![person]),
            policy: None,
        }
    }

    pub fn people(people: Vec<PersonId>) -> Self {
        Self {
            people: Some(people),
            policy: None,
        }
    }

    pub fn person_and_policy(person: PersonId, policy: PolicyId) -> Self {
        Self {
            people: Some(vec![person]),
            policy: Some(policy),
        }
    }

    pub fn policy(policy: PolicyId) -> Self {
        Self {
            people: None,
            policy: Some(policy),
        }
    }

    pub fn everyone() -> Self {
        Self {
            people: None,
            policy: None,
        }
    }
}

/// People recomputed per step of a large refresh (bound parameters have limits).
const PEOPLE_PER_STEP: usize = 500;

/// What a refresh or rebuild changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub closed: u64,
    pub opened: u64,
}

pub struct Obligations<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::school_day;

impl<'a, C: ConnectionTrait> Obligations<'a, C> {
    /// Needs a trust-wide scope: a person's obligations at one school depend on their
    /// memberships at the others.
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.backend(), sql, values)
    }

    fn trust(&self) -> Value {
        self.scope.trust().as_uuid().into()
    }

    /// Brings the slice up to date at `at`, after any rechecks due by then. Call it in
    /// the transaction that recorded the event, after the event's own writes.
    pub async fn refresh(
        &self,
        slice: &ObligationSlice,
        at: DateTime<Utc>,
    ) -> Result<Refreshed, StoreError> {
        let mut done = self.roll_due(at).await?;
        let slice_done = self.refresh_at(slice, at).await?;
        done.closed += slice_done.closed;
        done.opened += slice_done.opened;
        Ok(done)
    }

    /// Recomputes everyone whose recheck day (a membership or exemption starting or
    /// ending) has come by `at`, as of the first instant of that day.
    pub async fn roll_due(&self, at: DateTime<Utc>) -> Result<Refreshed, StoreError> {
        let today = school_day(at);
        let mut done = Refreshed::default();
        for (person, mut on) in self.rechecks_due(today).await? {
            // Another transaction may be rolling the same person: whoever moves the
            // recheck first does it, the other finds nothing due.
            if !self.claim_recheck(person, today).await? {
                continue;
            }
            while on <= today {
                let then = start_of_day(on).max(self.last_revision_of(person).await?);
                let changed = self
                    .refresh_at(&ObligationSlice::person(person), then)
                    .await?;
                done.closed += changed.closed;
                done.opened += changed.opened;
                match self.recheck_of(person).await? {
                    Some(next) if next > on => on = next,
                    _ => break,
                }
            }
        }
        Ok(done)
    }

    /// Recomputes the slice at `at` and writes what changed as new revisions, a few
    /// hundred people at a time when it names them.
    async fn refresh_at(
        &self,
        slice: &ObligationSlice,
        at: DateTime<Utc>,
    ) -> Result<Refreshed, StoreError> {
        if slice.people.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Refreshed::default());
        }
        let Some(people) = slice
            .people
            .as_ref()
            .filter(|people| people.len() > PEOPLE_PER_STEP)
        else {
            return self.refresh_step(slice, at).await;
        };
        let mut done = Refreshed::default();
        for chunk in people.chunks(PEOPLE_PER_STEP) {
            let part = ObligationSlice {
                people: Some(chunk.to_vec()),
                policy: slice.policy,
            };
            let step = self.refresh_step(&part, at).await?;
            done.closed += step.closed;
            done.opened += step.opened;
        }
        Ok(done)
    }

    async fn refresh_step(
        &self,
        slice: &ObligationSlice,
        at: DateTime<Utc>,
    ) -> Result<Refreshed, StoreError> {
        let day = school_day(at);
        self.lock_current(slice).await?;
        let people = self.person_facts(slice).await?;
        // Named people owe only the trust's policies and their schools' own.
        let schools: Option<BTreeSet<SchoolId>> = slice.people.as_ref().map(|_| {
            people
                .values()
                .flat_map(|person| person.memberships.iter().map(|m| m.school))
                .collect()
        });
        let policies = self.policy_facts(slice.policy, schools.as_ref()).await?;
        let mut fresh: Vec<ObligationState> = Vec::new();
        let mut rechecks = Vec::with_capacity(people.len());
        for person in people.values() {
            fresh.extend(states_at(&policies, person, at, day));
            rechecks.push((person.person, recheck_after(person, at, day)));
        }
        let current = self.current(slice).await?;
        let done = self.write_changes(current, fresh, at).await?;
        self.set_rechecks(&rechecks).await?;
        Ok(done)
    }

    /// Replaces the trust's model with one rebuilt from its records: every person's
    /// timeline up to `at`, so past instants answer as they would have.
    pub async fn rebuild(&self, at: DateTime<Utc>) -> Result<Refreshed, StoreError> {
        let slice = ObligationSlice::everyone();
        let removed = self.clear().await?;
        let policies = self.policy_facts(None, None).await?;
        let people = self.person_facts(&slice).await?;
        let day = school_day(at);
        let mut revisions: Vec<StoredRevision> = Vec::new();
        let mut rechecks = Vec::with_capacity(people.len());
        for person in people.values() {
            let history = timeline(&policies, person, at);
            for (n, revision) in history.iter().enumerate() {
                let valid_to = history.get(n + 1).map(|next| next.valid_from);
                revisions.extend(
                    revision
                        .states
                        .iter()
                        .map(|state| (revision.valid_from, valid_to, state.clone())),
                );
            }
            rechecks.push((person.person, recheck_after(person, at, day)));
        }
        let opened = self.insert_revisions(&revisions).await?;
        self.set_rechecks(&rechecks).await?;
        self.refresh_statistics().await?;
        Ok(Refreshed {
            closed: removed,
            opened,
        })
    }

    /// After a bulk write, the planner's statistics for the model's tables and the
    /// records it was built from (a rebuild follows a restore or a bulk load), so the
    /// queries are planned on what is there even where autovacuum is off.
    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        for table in [
            "obligations",
            "obligation_rechecks",
            "acceptances",
            "memberships",
            "exemptions",
            "policy_versions",
            "people",
        ] {
            self.conn
                .execute_unprepared(&format!("ANALYZE {table}"))
                .await?;
        }
        Ok(())
    }

    /// The model's rows now, and a recomputation from the records at `at`, keyed by
    /// (person, policy, school): what `attest compliance check` compares.
    pub async fn compare(
        &self,
        at: DateTime<Utc>,
    ) -> Result<(u64, Vec<ObligationDifference>), StoreError> {
        let slice = ObligationSlice::everyone();
        let policies: Vec<PolicyFacts> = self.policy_facts(None, None).await?;
        let day = school_day(at);
        let mut fresh: BTreeMap<_, ObligationState> = BTreeMap::new();
        for person in self.person_facts(&slice).await?.values() {
            for state in states_at(&policies, person, at, day) {
                fresh.insert((state.person, state.policy, state.school), state);
            }
        }
        let mut differences = Vec::new();
        let current = self.current(&slice).await?;
        let rows = current.len() as u64;
        for (_, kept) in current {
            let key = (kept.person, kept.policy, kept.school);
            match fresh.remove(&key) {
                Some(expected) if expected == kept => {}
                expected => differences.push(ObligationDifference {
                    kept: Some(kept),
                    expected,
                }),
            }
        }
        differences.extend(fresh.into_values().map(|expected| ObligationDifference {
            kept: None,
            expected: Some(expected),
        }));
        Ok((rows, differences))
    }

    /// Whether anyone's recheck day has come by `at`.
    pub async fn has_rechecks_due(&self, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT 1 AS due FROM obligation_rechecks WHERE trust_id = $1 AND recheck_on <= $2 LIMIT 1",
                vec![self.trust(), school_day(at).into()],
            ))
            .await?;
        Ok(row.is_some())
    }
}

/// A row the model holds that a recomputation does not agree with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationDifference {
    pub kept: Option<ObligationState>,
    pub expected: Option<ObligationState>,
}
