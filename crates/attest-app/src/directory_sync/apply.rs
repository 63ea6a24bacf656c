//! Applying a plan in one transaction, planned again against the people as they are
//! now; a plan that would end too large a share of a school stops unless confirmed.

use std::collections::{BTreeMap, HashMap};

use attest_domain::{
    DirectoryKind, DirectoryUser, Email, MembershipId, MembershipKind, Person, PersonId,
    PersonName, Principal, SchoolId, SyncPlan, apply_changes,
};
use attest_store::{
    Directory as DirectoryStore, DirectoryConnection, NewSyncedMembership, NewSyncedPerson,
    ObligationSlice, OpenMembership, People, TransactionTrait,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::SyncRun;
use super::plan::{Planned, plan_against};
use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

/// What applying a plan writes.
#[derive(Default)]
pub(crate) struct Writes {
    new_people: Vec<NewSyncedPerson>,
    new_memberships: Vec<NewSyncedMembership>,
    /// Directory account → person.
    pub(crate) links: Vec<(String, PersonId)>,
    pub(crate) memberships_to_end: Vec<MembershipId>,
    renamed: Vec<Person>,
}

impl App {
    pub async fn apply_directory_sync(
        &self,
        principal: &Principal,
        run: uuid::Uuid,
        confirm_leavers: bool,
    ) -> Result<SyncRun, AppError> {
        require_trust_admin(principal, "apply a directory sync")?;
        let connection = self.connection_of(principal).await?;
        let rules = connection
            .rules
            .clone()
            .ok_or_else(|| AppError::invalid("rules", "set the mapping rules first"))?;
        let scope = principal.scope();
        let issuer = connection.settings.identity_issuer();
        let (today, at) = (self.today(), self.now());
        let slugs = self.school_slugs(principal).await?;
        let txn = self.db.begin().await?;
        let store = DirectoryStore::new(&txn, &scope);
        let row = store.run(run).await?;
        check_applicable(&row, &connection)?;
        let (changes, delta_link) = store.run_changes(run).await?;
        // Planned again against the people as they are now, inside the transaction.
        let (planned, open, adopted) = if connection.settings.kind == DirectoryKind::Scim {
            self.plan_scim_directory(&txn, &scope, &connection).await?
        } else {
            let snapshot = if changes.full {
                BTreeMap::new()
            } else {
                store.snapshot().await?
            };
            let (known, open) = store.known_people(&issuer, today).await?;
            let planned = plan_against(
                apply_changes(&snapshot, &changes),
                known,
                &rules,
                connection.settings.max_leaver_share,
            );
            (planned, open, Vec::new())
        };
        if !planned.alarms.is_empty() && !confirm_leavers {
            drop(txn);
            let message = stopped_message(&planned, &slugs, connection.settings.max_leaver_share);
            let mut summary: Value = serde_json::from_str(&row.summary).unwrap_or_default();
            summary["stoppedBecause"] = json!(message);
            DirectoryStore::new(&self.db, &scope)
                .finish_run(run, "stopped", &summary, Some(&message), self.now())
                .await?;
            return Err(AppError::Conflict(message));
        }
        let writes = self
            .write_plan(&txn, &scope, &issuer, &planned, &open)
            .await?;
        store.link(&issuer, &adopted, at).await?;
        store
            .advance(
                connection.generation,
                &planned.directory,
                delta_link.as_deref(),
                at,
            )
            .await?;
        let summary = applied_summary(&row, &planned, &writes, confirm_leavers);
        store.finish_run(run, "applied", &summary, None, at).await?;
        record_applied(&txn, principal, at, run, &summary).await?;
        txn.commit().await?;
        self.sync_run(principal, run).await
    }
}

impl App {
    /// Writes a plan in the caller's transaction: renames, new people with their first
    /// membership and account link, memberships started and ended; obligations follow.
    pub(crate) async fn write_plan(
        &self,
        txn: &attest_store::DatabaseTransaction,
        scope: &attest_domain::TenantScope,
        issuer: &str,
        planned: &Planned,
        open: &[OpenMembership],
    ) -> Result<Writes, AppError> {
        let (today, at) = (self.today(), self.now());
        let store = DirectoryStore::new(txn, scope);
        let mut writes = additions(planned);
        let people = People::new(txn, scope);
        let current = people.by_ids(&renamed_people(&planned.plan)).await?;
        updates(&planned.plan, current, open, &mut writes)?;
        leavers(&planned.plan, open, &mut writes);
        for person in &writes.renamed {
            people.update(person, at).await?;
        }
        store.insert_people(&writes.new_people, at).await?;
        store
            .end_memberships(&writes.memberships_to_end, today, at)
            .await?;
        store
            .insert_memberships(&writes.new_memberships, today, at)
            .await?;
        store.link(issuer, &writes.links, at).await?;
        let ruled = self
            .directory_attributes(txn, scope, planned, &writes.links, at)
            .await?;
        let mut slice = touched(&writes, open);
        if let Some(people) = slice.people.as_mut() {
            people.extend(ruled);
            people.sort_unstable();
            people.dedup();
        }
        self.refresh_obligations(txn, scope.trust(), slice).await?;
        Ok(writes)
    }

    /// The synced accounts' people's attributes set by the trust's directory rules.
    pub(crate) async fn directory_attributes(
        &self,
        txn: &attest_store::DatabaseTransaction,
        scope: &attest_domain::TenantScope,
        planned: &Planned,
        links: &[(String, PersonId)],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<PersonId>, AppError> {
        let mut person_of: BTreeMap<&str, PersonId> = planned
            .known
            .iter()
            .filter_map(|known| Some((known.directory_id.as_deref()?, known.person)))
            .collect();
        person_of.extend(links.iter().map(|(id, person)| (id.as_str(), *person)));
        let accounts: Vec<(PersonId, &attest_domain::DirectoryUser)> = planned
            .directory
            .iter()
            .filter(|(_, user)| user.enabled)
            .filter_map(|(id, user)| Some((*person_of.get(id.as_str())?, user)))
            .collect();
        crate::attributes::apply_directory_rules(txn, scope, &accounts, at).await
    }
}

/// Only a plan waiting to be applied, made against the directory as last applied.
fn check_applicable(
    row: &attest_domain::SyncRunRecord,
    connection: &DirectoryConnection,
) -> Result<(), AppError> {
    if row.status != "planned" && row.status != "stopped" {
        return Err(AppError::Conflict(format!(
            "this plan was {}; only a plan waiting to be applied can be",
            row.status
        )));
    }
    if row.base_generation != connection.generation {
        return Err(AppError::Conflict(
            "another sync was applied since this plan was made; plan again".to_owned(),
        ));
    }
    Ok(())
}

/// The schools the safety valve stopped a plan for: "2 of 10 people at riverside (20%)".
pub(super) fn alarmed_schools(planned: &Planned, slugs: &HashMap<SchoolId, String>) -> String {
    planned
        .alarms
        .iter()
        .map(|alarm| {
            format!(
                "{} of {} people at {} ({}%)",
                alarm.leaving,
                alarm.people,
                slugs.get(&alarm.school).cloned().unwrap_or_default(),
                alarm.leaving * 100 / alarm.people.max(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the safety valve stopped a plan, school by school.
fn stopped_message(planned: &Planned, slugs: &HashMap<SchoolId, String>, max_share: f64) -> String {
    format!(
        "stopped: the plan would mark {} as left, more than the {}% allowed; check the mapping rules and the directory, then apply again confirming the leavers",
        alarmed_schools(planned, slugs),
        (max_share * 100.0).round()
    )
}

/// New people, each with their first membership and their directory account.
fn additions(planned: &Planned) -> Writes {
    let job_title = |directory_id: &str| {
        planned
            .directory
            .get(directory_id)
            .and_then(|user: &DirectoryUser| user.job_title.clone())
    };
    let mut writes = Writes::default();
    for add in &planned.plan.add {
        let id = PersonId::generate();
        writes.new_people.push(NewSyncedPerson {
            id,
            full_name: add.full_name.clone(),
            email: add.email.clone(),
        });
        writes.new_memberships.push(NewSyncedMembership {
            person: id,
            school: add.school,
            kind: add.kind,
            job_title: job_title(&add.directory_id),
        });
        writes.links.push((add.directory_id.clone(), id));
    }
    writes
}

/// Everyone renamed or re-addressed, to be read at once.
fn renamed_people(plan: &SyncPlan) -> Vec<PersonId> {
    plan.update
        .iter()
        .filter(|update| {
            update
                .changes
                .iter()
                .any(|change| change.field != "directoryId")
        })
        .map(|update| update.person)
        .collect()
}

/// The open membership of each (person, school, kind).
fn open_ids(
    open: &[OpenMembership],
) -> HashMap<(PersonId, SchoolId, MembershipKind), MembershipId> {
    open.iter()
        .map(|membership| {
            (
                (membership.person, membership.school, membership.kind),
                membership.id,
            )
        })
        .collect()
}

/// Renames, new accounts, and memberships joined and left by people already known.
fn updates(
    plan: &SyncPlan,
    current: Vec<Person>,
    open: &[OpenMembership],
    writes: &mut Writes,
) -> Result<(), AppError> {
    let open = open_ids(open);
    let mut current: HashMap<PersonId, Person> = current
        .into_iter()
        .map(|person| (person.id, person))
        .collect();
    for update in &plan.update {
        let mut person = None;
        for change in &update.changes {
            match change.field {
                "directoryId" => writes.links.push((change.to.clone(), update.person)),
                "fullName" | "email" => {
                    let mut next = match person.take() {
                        Some(next) => next,
                        None => current
                            .remove(&update.person)
                            .ok_or_else(|| AppError::NotFound("person".to_owned()))?,
                    };
                    if change.field == "fullName" {
                        next.full_name = PersonName::parse(&change.to)?;
                    } else {
                        next.email = if change.to.is_empty() {
                            None
                        } else {
                            Some(Email::parse(&change.to)?)
                        };
                    }
                    person = Some(next);
                }
                _ => {}
            }
        }
        writes.renamed.extend(person);
        for (school, kind) in &update.join {
            writes.new_memberships.push(NewSyncedMembership {
                person: update.person,
                school: *school,
                kind: *kind,
                job_title: None,
            });
        }
        for (school, kind) in &update.leave {
            writes
                .memberships_to_end
                .extend(open.get(&(update.person, *school, *kind)).copied());
        }
    }
    Ok(())
}

/// Everyone whose memberships the sync starts or ends.
fn touched(writes: &Writes, open: &[OpenMembership]) -> ObligationSlice {
    let ending: std::collections::BTreeSet<MembershipId> =
        writes.memberships_to_end.iter().copied().collect();
    let mut people: Vec<PersonId> = writes
        .new_memberships
        .iter()
        .map(|membership| membership.person)
        .chain(
            open.iter()
                .filter(|membership| ending.contains(&membership.id))
                .map(|membership| membership.person),
        )
        .collect();
    people.sort_unstable();
    people.dedup();
    ObligationSlice::people(people)
}

/// Leavers' open memberships end; the people and their acceptances stay.
fn leavers(plan: &SyncPlan, open: &[OpenMembership], writes: &mut Writes) {
    let open = open_ids(open);
    for (person, memberships) in &plan.leave {
        for (school, kind) in memberships {
            writes
                .memberships_to_end
                .extend(open.get(&(*person, *school, *kind)).copied());
        }
    }
}

fn applied_summary(
    row: &attest_domain::SyncRunRecord,
    planned: &Planned,
    writes: &Writes,
    confirm_leavers: bool,
) -> Value {
    let plan = &planned.plan;
    let mut summary: Value = serde_json::from_str(&row.summary).unwrap_or_default();
    summary["added"] = json!(plan.add.len());
    summary["updated"] = json!(plan.update.len());
    summary["left"] = json!(plan.leave.len());
    summary["unmapped"] = json!(plan.unmapped.len());
    summary["membershipsEnded"] = json!(writes.memberships_to_end.len());
    summary["confirmedLeavers"] = json!(confirm_leavers && !planned.alarms.is_empty());
    summary
}

async fn record_applied(
    txn: &impl attest_store::ConnectionTrait,
    principal: &Principal,
    at: DateTime<Utc>,
    run: uuid::Uuid,
    summary: &Value,
) -> Result<(), AppError> {
    record(
        txn,
        principal,
        at,
        Change {
            action: "directory.sync_applied",
            subject_type: "directory_sync_run",
            subject_id: run,
            before: None,
            after: Some(summary),
        },
    )
    .await
}
